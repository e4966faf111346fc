// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler a run asked for: started before the job through the
 * shared lifecycle (selftests/lib/scheduler.c), its output forwarded, its
 * lifecycle reported to the host as typed events, stopped after the job.
 * A test may take it over through the hand-off socket.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "util.h"

#define OUTPUT_KEEP	8192	/* output tail kept for an attach failure */
#define STOP_GRACE_MS	5000
#define RECLAIM_WAIT_NS	10000000000ull	/* then say sched_ext is held */

/* The tail of what the scheduler printed, for an attach failure. */
static char out_tail[OUTPUT_KEEP + 1];
static size_t out_len;

static void keep_output(const char *buf, size_t n)
{
	size_t drop;

	if (n > OUTPUT_KEEP) {
		buf += n - OUTPUT_KEEP;
		n = OUTPUT_KEEP;
	}
	drop = out_len + n > OUTPUT_KEEP ? out_len + n - OUTPUT_KEEP : 0;
	if (drop) {
		memmove(out_tail, out_tail + drop, out_len - drop);
		out_len -= drop;
	}
	memcpy(out_tail + out_len, buf, n);
	out_len += n;
	out_tail[out_len] = '\0';
}

static void send_event_full(struct port *p, enum ktstr_sched_event ev,
			    const char *ops, const char *detail, int status,
			    int bpf_held)
{
	static uint8_t buf[KTSTR_WIRE_MAX_PAYLOAD];
	size_t off = 0;

	wire_tlv_put_u32(buf, sizeof(buf), &off, KTSTR_TLV_SCHED_EVENT, ev);
	if (bpf_held >= 0)
		wire_tlv_put_u32(buf, sizeof(buf), &off, KTSTR_TLV_BPF_HELD,
				 (uint32_t)bpf_held);
	if (status >= 0)
		wire_tlv_put_u32(buf, sizeof(buf), &off, KTSTR_TLV_SCHED_STATUS,
				 (uint32_t)status);
	if (ops)
		wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_SCHED_OPS,
				 ops);
	if (detail)
		wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_SCHED_DETAIL,
				 detail);
	port_send(p, KTSTR_MSG_SCHED_EVENT, buf, off);
}

static void send_event_status(struct port *p, enum ktstr_sched_event ev,
			      const char *ops, const char *detail, int status)
{
	send_event_full(p, ev, ops, detail, status, -1);
}

static void send_event(struct port *p, enum ktstr_sched_event ev,
		       const char *ops, const char *detail)
{
	send_event_status(p, ev, ops, detail, -1);
}

static void pump_output(struct kt_sched *proc, void *ctx)
{
	struct port *p = ctx;
	char buf[4096];
	ssize_t n;

	while (proc->out_fd >= 0 &&
	       (n = read(proc->out_fd, buf, sizeof(buf))) > 0) {
		keep_output(buf, (size_t)n);
		port_send(p, KTSTR_MSG_SCHED_OUTPUT, buf, (size_t)n);
	}
}

bool sched_pump(struct port *p, struct agent_sched *s)
{
	pump_output(&s->proc, p);
	return !kt_sched_reap(&s->proc);
}

static void set_watchdog(struct port *p, const struct job *j)
{
	uint32_t own = 0;
	char why[200];

	if (!j->watchdog_ms)
		return;
	if (watchdog_set(j->watchdog_ms, j->watchdog_exact, &own, why,
			 sizeof(why)))
		port_log(p, "sched_ext watchdog left at the kernel's: %s", why);
	else if (j->watchdog_exact && own && own < j->watchdog_ms)
		port_log(p, "sched_ext watchdog raised from the scheduler's own %u ms to %u ms",
			 own, j->watchdog_ms);
}

static int launch(struct port *p, struct agent_sched *s)
{
	const struct job *j = s->job;
	struct strlist argv = STRLIST_INIT;
	char why[200], ops[128];
	int r;

	out_len = 0;
	out_tail[0] = '\0';
	if (kt_scx_state() == KT_SCX_ABSENT) {
		send_event(p, KTSTR_SCHED_ATTACH_FAILED, NULL,
			   "this kernel has no sched_ext (" KT_SCX_STATE_PATH " is missing)");
		return -1;
	}
	strlist_push(&argv, j->sched_path);
	for (size_t i = 0; i < j->sched_args.n; i++)
		strlist_push(&argv, j->sched_args.v[i]);
	if (j->watchdog_ms)
		watchdog_mark();
	r = kt_sched_spawn(&s->proc, argv.v, -1);
	strlist_free(&argv);
	if (r) {
		send_event(p, KTSTR_SCHED_ATTACH_FAILED, NULL,
			   "cannot fork the scheduler");
		return -1;
	}
	if (!kt_sched_wait_attached(&s->proc, j->attach_timeout_ms,
				    pump_output, p, why, sizeof(why))) {
		kt_scx_ops(ops, sizeof(ops));
		/* sched_ext set its own timeout at the attach: lower it now. */
		set_watchdog(p, j);
		/* Its maps must stay readable after its process is gone. */
		send_event_full(p, KTSTR_SCHED_ATTACHED, ops, NULL, -1,
				(int)bpf_state_hold(&s->bpf));
		return 0;
	}
	{
		static char msg[OUTPUT_KEEP + 256];

		snprintf(msg, sizeof(msg), "%s; its output:\n%s", why,
			 out_len ? out_tail : "(nothing)\n");
		send_event(p, KTSTR_SCHED_ATTACH_FAILED, NULL, msg);
	}
	kt_sched_stop(&s->proc, STOP_GRACE_MS, pump_output, p);
	kt_sched_release_fds(&s->proc);
	return -1;
}

int sched_start(struct port *p, const struct job *j, struct agent_sched *s)
{
	kt_sched_init(&s->proc);
	s->job = j;
	s->released = false;
	s->handoff_fd = -1;
	if (launch(p, s))
		return -1;
	s->handoff_fd = kt_handoff_listen(AGENT_HANDOFF_SOCK);
	if (s->handoff_fd < 0)
		port_log(p, "no scheduler hand-off (%s: %s): tests cannot detach the scheduler",
			 AGENT_HANDOFF_SOCK, strerror(errno));
	return 0;
}

/* Stop it and say how it ended: @ev unless it had already died. */
static void finish(struct port *p, struct agent_sched *s,
		   enum ktstr_sched_event ev)
{
	char why[160];
	bool died;

	if (s->proc.pid <= 0)
		return;
	died = kt_sched_reap(&s->proc);
	/*
	 * Before the death, and before stopping one sched_ext is already
	 * disabling: the host's report waits for it.
	 */
	if (died || (ev == KTSTR_SCHED_STOPPED && !s->released &&
		     kt_scx_state() != KT_SCX_ENABLED))
		bpf_state_send(p, &s->bpf);
	kt_sched_stop(&s->proc, STOP_GRACE_MS, pump_output, p);
	kt_sched_describe_exit(s->proc.status, why, sizeof(why));
	send_event_status(p, died ? KTSTR_SCHED_DIED : ev, NULL, why,
			  s->proc.status);
	kt_sched_release_fds(&s->proc);
	bpf_state_release(&s->bpf);
}

/*
 * The test that took the scheduler over died without giving it back (a
 * kselftest timeout SIGKILLs it): once sched_ext is free again (its own
 * scheduler dies with it, PR_SET_PDEATHSIG), start ours again so the
 * tests after it run under the scheduler they were asked to.
 */
static void reclaim(struct port *p, struct agent_sched *s)
{
	if (!s->releaser || kill(s->releaser, 0) == 0 || errno != ESRCH)
		return;
	if (!s->releaser_gone_ns)
		s->releaser_gone_ns = now_ns();
	if (kt_scx_state() != KT_SCX_DISABLED) {
		if (now_ns() - s->releaser_gone_ns > RECLAIM_WAIT_NS &&
		    !s->reclaim_warned) {
			port_log(p, "test pid %d died holding the scheduler hand-off and sched_ext is still %s",
				 s->releaser, kt_scx_state_name(kt_scx_state()));
			s->reclaim_warned = true;
		}
		return;
	}
	port_log(p, "test pid %d died holding the scheduler hand-off: starting %s again",
		 s->releaser, s->job->sched_path);
	s->released = false;
	s->releaser = 0;
	launch(p, s);
}

void sched_check(struct port *p, struct agent_sched *s)
{
	/*
	 * sched_ext is disabling it (an error exit, a stall): its process
	 * lives on a while, but the host wants its BPF state now.
	 */
	if (s->proc.pid > 0 && !s->released && s->bpf.nr_progs + s->bpf.nr_maps &&
	    !s->bpf.sent && kt_scx_state() != KT_SCX_ENABLED)
		bpf_state_send(p, &s->bpf);
	/* Say so the moment it is gone: the host ends the job then. */
	if (s->proc.pid > 0 && kt_sched_reap(&s->proc))
		finish(p, s, KTSTR_SCHED_DIED);
	if (s->released)
		reclaim(p, s);
}

void sched_stop(struct port *p, struct agent_sched *s)
{
	finish(p, s, KTSTR_SCHED_STOPPED);
	if (s->handoff_fd >= 0) {
		close(s->handoff_fd);
		unlink(AGENT_HANDOFF_SOCK);
		s->handoff_fd = -1;
	}
}

struct handoff_ctx {
	struct port *p;
	struct agent_sched *s;
};

static int on_handoff(enum kt_handoff_op op, pid_t peer,
		      struct kt_handoff_msg *reply, void *ctx)
{
	struct handoff_ctx *h = ctx;
	struct agent_sched *s = h->s;
	size_t len = sizeof(reply->detail);
	char *why = reply->detail;

	if (op == KT_HANDOFF_STATUS) {
		reply->pid = s->released ? -1 : s->proc.pid;
		return 0;
	}
	if (op == KT_HANDOFF_RELEASE) {
		if (s->released || s->proc.pid <= 0) {
			snprintf(why, len, "hand-off: the agent's scheduler is not running");
			return -ESRCH;
		}
		finish(h->p, s, KTSTR_SCHED_RELEASED);
		s->released = true;
		s->releaser = peer;
		s->releaser_gone_ns = 0;
		if (kt_scx_wait_state(KT_SCX_DISABLED, -1, STOP_GRACE_MS)) {
			snprintf(why, len, "hand-off: sched_ext is %s after stopping %s",
				 kt_scx_state_name(kt_scx_state()), s->job->sched_path);
			return -EBUSY;
		}
		return 0;
	}
	if (!s->released) {
		snprintf(why, len, "hand-off: nothing to resume, the agent's scheduler was not released");
		return -EINVAL;
	}
	if (kt_scx_state() != KT_SCX_DISABLED) {
		snprintf(why, len, "hand-off: cannot resume %s, sched_ext is %s",
			 s->job->sched_path, kt_scx_state_name(kt_scx_state()));
		return -EBUSY;
	}
	s->released = false;
	s->releaser = 0;
	if (launch(h->p, s)) {
		snprintf(why, len, "hand-off: %s did not attach again",
			 s->job->sched_path);
		return -EIO;
	}
	reply->pid = s->proc.pid;
	return 0;
}

void sched_handoff_serve(struct port *p, struct agent_sched *s)
{
	struct handoff_ctx h = { .p = p, .s = s };

	kt_handoff_serve(s->handoff_fd, on_handoff, &h);
}
