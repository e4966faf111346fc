/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel flavours: the same source built with extra config on top of
 * selftests/config. "debug" turns on the kernel's own checkers (KASAN,
 * lockdep, UBSAN, kmemleak...) to prove ktstr.ko clean. A flavour is
 * cached beside the normal build under its own key and picked with
 * --kernel NAME.
 */
#ifndef KTSTR_HOST_KERNEL_FLAVOUR_H
#define KTSTR_HOST_KERNEL_FLAVOUR_H

#include <limits.h>
#include <stddef.h>

struct kernel_flavour {
	const char *name;	/* --flavour NAME, --kernel NAME */
	const char *fragment;	/* its file beside selftests/config, or NULL */
	const char *help;
};

/* The table, ended by a NULL name; the first entry is the default. */
extern const struct kernel_flavour kernel_flavours[];
#define KFLAVOUR_NORMAL	(&kernel_flavours[0])

const struct kernel_flavour *kflavour_find(const char *name);
/* "normal, debug": for messages. */
void kflavour_names(char *buf, size_t len);

/* The fragment files to merge, in order: the base, then the flavour's. */
struct kernel_fragments {
	char path[2][PATH_MAX];
	unsigned int n;
};
void kflavour_fragments(const struct kernel_flavour *f, const char *base,
			struct kernel_fragments *out);
/*
 * Every fragment's bytes, one after the other, for the cache key;
 * NULL with one line in @err if one cannot be read.
 */
char *kflavour_read(const struct kernel_fragments *fr, size_t *len,
		    char *err, size_t errlen);

#endif
