/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A writer for the kernel's initramfs format: cpio "newc" (070701).
 *
 * Entries are streamed to a file in the order they are added. Parent
 * directories of every entry are created implicitly (mode 0755) the first
 * time they are needed; adding a directory that already exists is a
 * no-op; adding a second, different entry with a name already written
 * fails.
 */
#ifndef KTSTR_HOST_CPIO_H
#define KTSTR_HOST_CPIO_H

#include <stddef.h>
#include <sys/types.h>

struct cpio_writer;

/* Create @path (truncating it). NULL with errno set on failure. */
struct cpio_writer *cpio_create(const char *path);

/* Names are archive paths without a leading '/', e.g. "bin/sh". */
int cpio_add_dir(struct cpio_writer *w, const char *name, mode_t perm);
int cpio_add_data(struct cpio_writer *w, const char *name, mode_t perm,
		  const void *data, size_t len);
/*
 * Copy the host file @src (symlinks followed) as a regular file. perm 0
 * keeps the source's permission bits.
 */
int cpio_add_file(struct cpio_writer *w, const char *name, mode_t perm,
		  const char *src);
int cpio_add_symlink(struct cpio_writer *w, const char *name,
		     const char *target);
int cpio_add_chardev(struct cpio_writer *w, const char *name, mode_t perm,
		     unsigned int major, unsigned int minor);
/* True when an entry of that name has already been written. */
int cpio_has(const struct cpio_writer *w, const char *name);

/* Write the trailer, flush and close. Returns 0, or -1 on any earlier or final error. */
int cpio_finish(struct cpio_writer *w);
/* Close without a trailer (on an error path) and free. */
void cpio_abort(struct cpio_writer *w);

#endif
