// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr topo NAME|SPEC: show the CPU, LLC and NUMA layout a preset or a
 * spec yields. ktstr topo --presets: the named topologies.
 */
#include <stdio.h>

#include "util.h"
#include "cmd/cli.h"
#include "vm/topo_presets.h"

int cmd_topo(int argc, const char **argv)
{
	int presets = 0;
	struct poptOption table[] = {
		{ "presets", 0, POPT_ARG_NONE, &presets, 0,
		  "list the named topologies: name, spec, CPUs, nodes, LLCs, SMT",
		  NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr topo", argc, argv, table, 0);
	int opt, status = EXIT_USAGE;
	struct topology t;
	const char *arg;
	char err[400];

	poptSetOtherOptionHelp(pc, "[--presets | NAME | SPEC]");
	while ((opt = poptGetNextOpt(pc)) > 0)
		;
	if (opt < -1) {
		errmsg("topo: %s: %s; see 'ktstr topo --help'",
		       poptBadOption(pc, 0), poptStrerror(opt));
		goto out;
	}
	arg = poptGetArg(pc);
	if (presets) {
		if (arg) {
			errmsg("topo: --presets takes no NAME or SPEC; give one or the other");
			goto out;
		}
		topo_presets_print(stdout);
		status = 0;
		goto out;
	}
	if (!arg || poptPeekArg(pc)) {
		errmsg("topo: expected exactly one preset NAME or SPEC, e.g. 'ktstr topo 2n4l2c2t' (names: 'ktstr topo --presets')");
		goto out;
	}
	if (topo_resolve(arg, &t, NULL, 0, err, sizeof(err))) {
		errmsg("%s", err);
		goto out;
	}
	topology_print(&t, stdout);
	status = 0;
out:
	poptFreeContext(pc);
	return status;
}
