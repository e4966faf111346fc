/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the in-guest selftests: reading sysfs and the
 * topology the host declared (KTSTR_TOPOLOGY, "NnLlCcTt").
 */
#ifndef KTSTR_SELFTESTS_GUEST_H
#define KTSTR_SELFTESTS_GUEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct guest_topo {
	unsigned int nodes, llcs, cores, threads;
};

/* Read a small sysfs file into @buf without the trailing newline. */
static inline int sysfs_read(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static inline int sysfs_write(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		return -1;
	r = fputs(val, f) < 0 ? -1 : 0;
	if (fclose(f))
		r = -1;
	return r;
}

/* The declared topology; -1 when the test does not run under ktstr. */
static inline int guest_topo_get(struct guest_topo *t)
{
	const char *s = getenv("KTSTR_TOPOLOGY");

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
