// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr kernel build|list|path: the cached kernels under test.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "cmd/cli.h"
#include "kernel/build.h"
#include "kernel/cache.h"

int cmd_kernel(int argc, const char **argv)
{
	int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN) + 1, verbose = 0;
	struct poptOption table[] = {
		{ "jobs", 'j', POPT_ARG_INT, &jobs, 0, "parallel make jobs",
		  "N" },
		{ "verbose", 'v', POPT_ARG_NONE, &verbose, 0,
		  "stream the build output", NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr kernel", argc, argv, table, 0);
	struct ktstr_paths paths;
	struct kernel_pick k;
	const char *what;
	char err[1024];
	int opt, r = EXIT_USAGE;

	poptSetOtherOptionHelp(pc, "build|list|path");
	while ((opt = poptGetNextOpt(pc)) > 0)
		;
	if (opt < -1) {
		errmsg("kernel: %s: %s", poptBadOption(pc, 0),
		       poptStrerror(opt));
		goto out;
	}
	what = poptGetArg(pc);
	if (!what || poptPeekArg(pc)) {
		errmsg("kernel: expected one of build, list, path");
		goto out;
	}
	if (jobs < 1 || jobs > 256) {
		errmsg("kernel: bad --jobs %d: expected 1 to 256", jobs);
		goto out;
	}
	if (paths_init(&paths, err, sizeof(err))) {
		errmsg("%s", err);
		goto out;
	}
	if (!strcmp(what, "build")) {
		struct kernel_build_opts o = {
			.fragment = paths.fragment,
			.jobs = (unsigned int)jobs,
			.verbose = verbose,
		};

		r = kernel_build(&o) ? 1 : 0;
	} else if (!strcmp(what, "list")) {
		r = kcache_list(stdout);
	} else if (!strcmp(what, "path")) {
		/* The build tree of the current kernel, for Kbuild (make kmod). */
		if (kernel_pick(NULL, paths.fragment, &k, err, sizeof(err))) {
			errmsg("%s", err);
			r = 1;
		} else {
			printf("%s\n", k.tree);
			r = 0;
		}
	} else {
		errmsg("kernel: unknown action \"%s\"; expected build, list or path",
		       what);
	}
out:
	poptFreeContext(pc);
	return r;
}
