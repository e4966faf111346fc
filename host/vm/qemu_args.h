/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Turn a VM description into the QEMU command line.
 */
#ifndef KTSTR_HOST_QEMU_ARGS_H
#define KTSTR_HOST_QEMU_ARGS_H

#include <stdbool.h>

#include "strlist.h"
#include "linux/ktstr.h"	/* KTSTR_SYNC_PORT */
#include "vm/topology.h"

enum accel {
	ACCEL_AUTO,
	ACCEL_KVM,
	ACCEL_TCG,
};

#define VM_MIN_NODE_MB	64

struct vm_config {
	const char *qemu;	/* qemu-system-x86_64 */
	const char *kernel;	/* bzImage (or a PVH vmlinux) */
	const char *initrd;
	const char *append;	/* extra kernel command line, may be NULL */
	struct topology topo;
	unsigned int memory_mb;
	enum accel accel;	/* ACCEL_KVM or ACCEL_TCG, never AUTO here */
	const char *mem_dir;	/* directory for the guest RAM files */
	const char *ctl_sock;	/* host-listening socket for the agent port */
	const char *qmp_sock;	/* host-listening socket for QMP */
	const char *sync_sock;	/* host-listening socket for the debugcon port */
	bool interactive;	/* console on the user's terminal */
	bool verbose_console;	/* full kernel log, not quiet */
	const char *disk;	/* raw image for the virtio-blk disk, or NULL */
	unsigned long long disk_iops, disk_bps;	/* its throttle group; 0: none */
};

/*
 * The guest's disk: a sparse file in the run directory, seen by the guest
 * as a virtio-blk device with serial KTSTR_DISK_SERIAL.
 */
#define VM_DISK_MB		256

/*
 * Build argv (argv[0] = c->qemu). Returns 0, or -1 with one line in @err
 * (e.g. memory too small for the number of nodes).
 */
int qemu_build_args(const struct vm_config *c, struct strlist *argv,
		    char *err, size_t errlen);

#endif
