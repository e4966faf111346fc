// SPDX-License-Identifier: GPL-2.0
/*
 * Decode the host's RUN request and run it: a shell command or program
 * with its output streamed back, or an interactive shell on the console.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "util.h"

#define STR_MAX 4096

static int take_str(const uint8_t *v, uint16_t n, char **out)
{
	char *s = malloc((size_t)n + 1);

	if (!s || !wire_tlv_str(v, n, s, (size_t)n + 1)) {
		free(s);
		return -1;
	}
	free(*out);
	*out = s;
	return 0;
}

static int push_str(const uint8_t *v, uint16_t n, struct strlist *l)
{
	char s[STR_MAX];

	if (!wire_tlv_str(v, n, s, sizeof(s)))
		return -1;
	return strlist_push(l, s);
}

int job_decode(const uint8_t *p, size_t len, struct job *j, char *err,
	       size_t errlen)
{
	const uint8_t *v;
	uint16_t tag, n;
	size_t off = 0;
	uint32_t u;
	int r;

	memset(j, 0, sizeof(*j));
	j->attach_timeout_ms = 30000;
	while ((r = wire_tlv_next(p, len, &off, &tag, &v, &n)) > 0) {
		int bad = 0;

		switch (tag) {
		case KTSTR_TLV_COMMAND:
			bad = take_str(v, n, &j->command);
			break;
		case KTSTR_TLV_ARGV:
			bad = push_str(v, n, &j->argv);
			break;
		case KTSTR_TLV_ENV:
			bad = push_str(v, n, &j->env);
			break;
		case KTSTR_TLV_SCHED_PATH:
			bad = take_str(v, n, &j->sched_path);
			break;
		case KTSTR_TLV_SCHED_ARG:
			bad = push_str(v, n, &j->sched_args);
			break;
		case KTSTR_TLV_INTERACTIVE:
			bad = !wire_tlv_u32(v, n, &u);
			j->interactive = u;
			break;
		case KTSTR_TLV_ATTACH_TIMEOUT_MS:
			bad = !wire_tlv_u32(v, n, &j->attach_timeout_ms);
			break;
		case KTSTR_TLV_WATCHDOG_MS:
			bad = !wire_tlv_u32(v, n, &j->watchdog_ms);
			break;
		case KTSTR_TLV_WATCHDOG_EXACT:
			bad = !wire_tlv_u32(v, n, &u);
			j->watchdog_exact = u;
			break;
		default:
			break;	/* newer hosts may send more; ignore */
		}
		if (bad) {
			snprintf(err, errlen, "RUN request: bad value for tag %u",
				 tag);
			return -1;
		}
	}
	if (r < 0) {
		snprintf(err, errlen, "RUN request: truncated TLV at byte %zu",
			 off);
		return -1;
	}
	if (!j->command && !j->argv.n && !j->interactive) {
		snprintf(err, errlen, "RUN request: nothing to run");
		return -1;
	}
	return 0;
}

void job_free(struct job *j)
{
	free(j->command);
	free(j->sched_path);
	strlist_free(&j->argv);
	strlist_free(&j->env);
	strlist_free(&j->sched_args);
}

static void child_exec(const struct job *j)
{
	static char *const sh_i[] = { "/bin/sh", "-i", NULL };
	char *sh_c[] = { "/bin/sh", "-c", j->command, NULL };

	for (size_t i = 0; i < j->env.n; i++)
		putenv(j->env.v[i]);
	if (j->interactive)
		execv(sh_i[0], sh_i);
	else if (j->command)
		execv(sh_c[0], sh_c);
	else
		execv(j->argv.v[0], j->argv.v);
	fprintf(stderr, "ktstr-agent: cannot run %s: %s\n",
		j->command ? "/bin/sh" : j->argv.v[0], strerror(errno));
	_exit(127);
}

static pid_t spawn_interactive(const struct job *j)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd;

		setsid();
		fd = open("/dev/console", O_RDWR);
		if (fd >= 0) {
			ioctl(fd, TIOCSCTTY, 1);
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		child_exec(j);
	}
	return pid;
}

static pid_t spawn_piped(const struct job *j, int out[2], int errp[2])
{
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		setsid();
		dup2(out[1], 1);
		dup2(errp[1], 2);
		close(0);
		open("/dev/null", O_RDONLY);
		child_exec(j);
	}
	close(out[1]);
	close(errp[1]);
	return pid;
}

/* Move what is readable on @fd to the host; false at EOF. */
static bool forward(struct port *p, int fd, uint16_t type)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	port_send(p, type, buf, (size_t)n);
	return true;
}

int job_run(struct port *p, const struct job *j, struct agent_sched *s,
	    int events_fd)
{
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 };
	bool out_open, err_open, exited = false;
	int status = 0;
	pid_t pid;

	pid = j->interactive ? spawn_interactive(j) : spawn_piped(j, out, errp);
	if (pid < 0)
		return -1;
	out_open = out[0] >= 0;
	err_open = errp[0] >= 0;
	/*
	 * Stream until the job has exited and its pipes are drained. A
	 * background child may keep a pipe open forever, so after the exit
	 * only what is already buffered is forwarded.
	 */
	while (!exited || out_open || err_open) {
		struct pollfd fds[5] = {
			{ .fd = out_open ? out[0] : -1, .events = POLLIN },
			{ .fd = err_open ? errp[0] : -1, .events = POLLIN },
			{ .fd = s && s->proc.pid > 0 ? s->proc.out_fd : -1,
			  .events = POLLIN },
			{ .fd = s && !exited ? s->handoff_fd : -1, .events = POLLIN },
			{ .fd = events_fd, .events = POLLIN },
		};
		int n = poll(fds, 5, exited ? 100 : 50);

		if (n == 0 && exited)
			break;
		if (fds[0].revents && !forward(p, out[0], KTSTR_MSG_STDOUT))
			out_open = false;
		if (fds[1].revents && !forward(p, errp[0], KTSTR_MSG_STDERR))
			err_open = false;
		if (s && s->proc.pid > 0)
			sched_pump(p, s);
		if (fds[3].revents)
			sched_handoff_serve(p, s);
		if (fds[4].revents)
			events_forward(p, events_fd);
		if (!exited) {
			int ws;
			pid_t w;

			/* PID 1 also reaps orphans the job leaves behind. */
			while ((w = waitpid(-1, &ws, WNOHANG)) > 0) {
				if (w == pid) {
					status = ws;
					exited = true;
				} else if (s && w == s->proc.pid) {
					s->proc.status = ws;
					s->proc.reaped = true;
				}
			}
			if (s)
				sched_check(p, s);
		}
	}
	if (out[0] >= 0)
		close(out[0]);
	if (errp[0] >= 0)
		close(errp[0]);
	return status;
}
