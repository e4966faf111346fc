// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_stats.h"

static struct {
	int ready;
	uint64_t inputs;
	uint64_t t0, start, next_progress, progress_ns;
	uint64_t slowest_ns, slowest_walk_ns;
	uint8_t *slowest;	/* a copy of the slowest input */
	size_t slowest_len;
} st;

uint64_t fuzz_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void report(void)
{
	const char *path = getenv("KTSTR_FUZZ_SLOWEST");
	FILE *f;

	fprintf(stderr, "fuzz: %llu inputs, slowest %.3f ms (%zu bytes)",
		(unsigned long long)st.inputs, st.slowest_ns / 1e6,
		st.slowest_len);
	if (st.slowest_walk_ns)
		fprintf(stderr, ", slowest walk %.3f ms", st.slowest_walk_ns / 1e6);
	fputc('\n', stderr);
	if (path && *path && st.slowest) {
		f = fopen(path, "wb");
		if (f) {
			fwrite(st.slowest, 1, st.slowest_len, f);
			fclose(f);
		}
	}
	free(st.slowest);
	st.slowest = NULL;
}

static void setup(void)
{
	const char *p = getenv("KTSTR_FUZZ_PROGRESS");

	st.ready = 1;
	st.start = fuzz_now_ns();
	st.progress_ns = p ? strtoull(p, NULL, 10) * 1000000000ull : 0;
	st.next_progress = st.start + st.progress_ns;
	atexit(report);
}

void fuzz_stats_begin(void)
{
	if (!st.ready)
		setup();
	st.t0 = fuzz_now_ns();
}

void fuzz_stats_walk(uint64_t ns)
{
	if (ns > st.slowest_walk_ns)
		st.slowest_walk_ns = ns;
}

void fuzz_stats_end(const uint8_t *data, size_t size)
{
	uint64_t now = fuzz_now_ns(), ns = now - st.t0;

	st.inputs++;
	if (ns > st.slowest_ns) {
		uint8_t *copy = malloc(size ? size : 1);

		/* Kept reachable from st: LSan does not call it a leak. */
		if (copy) {
			memcpy(copy, data, size);
			free(st.slowest);
			st.slowest = copy;
			st.slowest_len = size;
			st.slowest_ns = ns;
		}
	}
	if (st.progress_ns && now >= st.next_progress) {
		fprintf(stderr, "fuzz: progress %llu inputs in %llu s, slowest %.3f ms\n",
			(unsigned long long)st.inputs,
			(unsigned long long)((now - st.start) / 1000000000ull),
			st.slowest_ns / 1e6);
		st.next_progress = now + st.progress_ns;
	}
}
