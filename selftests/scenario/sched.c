// SPDX-License-Identifier: GPL-2.0
/*
 * The schedulers under watch: the boot scheduler the agent started
 * ($KTSTR_SCHED_PID), schedulers a scenario attaches, and stand-ins (plain
 * processes a negative control declares as its scheduler). Watched through
 * pidfds: a death ends a hold at once. sched_ext's state is read every
 * SC_STATE_POLL_MS during a hold as well, so a scheduler the kernel
 * ejected while its process lingers ends the hold too.
 *
 * Processes follow the one scheduler lifecycle of lib/scheduler.c. The
 * boot scheduler belongs to the agent: a scenario that needs sched_ext to
 * itself takes it over through the agent's hand-off (it is stopped, not
 * killed, and the host does not count it as dead) and gives it back at
 * teardown.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "../lib/ktstr_env.h"
#include "../lib/scheduler.h"

#define SC_ATTACH_TIMEOUT_MS	30000
#define SC_DETACH_TIMEOUT_MS	10000
#define SC_STATE_POLL_MS	100
#define SC_EXIT_GRACE_MS	300

static struct sc_sched *sched_add(struct sc_exec *x)
{
	struct sc_sched *s = &x->sched[x->nsched++];

	memset(s, 0, sizeof(*s));
	kt_sched_init(&s->proc);
	return s;
}

/*
 * The agent's scheduler now: a test before this one may have taken it
 * over and given it back, restarted under a new pid (each test runs in a
 * process of its own, so only the agent knows).
 */
static pid_t boot_pid(void)
{
	const char *sock = getenv(KTSTR_ENV_SCHED_HANDOFF);
	const char *pid = getenv(KTSTR_ENV_SCHED_PID);
	struct kt_handoff_msg reply;
	char why[256];

	if (sock && !kt_handoff_request(sock, KT_HANDOFF_STATUS, &reply, why,
					sizeof(why)))
		return reply.pid;
	return pid ? atoi(pid) : 0;
}

void sc_sched_init(struct sc_exec *x)
{
	pid_t pid = boot_pid();
	struct sc_sched *s;

	x->nsched = 0;
	if (pid <= 0) {
		/* Run directly under a scheduler we know only by its state. */
		if (kt_scx_state() != KT_SCX_ENABLED)
			return;
		s = sched_add(x);
		s->scx = 1;
		x->scx_used = 1;
		kt_scx_ops(x->scx_ops, sizeof(x->scx_ops));
		snprintf(s->proc.name, sizeof(s->proc.name),
			 "sched_ext scheduler %.40s", x->scx_ops);
		return;
	}
	s = sched_add(x);
	s->proc.pid = pid;
	s->proc.pidfd = (int)syscall(SYS_pidfd_open, s->proc.pid, 0);
	s->scx = 1;
	s->boot = 1;
	x->scx_used = 1;
	kt_scx_ops(x->scx_ops, sizeof(x->scx_ops));
	snprintf(s->proc.name, sizeof(s->proc.name), "%s",
		 x->sched_name && x->sched_name[0] ? x->sched_name :
		 "boot scheduler");
}

static void describe(struct sc_sched *s, char *why, size_t len)
{
	char how[96];

	if (s->owned && kt_sched_reap(&s->proc)) {
		s->owned = 0;
		kt_sched_describe_exit(s->proc.status, how, sizeof(how));
		snprintf(why, len, "%s (pid %d) %s", s->proc.name, s->proc.pid,
			 how);
		return;
	}
	snprintf(why, len, "%s (pid %d) exited", s->proc.name, s->proc.pid);
}

/* 1 and a reason if a watched scheduler is gone or sched_ext is down. */
int sc_sched_dead(struct sc_exec *x, char *why, size_t len)
{
	for (int i = 0; i < x->nsched; i++) {
		struct sc_sched *s = &x->sched[i];
		struct pollfd p = { .fd = s->proc.pidfd, .events = POLLIN };
		enum kt_scx_state st;

		if (s->released)
			continue;
		if (s->proc.pid > 0 && (s->proc.pidfd < 0 || poll(&p, 1, 0) > 0)) {
			describe(s, why, len);
			x->scx_down |= s->scx;
			return 1;
		}
		st = kt_scx_state();
		/*
		 * A dying scheduler's exit disables sched_ext before its pidfd
		 * fires: give it a moment to say how it died.
		 */
		if (s->scx && st != KT_SCX_ENABLED && s->proc.pidfd >= 0 &&
		    poll(&p, 1, SC_EXIT_GRACE_MS) > 0) {
			describe(s, why, len);
			x->scx_down = 1;
			return 1;
		}
		if (s->scx && st != KT_SCX_ENABLED) {
			snprintf(why, len, "%s (pid %d) is alive but sched_ext is %s",
				 s->proc.name, s->proc.pid, kt_scx_state_name(st));
			x->scx_down = 1;
			return 1;
		}
	}
	return 0;
}

/* Sleep @ms unless a watched scheduler dies first: 1 then. */
int sc_sched_wait(struct sc_exec *x, __u64 ms, char *why, size_t len)
{
	__u64 deadline = sc_now_ns() + ms * 1000000ull;
	struct pollfd p[SC_MAX_SCHEDS];
	int idx[SC_MAX_SCHEDS];
	int n = 0, scx = 0;

	for (int i = 0; i < x->nsched; i++) {
		if (x->sched[i].released)
			continue;
		scx |= x->sched[i].scx;
		p[n].fd = x->sched[i].proc.pidfd;
		p[n].events = POLLIN;
		idx[n++] = i;
	}
	for (;;) {
		__u64 now = sc_now_ns(), left;
		int r;

		if (now >= deadline)
			return 0;
		left = (deadline - now + 999999) / 1000000;
		if (scx && left > SC_STATE_POLL_MS)
			left = SC_STATE_POLL_MS;
		r = poll(p, (nfds_t)n, (int)left);
		if (r < 0 && errno != EINTR)
			return 0;
		for (int i = 0; r > 0 && i < n; i++) {
			if (p[i].revents) {
				describe(&x->sched[idx[i]], why, len);
				x->scx_down |= x->sched[idx[i]].scx;
				return 1;
			}
		}
		if (scx && sc_sched_dead(x, why, len))
			return 1;
	}
}

static void log_tail(const char *path, char *buf, size_t len)
{
	char all[4096];
	size_t n;

	buf[0] = '\0';
	if (read_file_str(path, all, sizeof(all)))
		return;
	n = strlen(all);
	if (n > len - 1) {
		memmove(all, all + n - (len - 1), len);
		n = len - 1;
	}
	memcpy(buf, all, n + 1);
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = '|';
}

static struct sc_sched *boot_sched(struct sc_exec *x)
{
	for (int i = 0; i < x->nsched; i++)
		if (x->sched[i].boot)
			return &x->sched[i];
	return NULL;
}

/* Where a scheduler binary to attach comes from; 0 if there is one. */
int sc_sched_available(struct sc_exec *x, char *why, size_t len)
{
	static const char * const known[] = {
		"/include/scx_simple", "/include/scx_qmap",
		"/include/scx_central", "/include/scx_flatcg",
	};
	const char *env = getenv(KTSTR_ENV_SCENARIO_SCHED);
	const char *boot_path = getenv(KTSTR_ENV_SCHED_PATH);
	bool boot = getenv(KTSTR_ENV_SCHED_PID);
	enum kt_scx_state st = kt_scx_state();

	if (st == KT_SCX_ABSENT) {
		snprintf(why, len, "this kernel has no sched_ext");
		return -1;
	}
	if (!boot && st == KT_SCX_ENABLED) {
		snprintf(why, len,
			 "a sched_ext scheduler this test does not own is attached");
		return -1;
	}
	if (boot && !getenv(KTSTR_ENV_SCHED_HANDOFF)) {
		snprintf(why, len,
			 "the boot scheduler %s belongs to the agent, which offers no hand-off",
			 x->sched_name ? x->sched_name : "");
		return -1;
	}
	x->sched_args[0] = '\0';
	if (env && env[0]) {
		const char *sp = strchr(env, ' ');

		snprintf(x->sched_bin, sizeof(x->sched_bin), "%.*s",
			 (int)(sp ? sp - env : (long)strlen(env)), env);
		snprintf(x->sched_args, sizeof(x->sched_args), "%s",
			 sp ? sp + 1 : "");
	} else if (boot_path) {
		const char *args = getenv(KTSTR_ENV_SCHED_ARGS);

		snprintf(x->sched_bin, sizeof(x->sched_bin), "%s", boot_path);
		snprintf(x->sched_args, sizeof(x->sched_args), "%s",
			 args ? args : "");
	} else {
		x->sched_bin[0] = '\0';
		for (size_t i = 0; i < SC_ARRAY_SIZE(known); i++) {
			if (!access(known[i], X_OK)) {
				snprintf(x->sched_bin, sizeof(x->sched_bin), "%s",
					 known[i]);
				break;
			}
		}
	}
	if (!x->sched_bin[0] || access(x->sched_bin, X_OK)) {
		snprintf(why, len,
			 "no sched_ext scheduler to attach: set %s or --include scx_simple",
			 KTSTR_ENV_SCENARIO_SCHED);
		return -1;
	}
	return 0;
}

/* In a child: send stdout and stderr to the end of @path. */
void sc_output_to(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
}

/* Ask the agent to stop its scheduler for us; it stays in the list. */
static int release_boot(struct sc_exec *x, struct sc_sched *s)
{
	const char *sock = getenv(KTSTR_ENV_SCHED_HANDOFF);
	char why[256];

	if (!sock) {
		sc_harness_fail_pid(x, s->proc.pid,
				    "%s belongs to the agent, which offers no hand-off",
				    s->proc.name);
		return -1;
	}
	if (kt_handoff_request(sock, KT_HANDOFF_RELEASE, NULL, why,
			       sizeof(why))) {
		sc_harness_fail_pid(x, s->proc.pid, "releasing %s: %s",
				    s->proc.name, why);
		return -1;
	}
	s->released = 1;
	return 0;
}

static int spawn_sched(struct sc_exec *x, const char *const *argv,
		       struct kt_sched *proc)
{
	char *args[32], buf[512], *save = NULL;
	int n = 0, fd, r;

	if (argv) {
		while (argv[n] && n < 31) {
			args[n] = (char *)argv[n];
			n++;
		}
	} else {
		snprintf(buf, sizeof(buf), "%s", x->sched_args);
		args[n++] = x->sched_bin;
		for (char *a = strtok_r(buf, " ", &save); a && n < 31;
		     a = strtok_r(NULL, " ", &save))
			args[n++] = a;
	}
	args[n] = NULL;
	fd = open(x->sched_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	r = kt_sched_spawn(proc, args, fd);
	close(fd);
	return r;
}

int sc_sched_attach(struct sc_exec *x, const struct sc_op *op)
{
	struct sc_sched *boot = boot_sched(x), *s;
	char tail[200], why[160];
	struct kt_sched proc;
	enum kt_scx_state st;

	if (x->nsched >= SC_MAX_SCHEDS) {
		sc_harness_fail(x, "attach: %d schedulers watched already",
				x->nsched);
		return -1;
	}
	if (!op->standin && !op->argv && !x->sched_bin[0] &&
	    sc_sched_available(x, tail, sizeof(tail))) {
		sc_harness_fail(x, "attach: %s", tail);
		return -1;
	}
	/* sched_ext takes one scheduler: take the agent's over first. */
	if (!op->standin && boot && !boot->released && release_boot(x, boot))
		return -1;
	st = kt_scx_state();
	if (!op->standin && st != KT_SCX_DISABLED) {
		sc_harness_fail(x, "attach: sched_ext is %s: a scheduler is attached already",
				kt_scx_state_name(st));
		return -1;
	}
	if (spawn_sched(x, op->argv, &proc)) {
		sc_harness_fail(x, "attach: cannot start a scheduler: %s",
				strerror(errno));
		return -1;
	}
	s = sched_add(x);
	s->proc = proc;
	s->owned = 1;
	s->standin = op->standin;
	s->scx = !op->standin;
	if (op->standin) {
		snprintf(s->proc.name, sizeof(s->proc.name), "stand-in %.40s",
			 proc.name);
		return 0;
	}
	if (kt_sched_wait_attached(&s->proc, op->timeout_ms ? op->timeout_ms :
				   SC_ATTACH_TIMEOUT_MS, NULL, NULL, why,
				   sizeof(why))) {
		log_tail(x->sched_log, tail, sizeof(tail));
		sc_harness_fail_pid(x, s->proc.pid,
				    "attach: %s did not attach (%s); its output: %s",
				    s->proc.name, why, tail[0] ? tail : "(nothing)");
		x->nsched--;
		kt_sched_stop(&s->proc, 0, NULL, NULL);
		kt_sched_release_fds(&s->proc);
		return -1;
	}
	x->scx_used = 1;
	kt_scx_ops(x->scx_ops, sizeof(x->scx_ops));
	return 0;
}

/* Detach the most recent sched_ext scheduler and stop watching it. */
int sc_sched_detach(struct sc_exec *x)
{
	struct sc_sched *s;
	int i;

	for (i = x->nsched - 1;
	     i >= 0 && (!x->sched[i].scx || x->sched[i].released); i--)
		;
	if (i < 0) {
		sc_harness_fail(x, "detach: no sched_ext scheduler attached");
		return -1;
	}
	s = &x->sched[i];
	if (s->boot) {
		if (release_boot(x, s))
			return -1;
	} else {
		kt_sched_stop(&s->proc, SC_DETACH_TIMEOUT_MS, NULL, NULL);
		kt_sched_release_fds(&s->proc);
		memmove(&x->sched[i], &x->sched[i + 1],
			(size_t)(x->nsched - i - 1) * sizeof(x->sched[0]));
		x->nsched--;
	}
	if (kt_scx_wait_state(KT_SCX_DISABLED, -1, SC_DETACH_TIMEOUT_MS)) {
		sc_harness_fail(x, "detach: sched_ext did not return to disabled");
		return -1;
	}
	return 0;
}

/*
 * Stop what the scenario started, then give the agent its scheduler back
 * if the scenario took it over.
 */
void sc_sched_teardown(struct sc_exec *x)
{
	const char *sock = getenv(KTSTR_ENV_SCHED_HANDOFF);
	struct sc_sched *boot = boot_sched(x);
	struct kt_handoff_msg reply;
	char why[256];
	int scx = 0;

	for (int i = x->nsched - 1; i >= 0; i--) {
		struct sc_sched *s = &x->sched[i];

		if (s->owned) {
			scx |= s->scx;
			kt_sched_stop(&s->proc, SC_DETACH_TIMEOUT_MS, NULL, NULL);
			kt_sched_release_fds(&s->proc);
		} else if (s->proc.pidfd >= 0) {
			close(s->proc.pidfd);
			s->proc.pidfd = -1;
		}
	}
	if (scx)
		kt_scx_wait_state(KT_SCX_DISABLED, -1, SC_DETACH_TIMEOUT_MS);
	/* Ask the agent, not a flag: a release may have half failed. */
	if (boot && sock &&
	    !kt_handoff_request(sock, KT_HANDOFF_STATUS, &reply, why,
				sizeof(why)) && reply.pid < 0 &&
	    kt_handoff_request(sock, KT_HANDOFF_RESUME, NULL, why, sizeof(why)))
		sc_harness_fail(x, "teardown: giving the scheduler back to the agent: %s",
				why);
	x->nsched = 0;
}
