// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler under watch: the boot scheduler the agent started
 * (KTSTR_SCHED_PID), schedulers a scenario attaches, and stand-ins (plain
 * processes a negative control declares as its scheduler). Watched through
 * pidfds: a death ends a hold at once. sched_ext's state is read at hold
 * ends and step boundaries.
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

#define SC_ATTACH_TIMEOUT_MS	30000
#define SC_DETACH_TIMEOUT_MS	10000

static int pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int sc_scx_state(char *buf, size_t len)
{
	return sc_file_read(SC_SCX_STATE, buf, len);
}

void sc_sched_init(struct sc_exec *x)
{
	const char *pid = getenv("KTSTR_SCHED_PID");
	struct sc_sched *s;

	x->nsched = 0;
	if (!pid || atoi(pid) <= 0) {
		char state[64];

		/* Run directly under a scheduler we know only by its state. */
		if (sc_scx_state(state, sizeof(state)) || strcmp(state, "enabled"))
			return;
		s = &x->sched[x->nsched++];
		memset(s, 0, sizeof(*s));
		s->pidfd = -1;
		s->scx = 1;
		x->scx_used = 1;
		sc_file_read(SC_SCX_OPS, x->scx_ops, sizeof(x->scx_ops));
		snprintf(s->name, sizeof(s->name), "sched_ext scheduler %.40s",
			 x->scx_ops);
		return;
	}
	s = &x->sched[x->nsched++];
	memset(s, 0, sizeof(*s));
	s->pid = atoi(pid);
	s->pidfd = pidfd_open(s->pid);
	s->scx = 1;
	x->scx_used = 1;
	sc_file_read(SC_SCX_OPS, x->scx_ops, sizeof(x->scx_ops));
	snprintf(s->name, sizeof(s->name), "%s",
		 x->sched_name && x->sched_name[0] ? x->sched_name :
		 "boot scheduler");
}

static void describe(struct sc_sched *s, char *why, size_t len)
{
	int st;

	if (s->owned && waitpid(s->pid, &st, WNOHANG) == s->pid) {
		s->owned = 0;
		if (WIFSIGNALED(st))
			snprintf(why, len, "%s (pid %d) was killed by signal %d",
				 s->name, s->pid, WTERMSIG(st));
		else
			snprintf(why, len, "%s (pid %d) exited with status %d",
				 s->name, s->pid, WEXITSTATUS(st));
		return;
	}
	snprintf(why, len, "%s (pid %d) exited", s->name, s->pid);
}

/* 1 and a reason if a watched scheduler is gone or sched_ext is down. */
int sc_sched_dead(struct sc_exec *x, char *why, size_t len)
{
	char state[64];

	for (int i = 0; i < x->nsched; i++) {
		struct sc_sched *s = &x->sched[i];
		struct pollfd p = { .fd = s->pidfd, .events = POLLIN };

		if (s->pid && (s->pidfd < 0 || poll(&p, 1, 0) > 0)) {
			describe(s, why, len);
			return 1;
		}
		if (s->scx && (sc_scx_state(state, sizeof(state)) ||
			       strcmp(state, "enabled"))) {
			snprintf(why, len, "%s (pid %d) is alive but sched_ext is %s",
				 s->name, s->pid, state);
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
	int n = 0;

	for (int i = 0; i < x->nsched; i++) {
		p[n].fd = x->sched[i].pidfd;
		p[n++].events = POLLIN;
	}
	for (;;) {
		__u64 now = sc_now_ns();
		int r;

		if (now >= deadline)
			return 0;
		r = poll(p, (nfds_t)n, (int)((deadline - now + 999999) / 1000000));
		if (r < 0 && errno != EINTR)
			return 0;
		for (int i = 0; r > 0 && i < n; i++) {
			if (p[i].revents) {
				describe(&x->sched[i], why, len);
				return 1;
			}
		}
	}
}

static void log_tail(const char *path, char *buf, size_t len)
{
	char all[4096];
	size_t n;

	buf[0] = '\0';
	if (sc_file_read(path, all, sizeof(all)))
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

/* Where a scheduler binary to attach comes from; 0 if there is one. */
int sc_sched_available(struct sc_exec *x, char *why, size_t len)
{
	static const char * const known[] = {
		"/include/scx_simple", "/include/scx_qmap",
		"/include/scx_central", "/include/scx_flatcg",
	};
	const char *env = getenv("KTSTR_SCENARIO_SCHED");
	char state[64];

	if (sc_scx_state(state, sizeof(state))) {
		snprintf(why, len, "this kernel has no sched_ext");
		return -1;
	}
	if (!getenv("KTSTR_SCHED_PID") && !strcmp(state, "enabled")) {
		snprintf(why, len,
			 "a sched_ext scheduler this test does not own is attached");
		return -1;
	}
	if (getenv("KTSTR_SCHED_PID") && !getenv("KTSTR_SCHED_HANDOFF")) {
		snprintf(why, len,
			 "the boot scheduler %s belongs to the agent, which offers no hand-off (KTSTR_SCHED_HANDOFF): detaching it would fail the run",
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
	} else if (getenv("KTSTR_SCHED_PATH")) {
		snprintf(x->sched_bin, sizeof(x->sched_bin), "%s",
			 getenv("KTSTR_SCHED_PATH"));
		snprintf(x->sched_args, sizeof(x->sched_args), "%s",
			 getenv("KTSTR_SCHED_ARGS") ? getenv("KTSTR_SCHED_ARGS") : "");
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
			 "no sched_ext scheduler to attach: set KTSTR_SCENARIO_SCHED or pass --include <kernel>/tools/sched_ext/build/bin/scx_simple");
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

static int wait_state(const char *want, int pidfd, unsigned int ms)
{
	__u64 deadline = sc_now_ns() + ms * 1000000ull;
	char state[64], ops[64];

	for (;;) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		if (!sc_scx_state(state, sizeof(state)) && !strcmp(state, want) &&
		    (strcmp(want, "enabled") ||
		     (!sc_file_read(SC_SCX_OPS, ops, sizeof(ops)) && ops[0])))
			return 0;
		if (sc_now_ns() >= deadline)
			return -1;
		/* The attach is a state change without an event: look often. */
		if (poll(&p, pidfd >= 0 ? 1 : 0, 20) > 0)
			return -1;
	}
}

static pid_t spawn_sched(struct sc_exec *x, const char *const *argv)
{
	char *args[32], buf[512], *save = NULL;
	int n = 0;
	pid_t pid;

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
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		sc_output_to(x->sched_log);
		execv(args[0], args);
		dprintf(2, "cannot execute %s: %s\n", args[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

int sc_sched_attach(struct sc_exec *x, const struct sc_op *op)
{
	struct sc_sched *s;
	char state[64], tail[200];
	pid_t pid;

	if (x->nsched >= SC_MAX_SCHEDS) {
		sc_fail(x, SC_CHECK_HARNESS, "", -1, 0, -1, 0, 0,
			"attach: %d schedulers watched already", x->nsched);
		return -1;
	}
	if (!op->standin && !op->argv && !x->sched_bin[0] &&
	    sc_sched_available(x, tail, sizeof(tail))) {
		sc_fail(x, SC_CHECK_HARNESS, "", -1, 0, -1, 0, 0, "attach: %s",
			tail);
		return -1;
	}
	if (!op->standin && !sc_scx_state(state, sizeof(state)) &&
	    strcmp(state, "disabled")) {
		sc_fail(x, SC_CHECK_HARNESS, "", -1, 0, -1, 0, 0,
			"attach: sched_ext is %s, not disabled: a scheduler is attached already",
			state);
		return -1;
	}
	pid = spawn_sched(x, op->argv);
	if (pid < 0) {
		sc_fail(x, SC_CHECK_HARNESS, "", -1, 0, -1, 0, 0,
			"attach: fork: %s", strerror(errno));
		return -1;
	}
	s = &x->sched[x->nsched++];
	memset(s, 0, sizeof(*s));
	s->pid = pid;
	s->pidfd = pidfd_open(pid);
	s->owned = 1;
	s->standin = op->standin;
	s->scx = !op->standin;
	snprintf(s->name, sizeof(s->name), "%s%.40s",
		 op->standin ? "stand-in " : "",
		 strrchr(op->argv ? op->argv[0] : x->sched_bin, '/') ?
		 strrchr(op->argv ? op->argv[0] : x->sched_bin, '/') + 1 :
		 op->argv ? op->argv[0] : x->sched_bin);
	if (op->standin)
		return 0;
	if (wait_state("enabled", s->pidfd, op->timeout_ms ? op->timeout_ms :
		       SC_ATTACH_TIMEOUT_MS)) {
		log_tail(x->sched_log, tail, sizeof(tail));
		sc_fail(x, SC_CHECK_HARNESS, "", -1, pid, -1, 0, 0,
			"attach: %s did not attach; its output: %s", s->name,
			tail[0] ? tail : "(nothing)");
		x->nsched--;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (s->pidfd >= 0)
			close(s->pidfd);
		return -1;
	}
	x->scx_used = 1;
	sc_file_read(SC_SCX_OPS, x->scx_ops, sizeof(x->scx_ops));
	return 0;
}

static void stop_sched(struct sc_sched *s)
{
	struct pollfd p = { .fd = s->pidfd, .events = POLLIN };

	kill(s->pid, SIGINT);
	if (s->pidfd < 0 || poll(&p, 1, SC_DETACH_TIMEOUT_MS) <= 0)
		kill(s->pid, SIGKILL);
	if (s->owned)
		waitpid(s->pid, NULL, 0);
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
}

/* Detach the most recent sched_ext scheduler and stop watching it. */
int sc_sched_detach(struct sc_exec *x)
{
	const char *handoff = getenv("KTSTR_SCHED_HANDOFF");
	int i;

	for (i = x->nsched - 1; i >= 0 && !x->sched[i].scx; i--)
		;
	if (i < 0) {
		sc_fail(x, SC_CHECK_HARNESS, "", -1, 0, -1, 0, 0,
			"detach: no sched_ext scheduler attached");
		return -1;
	}
	if (!x->sched[i].owned) {
		char msg[64];

		if (!handoff) {
			sc_fail(x, SC_CHECK_HARNESS, "", -1, x->sched[i].pid, -1,
				0, 0,
				"detach: %s belongs to the agent, which offers no hand-off",
				x->sched[i].name);
			return -1;
		}
		snprintf(msg, sizeof(msg), "release %d\n", x->sched[i].pid);
		if (sc_file_write(handoff, msg)) {
			sc_fail(x, SC_CHECK_HARNESS, "", -1, x->sched[i].pid, -1,
				0, 0, "detach: hand-off %s: %s", handoff,
				strerror(errno));
			return -1;
		}
	}
	stop_sched(&x->sched[i]);
	memmove(&x->sched[i], &x->sched[i + 1],
		(size_t)(x->nsched - i - 1) * sizeof(x->sched[0]));
	x->nsched--;
	if (wait_state("disabled", -1, SC_DETACH_TIMEOUT_MS)) {
		sc_fail(x, SC_CHECK_HARNESS, "", -1, 0, -1, 0, 0,
			"detach: sched_ext did not return to disabled");
		return -1;
	}
	return 0;
}

/* Stop what the scenario started; the boot scheduler is left alone. */
void sc_sched_teardown(struct sc_exec *x)
{
	int scx = 0;

	for (int i = x->nsched - 1; i >= 0; i--) {
		struct sc_sched *s = &x->sched[i];

		if (s->owned) {
			scx |= s->scx;
			stop_sched(s);
		} else if (s->pidfd >= 0) {
			close(s->pidfd);
		}
	}
	x->nsched = 0;
	if (scx)
		wait_state("disabled", -1, SC_DETACH_TIMEOUT_MS);
}
