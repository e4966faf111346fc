// SPDX-License-Identifier: GPL-2.0
/*
 * The named topologies: see topo_presets.h. Each shape is there for what
 * it makes a scheduler face; the default set (not opt_in) boots in
 * seconds under TCG and between them meets every need a test declares
 * (SMT, 2+ LLCs, 2+ nodes, 4+ CPUs, nodes of different sizes).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "vm/topo_presets.h"

static const struct topo_preset presets[] = {
	{ "tiny", "1n1l2c1t", false, "the smallest guest: 2 CPUs, one LLC" },
	{ "smt", "1n1l2c2t", false, "2 cores of 2 SMT threads" },
	{ "llcs", "1n2l2c1t", false, "2 LLCs in one node" },
	{ "numa2", "2n2l2c1t", false, "2 NUMA nodes, an LLC each" },
	{ "numa4", "4n4l1c2t", false, "4 NUMA nodes, an SMT core each" },
	{ "asym", "2n3+1l2c1t", false,
	  "nodes of different sizes: 3 LLCs on node 0, 1 on node 1" },
	{ "wide", "2n4l4c2t", true, "32 CPUs: 2 nodes, 4 LLCs, SMT" },
	/* 63 SMT cores pad to 128 APIC IDs a socket: the last is 253. */
	{ "large", "2n2l63c2t", true,
	  "252 vCPUs, the most QEMU boots without x2APIC: 2 nodes of 63 SMT cores" },
};

const struct topo_preset *topo_presets(size_t *n)
{
	*n = ARRAY_SIZE(presets);
	return presets;
}

const struct topo_preset *topo_preset_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(presets); i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

int topo_resolve(const char *arg, struct topology *t, char *name,
		 size_t namelen, char *err, size_t errlen)
{
	const struct topo_preset *p = topo_preset_find(arg);
	char spec[TOPO_SPEC_MAX];

	if (p) {
		/* The table is checked by the unit tests: this cannot fail. */
		if (topology_parse(p->spec, t, err, errlen))
			return -1;
		if (name)
			snprintf(name, namelen, "%s", p->name);
		return 0;
	}
	/* A word that is not a spec is a preset name we do not know. */
	if (arg[0] && !isdigit((unsigned char)arg[0])) {
		snprintf(err, errlen,
			 "unknown topology \"%s\": expected a preset name (see 'ktstr topo --presets') or a spec NnLlCcTt, e.g. 2n4l2c2t",
			 arg);
		return -1;
	}
	if (topology_parse(arg, t, err, errlen))
		return -1;
	if (name) {
		topology_spec(t, spec, sizeof(spec));
		snprintf(name, namelen, "%s", spec);
	}
	return 0;
}

void topo_presets_print(FILE *out)
{
	fprintf(out, "%-8s %-12s %5s %5s %5s %4s  %-8s %s\n", "name", "spec",
		"cpus", "nodes", "llcs", "smt", "set", "what");
	for (size_t i = 0; i < ARRAY_SIZE(presets); i++) {
		const struct topo_preset *p = &presets[i];
		struct topology t;
		char err[300];

		if (topology_parse(p->spec, &t, err, sizeof(err)))
			continue;
		fprintf(out, "%-8s %-12s %5u %5u %5u %4s  %-8s %s\n", p->name,
			p->spec, topology_nr_cpus(&t), t.nodes, t.llcs,
			t.threads > 1 ? "yes" : "no",
			p->opt_in ? "opt-in" : "default", p->what);
	}
}
