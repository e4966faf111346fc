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
#include "cmd/select.h"
#include "vm/accel.h"

/*
 * A test program's result follows kselftest's rule (runner.sh): exit 0 is
 * ok, KSFT_SKIP is ok # SKIP, anything else is not ok # exit=N. The same
 * rule decides direct runs, where the kernel's own runner runs them.
 */
#define KSFT_SKIP 4

/*
 * Test output, re-emitted as a nested KTAP subtest: indented by four
 * spaces, so a kselftest program's own results become subtests.
 */
struct diag {
	char line[1024];
	size_t len;
	/* The test's own KTAP, followed to say what a failure cut short. */
	unsigned int plan, results;
	char running[128];	/* the subtest started and not finished */
};

/* kselftest_harness.h's lines: "1..N", "#  RUN  NAME ...", "ok N", "not ok N". */
static void diag_follow(struct diag *d, const char *l)
{
	unsigned int n;
	char name[128];

	if (sscanf(l, "1..%u", &n) == 1) {
		d->plan = n;
	} else if (sscanf(l, "# RUN %127s", name) == 1) {
		snprintf(d->running, sizeof(d->running), "%s", name);
	} else if (!strncmp(l, "ok ", 3) || !strncmp(l, "not ok ", 7)) {
		d->results++;
		d->running[0] = '\0';
	}
}

static void diag_flush(struct diag *d)
{
	if (!d->len)
		return;
	d->line[d->len] = '\0';
	diag_follow(d, d->line);
	printf("    %s\n", d->line);
	d->len = 0;
}

/* The subtest running now: the failure report's step. */
static const char *diag_step(void *ctx)
{
	const struct diag *d = ctx;

	return d->running;
}

/* One failure is reported once: what it stopped, not a failure per test. */
static void diag_cut_short(const struct diag *d, const struct vm_result *r)
{
	const char *step = r->step[0] ? r->step : d->running;

	if (step[0])
		printf("# %s during subtest %s\n", vm_outcome_name(r->outcome),
		       step);
	if (d->plan > d->results)
		printf("# %u of %u subtests did not run because of it\n",
		       d->plan - d->results, d->plan);
}

static void diag_output(void *ctx, int stream, const char *buf, size_t len)
{
	struct diag *d = ctx;

	(void)stream;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n' || d->len == sizeof(d->line) - 2)
			diag_flush(d);
		if (c != '\n' && c != '\r')
			d->line[d->len++] = (c < 0x20 && c != '\t') ? '?' :
					    (char)c;
	}
	fflush(stdout);
}

/* Every program there, executable, before any VM boots. */
static int check_tests(const struct selection *sel)
{
	for (size_t i = 0; i < sel->n; i++) {
		if (access(sel->v[i].path, X_OK)) {
			errmsg("test %s: %s; expected an executable test program",
			       sel->v[i].path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

enum test_result { TEST_PASS, TEST_SKIP, TEST_FAIL };

/*
 * Run one test in a fresh VM; prints its KTAP result line, naming it
 * @name. @args, if not NULL, are the program's arguments.
 */
static enum test_result run_one(struct vm_setup *s, const char *test,
				const struct strlist *args, const char *name,
				unsigned int num, const char *out_root)
{
	struct strlist progs = STRLIST_INIT, argv = STRLIST_INIT;
	char guest[PATH_MAX], out_dir[PATH_MAX];
	struct diag d = { .len = 0, .plan = 0 };
	struct vm_result *r = calloc(1, sizeof(*r));
	enum test_result res = TEST_FAIL;
	int expected;

	if (!r)
		return TEST_FAIL;
	strlist_push(&progs, test);
	initramfs_guest_path(GUEST_PROG_DIR, test, guest, sizeof(guest));
	strlist_push(&argv, guest);
	for (size_t i = 0; args && i < args->n; i++)
		strlist_push(&argv, args->v[i]);
	s->opts.rootfs.programs = &progs;
	s->opts.job.argv = &argv;
	s->opts.job.command = NULL;
	s->opts.output = diag_output;
	s->opts.output_ctx = &d;
	s->opts.step = diag_step;
	if (out_root) {
		snprintf(out_dir, sizeof(out_dir), "%s/%s", out_root, name);
		s->opts.output_dir = out_dir;
	}
	vm_run(&s->opts, r);
	diag_flush(&d);
	expected = vm_cli_expected(r);
	if (expected >= 0) {
		/* A negative control: only the verdict it names passes it. */
		if (expected)
			printf("ok %u %s # expected %s\n", num, name,
			       vm_outcome_name(r->outcome));
		else
			printf("not ok %u %s # expected %s, got %s\n", num, name,
			       vm_cli.expect, vm_outcome_name(r->outcome));
		res = expected ? TEST_PASS : TEST_FAIL;
	} else if (r->outcome == VM_EXITED) {
		if (r->exit_signal) {
			printf("not ok %u %s # killed by signal %d\n", num, name,
			       r->exit_signal);
		} else if (r->exit_code == KSFT_SKIP) {
			printf("ok %u %s # SKIP\n", num, name);
			res = TEST_SKIP;
		} else if (r->exit_code) {
			printf("not ok %u %s # exit=%d\n", num, name,
			       r->exit_code);
		} else {
			printf("ok %u %s\n", num, name);
			res = TEST_PASS;
		}
	} else {
		for (char *line = strtok(r->detail, "\n"); line;
		     line = strtok(NULL, "\n"))
			printf("# %s\n", line);
		diag_cut_short(&d, r);
		printf("not ok %u %s # %s\n", num, name,
		       vm_outcome_name(r->outcome));
	}
	fflush(stdout);
	strlist_free(&progs);
	strlist_free(&argv);
	free(r);
	return res;
}

/*
 * Tests that attach or replace a scheduler themselves find scx_simple in
 * /include, unless the user already included a file of that name.
 */
static void ship_scheduler(const struct vm_setup *s)
{
	char path[PATH_MAX];

	if (!s->kernel.tree[0])
		return;
	snprintf(path, sizeof(path), "%s/tools/sched_ext/build/bin/scx_simple",
		 s->kernel.tree);
	if (access(path, X_OK))
		return;
	for (size_t i = 0; i < vm_cli.includes.n; i++) {
		const char *b = strrchr(vm_cli.includes.v[i], '/');

		if (!strcmp(b ? b + 1 : vm_cli.includes.v[i], "scx_simple"))
			return;
	}
	strlist_push(&vm_cli.includes, path);
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

/*
 * What the arguments name: the default suite without TESTs and
 * collections; else paths and names over the suite, which is read only
 * if a name needs it. Then the -r filters of each program. 0, or
 * EXIT_USAGE after one line.
 */
static int select_tests(struct selection *sel, struct suite *suite,
			const struct strlist *args, bool collections,
			struct strlist **filters)
{
	struct ktstr_paths paths;
	bool names = !args->n && !collections;
	char err[1024];

	for (size_t i = 0; i < args->n; i++)
		names |= !select_is_path(args->v[i]);
	if (names && paths_init(&paths, err, sizeof(err))) {
		errmsg("%s", err);
		return EXIT_USAGE;
	}
	if (names && suite_open(suite, paths.selftests))
		return EXIT_USAGE;
	for (size_t i = 0; i < args->n; i++) {
		if (select_arg(sel, suite, args->v[i], true, err, sizeof(err))) {
			errmsg("run: %s", err);
			return EXIT_USAGE;
		}
	}
	if (!args->n && !collections && select_all(sel, suite))
		return EXIT_USAGE;
	if (check_tests(sel))
		return EXIT_USAGE;
	*filters = calloc(sel->n ?: 1, sizeof(**filters));
	if (!*filters)
		return EXIT_USAGE;
	for (size_t i = 0; i < sel->n; i++)
		if (select_filters(&sel->v[i], suite, &(*filters)[i]))
			return EXIT_USAGE;
	return 0;
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
	char spec[64], name[NAME_MAX + 16];

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
	status = select_tests(&sel, &suite, &args, collections.n, &filters);
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
	ship_scheduler(&s);
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
	for (size_t i = 0; filters && i < sel.n; i++)
		strlist_free(&filters[i]);
	free(filters);
	selection_free(&sel);
	suite_close(&suite);
	kselftest_close(&k);
	strlist_free(&collections);
	strlist_free(&args);
	vm_setup_free(&s);
	poptFreeContext(pc);
	return status;
}
