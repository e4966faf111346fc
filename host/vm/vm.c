// SPDX-License-Identifier: GPL-2.0
/*
 * One VM from start to cleanup. Everything the run creates lives in one
 * private directory under /dev/shm (guest RAM files, sockets, the
 * initramfs) that is removed on every exit path; QEMU dies with us
 * (PR_SET_PDEATHSIG) and is killed before we return.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "wire.h"
#include "capture/capturer.h"
#include "vm/console.h"
#include "vm/vm.h"

#define SHM_DIR		"/dev/shm"
#define CONNECT_MS	15000	/* QEMU start to control-port connection */
#define EXIT_GRACE_MS	5000	/* job done to QEMU gone */
#define STDERR_KEEP	4096
#define VCPU_NICE	5

struct vm {
	const struct vm_opts *o;
	struct vm_result *r;
	char dir[128];
	pid_t pid;
	int pidfd, con_fd, err_fd, sig_fd;
	int ctl_listen, qmp_listen, ctl, qmp;
	int sync_listen, sync;		/* ktstr.ko's synchronous captures */
	char sync_line[KTSTR_TAG_LEN + 1];
	size_t sync_len;
	FILE *console_log, *sched_log;
	struct console con;
	char qemu_err[STDERR_KEEP];
	size_t qemu_err_len;
	struct wire_decoder dec;
	uint64_t start_ns;
	bool hello, done, qemu_gone, give_up;
	struct capturer *cap;
	uint64_t output_bytes;		/* written for FILE frames */
	unsigned int output_refused;
	int qemu_status;
};

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

/* Remove run directories left by a ktstr that was SIGKILLed. */
static void sweep_stale(void)
{
	DIR *d = opendir(SHM_DIR);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[300];
		int pid;

		if (sscanf(e->d_name, "ktstr-%d-", &pid) != 1 || pid <= 0)
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), SHM_DIR "/%s", e->d_name);
		remove_tree(path);
	}
	closedir(d);
}

static int listen_unix(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void fail(struct vm *v, enum vm_outcome out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct vm *v, enum vm_outcome out, const char *fmt, ...)
{
	va_list ap;

	if (v->done)
		return;
	v->done = true;
	v->r->outcome = out;
	va_start(ap, fmt);
	vsnprintf(v->r->detail, sizeof(v->r->detail), fmt, ap);
	va_end(ap);
}

static void append_console(struct vm *v, unsigned int lines)
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

static pid_t spawn_qemu(struct vm *v, struct strlist *argv, int out[2],
			int err[2])
{
	bool tty = v->o->job.interactive;
	pid_t pid;

	if (!tty && (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)))
		return -1;
	pid = fork();
	if (pid == 0) {
		sigset_t all;

		/* QEMU must not outlive us, even if we are SIGKILLed. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (!tty) {
			int null = open("/dev/null", O_RDONLY);

			dup2(null, 0);
			dup2(out[1], 1);
			dup2(err[1], 2);
		}
		execvp(argv->v[0], argv->v);
		fprintf(stderr, "cannot execute %s: %s\n", argv->v[0],
			strerror(errno));
		_exit(127);
	}
	if (!tty) {
		close(out[1]);
		close(err[1]);
	}
	return pid;
}

static int send_run(struct vm *v)
{
	static uint8_t pay[KTSTR_WIRE_MAX_PAYLOAD];
	static uint8_t frame[KTSTR_WIRE_MAX_FRAME];
	const struct vm_job *j = &v->o->job;
	size_t off = 0, n;
	int r = 0;

	if (j->command)
		r |= wire_tlv_put_str(pay, sizeof(pay), &off,
				      KTSTR_TLV_COMMAND, j->command);
	for (size_t i = 0; j->argv && i < j->argv->n; i++)
		r |= wire_tlv_put_str(pay, sizeof(pay), &off, KTSTR_TLV_ARGV,
				      j->argv->v[i]);
	for (size_t i = 0; j->env && i < j->env->n; i++)
		r |= wire_tlv_put_str(pay, sizeof(pay), &off, KTSTR_TLV_ENV,
				      j->env->v[i]);
	if (j->sched_path) {
		r |= wire_tlv_put_str(pay, sizeof(pay), &off,
				      KTSTR_TLV_SCHED_PATH, j->sched_path);
		for (size_t i = 0; j->sched_args && i < j->sched_args->n; i++)
			r |= wire_tlv_put_str(pay, sizeof(pay), &off,
					      KTSTR_TLV_SCHED_ARG,
					      j->sched_args->v[i]);
	}
	if (j->attach_timeout_ms)
		r |= wire_tlv_put_u32(pay, sizeof(pay), &off,
				      KTSTR_TLV_ATTACH_TIMEOUT_MS,
				      j->attach_timeout_ms);
	r |= wire_tlv_put_u32(pay, sizeof(pay), &off, KTSTR_TLV_INTERACTIVE,
			      j->interactive);
	if (r) {
		fail(v, VM_ERROR, "the job does not fit in one %d-byte request",
		     KTSTR_WIRE_MAX_PAYLOAD);
		return -1;
	}
	n = wire_encode(frame, sizeof(frame), KTSTR_MSG_RUN, 0, pay, off);
	return write_all(v->ctl, frame, n);
}

static void emit(struct vm *v, int stream, const char *buf, size_t len)
{
	if (v->o->output)
		v->o->output(v->o->output_ctx, stream, buf, len);
	else
		write_all(stream, buf, len);
}

/* Periodic snapshots count from the job's start: the scheduler attached. */
static void schedule_snapshots(struct vm *v)
{
	if (v->o->snapshots)
		capturer_schedule(v->cap, now_ns(), v->o->snapshots,
				  (uint64_t)v->o->snapshot_window_ms * 1000000ull);
}

static void on_sched(struct vm *v, const struct wire_frame *f)
{
	char state[32] = "", ops[128] = "";
	static char text[KTSTR_WIRE_MAX_PAYLOAD];
	const uint8_t *val;
	uint16_t tag, n;
	size_t off = 0;

	text[0] = '\0';
	while (wire_tlv_next(f->payload, f->len, &off, &tag, &val, &n) > 0) {
		if (tag == KTSTR_TLV_SCHED_STATE)
			wire_tlv_str(val, n, state, sizeof(state));
		else if (tag == KTSTR_TLV_SCHED_OPS)
			wire_tlv_str(val, n, ops, sizeof(ops));
		else if (tag == KTSTR_TLV_SCHED_OUTPUT)
			wire_tlv_str(val, n, text, sizeof(text));
	}
	if (!strcmp(state, "output")) {
		if (v->sched_log)
			fputs(text, v->sched_log);
		if (v->o->verbose > 1)
			fprintf(stderr, "%s", text);
	} else if (!strcmp(state, "enabled")) {
		snprintf(v->r->sched_ops, sizeof(v->r->sched_ops), "%s", ops);
		schedule_snapshots(v);
		if (v->o->verbose)
			errmsg("scheduler attached: sched_ext state enabled, ops %s",
			       ops);
	} else if (!strcmp(state, "failed")) {
		fail(v, VM_SCHED_FAILED, "scheduler %s never attached: %s",
		     v->o->job.sched_path, text);
	} else if (!strcmp(state, "died")) {
		v->r->sched_died = true;
		capturer_capture(v->cap, CAPTURE_FAILURE, "scheduler-died");
		errmsg("scheduler %s died during the run: %s",
		       v->o->job.sched_path, text);
	}
}

static void on_exit_frame(struct vm *v, const struct wire_frame *f)
{
	const uint8_t *val;
	uint16_t tag, n;
	size_t off = 0;
	uint32_t u;

	v->r->exit_code = -1;
	while (wire_tlv_next(f->payload, f->len, &off, &tag, &val, &n) > 0) {
		if (tag == KTSTR_TLV_EXIT_CODE && wire_tlv_u32(val, n, &u))
			v->r->exit_code = (int)(u & 0xff);
		else if (tag == KTSTR_TLV_EXIT_SIGNAL && wire_tlv_u32(val, n, &u))
			v->r->exit_signal = (int)(u & 0x7f);
	}
	if (!v->done) {
		v->done = true;
		v->r->outcome = VM_EXITED;
	}
}

#define MAX_OUTPUT_BYTES	(256ull << 20)

/* A plain file name the guest may create in --output-dir. */
static bool safe_name(const char *n)
{
	size_t len = strlen(n);

	if (!len || len > 200 || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (const char *c = n; *c; c++)
		if (*c == '/' || (unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	return true;
}

/* A chunk of a file the job left for us: untrusted name and offset. */
static void on_file(struct vm *v, const struct wire_frame *f)
{
	const uint8_t *val, *data = NULL;
	char name[256] = "", path[4400];
	uint16_t tag, n, dlen = 0;
	uint32_t off = UINT32_MAX;
	size_t pos = 0;
	int fd;

	while (wire_tlv_next(f->payload, f->len, &pos, &tag, &val, &n) > 0) {
		if (tag == KTSTR_TLV_FILE_NAME)
			wire_tlv_str(val, n, name, sizeof(name));
		else if (tag == KTSTR_TLV_FILE_OFFSET)
			wire_tlv_u32(val, n, &off);
		else if (tag == KTSTR_TLV_FILE_DATA) {
			data = val;
			dlen = n;
		}
	}
	if (!v->o->output_dir || off == UINT32_MAX)
		return;
	if (!safe_name(name) || v->output_bytes + dlen > MAX_OUTPUT_BYTES) {
		if (!v->output_refused++)
			errmsg("guest: refused an output file (bad name or over %llu MiB in all)",
			       MAX_OUTPUT_BYTES >> 20);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", v->o->output_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
		  (off ? 0 : O_TRUNC), 0644);
	if (fd < 0)
		return;
	if (dlen && pwrite(fd, data, dlen, off) == dlen)
		v->output_bytes += dlen;
	close(fd);
}

static void on_layout(struct vm *v, const struct wire_frame *f)
{
	const struct topology *t = &v->o->cfg.topo;
	uint64_t node_bytes = (uint64_t)(v->o->cfg.memory_mb / t->nodes) << 20;
	char err[512];

	if (capturer_set_layout(v->cap, f->payload, f->len, v->dir, t->nodes,
				node_bytes, err, sizeof(err)))
		errmsg("snapshots will hold registers only: %s", err);
}

/* ktstr-ctl capture in the guest: freeze, capture, thaw, then answer. */
static void on_capture(struct vm *v, const struct wire_frame *f)
{
	uint8_t pay[64], frame[128];
	uint32_t req = UINT32_MAX;
	char tag[KTSTR_TAG_LEN] = "";
	const uint8_t *val;
	uint16_t t, n;
	size_t off = 0;
	int64_t id;

	while (wire_tlv_next(f->payload, f->len, &off, &t, &val, &n) > 0) {
		if (t == KTSTR_TLV_CAPTURE_TAG)
			wire_tlv_str(val, n, tag, sizeof(tag));
		else if (t == KTSTR_TLV_REQUEST_ID)
			wire_tlv_u32(val, n, &req);
	}
	if (req == UINT32_MAX)
		return;
	id = capturer_capture(v->cap, CAPTURE_GUEST, tag);
	off = 0;
	wire_tlv_put_u32(pay, sizeof(pay), &off, KTSTR_TLV_REQUEST_ID, req);
	wire_tlv_put_u32(pay, sizeof(pay), &off, KTSTR_TLV_CAPTURE_ID,
			 id > 0 ? (uint32_t)id : 0);
	wire_tlv_put_u32(pay, sizeof(pay), &off, KTSTR_TLV_RESULT,
			 id > 0 ? KTSTR_OK : KTSTR_E_HOST_FAILED);
	off = wire_encode(frame, sizeof(frame), KTSTR_MSG_CAPTURE_DONE, 0, pay,
			  off);
	if (v->ctl >= 0)
		write_all(v->ctl, frame, off);
}

static void on_frame(const struct wire_frame *f, void *ctx)
{
	struct vm *v = ctx;
	char text[1024];
	const uint8_t *val;
	uint16_t tag, n;
	size_t off = 0;

	switch (f->type) {
	case KTSTR_MSG_HELLO:
		if (v->hello)
			break;
		v->hello = true;
		v->r->boot_ns = now_ns() - v->start_ns;
		if (send_run(v))
			fail(v, VM_ERROR, "cannot send the job to the guest: %s",
			     strerror(errno));
		if (!v->o->job.sched_path)
			schedule_snapshots(v);
		break;
	case KTSTR_MSG_STDOUT:
	case KTSTR_MSG_STDERR:
		emit(v, f->type == KTSTR_MSG_STDOUT ? 1 : 2,
		     (const char *)f->payload, f->len);
		break;
	case KTSTR_MSG_LOG:
		snprintf(text, sizeof(text), "%.*s", (int)f->len,
			 (const char *)f->payload);
		for (char *p = text; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = ' ';
		errmsg("guest: %s", text);
		break;
	case KTSTR_MSG_SCHED:
		on_sched(v, f);
		break;
	case KTSTR_MSG_EXIT:
		on_exit_frame(v, f);
		break;
	case KTSTR_MSG_FILE:
		on_file(v, f);
		break;
	case KTSTR_MSG_LAYOUT:
		on_layout(v, f);
		break;
	case KTSTR_MSG_CAPTURE:
		on_capture(v, f);
		break;
	case KTSTR_MSG_ERROR:
		text[0] = '\0';
		while (wire_tlv_next(f->payload, f->len, &off, &tag, &val,
				     &n) > 0)
			if (tag == KTSTR_TLV_ERROR_TEXT)
				wire_tlv_str(val, n, text, sizeof(text));
		fail(v, VM_ERROR, "guest agent: %s", text);
		break;
	default:
		break;
	}
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
		fail(v, VM_ERROR, "KVM failed: %s", v->qemu_err);
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
		wire_decoder_feed(&v->dec, buf, (size_t)n, on_frame, v);
}

static void on_qemu_exit(struct vm *v)
{
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
	if (v->done)
		return;
	if (v->con.panicked) {
		fail(v, VM_PANIC, "guest kernel panic: %s", v->con.panic);
		append_console(v, 30);
		return;
	}
	if (WIFEXITED(st))
		snprintf(why, sizeof(why), "exited with status %d",
			 WEXITSTATUS(st));
	else
		snprintf(why, sizeof(why), "was killed by signal %d",
			 WTERMSIG(st));
	rstrip(v->qemu_err);
	fail(v, VM_ERROR, "QEMU %s before the guest %s%s%s", why,
	     v->hello ? "job finished" : "agent came up",
	     v->qemu_err[0] ? ": " : "", v->qemu_err);
	append_console(v, 20);
}

static void on_signal(struct vm *v)
{
	struct signalfd_siginfo si;

	if (read(v->sig_fd, &si, sizeof(si)) != sizeof(si))
		return;
	pending_sig = (int)si.ssi_signo;
	fail(v, VM_INTERRUPTED, "interrupted by %s", strsignal(pending_sig));
}

/*
 * Let QEMU's main loop (QMP, virtio-serial, console) win over busy vCPU
 * threads when host CPUs are scarce: the vCPUs get a higher nice value.
 * Raising nice needs no privilege.
 */
static void deprioritize_vcpus(pid_t qemu)
{
	char path[64];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", qemu);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		char comm_path[128], *comm;
		int tid = atoi(e->d_name);

		if (tid <= 0)
			continue;
		snprintf(comm_path, sizeof(comm_path), "%s/%d/comm", path, tid);
		comm = read_file(comm_path, 64, NULL);
		if (comm && !strncmp(comm, "CPU ", 4))
			setpriority(PRIO_PROCESS, (id_t)tid, VCPU_NICE);
		free(comm);
	}
	if (d)
		closedir(d);
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
static void read_sync(struct vm *v)
{
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
		capturer_capture(v->cap, CAPTURE_GUEST, v->sync_line);
		capturer_release_sync(v->cap);
	}
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
	if (v->hello && !v->done && capturer_next_due(v->cap) < until)
		until = capturer_next_due(v->cap);
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
		fail(v, VM_TIMEOUT, "timed out after %u s (%s)",
		     v->o->timeout_s,
		     v->hello ? "the job did not finish" :
		     "the guest agent never came up");
		append_console(v, 20);
	} else if (v->ctl < 0 && !v->hello &&
		   now >= v->start_ns + CONNECT_MS * 1000000ull) {
		fail(v, VM_ERROR, "QEMU did not connect the control port within %d ms",
		     CONNECT_MS);
	}
}

static void loop(struct vm *v)
{
	uint64_t done_at = 0;

	while (!v->qemu_gone && !v->give_up) {
		struct pollfd p[9] = {
			{ .fd = v->pidfd, .events = POLLIN },
			{ .fd = v->sig_fd, .events = POLLIN },
			{ .fd = v->con_fd, .events = POLLIN },
			{ .fd = v->err_fd, .events = POLLIN },
			{ .fd = v->ctl, .events = POLLIN },
			{ .fd = v->ctl_listen, .events = POLLIN },
			{ .fd = v->qmp_listen, .events = POLLIN },
			{ .fd = v->sync_listen, .events = POLLIN },
			{ .fd = v->sync, .events = POLLIN },
		};
		bool was_done = v->done;

		if (poll(p, 9, poll_timeout(v, done_at)) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			on_signal(v);
		if (p[2].revents)
			read_fd(v, &v->con_fd, true);
		if (p[3].revents)
			read_qemu_stderr(v);
		if (p[4].revents)
			read_fd(v, &v->ctl, false);
		if (p[5].revents)
			v->ctl = accept_on(&v->ctl_listen);
		if (p[6].revents) {
			char err[512];

			v->qmp = accept_on(&v->qmp_listen);
			deprioritize_vcpus(v->pid);
			if (v->qmp >= 0 &&
			    capturer_attach_qmp(v->cap, v->qmp, err, sizeof(err)))
				errmsg("QMP: %s; no snapshots this run", err);
		}
		if (p[7].revents)
			v->sync = accept_on(&v->sync_listen);
		if (p[8].revents)
			read_sync(v);
		if (v->hello && !v->done)
			capturer_tick(v->cap, now_ns());
		if (v->cap->fatal)
			fail(v, VM_ERROR, "%s", v->cap->fatal_msg);
		if (p[0].revents)
			on_qemu_exit(v);
		if (v->done && !was_done)
			done_at = now_ns();
		check_deadlines(v, done_at);
		/* Interrupted or timed out: do not wait for the guest. */
		if (v->done && v->r->outcome != VM_EXITED &&
		    v->r->outcome != VM_SCHED_FAILED &&
		    v->r->outcome != VM_ERROR)
			break;
	}
}

static void stop_qemu(struct vm *v)
{
	if (v->pid <= 0)
		return;
	if (!v->qemu_gone) {
		struct pollfd p = { .fd = v->pidfd, .events = POLLIN };

		kill(v->pid, SIGTERM);
		if (v->pidfd < 0 || poll(&p, 1, 2000) <= 0)
			kill(v->pid, SIGKILL);
	}
	waitpid(v->pid, NULL, 0);
	v->pid = -1;
}


static FILE *open_log(const char *dir, const char *name)
{
	char path[4200];

	if (!dir)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fopen(path, "we");
}

static int prepare(struct vm *v, struct strlist *argv)
{
	const struct vm_opts *o = v->o;
	struct vm_config cfg = o->cfg;
	char initrd[200], ctl[200], qmp[200], sync[200], err[1024];
	sigset_t sigs;

	if (o->output_dir && mkdir_p(o->output_dir, 0755)) {
		fail(v, VM_ERROR, "cannot create --output-dir %s: %s",
		     o->output_dir, strerror(errno));
		return -1;
	}
	v->console_log = open_log(o->output_dir, "console.log");
	v->sched_log = o->job.sched_path ?
		open_log(o->output_dir, "scheduler.log") : NULL;

	v->cap = calloc(1, sizeof(*v->cap));
	if (!v->cap) {
		fail(v, VM_ERROR, "out of memory");
		return -1;
	}
	capturer_init(v->cap, o->output_dir, o->vmlinux);
	sweep_stale();
	snprintf(v->dir, sizeof(v->dir), SHM_DIR "/ktstr-%d-XXXXXX", getpid());
	if (!mkdtemp(v->dir)) {
		v->dir[0] = '\0';
		fail(v, VM_ERROR, "cannot create a run directory in " SHM_DIR ": %s",
		     strerror(errno));
		return -1;
	}
	snprintf(initrd, sizeof(initrd), "%s/initramfs.cpio", v->dir);
	snprintf(ctl, sizeof(ctl), "%s/ctl.sock", v->dir);
	snprintf(qmp, sizeof(qmp), "%s/qmp.sock", v->dir);
	snprintf(sync, sizeof(sync), "%s/sync.sock", v->dir);
	if (initramfs_build(&o->rootfs, initrd, err, sizeof(err))) {
		fail(v, VM_ERROR, "initramfs: %s", err);
		return -1;
	}
	v->ctl_listen = listen_unix(ctl);
	v->qmp_listen = listen_unix(qmp);
	v->sync_listen = listen_unix(sync);
	if (v->ctl_listen < 0 || v->qmp_listen < 0 || v->sync_listen < 0) {
		fail(v, VM_ERROR, "cannot listen on %s: %s", v->dir,
		     strerror(errno));
		return -1;
	}
	cfg.initrd = initrd;
	cfg.ctl_sock = ctl;
	cfg.qmp_sock = qmp;
	cfg.sync_sock = sync;
	cfg.mem_dir = v->dir;
	cfg.verbose_console = o->verbose > 0;
	if (qemu_build_args(&cfg, argv, err, sizeof(err))) {
		fail(v, VM_ERROR, "%s", err);
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
	v->pid = spawn_qemu(v, &argv, out, err);
	if (v->pid < 0) {
		fail(v, VM_ERROR, "cannot start %s: %s", o->cfg.qemu,
		     strerror(errno));
		goto out;
	}
	v->con_fd = out[0];
	v->err_fd = err[0];
	v->pidfd = (int)syscall(SYS_pidfd_open, v->pid, 0);
	loop(v);
out:
	stop_qemu(v);
	r->total_ns = now_ns() - v->start_ns;
	if (v->cap) {
		r->snapshots_taken = v->cap->taken;
		capturer_destroy(v->cap);
		free(v->cap);
	}
	if (!v->done)
		fail(v, VM_ERROR, "the VM ended without a result");
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
	if (v->dir[0])
		remove_tree(v->dir);
	strlist_free(&argv);
	free(v);
	return r->outcome == VM_EXITED ? 0 : -1;
}
