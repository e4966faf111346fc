/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU topology specs: "NnLlCcTt" = N NUMA nodes, L last-level caches in
 * total, C cores per LLC, T threads per core. "2n4l2c2t" is 16 CPUs.
 * An asymmetric shape gives each node's LLC count, joined by '+':
 * "2n3+1l2c1t" is node 0 with 3 LLCs and node 1 with 1 (8 CPUs).
 *
 * Each LLC becomes one QEMU socket (QEMU gives every socket its own L3),
 * and each node gets its consecutive run of sockets.
 */
#ifndef KTSTR_HOST_TOPOLOGY_H
#define KTSTR_HOST_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TOPO_MAX_CPUS	252
/* QEMU's MAX_NODES. */
#define TOPO_MAX_NODES	128
/* Room for any spec topology_spec() writes, "+" lists included. */
#define TOPO_SPEC_MAX	(TOPO_MAX_NODES * 4 + 32)

struct topology {
	unsigned int nodes;
	unsigned int llcs;	/* in total, not per node */
	unsigned int cores;	/* per LLC */
	unsigned int threads;	/* per core */
	/* LLCs of each node, in node order; all equal unless asymmetric. */
	unsigned int node_llcs[TOPO_MAX_NODES];
};

struct cpu_place {
	unsigned int node, llc, core, thread;
};

/* Parse @spec; on error fill @err with one line and return -1. */
int topology_parse(const char *spec, struct topology *t, char *err,
		   size_t errlen);
unsigned int topology_nr_cpus(const struct topology *t);
/* Every node holds as many LLCs as every other. */
bool topology_is_uniform(const struct topology *t);
/* The node LLC (socket) @llc belongs to. */
unsigned int topology_llc_node(const struct topology *t, unsigned int llc);
/* Where CPU @cpu sits; CPUs are numbered thread-fastest, then core, LLC. */
struct cpu_place topology_place(const struct topology *t, unsigned int cpu);
/*
 * The highest x86 APIC ID QEMU gives @t's CPUs: each field (thread, core,
 * socket) padded to a power of two. Above TOPO_MAX_XAPIC_ID QEMU wants
 * x2APIC with KVM's irqchip, which TCG does not have.
 */
#define TOPO_MAX_XAPIC_ID	254u
unsigned int topology_max_apic_id(const struct topology *t);
/* Format the spec back ("2n4l2c2t", "2n3+1l2c1t"). */
void topology_spec(const struct topology *t, char *buf, size_t len);
/*
 * Format a CPU list ("0-3,8-11") of the CPUs for which @pick returns
 * true, as the kernel prints them in sysfs.
 */
void topology_cpulist(const struct topology *t,
		      int (*pick)(const struct cpu_place *p, unsigned int arg),
		      unsigned int arg, char *buf, size_t len);
/* Print the layout, as `ktstr topo` shows it. */
void topology_print(const struct topology *t, FILE *out);

#endif
