/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Up to -j jobs at once, each in a child process of its own (a VM per
 * job: vm_run() owns its process's signals and event loop), pinned to
 * its slot's host CPUs where there are enough. A child reports through
 * a pipe; the parent waits on every pipe and on the termination signals,
 * which it passes on so each child stops and cleans up its VM.
 */
#ifndef KTSTR_HOST_GAUNTLET_POOL_H
#define KTSTR_HOST_GAUNTLET_POOL_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What a child reports: a number and a value, meaning is the caller's. */
struct pool_msg {
	uint64_t what;
	double value;
};

struct pool_slot {
	pid_t pid;		/* 0: free */
	int fd;			/* the child's reports */
	size_t job;
	bool pinned;
	cpu_set_t cpus;
	unsigned char buf[sizeof(struct pool_msg)];
	size_t have;
};

struct pool {
	struct pool_slot *slots;
	unsigned int n;
	int sig_fd;
};

/* Runs in the child; reports with pool_report(@fd, ...). */
typedef void (*pool_job_fn)(void *ctx, size_t job, int fd);

struct pool_events {
	void (*msg)(void *ctx, size_t job, const struct pool_msg *m);
	/* The child ended with wait status @status. */
	void (*end)(void *ctx, size_t job, int status);
	void *ctx;
};

/* @n slots, pinned to disjoint host CPUs if there are enough. */
int pool_init(struct pool *p, unsigned int n);
/* Start @job in a free slot: its slot, or -1 (none free, fork failed). */
int pool_start(struct pool *p, size_t job, pool_job_fn fn, void *ctx);
void pool_report(int fd, uint64_t what, double value);
/*
 * Wait up to @timeout_ms and deliver what happened. Returns a
 * termination signal (SIGINT, SIGTERM, SIGHUP) that arrived, else 0.
 */
int pool_wait(struct pool *p, int timeout_ms, const struct pool_events *ev);
/* Pass @sig on to every child. */
void pool_kill(const struct pool *p, int sig);
unsigned int pool_busy(const struct pool *p);
/* How many slots are pinned. */
unsigned int pool_pinned(const struct pool *p);
void pool_free(struct pool *p);

#endif
