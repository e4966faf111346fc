// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario executor. The Backdrop's cgroups, workers and programs
 * live for the whole scenario; each step's live only for that step and
 * are torn down at its boundary, on success and on failure alike. The
 * scheduler is checked between steps and watched (pidfd) during holds: a
 * death ends the hold at once and the verdict names the step. Teardown
 * thaws before it collects, kills stragglers, removes every cgroup.
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"
#include "../lib/ktstr_env.h"

#define SC_DEFAULT_DURATION_MS	3000
#define SC_CONTROLLERS		"cpuset cpu io memory pids"
#define SC_EXEC_PRIO		50

const char *sc_step_name(const struct sc_exec *x, int step)
{
	if (step < 0)
		return "Backdrop";
	if (step >= x->nsteps)
		return "teardown";
	return x->steps[step].name;
}

static __printf(9, 0) void vfail(struct sc_exec *x, enum sc_check c,
				 const char *cg, int worker, pid_t pid, int cpu,
				 double value, double limit, const char *fmt,
				 va_list ap)
{
	struct sc_result *r = x->r;
	struct sc_detail *d;
	va_list aq;

	r->fired |= SC_BIT(c);
	if (c == SC_CHECK_HARNESS && !r->why[0]) {
		va_copy(aq, ap);
		vsnprintf(r->why, sizeof(r->why), fmt, aq);
		va_end(aq);
	}
	if (r->nr_details >= SC_MAX_DETAILS) {
		r->dropped++;
		return;
	}
	d = &r->details[r->nr_details++];
	memset(d, 0, sizeof(*d));
	d->check = c;
	snprintf(d->cgroup, sizeof(d->cgroup), "%s", cg ? cg : "");
	d->worker = worker;
	d->pid = pid;
	d->cpu = cpu;
	d->value = value;
	d->limit = limit;
	snprintf(d->step, sizeof(d->step), "%s", sc_step_name(x, x->cur));
	vsnprintf(d->text, sizeof(d->text), fmt, ap);
}

void sc_fail(struct sc_exec *x, enum sc_check c, const char *cg, int worker,
	     pid_t pid, int cpu, double value, double limit, const char *fmt,
	     ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(x, c, cg, worker, pid, cpu, value, limit, fmt, ap);
	va_end(ap);
}

void sc_harness_fail(struct sc_exec *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(x, SC_CHECK_HARNESS, "", SC_NO_WORKER, 0, SC_NO_CPU, 0, 0, fmt,
	      ap);
	va_end(ap);
}

void sc_harness_fail_cg(struct sc_exec *x, const char *cg, const char *fmt,
			...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(x, SC_CHECK_HARNESS, cg, SC_NO_WORKER, 0, SC_NO_CPU, 0, 0, fmt,
	      ap);
	va_end(ap);
}

void sc_harness_fail_worker(struct sc_exec *x, const struct sc_wk *w,
			    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(x, SC_CHECK_HARNESS, x->cgs[w->cg].name, w->index, w->pid,
	      SC_NO_CPU, 0, 0, fmt, ap);
	va_end(ap);
}

void sc_harness_fail_pid(struct sc_exec *x, pid_t pid, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(x, SC_CHECK_HARNESS, "", SC_NO_WORKER, pid, SC_NO_CPU, 0, 0, fmt,
	      ap);
	va_end(ap);
}

void sc_fail_worker(struct sc_exec *x, enum sc_check c, const struct sc_wk *w,
		    int cpu, double value, double limit, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(x, c, x->cgs[w->cg].name, w->index, w->pid, cpu, value, limit,
	      fmt, ap);
	va_end(ap);
}

void sc_fail_cg(struct sc_exec *x, enum sc_check c, const char *cg,
		double value, double limit, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(x, c, cg, SC_NO_WORKER, 0, SC_NO_CPU, value, limit, fmt, ap);
	va_end(ap);
}

int sc_cg_find(struct sc_exec *x, const char *name)
{
	for (int i = x->ncg - 1; i >= 0; i--)
		if (x->cgs[i].alive && !strcmp(x->cgs[i].name, name))
			return i;
	return -1;
}

static __printf(4, 5) int knob(struct sc_exec *x, struct sc_cg *c, const char *file,
		const char *fmt, ...)
{
	char val[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (!sc_cg_write(c->path, file, "%s", val))
		return 0;
	sc_harness_fail_cg(x, c->name, "write \"%s\" to %s: %s", val, file,
			   strerror(errno));
	return -1;
}

static int mem_knob(struct sc_exec *x, struct sc_cg *c, const char *file,
		    long long v)
{
	if (!v)
		return 0;
	if (v == SC_UNLIMITED)
		return knob(x, c, file, "max");
	return knob(x, c, file, "%lld", v);
}

/*
 * io.max applies to one block device: the scenario's IO target, which is
 * the guest's disk under ktstr, else a loop device (work_io.c).
 */
static int io_max(struct sc_exec *x, struct sc_cg *c, const struct sc_io_max *m)
{
	char lim[160] = "";
	size_t off = 0;

	if (!x->io.dev) {
		sc_harness_fail_cg(x, c->name,
				   "io.max needs a block device; the IO target is the file \"%s\" (no disk, no loop device)",
				   x->io.path);
		return -1;
	}
	if (m->rbps)
		off += snprintf(lim + off, sizeof(lim) - off, " rbps=%llu", m->rbps);
	if (m->wbps)
		off += snprintf(lim + off, sizeof(lim) - off, " wbps=%llu", m->wbps);
	if (m->riops)
		off += snprintf(lim + off, sizeof(lim) - off, " riops=%llu", m->riops);
	if (m->wiops)
		snprintf(lim + off, sizeof(lim) - off, " wiops=%llu", m->wiops);
	return knob(x, c, "io.max", "%u:%u%s", major(x->io.dev),
		    minor(x->io.dev), lim);
}

int sc_cg_create(struct sc_exec *x, const struct sc_cgroup *def, int owner)
{
	char err[200], list[512];
	struct sc_cg *c;
	struct sc_mask m;
	int idx;

	if (!def->name || !def->name[0] || strlen(def->name) >= SC_NAME_MAX ||
	    strchr(def->name, '/') || sc_cg_find(x, def->name) >= 0 ||
	    x->ncg >= SC_MAX_CGS) {
		sc_harness_fail_cg(x, def->name ? def->name : "",
				   "cannot add cgroup \"%s\": empty, too long, taken, or more than %d cgroups",
				   def->name ? def->name : "", SC_MAX_CGS);
		return -1;
	}
	idx = x->ncg++;
	c = &x->cgs[idx];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", def->name);
	snprintf(c->path, sizeof(c->path), "%s/%s", x->root, def->name);
	c->def = def;
	c->owner = owner;
	if (mkdir(c->path, 0755)) {
		sc_harness_fail_cg(x, c->name, "mkdir %s: %s", c->path,
				   strerror(errno));
		return -1;
	}
	c->alive = 1;
	if (def->cpuset.kind != SC_CPUS_INHERIT) {
		if (sc_cpus_resolve(x->topo, &def->cpuset, &m, err, sizeof(err))) {
			sc_harness_fail_cg(x, c->name, "cpuset: %s", err);
			return -1;
		}
		sc_mask_format(&m, list, sizeof(list));
		if (knob(x, c, "cpuset.cpus", "%s", list))
			return -1;
	}
	if (sc_cg_effective(c->path, &c->cpus))
		c->cpus = x->topo->online;
	if (sc_mems_resolve(x->topo, &def->mems, &c->cpus, list, sizeof(list),
			    err, sizeof(err))) {
		sc_harness_fail_cg(x, c->name, "%s", err);
		return -1;
	}
	if (list[0] && knob(x, c, "cpuset.mems", "%s", list))
		return -1;
	c->quota_us = def->quota_us;
	c->period_us = def->period_us ? def->period_us : 100000;
	if (def->quota_us &&
	    knob(x, c, "cpu.max", "%u %u", def->quota_us, c->period_us))
		return -1;
	c->weight = def->cpu_weight;
	if (def->cpu_weight && knob(x, c, "cpu.weight", "%u", def->cpu_weight))
		return -1;
	if (mem_knob(x, c, "memory.max", def->memory_max) ||
	    mem_knob(x, c, "memory.high", def->memory_high) ||
	    mem_knob(x, c, "memory.low", def->memory_low) ||
	    mem_knob(x, c, "memory.swap.max", def->swap_max))
		return -1;
	c->io_weight = def->io_weight;
	if (def->io_weight &&
	    knob(x, c, "io.weight", "default %u", def->io_weight))
		return -1;
	if (io_max_set(&def->io_max) && io_max(x, c, &def->io_max))
		return -1;
	if (def->pids_max == -1 && knob(x, c, "pids.max", "max"))
		return -1;
	if (def->pids_max > 0 && knob(x, c, "pids.max", "%d", def->pids_max))
		return -1;
	for (int g = 0; g < SC_MAX_GROUPS; g++) {
		const struct sc_workers *w = &def->workers[g];

		if ((w->count || w->pct) && sc_spawn_group(x, idx, w, g, owner))
			return -1;
	}
	return 0;
}

void sc_hold_windows_open(struct sc_exec *x)
{
	__u64 now = sc_now_ns();

	for (int i = 0; i < x->nwk; i++) {
		struct sc_wk *w = &x->wk[i];

		if (!w->live)
			continue;
		w->win_open = 1;
		w->win_frozen = x->cgs[w->cg].frozen;
		w->win_units0 = sc_load(&x->shm->slots[w->slot].units);
		w->win_cpu0 = sc_pid_cpu_ns(w->pid);
		w->win_t0 = now;
	}
}

static void hold_begin(struct sc_exec *x, struct sc_step_rec *rec)
{
	x->in_hold = 1;
	rec->hold_start_ns = sc_now_ns();
	for (int i = 0; i < x->ncg; i++) {
		struct sc_cg *c = &x->cgs[i];

		c->whole_hold = c->alive && !c->frozen &&
				!sc_cg_stat(c->path, &c->usage0, &c->thr0, NULL);
		c->io_hold = c->whole_hold && x->io.dev &&
			     !sc_cg_io_stat(c->path, x->io.dev, c->io0);
	}
	sc_hold_windows_open(x);
}

/* Units each cgroup's workers did in the hold: the step's rates. */
static void hold_units(struct sc_exec *x, struct sc_step_rec *rec)
{
	for (int i = 0; i < x->nwk; i++) {
		const struct sc_wk *w = &x->wk[i];

		if (!w->live || !w->win_open)
			continue;
		rec->units[w->cg] += sc_load(&x->shm->slots[w->slot].units) -
				     w->win_units0;
		rec->rated[w->cg] = 1;
	}
}

static void hold_end(struct sc_exec *x, struct sc_step_rec *rec)
{
	__u64 wall;

	rec->hold_end_ns = sc_now_ns();
	wall = (rec->hold_end_ns - rec->hold_start_ns) / 1000;
	x->r->hold_ms += wall / 1000.0;
	hold_units(x, rec);
	sc_class_sample(x);
	sc_windows_close(x);
	for (int i = 0; i < x->ncg; i++) {
		struct sc_cg *c = &x->cgs[i];
		__u64 usage, thr, io[SC_IO_NR];

		if (!c->whole_hold || !c->alive || c->frozen ||
		    sc_cg_stat(c->path, &usage, &thr, NULL))
			continue;
		c->acc_usage_us += usage - c->usage0;
		c->acc_wall_us += wall;
		c->acc_throttled += thr - c->thr0;
		/* IO over its own holds: a failed read loses the IO, not the CPU. */
		if (!c->io_hold || sc_cg_io_stat(c->path, x->io.dev, io))
			continue;
		c->acc_io_wall_us += wall;
		for (int k = 0; k < SC_IO_NR; k++)
			c->acc_io[k] += io[k] - c->io0[k];
	}
	x->in_hold = 0;
}

static __u64 scenario_ms(const struct sc_exec *x)
{
	return x->s->duration_ms ? x->s->duration_ms : SC_DEFAULT_DURATION_MS;
}

/*
 * What is left of the scenario's duration, in hold time: setup and
 * teardown between holds (a scheduler to attach takes seconds under TCG)
 * are not the scenario's time.
 */
static __u64 remaining_ms(const struct sc_exec *x)
{
	double dur = (double)scenario_ms(x);

	return x->r->hold_ms < dur ? (__u64)(dur - x->r->hold_ms) : 0;
}

static __u64 hold_ms(const struct sc_exec *x, const struct sc_hold *h)
{
	__u64 dur = scenario_ms(x);

	switch (h->kind) {
	case SC_HOLD_FRAC:
		return (__u64)(dur * h->frac);
	case SC_HOLD_FIXED:
		return h->ms;
	case SC_HOLD_LOOP:
		if (h->ms)
			return h->ms;
		return dur / (__u64)(x->nsteps ? x->nsteps : 1);
	default:
		return dur / (__u64)(x->nsteps ? x->nsteps : 1);
	}
}

static void sched_died(struct sc_exec *x, int step, const char *when,
		       const char *why, double into_ms, double planned_ms)
{
	x->r->sched_died_step = step;
	sc_fail_cg(x, SC_CHECK_SCHED_ALIVE, "", into_ms / 1000.0,
		   planned_ms / 1000.0, "scheduler died %s step %d/%d \"%s\": %s",
		   when, step + 1, x->nsteps, sc_step_name(x, step), why);
}

/* Run step @i; 1 if the scheduler died, -1 on a failure, 0 if fine. */
static int run_step(struct sc_exec *x, int i)
{
	const struct sc_step *st = &x->s->steps[i];
	struct sc_step_rec *rec = &x->steps[i];
	__u64 ms = hold_ms(x, &st->hold), deadline, seen;
	char why[200];
	int died = 0;

	for (const struct sc_cgroup *c = st->cgroups; c && c->name; c++)
		if (sc_cg_create(x, c, i))
			return -1;
	if (st->hold.kind != SC_HOLD_LOOP && sc_ops_apply(x, st->ops, i))
		return -1;
	/* A hold never runs past the scenario's end. */
	if (ms > remaining_ms(x))
		ms = remaining_ms(x);
	rec->planned_ms = ms;
	if (sc_sched_dead(x, why, sizeof(why))) {
		sched_died(x, i, "while setting up", why, 0, (double)ms);
		return 1;
	}
	hold_begin(x, rec);
	deadline = rec->hold_start_ns + ms * 1000000ull;
	if (st->hold.kind == SC_HOLD_LOOP) {
		unsigned int every = st->hold.interval_ms ? st->hold.interval_ms : 100;

		while (!died && sc_now_ns() < deadline) {
			__u64 left;

			if (sc_ops_apply(x, st->ops, i)) {
				hold_end(x, rec);
				rec->cut = 1;
				return -1;
			}
			left = (deadline - sc_now_ns() + 999999) / 1000000;
			if (sc_now_ns() >= deadline)
				break;
			died = sc_sched_wait(x, left < every ? left : every, why,
					     sizeof(why));
		}
	} else {
		died = sc_sched_wait(x, ms, why, sizeof(why));
	}
	seen = sc_now_ns();
	hold_end(x, rec);
	if (!died && sc_sched_dead(x, why, sizeof(why)))
		died = 1;
	if (died) {
		rec->cut = rec->hold_end_ns < deadline;
		x->r->sched_death_to_end_ms = (rec->hold_end_ns - seen) / 1e6;
		sched_died(x, i, "during", why,
			   (seen - rec->hold_start_ns) / 1e6, (double)ms);
		return 1;
	}
	return 0;
}

/* Step teardown: programs, workers (thawed first), step-local cgroups. */
static void step_teardown(struct sc_exec *x, int owner)
{
	sc_progs_kill(x, owner);
	sc_collect(x, owner, SC_CG_ANY);
	for (int i = x->ncg - 1; i >= 0; i--) {
		struct sc_cg *c = &x->cgs[i];

		if (!c->alive || (owner != SC_OWNER_ALL && c->owner != owner))
			continue;
		/* Backdrop workers may have been spawned here by an op. */
		sc_collect(x, SC_OWNER_ALL, i);
		if (sc_cg_remove(c->path, 5000))
			sc_harness_fail_cg(x, c->name, "remove %s: %s", c->path,
					   strerror(errno));
		c->alive = 0;
	}
}

/* Memory policies are checked before anything runs. */
static int cgroups_valid(const struct sc_cgroup *c, char *why, size_t len)
{
	char err[160];

	for (; c && c->name; c++) {
		for (int g = 0; g < SC_MAX_GROUPS; g++) {
			if (!sc_mpol_validate(&c->workers[g].mpol, err, sizeof(err)))
				continue;
			snprintf(why, len, "cgroup %s: %s", c->name, err);
			return -1;
		}
	}
	return 0;
}

static int validate(struct sc_exec *x, char *why, size_t len)
{
	const struct sc_scenario *s = x->s;
	int n = 0;

	if (!s->name || !s->steps || !s->steps[0].name) {
		snprintf(why, len, "a scenario needs a name and at least one step");
		return -1;
	}
	for (const struct sc_step *st = s->steps; st->name; st++, n++) {
		const struct sc_hold *h = &st->hold;

		if (n >= SC_MAX_STEPS) {
			snprintf(why, len, "more than %d steps", SC_MAX_STEPS);
			return -1;
		}
		if ((h->kind == SC_HOLD_FRAC && (h->frac <= 0 || h->frac > 1)) ||
		    (h->kind == SC_HOLD_FIXED && !h->ms) ||
		    h->kind > SC_HOLD_LOOP) {
			snprintf(why, len, "step %d \"%s\": bad hold", n + 1,
				 st->name);
			return -1;
		}
		snprintf(x->steps[n].name, sizeof(x->steps[n].name), "%s",
			 st->name);
		if (cgroups_valid(st->cgroups, why, len))
			return -1;
	}
	if (cgroups_valid(s->backdrop.cgroups, why, len))
		return -1;
	x->nsteps = n;
	return 0;
}

static int cgroups_use_ext(const struct sc_cgroup *c)
{
	for (; c && c->name; c++)
		for (int g = 0; g < SC_MAX_GROUPS; g++)
			if (c->workers[g].policy == SC_POLICY_EXT)
				return 1;
	return 0;
}

/* Workers or ops that ask for SCHED_EXT, which only sched_ext kernels know. */
static int uses_ext(const struct sc_scenario *s)
{
	int ext = cgroups_use_ext(s->backdrop.cgroups);

	for (const struct sc_step *st = s->steps; st && st->name; st++) {
		ext |= cgroups_use_ext(st->cgroups);
		for (const struct sc_op *op = st->ops; op && op->kind; op++)
			ext |= op->workers.policy == SC_POLICY_EXT ||
			       (op->def && cgroups_use_ext(op->def));
	}
	return ext;
}

static int needs_met(struct sc_exec *x, char *why, size_t len)
{
	const struct sc_scenario *s = x->s;
	const struct sc_topo *t = x->topo;
	struct statfs fs;

	/* Run directly on a device, cgroup v2 may be mounted elsewhere or not. */
	if (statfs(SC_CG_ROOT, &fs) || fs.f_type != SC_CGROUP2_MAGIC) {
		snprintf(why, len, "cgroup v2 is not mounted at " SC_CG_ROOT);
		return 0;
	}
	if ((s->needs & SC_NEED_KTSTR_DEV) && access("/dev/ktstr", R_OK | W_OK)) {
		snprintf(why, len, "needs /dev/ktstr (ktstr.ko) for its kernel ops");
		return 0;
	}
	if (uses_ext(s) && kt_scx_state() == KT_SCX_ABSENT) {
		snprintf(why, len, "its workers ask for SCHED_EXT; this kernel has no sched_ext");
		return 0;
	}
	if (sc_mask_count(&t->online) < s->min_cpus) {
		snprintf(why, len, "needs %u CPUs, this guest has %u", s->min_cpus,
			 sc_mask_count(&t->online));
		return 0;
	}
	if ((s->needs & SC_NEED_SMT) && !t->smt) {
		snprintf(why, len, "needs SMT siblings; this topology has one thread per core");
		return 0;
	}
	if ((s->needs & SC_NEED_NUMA) && t->nr_nodes < 2) {
		snprintf(why, len, "needs two NUMA nodes; this guest has %u",
			 t->nr_nodes);
		return 0;
	}
	if ((s->needs & SC_NEED_LLCS) && t->nr_llcs < 2) {
		snprintf(why, len, "needs two LLCs; this guest has %u", t->nr_llcs);
		return 0;
	}
	if ((s->needs & SC_NEED_SCHED_BIN) && sc_sched_available(x, why, len))
		return 0;
	return 1;
}

static int root_setup(struct sc_exec *x)
{
	char err[256];

	if (sc_cg_enable(SC_CG_ROOT, SC_CONTROLLERS, err, sizeof(err))) {
		sc_harness_fail(x, "%s", err);
		return -1;
	}
	sc_cg_remove_stale(SC_CG_ROOT, "ktstr-sc-");
	snprintf(x->root, sizeof(x->root), "%s/ktstr-sc-%d", SC_CG_ROOT,
		 getpid());
	sc_cg_remove_tree(x->root, 2000);
	if (mkdir(x->root, 0755) ||
	    sc_cg_enable(x->root, SC_CONTROLLERS, err, sizeof(err))) {
		sc_harness_fail(x, "cgroup %s: %s", x->root,
				errno ? strerror(errno) : err);
		return -1;
	}
	return 0;
}

static void fill_result(struct sc_exec *x)
{
	struct sc_result *r = x->r;

	r->workers = calloc((size_t)x->nwk + 1, sizeof(*r->workers));
	r->cgroups = calloc((size_t)x->ncg + 1, sizeof(*r->cgroups));
	if (!r->workers || !r->cgroups)
		return;
	for (int i = 0; i < x->nwk; i++) {
		struct sc_worker_result *o = &r->workers[r->nr_workers++];
		struct sc_wk *w = &x->wk[i];

		snprintf(o->cgroup, sizeof(o->cgroup), "%s", x->cgs[w->cg].name);
		o->index = w->index;
		o->group = w->group;
		o->pid = w->pid;
		o->reported = w->reported;
		o->killed = w->killed;
		o->units = w->fin.units;
		o->cpu_ns = w->k.cpu_ns;
		o->wait_ns = w->k.wait_ns;
		o->max_gap_ns = w->fin.max_gap_ns;
		for (int e = 0; e < SC_EPOCHS; e++)
			sc_mask_or(&o->cpus, &w->fin.cpus[e]);
	}
	for (int i = 0; i < x->ncg; i++) {
		snprintf(r->cgroups[i].name, sizeof(r->cgroups[i].name), "%s",
			 x->cgs[i].name);
		r->cgroups[i].cpus = x->cgs[i].cpus;
	}
	r->nr_cgroups = (unsigned int)x->ncg;
}

/* The host learns each step's boundaries through the agent. */
static void tell_host(struct sc_exec *x, enum kt_event_kind kind, int step)
{
	struct kt_event ev = {
		.kind = kind,
		.index = (__u32)step,
		.nr_steps = (__u32)x->nsteps,
	};

	snprintf(ev.scenario, sizeof(ev.scenario), "%s", x->s->name);
	snprintf(ev.step, sizeof(ev.step), "%s", sc_step_name(x, step));
	kt_event_send(&ev);
}

static void scenario(struct sc_exec *x)
{
	char why[200];
	int i, r = 0;

	if (sc_sched_dead(x, why, sizeof(why))) {
		x->cur = 0;
		sched_died(x, 0, "before", why, 0, 0);
		return;
	}
	for (const struct sc_cgroup *c = x->s->backdrop.cgroups; c && c->name; c++)
		if (sc_cg_create(x, c, SC_OWNER_BACKDROP))
			return;
	if (sc_ops_apply(x, x->s->backdrop.ops, SC_OWNER_BACKDROP))
		return;
	for (i = 0; i < x->nsteps; i++) {
		x->cur = i;
		x->steps[i].start_ns = sc_now_ns();
		if (i && sc_sched_dead(x, why, sizeof(why))) {
			sched_died(x, i, "before", why, 0, 0);
			break;
		}
		tell_host(x, KT_EVENT_STEP_BEGIN, i);
		r = run_step(x, i);
		step_teardown(x, i);
		x->steps[i].end_ns = sc_now_ns();
		tell_host(x, KT_EVENT_STEP_END, i);
		if (r)
			break;
	}
	x->cur = x->nsteps;
	if (!r && sc_sched_dead(x, why, sizeof(why)))
		sched_died(x, x->nsteps - 1, "after", why, 0, 0);
}

int sc_run(const struct sc_scenario *s, struct sc_result *r)
{
	struct sched_param rt = { .sched_priority = SC_EXEC_PRIO }, normal = { 0 };
	const char *out = getenv(KTSTR_ENV_OUTPUT_DIR);
	struct sc_exec *x = calloc(1, sizeof(*x));
	char why[256], err[200];
	int rt_ok;

	memset(r, 0, sizeof(*r));
	r->sched_died_step = -1;
	if (x)
		x->topo = calloc(1, sizeof(*x->topo));
	if (!x || !x->topo) {
		free(x);
		snprintf(r->why, sizeof(r->why), "out of memory");
		r->fired = SC_BIT(SC_CHECK_HARNESS);
		return -1;
	}
	x->s = s;
	x->r = r;
	x->cur = SC_OWNER_BACKDROP;
	x->io.loop_fd = -1;
	x->sched_name = getenv(KTSTR_ENV_SCHEDULER);
	x->t0 = sc_now_ns();
	x->seed = s->seed;
	for (const char *p = s->name; p && *p; p++)
		x->seed = x->seed * 131 + (unsigned char)*p;
	snprintf(x->sched_log, sizeof(x->sched_log), "%s/%s.log",
		 out && out[0] ? out : "/tmp", s->name ? s->name : "scenario");
	sc_limits_resolve(s, x->sched_name, &x->lim);
	r->limits = x->lim;
	if (validate(x, why, sizeof(why))) {
		sc_harness_fail(x, "invalid scenario: %s", why);
		goto out_free;
	}
	if (sc_topo_read(x->topo, err, sizeof(err))) {
		sc_harness_fail(x, "%s", err);
		goto out_free;
	}
	if (!needs_met(x, why, sizeof(why))) {
		r->skipped = 1;
		snprintf(r->why, sizeof(r->why), "%s", why);
		goto out_free;
	}
	if (s->purpose && (x->lim.off & s->purpose) == s->purpose) {
		r->skipped = 1;
		snprintf(r->why, sizeof(r->why),
			 "the checks this scenario exists for are off for %s: %s",
			 x->sched_name && x->sched_name[0] ? x->sched_name : "EEVDF",
			 x->lim.why ? x->lim.why : "no reason given");
		goto out_free;
	}
	x->shm = mmap(NULL, sizeof(*x->shm), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (x->shm == MAP_FAILED) {
		x->shm = NULL;
		sc_harness_fail(x, "mmap shared slots: %s", strerror(errno));
		goto out_free;
	}
	rt_ok = !sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &rt);
	sc_sched_init(x);
	if (!root_setup(x) &&
	    (!sc_scenario_needs_io(s) ||
	     (!sc_io_setup(x) && !sc_iocost_setup(x))))
		scenario(x);
	/* Whatever happened, leave nothing behind and lose no report. */
	step_teardown(x, SC_OWNER_ALL);
	sc_progs_kill(x, SC_OWNER_ALL);
	sc_sched_teardown(x);
	sc_iocost_teardown(x);
	sc_io_teardown(x);
	if (x->root[0])
		sc_cg_remove_tree(x->root, 5000);
	if (rt_ok)
		sched_setscheduler(0, SCHED_OTHER, &normal);
	sc_checks_run(x);
	fill_result(x);
	r->elapsed_ms = (sc_now_ns() - x->t0) / 1e6;
	sc_report_write(x);
	munmap(x->shm, sizeof(*x->shm));
out_free:
	free(x->topo);
	free(x);
	return r->fired & SC_BIT(SC_CHECK_HARNESS) ? -1 : 0;
}

void sc_result_free(struct sc_result *r)
{
	free(r->workers);
	free(r->cgroups);
	r->workers = NULL;
	r->cgroups = NULL;
}

const struct sc_detail *sc_find(const struct sc_result *r, enum sc_check c,
				const char *cgroup)
{
	for (unsigned int i = 0; i < r->nr_details; i++)
		if (r->details[i].check == c &&
		    (!cgroup || !strcmp(cgroup, r->details[i].cgroup)))
			return &r->details[i];
	return NULL;
}

const struct sc_cgroup_result *sc_find_cgroup(const struct sc_result *r,
					      const char *name)
{
	for (unsigned int i = 0; i < r->nr_cgroups; i++)
		if (!strcmp(r->cgroups[i].name, name))
			return &r->cgroups[i];
	return NULL;
}
