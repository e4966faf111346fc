// SPDX-License-Identifier: GPL-2.0
/*
 * A batch's cells from its program's output (host/gauntlet/batch.c over
 * host/cmd/ktap_follow.c), and how cells are reported: KTAP lines, the
 * totals where a not-applicable cell is never a pass, the summary.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "cmd/ktap_follow.h"
#include "gauntlet/batch.h"
#include "gauntlet/report.h"

static char err[512];

TEST(result_lines)
{
	struct ktap_result r;

	ASSERT_EQ(0, ktap_result_parse("ok 3 canned.steady.passes", &r));
	EXPECT_TRUE(r.ok);
	EXPECT_FALSE(r.skip);
	EXPECT_EQ(3u, r.num);
	EXPECT_STREQ("canned.steady.passes", r.name);
	EXPECT_STREQ("", r.directive);
	ASSERT_EQ(0, ktap_result_parse("not ok 12 x.y # exit=1", &r));
	EXPECT_FALSE(r.ok);
	EXPECT_STREQ("x.y", r.name);
	EXPECT_STREQ("exit=1", r.directive);
	ASSERT_EQ(0, ktap_result_parse("ok 2 topo.smt # SKIP one thread per core", &r));
	EXPECT_TRUE(r.skip);
	EXPECT_STREQ("one thread per core", r.directive);
	ASSERT_EQ(0, ktap_result_parse("ok 2 t # SKIP", &r));
	EXPECT_TRUE(r.skip);
	EXPECT_STREQ("", r.directive);
	EXPECT_EQ(-1, ktap_result_parse("    ok 1 nested", &r));
	EXPECT_EQ(-1, ktap_result_parse("# ok 1 comment", &r));
	EXPECT_EQ(-1, ktap_result_parse("ok x", &r));
	EXPECT_EQ(-1, ktap_result_parse("okay", &r));
}

static unsigned int lines_seen;

static void count_line(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
	lines_seen++;
}

TEST(follow_plan_running_results)
{
	static const char out[] =
		"TAP version 13\n1..3\n#  RUN           a.one ...\n"
		"#            OK  a.one\nok 1 a.one\n#  RUN           a.two ...\n"
		"noise\x01\r\n";
	struct ktap_follow f;

	lines_seen = 0;
	ktap_follow_init(&f, count_line, NULL);
	/* In pieces, as the VM's output comes. */
	ktap_follow_output(&f, 1, out, 10);
	ktap_follow_output(&f, 1, out + 10, sizeof(out) - 1 - 10);
	EXPECT_EQ(3u, f.plan);
	EXPECT_EQ(1u, f.results);
	EXPECT_STREQ("a.two", ktap_follow_step(&f));
	EXPECT_EQ(7u, lines_seen);
	ktap_follow_output(&f, 1, "ok 2 a.two", 10);
	EXPECT_STREQ("a.two", ktap_follow_step(&f));	/* no newline yet */
	ktap_follow_flush(&f);
	EXPECT_STREQ("", ktap_follow_step(&f));
	EXPECT_EQ(2u, f.results);
}

/* One program "scenarios" with subtests s0..s3, on one topology. */
struct fixture_plan {
	struct plan p;
	struct job j;
	size_t cells[4];
	struct cell_result res[4];
	size_t notified[8];
	unsigned int nnotified;
};

static void notify(void *ctx, size_t cell)
{
	struct fixture_plan *x = ctx;

	x->notified[x->nnotified++ % 8] = cell;
}

static void setup_plan(struct fixture_plan *x, size_t n)
{
	memset(x, 0, sizeof(*x));
	x->p.tests = calloc(4, sizeof(*x->p.tests));
	x->p.topos = calloc(1, sizeof(*x->p.topos));
	x->p.scheds = calloc(1, sizeof(*x->p.scheds));
	x->p.ntests = 4;
	x->p.ntopos = 1;
	x->p.nscheds = 1;
	for (int i = 0; i < 4; i++) {
		snprintf(x->p.tests[i].sub.name, sizeof(x->p.tests[i].sub.name),
			 "s%d", i);
		snprintf(x->p.tests[i].name, sizeof(x->p.tests[i].name),
			 "scenarios:s%d", i);
	}
	topology_parse("1n1l2c1t", &x->p.topos[0].t, err, sizeof(err));
	snprintf(x->p.topos[0].name, sizeof(x->p.topos[0].name), "tiny");
	snprintf(x->p.scheds[0].name, sizeof(x->p.scheds[0].name), "eevdf");
	plan_build(&x->p);
	for (size_t i = 0; i < n; i++)
		x->cells[i] = i;
	x->j.cells = x->cells;
	x->j.n = n;
	x->j.attempt = 1;
}

#define SEC 1000000000ull

TEST(cells_from_a_clean_run)
{
	struct fixture_plan x;
	struct batch b;

	setup_plan(&x, 3);
	batch_init(&b, &x.p, &x.j, x.res, notify, &x);
	batch_line(&b, "TAP version 13", 1 * SEC);
	batch_line(&b, "#  RUN           s0 ...", 2 * SEC);
	batch_line(&b, "ok 1 s0", 4 * SEC);
	batch_line(&b, "#  RUN           s1 ...", 4 * SEC);
	batch_line(&b, "# scenarios.c:57: check failed", 5 * SEC);
	batch_line(&b, "not ok 2 s1", 7 * SEC);
	batch_line(&b, "#  RUN           s2 ...", 7 * SEC);
	batch_line(&b, "ok 3 s2 # SKIP cgroup v2 is not mounted", 7 * SEC);
	EXPECT_EQ(3u, x.nnotified);
	EXPECT_EQ((unsigned int)CELL_PASS, (unsigned int)x.res[0].verdict);
	EXPECT_EQ(2, (int)x.res[0].seconds);
	EXPECT_EQ((unsigned int)CELL_FAIL, (unsigned int)x.res[1].verdict);
	EXPECT_EQ(3, (int)x.res[1].seconds);
	EXPECT_STREQ("# scenarios.c:57: check failed\n", x.res[1].diag);
	EXPECT_EQ((unsigned int)CELL_SKIP, (unsigned int)x.res[2].verdict);
	EXPECT_STREQ("cgroup v2 is not mounted", x.res[2].why);
	/* 10 s in the VM, 5 of them in the cells. */
	EXPECT_EQ(5, (int)batch_end(&b, false, 10, 9 * SEC, TEST_FAIL,
				    "exit=1", ""));
	EXPECT_EQ(3u, x.nnotified);
	plan_free(&x.p);
}

/* A VM that dies blames the running subtest; the rest go again. */
TEST(vm_failure_blames_the_running_cell)
{
	struct fixture_plan x;
	struct batch b;

	setup_plan(&x, 4);
	batch_init(&b, &x.p, &x.j, x.res, notify, &x);
	batch_line(&b, "#  RUN           s0 ...", 2 * SEC);
	batch_line(&b, "ok 1 s0", 3 * SEC);
	batch_line(&b, "#  RUN           s1 ...", 3 * SEC);
	batch_line(&b, "# step run", 4 * SEC);
	batch_end(&b, false, 8, 6 * SEC, TEST_FAIL, "sched-error",
		  "BUG SUMMARY: sched-error");
	EXPECT_EQ((unsigned int)CELL_FAIL, (unsigned int)x.res[1].verdict);
	EXPECT_TRUE(x.res[1].done);
	EXPECT_STREQ("sched-error", x.res[1].why);
	EXPECT_STREQ("BUG SUMMARY: sched-error\n# step run\n", x.res[1].diag);
	EXPECT_EQ(3, (int)x.res[1].seconds);
	EXPECT_FALSE(x.res[2].done);
	EXPECT_TRUE(x.res[2].rerun);
	EXPECT_TRUE(x.res[3].rerun);
	EXPECT_EQ(2u, x.nnotified);
	plan_free(&x.p);
}

/* Nothing was running: no cell to blame, so none can run. */
TEST(vm_failure_before_any_cell)
{
	struct fixture_plan x;
	struct batch b;

	setup_plan(&x, 2);
	batch_init(&b, &x.p, &x.j, x.res, notify, &x);
	batch_end(&b, false, 30, 30 * SEC, TEST_FAIL, "sched-attach-failed",
		  "scheduler scx_x never attached");
	for (int i = 0; i < 2; i++) {
		EXPECT_EQ((unsigned int)CELL_FAIL, (unsigned int)x.res[i].verdict);
		EXPECT_FALSE(x.res[i].rerun);
		EXPECT_STREQ("did not run: sched-attach-failed", x.res[i].why);
	}
	EXPECT_EQ(2u, x.nnotified);
	plan_free(&x.p);
}

TEST(interrupted)
{
	struct fixture_plan x;
	struct batch b;

	setup_plan(&x, 3);
	batch_init(&b, &x.p, &x.j, x.res, notify, &x);
	batch_line(&b, "#  RUN           s0 ...", 2 * SEC);
	batch_line(&b, "ok 1 s0", 3 * SEC);
	batch_line(&b, "#  RUN           s1 ...", 3 * SEC);
	batch_end(&b, true, 5, 5 * SEC, TEST_FAIL, "interrupted", "");
	EXPECT_EQ((unsigned int)CELL_PASS, (unsigned int)x.res[0].verdict);
	EXPECT_EQ((unsigned int)CELL_NOT_RUN, (unsigned int)x.res[1].verdict);
	EXPECT_EQ((unsigned int)CELL_NOT_RUN, (unsigned int)x.res[2].verdict);
	EXPECT_FALSE(x.res[1].rerun || x.res[2].rerun);
	plan_free(&x.p);
}

TEST(whole_program)
{
	struct fixture_plan x;
	struct batch b;

	setup_plan(&x, 1);
	x.p.tests[0].whole = true;
	batch_init(&b, &x.p, &x.j, x.res, notify, &x);
	batch_line(&b, "ok 1 something-else", 1 * SEC);
	batch_end(&b, false, 12, 12 * SEC, TEST_FAIL, "exit=7", "");
	EXPECT_EQ((unsigned int)CELL_FAIL, (unsigned int)x.res[0].verdict);
	EXPECT_STREQ("exit=7", x.res[0].why);
	EXPECT_EQ(12, (int)x.res[0].seconds);
	plan_free(&x.p);
}

static char *report(const struct fixture_plan *x, size_t cell,
		    unsigned int num)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_cell(f, &x->p, cell, &x->res[cell], num);
	fclose(f);
	return buf;
}

TEST(ktap_lines_and_counts)
{
	struct fixture_plan x;
	struct report_counts c;
	char *s;

	setup_plan(&x, 4);
	x.res[0] = (struct cell_result){ .verdict = CELL_PASS, .done = true };
	x.res[1] = (struct cell_result){ .verdict = CELL_NOT_APPLICABLE,
					 .done = true,
					 .why = "needs 2+ NUMA nodes, has 1" };
	x.res[2] = (struct cell_result){ .verdict = CELL_FAIL, .done = true,
					 .why = "sched-error",
					 .diag = "line one\nline two\n" };
	s = report(&x, 0, 1);
	EXPECT_STREQ("ok 1 scenarios:s0/tiny/eevdf\n", s);
	free(s);
	s = report(&x, 1, 2);
	EXPECT_STREQ("ok 2 scenarios:s1/tiny/eevdf # SKIP not applicable: needs 2+ NUMA nodes, has 1\n", s);
	free(s);
	s = report(&x, 2, 3);
	EXPECT_STREQ("# line one\n# line two\nnot ok 3 scenarios:s2/tiny/eevdf # sched-error\n", s);
	free(s);
	s = report(&x, 3, 4);	/* never ran: no line */
	EXPECT_STREQ("", s);
	free(s);
	report_count(&x.p, x.res, NULL, &c);
	EXPECT_EQ(1u, c.v[CELL_PASS]);
	EXPECT_EQ(1u, c.v[CELL_FAIL]);
	EXPECT_EQ(0u, c.v[CELL_SKIP]);
	EXPECT_EQ(1u, c.v[CELL_NOT_APPLICABLE]);
	EXPECT_EQ(1u, c.v[CELL_NOT_RUN]);
	plan_free(&x.p);
}

TEST(totals_and_summary)
{
	struct report_counts c = { .v = { [CELL_PASS] = 3, [CELL_FAIL] = 1,
					  [CELL_SKIP] = 1,
					  [CELL_NOT_APPLICABLE] = 2 } };
	struct fixture_plan x;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	report_totals(f, &c);
	setup_plan(&x, 4);
	x.res[0] = (struct cell_result){ .verdict = CELL_PASS, .done = true };
	x.res[1] = (struct cell_result){ .verdict = CELL_NOT_APPLICABLE,
					 .done = true };
	report_summary(f, &x.p, x.res, NULL);
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "# Totals: pass:3 fail:1 xfail:0 xpass:0 skip:3 error:0\n"));
	EXPECT_NE(NULL, strstr(buf, "# gauntlet: pass:3 fail:1 skip:1 not-applicable:2 not-run:0\n"));
	EXPECT_NE(NULL, strstr(buf, "# topology scheduler  pass  fail  skip   n/a  not-run\n"));
	EXPECT_NE(NULL, strstr(buf, "# tiny     eevdf         1     0     0     1        2\n"));
	EXPECT_NE(NULL, strstr(buf, "# total                  1     0     0     1        2\n"));
	free(buf);
	plan_free(&x.p);
}

TEST(scenario_of_subtest)
{
	char buf[64];

	ASSERT_TRUE(report_scenario_of("canned.steady.passes", buf, sizeof(buf)));
	EXPECT_STREQ("steady", buf);
	ASSERT_TRUE(report_scenario_of("negative.gap", buf, sizeof(buf)));
	EXPECT_STREQ("neg_gap", buf);
	EXPECT_FALSE(report_scenario_of("canned..passes", buf, sizeof(buf)) &&
		     buf[0]);
	EXPECT_FALSE(report_scenario_of("topo.online_cpus", buf, sizeof(buf)));
	EXPECT_FALSE(report_scenario_of("negative.", buf, sizeof(buf)));
}

TEST_HARNESS_MAIN
