// SPDX-License-Identifier: GPL-2.0
/*
 * Checks over what the workers and cgroups reported, with thresholds from
 * four layers: the defaults, the test, the test's entry for the scheduler
 * under test, the environment (KTSTR_SCENARIO_LIMITS). A scheduler that
 * does not implement a cgroup feature is not failed for it: that is
 * detected at run time (see not_applicable()), not listed per scheduler.
 * Every failure names the cgroup, worker, CPU, the measured value and the
 * limit. Defaults are set for TCG on two host cores and documented in
 * Documentation/scenarios.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "../lib/ktstr_env.h"

#define SC_FAIR_MIN_LIFE_MS	500

static const char * const check_names[SC_CHECK_NR] = {
	[SC_CHECK_HARNESS] = "harness",
	[SC_CHECK_NOT_STARVED] = "not_starved",
	[SC_CHECK_FAIRNESS] = "fairness",
	[SC_CHECK_GAP] = "longest_gap",
	[SC_CHECK_ISOLATION] = "cpuset_isolation",
	[SC_CHECK_WEIGHT] = "weight_ratio",
	[SC_CHECK_THROTTLE] = "throttle_share",
	[SC_CHECK_SCHED_ALIVE] = "scheduler_alive",
	[SC_CHECK_SCHED_CLASS] = "sched_class",
	[SC_CHECK_MEMPOLICY] = "mempolicy",
	[SC_CHECK_IO_WEIGHT] = "io_weight_ratio",
	[SC_CHECK_IO_MAX] = "io_max_limit",
};

const char *sc_check_name(enum sc_check c)
{
	return c < SC_CHECK_NR ? check_names[c] : "?";
}

static const struct sc_limits sc_defaults = {
	.min_units = 1,
	.max_spread = 4.0,
	.max_gap_ms = 1000,
	.weight_tol = 2.0,
	.throttle_tol = 0.5,
	.throttle_min = 0,
	.io_tol = 1.5,
};

static void merge(struct sc_limits *d, const struct sc_limits *s)
{
	d->off |= s->off;
	d->force |= s->force;
	if (s->why)
		d->why = s->why;
	if (s->min_units)
		d->min_units = s->min_units;
	if (s->max_spread)
		d->max_spread = s->max_spread;
	if (s->max_gap_ms)
		d->max_gap_ms = s->max_gap_ms;
	if (s->weight_tol)
		d->weight_tol = s->weight_tol;
	if (s->throttle_tol)
		d->throttle_tol = s->throttle_tol;
	if (s->throttle_min)
		d->throttle_min = s->throttle_min;
	if (s->io_tol)
		d->io_tol = s->io_tol;
}

static void merge_sched(struct sc_limits *d, const struct sc_sched_limits *t,
			const char *sched)
{
	for (; t && t->sched; t++)
		if (sched && !strcmp(t->sched, sched))
			merge(d, &t->limits);
}

static unsigned int check_bits(const char *v)
{
	unsigned int bits = 0;
	char buf[128], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", v);
	for (char *c = strtok_r(buf, "+", &save); c; c = strtok_r(NULL, "+", &save))
		for (int i = 0; i < SC_CHECK_NR; i++)
			if (!strcmp(c, check_names[i]))
				bits |= SC_BIT(i);
	return bits;
}

/* KTSTR_SCENARIO_LIMITS="max_gap_ms=800,max_spread=3,off=fairness" */
static void merge_env(struct sc_limits *d)
{
	const char *env = getenv(KTSTR_ENV_SCENARIO_LIMITS);
	struct sc_limits e = { 0 };
	char buf[512], *save = NULL;

	if (!env)
		return;
	snprintf(buf, sizeof(buf), "%s", env);
	for (char *kv = strtok_r(buf, ", ", &save); kv;
	     kv = strtok_r(NULL, ", ", &save)) {
		char *v = strchr(kv, '=');

		if (!v)
			continue;
		*v++ = '\0';
		if (!strcmp(kv, "min_units"))
			e.min_units = (unsigned int)atoi(v);
		else if (!strcmp(kv, "max_spread"))
			e.max_spread = atof(v);
		else if (!strcmp(kv, "max_gap_ms"))
			e.max_gap_ms = (unsigned int)atoi(v);
		else if (!strcmp(kv, "weight_tol"))
			e.weight_tol = atof(v);
		else if (!strcmp(kv, "throttle_tol"))
			e.throttle_tol = atof(v);
		else if (!strcmp(kv, "throttle_min"))
			e.throttle_min = atof(v);
		else if (!strcmp(kv, "io_tol"))
			e.io_tol = atof(v);
		else if (!strcmp(kv, "off"))
			e.off = check_bits(v);
		else if (!strcmp(kv, "force"))
			e.force = check_bits(v);
	}
	if (e.off)
		e.why = KTSTR_ENV_SCENARIO_LIMITS;
	merge(d, &e);
}

/* The thresholds @s runs with under scheduler @sched (KTSTR_SCHEDULER). */
void sc_limits_resolve(const struct sc_scenario *s, const char *sched,
		       struct sc_limits *out)
{
	*out = sc_defaults;
	merge(out, &s->limits);
	merge_sched(out, s->sched_limits, sched);
	merge_env(out);
	out->off &= ~out->force;
}

/* ---- applicability --------------------------------------------------- */

/* The kernel log names a sched_ext scheduler that ignores cpu.weight. */
static int klog_has(const char *a, const char *b)
{
	int len = klogctl(10, NULL, 0), n, hit = 0;
	char *buf;

	if (len <= 0)
		return 0;
	buf = malloc((size_t)len + 1);
	if (!buf)
		return 0;
	n = klogctl(3, buf, len);
	if (n > 0) {
		buf[n] = '\0';
		for (char *line = strtok(buf, "\n"); line && !hit;
		     line = strtok(NULL, "\n"))
			hit = strstr(line, a) && strstr(line, b);
	}
	free(buf);
	return hit;
}

/* Does the kernel's struct sched_ext_ops have @member (BTF)? */
static int btf_has(const char *member)
{
	size_t len = strlen(member) + 1, cap = 16 << 20, got = 0;
	int fd = open("/sys/kernel/btf/vmlinux", O_RDONLY | O_CLOEXEC), hit = 0;
	char *buf;
	ssize_t n;

	if (fd < 0)
		return -1;
	buf = malloc(cap);
	while (buf && got < cap && (n = read(fd, buf + got, cap - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (!buf)
		return -1;
	hit = !!memmem(buf, got, member, len);
	free(buf);
	return hit;
}

static unsigned int not_applicable(struct sc_exec *x)
{
	struct sc_result *r = x->r;
	unsigned int na = 0;
	int weights = 0, quotas = 0;
	char quoted[80];

	for (int i = 0; i < x->ncg; i++) {
		weights += x->cgs[i].weight && x->cgs[i].acc_wall_us;
		quotas += x->cgs[i].quota_us && x->cgs[i].acc_wall_us;
	}
	if (weights < 2) {
		na |= SC_BIT(SC_CHECK_WEIGHT);
		snprintf(r->not_applied[SC_CHECK_WEIGHT],
			 sizeof(r->not_applied[0]),
			 "needs two cgroups with cpu.weight held together");
	}
	snprintf(quoted, sizeof(quoted), "\"%s\"", x->scx_ops);
	if (weights >= 2 && x->scx_used &&
	    klog_has(quoted, "does not implement cgroup cpu.weight")) {
		na |= SC_BIT(SC_CHECK_WEIGHT);
		snprintf(r->not_applied[SC_CHECK_WEIGHT],
			 sizeof(r->not_applied[0]),
			 "the kernel says sched_ext scheduler %s does not implement cgroup cpu.weight",
			 quoted);
	}
	if (!quotas) {
		na |= SC_BIT(SC_CHECK_THROTTLE);
		snprintf(r->not_applied[SC_CHECK_THROTTLE],
			 sizeof(r->not_applied[0]), "no cgroup with cpu.max");
	} else if (x->scx_used && btf_has("cgroup_set_bandwidth") == 0) {
		na |= SC_BIT(SC_CHECK_THROTTLE);
		snprintf(r->not_applied[SC_CHECK_THROTTLE],
			 sizeof(r->not_applied[0]),
			 "sched_ext on this kernel does not enforce cpu.max (no sched_ext_ops.cgroup_set_bandwidth in BTF)");
	}
	if (!sc_mempolicy_measured(x)) {
		na |= SC_BIT(SC_CHECK_MEMPOLICY);
		snprintf(r->not_applied[SC_CHECK_MEMPOLICY],
			 sizeof(r->not_applied[0]),
			 "no CACHE worker with a memory policy measured its pages");
	}
	na |= sc_io_not_applicable(x);
	if (!x->class_rounds) {
		na |= SC_BIT(SC_CHECK_SCHED_CLASS);
		snprintf(r->not_applied[SC_CHECK_SCHED_CLASS],
			 sizeof(r->not_applied[0]),
			 "no hold ended under an enabled sched_ext scheduler");
	}
	return na;
}

/* ---- the checks ------------------------------------------------------ */

void sc_detail_step(struct sc_exec *x, unsigned int before, int step)
{
	if (x->r->nr_details > before)
		snprintf(x->r->details[before].step, SC_NAME_MAX, "%s",
			 sc_step_name(x, step));
}

static int step_at(const struct sc_exec *x, __u64 ns)
{
	for (int i = 0; i < x->nsteps; i++)
		if (x->steps[i].start_ns && ns >= x->steps[i].start_ns &&
		    (!x->steps[i].end_ns || ns <= x->steps[i].end_ns))
			return i;
	return ns < x->t0 ? -1 : x->nsteps;
}

static int usable(const struct sc_wk *w)
{
	return w->collected && w->valid && w->fin.state != SC_W_FAILED;
}

static void check_not_starved(struct sc_exec *x)
{
	for (int i = 0; i < x->nwk; i++) {
		struct sc_wk *w = &x->wk[i];
		unsigned int before = x->r->nr_details;

		if (!usable(w) || w->min_win_step < 0 ||
		    w->min_win_units >= x->lim.min_units)
			continue;
		sc_fail_worker(x, SC_CHECK_NOT_STARVED, w, w->fin.last_cpu,
			       (double)w->min_win_units, x->lim.min_units,
			       "made %llu work units in %llu ms of step \"%s\", on a CPU for %llu ms of it (%llu units in its life)",
			       (unsigned long long)w->min_win_units,
			       (unsigned long long)w->min_win_ms,
			       sc_step_name(x, w->min_win_step),
			       (unsigned long long)w->min_win_cpu_ms,
			       (unsigned long long)w->fin.units);
		sc_detail_step(x, before, w->min_win_step);
	}
}

static int cpu_bound(const struct sc_wk *w)
{
	enum sc_work_type t = w->spec->work.type;

	return t == SC_WORK_SPIN || t == SC_WORK_CACHE || t == SC_WORK_YIELD;
}

static double share(const struct sc_wk *w)
{
	__u64 life = w->fin.end_ns > w->fin.start_ns ?
		     w->fin.end_ns - w->fin.start_ns : 0;

	return life ? (double)w->k.cpu_ns / (double)life : 0;
}

static void check_fairness(struct sc_exec *x)
{
	int done[SC_MAX_WORKERS] = { 0 };

	for (int i = 0; i < x->nwk; i++) {
		struct sc_wk *a = &x->wk[i];
		int lo = -1, hi = -1, peers = 0;
		unsigned int before;
		double spread;

		if (done[i] || !usable(a) || !cpu_bound(a) || a->repinned)
			continue;
		for (int j = i; j < x->nwk; j++) {
			struct sc_wk *b = &x->wk[j];
			__u64 life = b->fin.end_ns - b->fin.start_ns;

			if (b->spec != a->spec || b->cg != a->cg || !usable(b) ||
			    b->repinned || memcmp(&b->aff, &a->aff, sizeof(a->aff)) ||
			    life < SC_FAIR_MIN_LIFE_MS * 1000000ull)
				continue;
			done[j] = 1;
			peers++;
			if (lo < 0 || share(b) < share(&x->wk[lo]))
				lo = j;
			if (hi < 0 || share(b) > share(&x->wk[hi]))
				hi = j;
		}
		if (peers < 2)
			continue;
		spread = share(&x->wk[hi]) /
			 (share(&x->wk[lo]) > 0.001 ? share(&x->wk[lo]) : 0.001);
		if (spread <= x->lim.max_spread)
			continue;
		before = x->r->nr_details;
		sc_fail_worker(x, SC_CHECK_FAIRNESS, &x->wk[lo],
			       x->wk[lo].fin.last_cpu, spread, x->lim.max_spread,
			       "CPU share %.1f%% (worker %d) vs %.1f%% (worker %d) among %d peers: spread %.2f > %.2f",
			       100 * share(&x->wk[lo]), x->wk[lo].index,
			       100 * share(&x->wk[hi]), x->wk[hi].index, peers,
			       spread, x->lim.max_spread);
		sc_detail_step(x, before, x->wk[lo].owner);
	}
}

static void check_gap(struct sc_exec *x)
{
	for (int i = 0; i < x->nwk; i++) {
		struct sc_wk *w = &x->wk[i];
		double ms = w->fin.max_gap_ns / 1e6;
		unsigned int before = x->r->nr_details;

		if (!usable(w) || ms <= x->lim.max_gap_ms)
			continue;
		sc_fail_worker(x, SC_CHECK_GAP, w, w->fin.gap_cpu, ms,
			       x->lim.max_gap_ms,
			       "waited %.0f ms on a run queue between two work units (limit %u ms), until %.2f s into the scenario, on CPU %d",
			       ms, x->lim.max_gap_ms,
			       (w->fin.max_gap_at_ns - x->t0) / 1e9, w->fin.gap_cpu);
		sc_detail_step(x, before, step_at(x, w->fin.max_gap_at_ns));
	}
}

static void check_isolation(struct sc_exec *x)
{
	for (int i = 0; i < x->nwk; i++) {
		struct sc_wk *w = &x->wk[i];

		if (!usable(w))
			continue;
		for (unsigned int e = 0; e < w->nr_epochs; e++) {
			struct sc_mask bad = w->fin.cpus[e];
			unsigned int before;
			char allowed[128];
			int cpu;

			sc_mask_andnot(&bad, &w->allowed[e]);
			if (sc_mask_empty(&bad))
				continue;
			cpu = sc_mask_nth(&bad, 0);
			sc_mask_format(&w->allowed[e], allowed, sizeof(allowed));
			before = x->r->nr_details;
			sc_fail_worker(x, SC_CHECK_ISOLATION, w, cpu,
				       sc_mask_count(&bad), 0,
				       "ran on CPU %d (%u CPUs in all) outside its cpuset %s (cpuset epoch %u)",
				       cpu, sc_mask_count(&bad), allowed, e);
			sc_detail_step(x, before, w->epoch_step[e]);
			break;
		}
	}
}

static void check_weight(struct sc_exec *x)
{
	for (int i = 0; i < x->ncg; i++) {
		struct sc_cg *a = &x->cgs[i];

		if (!a->weight || !a->acc_wall_us)
			continue;
		for (int j = i + 1; j < x->ncg; j++) {
			struct sc_cg *b = &x->cgs[j];
			unsigned int before = x->r->nr_details;
			double ra, rb, want, got, q;

			if (!b->weight || !b->acc_wall_us ||
			    !sc_held_together(a->acc_wall_us, b->acc_wall_us))
				continue;
			ra = (double)a->acc_usage_us / a->acc_wall_us;
			rb = (double)b->acc_usage_us / b->acc_wall_us;
			want = (double)a->weight / b->weight;
			got = ra / (rb > SC_EPSILON ? rb : SC_EPSILON);
			q = got / want;
			if (q <= x->lim.weight_tol && q >= 1 / x->lim.weight_tol)
				continue;
			sc_fail_cg(x, SC_CHECK_WEIGHT, a->name, got, want,
				   "cpu.weight %u:%u (%s:%s) expects %.2fx, measured %.2fx (%.2f vs %.2f CPUs); tolerance x%.2f",
				   a->weight, b->weight, a->name, b->name, want,
				   got, ra, rb, x->lim.weight_tol);
			sc_detail_step(x, before, a->owner);
		}
	}
}

static void check_throttle(struct sc_exec *x)
{
	for (int i = 0; i < x->ncg; i++) {
		struct sc_cg *c = &x->cgs[i];
		unsigned int before = x->r->nr_details;
		double cpus, quota, hi, lo;

		if (!c->quota_us || !c->acc_wall_us)
			continue;
		cpus = (double)c->acc_usage_us / c->acc_wall_us;
		quota = (double)c->quota_us / c->period_us;
		hi = quota * (1 + x->lim.throttle_tol);
		lo = quota * x->lim.throttle_min;
		if (cpus > hi)
			sc_fail_cg(x, SC_CHECK_THROTTLE, c->name, cpus, hi,
				   "used %.2f CPUs under cpu.max %u %u (%.2f CPUs, at most %.2f allowed), throttled %llu times",
				   cpus, c->quota_us, c->period_us, quota, hi,
				   (unsigned long long)c->acc_throttled);
		else if (cpus < lo)
			sc_fail_cg(x, SC_CHECK_THROTTLE, c->name, cpus, lo,
				   "used only %.2f CPUs under cpu.max %u %u (%.2f CPUs, at least %.2f expected), throttled %llu times",
				   cpus, c->quota_us, c->period_us, quota, lo,
				   (unsigned long long)c->acc_throttled);
		sc_detail_step(x, before, c->owner);
	}
}

static void check_sched_class(struct sc_exec *x)
{
	for (int i = 0; i < x->nwk; i++) {
		const struct sc_wk *w = &x->wk[i];
		unsigned int before = x->r->nr_details;

		if (!w->class_bad)
			continue;
		sc_fail_worker(x, SC_CHECK_SCHED_CLASS, w, SC_NO_CPU,
			       w->class_bad, 0,
			       "%s worker ran %s sched_ext's class in %u of %u samples under %s",
			       sc_policy_name(w->spec->policy, true),
			       w->class_bad_on_ext ? "in" : "outside",
			       w->class_bad, w->class_samples,
			       x->scx_ops[0] ? x->scx_ops : "a sched_ext scheduler");
		sc_detail_step(x, before, w->class_bad_step);
	}
}

static void (*const check_fn[SC_CHECK_NR])(struct sc_exec *x) = {
	[SC_CHECK_NOT_STARVED] = check_not_starved,
	[SC_CHECK_FAIRNESS] = check_fairness,
	[SC_CHECK_GAP] = check_gap,
	[SC_CHECK_ISOLATION] = check_isolation,
	[SC_CHECK_WEIGHT] = check_weight,
	[SC_CHECK_THROTTLE] = check_throttle,
	[SC_CHECK_SCHED_CLASS] = check_sched_class,
	[SC_CHECK_MEMPOLICY] = sc_check_mempolicy,
	[SC_CHECK_IO_WEIGHT] = sc_check_io_weight,
	[SC_CHECK_IO_MAX] = sc_check_io_max,
};

void sc_checks_run(struct sc_exec *x)
{
	struct sc_result *r = x->r;
	unsigned int na = not_applicable(x) & ~x->lim.force, keep = 0;

	x->cur = x->nsteps;
	for (int c = 0; c < SC_CHECK_NR; c++) {
		unsigned int bit = SC_BIT(c);

		if (c != SC_CHECK_HARNESS && (x->lim.off & bit)) {
			snprintf(r->not_applied[c], sizeof(r->not_applied[0]),
				 "off: %s", x->lim.why ? x->lim.why : "no reason given");
			continue;
		}
		if (na & bit)
			continue;
		r->not_applied[c][0] = '\0';
		r->applied |= bit;
		if (check_fn[c])
			check_fn[c](x);
	}
	/* Drop what a check that is off recorded while running. */
	r->fired = 0;
	for (unsigned int i = 0; i < r->nr_details; i++) {
		if (!(r->applied & SC_BIT(r->details[i].check)) &&
		    r->details[i].check != SC_CHECK_HARNESS)
			continue;
		r->details[keep++] = r->details[i];
		r->fired |= SC_BIT(r->details[i].check);
	}
	r->nr_details = keep;
	r->applied |= SC_BIT(SC_CHECK_HARNESS);
}
