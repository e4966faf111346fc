/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr.ko for a cached kernel other than the one `make kmod` built it
 * for (a debug flavour, a --source tree): built by Kbuild against that
 * entry's tree into the entry (ktstr-kmod/), and built again when its
 * sources are newer than the module.
 */
#ifndef KTSTR_HOST_KERNEL_KMOD_H
#define KTSTR_HOST_KERNEL_KMOD_H

#include <stddef.h>

#define KMOD_ENTRY_DIR	"ktstr-kmod"

/*
 * The module for the cache entry whose build tree is @tree, from the
 * sources under @root (the ktstr source tree: kmod/, uapi/). Writes its
 * path to @out and returns 0; returns 1 when there is nothing to build
 * from (@tree is not a cache entry, or no sources: an installed ktstr);
 * -1 with one line in @err when the build failed.
 */
int kmod_for_entry(const char *root, const char *tree, char *out, size_t len,
		   char *err, size_t errlen);

/*
 * The module for the kernel whose build tree is @tree ("" for a bare
 * image): the one `make kmod` built when it was built for @tree, else the
 * cache entry's (kmod_for_entry). 0 with its path in @out, 1 when there
 * is none, -1 with one line in @err when building it failed.
 */
struct ktstr_paths;
int kmod_pick(const struct ktstr_paths *p, const char *tree, char *out,
	      size_t len, char *err, size_t errlen);

#endif
