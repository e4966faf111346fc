// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr kernel build|list|path|kmod [--source DIR] [--flavour NAME]: the cached
 * kernels under test, built from Debian's source or from a user's git
 * tree, normal or with the kernel's debug checkers (kernel/flavour.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "cmd/cli.h"
#include "kernel/build.h"
#include "kernel/cache.h"
#include "kernel/flavour.h"
#include "kernel/kmod.h"
#include "kernel/source.h"

int cmd_kernel(int argc, const char **argv)
{
	int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN) + 1, verbose = 0;
	char *source = NULL, *flavour_name = NULL;
	const struct kernel_flavour *flavour = KFLAVOUR_NORMAL;
	struct poptOption table[] = {
		{ "flavour", 0, POPT_ARG_STRING, &flavour_name, 0,
		  "normal (default) or debug: KASAN, KFENCE, lockdep, UBSAN, DEBUG_LIST, debug objects, kmemleak on top; cached beside, boot it with --kernel debug",
		  "NAME" },
		{ "source", 0, POPT_ARG_STRING, &source, 0,
		  "build this kernel git tree out of tree instead of Debian's linux-source-6.12",
		  "DIR" },
		{ "jobs", 'j', POPT_ARG_INT, &jobs, 0, "parallel make jobs",
		  "N" },
		{ "verbose", 'v', POPT_ARG_NONE, &verbose, 0,
		  "stream the build output", NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr kernel", argc, argv, table, 0);
	struct ktstr_paths paths;
	struct kernel_source ks;
	struct kernel_pick k;
	const char *what;
	char err[1024];
	int opt, r = EXIT_USAGE;

	poptSetOtherOptionHelp(pc, "build|list|path|kmod");
	while ((opt = poptGetNextOpt(pc)) > 0)
		;
	if (opt < -1) {
		errmsg("kernel: %s: %s", poptBadOption(pc, 0),
		       poptStrerror(opt));
		goto out;
	}
	what = poptGetArg(pc);
	if (!what || poptPeekArg(pc)) {
		errmsg("kernel: expected one of build, list, path, kmod");
		goto out;
	}
	if (jobs < 1 || jobs > 256) {
		errmsg("kernel: bad --jobs %d: expected 1 to 256", jobs);
		goto out;
	}
	if (flavour_name) {
		flavour = kflavour_find(flavour_name);
		if (!flavour) {
			char names[128];

			kflavour_names(names, sizeof(names));
			errmsg("kernel: unknown --flavour \"%s\"; expected one of %s",
			       flavour_name, names);
			goto out;
		}
		if (!strcmp(what, "list")) {
			errmsg("kernel: --flavour goes with build or path; list shows every entry");
			goto out;
		}
	}
	if (paths_init(&paths, err, sizeof(err))) {
		errmsg("%s", err);
		goto out;
	}
	if (source && !strcmp(what, "list")) {
		errmsg("kernel: --source goes with build or path; list shows every entry");
		goto out;
	}
	/* A tree that cannot be built is bad input: say so before anything starts. */
	if (source && !strcmp(what, "build") &&
	    ksource_identify(source, paths.fragment, flavour, &ks, err,
			     sizeof(err))) {
		errmsg("%s", err);
		goto out;
	}
	if (!strcmp(what, "build")) {
		struct kernel_build_opts o = {
			.fragment = paths.fragment,
			.flavour = flavour,
			.source = source,
			.jobs = (unsigned int)jobs,
			.verbose = verbose,
		};

		r = kernel_build(&o) ? 1 : 0;
	} else if (!strcmp(what, "list")) {
		r = kcache_list(stdout);
	} else if (!strcmp(what, "path") || !strcmp(what, "kmod")) {
		/* The build tree of the current kernel, for Kbuild (make kmod). */
		if (source && ksource_identify(source, paths.fragment, flavour,
					       &ks, err, sizeof(err))) {
			errmsg("%s", err);
			r = EXIT_USAGE;
		} else if (source && !kcache_entry_complete(ks.key)) {
			errmsg("kernel: %s at %.12s%s is not built; run 'ktstr kernel build --source %s'",
			       ks.dir, ks.commit, ks.dirty ? " with changes" : "",
			       source);
			r = 1;
		} else if (kernel_pick(source ? ks.key :
				       flavour == KFLAVOUR_NORMAL ? NULL :
				       flavour->name, paths.fragment, &k, err,
				       sizeof(err))) {
			errmsg("%s", err);
			r = 1;
		} else if (!strcmp(what, "path")) {
			printf("%s\n", k.tree);
			r = 0;
		} else {
			/* ktstr.ko for that kernel, built now if need be. */
			char ko[PATH_MAX];
			int m = kmod_pick(&paths, k.tree, ko, sizeof(ko), err,
					  sizeof(err));

			if (m < 0)
				errmsg("%s", err);
			else if (m > 0)
				errmsg("kernel: no ktstr.ko for %s: run 'make kmod' in the ktstr tree",
				       k.tree);
			else
				printf("%s\n", ko);
			r = m ? 1 : 0;
		}
	} else {
		errmsg("kernel: unknown action \"%s\"; expected build, list, path or kmod",
		       what);
	}
out:
	free(source);
	free(flavour_name);
	poptFreeContext(pc);
	return r;
}
