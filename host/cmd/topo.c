// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr topo SPEC: show the CPU, LLC and NUMA layout a spec yields.
 */
#include <stdio.h>

#include "util.h"
#include "cmd/cli.h"
#include "vm/topology.h"

int cmd_topo(int argc, const char **argv)
{
	struct poptOption table[] = { POPT_AUTOHELP POPT_TABLEEND };
	poptContext pc = poptGetContext("ktstr topo", argc, argv, table, 0);
	struct topology t;
	const char *spec;
	char err[300];
	int opt;

	poptSetOtherOptionHelp(pc, "SPEC");
	while ((opt = poptGetNextOpt(pc)) > 0)
		;
	if (opt < -1) {
		errmsg("topo: %s: %s", poptBadOption(pc, 0), poptStrerror(opt));
		return EXIT_USAGE;
	}
	spec = poptGetArg(pc);
	if (!spec || poptPeekArg(pc)) {
		errmsg("topo: expected exactly one SPEC, e.g. 'ktstr topo 2n4l2c2t'");
		poptFreeContext(pc);
		return EXIT_USAGE;
	}
	if (topology_parse(spec, &t, err, sizeof(err))) {
		errmsg("%s", err);
		poptFreeContext(pc);
		return EXIT_USAGE;
	}
	topology_print(&t, stdout);
	poptFreeContext(pc);
	return 0;
}
