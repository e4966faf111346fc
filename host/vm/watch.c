// SPDX-License-Identifier: GPL-2.0
/*
 * Failure detection: what the console says (kevents.h) and what the agent
 * says about the scheduler become a verdict the moment they are known, so
 * a broken scheduler or kernel ends the run at once instead of at
 * --timeout. Each verdict is decided once, after a short wait for the
 * lines that explain it (the kernel's message and backtrace, or the
 * console line that says why the scheduler's process went).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "util.h"
#include "vm/internal.h"

#define EXPLAIN_NS	500000000ull	/* wait this long for the explanation */
#define BPF_WAIT_NS	2000000000ull	/* and this long for the BPF state */
#define HEARTBEAT_NS	(KTSTR_HEARTBEAT_MS * 1000000ull)

void watch_init(struct vm *v)
{
	v->sched_status = -1;
	v->failure_capture = -1;
}

bool watch_sched_under_test(const struct vm *v)
{
	return v->o->job.sched_path && !v->r->sched_released;
}

static bool is_sched_verdict(enum vm_outcome out)
{
	return out == VM_SCHED_ERROR || out == VM_SCHED_UNREG ||
	       out == VM_SCHED_KILLED;
}

static void report_pending(struct vm *v)
{
	if (!v->pending)
		return;
	v->pending = false;
	vm_settle_captures(v);
	report_failure(v, v->pending_out, v->pending_what, v->pending_ev);
}

static void decide(struct vm *v, enum vm_outcome out, const struct kev *ev,
		   const char *what)
{
	/*
	 * Capture before anything else changes in the guest, unless ktstr.ko
	 * already had the host capture a sched_ext error before teardown.
	 */
	if (!(out == VM_SCHED_ERROR &&
	      (v->scx_exit_captured || v->scx_exit_capturing)))
		capturer_submit(v->cap, CAPTURE_FAILURE, vm_outcome_name(out),
				false, VM_CAPTURE_VERDICT, 0);
	v->verdict_ns = now_ns();
	v->pending = true;
	v->pending_out = out;
	v->pending_ev = ev;
	snprintf(v->pending_what, sizeof(v->pending_what), "%s", what);
	/* The step at the verdict, not at the report. */
	snprintf(v->r->step, sizeof(v->r->step), "%s",
		 v->o->step ? v->o->step(v->o->output_ctx) : "");
	v->scn_at_verdict = v->scn;
	/* The agent sends the scheduler's BPF state as it sees it fail. */
	v->pending_until = v->verdict_ns +
			   (is_sched_verdict(out) && v->bpf_held && !v->bpf ?
			    BPF_WAIT_NS : 0);
	if (now_ns() >= v->pending_until)
		report_pending(v);
}

int vm_watchdog_ms(const struct vm_opts *o, bool *exact)
{
	int wd = o->job.watchdog_ms;

	*exact = wd > 0 || (wd < 0 && o->cfg.accel != ACCEL_KVM);
	if (wd >= 0)
		return wd;
	return o->cfg.accel == ACCEL_KVM ? VM_WATCHDOG_KVM_MS :
	       VM_WATCHDOG_TCG_MS;
}

static uint64_t hang_ns(const struct vm *v)
{
	const struct vm_opts *o = v->o;
	bool exact;
	int wd = vm_watchdog_ms(o, &exact);

	if (o->hang_timeout_ms >= 0)
		return (uint64_t)o->hang_timeout_ms * 1000000ull;
	if (wd == 0)
		wd = 30000;	/* the kernel's own, SCX_WATCHDOG_MAX_TIMEOUT */
	return (uint64_t)(wd + VM_HANG_MARGIN_MS) * 1000000ull;
}

void watch_heard(struct vm *v)
{
	v->heard_ns = now_ns();
	v->heartbeat_seen = true;
}

/* The agent beat before and has been silent past the limit. */
static bool guest_hung(struct vm *v, uint64_t now)
{
	bool gap = v->tick_ns && now - v->tick_ns > 2 * HEARTBEAT_NS;

	v->tick_ns = now;
	/*
	 * A capture froze the guest, or ktstr itself was stopped (^Z) and
	 * has not read the guest since: that time was not the guest's
	 * silence.
	 */
	if (atomic_load(&v->cap->frozen) != v->frozen_seen || gap ||
	    capturer_busy(v->cap)) {
		v->frozen_seen = atomic_load(&v->cap->frozen);
		v->heard_ns = now;
	}
	return v->heartbeat_seen && hang_ns(v) &&
	       now >= v->heard_ns + hang_ns(v);
}

static void judge_sched_death(struct vm *v)
{
	int st = v->sched_status;

	if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		decide(v, VM_SCHED_UNREG, NULL,
		       "the scheduler exited cleanly while the test still needed it");
	else
		decide(v, VM_SCHED_KILLED, NULL, v->sched_death);
}

/*
 * Decide what the console and the agent said. @flush: the job is over,
 * do not wait for more explanation.
 */
static void judge(struct vm *v, bool flush)
{
	struct kevents *k = &v->con.kev;
	uint64_t now = now_ns();

	if (v->done || v->pending || !v->hello || !v->job_start_ns)
		return;
	if (guest_hung(v, now)) {
		static char what[160];

		snprintf(what, sizeof(what),
			 "the guest agent sent nothing for %.1f s (it beats every %.1f s): the guest kernel is hung or user space gets no CPU",
			 (now - v->heard_ns) / 1e9, KTSTR_HEARTBEAT_MS / 1e3);
		decide(v, VM_GUEST_HUNG, NULL, what);
		return;
	}
	if (k->ev[KEV_LOCKUP].seen) {
		decide(v, VM_LOCKUP, &k->ev[KEV_LOCKUP], k->ev[KEV_LOCKUP].line);
		return;
	}
	if (k->ev[KEV_OOPS].seen && !v->oops_ns)
		v->oops_ns = now;
	if (v->oops_ns && (flush || k->open != KEV_OOPS ||
			   now >= v->oops_ns + EXPLAIN_NS)) {
		decide(v, VM_KERNEL_OOPS, &k->ev[KEV_OOPS], k->ev[KEV_OOPS].line);
		return;
	}
	if (k->scx_seq != v->scx_seq_seen) {
		v->scx_seq_seen = k->scx_seq;
		v->scx_console_seen = true;
		if (kev_scx_is_error(k->scx_kind) && watch_sched_under_test(v) &&
		    !v->scx_error_ns)
			v->scx_error_ns = now;
	}
	/* ktstr.ko said so first, at the exit: the console may lag behind. */
	if (v->scx_exit_sync_ns && !v->scx_error_ns)
		v->scx_error_ns = v->scx_exit_sync_ns;
	if (v->scx_error_ns &&
	    (flush || (v->scx_console_seen && k->open != KEV_SCX_EXIT) ||
	     now >= v->scx_error_ns + EXPLAIN_NS)) {
		static char what[KEV_LINE + 64];

		if (v->scx_console_seen) {
			decide(v, VM_SCHED_ERROR, &k->ev[KEV_SCX_EXIT],
			       k->ev[KEV_SCX_EXIT].line);
			return;
		}
		/* The dump's first lines say what the console will say later. */
		kevents_scx_from_dump(k, v->r->sched_ops);
		snprintf(what, sizeof(what), "sched_ext: %s (%s), from its debug dump",
			 k->scx_reason, k->scx_msg);
		decide(v, VM_SCHED_ERROR, NULL, what);
		return;
	}
	/* The console may say why only after the agent saw the process go. */
	if (v->sched_died_ns && (flush || now >= v->sched_died_ns + EXPLAIN_NS))
		judge_sched_death(v);
}

void watch_tick(struct vm *v)
{
	judge(v, false);
	if (v->pending && (v->bpf || now_ns() >= v->pending_until))
		report_pending(v);
}

void watch_finish(struct vm *v)
{
	report_pending(v);
}

void watch_flush(struct vm *v)
{
	judge(v, true);
	watch_finish(v);
}

uint64_t watch_next_due(const struct vm *v)
{
	uint64_t due = UINT64_MAX;

	if (v->done)
		return due;
	if (v->pending)
		return v->pending_until;
	/* Tick at least once per heartbeat to tell a stopped host (^Z). */
	if (v->heartbeat_seen && hang_ns(v))
		due = v->heard_ns + hang_ns(v) < v->tick_ns + HEARTBEAT_NS ?
		      v->heard_ns + hang_ns(v) : v->tick_ns + HEARTBEAT_NS;
	if (v->scx_error_ns && v->scx_error_ns + EXPLAIN_NS < due)
		due = v->scx_error_ns + EXPLAIN_NS;
	if (v->oops_ns && v->oops_ns + EXPLAIN_NS < due)
		due = v->oops_ns + EXPLAIN_NS;
	if (v->sched_died_ns && v->sched_died_ns + EXPLAIN_NS < due)
		due = v->sched_died_ns + EXPLAIN_NS;
	return due;
}
