/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest kernel says on its console when something breaks: a
 * sched_ext scheduler disabled (with the kernel's reason, message and
 * backtrace), an Oops, BUG or WARNING, a lockup or stall, a panic. Lines
 * are matched against one table; the first event of each class is kept
 * with the lines that follow it (its backtrace), bounded. ktstr.ko prints
 * sched_ext's debug dump on the console too; those lines are collected.
 */
#ifndef KTSTR_HOST_VM_KEVENTS_H
#define KTSTR_HOST_VM_KEVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "linux/ktstr.h"

#define KEV_LINE	256
#define KEV_TEXT	2048	/* the event line and its first trace lines */
#define KEV_TRACE_LINES	12
#define KEV_DUMP	(KTSTR_SCX_DUMP_MAX + 4096)	/* ktstr.ko's bound, and room */

enum kev_class {
	KEV_SCX_EXIT,		/* sched_ext: BPF scheduler "x" disabled (reason) */
	KEV_OOPS,		/* BUG:, Oops:, WARNING:, general protection fault */
	KEV_LOCKUP,		/* soft/hard lockup, RCU stall, hung task */
	KEV_PANIC,		/* Kernel panic - not syncing */
	KEV_NR,
};

/*
 * sched_ext's exit kinds, by the reason text the kernel prints for each
 * (kernel/sched/ext.c, scx_exit_reason()).
 */
enum kev_scx_kind {
	KEV_SCX_UNKNOWN = 0,
	KEV_SCX_UNREG = 64,		/* SCX_EXIT_UNREG */
	KEV_SCX_UNREG_BPF,		/* SCX_EXIT_UNREG_BPF */
	KEV_SCX_UNREG_KERN,		/* SCX_EXIT_UNREG_KERN */
	KEV_SCX_SYSRQ,			/* SCX_EXIT_SYSRQ */
	KEV_SCX_ERROR = 1024,		/* SCX_EXIT_ERROR */
	KEV_SCX_ERROR_BPF,		/* SCX_EXIT_ERROR_BPF */
	KEV_SCX_ERROR_STALL,		/* SCX_EXIT_ERROR_STALL */
};

struct kev {
	bool seen;
	double uptime;		/* the line's printk time, -1 if none */
	char line[KEV_LINE];	/* the line that raised it, without time */
	char text[KEV_TEXT];	/* that line and what followed, '\n' separated */
	unsigned int trace_lines;
};

struct kevents {
	struct kev ev[KEV_NR];
	int open;		/* class whose trace is being collected, or -1 */
	/* KEV_SCX_EXIT, parsed */
	char scx_name[64];
	char scx_reason[64];
	char scx_msg[KEV_LINE];
	enum kev_scx_kind scx_kind;
	unsigned int scx_seq;	/* sched_ext exits seen in all */
	/* sched_ext's debug dump, as ktstr.ko prints it (KTSTR_SCX_DUMP_PREFIX) */
	char dump[KEV_DUMP];
	size_t dump_len;
	unsigned int dump_lines;
	bool dump_truncated;
	char dump_trigger[KEV_LINE];	/* "comm[pid] triggered exit kind N:" */
	/* The exit as the dump's first two lines state it. */
	enum kev_scx_kind dump_kind;
	char dump_reason[64];
	char dump_msg[KEV_LINE];
};

void kevents_init(struct kevents *k);
/* One console line, NUL-terminated, printable characters only. */
void kevents_line(struct kevents *k, const char *line);
/*
 * Describe the sched_ext exit from its debug dump (the kind, reason and
 * message of its first lines) when the console has not said it yet: the
 * kernel prints its own lines only after the dump. @ops names it.
 */
void kevents_scx_from_dump(struct kevents *k, const char *ops);
const char *kev_scx_kind_name(enum kev_scx_kind kind);
/* An exit kind that is an error (>= SCX_EXIT_ERROR). */
bool kev_scx_is_error(enum kev_scx_kind kind);

#endif
