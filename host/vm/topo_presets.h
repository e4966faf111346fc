/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named topologies: the one table of shapes ktstr knows by name, from a
 * 2-CPU guest up to 252 vCPUs. --topology takes a name or a spec; the
 * gauntlet runs the default presets unless told which.
 */
#ifndef KTSTR_HOST_TOPO_PRESETS_H
#define KTSTR_HOST_TOPO_PRESETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vm/topology.h"

/* A preset name, or a spec standing for its own name. */
#define TOPO_NAME_MAX	TOPO_SPEC_MAX

struct topo_preset {
	const char *name;
	const char *spec;
	/* Too slow for the default set under TCG on a small host. */
	bool opt_in;
	const char *what;
};

/* The table, in order of size; @n gets its length. */
const struct topo_preset *topo_presets(size_t *n);
/* The preset named @name, or NULL. */
const struct topo_preset *topo_preset_find(const char *name);

/*
 * A preset name or a spec into @t, and into @name (its preset name, or
 * the spec in canonical form); @name may be NULL. 0, or -1 with one line
 * in @err.
 */
int topo_resolve(const char *arg, struct topology *t, char *name,
		 size_t namelen, char *err, size_t errlen);

/* One line per preset: name, spec, CPUs, nodes, LLCs, SMT, default. */
void topo_presets_print(FILE *out);

#endif
