// SPDX-License-Identifier: GPL-2.0
/*
 * Resolve cpuset specs (whole machine, an LLC, a node, a fraction, slices,
 * a core's SMT siblings, an exact list) and cpuset.mems specs against the
 * topology the guest reports.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* CPUs [lo, hi) in the order of the online mask. */
static void range(const struct sc_topo *t, unsigned int lo, unsigned int hi,
		  struct sc_mask *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int i = lo; i < hi; i++) {
		int cpu = sc_mask_nth(&t->online, i);

		if (cpu >= 0)
			sc_mask_set(out, (unsigned int)cpu);
	}
}

int sc_cpus_resolve(const struct sc_topo *t, const struct sc_cpus *c,
		    struct sc_mask *out, char *err, size_t errlen)
{
	unsigned int n = sc_mask_count(&t->online), lo, hi, of;
	double w;

	memset(out, 0, sizeof(*out));
	switch (c->kind) {
	case SC_CPUS_INHERIT:
	case SC_CPUS_ALL:
		*out = t->online;
		return 0;
	case SC_CPUS_LLC:
		if (c->idx >= t->nr_llcs)
			goto nope;
		*out = t->llc[c->idx];
		return 0;
	case SC_CPUS_NODE:
		if (c->idx >= t->nr_nodes)
			goto nope;
		*out = t->node[c->idx];
		return 0;
	case SC_CPUS_CORE:
		if (c->idx >= t->nr_cores)
			goto nope;
		*out = t->core[c->idx];
		return 0;
	case SC_CPUS_FRAC:
		if (c->from < 0 || c->to > 1 || c->from >= c->to)
			goto bad;
		lo = (unsigned int)floor(c->from * n);
		hi = (unsigned int)ceil(c->to * n);
		if (hi <= lo)
			hi = lo + 1;
		range(t, lo, hi > n ? n : hi, out);
		break;
	case SC_CPUS_SLICE:
	case SC_CPUS_OVERLAP:
		of = c->of ? c->of : 1;
		if (c->idx >= of || of > n || c->overlap < 0 || c->overlap > 1)
			goto bad;
		w = (double)n / of;
		lo = (unsigned int)floor(c->idx * w);
		hi = (unsigned int)floor((c->idx + 1) * w);
		if (c->kind == SC_CPUS_OVERLAP) {
			unsigned int grow = (unsigned int)ceil(c->overlap * w);

			lo = lo > grow ? lo - grow : 0;
			hi = hi + grow > n ? n : hi + grow;
		}
		range(t, lo, hi, out);
		break;
	case SC_CPUS_LIST:
		if (!c->list || sc_mask_parse(c->list, out))
			goto bad;
		for (unsigned int cpu = 0; cpu < SC_MAX_CPUS; cpu++) {
			if (sc_mask_test(out, cpu) &&
			    !sc_mask_test(&t->online, cpu)) {
				snprintf(err, errlen,
					 "cpuset list \"%s\": CPU %u is not online",
					 c->list, cpu);
				return -1;
			}
		}
		break;
	default:
		goto bad;
	}
	if (sc_mask_empty(out))
		goto nope;
	return 0;
nope:
	snprintf(err, errlen,
		 "cpuset spec %d/%u does not exist here (%u CPUs, %u LLCs, %u nodes, %u cores)",
		 c->kind, c->idx, n, t->nr_llcs, t->nr_nodes, t->nr_cores);
	return -1;
bad:
	snprintf(err, errlen, "bad cpuset spec (kind %d, idx %u of %u, %.2f-%.2f, \"%s\")",
		 c->kind, c->idx, c->of, c->from, c->to, c->list ? c->list : "");
	return -1;
}

/* The cpuset.mems value for @m, or "" for inherit. */
int sc_mems_resolve(const struct sc_topo *t, const struct sc_mems *m,
		    const struct sc_mask *cpus, char *buf, size_t len,
		    char *err, size_t errlen)
{
	struct sc_mask nodes = { 0 };

	buf[0] = '\0';
	switch (m->kind) {
	case SC_MEMS_INHERIT:
		return 0;
	case SC_MEMS_LOCAL:
		for (unsigned int i = 0; i < t->nr_nodes; i++) {
			for (unsigned int w = 0; w < SC_MASK_WORDS; w++) {
				if (t->node[i].w[w] & cpus->w[w]) {
					sc_mask_set(&nodes, t->node_id[i]);
					break;
				}
			}
		}
		break;
	case SC_MEMS_NODE:
		if (m->idx >= t->nr_nodes) {
			snprintf(err, errlen, "cpuset.mems: no node %u (%u nodes)",
				 m->idx, t->nr_nodes);
			return -1;
		}
		sc_mask_set(&nodes, t->node_id[m->idx]);
		break;
	case SC_MEMS_LIST:
		if (!m->list || sc_mask_parse(m->list, &nodes)) {
			snprintf(err, errlen, "cpuset.mems: bad list");
			return -1;
		}
		break;
	}
	sc_mask_format(&nodes, buf, len);
	return 0;
}
