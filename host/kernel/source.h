/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A kernel source tree of the user's (a sched_ext or bpf-next checkout),
 * built out of tree into the kernel cache. Its key is its commit, a
 * digest of its uncommitted changes (git diff HEAD and the untracked
 * files git does not ignore) and the config fragment, so an edit builds
 * a new kernel and the same state reuses the old one.
 */
#ifndef KTSTR_HOST_KERNEL_SOURCE_H
#define KTSTR_HOST_KERNEL_SOURCE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* What the cache entry of a source build records about its tree. */
#define KERNEL_SOURCE_FILE	"source"

struct kernel_source {
	char dir[PATH_MAX];	/* absolute */
	char commit[41];
	bool dirty;		/* uncommitted changes */
	char key[200];		/* NAME-gCOMMIT12[-dirty][-FLAVOUR]-HASH16 */
};

/*
 * Identify the git work tree @dir for the fragment at @fragment_path
 * in @flavour.
 * 0, or -1 with one line in @err (not a kernel tree, not a git
 * repository, an in-tree build in the way).
 */
struct kernel_flavour;
int ksource_identify(const char *dir, const char *fragment_path,
		     const struct kernel_flavour *flavour,
		     struct kernel_source *s, char *err, size_t errlen);

#endif
