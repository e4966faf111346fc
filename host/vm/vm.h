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

/*
 * How a run ended: the one list of verdicts. Each row: the name KTAP
 * lines, JSON reports and messages use; the exit status of `ktstr shell`
 * (a job that ran exits with its own status, an interrupted run with 128
 * + the signal); whether it is a failure of the scheduler or kernel under
 * test (a BUG SUMMARY is printed); whether the guest still powers off by
 * itself after it (else the VM is stopped at once).
 */
#define VM_OUTCOMES(X)							\
	/* the job ran: exit_code or exit_signal */			\
	X(VM_EXITED,		"exited",		0,   false, true)	\
	/* the scheduler never attached */				\
	X(VM_SCHED_FAILED,	"sched-attach-failed",	125, false, true)	\
	/* sched_ext disabled it with an error (SCX_EXIT_ERROR*) */	\
	X(VM_SCHED_ERROR,	"sched-error",		120, true,  false)	\
	/* it went away cleanly while the test still needed it */	\
	X(VM_SCHED_UNREG,	"sched-unregistered",	121, true,  false)	\
	/* its process died by a signal or exited non-zero */		\
	X(VM_SCHED_KILLED,	"sched-killed",		122, true,  false)	\
	/* BUG, Oops, WARNING on the console during the job */		\
	X(VM_KERNEL_OOPS,	"kernel-oops",		117, true,  false)	\
	X(VM_PANIC,		"kernel-panic",		118, true,  false)	\
	/* soft or hard lockup, RCU stall, hung task */			\
	X(VM_LOCKUP,		"lockup",		119, true,  false)	\
	/* the agent's heartbeats stopped for --hang-timeout */		\
	X(VM_GUEST_HUNG,	"guest-hung",		123, true,  false)	\
	X(VM_TIMEOUT,		"timeout",		124, false, false)	\
	/* SIGINT, SIGTERM or SIGHUP to ktstr */			\
	X(VM_INTERRUPTED,	"interrupted",		130, false, false)	\
	/* QEMU or the agent failed */					\
	X(VM_ERROR,		"vm-error",		125, false, true)

#define VM_OUTCOME_ENUM(e, name, status, failure, finishes) e,
enum vm_outcome { VM_OUTCOMES(VM_OUTCOME_ENUM) VM_OUTCOME_NR };
#undef VM_OUTCOME_ENUM

const char *vm_outcome_name(enum vm_outcome o);
/* The outcome named @name, or -1. */
int vm_outcome_parse(const char *name);
int vm_outcome_status(enum vm_outcome o);
/* A verdict about the scheduler or the kernel under test, not ktstr. */
bool vm_outcome_is_failure_of_test(enum vm_outcome o);
/* The guest powers off by itself after this outcome: wait for it. */
bool vm_outcome_guest_finishes(enum vm_outcome o);

struct vm_job {
	const char *command;		/* shell command line, or NULL */
	const struct strlist *argv;	/* else a guest program's argv */
	const struct strlist *env;	/* "K=V" for the job */
	const char *sched_path;		/* guest path, or NULL */
	const struct strlist *sched_args;
	bool interactive;
	unsigned int attach_timeout_ms;
	int watchdog_ms;	/* -1: VM_WATCHDOG_*_MS for the accel; 0: the kernel's */
};

/*
 * sched_ext's stall watchdog, lowered so a stall is caught in seconds.
 * Far above the longest wait of a healthy run (scripts/healthy-matrix.sh);
 * TCG is about 30 times slower than KVM.
 */
#define VM_WATCHDOG_TCG_MS	20000
#define VM_WATCHDOG_KVM_MS	10000
/*
 * How long the agent may stay silent before the guest is called hung:
 * past sched_ext's watchdog, so a stall is reported as the scheduler's
 * error, not as a hang.
 */
#define VM_HANG_MARGIN_MS	10000

/* Receives the job's stdout (stream 1) and stderr (stream 2). */
typedef void (*vm_output_fn)(void *ctx, int stream, const char *buf,
			     size_t len);

struct vm_opts {
	struct vm_config cfg;	/* the paths vm_run creates are filled in */
	struct initramfs_spec rootfs;
	struct vm_job job;
	unsigned int timeout_s;	/* 0: none */
	int hang_timeout_ms;	/* -1: the watchdog + VM_HANG_MARGIN_MS; 0: off */
	const char *output_dir;	/* console.log etc.; may be NULL */
	int verbose;
	bool kvm_probe;		/* stop at the first sign of a KVM failure */
	unsigned int snapshots;	/* periodic captures */
	unsigned int snapshot_window_ms;	/* spread over this long */
	const char *vmlinux;	/* symbols for snapshots, or NULL */
	vm_output_fn output;	/* NULL: write to our stdout/stderr */
	void *output_ctx;
	/* The step the job is in, for the failure report (NULL, or ""). */
	const char *(*step)(void *output_ctx);
};

/*
 * The watchdog the agent sets after each attach, 0 to leave the kernel's.
 * *exact: it also replaces a scheduler's own shorter timeout_ms. That is
 * so for a --watchdog the user gave, and under TCG, where a timeout_ms
 * chosen for real hardware fires on a healthy scheduler: the guest does
 * about 30 times less per second.
 */
int vm_watchdog_ms(const struct vm_opts *o, bool *exact);

struct vm_result {
	enum vm_outcome outcome;
	int exit_code;
	int exit_signal;
	bool sched_released;	/* a test took the scheduler over */
	char sched_ops[128];
	char step[128];		/* the job's step at a failure verdict, or "" */
	char detail[8192];	/* why, for every outcome but a clean exit */
	char report[4200];	/* failure report JSON written, or "" */
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
