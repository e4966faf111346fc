// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr run [VM options] [--kselftest DIR|TAR -c C...] [TEST...]: run each
 * test program, and each kselftest collection, in its own VM and report
 * KTAP v1. Without either the default suite runs: every program built
 * from selftests/.
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The default suite: the programs selftests/Makefile lists in SUITE_LIST. */
#define SUITE_LIST "ktstr-suite.txt"

static int default_suite(const char *dir, struct strlist *tests)
{
	char path[PATH_MAX], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/" SUITE_LIST, dir);
	f = fopen(path, "re");
	if (!f) {
		errmsg("no default suite: cannot open %s (%s); run 'make'", path,
		       strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		rstrip(line);
		if (!line[0] || strchr(line, '/'))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, line);
		strlist_push(tests, path);
	}
	fclose(f);
	if (tests->n)
		qsort(tests->v, tests->n, sizeof(char *), cmp_str);
	return 0;
}

static int check_tests(const struct strlist *tests)
{
	for (size_t i = 0; i < tests->n; i++) {
		if (access(tests->v[i], X_OK)) {
			errmsg("test %s: %s; expected an executable test program",
			       tests->v[i], strerror(errno));
			return -1;
		}
	}
	return 0;
}

enum test_result { TEST_PASS, TEST_SKIP, TEST_FAIL };

/*
 * Run one test in a fresh VM; prints its KTAP result line. @arg, if not
 * NULL, is the program's one argument, and @label then names the test.
 */
static enum test_result run_one(struct vm_setup *s, const char *test,
				const char *arg, const char *label,
				unsigned int num, const char *out_root)
{
	const char *name = label ? label :
			   strrchr(test, '/') ? strrchr(test, '/') + 1 : test;
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
	if (arg)
		strlist_push(&argv, arg);
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
				       const char *collection, unsigned int num,
				       const char *out_root)
{
	const char *sched = s->opts.rootfs.scheduler;
	const char *sched_guest = s->opts.job.sched_path;
	char label[192];
	enum test_result res;

	snprintf(label, sizeof(label), "kselftest:%s", collection);
	if (sched && kselftest_loads_own_scheduler(collection)) {
		printf("# %s attaches its own schedulers: %s is not attached for it\n",
		       label, s->sched_name);
		s->opts.rootfs.scheduler = NULL;
		s->opts.job.sched_path = NULL;
	}
	s->opts.rootfs.tree = k->dir;
	res = run_one(s, s->paths.kselftest_run, collection, label, num,
		      out_root);
	s->opts.rootfs.tree = NULL;
	s->opts.rootfs.scheduler = sched;
	s->opts.job.sched_path = sched_guest;
	return res;
}

#define OPT_COLLECTION	0x4b01

int cmd_run(int argc, const char **argv)
{
	char *kselftest_path = NULL;
	struct strlist collections = STRLIST_INIT;
	struct kselftest k = { .dir = "" };
	struct poptOption table[] = {
		{ "kselftest", 0, POPT_ARG_STRING, &kselftest_path, 0,
		  "a kselftest install directory or gen_tar tarball", "DIR|TAR" },
		{ "collection", 'c', POPT_ARG_STRING, NULL, OPT_COLLECTION,
		  "a collection of --kselftest to run (repeatable)", "NAME" },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, vm_cli_options, 0,
		  "VM options:", NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr run", argc, argv, table, 0);
	struct strlist tests = STRLIST_INIT;
	unsigned int failed = 0, skipped = 0;
	struct vm_setup s;
	const char *arg;
	int opt, status;
	char spec[64];

	poptSetOtherOptionHelp(pc, "[OPTION...] [TEST...]");
	while ((opt = poptGetNextOpt(pc)) > 0) {
		if (opt == OPT_COLLECTION) {
			strlist_push(&collections, poptGetOptArg(pc) ?: "");
			continue;
		}
		if (!vm_cli_take(pc, opt))
			break;
	}
	memset(&s, 0, sizeof(s));
	if (opt < -1) {
		errmsg("run: %s: %s; see 'ktstr run --help'",
		       poptBadOption(pc, 0), poptStrerror(opt));
		status = EXIT_USAGE;
		goto out;
	}
	while ((arg = poptGetArg(pc)))
		strlist_push(&tests, arg);
	status = vm_cli_resolve(&s, false);
	if (status)
		goto out;
	ship_scheduler(&s);
	status = EXIT_USAGE;
	if (!kselftest_path != !collections.n) {
		errmsg("run: --kselftest and -c go together: name the tree and at least one collection, e.g. --kselftest kselftest.tar.gz -c sched_ext");
		goto out;
	}
	if (kselftest_path) {
		if (kselftest_open(&k, kselftest_path))
			goto out;
		for (size_t i = 0; i < collections.n; i++)
			if (kselftest_has(&k, collections.v[i]))
				goto out;
	}
	if (!tests.n && !collections.n &&
	    default_suite(s.paths.selftests, &tests))
		goto out;
	if (!tests.n && !collections.n) {
		errmsg("no tests found in %s; run 'make'", s.paths.selftests);
		goto out;
	}
	if (check_tests(&tests))
		goto out;
	vm_choose_accel(&s.opts);
	topology_spec(&s.opts.cfg.topo, spec, sizeof(spec));
	printf("KTAP version 1\n1..%zu\n", tests.n + collections.n);
	printf("# ktstr: topology %s, scheduler %s, accel %s\n", spec,
	       s.sched_name ? s.sched_name : "default (EEVDF)",
	       accel_name(s.opts.cfg.accel));
	fflush(stdout);
	status = 0;
	for (size_t i = 0; i < tests.n + collections.n; i++) {
		enum test_result res = i < tests.n ?
			run_one(&s, tests.v[i], NULL, NULL, (unsigned int)i + 1,
				vm_cli.output_dir) :
			run_collection(&s, &k, collections.v[i - tests.n],
				       (unsigned int)i + 1, vm_cli.output_dir);
		int sig;

		failed += res == TEST_FAIL;
		skipped += res == TEST_SKIP;
		sig = vm_pending_signal();
		if (sig) {
			printf("# interrupted by %s after %zu of %zu tests\n",
			       strsignal(sig), i + 1, tests.n + collections.n);
			status = exit_for_signal(sig);
			goto out;
		}
	}
	/* kselftest's totals line; a SKIP is not a pass. */
	printf("# Totals: pass:%zu fail:%u xfail:0 xpass:0 skip:%u error:0\n",
	       tests.n + collections.n - failed - skipped, failed, skipped);
	status = failed ? 1 : 0;
out:
	kselftest_close(&k);
	strlist_free(&collections);
	vm_setup_free(&s);
	strlist_free(&tests);
	poptFreeContext(pc);
	return status;
}
