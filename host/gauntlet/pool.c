// SPDX-License-Identifier: GPL-2.0
/*
 * Jobs in child processes, -j at once: see pool.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "gauntlet/pool.h"
#include "gauntlet/slots.h"

int pool_init(struct pool *p, unsigned int n)
{
	cpu_set_t avail;
	sigset_t sigs;

	memset(p, 0, sizeof(*p));
	p->sig_fd = -1;
	p->slots = calloc(n, sizeof(*p->slots));
	if (!p->slots)
		return -1;
	p->n = n;
	if (sched_getaffinity(0, sizeof(avail), &avail))
		CPU_ZERO(&avail);
	for (unsigned int i = 0; i < n; i++) {
		p->slots[i].fd = -1;
		p->slots[i].pinned = slots_cpus(&avail, n, i,
						&p->slots[i].cpus);
	}
	/* Blocked since start-up (vm_signals_block): read them here. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	p->sig_fd = signalfd(-1, &sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	return p->sig_fd < 0 ? -1 : 0;
}

static void child(struct pool *p, unsigned int slot, pid_t parent, int fd,
		  size_t job, pool_job_fn fn, void *ctx)
{
	/* A gauntlet killed outright still takes its VMs down. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(1);
	close(p->sig_fd);
	for (unsigned int i = 0; i < p->n; i++)
		if (p->slots[i].fd >= 0)
			close(p->slots[i].fd);
	if (p->slots[slot].pinned)
		sched_setaffinity(0, sizeof(p->slots[slot].cpus),
				  &p->slots[slot].cpus);
	fn(ctx, job, fd);
	fflush(NULL);
	_exit(0);
}

int pool_start(struct pool *p, size_t job, pool_job_fn fn, void *ctx)
{
	pid_t parent = getpid(), pid;
	unsigned int slot;
	int fds[2];

	for (slot = 0; slot < p->n && p->slots[slot].pid; slot++)
		;
	if (slot == p->n || pipe2(fds, O_CLOEXEC))
		return -1;
	/* The child must not write out our buffered output again. */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (!pid) {
		close(fds[0]);
		child(p, slot, parent, fds[1], job, fn, ctx);
	}
	close(fds[1]);
	p->slots[slot].pid = pid;
	p->slots[slot].fd = fds[0];
	p->slots[slot].job = job;
	p->slots[slot].have = 0;
	return (int)slot;
}

void pool_report(int fd, uint64_t what, double value)
{
	struct pool_msg m = { .what = what, .value = value };

	/* Shorter than PIPE_BUF: one write, whole. */
	write_all(fd, &m, sizeof(m));
}

/* Read what the child in @s sent; at EOF reap it and free the slot. */
static void drain(struct pool_slot *s, const struct pool_events *ev)
{
	ssize_t n = read(s->fd, s->buf + s->have, sizeof(s->buf) - s->have);
	int status = 0;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		s->have += (size_t)n;
		if (s->have == sizeof(s->buf)) {
			struct pool_msg m;

			memcpy(&m, s->buf, sizeof(m));
			s->have = 0;
			ev->msg(ev->ctx, s->job, &m);
		}
		return;
	}
	close(s->fd);
	s->fd = -1;
	while (waitpid(s->pid, &status, 0) < 0 && errno == EINTR)
		;
	s->pid = 0;
	ev->end(ev->ctx, s->job, status);
}

int pool_wait(struct pool *p, int timeout_ms, const struct pool_events *ev)
{
	struct pollfd *fds = calloc(p->n + 1, sizeof(*fds));
	unsigned int *slot_of = calloc(p->n + 1, sizeof(*slot_of));
	struct signalfd_siginfo si;
	nfds_t n = 0;
	int sig = 0;

	if (!fds || !slot_of) {
		free(fds);
		free(slot_of);
		return 0;
	}
	fds[n++] = (struct pollfd){ .fd = p->sig_fd, .events = POLLIN };
	for (unsigned int i = 0; i < p->n; i++) {
		if (p->slots[i].fd < 0)
			continue;
		slot_of[n] = i;
		fds[n++] = (struct pollfd){ .fd = p->slots[i].fd,
					    .events = POLLIN };
	}
	if (poll(fds, n, timeout_ms) > 0) {
		if ((fds[0].revents & POLLIN) &&
		    read(p->sig_fd, &si, sizeof(si)) == sizeof(si))
			sig = (int)si.ssi_signo;
		for (nfds_t i = 1; i < n; i++)
			if (fds[i].revents)
				drain(&p->slots[slot_of[i]], ev);
	}
	free(fds);
	free(slot_of);
	return sig;
}

void pool_kill(const struct pool *p, int sig)
{
	for (unsigned int i = 0; i < p->n; i++)
		if (p->slots[i].pid)
			kill(p->slots[i].pid, sig);
}

unsigned int pool_busy(const struct pool *p)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < p->n; i++)
		n += !!p->slots[i].pid;
	return n;
}

unsigned int pool_pinned(const struct pool *p)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < p->n; i++)
		n += p->slots[i].pinned;
	return n;
}

void pool_free(struct pool *p)
{
	if (!p->slots)
		return;	/* never set up */
	for (unsigned int i = 0; i < p->n; i++)
		if (p->slots[i].fd >= 0)
			close(p->slots[i].fd);
	if (p->sig_fd >= 0)
		close(p->sig_fd);
	free(p->slots);
	memset(p, 0, sizeof(*p));
	p->sig_fd = -1;
}
