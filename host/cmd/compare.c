// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr compare [VM options] --a SIDE --b SIDE: the same scenarios under
 * A and B (schedulers, their arguments, or kernels), run interleaved
 * (A B A B ...) in identical VMs, then compared metric by metric with
 * Welch's t-test (host/compare/). --baseline NAME takes A from an earlier
 * run saved with --save-baseline NAME. Results, plots and a page go to
 * --output-dir.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "ktstr_env.h"
#include "cmd/cli.h"
#include "cmd/prog_run.h"
#include "cmd/suite.h"
#include "compare/analysis.h"
#include "compare/baseline.h"
#include "compare/metrics.h"
#include "compare/output.h"
#include "gauntlet/progress.h"
#include "vm/accel.h"

#define CMP_RUNS_MIN	5	/* per side, before the noise decides */
#define CMP_RUNS_AUTO	20	/* at most, when the noise decides */
#define CMP_RUNS_MAX	1000
#define CMP_EXIT_WORSE	1

/* What compare runs when no --scenario is given. */
static const char * const default_scenarios[] = {
	"requests", "steady", "pipe_pingpong", NULL,
};

struct side_opt {
	char *spec;		/* SCHED[:ARGS] */
	char *kernel;
};

struct compare {
	struct side_opt opt[CMP_SIDES];
	bool run[CMP_SIDES];	/* the side boots VMs (not a baseline) */
	struct vm_setup s[CMP_SIDES];
	struct cmp_context ctx;
	struct cmp_set set;
	struct strlist scenarios, args;
	char prog[PATH_MAX];
	char out[PATH_MAX];
	struct progress progress;
	double run_s;		/* seconds of the last run, for the ETA */
};

/* SCHED[:ARGS] into @s. */
static int parse_side(const char *spec, struct cmp_side *s)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);

	if (!n || n >= sizeof(s->sched) ||
	    (colon && strlen(colon + 1) >= sizeof(s->args)))
		return -1;
	memcpy(s->sched, spec, n);
	s->sched[n] = '\0';
	snprintf(s->args, sizeof(s->args), "%s", colon ? colon + 1 : "");
	return 0;
}

/* The VM setup of side @k: the shared options with its scheduler and kernel. */
static int resolve_side(struct compare *c, int k)
{
	struct cmp_side *side = &c->ctx.side[k];
	char *sched = vm_cli.scheduler, *args = vm_cli.sched_args;
	char *kernel = vm_cli.kernel;
	int r;

	vm_cli.scheduler = side->sched;
	vm_cli.sched_args = side->args[0] ? side->args : NULL;
	if (c->opt[k].kernel)
		vm_cli.kernel = c->opt[k].kernel;
	r = vm_cli_resolve(&c->s[k], false);
	vm_cli.scheduler = sched;
	vm_cli.sched_args = args;
	vm_cli.kernel = kernel;
	if (r)
		return r;
	snprintf(side->kernel, sizeof(side->kernel), "%s", c->s[k].kernel.image);
	vm_choose_accel(&c->s[k].opts);
	return 0;
}

static void quiet(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

/* One VM of side @k, its report added; false if it failed. */
static bool run_once(struct compare *c, int k, size_t round)
{
	struct vm_result *r = calloc(1, sizeof(*r));
	char dir[PATH_MAX], report[PATH_MAX + 32], why[300], err[512];
	struct cmp_side *side = &c->ctx.side[k];
	struct ktap_follow f;
	enum test_result res;
	uint64_t t0 = now_ns();
	bool ok = false;

	if (!r)
		return false;
	snprintf(dir, sizeof(dir), "%s/runs/%c-%02zu", c->out, 'A' + k, round);
	snprintf(report, sizeof(report), "%s/%s", dir, KTSTR_SCENARIO_REPORT);
	/* An --output-dir used before must not lend this run an old report. */
	if (unlink(report) && errno != ENOENT) {
		printf("# run %zu %c: cannot remove the old %s: %s\n", round,
		       'A' + k, report, strerror(errno));
		side->runs++;
		side->failed++;
		free(r);
		return false;
	}
	ktap_follow_init(&f, quiet, NULL);
	prog_run(&c->s[k], c->prog, &c->args, dir, &f, r);
	res = prog_result(r, why, sizeof(why));
	c->run_s = (double)(now_ns() - t0) / 1e9;
	side->runs++;
	progress_clear(&c->progress);
	if (r->outcome != VM_EXITED) {
		side->failed++;
		printf("# run %zu %c: %s: %s\n", round, 'A' + k,
		       vm_outcome_name(r->outcome), strtok(r->detail, "\n") ?: "");
	} else if (cmp_add_report(&c->set, k, report, err, sizeof(err))) {
		side->failed++;
		printf("# run %zu %c: no measurements: %s\n", round, 'A' + k, err);
	} else {
		ok = true;
		printf("# run %zu %c: %.1f s%s%s\n", round, 'A' + k, c->run_s,
		       res == TEST_FAIL ? ", checks failed: " : "",
		       res == TEST_FAIL ? why : "");
	}
	fflush(stdout);
	free(r);
	return ok;
}

/* A side whose first CMP_FAILS_STOP runs all failed will not get better. */
#define CMP_FAILS_STOP	3

static bool side_hopeless(const struct cmp_side *s)
{
	return s->runs >= CMP_FAILS_STOP && s->failed == s->runs;
}

/* A B A B ...; returns a termination signal that stopped it, or 0. */
static int run_rounds(struct compare *c, int runs)
{
	size_t sides = (size_t)c->run[0] + c->run[1];
	bool both = c->run[1] && (c->run[0] || c->ctx.side[0].baseline[0]);
	size_t limit = runs ? (size_t)runs : both ? CMP_RUNS_AUTO : CMP_RUNS_MIN;
	struct cmp_params *p = &c->ctx.params;

	progress_init(&c->progress, limit * sides, 0, 1);
	c->progress.title = "compare";
	c->progress.items = "runs";
	for (size_t round = 1; round <= limit; round++) {
		for (int k = 0; k < CMP_SIDES; k++) {
			int sig;

			if (!c->run[k])
				continue;
			progress_draw(&c->progress);
			progress_cell(&c->progress, 0, !run_once(c, k, round));
			c->progress.work_s = c->run_s * (double)c->progress.total;
			c->progress.done_s = c->run_s * (double)c->progress.done;
			sig = vm_pending_signal();
			if (sig) {
				progress_clear(&c->progress);
				printf("# interrupted by %s after %zu of %zu runs\n",
				       strsignal(sig), c->progress.done,
				       c->progress.total);
				return sig;
			}
			if (side_hopeless(&c->ctx.side[k])) {
				progress_clear(&c->progress);
				printf("# every run of side %c failed, %zu of %zu: stopping\n",
				       'A' + k, c->ctx.side[k].failed,
				       c->ctx.side[k].runs);
				return 0;
			}
		}
		/* Without --runs the noise says when to stop. */
		if (!runs && both && round >= CMP_RUNS_MIN) {
			size_t need = cmp_runs_needed(&c->set, p);

			if (need && round >= need) {
				progress_clear(&c->progress);
				printf("# %zu runs a side resolve a %.0f %% change for most metrics\n",
				       round, p->threshold * 100);
				break;
			}
		}
	}
	progress_clear(&c->progress);
	return 0;
}

/* Each --scenario a canned scenario of the program: "-r canned.NAME.passes". */
static int scenario_args(struct compare *c)
{
	struct harness_list l = { .n = 0 };
	char err[512], sub[HARNESS_NAME_MAX];
	int r = -1;

	if (!c->scenarios.n)
		for (const char * const *d = default_scenarios; *d; d++)
			strlist_push(&c->scenarios, *d);
	if (suite_list_program(c->prog, &l, err, sizeof(err))) {
		errmsg("compare: %s", err);
		return -1;
	}
	for (size_t i = 0; i < c->scenarios.n; i++) {
		const char *name = c->scenarios.v[i];

		snprintf(sub, sizeof(sub), "canned.%s.passes", name);
		if (!cmp_name_ok(name, 64) || !harness_find(&l, sub)) {
			errmsg("compare: no canned scenario \"%s\"; see ktstr list 'scenarios:canned.*'",
			       name);
			goto out;
		}
		strlist_push(&c->args, "-r");
		strlist_push(&c->args, sub);
	}
	r = 0;
out:
	harness_list_free(&l);
	return r;
}

static int default_out(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	return strftime(buf, len, "compare-%Y%m%d-%H%M%S", &tm) ? 0 : -1;
}

#define OPT_SCENARIO	0x4c01

int cmd_compare(int argc, const char **argv)
{
	struct compare *c = calloc(1, sizeof(*c));
	char *baseline = NULL, *save = NULL, err[1024];
	double alpha = 0.01, threshold = 5;
	int runs = 0, opt, status = EXIT_USAGE, sig;
	struct cmp_analysis a = { .n = 0 };
	struct poptOption table[] = {
		{ "a", 0, POPT_ARG_STRING, NULL, 'A',
		  "side A: a scheduler and its arguments (eevdf, scx_simple, \"scx_qmap:-p -s 500\")",
		  "SCHED[:ARGS]" },
		{ "b", 0, POPT_ARG_STRING, NULL, 'B', "side B, the same way",
		  "SCHED[:ARGS]" },
		{ "a-kernel", 0, POPT_ARG_STRING, NULL, 'a',
		  "side A's kernel (default: --kernel, or the cached build)",
		  "PATH|NAME" },
		{ "b-kernel", 0, POPT_ARG_STRING, NULL, 'b', "side B's kernel",
		  "PATH|NAME" },
		{ "runs", 'n', POPT_ARG_INT, &runs, 0,
		  "runs per side (default: 5, then as many as the noise asks, up to 20; 5 when only saving a baseline)",
		  "N" },
		{ "scenario", 0, POPT_ARG_STRING, NULL, OPT_SCENARIO,
		  "a canned scenario to run (repeatable; default: requests, steady, pipe_pingpong)",
		  "NAME" },
		{ "alpha", 0, POPT_ARG_DOUBLE, &alpha, 0,
		  "significance level of the t-test (default 0.01)", "P" },
		{ "threshold", 0, POPT_ARG_DOUBLE, &threshold, 0,
		  "the smallest change, in percent, called better or worse (default 5)",
		  "PCT" },
		{ "save-baseline", 0, POPT_ARG_STRING, &save, 0,
		  "keep side A's runs as baseline NAME", "NAME" },
		{ "baseline", 0, POPT_ARG_STRING, &baseline, 0,
		  "take side A from baseline NAME instead of running it", "NAME" },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, vm_cli_options, 0,
		  "VM options (--scheduler and --sched-args are --a and --b here):",
		  NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr compare", argc, argv, table, 0);

	if (!c) {
		errmsg("compare: out of memory");
		poptFreeContext(pc);
		return EXIT_VM_FAILED;
	}
	while ((opt = poptGetNextOpt(pc)) > 0) {
		char *v = poptGetOptArg(pc);

		switch (opt) {
		case 'A':
		case 'B':
			free(c->opt[opt - 'A'].spec);
			c->opt[opt - 'A'].spec = v;
			continue;
		case 'a':
		case 'b':
			free(c->opt[opt - 'a'].kernel);
			c->opt[opt - 'a'].kernel = v;
			continue;
		case OPT_SCENARIO:
			strlist_push(&c->scenarios, v ?: "");
			free(v);
			continue;
		}
		free(v);
		if (!vm_cli_take(pc, opt))
			break;
	}
	if (opt < -1) {
		errmsg("compare: %s: %s; see 'ktstr compare --help'",
		       poptBadOption(pc, 0), poptStrerror(opt));
		goto out;
	}
	if (poptPeekArg(pc)) {
		errmsg("compare: unexpected argument \"%s\": name scenarios with --scenario NAME",
		       poptPeekArg(pc));
		goto out;
	}
	if (vm_cli.scheduler || vm_cli.sched_args) {
		errmsg("compare: --scheduler and --sched-args do not apply: give each side as --a SCHED[:ARGS] and --b SCHED[:ARGS]");
		goto out;
	}
	if (baseline && (c->opt[0].spec || c->opt[0].kernel)) {
		errmsg("compare: --baseline %s is side A: drop --a and --a-kernel, or drop --baseline",
		       baseline);
		goto out;
	}
	if (!c->opt[0].spec && !baseline) {
		errmsg("compare: nothing to compare: give --a SCHED (or --baseline NAME) and --b SCHED");
		goto out;
	}
	if (!c->opt[1].spec && !save) {
		errmsg("compare: no side B: give --b SCHED[:ARGS], or --save-baseline NAME to only keep side A");
		goto out;
	}
	if (c->opt[1].kernel && !c->opt[1].spec) {
		errmsg("compare: --b-kernel needs --b SCHED");
		goto out;
	}
	if (runs < 0 || runs == 1 || runs > CMP_RUNS_MAX) {
		errmsg("compare: bad --runs %d: expected 2 to %d runs per side (a t-test needs two)",
		       runs, CMP_RUNS_MAX);
		goto out;
	}
	if (!(alpha > 0 && alpha < 0.5) || !(threshold > 0 && threshold < 1000)) {
		errmsg("compare: bad --alpha %g or --threshold %g: expected 0 < alpha < 0.5 and a percentage above 0",
		       alpha, threshold);
		goto out;
	}
	if ((save && !baseline_name_ok(save)) ||
	    (baseline && !baseline_name_ok(baseline))) {
		errmsg("compare: bad baseline name \"%s\": expected 1 to 63 of A-Z a-z 0-9 _ . - (not starting with '.')",
		       save && !baseline_name_ok(save) ? save : baseline);
		goto out;
	}
	if (save && baseline) {
		errmsg("compare: --save-baseline keeps side A's runs, and with --baseline %s side A is not run: drop one",
		       baseline);
		goto out;
	}
	c->ctx.params.alpha = alpha;
	c->ctx.params.threshold = threshold / 100;
	c->ctx.params.conf = 1 - alpha;
	for (int k = 0; k < CMP_SIDES; k++) {
		if (!c->opt[k].spec)
			continue;
		if (parse_side(c->opt[k].spec, &c->ctx.side[k])) {
			errmsg("compare: bad --%c \"%s\": expected SCHED[:ARGS], e.g. scx_simple or \"scx_qmap:-p\"",
			       'a' + k, c->opt[k].spec);
			goto out;
		}
		c->run[k] = true;
	}
	if (baseline && baseline_load(baseline, &c->set, &c->ctx, err, sizeof(err))) {
		errmsg("compare: %s", err);
		goto out;
	}
	for (int k = 0; k < CMP_SIDES; k++) {
		if (c->run[k]) {
			status = resolve_side(c, k);
			if (status)
				goto out;
		}
	}
	status = EXIT_USAGE;
	{
		int k = c->run[0] ? 0 : 1;
		char spec[TOPO_SPEC_MAX];

		snprintf(c->prog, sizeof(c->prog), "%s/scenarios",
			 c->s[k].paths.selftests);
		if (access(c->prog, X_OK)) {
			errmsg("compare: the scenario program %s is missing; run 'make'",
			       c->prog);
			goto out;
		}
		if (scenario_args(c))
			goto out;
		topology_spec(&c->s[k].opts.cfg.topo, spec, sizeof(spec));
		if (baseline && (strcmp(c->ctx.topology, spec) ||
				 strcmp(c->ctx.accel, accel_name(c->s[k].opts.cfg.accel))))
			printf("# note: baseline %s ran on %s under %s; this run is on %s under %s\n",
			       baseline, c->ctx.topology, c->ctx.accel, spec,
			       accel_name(c->s[k].opts.cfg.accel));
		snprintf(c->ctx.topology, sizeof(c->ctx.topology), "%s", spec);
		snprintf(c->ctx.accel, sizeof(c->ctx.accel), "%s",
			 accel_name(c->s[k].opts.cfg.accel));
	}
	if (vm_cli.output_dir)
		snprintf(c->out, sizeof(c->out), "%s", vm_cli.output_dir);
	else if (default_out(c->out, sizeof(c->out)))
		goto out;
	if (mkdir_p(c->out, 0755)) {
		errmsg("compare: cannot make %s: %s; give a writable --output-dir",
		       c->out, strerror(errno));
		goto out;
	}
	printf("# ktstr compare: topology %s, accel %s, results in %s\n# scenarios:",
	       c->ctx.topology, c->ctx.accel, c->out);
	for (size_t i = 0; i < c->scenarios.n; i++)
		printf(" %s", c->scenarios.v[i]);
	printf("\n");
	fflush(stdout);
	sig = run_rounds(c, runs);
	for (int k = 0; k < CMP_SIDES; k++)
		c->ctx.check_failures[k] = c->set.check_failures[k];
	status = 0;
	if ((c->run[0] && c->ctx.side[0].runs == c->ctx.side[0].failed) ||
	    (c->run[1] && c->ctx.side[1].runs == c->ctx.side[1].failed)) {
		errmsg("compare: every run of a side failed: nothing to compare (see the run lines above and %s/runs)",
		       c->out);
		status = EXIT_VM_FAILED;
	}
	if (save && c->run[0] && c->ctx.side[0].runs > c->ctx.side[0].failed) {
		if (baseline_save(save, &c->set, &c->ctx, err, sizeof(err))) {
			errmsg("compare: %s", err);
			status = EXIT_VM_FAILED;
		} else {
			char path[PATH_MAX];

			baseline_path(save, path, sizeof(path));
			printf("# side A saved as baseline %s (%s)\n", save, path);
		}
	}
	if (c->opt[1].spec && !status) {
		if (cmp_analyze(&c->set, &c->ctx.params, &a)) {
			errmsg("compare: out of memory");
			status = EXIT_VM_FAILED;
			goto out;
		}
		cmp_print_table(stdout, &c->ctx, &a);
		if (cmp_write_results(c->out, &c->ctx, &a, err, sizeof(err))) {
			errmsg("compare: %s", err);
			status = EXIT_VM_FAILED;
		} else {
			printf("# results: %s/compare.json, the page: %s/index.html\n",
			       c->out, c->out);
		}
		if (!status && a.worse)
			status = CMP_EXIT_WORSE;
	}
	if (sig)
		status = exit_for_signal(sig);
out:
	cmp_analysis_free(&a);
	cmp_set_free(&c->set);
	for (int k = 0; k < CMP_SIDES; k++) {
		vm_setup_free(&c->s[k]);
		free(c->opt[k].spec);
		free(c->opt[k].kernel);
	}
	strlist_free(&c->scenarios);
	strlist_free(&c->args);
	free(baseline);
	free(save);
	free(c);
	poptFreeContext(pc);
	return status;
}
