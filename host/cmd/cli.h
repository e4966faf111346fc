/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ktstr command line: one function per subcommand, and the VM options
 * they share.
 */
#ifndef KTSTR_HOST_CLI_H
#define KTSTR_HOST_CLI_H

#include <popt.h>

#include "strlist.h"
#include "kernel/cache.h"
#include "paths.h"
#include "vm/topo_presets.h"
#include "vm/vm.h"

/* Exit statuses of ktstr itself (shell passes the guest's through). */
#define EXIT_USAGE	2	/* bad input: nothing was started */
#define EXIT_TIMEOUT	124	/* --timeout expired */
#define EXIT_VM_FAILED	125	/* QEMU, the guest kernel or the scheduler failed */

struct vm_cli {
	char *kernel;
	char *topology;		/* the last --topology */
	char *accel;
	char *scheduler;	/* the last --scheduler */
	char *sched_args;
	char *output_dir;
	int memory_mb;
	int timeout_s;
	int verbose;
	int snapshots;
	double snapshot_window_s;
	double watchdog_s;
	double hang_timeout_s;	/* < 0: the default for the accel */
	int no_kmod;		/* --no-kmod */
	char *expect;		/* --expect VERDICT, or NULL */
	double disk_iops, disk_bps;	/* the disk's throttle; 0: none */
	struct strlist includes;
	/* Every --topology, --scheduler and --kernel, in order (ktstr gauntlet). */
	struct strlist topologies, schedulers, kernels;
};

extern struct vm_cli vm_cli;
extern struct poptOption vm_cli_options[];
/* popt value for --include, handled by vm_cli_take(). */
#define VM_CLI_INCLUDE	0x1001
#define VM_CLI_TOPOLOGY	0x1002
#define VM_CLI_SCHEDULER	0x1003
#define VM_CLI_KERNEL	0x1004

/* --scheduler's name for the kernel's own scheduler: no sched_ext one. */
#define SCHED_KERNEL_DEFAULT	"eevdf"

/* Handle an option value from the shared table; false if not ours. */
bool vm_cli_take(poptContext pc, int opt);

/* A resolved --scheduler. */
struct sched_pick {
	char host[PATH_MAX];	/* its binary; "" for SCHED_KERNEL_DEFAULT */
	char guest[PATH_MAX];	/* where the guest finds it */
	char name[NAME_MAX + 1];	/* eevdf, scx_simple, a path's file name */
};

/* Everything resolved from the VM options, ready for vm_run(). */
struct vm_setup {
	struct ktstr_paths paths;
	struct kernel_pick kernel;
	char kmod[PATH_MAX];		/* ktstr.ko built for this kernel's entry */
	struct sched_pick sched;
	const char *sched_name;	/* sched.name, NULL for the kernel's own */
	char topo_name[TOPO_NAME_MAX];	/* a preset's name, or the spec */
	struct strlist sched_args;
	struct strlist env;
	char vmlinux[PATH_MAX];
	struct vm_opts opts;
};

/*
 * Validate the VM options and fill @s. Prints one line and returns
 * EXIT_USAGE on bad input, 0 on success.
 */
int vm_cli_resolve(struct vm_setup *s, bool interactive);
/*
 * Resolve a --scheduler value against @s's kernel: a name, a path or
 * SCHED_KERNEL_DEFAULT. 0, or -1 with one line in @err.
 */
int vm_sched_pick(const struct vm_setup *s, const char *arg,
		  struct sched_pick *p, char *err, size_t errlen);
/* --memory is enough for @t's nodes. 0, or -1 with one line in @err. */
int vm_cli_check_memory(const struct topology *t, char *err, size_t errlen);
/*
 * Boot the topology @t named @name, with the scheduler @p: the VM
 * options and the job's environment follow. 0, or -1 without memory.
 */
int vm_setup_use(struct vm_setup *s, const struct topology *t,
		 const char *name, const struct sched_pick *p);
void vm_setup_free(struct vm_setup *s);
/* The one-line (or paragraph) report of a failed VM, and its exit status. */
int vm_report_failure(const struct vm_result *r);
/*
 * With --expect VERDICT: 1 if @r ended with it, 0 if not; -1 without
 * --expect.
 */
int vm_cli_expected(const struct vm_result *r);
int exit_for_signal(int sig);

int cmd_shell(int argc, const char **argv);
int cmd_run(int argc, const char **argv);
int cmd_list(int argc, const char **argv);
int cmd_gauntlet(int argc, const char **argv);
int cmd_compare(int argc, const char **argv);
int cmd_topo(int argc, const char **argv);
int cmd_kernel(int argc, const char **argv);
int cmd_bench(int argc, const char **argv);

#endif
