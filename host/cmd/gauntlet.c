// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr gauntlet [VM options] [TEST...]: every test on every topology
 * with every scheduler. --topology and --scheduler repeat (default: the
 * default presets, and eevdf); -j N VMs at once; --shard K/N runs one
 * machine's share of the plan, --budget DURATION what fits in it,
 * --plan prints the cells and runs nothing. KTAP on stdout, a subtest
 * per cell; --junit FILE, and a JSON sidecar per cell in --output-dir.
 * The parts live in host/gauntlet/.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "cmd/cli.h"
#include "cmd/prog_run.h"
#include "cmd/test_args.h"
#include "gauntlet/batch.h"
#include "gauntlet/budget.h"
#include "gauntlet/durations.h"
#include "gauntlet/plan.h"
#include "gauntlet/pool.h"
#include "gauntlet/progress.h"
#include "gauntlet/report.h"
#include "gauntlet/slots.h"
#include "vm/accel.h"

#define GAUNTLET_KERNELS_MAX	8

/* A child's report that is not a cell: its VM's own time, boot and all. */
#define MSG_VM_OVERHEAD	UINT64_MAX

struct gauntlet_job {
	struct job j;
	double overhead_s;	/* < 0: the VM did not run to its end */
};

struct gauntlet {
	struct plan plan;
	struct selection sel;
	struct suite suite;
	struct strlist *filters;
	struct sched_pick *picks;	/* per plan scheduler */
	/* Per --kernel (one, the default, without): its setup and report. */
	struct vm_setup ks[GAUNTLET_KERNELS_MAX];
	struct report_env envs[GAUNTLET_KERNELS_MAX];
	char releases[GAUNTLET_KERNELS_MAX][128];
	size_t nk;
	struct cell_result *res;	/* shared with the children */
	size_t res_bytes;
	bool *in_run;			/* this machine's, within the budget */
	size_t applies, fit;		/* of this machine's: apply, and fit */
	double *est;			/* each cell's expected seconds */
	size_t nrun;
	struct gauntlet_job *jobs;
	size_t njobs, next;		/* jobs[next..] wait to start */
	struct pool pool;
	unsigned int slots;
	struct progress progress;
	struct durations dur;
	char dur_path[PATH_MAX];
	unsigned int printed;		/* KTAP numbers used */
	int stopping;			/* the signal that stops the run */
};

/* ---- the plan --------------------------------------------------------- */

static int add_test(struct plan *p, size_t item, const char *prog,
		    const struct harness_test *sub)
{
	struct plan_test *v = realloc(p->tests, (p->ntests + 1) * sizeof(*v));

	if (!v)
		return -1;
	p->tests = v;
	v = &p->tests[p->ntests++];
	memset(v, 0, sizeof(*v));
	v->item = item;
	v->whole = !sub;
	if (sub) {
		v->sub = *sub;
		snprintf(v->name, sizeof(v->name), "%s:%s", prog, sub->name);
	} else {
		snprintf(v->name, sizeof(v->name), "%s", prog);
	}
	return 0;
}

/* A test per selected subtest; a program given by path runs whole. */
static int plan_tests(struct gauntlet *g)
{
	char err[1024];

	for (size_t i = 0; i < g->sel.n; i++) {
		const struct sel_item *it = &g->sel.v[i];
		const struct harness_list *l;

		if (it->suite < 0) {
			if (add_test(&g->plan, i, it->name, NULL))
				goto oom;
			continue;
		}
		l = suite_subtests(&g->suite, (size_t)it->suite, err,
				   sizeof(err));
		if (!l) {
			errmsg("gauntlet: %s", err);
			return EXIT_USAGE;
		}
		if (!l->n && add_test(&g->plan, i, it->name, NULL))
			goto oom;
		for (size_t j = 0; j < l->n; j++)
			if (select_has(it, j) &&
			    add_test(&g->plan, i, it->name, &l->v[j]))
				goto oom;
	}
	return 0;
oom:
	errmsg("out of memory");
	return EXIT_USAGE;
}

/* Every --topology, or the default presets; each shape once. */
static int plan_topos(struct plan *p)
{
	struct strlist def = STRLIST_INIT;
	const struct strlist *args = &vm_cli.topologies;
	char err[600];
	int r = EXIT_USAGE;

	if (!args->n) {
		size_t n;
		const struct topo_preset *t = topo_presets(&n);

		for (size_t i = 0; i < n; i++)
			if (!t[i].opt_in)
				strlist_push(&def, t[i].name);
		args = &def;
	}
	p->topos = calloc(args->n, sizeof(*p->topos));
	if (!p->topos)
		goto out;
	for (size_t i = 0; i < args->n; i++) {
		struct plan_topo *o = &p->topos[p->ntopos];
		bool dup = false;

		if (topo_resolve(args->v[i], &o->t, o->name, sizeof(o->name),
				 err, sizeof(err))) {
			errmsg("gauntlet: %s", err);
			goto out;
		}
		if (vm_cli_check_memory(&o->t, err, sizeof(err))) {
			errmsg("gauntlet: topology %s: %s", o->name, err);
			goto out;
		}
		topology_spec(&o->t, o->spec, sizeof(o->spec));
		for (size_t j = 0; j < p->ntopos; j++)
			dup |= !strcmp(p->topos[j].spec, o->spec);
		if (!dup)
			p->ntopos++;
	}
	r = 0;
out:
	strlist_free(&def);
	return r;
}

/* "NAME" of --kernel NAME, or the file name of a path: in the cell names. */
static void kernel_short(const char *arg, char *buf, size_t len)
{
	char tmp[PATH_MAX];
	char *b;

	snprintf(tmp, sizeof(tmp), "%s", arg);
	while (strlen(tmp) > 1 && tmp[strlen(tmp) - 1] == '/')
		tmp[strlen(tmp) - 1] = '\0';
	b = strrchr(tmp, '/');
	snprintf(buf, len, "%s", b ? b + 1 : tmp);
}

/*
 * Every --kernel x every --scheduler (or eevdf), each once, resolved
 * against its kernel. With several kernels a scheduler is named
 * SCHED@KERNEL in the cells.
 */
static int plan_scheds(struct gauntlet *g, bool shipped)
{
	struct strlist def = STRLIST_INIT;
	const struct strlist *args = &vm_cli.schedulers;
	struct plan *p = &g->plan;
	char err[1024];
	int r = EXIT_USAGE;

	if (!args->n) {
		strlist_push(&def, SCHED_KERNEL_DEFAULT);
		args = &def;
	}
	p->scheds = calloc(args->n * g->nk, sizeof(*p->scheds));
	g->picks = calloc(args->n * g->nk, sizeof(*g->picks));
	if (!p->scheds || !g->picks)
		goto out;
	for (size_t k = 0; k < g->nk; k++) {
		char kname[NAME_MAX + 1] = "", other[NAME_MAX + 1];

		if (g->nk > 1)
			kernel_short(vm_cli.kernels.v[k], kname, sizeof(kname));
		for (size_t o = 0; g->nk > 1 && o < k; o++) {
			kernel_short(vm_cli.kernels.v[o], other, sizeof(other));
			if (!strcmp(kname, other)) {
				errmsg("gauntlet: --kernel %s and --kernel %s are both named \"%s\" in the cells; give each kernel once, by paths or cache names that differ",
				       vm_cli.kernels.v[o], vm_cli.kernels.v[k], kname);
				goto out;
			}
		}
		for (size_t i = 0; i < args->n; i++) {
			struct sched_pick *pick = &g->picks[p->nscheds];
			struct plan_sched *ps = &p->scheds[p->nscheds];
			bool dup = false;

			if (vm_sched_pick(&g->ks[k], args->v[i], pick, err,
					  sizeof(err))) {
				errmsg("gauntlet: %s%s%s", err,
				       g->nk > 1 ? " on kernel " : "", kname);
				goto out;
			}
			snprintf(ps->name, sizeof(ps->name), "%s%s%.*s",
				 pick->name, kname[0] ? "@" : "",
				 (int)(sizeof(ps->name) - strlen(pick->name) - 2),
				 kname);
			for (size_t j = 0; j < p->nscheds; j++)
				dup |= !strcmp(p->scheds[j].name, ps->name);
			if (dup) {
				memset(ps, 0, sizeof(*ps));
				continue;
			}
			ps->kernel = (unsigned int)k;
			/* A boot scheduler is offered through the agent's hand-off. */
			ps->to_attach = pick->host[0] || shipped;
			p->nscheds++;
		}
	}
	r = 0;
out:
	strlist_free(&def);
	return r;
}

static void cell_key(const struct gauntlet *g, size_t cell, char *buf,
		     size_t len)
{
	const struct plan_cell *c = &g->plan.cells[cell];

	snprintf(buf, len, "%s/%s/%s", g->plan.tests[c->test].name,
		 g->plan.topos[c->topo].spec, g->plan.scheds[c->sched].name);
}

static void boot_key(const struct gauntlet *g, unsigned int topo,
		     unsigned int sched, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", g->plan.topos[topo].spec,
		 g->plan.scheds[sched].name);
}

/* The batch (program, topology, scheduler) of each cell of [first, end). */
static size_t *batches(const struct plan *p, size_t first, size_t end,
		       size_t *n)
{
	size_t *b = calloc(p->ncells ?: 1, sizeof(*b));

	*n = 0;
	for (size_t i = first; b && i < end; i++) {
		const struct plan_cell *c = &p->cells[i];
		const struct plan_cell *prev = i > first ? c - 1 : NULL;

		if (prev && c->topo == prev->topo && c->sched == prev->sched &&
		    p->tests[c->test].item == p->tests[prev->test].item)
			b[i] = b[i - 1];
		else
			b[i] = (*n)++;
	}
	return b;
}

/*
 * Which cells of [first, end) run: all that apply, or what fits
 * --budget (@budget_s > 0). Not-applicable cells cost nothing and are
 * always reported. Returns the estimated seconds of the run with
 * g->slots VMs at once, or -1 without memory.
 */
static double choose(struct gauntlet *g, size_t first, size_t end,
		     double budget_s)
{
	const struct plan *p = &g->plan;
	struct budget_cell *bc = calloc(p->ncells ?: 1, sizeof(*bc));
	size_t nb, n = 0, *batch = batches(p, first, end, &nb);
	double *boot = calloc(nb ?: 1, sizeof(*boot)), est = -1;
	size_t *idx = calloc(p->ncells ?: 1, sizeof(*idx));
	double *est_k = calloc(p->ncells ?: 1, sizeof(*est_k));
	char key[PLAN_TEST_MAX + 2 * TOPO_SPEC_MAX];

	if (!bc || !batch || !boot || !idx || !est_k)
		goto out;
	for (size_t i = 0; i < nb; i++)
		boot[i] = -1;
	for (size_t i = first; i < end; i++) {
		const struct plan_cell *c = &p->cells[i];

		if (!c->applies) {
			g->in_run[i] = true;
			continue;
		}
		g->applies++;
		cell_key(g, i, key, sizeof(key));
		bc[n].cost_s = durations_cell(&g->dur, key);
		bc[n].batch = batch[i];
		boot_key(g, c->topo, c->sched, key, sizeof(key));
		boot[batch[i]] = durations_boot(&g->dur, key);
		idx[n++] = i;
	}
	if (budget_s > 0)
		budget_choose(bc, n, boot, nb, budget_s * g->slots);
	else
		for (size_t k = 0; k < n; k++)
			bc[k].chosen = true;
	budget_estimate(bc, n, boot, nb, est_k);
	est = 0;
	for (size_t k = 0; k < n; k++) {
		g->in_run[idx[k]] = bc[k].chosen;
		g->fit += bc[k].chosen;
		g->est[idx[k]] = est_k[k];
		est += bc[k].chosen ? est_k[k] : 0;
	}
	est /= g->slots;
	for (size_t i = first; i < end; i++)
		g->nrun += g->in_run[i];
out:
	free(bc);
	free(batch);
	free(boot);
	free(idx);
	free(est_k);
	return est;
}

/*
 * The running cells of one (program, topology, scheduler), consecutive
 * in the plan but for those left out: one VM.
 */
static int make_jobs(struct gauntlet *g)
{
	const struct plan *p = &g->plan;

	for (size_t i = 0; i < p->ncells; i++) {
		const struct plan_cell *c = &p->cells[i];
		struct gauntlet_job *last = g->njobs ? &g->jobs[g->njobs - 1] :
					    NULL;
		size_t *cells;

		if (!g->in_run[i] || !c->applies)
			continue;
		if (!last || last->j.topo != c->topo ||
		    last->j.sched != c->sched ||
		    last->j.item != p->tests[c->test].item) {
			struct gauntlet_job *v = realloc(g->jobs,
				(g->njobs + 1) * sizeof(*v));

			if (!v)
				return -1;
			g->jobs = v;
			last = &g->jobs[g->njobs++];
			memset(last, 0, sizeof(*last));
			last->j.item = p->tests[c->test].item;
			last->j.topo = c->topo;
			last->j.sched = c->sched;
			last->j.attempt = 1;
		}
		cells = realloc(last->j.cells, (last->j.n + 1) * sizeof(*cells));
		if (!cells)
			return -1;
		last->j.cells = cells;
		cells[last->j.n++] = i;
	}
	return 0;
}

/* ---- running ---------------------------------------------------------- */

/* Where a job's VM keeps its files: DIR/TOPOLOGY/SCHEDULER/PROGRAM[@K]. */
static bool vm_dir(const struct gauntlet *g, const struct job *j, char *buf,
		   size_t len)
{
	char attempt[16] = "";

	if (!vm_cli.output_dir)
		return false;
	if (j->attempt > 1)
		snprintf(attempt, sizeof(attempt), "@%u", j->attempt);
	snprintf(buf, len, "%s/%s/%s/%s%s", vm_cli.output_dir,
		 g->plan.topos[j->topo].name, g->plan.scheds[j->sched].name,
		 g->sel.v[j->item].name, attempt);
	return true;
}

struct child_ctx {
	struct batch b;
	int fd;
};

static void child_notify(void *ctx, size_t cell)
{
	pool_report(((struct child_ctx *)ctx)->fd, cell, 0);
}

static void child_line(void *ctx, const char *line)
{
	batch_line(&((struct child_ctx *)ctx)->b, line, now_ns());
}

/* In the child: the job's VM, its cells' results into shared memory. */
static void run_job(void *ctx, size_t ji, int fd)
{
	struct gauntlet *g = ctx;
	const struct job *j = &g->jobs[ji].j;
	const struct plan_topo *o = &g->plan.topos[j->topo];
	struct strlist args = STRLIST_INIT;
	struct vm_result *r = calloc(1, sizeof(*r));
	struct child_ctx c = { .fd = fd };
	char dir[PATH_MAX], why[300];
	struct ktap_follow f;
	enum test_result res;
	double overhead;

	struct vm_setup *s = &g->ks[g->plan.scheds[j->sched].kernel];

	if (!r || vm_setup_use(s, &o->t, o->name, &g->picks[j->sched]))
		return;
	for (size_t i = 0; i < j->n; i++) {
		const struct plan_test *t =
			&g->plan.tests[g->plan.cells[j->cells[i]].test];

		if (!t->whole) {
			strlist_push(&args, "-r");
			strlist_push(&args, t->sub.name);
		}
	}
	batch_init(&c.b, &g->plan, j, g->res, child_notify, &c);
	ktap_follow_init(&f, child_line, &c);
	prog_run(s, g->sel.v[j->item].path, &args,
		 vm_dir(g, j, dir, sizeof(dir)) ? dir : NULL, &f, r);
	res = prog_result(r, why, sizeof(why));
	overhead = batch_end(&c.b, r->outcome == VM_INTERRUPTED,
			     (double)r->total_ns / 1e9, now_ns(), res, why,
			     r->outcome == VM_EXITED ? "" : r->detail);
	/* A VM cut short says nothing about how long one takes. */
	pool_report(fd, MSG_VM_OVERHEAD,
		    r->outcome == VM_EXITED ? overhead : -1);
	strlist_free(&args);
	free(r);
}

static void print_cell(struct gauntlet *g, size_t cell)
{
	const struct cell_result *r = &g->res[cell];

	progress_clear(&g->progress);
	if (report_cell(stdout, &g->plan, cell, r, g->printed + 1)) {
		g->printed++;
		progress_cell(&g->progress, g->est[cell],
			      r->verdict == CELL_FAIL);
	}
	fflush(stdout);
	progress_draw(&g->progress);
}

static void on_msg(void *ctx, size_t ji, const struct pool_msg *m)
{
	struct gauntlet *g = ctx;

	if (m->what == MSG_VM_OVERHEAD) {
		g->jobs[ji].overhead_s = m->value;
		return;
	}
	if (m->what < g->plan.ncells && g->res[m->what].done)
		print_cell(g, (size_t)m->what);
}

/*
 * What a finished cell leaves: its duration, its sidecar. @j is the job
 * that ran it, or NULL.
 */
static void keep_cell(struct gauntlet *g, const struct job *j, size_t cell)
{
	const struct cell_result *r = &g->res[cell];
	char key[PLAN_TEST_MAX + 2 * TOPO_SPEC_MAX], dir[PATH_MAX], err[PATH_MAX + 100];
	bool has_dir;

	if (r->verdict == CELL_NOT_RUN)
		return;
	if (r->seconds > 0) {
		cell_key(g, cell, key, sizeof(key));
		durations_set_cell(&g->dur, key, r->seconds);
	}
	has_dir = j && vm_dir(g, j, dir, sizeof(dir));
	if (vm_cli.output_dir &&
	    report_sidecar(vm_cli.output_dir, &g->plan, cell, r,
			   &g->envs[g->plan.scheds[g->plan.cells[cell].sched].kernel],
			   has_dir ? dir : NULL, err, sizeof(err)))
		errmsg("gauntlet: %s", err);
}

static void on_end(void *ctx, size_t ji, int status)
{
	struct gauntlet *g = ctx;
	struct job again = g->jobs[ji].j;
	char key[2 * TOPO_SPEC_MAX];

	again.n = 0;
	again.cells = calloc(g->jobs[ji].j.n, sizeof(*again.cells));
	again.attempt++;
	for (size_t i = 0; i < g->jobs[ji].j.n; i++) {
		size_t cell = g->jobs[ji].j.cells[i];
		struct cell_result *r = &g->res[cell];

		if (r->done) {
			keep_cell(g, &g->jobs[ji].j, cell);
		} else if (r->rerun && !g->stopping && again.cells) {
			again.cells[again.n++] = cell;
		} else if (!g->stopping) {
			/* Its process died before it could say. */
			r->verdict = CELL_FAIL;
			snprintf(r->why, sizeof(r->why),
				 "the process running its VM ended with %s %d",
				 WIFSIGNALED(status) ? "signal" : "status",
				 WIFSIGNALED(status) ? WTERMSIG(status) :
				 WEXITSTATUS(status));
			r->done = true;
			print_cell(g, cell);
		}
	}
	if (g->jobs[ji].overhead_s > 0) {
		boot_key(g, again.topo, again.sched, key, sizeof(key));
		durations_set_boot(&g->dur, key, g->jobs[ji].overhead_s);
	}
	if (again.n) {
		struct gauntlet_job *v = realloc(g->jobs,
						 (g->njobs + 1) * sizeof(*v));

		if (v) {
			g->jobs = v;
			g->jobs[g->njobs].j = again;
			g->jobs[g->njobs++].overhead_s = -1;
			return;
		}
	}
	free(again.cells);
}

static void run_all(struct gauntlet *g)
{
	const struct pool_events ev = { .msg = on_msg, .end = on_end, .ctx = g };

	for (;;) {
		int sig;

		while (!g->stopping && g->next < g->njobs &&
		       pool_busy(&g->pool) < g->slots) {
			g->jobs[g->next].overhead_s = -1;
			if (pool_start(&g->pool, g->next, run_job, g) < 0) {
				if (pool_busy(&g->pool))
					break;
				errmsg("gauntlet: cannot start a process for a VM: %s",
				       strerror(errno));
				g->stopping = SIGTERM;
				break;
			}
			g->next++;
		}
		if (!pool_busy(&g->pool) &&
		    (g->stopping || g->next >= g->njobs))
			break;
		sig = pool_wait(&g->pool, 1000, &ev);
		if (sig && !g->stopping) {
			g->stopping = sig;
			/* From a terminal they have it already; kill(1) sends one. */
			pool_kill(&g->pool, sig);
		}
		progress_draw(&g->progress);
	}
	progress_clear(&g->progress);
}

/* ---- the command ------------------------------------------------------ */

static void kernel_release(const struct vm_setup *s, char *buf, size_t len)
{
	char path[PATH_MAX + 40];

	buf[0] = '\0';
	if (!s->kernel.tree[0])
		return;
	snprintf(path, sizeof(path), "%s/include/config/kernel.release",
		 s->kernel.tree);
	if (read_file_str(path, buf, len))
		buf[0] = '\0';
	rstrip(buf);
}

/* What --budget left: "3 of 26 cells that apply fit, about 1m45s with -j 1". */
static void budget_note(const struct gauntlet *g, const char *budget,
			double est_s, char *buf, size_t len)
{
	char eta[32];

	progress_duration(est_s, eta, sizeof(eta));
	snprintf(buf, len,
		 "--budget %s: %zu of %zu cells that apply fit, about %s with -j %u",
		 budget, g->fit, g->applies, eta, g->slots);
}

static void print_header(const struct gauntlet *g, const char *shard,
			 const char *budget, double est_s, size_t planned)
{
	printf("KTAP version 1\n1..%zu\n", g->nrun);
	printf("# ktstr gauntlet: %zu tests x %zu topologies x %zu schedulers = %zu cells",
	       g->plan.ntests, g->plan.ntopos, g->plan.nscheds,
	       g->plan.ncells);
	if (shard)
		printf(", shard %s: %zu", shard, planned);
	printf("\n# -j %u (%s), accel %s, kernel %s\n", g->slots,
	       pool_pinned(&g->pool) ? "each VM on its own host CPUs" :
	       "VMs share the host CPUs: fewer CPUs than VMs",
	       accel_name(g->ks[0].opts.cfg.accel), g->ks[0].kernel.image);
	for (size_t k = 1; k < g->nk; k++)
		printf("# kernel %s\n", g->ks[k].kernel.image);
	if (budget) {
		char note[200];

		budget_note(g, budget, est_s, note, sizeof(note));
		printf("# %s\n", note);
	}
}

#define OPT_JOBS	0x4701

int cmd_gauntlet(int argc, const char **argv)
{
	char *budget = NULL, *shard = NULL, *junit = NULL;
	int jobs = 0, plan_only = 0;
	struct poptOption table[] = {
		{ "jobs", 'j', POPT_ARG_INT, &jobs, OPT_JOBS,
		  "VMs at once (default: what host CPUs and memory allow)",
		  "N" },
		{ "budget", 0, POPT_ARG_STRING, &budget, 0,
		  "run the most cells that fit, from earlier runs' durations (30m, 1h, 1h30m)",
		  "DURATION" },
		{ "shard", 0, POPT_ARG_STRING, &shard, 0,
		  "run the K-th of N equal parts of the plan (CI matrices)",
		  "K/N" },
		{ "plan", 0, POPT_ARG_NONE, &plan_only, 0,
		  "print one line per test, topology and scheduler; run nothing",
		  NULL },
		{ "junit", 0, POPT_ARG_STRING, &junit, 0,
		  "also write the results as JUnit XML", "FILE" },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, vm_cli_options, 0,
		  "VM options (--topology and --scheduler repeat):", NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr gauntlet", argc, argv, table, 0);
	struct gauntlet *g = calloc(1, sizeof(*g));
	struct strlist args = STRLIST_INIT;
	unsigned int shard_k = 1, shard_n = 1;
	size_t first, end;
	double budget_s = 0, est_s;
	int opt, status = EXIT_USAGE, sig;
	struct report_counts cnt;
	bool shipped, jobs_given = false;
	char err[1024];
	const char *arg;

	if (!g) {
		errmsg("out of memory");
		poptFreeContext(pc);
		return EXIT_USAGE;
	}
	poptSetOtherOptionHelp(pc, "[OPTION...] [TEST...]");
	while ((opt = poptGetNextOpt(pc)) > 0) {
		if (opt == OPT_JOBS) {
			jobs_given = true;
			continue;
		}
		if (!vm_cli_take(pc, opt))
			break;
	}
	if (opt < -1) {
		errmsg("gauntlet: %s: %s; see 'ktstr gauntlet --help'",
		       poptBadOption(pc, 0), poptStrerror(opt));
		goto out;
	}
	if (jobs_given && (jobs < 1 || jobs > SLOTS_MAX)) {
		errmsg("gauntlet: bad -j %d: expected 1 to %d VMs at once",
		       jobs, SLOTS_MAX);
		goto out;
	}
	if (vm_cli.expect) {
		errmsg("gauntlet: --expect is for one run ('ktstr run', 'ktstr shell'); a gauntlet's cells pass or fail on their own");
		goto out;
	}
	if (budget && budget_parse(budget, &budget_s, err, sizeof(err))) {
		errmsg("gauntlet: %s", err);
		goto out;
	}
	if (shard && plan_shard_parse(shard, &shard_k, &shard_n, err,
				      sizeof(err))) {
		errmsg("gauntlet: %s", err);
		goto out;
	}
	if (junit && !plan_only) {
		FILE *f = fopen(junit, "we");

		if (!f) {
			errmsg("gauntlet: cannot write --junit %s: %s; give a writable file",
			       junit, strerror(errno));
			goto out;
		}
		fclose(f);
	}
	while ((arg = poptGetArg(pc)))
		strlist_push(&args, arg);
	if (plan_topos(&g->plan))
		goto out;
	status = test_args_select("gauntlet", &g->sel, &g->suite, &args,
				  false, &g->filters);
	if (!status)
		status = plan_tests(g);
	if (status)
		goto out;
	status = EXIT_USAGE;
	sig = vm_pending_signal();
	if (sig) {
		errmsg("gauntlet: interrupted by %s; nothing was started",
		       strsignal(sig));
		status = exit_for_signal(sig);
		goto out;
	}
	/* A setup per kernel; each job then takes its topology and scheduler. */
	vm_cli.topology = g->plan.topos[0].spec;
	vm_cli.scheduler = NULL;
	g->nk = vm_cli.kernels.n ? vm_cli.kernels.n : 1;
	if (g->nk > GAUNTLET_KERNELS_MAX) {
		errmsg("gauntlet: %zu kernels: at most %d --kernel at once",
		       g->nk, GAUNTLET_KERNELS_MAX);
		goto out;
	}
	for (size_t k = 0; k < g->nk; k++) {
		vm_cli.kernel = vm_cli.kernels.n ? vm_cli.kernels.v[k] : NULL;
		if (vm_cli_resolve(&g->ks[k], false))
			goto out;
	}
	shipped = prog_ship_scheduler(&g->ks[0]);
	if (plan_scheds(g, shipped) || plan_build(&g->plan))
		goto out;
	g->slots = jobs_given ? (unsigned int)jobs :
		   slots_default((unsigned int)vm_cli.memory_mb);
	plan_shard(&g->plan, shard_k, shard_n, &first, &end);
	g->in_run = calloc(g->plan.ncells ?: 1, sizeof(*g->in_run));
	g->est = calloc(g->plan.ncells ?: 1, sizeof(*g->est));
	if (!g->in_run || !g->est)
		goto out;
	/* Durations are per accelerator: settle it only when they matter. */
	if (!plan_only || budget)
		for (size_t k = 0; k < g->nk; k++)
			vm_choose_accel(&g->ks[k].opts);
	paths_cache(DURATIONS_FILE, g->dur_path, sizeof(g->dur_path));
	if (durations_load(&g->dur, g->dur_path,
			   accel_name(g->ks[0].opts.cfg.accel)))
		goto out;
	est_s = choose(g, first, end, budget_s);
	if (est_s < 0) {
		errmsg("out of memory");
		goto out;
	}
	if (plan_only) {
		for (size_t i = first; i < end; i++)
			if (g->in_run[i])
				plan_print_cell(&g->plan, i, stdout);
		if (budget) {
			budget_note(g, budget, est_s, err, sizeof(err));
			errmsg("gauntlet: %s", err);
		}
		status = 0;
		goto out;
	}
	g->res_bytes = (g->plan.ncells ?: 1) * sizeof(*g->res);
	g->res = mmap(NULL, g->res_bytes, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (g->res == MAP_FAILED || make_jobs(g) ||
	    pool_init(&g->pool, g->slots)) {
		if (g->res == MAP_FAILED)
			g->res = NULL;
		errmsg("gauntlet: cannot set up the run: %s", strerror(errno));
		goto out;
	}
	for (size_t k = 0; k < g->nk; k++) {
		kernel_release(&g->ks[k], g->releases[k], sizeof(g->releases[k]));
		g->envs[k] = (struct report_env){
			.kernel_image = g->ks[k].kernel.image,
			.kernel_release = g->releases[k],
			.accel = accel_name(g->ks[k].opts.cfg.accel),
		};
	}
	print_header(g, shard, budget, est_s, end - first);
	/* What cannot run on its topology is known now: no VM for it. */
	for (size_t i = first; i < end; i++) {
		const struct plan_cell *c = &g->plan.cells[i];
		struct cell_result *r = &g->res[i];

		if (!g->in_run[i] || c->applies)
			continue;
		r->verdict = CELL_NOT_APPLICABLE;
		snprintf(r->why, sizeof(r->why), "%s", c->why);
		r->done = true;
		keep_cell(g, NULL, i);
	}
	progress_init(&g->progress, g->nrun, est_s * g->slots, g->slots);
	for (size_t i = first; i < end; i++)
		if (g->res[i].done)
			print_cell(g, i);
	run_all(g);
	report_count(&g->plan, g->res, g->in_run, &cnt);
	if (g->stopping) {
		printf("# interrupted by %s: %zu of %zu cells did not run; every VM was stopped\n",
		       strsignal(g->stopping), g->nrun - g->printed, g->nrun);
		printf("# Planned tests != run tests (%zu != %u)\n", g->nrun,
		       g->printed);
	}
	report_totals(stdout, &cnt);
	report_summary(stdout, &g->plan, g->res, g->in_run);
	fflush(stdout);
	if (junit && report_junit(junit, &g->plan, g->res, g->in_run, err,
				  sizeof(err)))
		errmsg("gauntlet: %s", err);
	if (durations_save(&g->dur, g->dur_path, err, sizeof(err)))
		errmsg("gauntlet: durations not kept: %s", err);
	status = g->stopping ? exit_for_signal(g->stopping) :
		 cnt.v[CELL_FAIL] ? 1 : 0;
out:
	pool_free(&g->pool);
	for (size_t i = 0; i < g->njobs; i++)
		free(g->jobs[i].j.cells);
	free(g->jobs);
	if (g->res)
		munmap(g->res, g->res_bytes);
	free(g->in_run);
	free(g->est);
	free(g->picks);
	durations_free(&g->dur);
	plan_free(&g->plan);
	test_args_free(&g->sel, &g->suite, g->filters);
	for (size_t k = 0; k < GAUNTLET_KERNELS_MAX; k++)
		vm_setup_free(&g->ks[k]);
	strlist_free(&args);
	poptFreeContext(pc);
	free(g);
	return status;
}
