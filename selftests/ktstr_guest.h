/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the in-guest selftests: the topology the host
 * declared (KTSTR_TOPOLOGY, "NnLlCcTt"); sysfs through lib/file.h.
 */
#ifndef KTSTR_SELFTESTS_GUEST_H
#define KTSTR_SELFTESTS_GUEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/file.h"
#include "lib/ktstr_env.h"

/*
 * Under ktstr the host declares the topology in every RUN; a program run
 * directly (kselftest on a device) sees none of ktstr's variables.
 */
static inline int under_ktstr(void)
{
	return !!getenv(KTSTR_ENV_TOPOLOGY);
}

struct guest_topo {
	unsigned int nodes, llcs, cores, threads;
};

/* The declared topology; -1 when the test does not run under ktstr. */
static inline int guest_topo_get(struct guest_topo *t)
{
	const char *s = getenv(KTSTR_ENV_TOPOLOGY);

	if (!s || sscanf(s, "%un%ul%uc%ut", &t->nodes, &t->llcs, &t->cores,
			 &t->threads) != 4 || !t->nodes || !t->llcs ||
	    !t->cores || !t->threads)
		return -1;
	return 0;
}

static inline unsigned int guest_topo_cpus(const struct guest_topo *t)
{
	return t->llcs * t->cores * t->threads;
}

/* Format the CPU range [first, first + count) as the kernel prints it. */
static inline void cpu_range(unsigned int first, unsigned int count,
			     char *buf, size_t len)
{
	if (count == 1)
		snprintf(buf, len, "%u", first);
	else
		snprintf(buf, len, "%u-%u", first, first + count - 1);
}

/*
 * kselftest's harness exits 0 when every test SKIPped, and its runner
 * then prints a plain "ok" for the program. Exit KSFT_SKIP instead, so
 * the runner says "# SKIP" and nothing counts a skipped program as a
 * pass. Registered first, so it runs after every other exit handler.
 */
#ifndef KSFT_SKIP
#error "include kselftest_harness.h before ktstr_guest.h"
#endif
static pid_t ktstr_harness_pid;

static void ktstr_all_skipped_exit(void)
{
	/* Only the harness itself: not a test's child calling exit(). */
	if (getpid() != ktstr_harness_pid)
		return;
	if (ksft_cnt.ksft_xskip && !ksft_cnt.ksft_pass && !ksft_cnt.ksft_fail &&
	    !ksft_cnt.ksft_xpass && !ksft_cnt.ksft_error) {
		fflush(NULL);
		_exit(KSFT_SKIP);
	}
}

__attribute__((constructor(101))) static void ktstr_all_skipped_register(void)
{
	ktstr_harness_pid = getpid();
	atexit(ktstr_all_skipped_exit);
}

#endif
