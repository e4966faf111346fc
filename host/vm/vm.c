// SPDX-License-Identifier: GPL-2.0
/*
 * One VM from start to cleanup: prepare the run directory and QEMU's
 * arguments, start QEMU, serve its fds from one event loop until the job's
 * outcome is known, and clean up on every path. The pieces live beside
 * this file: rundir.c, qemu_proc.c, proto.c (the wire protocol),
 * outfiles.c, evloop.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "paths.h"
#include "util.h"
#include "vm/evloop.h"
#include "vm/internal.h"

#define CONNECT_MS	15000	/* QEMU start to control-port connection */
#define EXIT_GRACE_MS	5000	/* job done to QEMU gone */

static int pending_sig;

void vm_signals_block(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

int vm_pending_signal(void)
{
	sigset_t s;

	if (pending_sig)
		return pending_sig;
	sigpending(&s);
	if (sigismember(&s, SIGINT))
		return SIGINT;
	if (sigismember(&s, SIGTERM))
		return SIGTERM;
	if (sigismember(&s, SIGHUP))
		return SIGHUP;
	return 0;
}

void vm_fail(struct vm *v, enum vm_outcome out, const char *fmt, ...)
{
	va_list ap;

	/* A verdict decided and waiting for its report comes first. */
	if (v->pending)
		watch_finish(v);
	if (v->done)
		return;
	v->done = true;
	v->r->outcome = out;
	va_start(ap, fmt);
	vsnprintf(v->r->detail, sizeof(v->r->detail), fmt, ap);
	va_end(ap);
}

void vm_append_console(struct vm *v, unsigned int lines)
{
	size_t off = strlen(v->r->detail);
	char *out = v->r->detail + off;
	size_t room = sizeof(v->r->detail) - off;

	if (room < 64 || (!v->con.head && !v->con.wrapped))
		return;
	off = (size_t)snprintf(out, room, "\nlast console lines:\n");
	if (off < room)
		console_last_lines(&v->con, lines, "  | ", out + off,
				   room - off);
}

static void read_qemu_stderr(struct vm *v)
{
	char buf[1024];
	ssize_t n = read(v->err_fd, buf, sizeof(buf));

	if (n <= 0) {
		close(v->err_fd);
		v->err_fd = -1;
		return;
	}
	if (v->o->verbose)
		write_all(2, buf, (size_t)n);
	if (v->qemu_err_len + (size_t)n >= sizeof(v->qemu_err))
		v->qemu_err_len = 0;	/* keep the recent part */
	memcpy(v->qemu_err + v->qemu_err_len, buf, (size_t)n);
	v->qemu_err_len += (size_t)n;
	v->qemu_err[v->qemu_err_len] = '\0';
	if (v->o->kvm_probe && (strstr(v->qemu_err, "KVM internal error") ||
				strstr(v->qemu_err, "emulation failure")))
		vm_fail(v, VM_ERROR, "KVM failed: %s", v->qemu_err);
}

static void read_fd(struct vm *v, int *fd, bool console)
{
	char buf[4096];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	if (console)
		console_feed(&v->con, buf, (size_t)n);
	else
		proto_feed(v, buf, (size_t)n);
}

static void on_qemu_exit(void *ctx)
{
	struct vm *v = ctx;
	char why[64];
	int st;

	if (waitpid(v->pid, &st, 0) == v->pid) {
		v->qemu_gone = true;
		v->qemu_status = st;
	}
	/* Pick up what QEMU wrote just before it went. */
	while (v->con_fd >= 0)
		read_fd(v, &v->con_fd, true);
	while (v->ctl >= 0)
		read_fd(v, &v->ctl, false);
	while (v->err_fd >= 0)
		read_qemu_stderr(v);
	watch_finish(v);
	if (v->done)
		return;
	if (v->con.kev.ev[KEV_PANIC].seen) {
		vm_fail(v, VM_PANIC, "guest kernel panic: %s",
			v->con.kev.ev[KEV_PANIC].line);
		vm_append_console(v, 30);
		return;
	}
	if (WIFEXITED(st))
		snprintf(why, sizeof(why), "exited with status %d",
			 WEXITSTATUS(st));
	else
		snprintf(why, sizeof(why), "was killed by signal %d",
			 WTERMSIG(st));
	rstrip(v->qemu_err);
	vm_fail(v, VM_ERROR, "QEMU %s before the guest %s%s%s", why,
	     v->hello ? "job finished" : "agent came up",
	     v->qemu_err[0] ? ": " : "", v->qemu_err);
	vm_append_console(v, 20);
}

static void on_signal(void *ctx)
{
	struct vm *v = ctx;
	struct signalfd_siginfo si;

	if (read(v->sig_fd, &si, sizeof(si)) != sizeof(si))
		return;
	pending_sig = (int)si.ssi_signo;
	vm_fail(v, VM_INTERRUPTED, "interrupted by %s", strsignal(pending_sig));
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * ktstr.ko parked every CPU and wrote "TAG\n" to the debugcon port: the
 * guest cannot change until we capture and release it with an NMI.
 */
static void read_sync(void *ctx)
{
	struct vm *v = ctx;
	char buf[256];
	ssize_t n = read(v->sync, buf, sizeof(buf));

	if (n <= 0) {
		close_fd(&v->sync);
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		char c = buf[i];

		if (c != '\n') {
			/* Bounded and printable: it is the guest's data. */
			if (v->sync_len < sizeof(v->sync_line) - 1 &&
			    c >= 0x20 && c < 0x7f)
				v->sync_line[v->sync_len++] = c;
			continue;
		}
		v->sync_line[v->sync_len] = '\0';
		v->sync_len = 0;
		if (!v->hello)
			continue;	/* not ktstr.ko: it loads after boot */
		if (!strcmp(v->sync_line, KTSTR_SYNC_TAG_SCHED_ERROR) &&
		    watch_sched_under_test(v)) {
			/* The exit was claimed microseconds before this line. */
			v->scx_exit_sync_ns = now_ns();
			/* Before teardown: the snapshot the report names. */
			v->scx_exit_capturing = !capturer_submit(v->cap,
				CAPTURE_FAILURE, v->sync_line, true,
				VM_CAPTURE_SCX_EXIT, 0);
		} else {
			capturer_submit(v->cap, CAPTURE_GUEST, v->sync_line, true,
					VM_CAPTURE_NOTHING, 0);
		}
	}
}

/* The capture thread finished some: act on each. */
static void on_capture_done(void *ctx)
{
	struct capture_done d[CAPTURE_QUEUE_MAX];
	struct vm *v = ctx;
	unsigned int n = capturer_collect(v->cap, d, CAPTURE_QUEUE_MAX);

	for (unsigned int i = 0; i < n; i++) {
		switch (d[i].req.kind) {
		case VM_CAPTURE_SCX_EXIT:
			v->scx_exit_capturing = false;
			if (d[i].id > 0) {
				v->failure_capture = d[i].id;
				v->scx_exit_captured = true;
			}
			break;
		case VM_CAPTURE_VERDICT:
			v->failure_capture = d[i].id;
			break;
		case VM_CAPTURE_CTL_REPLY:
			proto_capture_done(v, d[i].req.cookie, d[i].id);
			break;
		default:
			break;
		}
	}
}

void vm_settle_captures(struct vm *v)
{
	if (!v->cap)
		return;
	if (!capturer_wait_idle(v->cap, 4 * CAPTURE_QMP_TIMEOUT_MS))
		errmsg("a capture was still under way at the end of the run");
	on_capture_done(v);
}

static int accept_on(int *listen_fd)
{
	int fd = accept4(*listen_fd, NULL, NULL, SOCK_CLOEXEC);

	close(*listen_fd);
	*listen_fd = -1;
	return fd;
}

static int poll_timeout(struct vm *v, uint64_t done_at)
{
	uint64_t now = now_ns(), until = UINT64_MAX;

	if (v->o->timeout_s)
		until = v->start_ns + (uint64_t)v->o->timeout_s * 1000000000ull;
	if (!v->hello && v->start_ns + CONNECT_MS * 1000000ull < until &&
	    v->ctl < 0)
		until = v->start_ns + CONNECT_MS * 1000000ull;
	if (v->done && done_at + EXIT_GRACE_MS * 1000000ull < until)
		until = done_at + EXIT_GRACE_MS * 1000000ull;
	if (v->hello && !v->done && !v->pending &&
	    capturer_next_due(v->cap) < until)
		until = capturer_next_due(v->cap);
	if (watch_next_due(v) < until)
		until = watch_next_due(v);
	if (until == UINT64_MAX)
		return -1;
	return until <= now ? 0 : (int)((until - now) / 1000000 + 1);
}

static void check_deadlines(struct vm *v, uint64_t done_at)
{
	uint64_t now = now_ns();

	if (v->done) {
		/* The job is over; QEMU should have gone by now. */
		if (now >= done_at + EXIT_GRACE_MS * 1000000ull)
			v->give_up = true;
		return;
	}
	if (v->o->timeout_s &&
	    now >= v->start_ns + (uint64_t)v->o->timeout_s * 1000000000ull) {
		vm_fail(v, VM_TIMEOUT, "timed out after %u s (%s)",
		     v->o->timeout_s,
		     v->hello ? "the job did not finish" :
		     "the guest agent never came up");
		vm_append_console(v, 20);
	} else if (v->ctl < 0 && !v->hello &&
		   now >= v->start_ns + CONNECT_MS * 1000000ull) {
		vm_fail(v, VM_ERROR, "QEMU did not connect the control port within %d ms",
		     CONNECT_MS);
	}
}

static void on_console(void *ctx)
{
	struct vm *v = ctx;

	read_fd(v, &v->con_fd, true);
}

static void on_qemu_stderr(void *ctx)
{
	read_qemu_stderr(ctx);
}

static void on_ctl(void *ctx)
{
	struct vm *v = ctx;

	read_fd(v, &v->ctl, false);
}

static void on_ctl_accept(void *ctx)
{
	struct vm *v = ctx;

	v->ctl = accept_on(&v->ctl_listen);
}

static void on_qmp_accept(void *ctx)
{
	struct vm *v = ctx;
	char err[512];

	v->qmp = accept_on(&v->qmp_listen);
	qemu_deprioritize_vcpus(v->pid);
	if (v->qmp >= 0 && capturer_attach_qmp(v->cap, v->qmp, err, sizeof(err)))
		errmsg("QMP: %s; no snapshots this run", err);
}

static void on_sync_accept(void *ctx)
{
	struct vm *v = ctx;

	v->sync = accept_on(&v->sync_listen);
}

static void loop(struct vm *v)
{
	uint64_t done_at = 0;
	struct evloop l;

	ev_init(&l, v);
	ev_add(&l, &v->sig_fd, on_signal);
	ev_add(&l, &v->con_fd, on_console);
	ev_add(&l, &v->err_fd, on_qemu_stderr);
	ev_add(&l, &v->ctl, on_ctl);
	ev_add(&l, &v->ctl_listen, on_ctl_accept);
	ev_add(&l, &v->qmp_listen, on_qmp_accept);
	ev_add(&l, &v->sync_listen, on_sync_accept);
	ev_add(&l, &v->sync, read_sync);
	ev_add(&l, &v->cap->done_fd, on_capture_done);
	/* Last: QEMU's exit drains every fd above first. */
	ev_add(&l, &v->pidfd, on_qemu_exit);

	while (!v->qemu_gone && !v->give_up) {
		bool was_done = v->done;

		if (ev_poll(&l, poll_timeout(v, done_at)) < 0)
			break;
		if (v->hello && !v->done && !v->qemu_gone) {
			/* A verdict's snapshot is the last one its report names. */
			if (!v->pending)
				capturer_tick(v->cap, now_ns());
			watch_tick(v);
		}
		if (atomic_load(&v->cap->fatal))
			vm_fail(v, VM_ERROR, "%s", v->cap->fatal_msg);
		if (v->done && !was_done)
			done_at = now_ns();
		check_deadlines(v, done_at);
		/* A failure, interrupted or timed out: stop the guest now. */
		if (v->done && !vm_outcome_guest_finishes(v->r->outcome))
			break;
	}
}

static FILE *open_log(const char *dir, const char *name)
{
	char path[4200];

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fopen(path, "we");
}

/* A sparse file: the guest's disk costs memory only where it writes. */
static int disk_create(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int r;

	if (fd < 0)
		return -1;
	r = ftruncate(fd, (off_t)VM_DISK_MB << 20);
	close(fd);
	return r;
}

static int prepare(struct vm *v, struct strlist *argv)
{
	const struct vm_opts *o = v->o;
	struct vm_config cfg = o->cfg;
	char initrd[200], ctl[200], qmp[200], sync[200], disk[200], err[1024];
	sigset_t sigs;

	if (o->output_dir && mkdir_p(o->output_dir, 0755)) {
		vm_fail(v, VM_ERROR, "cannot create --output-dir %s: %s",
		     o->output_dir, strerror(errno));
		return -1;
	}
	v->console_log = open_log(o->output_dir, "console.log");
	v->sched_log = o->job.sched_path ?
		open_log(o->output_dir, "scheduler.log") : NULL;

	v->cap = calloc(1, sizeof(*v->cap));
	if (!v->cap) {
		vm_fail(v, VM_ERROR, "out of memory");
		return -1;
	}
	capturer_init(v->cap, o->output_dir, o->vmlinux);
	paths_sweep_stale();
	if (rundir_create(v))
		return -1;
	snprintf(initrd, sizeof(initrd), "%s/initramfs.cpio", v->dir);
	snprintf(ctl, sizeof(ctl), "%s/ctl.sock", v->dir);
	snprintf(qmp, sizeof(qmp), "%s/qmp.sock", v->dir);
	snprintf(sync, sizeof(sync), "%s/sync.sock", v->dir);
	snprintf(disk, sizeof(disk), "%s/disk.img", v->dir);
	if (disk_create(disk)) {
		vm_fail(v, VM_ERROR, "cannot create the guest's disk %s: %s", disk,
			strerror(errno));
		return -1;
	}
	if (initramfs_build(&o->rootfs, initrd, err, sizeof(err))) {
		vm_fail(v, VM_ERROR, "initramfs: %s", err);
		return -1;
	}
	v->ctl_listen = rundir_listen(ctl);
	v->qmp_listen = rundir_listen(qmp);
	v->sync_listen = rundir_listen(sync);
	if (v->ctl_listen < 0 || v->qmp_listen < 0 || v->sync_listen < 0) {
		vm_fail(v, VM_ERROR, "cannot listen on %s: %s", v->dir,
		     strerror(errno));
		return -1;
	}
	cfg.initrd = initrd;
	cfg.ctl_sock = ctl;
	cfg.qmp_sock = qmp;
	cfg.sync_sock = sync;
	cfg.mem_dir = v->dir;
	cfg.disk = disk;
	cfg.verbose_console = o->verbose > 0;
	if (qemu_build_args(&cfg, argv, err, sizeof(err))) {
		vm_fail(v, VM_ERROR, "%s", err);
		return -1;
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	v->sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC);
	return 0;
}

int vm_run(const struct vm_opts *o, struct vm_result *r)
{
	struct strlist argv = STRLIST_INIT;
	int out[2] = { -1, -1 }, err[2] = { -1, -1 };
	struct vm *v = calloc(1, sizeof(*v));

	memset(r, 0, sizeof(*r));
	if (!v) {
		snprintf(r->detail, sizeof(r->detail), "out of memory");
		r->outcome = VM_ERROR;
		return -1;
	}
	v->o = o;
	v->r = r;
	v->pid = -1;
	v->pidfd = v->con_fd = v->err_fd = v->sig_fd = -1;
	v->ctl_listen = v->qmp_listen = v->ctl = v->qmp = -1;
	v->sync_listen = v->sync = -1;
	wire_decoder_init(&v->dec);
	watch_init(v);
	v->start_ns = now_ns();
	if (prepare(v, &argv))
		goto out;
	console_init(&v->con, v->console_log, o->verbose > 0);
	if (o->verbose > 1) {
		fprintf(stderr, "ktstr: running");
		for (size_t i = 0; i < argv.n; i++)
			fprintf(stderr, " %s", argv.v[i]);
		fputc('\n', stderr);
	}
	v->start_ns = now_ns();
	v->pid = qemu_spawn(v, argv.v, out, err);
	if (v->pid < 0) {
		vm_fail(v, VM_ERROR, "cannot start %s: %s", o->cfg.qemu,
		     strerror(errno));
		goto out;
	}
	v->con_fd = out[0];
	v->err_fd = err[0];
	v->pidfd = (int)syscall(SYS_pidfd_open, v->pid, 0);
	loop(v);
out:
	vm_settle_captures(v);
	watch_finish(v);
	qemu_stop(v);
	r->total_ns = now_ns() - v->start_ns;
	if (v->cap) {
		r->snapshots_taken = v->cap->taken;
		capturer_destroy(v->cap);
		free(v->cap);
	}
	if (!v->done)
		vm_fail(v, VM_ERROR, "the VM ended without a result");
	close_fd(&v->pidfd);
	close_fd(&v->con_fd);
	close_fd(&v->err_fd);
	close_fd(&v->sig_fd);
	close_fd(&v->ctl_listen);
	close_fd(&v->qmp_listen);
	close_fd(&v->ctl);
	close_fd(&v->qmp);
	close_fd(&v->sync_listen);
	close_fd(&v->sync);
	if (v->console_log)
		fclose(v->console_log);
	if (v->sched_log)
		fclose(v->sched_log);
	json_object_put(v->bpf);
	rundir_remove(v);
	strlist_free(&argv);
	free(v);
	return r->outcome == VM_EXITED ? 0 : -1;
}

static const struct {
	const char *name;
	int status;
	bool failure, finishes;
} outcomes[VM_OUTCOME_NR] = {
#define VM_OUTCOME_ROW(e, n, st, fail, fin)				\
	[e] = { .name = n, .status = st, .failure = fail, .finishes = fin },
	VM_OUTCOMES(VM_OUTCOME_ROW)
#undef VM_OUTCOME_ROW
};

const char *vm_outcome_name(enum vm_outcome o)
{
	return o < VM_OUTCOME_NR ? outcomes[o].name : "?";
}

int vm_outcome_parse(const char *name)
{
	for (int o = 0; o < VM_OUTCOME_NR; o++)
		if (!strcmp(name, outcomes[o].name))
			return o;
	return -1;
}

int vm_outcome_status(enum vm_outcome o)
{
	return o < VM_OUTCOME_NR ? outcomes[o].status : 125;
}

bool vm_outcome_is_failure_of_test(enum vm_outcome o)
{
	return o < VM_OUTCOME_NR && outcomes[o].failure;
}

bool vm_outcome_guest_finishes(enum vm_outcome o)
{
	return o < VM_OUTCOME_NR && outcomes[o].finishes;
}
