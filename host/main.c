// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr: boot the kernel under test in a VM with a chosen CPU topology,
 * run a sched_ext scheduler and tests in it.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "cmd/cli.h"

static const struct {
	const char *name;
	int (*fn)(int argc, const char **argv);
	const char *help;
} commands[] = {
	{ "shell", cmd_shell, "boot a VM and run a command or a shell in it" },
	{ "run", cmd_run, "run test programs in VMs, print KTAP" },
	{ "list", cmd_list, "list the default suite's tests and subtests" },
	{ "gauntlet", cmd_gauntlet,
	  "run tests x topologies x schedulers, -j VMs at once" },
	{ "compare", cmd_compare,
	  "A/B: the same scenarios under two schedulers or kernels, compared" },
	{ "topo", cmd_topo, "show a topology's CPU layout, or the named presets" },
	{ "kernel", cmd_kernel, "build, list or locate the kernel under test" },
	{ "bench", cmd_bench, "measure boot time against a bare reference boot" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ktstr COMMAND [options]\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'ktstr COMMAND --help' lists a command's options.\n");
}

int main(int argc, const char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	/* Signals are taken through a signalfd so cleanup always runs. */
	vm_signals_block();
	/* A peer (QEMU, a pipe reader) going away is an error, not a death. */
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	errmsg("unknown command \"%s\"; expected shell, run, list, gauntlet, compare, topo, kernel or bench (see 'ktstr --help')",
	       argv[1]);
	return EXIT_USAGE;
}
