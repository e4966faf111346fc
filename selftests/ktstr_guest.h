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

#include "lib/file.h"
#include "lib/ktstr_env.h"

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

#endif
