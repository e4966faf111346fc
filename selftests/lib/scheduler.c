// SPDX-License-Identifier: GPL-2.0
/*
 * The lifecycle of a sched_ext scheduler process and the hand-off of the
 * agent's scheduler to a test. See sched.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "file.h"
#include "scheduler.h"

#define KT_HANDOFF_TIMEOUT_MS	60000	/* a stop or a restart, with margin */
#define KT_KILL_WAIT_MS		5000	/* SIGKILL to gone */
#define KT_SERVE_WAIT_MS	1000	/* a connected client's request */
#define KT_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char * const scx_state_names[] = {
	[KT_SCX_DISABLED] = "disabled",
	[KT_SCX_ENABLING] = "enabling",
	[KT_SCX_ENABLED] = "enabled",
	[KT_SCX_DISABLING] = "disabling",
};

static unsigned long long mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum kt_scx_state kt_scx_state(void)
{
	char buf[32];

	if (read_file_str(KT_SCX_STATE_PATH, buf, sizeof(buf)))
		return KT_SCX_ABSENT;
	for (size_t i = 0; i < KT_ARRAY_SIZE(scx_state_names); i++)
		if (!strcmp(buf, scx_state_names[i]))
			return (enum kt_scx_state)i;
	return KT_SCX_UNKNOWN;
}

const char *kt_scx_state_name(enum kt_scx_state st)
{
	if (st == KT_SCX_ABSENT)
		return "absent (no sched_ext in this kernel)";
	if (st >= KT_SCX_DISABLED && st <= KT_SCX_DISABLING)
		return scx_state_names[st];
	return "unknown";
}

void kt_scx_ops(char *buf, size_t len)
{
	if (read_file_str(KT_SCX_OPS_PATH, buf, len))
		buf[0] = '\0';
}

bool kt_scx_attached(void)
{
	char ops[64];

	if (kt_scx_state() != KT_SCX_ENABLED)
		return false;
	kt_scx_ops(ops, sizeof(ops));
	return ops[0] != '\0';
}

void kt_sched_init(struct kt_sched *s)
{
	memset(s, 0, sizeof(*s));
	s->pid = -1;
	s->pidfd = -1;
	s->out_fd = -1;
}

int kt_sched_spawn(struct kt_sched *s, char *const argv[], int out_fd)
{
	const char *base = strrchr(argv[0], '/');
	int pipefd[2] = { -1, -1 };
	pid_t pid;

	kt_sched_init(s);
	snprintf(s->name, sizeof(s->name), "%s", base ? base + 1 : argv[0]);
	if (out_fd < 0) {
		if (pipe2(pipefd, O_CLOEXEC))
			return -1;
		out_fd = pipefd[1];
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		if (pipefd[0] >= 0) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return -1;
	}
	if (pid == 0) {
		/* A test that dies must not leave its scheduler attached. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(out_fd, 1);
		dup2(out_fd, 2);
		execv(argv[0], argv);
		dprintf(2, "cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pipefd[0] >= 0) {
		close(pipefd[1]);
		s->out_fd = pipefd[0];
		fcntl(s->out_fd, F_SETFL, O_NONBLOCK);
	}
	s->pid = pid;
	s->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	return 0;
}

bool kt_sched_reap(struct kt_sched *s)
{
	if (s->pid <= 0)
		return true;
	if (!s->reaped && waitpid(s->pid, &s->status, WNOHANG) == s->pid)
		s->reaped = true;
	return s->reaped;
}

void kt_sched_describe_exit(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "stopped");
}

int kt_sched_wait_attached(struct kt_sched *s, unsigned int timeout_ms,
			   kt_sched_pump_fn pump, void *ctx, char *why,
			   size_t len)
{
	unsigned long long deadline = mono_ms() + timeout_ms;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = s->out_fd, .events = POLLIN },
			{ .fd = s->pidfd, .events = POLLIN },
		};

		if (kt_scx_attached())
			return 0;
		if (pump)
			pump(s, ctx);
		if (kt_sched_reap(s)) {
			kt_sched_describe_exit(s->status, why, len);
			return -1;
		}
		if (mono_ms() > deadline) {
			snprintf(why, len, "did not attach within %u ms (sched_ext %s)",
				 timeout_ms, kt_scx_state_name(kt_scx_state()));
			return -1;
		}
		/* Attaching is a state change without an event: look often. */
		poll(p, 2, 20);
	}
}

void kt_sched_stop(struct kt_sched *s, unsigned int grace_ms,
		   kt_sched_pump_fn pump, void *ctx)
{
	unsigned long long deadline;

	if (s->pid <= 0)
		return;
	if (!kt_sched_reap(s)) {
		/* SIGINT lets the scheduler detach cleanly; then insist. */
		kill(s->pid, SIGINT);
		/* A stopped scheduler acts on it only once continued. */
		kill(s->pid, SIGCONT);
		deadline = mono_ms() + grace_ms;
		while (!kt_sched_reap(s) && mono_ms() < deadline) {
			struct pollfd p = { .fd = s->pidfd, .events = POLLIN };

			if (pump)
				pump(s, ctx);
			poll(&p, s->pidfd >= 0 ? 1 : 0, 10);
		}
		if (!s->reaped) {
			struct pollfd p = { .fd = s->pidfd, .events = POLLIN };

			kill(s->pid, SIGKILL);
			/* Bounded: a task stuck in D state must not stall us. */
			if (s->pidfd < 0 || poll(&p, 1, KT_KILL_WAIT_MS) > 0)
				kt_sched_reap(s);
		}
	}
	if (pump)
		pump(s, ctx);
}

void kt_sched_release_fds(struct kt_sched *s)
{
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->pidfd = -1;
	s->out_fd = -1;
	s->pid = -1;
}

int kt_scx_wait_state(enum kt_scx_state want, int pidfd, unsigned int ms)
{
	unsigned long long deadline = mono_ms() + ms;

	for (;;) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		if (kt_scx_state() == want &&
		    (want != KT_SCX_ENABLED || kt_scx_attached()))
			return 0;
		if (mono_ms() >= deadline)
			return -1;
		if (poll(&p, pidfd >= 0 ? 1 : 0, 20) > 0)
			return -1;
	}
}

/* ---- hand-off ------------------------------------------------------------ */

static int handoff_addr(const char *sock, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (snprintf(a->sun_path, sizeof(a->sun_path), "%s", sock) >=
	    (int)sizeof(a->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int kt_handoff_request(const char *sock, enum kt_handoff_op op,
		       struct kt_handoff_msg *reply, char *why, size_t len)
{
	struct kt_handoff_msg m = { .op = op };
	struct sockaddr_un a;
	struct pollfd p;
	ssize_t n;
	int fd;

	if (handoff_addr(sock, &a))
		goto sys_err;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto sys_err;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    send(fd, &m, sizeof(m), MSG_NOSIGNAL) != sizeof(m)) {
		close(fd);
		goto sys_err;
	}
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, KT_HANDOFF_TIMEOUT_MS) <= 0) {
		close(fd);
		snprintf(why, len, "hand-off %s: no answer within %d ms", sock,
			 KT_HANDOFF_TIMEOUT_MS);
		return -1;
	}
	n = recv(fd, &m, sizeof(m), 0);
	close(fd);
	if (n != sizeof(m)) {
		snprintf(why, len, "hand-off %s: short answer (%zd bytes)", sock,
			 n);
		return -1;
	}
	m.detail[sizeof(m.detail) - 1] = '\0';
	if (reply)
		*reply = m;
	if (m.result) {
		snprintf(why, len, "%s", m.detail);
		return -1;
	}
	return 0;
sys_err:
	snprintf(why, len, "hand-off %s: %s", sock, strerror(errno));
	return -1;
}

int kt_handoff_listen(const char *sock)
{
	struct sockaddr_un a;
	int fd;

	if (handoff_addr(sock, &a))
		return -1;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	unlink(sock);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 2)) {
		close(fd);
		return -1;
	}
	return fd;
}

void kt_handoff_serve(int listen_fd, kt_handoff_fn fn, void *ctx)
{
	struct kt_handoff_msg m;
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct ucred cred = { .pid = 0 };
	socklen_t clen = sizeof(cred);
	ssize_t n = -1;

	if (fd < 0)
		return;
	/* The agent is PID 1: a silent client must not hold it. */
	if (poll(&p, 1, KT_SERVE_WAIT_MS) > 0)
		n = recv(fd, &m, sizeof(m), 0);
	getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen);
	if (n != sizeof(m) || m.op < KT_HANDOFF_RELEASE ||
	    m.op > KT_HANDOFF_STATUS) {
		memset(&m, 0, sizeof(m));
		m.result = -EINVAL;
		snprintf(m.detail, sizeof(m.detail),
			 "hand-off: malformed request (%zd bytes)", n);
	} else {
		enum kt_handoff_op op = (enum kt_handoff_op)m.op;

		memset(&m, 0, sizeof(m));
		m.op = op;
		m.result = fn(op, cred.pid, &m, ctx);
	}
	send(fd, &m, sizeof(m), MSG_NOSIGNAL);
	close(fd);
}
