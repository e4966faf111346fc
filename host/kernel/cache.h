/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel cache: ${XDG_CACHE_HOME:-~/.cache}/ktstr/kernels/<key>/, one
 * build tree per key. key = "<source version>-<hash>", where the hash is
 * SHA-256 over the build recipe version and the config fragment, so a new
 * Debian source upload or a fragment change builds a new kernel and an
 * unchanged one is reused.
 */
#ifndef KTSTR_HOST_KERNEL_CACHE_H
#define KTSTR_HOST_KERNEL_CACHE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define KERNEL_SOURCE_PKG	"linux-source-6.12"
#define KERNEL_SOURCE_TARBALL	"/usr/src/linux-source-6.12.tar.xz"
#define KERNEL_RECIPE		"ktstr-kernel-recipe-1\n"
#define KERNEL_COMPLETE_STAMP	".complete"

/* The example schedulers built with every kernel. */
extern const char *const kernel_example_scheds[];

/* Build the key from a source version and the fragment's bytes. */
void kcache_key(const char *version, const void *fragment, size_t len,
		char *key, size_t keylen);
/* The installed source package's version, e.g. "6.12.117-1~deb12u1". */
int kcache_source_version(char *buf, size_t len, char *err, size_t errlen);
/*
 * Key of the kernel the current source + @fragment_path would build in
 * @flavour (kernel/flavour.h).
 */
struct kernel_flavour;
int kcache_current_key(const char *fragment_path,
		       const struct kernel_flavour *flavour, char *key,
		       size_t keylen, char *err, size_t errlen);
/* Directory of the cache entry for @key. */
void kcache_entry_dir(const char *key, char *buf, size_t len);
bool kcache_entry_complete(const char *key);
/*
 * Lock the entry for @key: exclusive to build it, shared to wait for a
 * build in progress. Says so on stderr when it has to wait. Returns the
 * lock's fd (close it to unlock), or -1 after printing why.
 */
int kcache_lock(const char *key, bool exclusive);
/* Print every entry: key, state, size of the image, schedulers. */
int kcache_list(FILE *out);

/* A kernel to boot, resolved from --kernel or the cache. */
struct kernel_pick {
	char image[PATH_MAX];	/* what QEMU boots */
	char tree[PATH_MAX];	/* build tree, or "" */
};

/*
 * Resolve --kernel @arg (a build tree, a bzImage, a vmlinux, a cache
 * entry's name or a flavour's name: the current source's build in that
 * flavour), or the current cache entry when @arg is NULL.
 */
int kernel_pick(const char *arg, const char *fragment_path,
		struct kernel_pick *k, char *err, size_t errlen);
/*
 * Resolve --scheduler: a path, an example built in @k's tree, or one of
 * ktstr's own schedulers in @own_dir (scx_fault).
 */
int kernel_sched_path(const struct kernel_pick *k, const char *own_dir,
		      const char *name, char *buf, size_t len, char *err,
		      size_t errlen);

#endif
