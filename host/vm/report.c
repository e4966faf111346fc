// SPDX-License-Identifier: GPL-2.0
/*
 * The failure report: a short BUG SUMMARY first (verdict, scheduler,
 * test, when, what), then the details; the same as failure.json in
 * --output-dir (schema in Documentation/failures.rst).
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "vm/internal.h"

#define TAIL_LINES	40
#define SCHED_LOG_TAIL	4096

static const char *test_name(const struct vm *v)
{
	const struct vm_job *j = &v->o->job;

	if (j->command)
		return j->command;
	if (j->argv && j->argv->n)
		return j->argv->v[0];
	return "(interactive shell)";
}

/* Seconds from the step's BEGIN (or END) to the verdict. */
static double scn_elapsed(const struct vm *v)
{
	uint64_t at = v->verdict_ns ? v->verdict_ns : now_ns();

	return at > v->scn_at_verdict.since_ns ?
	       (at - v->scn_at_verdict.since_ns) / 1e9 : 0;
}

/* The subtest or scenario step the job was in at the verdict. */
static const char *step_name(const struct vm *v)
{
	return v->r->step;
}

static const char *sched_name(const struct vm *v)
{
	const char *p = v->o->job.sched_path;

	if (!p)
		return "EEVDF (no sched_ext scheduler)";
	return strrchr(p, '/') ? strrchr(p, '/') + 1 : p;
}

/* The end of what the scheduler printed (scheduler.log), or "". */
static char *sched_log_tail(struct vm *v)
{
	char path[4200], *tail = calloc(1, SCHED_LOG_TAIL + 1);
	off_t size;
	ssize_t n;
	int fd;

	if (!tail || !v->o->output_dir || !v->sched_log)
		return tail;
	fflush(v->sched_log);
	snprintf(path, sizeof(path), "%s/scheduler.log", v->o->output_dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tail;
	size = lseek(fd, 0, SEEK_END);
	n = pread(fd, tail, SCHED_LOG_TAIL,
		  size > SCHED_LOG_TAIL ? size - SCHED_LOG_TAIL : 0);
	tail[n > 0 ? n : 0] = '\0';
	close(fd);
	return tail;
}

static void json_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static void write_json(struct vm *v, enum vm_outcome out, const char *what,
		       const struct kev *ev, double elapsed, const char *console,
		       const char *slog)
{
	const struct kevents *k = &v->con.kev;
	struct json_object *o = json_object_new_object();
	char path[4200];

	json_str(o, "verdict", vm_outcome_name(out));
	json_str(o, "what", what);
	json_str(o, "scheduler", sched_name(v));
	json_str(o, "scheduler_ops", v->r->sched_ops);
	json_str(o, "test", test_name(v));
	json_str(o, "step", step_name(v));
	if (v->scn_at_verdict.seen) {
		const struct vm_scn_step *st = &v->scn_at_verdict;
		struct json_object *s = json_object_new_object();

		json_str(s, "scenario", st->scenario);
		json_str(s, "name", st->name);
		json_str(s, "state", st->in ? "in" : "after");
		json_object_object_add(s, "index", json_object_new_int64(st->index));
		json_object_object_add(s, "count", json_object_new_int64(st->count));
		json_object_object_add(s, "elapsed_s",
				       json_object_new_double(scn_elapsed(v)));
		json_object_object_add(o, "scenario_step", s);
	}
	json_object_object_add(o, "elapsed_s", json_object_new_double(elapsed));
	json_object_object_add(o, "guest_uptime_s",
			       json_object_new_double(ev ? ev->uptime : -1));
	if (ev)
		json_str(o, "kernel_text", ev->text);
	if (out == VM_SCHED_ERROR) {
		struct json_object *x = json_object_new_object();

		json_str(x, "kind", kev_scx_kind_name(k->scx_kind));
		json_object_object_add(x, "kind_value",
				       json_object_new_int(k->scx_kind));
		json_str(x, "reason", k->scx_reason);
		json_str(x, "message", k->scx_msg);
		json_str(x, "ops", k->scx_name);
		json_str(x, "triggered_by", k->dump_trigger);
		json_object_object_add(o, "exit_info", x);
		json_str(o, "debug_dump", k->dump);
		json_object_object_add(o, "debug_dump_truncated",
				       json_object_new_boolean(k->dump_truncated));
	}
	if (v->sched_died_ns)
		json_str(o, "scheduler_process", v->sched_death);
	/* From ktstr.ko's word that sched_ext claimed the exit to now. */
	json_object_object_add(o, "exit_to_verdict_ms",
			       json_object_new_double(v->scx_exit_sync_ns ?
				       (v->verdict_ns - v->scx_exit_sync_ns) / 1e6 : -1));
	if (v->bpf)
		json_object_object_add(o, "bpf", json_object_get(v->bpf));
	else if (v->bpf_held)
		json_str(o, "bpf_missing", "the agent held the scheduler's BPF objects but sent no state in time");
	json_object_object_add(o, "snapshot_id",
			       json_object_new_int64(v->failure_capture));
	json_str(o, "longest_wait", v->failure_capture > 0 &&
		 v->failure_capture == v->cap->last_id ? v->cap->last_wait : "");
	json_object_object_add(o, "snapshot_before_teardown",
			       json_object_new_boolean(out == VM_SCHED_ERROR &&
						       v->scx_exit_captured));
	json_str(o, "scheduler_output_tail", slog);
	json_str(o, "console_tail", console);
	snprintf(path, sizeof(path), "%s/failure.json", v->o->output_dir);
	if (json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY))
		errmsg("cannot write %s: %s", path, strerror(errno));
	else
		snprintf(v->r->report, sizeof(v->r->report), "%s", path);
	json_object_put(o);
}

void report_failure(struct vm *v, enum vm_outcome out, const char *what,
		    const struct kev *ev)
{
	const struct kevents *k = &v->con.kev;
	double elapsed = ((v->verdict_ns ? v->verdict_ns : now_ns()) -
			  v->job_start_ns) / 1e9;
	static char console[8192], sum[4096];
	char *slog = sched_log_tail(v);
	size_t off = 0;

	console_last_lines(&v->con, TAIL_LINES, "", console, sizeof(console));
	off += snprintf(sum + off, sizeof(sum) - off,
			"BUG SUMMARY: %s\n"
			"  scheduler: %s%s%s%s\n"
			"  test:      %s%s%s\n"
			"  when:      %.2f s into the job",
			vm_outcome_name(out), sched_name(v),
			v->r->sched_ops[0] ? " (ops " : "", v->r->sched_ops,
			v->r->sched_ops[0] ? ")" : "", test_name(v),
			step_name(v)[0] ? ", step " : "", step_name(v), elapsed);
	if (ev && ev->uptime >= 0 && off < sizeof(sum))
		off += snprintf(sum + off, sizeof(sum) - off,
				", guest uptime %.3f s", ev->uptime);
	if (v->scn_at_verdict.seen && off < sizeof(sum))
		off += snprintf(sum + off, sizeof(sum) - off,
				"\n  scenario:  %s, %s %u/%u \"%s\", %.2f s %s",
				v->scn_at_verdict.scenario,
				v->scn_at_verdict.in ? "step" : "after step",
				v->scn_at_verdict.index + 1, v->scn_at_verdict.count,
				v->scn_at_verdict.name, scn_elapsed(v),
				v->scn_at_verdict.in ? "in" : "after its end");
	if (out == VM_SCHED_ERROR && off < sizeof(sum))
		off += snprintf(sum + off, sizeof(sum) - off,
				"\n  exit:      %s (%s)\n  message:   %s",
				kev_scx_kind_name(k->scx_kind), k->scx_reason,
				k->scx_msg[0] ? k->scx_msg : "(none)");
	if (out == VM_SCHED_ERROR && k->dump_trigger[0] && off < sizeof(sum))
		off += snprintf(sum + off, sizeof(sum) - off,
				"\n  on:        %s\n  dump:      %u lines of sched_ext's debug dump%s",
				k->dump_trigger, k->dump_lines,
				v->o->output_dir ? " in failure.json" : "");
	if (off < sizeof(sum))
		off += snprintf(sum + off, sizeof(sum) - off, "\n  what:      %s",
				what);
	if (v->failure_capture > 0 && off < sizeof(sum))
		off += snprintf(sum + off, sizeof(sum) - off,
				"\n  snapshot:  %lld (%s)",
				(long long)v->failure_capture,
				v->scx_exit_captured && out == VM_SCHED_ERROR ?
				"all vCPUs frozen at the exit, before teardown" :
				"taken at the verdict");
	if (v->failure_capture > 0 && v->failure_capture == v->cap->last_id &&
	    v->cap->last_wait[0] && off < sizeof(sum))
		off += snprintf(sum + off, sizeof(sum) - off,
				"\n  waiting:   %s", v->cap->last_wait);
	if (v->bpf && off < sizeof(sum))
		off += snprintf(sum + off, sizeof(sum) - off,
				"\n  bpf:       %s%s", v->bpf_summary,
				v->o->output_dir ? " in failure.json" : "");
	if (ev && ev->text[0] && off < sizeof(sum))
		off += snprintf(sum + off, sizeof(sum) - off,
				"\nkernel said:\n%s", ev->text);
	if (v->o->output_dir)
		write_json(v, out, what, ev, elapsed, console, slog ? slog : "");
	if (v->r->report[0] && off < sizeof(sum))
		snprintf(sum + off, sizeof(sum) - off, "\nreport: %s",
			 v->r->report);
	free(slog);
	vm_fail(v, out, "%s", sum);
}
