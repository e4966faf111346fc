// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-kmod-bench: latency of /dev/ktstr requests, measured in the guest.
 * Prints median and p99 of READ (a symbol, a per-CPU field, a task field)
 * and of SNAPSHOT (every CPU parked by stop_machine).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ktstr_dev.h"

#define READS		20000
#define SNAPSHOTS	500

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, uint64_t *ns, int n)
{
	qsort(ns, (size_t)n, sizeof(*ns), cmp);
	printf("%-22s n=%-6d median %8.1f us  p99 %8.1f us\n", what, n,
	       ns[n / 2] / 1e3, ns[(n * 99) / 100] / 1e3);
}

static int bench_read(int fd, struct ktstr_access *tmpl, const char *what,
		      uint64_t *ns)
{
	for (int i = 0; i < READS; i++) {
		struct ktstr_access a = *tmpl;
		uint64_t t0 = now();

		if (ktstr_ioctl(fd, KTSTR_IOC_READ, &a)) {
			fprintf(stderr, "ktstr-kmod-bench: %s: %s (%s)\n", what,
				ktstr_reason_text(a.hdr.reason), strerror(errno));
			return -1;
		}
		ns[i] = now() - t0;
	}
	report(what, ns, READS);
	return 0;
}

int main(void)
{
	uint64_t *ns = calloc(READS, sizeof(*ns));
	struct ktstr_snapshot *s = malloc(sizeof(*s));
	struct ktstr_access a;
	int fd = ktstr_open();

	if (fd < 0 || !ns || !s) {
		fprintf(stderr, "ktstr-kmod-bench: cannot open " KTSTR_DEVICE ": %s\n",
			strerror(errno));
		return 1;
	}
	printf("cpus %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "jiffies_64", 8);
	if (bench_read(fd, &a, "read symbol jiffies_64", ns))
		return 1;
	ktstr_access_init(&a, KTSTR_TARGET_PERCPU, "nr_running", 4);
	if (bench_read(fd, &a, "read percpu nr_running", ns))
		return 1;
	ktstr_access_init(&a, KTSTR_TARGET_TASK, "se.sum_exec_runtime", 8);
	a.pid = (uint32_t)getpid();
	if (ktstr_task_start_time(fd, a.pid, &a.start_time, NULL))
		return 1;
	if (bench_read(fd, &a, "read task sum_exec", ns))
		return 1;
	for (int i = 0; i < SNAPSHOTS; i++) {
		uint64_t t0 = now();

		ktstr_hdr_init(s, sizeof(*s));
		if (ktstr_ioctl(fd, KTSTR_IOC_SNAPSHOT, s)) {
			fprintf(stderr, "ktstr-kmod-bench: snapshot: %s\n",
				ktstr_reason_text(s->hdr.reason));
			return 1;
		}
		ns[i] = now() - t0;
	}
	report("snapshot", ns, SNAPSHOTS);
	return 0;
}
