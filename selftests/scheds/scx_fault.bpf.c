// SPDX-License-Identifier: GPL-2.0
/*
 * scx_fault: a FIFO sched_ext scheduler that breaks on purpose, so each of
 * ktstr's failure detectors can be shown to fire for its fault.
 *
 * Every knob counts from the moment the scheduler is enabled:
 *   error_after_ns   call scx_bpf_error() from ops.enqueue
 *   exit_after_ns    scx_bpf_exit() cleanly (SCX_EXIT_UNREG_BPF)
 *   stall_after_ns   stop dispatching the tasks picked by stall_pid or
 *                    stall_comm: they stay runnable on a DSQ nobody consumes
 *   loop_after_ns    make ops.dispatch spin (a bounded loop the verifier
 *                    accepts, long enough to trip the watchdog)
 * The user-space half (scx_fault.c) can also crash itself.
 *
 * The knobs are plain globals (.bss) that user space sets before the load;
 * BPF reads them from memory, so nothing needs "const volatile".
 */
#include <scx/common.bpf.h>

char _license[] SEC("license") = "GPL";

#define SHARED_DSQ	0
#define STALL_DSQ	1	/* never consumed */

u64 error_after_ns;
u64 exit_after_ns;
u64 stall_after_ns;
u64 loop_after_ns;
s32 stall_pid;
char stall_comm[16];

static u64 enabled_at;
u64 nr_stalled;		/* tasks parked on STALL_DSQ, read by user space */
u64 nr_spins;		/* dispatch loop iterations */

UEI_DEFINE(uei);

static bool after(u64 delay)
{
	return delay && bpf_ktime_get_ns() - enabled_at >= delay;
}

static bool comm_matches(const struct task_struct *p)
{
	int i;

	if (!stall_comm[0])
		return false;
	for (i = 0; i < 16; i++) {
		if (stall_comm[i] != p->comm[i])
			return false;
		if (!stall_comm[i])
			break;
	}
	return true;
}

static bool stall_target(const struct task_struct *p)
{
	if (!after(stall_after_ns))
		return false;
	return (stall_pid && p->pid == stall_pid) || comm_matches(p);
}

s32 BPF_STRUCT_OPS(fault_select_cpu, struct task_struct *p, s32 prev_cpu,
		   u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu;

	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	/* A stall target must go through ops.enqueue to be parked. */
	if (is_idle && !stall_target(p))
		scx_bpf_dispatch(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, 0);
	return cpu;
}

void BPF_STRUCT_OPS(fault_enqueue, struct task_struct *p, u64 enq_flags)
{
	if (after(error_after_ns))
		scx_bpf_error("scx_fault: scx_bpf_error() after %llu ms as asked",
			      error_after_ns / 1000000);
	if (after(exit_after_ns))
		scx_bpf_exit(0, "scx_fault: clean exit after %llu ms as asked",
			     exit_after_ns / 1000000);
	if (stall_target(p)) {
		__sync_fetch_and_add(&nr_stalled, 1);
		scx_bpf_dispatch(p, STALL_DSQ, SCX_SLICE_DFL, enq_flags);
		return;
	}
	scx_bpf_dispatch(p, SHARED_DSQ, SCX_SLICE_DFL, enq_flags);
}

void BPF_STRUCT_OPS(fault_dispatch, s32 cpu, struct task_struct *prev)
{
	if (after(loop_after_ns)) {
		/*
		 * As long as the verifier allows, on every dispatch: the CPU
		 * makes no progress. The count lives in memory so that the
		 * verifier sees one state per iteration.
		 */
		bpf_repeat(BPF_MAX_LOOPS)
			__sync_fetch_and_add(&nr_spins, 1);
	}
	scx_bpf_consume(SHARED_DSQ);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(fault_init)
{
	s32 ret;

	enabled_at = bpf_ktime_get_ns();
	ret = scx_bpf_create_dsq(SHARED_DSQ, -1);
	if (ret)
		return ret;
	return scx_bpf_create_dsq(STALL_DSQ, -1);
}

void BPF_STRUCT_OPS(fault_exit, struct scx_exit_info *ei)
{
	UEI_RECORD(uei, ei);
}

SCX_OPS_DEFINE(fault_ops,
	       .select_cpu		= (void *)fault_select_cpu,
	       .enqueue			= (void *)fault_enqueue,
	       .dispatch		= (void *)fault_dispatch,
	       .init			= (void *)fault_init,
	       .exit			= (void *)fault_exit,
	       .name			= "fault");
