/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assemble the guest's initramfs: the agent as /init, a static busybox for
 * the shell and tools, the scheduler, test programs and --include files,
 * each with the shared libraries it needs.
 */
#ifndef KTSTR_HOST_INITRAMFS_H
#define KTSTR_HOST_INITRAMFS_H

#include <stddef.h>

#include "strlist.h"

/* Where things land in the guest. */
#define GUEST_SCHED_DIR		"/sched"
#define GUEST_PROG_DIR		"/ktstr/bin"
#define GUEST_INCLUDE_DIR	"/include"
#define GUEST_KMOD_PATH		"/lib/modules/ktstr.ko"
#define GUEST_CTL_PATH		"/usr/bin/ktstr-ctl"
#define GUEST_TREE_DIR		"/kselftest"

struct initramfs_spec {
	const char *init;		/* host path of /init */
	const char *busybox;		/* static busybox, or NULL */
	const char *scheduler;		/* or NULL */
	const struct strlist *programs;	/* may be NULL */
	const struct strlist *includes;	/* may be NULL */
	const char *kmod;		/* ktstr.ko, or NULL */
	const char *ctl;		/* ktstr-ctl, or NULL */
	/* A host directory copied whole to GUEST_TREE_DIR, or NULL. */
	const char *tree;
};

int initramfs_build(const struct initramfs_spec *s, const char *out,
		    char *err, size_t errlen);

/* "/dir/" + basename(host_path) into @buf. */
void initramfs_guest_path(const char *dir, const char *host_path, char *buf,
			  size_t len);

#endif
