// SPDX-License-Identifier: GPL-2.0
/*
 * Catch a sched_ext error exit before the scheduler is torn down.
 *
 * On an error exit sched_ext records the exit, then its irq_work writes
 * the debug dump line by line through the sched_ext_dump tracepoint, and
 * only after that queues the work that disables the scheduler. The first
 * dump line ("<comm>[<pid>] triggered exit kind <n>:") is the earliest
 * moment every scheduler structure is still intact, so the probe on that
 * tracepoint asks the host for a capture right there: it writes the tag
 * KTSTR_SYNC_TAG_SCHED_ERROR on the sync port and spins, interrupts off, until the
 * host has frozen the VM, captured it and released us with an NMI (see
 * ktstr_sync.c). Without a host (no relay attached) it does nothing.
 *
 * Every dump line is also printed, deferred and bounded, as
 * "ktstr: scx-dump: <line>", which the host collects from the console as
 * the kernel's debug dump. The dump lock serializes the probe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/printk.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

#include "ktstr.h"

#define KTSTR_SCX_DUMP_TP	"sched_ext_dump"

static struct tracepoint *ktstr_scx_dump_tp;

/* Bytes of dump lines printed for the current dump; reset at its header. */
static size_t ktstr_scx_dump_printed;

/*
 * printk_deferred() for a module: store the line now, leave the console
 * to printk's irq_work. The probe runs under sched_ext's dump lock and,
 * for the per-CPU lines, a runqueue lock: flushing the console here could
 * wake a console_lock() waiter and take a runqueue lock again.
 */
static __printf(1, 2) void ktstr_printk_deferred(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vprintk_emit(0, LOGLEVEL_SCHED, NULL, fmt, args);
	va_end(args);
}

/* sched_ext formats the first dump line from current: check it exactly. */
static bool ktstr_scx_dump_header(const char *line)
{
	char head[TASK_COMM_LEN + 48];

	snprintf(head, sizeof(head), "%s[%d]" KTSTR_SCX_DUMP_HEADER,
		 current->comm, task_pid_nr(current));
	return !strncmp(line, head, strlen(head));
}

static void ktstr_scx_dump_probe(void *data, const char *line)
{
	size_t len;

	if (!line)
		return;
	if (ktstr_scx_dump_header(line)) {
		ktstr_scx_dump_printed = 0;
		if (ktstr_relay_attached() &&
		    !ktstr_sync_host(KTSTR_SYNC_TAG_SCHED_ERROR))
			pr_warn("the host did not capture the sched_ext exit\n");
	}
	/*
	 * The dump goes to the console too, bounded, so the host has it even
	 * when the scheduler's user space never prints it.
	 */
	len = strlen(line) + 1;
	if (ktstr_scx_dump_printed + len > KTSTR_SCX_DUMP_MAX)
		return;
	ktstr_scx_dump_printed += len;
	ktstr_printk_deferred(KERN_ERR KBUILD_MODNAME ": " KTSTR_SCX_DUMP_PREFIX "%s\n",
			      line);
}

static void ktstr_scx_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, KTSTR_SCX_DUMP_TP))
		ktstr_scx_dump_tp = tp;
}

void ktstr_scx_watch_init(void)
{
	for_each_kernel_tracepoint(ktstr_scx_find_tp, NULL);
	if (!ktstr_scx_dump_tp ||
	    tracepoint_probe_register(ktstr_scx_dump_tp,
				      (void *)ktstr_scx_dump_probe, NULL)) {
		/* Failures are still caught, only after the teardown. */
		pr_info("no %s tracepoint: sched_ext exits are captured late\n",
			KTSTR_SCX_DUMP_TP);
		ktstr_scx_dump_tp = NULL;
	}
}

void ktstr_scx_watch_exit(void)
{
	if (!ktstr_scx_dump_tp)
		return;
	tracepoint_probe_unregister(ktstr_scx_dump_tp,
				    (void *)ktstr_scx_dump_probe, NULL);
	tracepoint_synchronize_unregister();
}
