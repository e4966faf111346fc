// SPDX-License-Identifier: GPL-2.0
/*
 * The host end of the wire protocol (lib/wire.h): the RUN request, and a
 * handler per message the agent sends. Its peer is guest/agent/ (port.c,
 * job.c, sched.c). Every value is the guest's: bounded and checked.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "agent_event.h"
#include "util.h"
#include "vm/bpfstate.h"
#include "vm/internal.h"

static int send_run(struct vm *v)
{
	static uint8_t pay[KTSTR_WIRE_MAX_PAYLOAD];
	static uint8_t frame[KTSTR_WIRE_MAX_FRAME];
	const struct vm_job *j = &v->o->job;
	size_t off = 0, n;
	int r = 0;

	if (j->command)
		r |= wire_tlv_put_str(pay, sizeof(pay), &off,
				      KTSTR_TLV_COMMAND, j->command);
	for (size_t i = 0; j->argv && i < j->argv->n; i++)
		r |= wire_tlv_put_str(pay, sizeof(pay), &off, KTSTR_TLV_ARGV,
				      j->argv->v[i]);
	for (size_t i = 0; j->env && i < j->env->n; i++)
		r |= wire_tlv_put_str(pay, sizeof(pay), &off, KTSTR_TLV_ENV,
				      j->env->v[i]);
	if (j->sched_path) {
		r |= wire_tlv_put_str(pay, sizeof(pay), &off,
				      KTSTR_TLV_SCHED_PATH, j->sched_path);
		for (size_t i = 0; j->sched_args && i < j->sched_args->n; i++)
			r |= wire_tlv_put_str(pay, sizeof(pay), &off,
					      KTSTR_TLV_SCHED_ARG,
					      j->sched_args->v[i]);
	}
	if (j->attach_timeout_ms)
		r |= wire_tlv_put_u32(pay, sizeof(pay), &off,
				      KTSTR_TLV_ATTACH_TIMEOUT_MS,
				      j->attach_timeout_ms);
	if (j->sched_path) {
		bool exact;
		int wd = vm_watchdog_ms(v->o, &exact);

		r |= wire_tlv_put_u32(pay, sizeof(pay), &off,
				      KTSTR_TLV_WATCHDOG_MS, (uint32_t)wd);
		r |= wire_tlv_put_u32(pay, sizeof(pay), &off,
				      KTSTR_TLV_WATCHDOG_EXACT, exact);
	}
	r |= wire_tlv_put_u32(pay, sizeof(pay), &off, KTSTR_TLV_INTERACTIVE,
			      j->interactive);
	if (r) {
		vm_fail(v, VM_ERROR, "the job does not fit in one %d-byte request",
			KTSTR_WIRE_MAX_PAYLOAD);
		return -1;
	}
	n = wire_encode(frame, sizeof(frame), KTSTR_MSG_RUN, 0, pay, off);
	return write_all(v->ctl, frame, n);
}

static void emit(struct vm *v, int stream, const char *buf, size_t len)
{
	if (v->o->output)
		v->o->output(v->o->output_ctx, stream, buf, len);
	else
		write_all(stream, buf, len);
}

/* Periodic snapshots count from the job's start: the scheduler attached. */
static void schedule_snapshots(struct vm *v)
{
	if (v->o->snapshots)
		capturer_schedule(v->cap, now_ns(), v->o->snapshots,
				  (uint64_t)v->o->snapshot_window_ms * 1000000ull);
}

static void on_hello(struct vm *v)
{
	if (v->hello)
		return;
	v->hello = true;
	v->r->boot_ns = now_ns() - v->start_ns;
	v->job_start_ns = now_ns();
	if (send_run(v))
		vm_fail(v, VM_ERROR, "cannot send the job to the guest: %s",
			strerror(errno));
	if (!v->o->job.sched_path)
		schedule_snapshots(v);
}

/* The guest's word: checked like any guest input, names made printable. */
static void on_step(struct vm *v, const struct wire_frame *f)
{
	uint32_t kind = 0, index = 0, count = 0;
	char scenario[32] = "", name[32] = "";
	const uint8_t *val;
	uint16_t tag, n;
	size_t off = 0;

	while (wire_tlv_next(f->payload, f->len, &off, &tag, &val, &n) > 0) {
		if (tag == KTSTR_TLV_STEP_KIND)
			wire_tlv_u32(val, n, &kind);
		else if (tag == KTSTR_TLV_STEP_INDEX)
			wire_tlv_u32(val, n, &index);
		else if (tag == KTSTR_TLV_STEP_COUNT)
			wire_tlv_u32(val, n, &count);
		else if (tag == KTSTR_TLV_STEP_SCENARIO)
			wire_tlv_str(val, n, scenario, sizeof(scenario));
		else if (tag == KTSTR_TLV_STEP_NAME)
			wire_tlv_str(val, n, name, sizeof(name));
	}
	if ((kind != KT_EVENT_STEP_BEGIN && kind != KT_EVENT_STEP_END) ||
	    index >= count) {
		if (!v->bad_steps++)
			errmsg("the guest sent a malformed STEP message (dropped; later ones are not said)");
		return;
	}
	printable_ascii(scenario);
	printable_ascii(name);
	v->scn.seen = true;
	v->scn.in = kind == KT_EVENT_STEP_BEGIN;
	v->scn.index = index;
	v->scn.count = count;
	memcpy(v->scn.scenario, scenario, sizeof(scenario));
	memcpy(v->scn.name, name, sizeof(name));
	v->scn.since_ns = now_ns();
	if (v->cap && v->scn.in)
		snprintf(v->cap->step, sizeof(v->cap->step), "%s/%s", scenario,
			 name);
	else if (v->cap)
		v->cap->step[0] = '\0';
	if (v->o->verbose)
		errmsg("scenario %s: step %u/%u \"%s\" %s", scenario, index + 1,
		       count, name, v->scn.in ? "begins" : "ended");
}

static void on_sched_event(struct vm *v, const struct wire_frame *f)
{
	static char detail[KTSTR_WIRE_MAX_PAYLOAD];
	char ops[128] = "";
	uint32_t ev = 0, st = UINT32_MAX, held = 0;
	int status;
	const uint8_t *val;
	uint16_t tag, n;
	size_t off = 0;

	detail[0] = '\0';
	while (wire_tlv_next(f->payload, f->len, &off, &tag, &val, &n) > 0) {
		if (tag == KTSTR_TLV_SCHED_EVENT)
			wire_tlv_u32(val, n, &ev);
		else if (tag == KTSTR_TLV_SCHED_OPS)
			wire_tlv_str(val, n, ops, sizeof(ops));
		else if (tag == KTSTR_TLV_SCHED_DETAIL)
			wire_tlv_str(val, n, detail, sizeof(detail));
		else if (tag == KTSTR_TLV_SCHED_STATUS)
			wire_tlv_u32(val, n, &st);
		else if (tag == KTSTR_TLV_BPF_HELD)
			wire_tlv_u32(val, n, &held);
	}
	status = st == UINT32_MAX ? -1 : (int)(st & 0xffff);
	switch (ev) {
	case KTSTR_SCHED_ATTACHED:
		snprintf(v->r->sched_ops, sizeof(v->r->sched_ops), "%s", ops);
		v->bpf_held = held;
		if (!v->r->sched_released)
			schedule_snapshots(v);
		/* Attached again after a hand-off: under test once more. */
		v->r->sched_released = false;
		if (v->o->verbose)
			errmsg("scheduler attached: sched_ext state enabled, ops %s",
			       ops);
		break;
	case KTSTR_SCHED_ATTACH_FAILED:
		vm_fail(v, VM_SCHED_FAILED, "scheduler %s never attached: %s",
			v->o->job.sched_path, detail);
		break;
	case KTSTR_SCHED_DIED:
		/* watch.c turns this into a verdict once the console has said why. */
		if (!v->sched_died_ns) {
			v->sched_died_ns = now_ns();
			snprintf(v->sched_death, sizeof(v->sched_death),
				 "scheduler process %s", detail);
			v->sched_status = status;
		}
		break;
	case KTSTR_SCHED_RELEASED:
		v->r->sched_released = true;
		if (v->o->verbose)
			errmsg("scheduler %s handed off to the test: %s",
			       v->o->job.sched_path, detail);
		break;
	case KTSTR_SCHED_STOPPED:
	default:
		break;	/* unknown events come from a newer agent */
	}
}

/* The scheduler's BPF state at its failure: the first one is kept. */
static void on_sched_bpf(struct vm *v, const struct wire_frame *f)
{
	if (v->bpf)
		return;
	v->bpf = bpfstate_parse(f->payload, f->len, v->bpf_summary,
				sizeof(v->bpf_summary));
}

static void on_sched_output(struct vm *v, const struct wire_frame *f)
{
	if (v->sched_log)
		fwrite(f->payload, 1, f->len, v->sched_log);
	if (v->o->verbose > 1)
		write_all(2, f->payload, f->len);
}

static void on_exit_frame(struct vm *v, const struct wire_frame *f)
{
	const uint8_t *val;
	uint16_t tag, n;
	size_t off = 0;
	uint32_t u;

	v->r->exit_code = -1;
	while (wire_tlv_next(f->payload, f->len, &off, &tag, &val, &n) > 0) {
		if (tag == KTSTR_TLV_EXIT_CODE && wire_tlv_u32(val, n, &u))
			v->r->exit_code = (int)(u & 0xff);
		else if (tag == KTSTR_TLV_EXIT_SIGNAL && wire_tlv_u32(val, n, &u))
			v->r->exit_signal = (int)(u & 0x7f);
	}
	/* A failure still being explained is decided before the exit. */
	watch_flush(v);
	if (!v->done) {
		v->done = true;
		v->r->outcome = VM_EXITED;
	}
}

static void on_layout(struct vm *v, const struct wire_frame *f)
{
	const struct topology *t = &v->o->cfg.topo;
	uint64_t node_bytes = (uint64_t)(v->o->cfg.memory_mb / t->nodes) << 20;
	char err[512];

	if (capturer_set_layout(v->cap, f->payload, f->len, v->dir, t->nodes,
				node_bytes, err, sizeof(err)))
		errmsg("snapshots will hold registers only: %s", err);
}

/*
 * ktstr-ctl capture in the guest: the capture thread freezes, captures
 * and thaws; proto_capture_done() answers.
 */
static void on_capture(struct vm *v, const struct wire_frame *f)
{
	uint32_t req = UINT32_MAX;
	char tag[KTSTR_TAG_LEN] = "";
	const uint8_t *val;
	uint16_t t, n;
	size_t off = 0;
	int r;

	while (wire_tlv_next(f->payload, f->len, &off, &t, &val, &n) > 0) {
		if (t == KTSTR_TLV_CAPTURE_TAG)
			wire_tlv_str(val, n, tag, sizeof(tag));
		else if (t == KTSTR_TLV_REQUEST_ID)
			wire_tlv_u32(val, n, &req);
	}
	if (req == UINT32_MAX)
		return;
	r = capturer_submit(v->cap, CAPTURE_GUEST, tag, false,
			    VM_CAPTURE_CTL_REPLY, req);
	if (r)
		proto_capture_done(v, req, r);
}

void proto_capture_done(struct vm *v, uint32_t req, int64_t id)
{
	uint8_t pay[64], frame[128];
	size_t off = 0;

	wire_tlv_put_u32(pay, sizeof(pay), &off, KTSTR_TLV_REQUEST_ID, req);
	wire_tlv_put_u32(pay, sizeof(pay), &off, KTSTR_TLV_CAPTURE_ID,
			 id > 0 ? (uint32_t)id : 0);
	wire_tlv_put_u32(pay, sizeof(pay), &off, KTSTR_TLV_RESULT,
			 id > 0 ? KTSTR_OK : KTSTR_E_HOST_FAILED);
	off = wire_encode(frame, sizeof(frame), KTSTR_MSG_CAPTURE_DONE, 0, pay,
			  off);
	if (v->ctl >= 0)
		write_all(v->ctl, frame, off);
}

static void on_log(const struct wire_frame *f)
{
	char text[1024];

	snprintf(text, sizeof(text), "%.*s", (int)f->len,
		 (const char *)f->payload);
	for (char *p = text; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	errmsg("guest: %s", text);
}

static void on_error(struct vm *v, const struct wire_frame *f)
{
	char text[1024] = "";
	const uint8_t *val;
	uint16_t tag, n;
	size_t off = 0;

	while (wire_tlv_next(f->payload, f->len, &off, &tag, &val, &n) > 0)
		if (tag == KTSTR_TLV_ERROR_TEXT)
			wire_tlv_str(val, n, text, sizeof(text));
	vm_fail(v, VM_ERROR, "guest agent: %s", text);
}

static void on_frame(const struct wire_frame *f, void *ctx)
{
	struct vm *v = ctx;

	switch (f->type) {
	case KTSTR_MSG_HEARTBEAT:
		watch_heard(v);
		break;
	case KTSTR_MSG_SCHED_BPF:
		on_sched_bpf(v, f);
		break;
	case KTSTR_MSG_HELLO:
		on_hello(v);
		break;
	case KTSTR_MSG_STDOUT:
	case KTSTR_MSG_STDERR:
		emit(v, f->type == KTSTR_MSG_STDOUT ? 1 : 2,
		     (const char *)f->payload, f->len);
		break;
	case KTSTR_MSG_LOG:
		on_log(f);
		break;
	case KTSTR_MSG_SCHED_EVENT:
		on_sched_event(v, f);
		break;
	case KTSTR_MSG_STEP:
		on_step(v, f);
		break;
	case KTSTR_MSG_SCHED_OUTPUT:
		on_sched_output(v, f);
		break;
	case KTSTR_MSG_EXIT:
		on_exit_frame(v, f);
		break;
	case KTSTR_MSG_FILE:
		outfiles_on_frame(v, f);
		break;
	case KTSTR_MSG_LAYOUT:
		on_layout(v, f);
		break;
	case KTSTR_MSG_CAPTURE:
		on_capture(v, f);
		break;
	case KTSTR_MSG_ERROR:
		on_error(v, f);
		break;
	default:
		break;
	}
}

void proto_feed(struct vm *v, const void *buf, size_t len)
{
	wire_decoder_feed(&v->dec, buf, len, on_frame, v);
}
