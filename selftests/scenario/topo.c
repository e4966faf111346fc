// SPDX-License-Identifier: GPL-2.0
/*
 * CPU bitmaps and the topology the guest reports in sysfs: online CPUs,
 * last-level caches, NUMA nodes and SMT siblings. QEMU's flags are not
 * proof; this is what the kernel under test built.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

unsigned int sc_mask_count(const struct sc_mask *m)
{
	unsigned int n = 0;

	for (int i = 0; i < SC_MASK_WORDS; i++)
		n += (unsigned int)__builtin_popcountll(m->w[i]);
	return n;
}

int sc_mask_empty(const struct sc_mask *m)
{
	return !sc_mask_count(m);
}

/* The CPU number of the n-th set bit, or -1. */
int sc_mask_nth(const struct sc_mask *m, unsigned int n)
{
	for (unsigned int cpu = 0; cpu < SC_MAX_CPUS; cpu++)
		if (sc_mask_test(m, cpu) && !n--)
			return (int)cpu;
	return -1;
}

void sc_mask_or(struct sc_mask *d, const struct sc_mask *s)
{
	for (int i = 0; i < SC_MASK_WORDS; i++)
		d->w[i] |= s->w[i];
}

void sc_mask_andnot(struct sc_mask *d, const struct sc_mask *s)
{
	for (int i = 0; i < SC_MASK_WORDS; i++)
		d->w[i] &= ~s->w[i];
}

/* Parse a kernel CPU list ("0-3,5"); -1 on anything else. */
int sc_mask_parse(const char *s, struct sc_mask *m)
{
	memset(m, 0, sizeof(*m));
	while (*s && *s != '\n') {
		unsigned long a, b;
		char *end;

		if (!isdigit((unsigned char)*s))
			return -1;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -1;
			b = strtoul(end + 1, &end, 10);
		}
		if (b < a || b >= SC_MAX_CPUS)
			return -1;
		for (unsigned long c = a; c <= b; c++)
			sc_mask_set(m, (unsigned int)c);
		if (*end == ',')
			end++;
		else if (*end && *end != '\n')
			return -1;
		s = end;
	}
	return 0;
}

void sc_mask_format(const struct sc_mask *m, char *buf, size_t len)
{
	size_t off = 0;
	int first = 1;

	buf[0] = '\0';
	for (unsigned int c = 0; c < SC_MAX_CPUS && off < len; c++) {
		unsigned int e = c;

		if (!sc_mask_test(m, c))
			continue;
		while (e + 1 < SC_MAX_CPUS && sc_mask_test(m, e + 1))
			e++;
		if (e == c)
			off += snprintf(buf + off, len - off, "%s%u",
					first ? "" : ",", c);
		else
			off += snprintf(buf + off, len - off, "%s%u-%u",
					first ? "" : ",", c, e);
		first = 0;
		c = e;
	}
}

static int read_mask(const char *path, struct sc_mask *m)
{
	char buf[1024];

	if (read_file_str(path, buf, sizeof(buf)))
		return -1;
	return sc_mask_parse(buf, m);
}

static int mask_eq(const struct sc_mask *a, const struct sc_mask *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* Add @m to the set @sets (of @n) unless it is there already. */
static void add_unique(struct sc_mask *sets, unsigned int *n,
		       const struct sc_mask *m)
{
	for (unsigned int i = 0; i < *n; i++)
		if (mask_eq(&sets[i], m))
			return;
	sets[(*n)++] = *m;
}

static int cmp_first(const void *a, const void *b)
{
	return sc_mask_nth(a, 0) - sc_mask_nth(b, 0);
}

int sc_topo_read(struct sc_topo *t, char *err, size_t errlen)
{
	char path[160];

	memset(t, 0, sizeof(*t));
	if (read_mask("/sys/devices/system/cpu/online", &t->online)) {
		snprintf(err, errlen, "cannot read /sys/devices/system/cpu/online");
		return -1;
	}
	for (unsigned int cpu = 0; cpu < SC_MAX_CPUS; cpu++) {
		struct sc_mask m;

		if (!sc_mask_test(&t->online, cpu))
			continue;
		t->nr_cpus = cpu + 1;
		/* The LLC: L3 if there is one, else the last cache level. */
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%u/cache/index3/shared_cpu_list",
			 cpu);
		if (read_mask(path, &m)) {
			snprintf(path, sizeof(path),
				 "/sys/devices/system/cpu/cpu%u/topology/package_cpus_list",
				 cpu);
			if (read_mask(path, &m)) {
				memset(&m, 0, sizeof(m));
				sc_mask_set(&m, cpu);
			}
		}
		add_unique(t->llc, &t->nr_llcs, &m);
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%u/topology/thread_siblings_list",
			 cpu);
		if (read_mask(path, &m)) {
			memset(&m, 0, sizeof(m));
			sc_mask_set(&m, cpu);
		}
		if (sc_mask_count(&m) > 1)
			t->smt = 1;
		add_unique(t->core, &t->nr_cores, &m);
	}
	for (unsigned int n = 0; n < SC_MAX_CPUS; n++) {
		struct sc_mask m;

		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%u/cpulist", n);
		if (read_mask(path, &m) || sc_mask_empty(&m))
			continue;
		t->node_id[t->nr_nodes] = n;
		t->node[t->nr_nodes++] = m;
	}
	if (!t->nr_nodes) {
		t->node[0] = t->online;
		t->nr_nodes = 1;
	}
	qsort(t->llc, t->nr_llcs, sizeof(t->llc[0]), cmp_first);
	qsort(t->core, t->nr_cores, sizeof(t->core[0]), cmp_first);
	if (!t->nr_cpus) {
		snprintf(err, errlen, "no online CPUs");
		return -1;
	}
	return 0;
}
