// SPDX-License-Identifier: GPL-2.0
/*
 * Output: the verdict as KTAP diagnostic lines, and the JSON report of
 * every measurement. Each scenario (a forked kselftest child) writes a
 * fragment; sc_report_end() joins them into $KTSTR_OUTPUT_DIR/scenarios.json.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "internal.h"
#include "../lib/ktstr_dev.h"
#include "../lib/ktstr_env.h"

static char frag_dir[128];
static char prog_name[64];

static const char * const work_names[SC_WORK_NR] = {
	[SC_WORK_SPIN] = "spin",
	[SC_WORK_YIELD] = "yield",
	[SC_WORK_MIXED] = "mixed",
	[SC_WORK_BURSTY] = "bursty",
	[SC_WORK_PIPE_PINGPONG] = "pipe_pingpong",
	[SC_WORK_FUTEX_PINGPONG] = "futex_pingpong",
	[SC_WORK_FUTEX_FANOUT] = "futex_fanout",
	[SC_WORK_CACHE] = "cache",
	[SC_WORK_FORK_CHURN] = "fork_churn",
	[SC_WORK_AFFINITY_CHURN] = "affinity_churn",
	[SC_WORK_POLICY_CHURN] = "policy_churn",
	[SC_WORK_PAGEFAULT] = "pagefault",
	[SC_WORK_MUTEX] = "mutex",
	[SC_WORK_IO_SYNC] = "io_sync",
	[SC_WORK_PHASES] = "phases",
	[SC_WORK_REQUESTS] = "requests",
};

/* ---- a small JSON writer ------------------------------------------ */

struct js {
	FILE *f;
	int depth;
	int first[16];
};

static void js_sep(struct js *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = 0;
	fprintf(j->f, "\n%*s", 2 * j->depth, "");
	if (key)
		fprintf(j->f, "\"%s\": ", key);
}

static void js_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void js_open(struct js *j, const char *key, char brace)
{
	js_sep(j, key);
	fputc(brace, j->f);
	j->first[++j->depth] = 1;
}

static void js_close(struct js *j, char brace)
{
	j->depth--;
	fprintf(j->f, "\n%*s%c", 2 * j->depth, "", brace);
}

static void js_str(struct js *j, const char *key, const char *v)
{
	js_sep(j, key);
	js_string(j->f, v);
}

static void js_num(struct js *j, const char *key, double v)
{
	js_sep(j, key);
	fprintf(j->f, "%.3f", v);
}

static void js_int(struct js *j, const char *key, long long v)
{
	js_sep(j, key);
	fprintf(j->f, "%lld", v);
}

static void js_bool(struct js *j, const char *key, int v)
{
	js_sep(j, key);
	fputs(v ? "true" : "false", j->f);
}

static void js_mask(struct js *j, const char *key, const struct sc_mask *m)
{
	char buf[512];

	sc_mask_format(m, buf, sizeof(buf));
	js_str(j, key, buf);
}

/* ---- one scenario --------------------------------------------------- */

static void write_limits(struct js *j, const struct sc_limits *l)
{
	js_open(j, "limits", '{');
	js_int(j, "min_units", l->min_units);
	js_num(j, "max_spread", l->max_spread);
	js_int(j, "max_gap_ms", l->max_gap_ms);
	js_num(j, "weight_tol", l->weight_tol);
	js_num(j, "throttle_tol", l->throttle_tol);
	js_num(j, "throttle_min", l->throttle_min);
	js_close(j, '}');
}

static void write_worker(struct js *j, struct sc_exec *x, struct sc_wk *w)
{
	const struct sc_slot *s = &w->fin;
	struct sc_mask all = { 0 };
	__u64 life = s->end_ns > s->start_ns ? s->end_ns - s->start_ns : 0;

	for (int e = 0; e < SC_EPOCHS; e++)
		sc_mask_or(&all, &s->cpus[e]);
	js_open(j, NULL, '{');
	js_str(j, "cgroup", x->cgs[w->cg].name);
	js_int(j, "index", w->index);
	js_int(j, "group", w->group);
	js_str(j, "work", w->spec->work.type < SC_WORK_NR ?
	       work_names[w->spec->work.type] : "?");
	js_str(j, "policy", sc_policy_name(w->spec->policy, false));
	js_int(j, "nice", w->spec->nice);
	js_int(j, "pid", w->pid);
	js_bool(j, "reported", w->reported);
	js_bool(j, "killed", w->killed);
	js_bool(j, "valid", w->valid);
	if (!w->valid)
		js_str(j, "invalid", w->invalid);
	js_int(j, "units", (long long)s->units);
	js_int(j, "fails", (long long)s->fails);
	js_num(j, "life_ms", life / 1e6);
	js_num(j, "cpu_ms", w->k.cpu_ns / 1e6);
	js_num(j, "runq_wait_ms", w->k.wait_ns / 1e6);
	js_int(j, "timeslices", (long long)w->k.timeslices);
	js_int(j, "voluntary_switches", (long long)w->k.vcsw);
	js_int(j, "involuntary_switches", (long long)w->k.ivcsw);
	js_num(j, "longest_gap_ms", s->max_gap_ns / 1e6);
	js_int(j, "longest_gap_cpu", s->gap_cpu);
	js_num(j, "longest_wall_gap_ms", s->max_wall_ns / 1e6);
	js_mask(j, "cpus", &all);
	js_int(j, "migrations_seen", (long long)s->migrations);
	js_int(j, "migrations", (long long)w->k.nr_migrations);
	if (s->lat_count) {
		js_int(j, "wakeups", (long long)s->lat_count);
		js_num(j, "wake_p50_us", sc_lat_percentile(s, 50) / 1e3);
		js_num(j, "wake_p99_us", sc_lat_percentile(s, 99) / 1e3);
		js_num(j, "wake_p999_us", sc_lat_percentile(s, 99.9) / 1e3);
		js_num(j, "wake_max_us", s->lat_max_ns / 1e3);
	}
	js_close(j, '}');
}

/*
 * What the cgroup's workers did together, for comparisons (ktstr
 * compare): units per second held, switches and migrations per second,
 * run-queue wait, the CPU time spread among them, the longest gap, the
 * wake latencies merged.
 */
#define SC_SPREAD_FLOOR_NS	1000000.0	/* 1 ms: a starved worker's share */

static void write_cgroup_work(struct js *j, struct sc_exec *x, int cg)
{
	struct sc_lat_sum lat = { 0 };
	__u64 slices = 0, gap = 0;
	double wait_ns = 0, cmin = 0, cmax = 0, held_units = 0, held_s = 0;
	double csw_rate = 0, migr_rate = 0;
	int n = 0;

	/* Throughput from the hold windows only: setup and teardown are not work. */
	for (int s = 0; s < x->nsteps; s++) {
		const struct sc_step_rec *rec = &x->steps[s];

		if (!rec->rated[cg] || rec->hold_end_ns <= rec->hold_start_ns)
			continue;
		held_units += (double)rec->units[cg];
		held_s += (rec->hold_end_ns - rec->hold_start_ns) / 1e9;
	}
	for (int i = 0; i < x->nwk; i++) {
		const struct sc_wk *w = &x->wk[i];
		const struct sc_slot *f = &w->fin;
		double cpu = (double)w->k.cpu_ns;
		double life = f->end_ns > f->start_ns ?
			      (f->end_ns - f->start_ns) / 1e9 : 0;

		if (w->cg != cg || !w->collected || !w->valid)
			continue;
		/* Switches and migrations per second of each worker's life, summed. */
		if (life > 0) {
			csw_rate += (double)(w->k.vcsw + w->k.ivcsw) / life;
			migr_rate += (double)w->k.nr_migrations / life;
		}
		slices += w->k.timeslices;
		wait_ns += (double)w->k.wait_ns;
		if (f->max_gap_ns > gap)
			gap = f->max_gap_ns;
		cmin = n ? (cpu < cmin ? cpu : cmin) : cpu;
		cmax = n ? (cpu > cmax ? cpu : cmax) : cpu;
		sc_lat_add(&lat, f);
		n++;
	}
	js_open(j, "work", '{');
	js_int(j, "workers", n);
	js_num(j, "held_s", held_s);
	js_num(j, "units_per_s", held_s > 0 ? held_units / held_s : 0);
	js_num(j, "switches_per_s", csw_rate);
	js_num(j, "migrations_per_s", migr_rate);
	js_num(j, "runq_wait_ms", wait_ns / 1e6);
	js_num(j, "delay_per_slice_us", slices ? wait_ns / slices / 1e3 : 0);
	/* A worker that got no CPU is the worst spread, not a missing one. */
	js_num(j, "cpu_spread", n > 1 ? cmax / (cmin > SC_SPREAD_FLOOR_NS ?
						 cmin : SC_SPREAD_FLOOR_NS) : 0);
	js_num(j, "longest_gap_ms", gap / 1e6);
	js_int(j, "wakeups", (long long)lat.count);
	if (lat.count) {
		js_num(j, "wake_p50_us", sc_lat_sum_pct(&lat, 50) / 1e3);
		js_num(j, "wake_p99_us", sc_lat_sum_pct(&lat, 99) / 1e3);
		js_num(j, "wake_p999_us", sc_lat_sum_pct(&lat, 99.9) / 1e3);
	}
	js_close(j, '}');
}

static void write_scenario(FILE *f, struct sc_exec *x)
{
	struct sc_result *r = x->r;
	struct js j = { .f = f, .first = { 1 } };

	js_open(&j, NULL, '{');
	js_str(&j, "name", x->s->name);
	js_str(&j, "doc", x->s->doc ? x->s->doc : "");
	js_str(&j, "verdict", r->skipped ? "skip" : r->nr_details ? "fail" : "pass");
	js_str(&j, "why", r->why);
	js_num(&j, "elapsed_ms", r->elapsed_ms);
	js_num(&j, "hold_ms", r->hold_ms);
	js_int(&j, "sched_died_step", r->sched_died_step);
	js_str(&j, "io_target", x->io.path);
	write_limits(&j, &x->lim);
	js_open(&j, "checks", '{');
	for (int c = 0; c < SC_CHECK_NR; c++) {
		js_open(&j, sc_check_name(c), '{');
		js_bool(&j, "applied", !!(r->applied & SC_BIT(c)));
		js_bool(&j, "fired", !!(r->fired & SC_BIT(c)));
		if (r->not_applied[c][0])
			js_str(&j, "not_applied", r->not_applied[c]);
		js_close(&j, '}');
	}
	js_close(&j, '}');
	js_open(&j, "failures", '[');
	for (unsigned int i = 0; i < r->nr_details; i++) {
		const struct sc_detail *d = &r->details[i];

		js_open(&j, NULL, '{');
		js_str(&j, "check", sc_check_name(d->check));
		js_str(&j, "cgroup", d->cgroup);
		js_int(&j, "worker", d->worker);
		js_int(&j, "pid", d->pid);
		js_int(&j, "cpu", d->cpu);
		js_num(&j, "value", d->value);
		js_num(&j, "limit", d->limit);
		js_str(&j, "step", d->step);
		js_str(&j, "text", d->text);
		js_close(&j, '}');
	}
	js_close(&j, ']');
	js_open(&j, "kernel_ops", '[');
	for (unsigned int i = 0; i < x->r->nr_kops; i++) {
		const struct sc_kop_result *k = &x->r->kops[i];

		js_open(&j, NULL, '{');
		js_str(&j, "op", sc_op_name(k->op));
		js_str(&j, "step", k->step);
		js_str(&j, "name", k->name);
		js_int(&j, "cpu", k->cpu);
		js_int(&j, "pid", k->pid);
		js_int(&j, "value", (long long)k->value);
		js_int(&j, "capture_id", (long long)k->capture_id);
		js_str(&j, "result", k->reason ? ktstr_reason_name(k->reason) : "ok");
		js_close(&j, '}');
	}
	js_close(&j, ']');
	js_open(&j, "steps", '[');
	for (int i = 0; i < x->nsteps; i++) {
		const struct sc_step_rec *s = &x->steps[i];

		js_open(&j, NULL, '{');
		js_str(&j, "name", s->name);
		js_int(&j, "planned_ms", (long long)s->planned_ms);
		js_num(&j, "hold_ms", s->hold_end_ns > s->hold_start_ns ?
		       (s->hold_end_ns - s->hold_start_ns) / 1e6 : 0);
		js_bool(&j, "cut", s->cut);
		js_num(&j, "start_ms", s->start_ns ? (s->start_ns - x->t0) / 1e6 : 0);
		js_num(&j, "end_ms", s->end_ns ? (s->end_ns - x->t0) / 1e6 : 0);
		js_open(&j, "rates", '[');
		for (int c = 0; c < x->ncg; c++) {
			double secs = (s->hold_end_ns - s->hold_start_ns) / 1e9;

			if (!s->rated[c])
				continue;
			js_open(&j, NULL, '{');
			js_str(&j, "cgroup", x->cgs[c].name);
			js_int(&j, "units", (long long)s->units[c]);
			js_num(&j, "units_per_s", secs > 0 ? s->units[c] / secs : 0);
			js_close(&j, '}');
		}
		js_close(&j, ']');
		js_close(&j, '}');
	}
	js_close(&j, ']');
	js_open(&j, "cgroups", '[');
	for (int i = 0; i < x->ncg; i++) {
		const struct sc_cg *c = &x->cgs[i];

		js_open(&j, NULL, '{');
		js_str(&j, "name", c->name);
		js_str(&j, "owner", c->owner < 0 ? "Backdrop" :
		       sc_step_name(x, c->owner));
		js_mask(&j, "cpus", &c->cpus);
		js_int(&j, "cpu_weight", c->weight);
		js_int(&j, "quota_us", c->quota_us);
		js_int(&j, "period_us", c->period_us);
		js_num(&j, "held_ms", c->acc_wall_us / 1e3);
		js_num(&j, "usage_ms", c->acc_usage_us / 1e3);
		js_num(&j, "cpus_used", c->acc_wall_us ?
		       (double)c->acc_usage_us / c->acc_wall_us : 0);
		js_int(&j, "nr_throttled", (long long)c->acc_throttled);
		write_cgroup_work(&j, x, i);
		js_int(&j, "io_weight", c->io_weight);
		js_open(&j, "io", '{');
		for (int k = 0; k < SC_IO_NR; k++)
			js_int(&j, sc_io_stat_keys[k], (long long)c->acc_io[k]);
		js_close(&j, '}');
		js_close(&j, '}');
	}
	js_close(&j, ']');
	js_open(&j, "workers", '[');
	for (int i = 0; i < x->nwk; i++)
		if (x->wk[i].collected)
			write_worker(&j, x, &x->wk[i]);
	js_close(&j, ']');
	js_close(&j, '}');
	fputc('\n', f);
}

void sc_report_write(struct sc_exec *x)
{
	char path[320];
	FILE *f;

	if (!frag_dir[0])
		return;
	snprintf(path, sizeof(path), "%s/%020llu-%s.json", frag_dir,
		 (unsigned long long)x->t0, x->s->name);
	f = fopen(path, "we");
	if (!f)
		return;
	write_scenario(f, x);
	fclose(f);
}

void sc_result_print(const struct sc_result *r, FILE *f)
{
	if (r->skipped) {
		fprintf(f, "# skipped: %s\n", r->why);
		return;
	}
	fprintf(f, "# %s: %u failure%s, holds %.0f ms, %.0f ms in all, %u workers\n",
		r->nr_details ? "FAIL" : "pass", r->nr_details,
		r->nr_details == 1 ? "" : "s", r->hold_ms, r->elapsed_ms,
		r->nr_workers);
	for (unsigned int i = 0; i < r->nr_details; i++) {
		const struct sc_detail *d = &r->details[i];

		fprintf(f, "#   %s [step %s] cgroup %s worker %d pid %d cpu %d: ",
			sc_check_name(d->check), d->step,
			d->cgroup[0] ? d->cgroup : "-", d->worker, d->pid,
			d->cpu);
		fprintf(f, "%.3f vs limit %.3f: %s\n", d->value, d->limit,
			d->text);
	}
	if (r->dropped)
		fprintf(f, "#   (%u more failures not kept)\n", r->dropped);
	for (unsigned int i = 0; i < r->nr_kops; i++) {
		const struct sc_kop_result *k = &r->kops[i];

		fprintf(f, "#   %s [step %s] %s: ", sc_op_name(k->op), k->step,
			k->name);
		if (k->reason)
			fprintf(f, "refused, %s\n", ktstr_reason_text(k->reason));
		else if (k->op == SC_OP_CAPTURE)
			fprintf(f, "snapshot %llu\n",
				(unsigned long long)k->capture_id);
		else
			fprintf(f, "%llu\n", (unsigned long long)k->value);
	}
	for (int c = 0; c < SC_CHECK_NR; c++)
		if (r->not_applied[c][0])
			fprintf(f, "#   %s not applied: %s\n", sc_check_name(c),
				r->not_applied[c]);
}

/* ---- the run's document --------------------------------------------- */

void sc_report_begin(const char *prog)
{
	const char *base = strrchr(prog, '/');

	snprintf(prog_name, sizeof(prog_name), "%s", base ? base + 1 : prog);
	snprintf(frag_dir, sizeof(frag_dir), "/tmp/ktstr-scenarios.XXXXXX");
	if (!mkdtemp(frag_dir))
		frag_dir[0] = '\0';
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void copy_file(FILE *out, const char *path)
{
	char buf[8192];
	size_t n;
	FILE *in = fopen(path, "re");

	if (!in)
		return;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
}

int sc_report_end(void)
{
	const char *dir = getenv(KTSTR_ENV_OUTPUT_DIR);
	char *names[256], path[512], out[320];
	struct dirent *e;
	struct utsname u;
	int n = 0;
	DIR *d;
	FILE *f;

	if (!frag_dir[0])
		return -1;
	d = opendir(frag_dir);
	while (d && n < 256 && (e = readdir(d)))
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	if (d)
		closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), cmp_names);
	if (!n) {
		rmdir(frag_dir);
		return 0;
	}
	/* Run directly (no ktstr), the KTAP lines are the whole record. */
	f = NULL;
	if (dir && dir[0]) {
		snprintf(out, sizeof(out), "%s/%s", dir, KTSTR_SCENARIO_REPORT);
		f = fopen(out, "we");
	}
	uname(&u);
	if (f) {
		fprintf(f, "{\n  \"format\": \"%s\",\n  \"program\": ",
			KTSTR_SCENARIO_FORMAT);
		js_string(f, prog_name);
		fprintf(f, ",\n  \"kernel\": ");
		js_string(f, u.release);
		fprintf(f, ",\n  \"topology\": ");
		js_string(f, getenv(KTSTR_ENV_TOPOLOGY));
		fprintf(f, ",\n  \"scheduler\": ");
		js_string(f, getenv(KTSTR_ENV_SCHEDULER));
		fprintf(f, ",\n  \"scenarios\": [");
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", frag_dir, names[i]);
		if (f) {
			fputs(i ? "," : "", f);
			copy_file(f, path);
		}
		unlink(path);
		free(names[i]);
	}
	rmdir(frag_dir);
	if (!f && !(dir && dir[0])) {
		printf("# scenario report not written: %s is not set\n",
		       KTSTR_ENV_OUTPUT_DIR);
		return 0;
	}
	if (!f)
		return -1;
	fprintf(f, "]\n}\n");
	fclose(f);
	printf("# scenario report: %s (%d scenarios)\n", out, n);
	return 0;
}
