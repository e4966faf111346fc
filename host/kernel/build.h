/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `ktstr kernel build`: build Linux from Debian's linux-source-6.12 (or,
 * out of tree, from a user's git tree: source.h) with tinyconfig + our
 * fragment, verify the fragment survived olddefconfig, build the example
 * sched_ext schedulers, and store it all in the cache.
 */
#ifndef KTSTR_HOST_KERNEL_BUILD_H
#define KTSTR_HOST_KERNEL_BUILD_H

#include <stddef.h>

struct kernel_flavour;

struct kernel_build_opts {
	const char *fragment;	/* config fragment path */
	const struct kernel_flavour *flavour;	/* kernel/flavour.h */
	const char *source;	/* a user's git tree (source.h), or NULL: Debian's */
	unsigned int jobs;	/* make -j */
	int verbose;		/* stream the build output */
};

/* Returns 0 when the entry is complete (built now or before). */
int kernel_build(const struct kernel_build_opts *o);

/*
 * Compare a fragment with a .config: append to @missing every fragment
 * line whose setting did not survive. Returns the number missing, or -1
 * if a file cannot be read.
 */
struct strlist;
int kconfig_verify(const char *fragment, const char *config,
		   struct strlist *missing);

#endif
