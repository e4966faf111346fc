/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run one VM: build its initramfs, start QEMU, talk to the guest agent,
 * stream the job's output and clean everything up on every path.
 */
#ifndef KTSTR_HOST_VM_H
#define KTSTR_HOST_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "strlist.h"
#include "boot/initramfs.h"
#include "vm/qemu_args.h"

enum vm_outcome {
	VM_EXITED,		/* the job ran: exit_code or exit_signal */
	VM_SCHED_FAILED,	/* the scheduler never attached */
	VM_PANIC,		/* guest kernel panic */
	VM_TIMEOUT,		/* --timeout expired */
	VM_INTERRUPTED,		/* SIGINT/SIGTERM/SIGHUP to ktstr */
	VM_ERROR,		/* QEMU or the agent failed */
};

struct vm_job {
	const char *command;		/* shell command line, or NULL */
	const struct strlist *argv;	/* else a guest program's argv */
	const struct strlist *env;	/* "K=V" for the job */
	const char *sched_path;		/* guest path, or NULL */
	const struct strlist *sched_args;
	bool interactive;
	unsigned int attach_timeout_ms;
};

/* Receives the job's stdout (stream 1) and stderr (stream 2). */
typedef void (*vm_output_fn)(void *ctx, int stream, const char *buf,
			     size_t len);

struct vm_opts {
	struct vm_config cfg;	/* the paths vm_run creates are filled in */
	struct initramfs_spec rootfs;
	struct vm_job job;
	unsigned int timeout_s;	/* 0: none */
	const char *output_dir;	/* console.log etc.; may be NULL */
	int verbose;
	bool kvm_probe;		/* stop at the first sign of a KVM failure */
	unsigned int snapshots;	/* periodic captures */
	unsigned int snapshot_window_ms;	/* spread over this long */
	const char *vmlinux;	/* symbols for snapshots, or NULL */
	vm_output_fn output;	/* NULL: write to our stdout/stderr */
	void *output_ctx;
};

struct vm_result {
	enum vm_outcome outcome;
	int exit_code;
	int exit_signal;
	bool sched_died;	/* the scheduler exited during the job */
	bool sched_released;	/* a test took the scheduler over */
	char sched_ops[128];
	char detail[8192];	/* why, for every outcome but a clean exit */
	unsigned int snapshots_taken;
	uint64_t boot_ns;	/* QEMU start to agent HELLO */
	uint64_t total_ns;
};

int vm_run(const struct vm_opts *o, struct vm_result *r);

/* Block the signals vm_run watches; call once at start-up. */
void vm_signals_block(void);
/* The termination signal received so far (0 if none), without waiting. */
int vm_pending_signal(void);

#endif
