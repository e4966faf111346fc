// SPDX-License-Identifier: GPL-2.0
/*
 * Start the sched_ext scheduler under test, wait until the kernel reports
 * it attached, forward its output, and stop it after the job.
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

#include "agent.h"
#include "util.h"

#define SCX_STATE	"/sys/kernel/sched_ext/state"
#define SCX_OPS		"/sys/kernel/sched_ext/root/ops"
#define OUTPUT_KEEP	8192	/* tail of the scheduler output kept for errors */

/* The tail of what the scheduler printed before it attached. */
static char early_out[OUTPUT_KEEP + 1];
static size_t early_len;

static void keep_output(const char *buf, size_t n)
{
	size_t drop;

	if (n > OUTPUT_KEEP) {
		buf += n - OUTPUT_KEEP;
		n = OUTPUT_KEEP;
	}
	drop = early_len + n > OUTPUT_KEEP ? early_len + n - OUTPUT_KEEP : 0;
	if (drop) {
		memmove(early_out, early_out + drop, early_len - drop);
		early_len -= drop;
	}
	memcpy(early_out + early_len, buf, n);
	early_len += n;
	early_out[early_len] = '\0';
}

static void read_sysfs(const char *path, char *buf, size_t len)
{
	char *s = read_file(path, 256, NULL);

	snprintf(buf, len, "%s", s ? s : "");
	rstrip(buf);
	free(s);
}

static void send_state(struct port *p, const char *state, const char *ops,
		       const char *output)
{
	static uint8_t buf[KTSTR_WIRE_MAX_PAYLOAD];
	size_t off = 0;

	wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_SCHED_STATE, state);
	if (ops)
		wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_SCHED_OPS,
				 ops);
	if (output)
		wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_SCHED_OUTPUT,
				 output);
	port_send(p, KTSTR_MSG_SCHED, buf, off);
}

bool sched_pump(struct port *p, struct sched *s)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(s->out_fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		keep_output(buf, (size_t)n);
		send_state(p, "output", NULL, buf);
	}
	if (!s->reaped && waitpid(s->pid, &s->status, WNOHANG) == s->pid)
		s->reaped = true;
	return !s->reaped;
}

static void describe_exit(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "stopped");
}

static pid_t spawn(const struct job *j, int outp[2])
{
	pid_t pid;

	if (pipe2(outp, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		struct strlist argv = STRLIST_INIT;

		strlist_push(&argv, j->sched_path);
		for (size_t i = 0; i < j->sched_args.n; i++)
			strlist_push(&argv, j->sched_args.v[i]);
		dup2(outp[1], 1);
		dup2(outp[1], 2);
		execv(argv.v[0], argv.v);
		fprintf(stderr, "cannot execute %s: %s\n", argv.v[0],
			strerror(errno));
		_exit(127);
	}
	close(outp[1]);
	return pid;
}

int sched_start(struct port *p, const struct job *j, struct sched *s)
{
	char state[64], ops[128], why[160];
	uint64_t deadline;
	int outp[2];

	memset(s, 0, sizeof(*s));
	s->pid = -1;
	s->pidfd = -1;
	snprintf(s->name, sizeof(s->name), "%s",
		 strrchr(j->sched_path, '/') ? strrchr(j->sched_path, '/') + 1 :
		 j->sched_path);
	if (access(SCX_STATE, R_OK)) {
		send_state(p, "failed", NULL,
			   "this kernel has no sched_ext (" SCX_STATE " is missing)");
		return -1;
	}
	s->pid = spawn(j, outp);
	if (s->pid < 0) {
		send_state(p, "failed", NULL, "cannot fork the scheduler");
		return -1;
	}
	s->out_fd = outp[0];
	fcntl(s->out_fd, F_SETFL, O_NONBLOCK);
	s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);

	deadline = now_ns() + (uint64_t)j->attach_timeout_ms * 1000000ull;
	for (;;) {
		struct pollfd fds[2] = {
			{ .fd = s->out_fd, .events = POLLIN },
			{ .fd = s->pidfd, .events = POLLIN },
		};

		read_sysfs(SCX_STATE, state, sizeof(state));
		read_sysfs(SCX_OPS, ops, sizeof(ops));
		if (!strcmp(state, "enabled") && ops[0]) {
			send_state(p, "enabled", ops, NULL);
			return 0;
		}
		if (!sched_pump(p, s)) {
			describe_exit(s->status, why, sizeof(why));
			break;
		}
		if (now_ns() > deadline) {
			snprintf(why, sizeof(why),
				 "did not attach within %u ms (state: %s)",
				 j->attach_timeout_ms, state);
			break;
		}
		poll(fds, 2, 20);
	}
	{
		static char msg[OUTPUT_KEEP + 256];

		snprintf(msg, sizeof(msg), "%s; its output:\n%s", why,
			 early_len ? early_out : "(nothing)\n");
		send_state(p, "failed", NULL, msg);
	}
	sched_stop(p, s);
	return -1;
}

void sched_stop(struct port *p, struct sched *s)
{
	bool died;
	char why[160];

	if (s->pid <= 0)
		return;
	sched_pump(p, s);
	died = s->reaped;
	if (!s->reaped) {
		/* SIGINT lets the scheduler detach cleanly; then insist. */
		kill(s->pid, SIGINT);
		for (int i = 0; i < 500 && sched_pump(p, s); i++)
			usleep(10000);
		if (!s->reaped) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &s->status, 0);
			s->reaped = true;
		}
	}
	sched_pump(p, s);
	describe_exit(s->status, why, sizeof(why));
	send_state(p, died ? "died" : "stopped", NULL, why);
	if (s->pidfd >= 0)
		close(s->pidfd);
	close(s->out_fd);
	s->pid = -1;
}
