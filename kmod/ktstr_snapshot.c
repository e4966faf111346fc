// SPDX-License-Identifier: GPL-2.0
/*
 * KTSTR_IOC_SNAPSHOT: the in-guest rendezvous. stop_machine() parks every
 * online CPU with interrupts off and has each copy its own runqueue into
 * the request buffer, preallocated by the caller: one consistent picture,
 * no allocation and no sleeping while parked. Snapshots are serialized.
 *
 * The CPU runs its stopper thread while parked, so the picture is taken
 * as if the stopper were not there: nr_running leaves it out, and curr is
 * the task the stopper preempted (the idle task if the CPU was idle). That
 * task is learnt from the sched_switch tracepoint, whose probe is
 * registered at the first snapshot and records, only while a snapshot is
 * under way, what each CPU switched away from. Should the probe have
 * missed the switch, curr is the stopper itself. The preempted task has
 * been put back on its queue meanwhile: under sched_ext it is counted in
 * scx_local_dsq_nr (or whichever DSQ the scheduler returned it to).
 *
 * cpus[] has one entry per possible CPU, in order, up to
 * KTSTR_SNAPSHOT_CPUS; an entry whose CPU was offline has online == 0 and
 * only cpu set. timestamp_ns, jiffies and scx_state are read by the first
 * online CPU while parked; scx_state is ~0 if its symbol is unresolved.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/stop_machine.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>

#include "ktstr.h"
#include "ktstr_sched.h"

/* What a CPU last switched away from, while snapshot @gen was running. */
struct ktstr_prev {
	u64 gen;
	struct task_struct *next;	/* compared, never dereferenced */
	pid_t pid;
	u32 policy;
	char comm[TASK_COMM_LEN];
};

static DEFINE_PER_CPU(struct ktstr_prev, ktstr_prev);
static DEFINE_MUTEX(ktstr_snap_lock);
static struct tracepoint *ktstr_tp_switch;
static bool ktstr_tp_registered;	/* under ktstr_snap_lock */
static u64 ktstr_snap_seq;		/* under ktstr_snap_lock */
static u64 ktstr_snap_gen;		/* the running snapshot, 0 if none */

struct ktstr_snap_ctx {
	struct ktstr_snapshot *s;
	u64 gen;
};

static void ktstr_switch_probe(void *data, bool preempt,
			       struct task_struct *prev,
			       struct task_struct *next,
			       unsigned int prev_state)
{
	u64 gen = READ_ONCE(ktstr_snap_gen);
	struct ktstr_prev *p;

	if (!gen)
		return;
	p = this_cpu_ptr(&ktstr_prev);
	p->gen = gen;
	p->next = next;
	p->pid = prev->pid;
	p->policy = prev->policy;
	memcpy(p->comm, prev->comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
}

static void ktstr_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_switch"))
		ktstr_tp_switch = tp;
}

void __init ktstr_snapshot_init(void)
{
	for_each_kernel_tracepoint(ktstr_find_tp, NULL);
	if (!ktstr_tp_switch)
		pr_info("no sched_switch tracepoint: SNAPSHOT curr is the stopper\n");
}

void ktstr_snapshot_exit(void)
{
	if (!ktstr_tp_registered)
		return;
	tracepoint_probe_unregister(ktstr_tp_switch,
				    (void *)ktstr_switch_probe, NULL);
	tracepoint_synchronize_unregister();
	ktstr_tp_registered = false;
}

/* Runs on every online CPU, parked, interrupts off. */
static int ktstr_snap_cpu(void *data)
{
	struct ktstr_snap_ctx *ctx = data;
	struct ktstr_snapshot *s = ctx->s;
	unsigned int cpu = smp_processor_id();
	struct ktstr_prev *prev = this_cpu_ptr(&ktstr_prev);
	struct ktstr_cpu_state *e = NULL;
	struct rq *rq = ktstr_cpu_rq(cpu);
	u32 i, nr;

	/* the online mask cannot change while the machine is stopped */
	if (cpu == cpumask_first(cpu_online_mask)) {
		s->timestamp_ns = ktime_get_ns();
		s->jiffies = get_jiffies_64();
		s->scx_state = ktstr_scx_state();
	}
	for (i = 0; i < s->nr_cpus; i++) {
		if (s->cpus[i].cpu == cpu) {
			e = &s->cpus[i];
			break;
		}
	}
	if (!e)
		return 0;

	e->online = 1;
	nr = READ_ONCE(rq->nr_running);
	e->nr_running = nr ? nr - 1 : 0;	/* without the stopper */
	e->scx_nr_running = READ_ONCE(rq->scx.nr_running);
	e->scx_local_dsq_nr = READ_ONCE(rq->scx.local_dsq.nr);
	e->clock = READ_ONCE(rq->clock);
	if (prev->gen == ctx->gen && prev->next == current) {
		e->curr_pid = prev->pid;
		e->curr_policy = prev->policy;
		memcpy(e->curr_comm, prev->comm, sizeof(e->curr_comm));
	} else {
		e->curr_pid = current->pid;
		e->curr_policy = current->policy;
		memcpy(e->curr_comm, current->comm, sizeof(e->curr_comm));
	}
	e->curr_comm[sizeof(e->curr_comm) - 1] = '\0';
	return 0;
}

long ktstr_snapshot(struct file *file, void *req, void __user *uarg)
{
	struct ktstr_snapshot *s = req;
	struct ktstr_snap_ctx ctx = { .s = s };
	unsigned int cpu;
	u32 n = 0;
	int ret;

	BUILD_BUG_ON(sizeof(s->cpus[0].curr_comm) != TASK_COMM_LEN);

	if (s->reserved[0] || s->reserved[1])
		return ktstr_fail(&s->hdr, KTSTR_E_RESERVED);
	if (!ktstr_syms.runqueues)
		return ktstr_fail(&s->hdr, KTSTR_E_UNRESOLVED);

	memset((char *)s + sizeof(s->hdr), 0, sizeof(*s) - sizeof(s->hdr));
	for_each_possible_cpu(cpu) {
		if (n >= KTSTR_SNAPSHOT_CPUS)
			break;
		s->cpus[n++].cpu = cpu;
	}
	s->nr_cpus = n;

	if (mutex_lock_interruptible(&ktstr_snap_lock))
		return ktstr_fail(&s->hdr, KTSTR_E_INTERRUPTED);
	if (ktstr_tp_switch && !ktstr_tp_registered) {
		ret = tracepoint_probe_register(ktstr_tp_switch,
						(void *)ktstr_switch_probe,
						NULL);
		if (ret)
			pr_warn_once("sched_switch probe: %d\n", ret);
		else
			ktstr_tp_registered = true;
	}

	ctx.gen = ++ktstr_snap_seq;
	WRITE_ONCE(ktstr_snap_gen, ctx.gen);
	ret = stop_machine(ktstr_snap_cpu, &ctx, cpu_online_mask);
	WRITE_ONCE(ktstr_snap_gen, 0);
	mutex_unlock(&ktstr_snap_lock);

	/* the callback cannot fail: only stop_machine() itself could */
	if (ret)
		return ktstr_fail(&s->hdr, KTSTR_E_BUSY);
	return 0;
}
