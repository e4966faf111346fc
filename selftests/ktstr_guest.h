/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the in-guest selftests: the topology the host
 * declared (KTSTR_TOPOLOGY, "NnLlCcTt", or "NnA+B...lCcTt" with each
 * node's LLC count); sysfs through lib/file.h.
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

/* The host's TOPO_MAX_NODES. */
#define GUEST_TOPO_MAX_NODES	128

struct guest_topo {
	unsigned int nodes, llcs, cores, threads;
	unsigned int node_llcs[GUEST_TOPO_MAX_NODES];
};

/* A count of at least 1 followed by @end; moves *s past both. */
static inline int guest_topo_count(const char **s, char end, unsigned int *v)
{
	char *e;
	unsigned long n = strtoul(*s, &e, 10);

	if (e == *s || *e != end || !n || n > 100000)
		return -1;
	*v = (unsigned int)n;
	*s = e + 1;
	return 0;
}

/* The declared topology; -1 when the test does not run under ktstr. */
static inline int guest_topo_get(struct guest_topo *t)
{
	const char *s = getenv(KTSTR_ENV_TOPOLOGY);
	unsigned int n = 0, v;

	memset(t, 0, sizeof(*t));
	if (!s || guest_topo_count(&s, 'n', &t->nodes) ||
	    t->nodes > GUEST_TOPO_MAX_NODES)
		return -1;
	/* One LLC count in all, or one per node joined by '+'. */
	for (;;) {
		const char *plus = strchr(s, '+'), *l = strchr(s, 'l');
		char end = plus && l && plus < l ? '+' : 'l';

		if (n >= GUEST_TOPO_MAX_NODES || guest_topo_count(&s, end, &v))
			return -1;
		t->node_llcs[n++] = v;
		t->llcs += v;
		if (end == 'l')
			break;
	}
	if (guest_topo_count(&s, 'c', &t->cores) ||
	    guest_topo_count(&s, 't', &t->threads) || *s)
		return -1;
	if (n == 1) {
		if (t->llcs % t->nodes)
			return -1;
		for (n = 0; n < t->nodes; n++)
			t->node_llcs[n] = t->llcs / t->nodes;
	} else if (n != t->nodes) {
		return -1;
	}
	return 0;
}

/* The first LLC of node @node: nodes hold consecutive LLCs. */
static inline unsigned int guest_topo_node_first_llc(const struct guest_topo *t,
						     unsigned int node)
{
	unsigned int llc = 0;

	for (unsigned int n = 0; n < node; n++)
		llc += t->node_llcs[n];
	return llc;
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
