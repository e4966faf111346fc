// SPDX-License-Identifier: GPL-2.0
/*
 * The default suite and its subtests: see suite.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "ktstr_env.h"
#include "cmd/suite.h"

/* kselftest_harness's exit status after -l. */
#define KSFT_SKIP 4

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int suite_open(struct suite *s, const char *dir)
{
	char path[PATH_MAX + sizeof(SUITE_LIST)], line[256];
	FILE *f;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	s->lister = suite_list_program;
	snprintf(path, sizeof(path), "%s/" SUITE_LIST, dir);
	f = fopen(path, "re");
	if (!f) {
		errmsg("no default suite: cannot open %s (%s); run 'make'", path,
		       strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		rstrip(line);
		if (line[0] && !strchr(line, '/') &&
		    !strlist_contains(&s->names, line))
			strlist_push(&s->names, line);
	}
	fclose(f);
	if (!s->names.n) {
		errmsg("no tests in %s; run 'make'", path);
		return -1;
	}
	qsort(s->names.v, s->names.n, sizeof(char *), cmp_str);
	s->lists = calloc(s->names.n, sizeof(*s->lists));
	s->listed = calloc(s->names.n, sizeof(*s->listed));
	if (!s->lists || !s->listed) {
		errmsg("out of memory");
		return -1;
	}
	return 0;
}

void suite_path(const struct suite *s, size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", s->dir, s->names.v[i]);
}

const struct harness_list *suite_subtests(struct suite *s, size_t i,
					  char *err, size_t errlen)
{
	char path[PATH_MAX], why[512];

	if (s->listed[i])
		return &s->lists[i];
	suite_path(s, i, path, sizeof(path));
	if (s->lister(path, &s->lists[i], why, sizeof(why))) {
		snprintf(err, errlen, "cannot list the subtests of %s ('%s -l'): %s",
			 s->names.v[i], path, why);
		return NULL;
	}
	s->listed[i] = true;
	return &s->lists[i];
}

void suite_close(struct suite *s)
{
	for (size_t i = 0; s->lists && i < s->names.n; i++)
		harness_list_free(&s->lists[i]);
	free(s->lists);
	free(s->listed);
	strlist_free(&s->names);
	memset(s, 0, sizeof(*s));
}

/* The child: "@path -l", its stdout and stderr to the pipes. */
static void exec_list(const char *path, int out, int err)
{
	sigset_t none;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	/* ktstr blocks and ignores signals the program must have. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(err, 2) < 0)
		_exit(126);
	/* A listing leaves no files behind. */
	unsetenv(KTSTR_ENV_OUTPUT_DIR);
	execl(path, path, "-l", (char *)NULL);
	_exit(127);
}

struct sink {
	int fd;
	char *buf;
	size_t len;
};

/* Read what is there; 1 at EOF, -1 past HARNESS_OUT_MAX. */
static int drain(struct sink *k)
{
	ssize_t n = read(k->fd, k->buf + k->len, HARNESS_OUT_MAX + 1 - k->len);

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : 1;
	if (!n)
		return 1;
	k->len += (size_t)n;
	return k->len > HARNESS_OUT_MAX ? -1 : 0;
}

static void kill_group(pid_t pid)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);	/* if it never made its group */
}

/*
 * Both pipes to EOF and the program's exit, within @timeout_ms and the
 * bound; else its whole process group is killed. 0, or -1 with @err.
 */
static int collect(pid_t pid, struct sink *k, unsigned int timeout_ms,
		   int *status, char *err, size_t errlen)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;
	bool live[2] = { true, true };

	while (live[0] || live[1]) {
		struct pollfd p[2];
		nfds_t n = 0;
		uint64_t now = now_ns();

		if (now >= deadline)
			goto late;
		for (int i = 0; i < 2; i++)
			if (live[i])
				p[n++] = (struct pollfd){ .fd = k[i].fd,
							  .events = POLLIN };
		if (poll(p, n, (int)((deadline - now) / 1000000 + 1)) < 0 &&
		    errno != EINTR) {
			snprintf(err, errlen, "poll: %s", strerror(errno));
			goto kill;
		}
		for (nfds_t j = 0; j < n; j++) {
			int i = p[j].fd == k[0].fd ? 0 : 1;
			int got;

			if (!p[j].revents)
				continue;
			got = drain(&k[i]);
			if (got < 0) {
				snprintf(err, errlen, "it printed more than %d bytes",
					 HARNESS_OUT_MAX);
				goto kill;
			}
			if (got > 0)
				live[i] = false;
		}
	}
	/* Its output ended: it should be gone, or going. */
	while (now_ns() < deadline) {
		pid_t w = waitpid(pid, status, WNOHANG);

		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
		usleep(5000);
	}
late:
	snprintf(err, errlen, "it did not finish listing within %u ms",
		 timeout_ms);
kill:
	kill_group(pid);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return -1;
}

int suite_list_program_within(const char *path, unsigned int timeout_ms,
			      struct harness_list *l, char *err,
			      size_t errlen)
{
	struct sink k[2] = { { .fd = -1 }, { .fd = -1 } };	/* stdout, stderr */
	int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, status, r = -1;
	char why[400];
	pid_t pid;

	memset(l, 0, sizeof(*l));
	k[0].buf = malloc(HARNESS_OUT_MAX + 1);
	k[1].buf = malloc(HARNESS_OUT_MAX + 1);
	if (!k[0].buf || !k[1].buf || pipe2(out, O_CLOEXEC) ||
	    pipe2(errp, O_CLOEXEC)) {
		snprintf(err, errlen, "cannot start it: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "cannot start it: %s", strerror(errno));
		goto out;
	}
	if (!pid)
		exec_list(path, out[1], errp[1]);
	setpgid(pid, pid);	/* as the child does: no race with a kill */
	close(out[1]);
	close(errp[1]);
	out[1] = errp[1] = -1;
	k[0].fd = out[0];
	k[1].fd = errp[0];
	if (collect(pid, k, timeout_ms, &status, err, errlen))
		goto out;
	if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "it was killed by signal %d",
			 WTERMSIG(status));
	} else if (WEXITSTATUS(status) == 127 || WEXITSTATUS(status) == 126) {
		snprintf(err, errlen, "it cannot be executed");
	} else if (WEXITSTATUS(status) != KSFT_SKIP &&
		   WEXITSTATUS(status) != 0) {
		snprintf(err, errlen, "it exited with status %d; expected a kselftest_harness program, which exits %d after listing",
			 WEXITSTATUS(status), KSFT_SKIP);
	} else if (harness_list_parse(l, k[1].buf, k[1].len, why,
				      sizeof(why))) {
		snprintf(err, errlen, "its table on stderr: %s", why);
	} else if (harness_needs_parse(l, k[0].buf, k[0].len, why,
				       sizeof(why))) {
		snprintf(err, errlen, "its needs on stdout: %s", why);
		harness_list_free(l);
	} else {
		r = 0;
	}
out:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (errp[i] >= 0)
			close(errp[i]);
		free(k[i].buf);
	}
	return r;
}

int suite_list_program(const char *path, struct harness_list *l, char *err,
		       size_t errlen)
{
	return suite_list_program_within(path, SUITE_LIST_TIMEOUT_MS, l, err,
					 errlen);
}
