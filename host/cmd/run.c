// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr run [VM options] [--kselftest DIR|TAR -c C...] [TEST...]: run each
 * test program, and each kselftest collection, in its own VM and report
 * KTAP v1. Without either the default suite runs: every program built
 * from selftests/. TESTs are paths or names and globs of the suite's
 * programs and subtests (select.h); --repeat runs it all N times.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "cmd/cli.h"
#include "cmd/kselftest.h"
#include "cmd/prog_run.h"
#include "cmd/test_args.h"
#include "vm/accel.h"

/* The program's own output, nested: indented by four spaces. */
static void print_nested(void *ctx, const char *line)
{
	(void)ctx;
	printf("    %s\n", line);
	fflush(stdout);
}

/* One failure is reported once: what it stopped, not a failure per test. */
static void cut_short(const struct ktap_follow *f, const struct vm_result *r)
{
	const char *step = r->step[0] ? r->step : f->running;

	if (step[0])
		printf("# %s during subtest %s\n", vm_outcome_name(r->outcome),
		       step);
	if (f->plan > f->results)
		printf("# %u of %u subtests did not run because of it\n",
		       f->plan - f->results, f->plan);
}

/*
 * Run one test in a fresh VM; prints its KTAP result line, naming it
 * @name. @args, if not NULL, are the program's arguments.
 */
static enum test_result run_one(struct vm_setup *s, const char *test,
				const struct strlist *args, const char *name,
				unsigned int num, const char *out_root)
{
	struct vm_result *r = calloc(1, sizeof(*r));
	char out_dir[PATH_MAX], why[300];
	enum test_result res;
	struct ktap_follow f;

	if (!r)
		return TEST_FAIL;
	if (out_root)
		snprintf(out_dir, sizeof(out_dir), "%s/%s", out_root, name);
	ktap_follow_init(&f, print_nested, NULL);
	prog_run(s, test, args, out_root ? out_dir : NULL, &f, r);
	res = prog_result(r, why, sizeof(why));
	if (r->outcome != VM_EXITED && vm_cli_expected(r) < 0) {
		for (char *line = strtok(r->detail, "\n"); line;
		     line = strtok(NULL, "\n"))
			printf("# %s\n", line);
		cut_short(&f, r);
	}
	printf("%s %u %s%s%s\n", res == TEST_FAIL ? "not ok" : "ok", num, name,
	       why[0] ? " # " : "", why);
	fflush(stdout);
	free(r);
	return res;
}

/*
 * One kselftest collection in its own VM. One that attaches schedulers of
 * its own runs without the scheduler under test.
 */
static enum test_result run_collection(struct vm_setup *s,
				       const struct kselftest *k,
				       const char *collection, const char *label,
				       unsigned int num, const char *out_root)
{
	const char *sched = s->opts.rootfs.scheduler;
	const char *sched_guest = s->opts.job.sched_path;
	struct strlist args = STRLIST_INIT;
	enum test_result res;

	if (sched && kselftest_loads_own_scheduler(collection)) {
		printf("# %s attaches its own schedulers: %s is not attached for it\n",
		       label, s->sched_name);
		s->opts.rootfs.scheduler = NULL;
		s->opts.job.sched_path = NULL;
	}
	s->opts.rootfs.tree = k->dir;
	strlist_push(&args, collection);
	res = run_one(s, s->paths.kselftest_run, &args, label, num, out_root);
	strlist_free(&args);
	s->opts.rootfs.tree = NULL;
	s->opts.rootfs.scheduler = sched;
	s->opts.job.sched_path = sched_guest;
	return res;
}

/* A repeated test is NAME@K: '#' would start a KTAP directive. */
static void label(char *buf, size_t len, const char *name, int round,
		  int repeat)
{
	if (repeat > 1)
		snprintf(buf, len, "%s@%d", name, round);
	else
		snprintf(buf, len, "%s", name);
}

#define OPT_COLLECTION	0x4b01
#define RUN_REPEAT_MAX	1000

int cmd_run(int argc, const char **argv)
{
	char *kselftest_path = NULL;
	struct strlist collections = STRLIST_INIT;
	struct kselftest k = { .dir = "" };
	int repeat = 1, fail_fast = 0;
	struct poptOption table[] = {
		{ "kselftest", 0, POPT_ARG_STRING, &kselftest_path, 0,
		  "a kselftest install directory or gen_tar tarball", "DIR|TAR" },
		{ "collection", 'c', POPT_ARG_STRING, NULL, OPT_COLLECTION,
		  "a collection of --kselftest to run (repeatable)", "NAME" },
		{ "repeat", 0, POPT_ARG_INT, &repeat, 0,
		  "run the whole selection N times, each test then named NAME@K (default 1)",
		  "N" },
		{ "fail-fast", 0, POPT_ARG_NONE, &fail_fast, 0,
		  "stop after the first test that is not ok", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, vm_cli_options, 0,
		  "VM options:", NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr run", argc, argv, table, 0);
	struct strlist args = STRLIST_INIT, *filters = NULL;
	struct selection sel = { .n = 0 };
	struct suite suite = { .lists = NULL };
	unsigned int failed = 0, skipped = 0, ran = 0, per_round, total;
	struct vm_setup s;
	const char *arg;
	int opt, status = EXIT_USAGE, sig;
	char spec[TOPO_SPEC_MAX], name[NAME_MAX + 16];

	memset(&s, 0, sizeof(s));
	poptSetOtherOptionHelp(pc, "[OPTION...] [TEST...]");
	while ((opt = poptGetNextOpt(pc)) > 0) {
		if (opt == OPT_COLLECTION) {
			strlist_push(&collections, poptGetOptArg(pc) ?: "");
			continue;
		}
		if (!vm_cli_take(pc, opt))
			break;
	}
	if (opt < -1) {
		errmsg("run: %s: %s; see 'ktstr run --help'",
		       poptBadOption(pc, 0), poptStrerror(opt));
		goto out;
	}
	if (repeat < 1 || repeat > RUN_REPEAT_MAX) {
		errmsg("run: bad --repeat %d: expected a number of runs from 1 to %d",
		       repeat, RUN_REPEAT_MAX);
		goto out;
	}
	if (!kselftest_path != !collections.n) {
		errmsg("run: --kselftest and -c go together: name the tree and at least one collection, e.g. --kselftest kselftest.tar.gz -c sched_ext");
		goto out;
	}
	while ((arg = poptGetArg(pc)))
		strlist_push(&args, arg);
	status = test_args_select("run", &sel, &suite, &args, collections.n,
				  &filters);
	if (status)
		goto out;
	/* Listing subtests took a moment: a ^C then stops here. */
	sig = vm_pending_signal();
	if (sig) {
		errmsg("run: interrupted by %s; nothing was started",
		       strsignal(sig));
		status = exit_for_signal(sig);
		goto out;
	}
	status = vm_cli_resolve(&s, false);
	if (status)
		goto out;
	prog_ship_scheduler(&s);
	status = EXIT_USAGE;
	if (kselftest_path) {
		if (kselftest_open(&k, kselftest_path))
			goto out;
		for (size_t i = 0; i < collections.n; i++)
			if (kselftest_has(&k, collections.v[i]))
				goto out;
	}
	vm_choose_accel(&s.opts);
	topology_spec(&s.opts.cfg.topo, spec, sizeof(spec));
	per_round = (unsigned int)(sel.n + collections.n);
	total = per_round * (unsigned int)repeat;
	printf("KTAP version 1\n1..%u\n", total);
	printf("# ktstr: topology %s, scheduler %s, accel %s\n", spec,
	       s.sched_name ? s.sched_name : "default (EEVDF)",
	       accel_name(s.opts.cfg.accel));
	fflush(stdout);
	status = 0;
	for (int round = 1; round <= repeat; round++) {
		for (size_t i = 0; i < per_round; i++) {
			enum test_result res;

			ran++;
			if (i < sel.n) {
				label(name, sizeof(name), sel.v[i].name, round,
				      repeat);
				res = run_one(&s, sel.v[i].path, &filters[i],
					      name, ran, vm_cli.output_dir);
			} else {
				const char *c = collections.v[i - sel.n];
				char base[NAME_MAX];

				snprintf(base, sizeof(base), "kselftest:%s", c);
				label(name, sizeof(name), base, round, repeat);
				res = run_collection(&s, &k, c, name, ran,
						     vm_cli.output_dir);
			}
			failed += res == TEST_FAIL;
			skipped += res == TEST_SKIP;
			sig = vm_pending_signal();
			if (sig) {
				printf("# interrupted by %s after %u of %u tests\n",
				       strsignal(sig), ran, total);
				status = exit_for_signal(sig);
				goto out;
			}
			if (fail_fast && res == TEST_FAIL)
				goto totals;
		}
	}
totals:
	/* As kselftest.h says it when a program stops early. */
	if (ran < total) {
		printf("# --fail-fast: stopped after the first failure; %u of %u tests did not run\n",
		       total - ran, total);
		printf("# Planned tests != run tests (%u != %u)\n", total, ran);
	}
	/* kselftest's totals line; a SKIP is not a pass. */
	printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:%u error:0\n",
	       ran - failed - skipped, failed, skipped);
	status = failed ? 1 : 0;
out:
	test_args_free(&sel, &suite, filters);
	kselftest_close(&k);
	strlist_free(&collections);
	strlist_free(&args);
	vm_setup_free(&s);
	poptFreeContext(pc);
	return status;
}
