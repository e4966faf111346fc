// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr shell [VM options] [--exec CMD]: boot, run CMD (or an interactive
 * shell on the console), exit with its status.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"
#include "cmd/cli.h"
#include "vm/accel.h"

int cmd_shell(int argc, const char **argv)
{
	char *exec = NULL;
	struct poptOption table[] = {
		{ "exec", 'e', POPT_ARG_STRING, &exec, 0,
		  "run this shell command in the guest and exit with its status",
		  "CMD" },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, vm_cli_options, 0,
		  "VM options:", NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr shell", argc, argv, table, 0);
	struct vm_setup s;
	struct vm_result *r;
	bool interactive;
	int opt, status;

	while ((opt = poptGetNextOpt(pc)) > 0)
		if (!vm_cli_take(pc, opt))
			break;
	if (opt < -1) {
		errmsg("shell: %s: %s; see 'ktstr shell --help'",
		       poptBadOption(pc, 0), poptStrerror(opt));
		return EXIT_USAGE;
	}
	if (poptPeekArg(pc)) {
		errmsg("shell: unexpected argument \"%s\"; to run a command use --exec CMD",
		       poptPeekArg(pc));
		return EXIT_USAGE;
	}
	interactive = !exec;
	if (interactive && !(isatty(0) && isatty(1))) {
		errmsg("shell: no --exec and no terminal for an interactive shell; pass --exec CMD");
		return EXIT_USAGE;
	}
	status = vm_cli_resolve(&s, interactive);
	if (status)
		return status;
	s.opts.job.command = exec;
	vm_choose_accel(&s.opts);
	r = calloc(1, sizeof(*r));
	if (!r)
		return EXIT_VM_FAILED;
	vm_run(&s.opts, r);
	if (vm_cli.verbose)
		errmsg("agent ready after %.2f s, VM ran %.2f s", r->boot_ns / 1e9,
		       r->total_ns / 1e9);
	status = vm_report_failure(r);
	free(r);
	vm_setup_free(&s);
	poptFreeContext(pc);
	return status;
}
