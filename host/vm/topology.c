// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm/topology.h"

/* Read one number of the spec, at least 1. */
static int parse_count(const char **s, char letter, const char *what,
		       unsigned int *out, char **end, char *err, size_t errlen)
{
	unsigned long v;

	if (!isdigit((unsigned char)**s)) {
		snprintf(err, errlen,
			 "expected a number of %s before '%c' at \"%s\"",
			 what, letter, *s);
		return -1;
	}
	errno = 0;
	v = strtoul(*s, end, 10);
	if (errno || v > 100000) {
		snprintf(err, errlen, "number of %s is out of range", what);
		return -1;
	}
	if (v == 0) {
		snprintf(err, errlen, "number of %s must be at least 1", what);
		return -1;
	}
	*out = (unsigned int)v;
	return 0;
}

/* Read one "<number><letter>" part of the spec. */
static int parse_part(const char **s, char letter, const char *what,
		      unsigned int *out, char *err, size_t errlen)
{
	char *end;

	if (parse_count(s, letter, what, out, &end, err, errlen))
		return -1;
	if (*end != letter) {
		snprintf(err, errlen, "expected '%c' after the number of %s",
			 letter, what);
		return -1;
	}
	*s = end + 1;
	return 0;
}

/*
 * The LLCs: "Ll" in total, split evenly over the nodes, or "L1+L2+...l"
 * one count per node.
 */
static int parse_llcs(const char **s, struct topology *t, char *err,
		      size_t errlen)
{
	unsigned int n = 0, v;
	char *end;

	do {
		if (n)
			(*s)++;	/* the '+' */
		if (parse_count(s, 'l', "LLCs", &v, &end, err, errlen))
			return -1;
		if (n < TOPO_MAX_NODES)
			t->node_llcs[n] = v;
		n++;
		t->llcs += v;
		*s = end;
	} while (**s == '+');
	if (**s != 'l') {
		snprintf(err, errlen, "expected 'l' after the number of LLCs");
		return -1;
	}
	(*s)++;
	if (n == 1) {
		if (t->llcs % t->nodes) {
			snprintf(err, errlen,
				 "%u LLCs cannot be split evenly over %u NUMA nodes",
				 t->llcs, t->nodes);
			return -1;
		}
		for (unsigned int i = 0; i < t->nodes; i++)
			t->node_llcs[i] = t->llcs / t->nodes;
	} else if (n != t->nodes) {
		snprintf(err, errlen,
			 "%u per-node LLC counts for %u NUMA node%s; give one per node",
			 n, t->nodes, t->nodes == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

int topology_parse(const char *spec, struct topology *t, char *err,
		   size_t errlen)
{
	char msg[200];
	const char *s = spec;
	unsigned long cpus;

	memset(t, 0, sizeof(*t));
	if (parse_part(&s, 'n', "NUMA nodes", &t->nodes, msg, sizeof(msg)))
		goto bad;
	if (t->nodes > TOPO_MAX_NODES) {
		snprintf(msg, sizeof(msg), "%u NUMA nodes is more than the %d QEMU takes",
			 t->nodes, TOPO_MAX_NODES);
		goto bad;
	}
	if (parse_llcs(&s, t, msg, sizeof(msg)) ||
	    parse_part(&s, 'c', "cores per LLC", &t->cores, msg, sizeof(msg)) ||
	    parse_part(&s, 't', "threads per core", &t->threads, msg,
		       sizeof(msg)))
		goto bad;
	if (*s) {
		snprintf(msg, sizeof(msg), "unexpected \"%s\" at the end", s);
		goto bad;
	}
	cpus = (unsigned long)t->llcs * t->cores * t->threads;
	if (cpus > TOPO_MAX_CPUS) {
		snprintf(msg, sizeof(msg), "%lu CPUs is more than the %d supported",
			 cpus, TOPO_MAX_CPUS);
		goto bad;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "bad topology \"%s\": %s; expected NnLlCcTt, e.g. 2n4l2c2t, per-node LLCs as in 2n3+1l2c1t, or a preset name (see 'ktstr topo --presets')",
		 spec, msg);
	return -1;
}

unsigned int topology_nr_cpus(const struct topology *t)
{
	return t->llcs * t->cores * t->threads;
}

struct cpu_place topology_place(const struct topology *t, unsigned int cpu)
{
	struct cpu_place p;

	p.thread = cpu % t->threads;
	p.core = (cpu / t->threads) % t->cores;
	p.llc = cpu / (t->threads * t->cores);
	p.node = topology_llc_node(t, p.llc);
	return p;
}

/* Bits to number @n things: ceil(log2(n)). */
static unsigned int bits_for(unsigned int n)
{
	unsigned int b = 0;

	while ((1u << b) < n)
		b++;
	return b;
}

unsigned int topology_max_apic_id(const struct topology *t)
{
	unsigned int tb = bits_for(t->threads), cb = bits_for(t->cores);

	return ((t->llcs - 1) << (cb + tb)) | ((t->cores - 1) << tb) |
	       (t->threads - 1);
}

bool topology_is_uniform(const struct topology *t)
{
	for (unsigned int n = 1; n < t->nodes; n++)
		if (t->node_llcs[n] != t->node_llcs[0])
			return false;
	return true;
}

unsigned int topology_llc_node(const struct topology *t, unsigned int llc)
{
	unsigned int n = 0;

	while (n + 1 < t->nodes && llc >= t->node_llcs[n])
		llc -= t->node_llcs[n++];
	return n;
}

void topology_spec(const struct topology *t, char *buf, size_t len)
{
	size_t off;

	if (topology_is_uniform(t)) {
		snprintf(buf, len, "%un%ul%uc%ut", t->nodes, t->llcs, t->cores,
			 t->threads);
		return;
	}
	off = (size_t)snprintf(buf, len, "%un", t->nodes);
	for (unsigned int n = 0; n < t->nodes && off < len; n++)
		off += (size_t)snprintf(buf + off, len - off, "%s%u",
					n ? "+" : "", t->node_llcs[n]);
	if (off < len)
		snprintf(buf + off, len - off, "l%uc%ut", t->cores, t->threads);
}

void topology_cpulist(const struct topology *t,
		      int (*pick)(const struct cpu_place *p, unsigned int arg),
		      unsigned int arg, char *buf, size_t len)
{
	unsigned int n = topology_nr_cpus(t);
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int cpu = 0; cpu < n; cpu++) {
		struct cpu_place p = topology_place(t, cpu);
		unsigned int last = cpu;

		if (!pick(&p, arg))
			continue;
		while (last + 1 < n) {
			struct cpu_place q = topology_place(t, last + 1);

			if (!pick(&q, arg))
				break;
			last++;
		}
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%u",
						off ? "," : "", cpu);
		if (last > cpu && off < len)
			off += (size_t)snprintf(buf + off, len - off, "-%u",
						last);
		cpu = last;
	}
}

static int pick_node(const struct cpu_place *p, unsigned int arg)
{
	return p->node == arg;
}

static int pick_llc(const struct cpu_place *p, unsigned int arg)
{
	return p->llc == arg;
}

void topology_print(const struct topology *t, FILE *out)
{
	char spec[TOPO_SPEC_MAX], list[1024];
	unsigned int n = topology_nr_cpus(t);

	topology_spec(t, spec, sizeof(spec));
	fprintf(out, "topology %s: %u CPUs, %u NUMA node%s, %u LLC%s, %u core%s per LLC, %u thread%s per core%s\n",
		spec, n, t->nodes, t->nodes == 1 ? "" : "s", t->llcs,
		t->llcs == 1 ? "" : "s", t->cores, t->cores == 1 ? "" : "s",
		t->threads, t->threads == 1 ? "" : "s",
		topology_is_uniform(t) ? "" : ", nodes of different sizes");
	for (unsigned int node = 0; node < t->nodes; node++) {
		topology_cpulist(t, pick_node, node, list, sizeof(list));
		fprintf(out, "node %u: cpus %s (%u LLC%s)\n", node, list,
			t->node_llcs[node], t->node_llcs[node] == 1 ? "" : "s");
		for (unsigned int llc = 0; llc < t->llcs; llc++) {
			struct cpu_place p = topology_place(t, llc * t->cores *
							    t->threads);

			if (p.node != node)
				continue;
			topology_cpulist(t, pick_llc, llc, list, sizeof(list));
			fprintf(out, "  llc %u: cpus %s\n", llc, list);
		}
	}
	fprintf(out, "cpu  node llc core thread\n");
	for (unsigned int cpu = 0; cpu < n; cpu++) {
		struct cpu_place p = topology_place(t, cpu);

		fprintf(out, "%-4u %-4u %-3u %-4u %u\n", cpu, p.node, p.llc,
			p.core, p.thread);
	}
}
