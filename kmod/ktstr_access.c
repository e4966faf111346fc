// SPDX-License-Identifier: GPL-2.0
/*
 * KTSTR_IOC_READ and KTSTR_IOC_WRITE: named kernel state, never a raw
 * address. A request names a symbol on the allowlist below, a struct rq
 * field of a CPU, or a task_struct field of a task identified by pid and
 * start_time. The value is the field's bytes, zero-extended to 64 bits.
 *
 * Width: 1, 2, 4 or 8 (KTSTR_E_WIDTH), and it must equal the size of the
 * symbol or field exactly (KTSTR_E_WIDTH): no partial or widened access.
 * Fields wider than 8 bytes ("comm") are layout only and not readable.
 * Fields of a request that its kind does not use (cpu, pid, start_time)
 * are ignored; reserved[] must be zero.
 *
 * Symbols (KTSTR_TARGET_SYMBOL):
 *
 *   name                   width  kernel object               write
 *   "jiffies_64"           8      jiffies_64                  no
 *   "scx_watchdog_timeout" 8      scx_watchdog_timeout        HZ .. 600 * HZ
 *                                 (unsigned long, jiffies)    (KTSTR_E_VALUE)
 *   "scx_state"            4      scx_ops_enable_state_var    no
 *                                 (atomic_t: enum scx_ops_enable_state)
 *
 * The watchdog timeout: sched_ext's watchdog work checks in every
 * timeout / 2 jiffies and scx_tick() ejects the scheduler when it has not
 * for a whole timeout. Raising it is a plain store. Lowering it must also
 * do what scx_ops_enable() does (stamp the check-in, re-arm the work at
 * the new period), or the work queued at the old period checks in too
 * late and the scheduler dies of a "watchdog failed to check in" stall
 * that never happened. That needs the optional ksyms
 * scx_watchdog_timestamp and scx_watchdog_work, and scx_state to re-arm
 * only while the scheduler is enabled: without them, lowering is
 * KTSTR_E_UNRESOLVED. The floor of one second keeps a stray write from
 * ejecting a healthy scheduler on a loaded or emulated machine. Written
 * while sched_ext is disabled, the value is replaced at the next enable.
 *
 * Per-CPU (KTSTR_TARGET_PERCPU): the fields of ktstr_rq_fields, for any
 * possible CPU (KTSTR_E_CPU otherwise); read only.
 *
 * Tasks (KTSTR_TARGET_TASK): the fields of ktstr_task_fields. pid is in
 * the caller's pid namespace. start_time must equal task->start_time
 * (ns, ktime_get_ns() at fork) exactly, else KTSTR_E_IDENTITY: a pid
 * reused since the caller saw it never matches. The one lookup without
 * identity: READ of "start_time" with start_time == 0, which is how a
 * caller learns the value it then passes.
 *
 * WRITE of a task field ("scx.dsq_vtime" and "scx.slice" only) runs the
 * validation chain, each layer with its own reason:
 *   L1 a task has that pid                          KTSTR_E_NO_TASK
 *   L2 its start_time is the one given              KTSTR_E_IDENTITY
 * and, under the task's rq lock (the kernel's task_rq_lock()):
 *   L3 it is not exiting (PF_EXITING, exit_state)   KTSTR_E_EXITING
 *   L4 not queued on a sched_ext DSQ                KTSTR_E_SCX_QUEUED
 *   L5 on_rq == 0: neither runnable nor running     KTSTR_E_ON_RQ
 *      (running, or held by the BPF scheduler)
 *   L6 its class is ext_sched_class                 KTSTR_E_NOT_EXT
 *   L7 its policy is SCHED_EXT                      KTSTR_E_POLICY
 *   L8 its start_boottime is set                    KTSTR_E_FORKING
 * and the store happens before the lock is dropped. The DSQ comes before
 * on_rq: a queued task is always on a runqueue, so the other order could
 * never say the more precise reason. copy_process() stamps
 * start_boottime before the pid is hashed, so L8 cannot fail through a
 * pid lookup today; it guards a task_struct reached any other way.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/pid.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/threads.h>
#include <linux/workqueue.h>

#include "ktstr.h"
#include "ktstr_sched.h"

enum ktstr_sym_id {
	KTSTR_SYM_JIFFIES_64,
	KTSTR_SYM_SCX_WATCHDOG_TIMEOUT,
	KTSTR_SYM_SCX_STATE,
	KTSTR_SYM_NR,
};

struct ktstr_symbol {
	const char *name;
	u32 size;
	bool writable;
	u64 min, max;		/* accepted write values */
};

static const struct ktstr_symbol ktstr_symbols[KTSTR_SYM_NR] = {
	[KTSTR_SYM_JIFFIES_64] = {
		.name = "jiffies_64",
		.size = sizeof(jiffies_64),
	},
	[KTSTR_SYM_SCX_WATCHDOG_TIMEOUT] = {
		.name = "scx_watchdog_timeout",
		.size = sizeof(unsigned long),
		.writable = true,
		.min = HZ,
		.max = 600 * HZ,
	},
	[KTSTR_SYM_SCX_STATE] = {
		.name = "scx_state",
		.size = sizeof(atomic_t),
	},
};

static unsigned long ktstr_symbol_addr(enum ktstr_sym_id id)
{
	switch (id) {
	case KTSTR_SYM_JIFFIES_64:
		return (unsigned long)&jiffies_64;
	case KTSTR_SYM_SCX_WATCHDOG_TIMEOUT:
		return ktstr_syms.scx_watchdog_timeout;
	case KTSTR_SYM_SCX_STATE:
		return ktstr_syms.scx_state;
	default:
		return 0;
	}
}

/* enum scx_ops_enable_state is private to kernel/sched/ext.c */
#define KTSTR_SCX_OPS_ENABLED	1

/* Serializes writers of the watchdog timeout (compare, then store). */
static DEFINE_MUTEX(ktstr_watchdog_lock);

static u32 ktstr_set_watchdog_timeout(unsigned long val)
{
	unsigned long *timeout = (unsigned long *)ktstr_syms.scx_watchdog_timeout;
	unsigned long *stamp = (unsigned long *)ktstr_syms.scx_watchdog_timestamp;
	struct delayed_work *work =
		(struct delayed_work *)ktstr_syms.scx_watchdog_work;
	atomic_t *state = (atomic_t *)ktstr_syms.scx_state;
	u32 reason = KTSTR_OK;

	mutex_lock(&ktstr_watchdog_lock);
	if (val >= READ_ONCE(*timeout)) {
		WRITE_ONCE(*timeout, val);
	} else if (!stamp || !work || !state) {
		reason = KTSTR_E_UNRESOLVED;
	} else {
		WRITE_ONCE(*timeout, val);
		WRITE_ONCE(*stamp, jiffies);
		/*
		 * The disable path cancels the work; re-arming it behind a
		 * disable that has begun would only leave a harmless check of
		 * empty lists running until the next enable replaces it.
		 */
		if (atomic_read(state) == KTSTR_SCX_OPS_ENABLED)
			mod_delayed_work(system_unbound_wq, work, val / 2);
	}
	mutex_unlock(&ktstr_watchdog_lock);
	return reason;
}

static u64 ktstr_load(const void *p, u32 width)
{
	switch (width) {
	case 1:
		return READ_ONCE(*(const u8 *)p);
	case 2:
		return READ_ONCE(*(const u16 *)p);
	case 4:
		return READ_ONCE(*(const u32 *)p);
	default:
		return READ_ONCE(*(const u64 *)p);
	}
}

static void ktstr_store(void *p, u32 width, u64 val)
{
	switch (width) {
	case 1:
		WRITE_ONCE(*(u8 *)p, val);
		break;
	case 2:
		WRITE_ONCE(*(u16 *)p, val);
		break;
	case 4:
		WRITE_ONCE(*(u32 *)p, val);
		break;
	default:
		WRITE_ONCE(*(u64 *)p, val);
		break;
	}
}

static bool ktstr_width_ok(u32 width)
{
	return width == 1 || width == 2 || width == 4 || width == 8;
}

static long ktstr_access_symbol(struct ktstr_access *a, bool write)
{
	const struct ktstr_symbol *sym = NULL;
	unsigned long addr;
	unsigned int i;
	u32 reason;

	for (i = 0; i < KTSTR_SYM_NR; i++) {
		if (!strcmp(ktstr_symbols[i].name, a->name)) {
			sym = &ktstr_symbols[i];
			break;
		}
	}
	if (!sym)
		return ktstr_fail(&a->hdr, KTSTR_E_UNKNOWN_SYMBOL);
	if (write && !sym->writable)
		return ktstr_fail(&a->hdr, KTSTR_E_NOT_WRITABLE);
	if (a->width != sym->size)
		return ktstr_fail(&a->hdr, KTSTR_E_WIDTH);
	if (write && (a->value < sym->min || a->value > sym->max))
		return ktstr_fail(&a->hdr, KTSTR_E_VALUE);
	addr = ktstr_symbol_addr(i);
	if (!addr)
		return ktstr_fail(&a->hdr, KTSTR_E_UNRESOLVED);

	if (!write) {
		a->value = ktstr_load((const void *)addr, a->width);
		return 0;
	}
	if (i == KTSTR_SYM_SCX_WATCHDOG_TIMEOUT)
		reason = ktstr_set_watchdog_timeout(a->value);
	else
		reason = KTSTR_E_NOT_WRITABLE;
	return reason ? ktstr_fail(&a->hdr, reason) : 0;
}

/* Find the field @a names and check it may be accessed that way. */
static u32 ktstr_field_lookup(const struct ktstr_field *tab, unsigned int nr,
			      const struct ktstr_access *a, bool write,
			      const struct ktstr_field **fp)
{
	const struct ktstr_field *f = ktstr_field_find(tab, nr, a->name);

	if (!f)
		return KTSTR_E_UNKNOWN_FIELD;
	if (write && !f->writable)
		return KTSTR_E_NOT_WRITABLE;
	if (a->width != f->size)
		return KTSTR_E_WIDTH;
	*fp = f;
	return KTSTR_OK;
}

static long ktstr_access_percpu(struct ktstr_access *a, bool write)
{
	const struct ktstr_field *f;
	unsigned int cpu;
	u32 reason;

	if (a->cpu >= nr_cpu_ids)
		return ktstr_fail(&a->hdr, KTSTR_E_CPU);
	cpu = array_index_nospec(a->cpu, nr_cpu_ids);
	if (!cpu_possible(cpu))
		return ktstr_fail(&a->hdr, KTSTR_E_CPU);
	reason = ktstr_field_lookup(ktstr_rq_fields, KTSTR_RQ_NR_FIELDS, a,
				    write, &f);
	if (reason)
		return ktstr_fail(&a->hdr, reason);
	if (!ktstr_syms.runqueues)
		return ktstr_fail(&a->hdr, KTSTR_E_UNRESOLVED);

	a->value = ktstr_load((const char *)ktstr_cpu_rq(cpu) + f->offset,
			      a->width);
	return 0;
}

/* L1: a reference to the task with that pid, or NULL. */
static struct task_struct *ktstr_task_get(u32 nr)
{
	struct task_struct *p;
	struct pid *pid;

	if (!nr || nr > PID_MAX_LIMIT)
		return NULL;
	pid = find_get_pid(nr);
	if (!pid)
		return NULL;
	p = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	return p;
}

/* Mirrors task_rq_unlock() of kernel/sched/sched.h. */
static void ktstr_task_rq_unlock(struct rq *rq, struct task_struct *p,
				 struct rq_flags *rf)
	__releases(rq->lock)
	__releases(p->pi_lock)
{
	rq_unpin_lock(rq, rf);
	ktstr_syms.raw_spin_rq_unlock(rq);
	raw_spin_unlock_irqrestore(&p->pi_lock, rf->flags);
}

/* L3 to L8, with the task's rq locked. */
static u32 ktstr_task_writable(struct task_struct *p)
{
	const struct sched_class *ext =
		(const struct sched_class *)ktstr_syms.ext_sched_class;

	if ((p->flags & PF_EXITING) || p->exit_state)
		return KTSTR_E_EXITING;
	if (p->scx.dsq || !list_empty(&p->scx.dsq_list.node) ||
	    !RB_EMPTY_NODE(&p->scx.dsq_priq))
		return KTSTR_E_SCX_QUEUED;
	if (p->on_rq)
		return KTSTR_E_ON_RQ;
	if (p->sched_class != ext)
		return KTSTR_E_NOT_EXT;
	if (p->policy != SCHED_EXT)
		return KTSTR_E_POLICY;
	if (!p->start_boottime)
		return KTSTR_E_FORKING;
	return KTSTR_OK;
}

static long ktstr_access_task(struct ktstr_access *a, bool write)
{
	const struct ktstr_field *f;
	struct task_struct *p;
	struct rq_flags rf;
	struct rq *rq;
	bool anonymous;
	u32 reason;

	reason = ktstr_field_lookup(ktstr_task_fields, KTSTR_TASK_NR_FIELDS, a,
				    write, &f);
	if (reason)
		return ktstr_fail(&a->hdr, reason);
	if (write && (!ktstr_syms.task_rq_lock ||
		      !ktstr_syms.raw_spin_rq_unlock ||
		      !ktstr_syms.ext_sched_class))
		return ktstr_fail(&a->hdr, KTSTR_E_UNRESOLVED);

	p = ktstr_task_get(a->pid);
	if (!p)
		return ktstr_fail(&a->hdr, KTSTR_E_NO_TASK);
	anonymous = !write && !a->start_time &&
		    f == &ktstr_task_fields[KTSTR_TASK_START_TIME];
	if (!anonymous && p->start_time != a->start_time) {
		put_task_struct(p);
		return ktstr_fail(&a->hdr, KTSTR_E_IDENTITY);
	}

	if (!write) {
		a->value = ktstr_load((const char *)p + f->offset, a->width);
		put_task_struct(p);
		return 0;
	}

	rq = ktstr_syms.task_rq_lock(p, &rf);
	reason = ktstr_task_writable(p);
	if (!reason)
		ktstr_store((char *)p + f->offset, a->width, a->value);
	ktstr_task_rq_unlock(rq, p, &rf);
	put_task_struct(p);
	return reason ? ktstr_fail(&a->hdr, reason) : 0;
}

static long ktstr_access(struct ktstr_access *a, bool write)
{
	if (a->reserved[0] || a->reserved[1])
		return ktstr_fail(&a->hdr, KTSTR_E_RESERVED);
	if (a->kind < KTSTR_TARGET_SYMBOL || a->kind > KTSTR_TARGET_TASK)
		return ktstr_fail(&a->hdr, KTSTR_E_KIND);
	if (!ktstr_name_ok(a->name, sizeof(a->name)))
		return ktstr_fail(&a->hdr, KTSTR_E_NAME);
	if (!ktstr_width_ok(a->width))
		return ktstr_fail(&a->hdr, KTSTR_E_WIDTH);

	switch (a->kind) {
	case KTSTR_TARGET_SYMBOL:
		return ktstr_access_symbol(a, write);
	case KTSTR_TARGET_PERCPU:
		return ktstr_access_percpu(a, write);
	default:
		return ktstr_access_task(a, write);
	}
}

long ktstr_read(struct file *file, void *req, void __user *uarg)
{
	struct ktstr_access *a = req;

	a->value = 0;
	return ktstr_access(a, false);
}

long ktstr_write(struct file *file, void *req, void __user *uarg)
{
	return ktstr_access(req, true);
}
