// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr compare's reading of scenarios.json (untrusted: it comes from the
 * guest), its verdicts per series and its baselines.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ktstr_env.h"
#include "compare/analysis.h"
#include "compare/baseline.h"
#include "compare/metrics.h"

/* A run: "requests" held 2 s, "hostile" with names and numbers to drop. */
static const char report_fmt[] =
	"{ \"format\": \"%s\", \"scenarios\": ["
	" { \"name\": \"requests\", \"verdict\": \"pass\", \"hold_ms\": 2000,"
	"   \"cgroups\": [ { \"name\": \"rq\", \"held_ms\": 2000, \"work\": {"
	"     \"workers\": 4, \"held_s\": 2, \"units_per_s\": %d, \"switches_per_s\": 300,"
	"     \"migrations_per_s\": 5, \"delay_per_slice_us\": 50.5, \"cpu_spread\": 1.25,"
	"     \"longest_gap_ms\": 7, \"wakeups\": 100, \"wake_p50_us\": 20,"
	"     \"wake_p99_us\": %d, \"wake_p999_us\": 900 } } ] },"
	" { \"name\": \"skipped\", \"verdict\": \"skip\", \"cgroups\": [ { \"name\": \"x\","
	"   \"work\": { \"workers\": 1, \"held_s\": 1, \"units_per_s\": 5 } } ] },"
	" { \"name\": \"hostile\", \"verdict\": \"fail\", \"hold_ms\": 1000, \"cgroups\": ["
	"   { \"name\": \"../../etc\", \"work\": { \"workers\": 1, \"held_s\": 1,"
	"     \"units_per_s\": 5 } },"
	"   { \"name\": \"ok\", \"work\": { \"workers\": 1, \"held_s\": 1,"
	"     \"units_per_s\": \"many\", \"switches_per_s\": -1, \"wakeups\": 0,"
	"     \"wake_p50_us\": 3, \"longest_gap_ms\": 1e999, \"delay_per_slice_us\": 1e300,"
	"     \"cpu_spread\": 9, \"migrations_per_s\": 4 } },"
	"   { \"name\": \"idle\", \"work\": { \"workers\": 0, \"held_s\": 1, \"units_per_s\": 9 } },"
	"   { \"name\": \"unheld\", \"work\": { \"workers\": 2, \"held_s\": 0, \"units_per_s\": 9 } },"
	"   7, { \"work\": 3 } ] },"
	" 5 ] }";

static char path[64];

static int write_report(const char *format, int units, int p99)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, report_fmt, format, units, p99);
	return fclose(f);
}

static const struct cmp_series *series(const struct cmp_set *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->s[i].key, key))
			return &s->s[i];
	return NULL;
}

/* Each test's set, freed (and the report removed) by the next one. */
static struct cmp_set set;

static struct cmp_set *fresh(void)
{
	cmp_set_free(&set);
	snprintf(path, sizeof(path), "/tmp/ktstr-cmp-test-%d.json", getpid());
	unlink(path);
	return &set;
}

TEST(reads_each_metric_and_drops_what_is_malformed)
{
	struct cmp_set *sp = fresh();
	const struct cmp_series *c;
	char err[256] = "";

	ASSERT_EQ(0, write_report(KTSTR_SCENARIO_FORMAT, 1000, 300));
	ASSERT_EQ(0, cmp_add_report(sp, 0, path, err, sizeof(err)))
		TH_LOG("%s", err);
	/*
	 * requests/rq: all nine metrics; hostile/ok: units a string, switches
	 * negative, the gap infinite, the delay beyond any run, no wakeups,
	 * one worker (no spread): migrations alone.
	 */
	c = series(sp, "requests/rq/throughput");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(1u, c->n[0]);
	EXPECT_EQ(0u, c->n[1]);
	EXPECT_EQ(1000.0, c->v[0][0]);
	c = series(sp, "requests/rq/switches");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(300.0, c->v[0][0]);
	c = series(sp, "requests/rq/wake_p99");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(300.0, c->v[0][0]);
	EXPECT_NE(NULL, series(sp, "requests/rq/wake_p999"));
	EXPECT_NE(NULL, series(sp, "requests/rq/sched_delay"));
	EXPECT_NE(NULL, series(sp, "requests/rq/cpu_spread"));
	EXPECT_NE(NULL, series(sp, "requests/rq/longest_gap"));
	EXPECT_EQ(9u, sp->n - 1);
	c = series(sp, "hostile/ok/migrations");
	ASSERT_NE(NULL, c);
	EXPECT_EQ(4.0, c->v[0][0]);
	for (size_t i = 0; i < sp->n; i++) {
		EXPECT_EQ(NULL, strstr(sp->s[i].key, ".."));
		EXPECT_EQ(NULL, strstr(sp->s[i].key, "skipped"));
		EXPECT_EQ(NULL, strstr(sp->s[i].key, "idle"));
		EXPECT_EQ(NULL, strstr(sp->s[i].key, "unheld"));
	}
	EXPECT_EQ(1u, sp->check_failures[0]);
}

TEST(refuses_what_is_not_a_report)
{
	struct cmp_set *sp = fresh();
	char err[256] = "";

	ASSERT_EQ(0, write_report("ktstr-scenarios-0", 1, 1));
	EXPECT_EQ(-1, cmp_add_report(sp, 0, path, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "not a ktstr-scenarios-1 scenario report"));
	unlink(path);
	err[0] = '\0';
	EXPECT_EQ(-1, cmp_add_report(sp, 0, path, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, path));
	EXPECT_EQ(0u, sp->n);
}

static void add_runs(struct cmp_set *s, int side, const char *metric,
		     double base, double step, int n)
{
	for (int i = 0; i < n; i++)
		cmp_add_value(s, side, "scn", "cg", metric_find(metric),
			      base + step * (i % 5));
}

TEST(verdicts_follow_the_metric_direction)
{
	struct cmp_set *sp = fresh();
	const struct cmp_params p = { .alpha = 0.01, .threshold = 0.05, .conf = 0.99 };
	struct cmp_analysis a;

	/* Throughput up 20 %, latency up 20 %, switches up 20 %, gap flat. */
	add_runs(sp, 0, "throughput", 100, 1, 10);
	add_runs(sp, 1, "throughput", 120, 1, 10);
	add_runs(sp, 0, "wake_p99", 100, 1, 10);
	add_runs(sp, 1, "wake_p99", 120, 1, 10);
	add_runs(sp, 0, "switches", 100, 1, 10);
	add_runs(sp, 1, "switches", 120, 1, 10);
	add_runs(sp, 0, "longest_gap", 100, 1, 10);
	add_runs(sp, 1, "longest_gap", 100.5, 1, 10);
	add_runs(sp, 0, "wake_p50", 100, 1, 10);
	add_runs(sp, 1, "wake_p50", 120, 1, 1);
	ASSERT_EQ(0, cmp_analyze(sp, &p, &a));
	ASSERT_EQ(5u, a.n);
	/* Sorted by key. */
	EXPECT_STREQ("scn/cg/longest_gap", a.rows[0].s->key);
	EXPECT_STREQ("same", cmp_row_verdict(&a.rows[0]));
	EXPECT_STREQ("higher", cmp_row_verdict(&a.rows[1]));	/* switches */
	EXPECT_STREQ("better", cmp_row_verdict(&a.rows[2]));	/* throughput */
	EXPECT_STREQ("too-few", cmp_row_verdict(&a.rows[3]));	/* wake_p50 */
	EXPECT_STREQ("worse", cmp_row_verdict(&a.rows[4]));	/* wake_p99 */
	EXPECT_EQ(1u, a.better);
	EXPECT_EQ(1u, a.worse);
	EXPECT_EQ(1u, a.changed);
	EXPECT_EQ(1u, a.same);
	EXPECT_EQ(1u, a.too_few);
	/* means 102 and 122 */
	EXPECT_TRUE(fabs(a.rows[2].w.rel - 20.0 / 102) < 1e-9);
	cmp_analysis_free(&a);
}

TEST(a_small_change_below_the_threshold_is_the_same)
{
	struct cmp_set *sp = fresh();
	const struct cmp_params p = { .alpha = 0.01, .threshold = 0.05, .conf = 0.99 };
	struct cmp_analysis a;

	/* 2 % better and highly significant: under the 5 % threshold. */
	add_runs(sp, 0, "throughput", 1000, 0.1, 20);
	add_runs(sp, 1, "throughput", 1020, 0.1, 20);
	ASSERT_EQ(0, cmp_analyze(sp, &p, &a));
	ASSERT_EQ(1u, a.n);
	EXPECT_LT(a.rows[0].w.p, 1e-6);
	EXPECT_STREQ("same", cmp_row_verdict(&a.rows[0]));
	cmp_analysis_free(&a);
}

TEST(runs_needed_grow_with_the_noise)
{
	struct cmp_set *sp = fresh();
	const struct cmp_params p = { .alpha = 0.01, .threshold = 0.05, .conf = 0.99 };
	size_t quiet, noisy;

	add_runs(sp, 0, "throughput", 1000, 0.1, 2);
	add_runs(sp, 1, "throughput", 1000, 0.1, 2);
	EXPECT_EQ(0u, cmp_runs_needed(sp, &p));	/* 2 a side: no noise known */
	/* A series in few runs does not hold the others back. */
	add_runs(sp, 0, "switches", 1000, 0.1, 5);
	add_runs(sp, 1, "switches", 1000, 0.1, 5);
	EXPECT_EQ(3u, cmp_runs_needed(sp, &p));
	cmp_set_free(sp);
	add_runs(sp, 0, "throughput", 1000, 0.1, 5);
	add_runs(sp, 1, "throughput", 1000, 0.1, 5);
	quiet = cmp_runs_needed(sp, &p);
	EXPECT_EQ(3u, quiet);
	cmp_set_free(sp);
	/* values 1000..1400: sd ~158, cv ~0.13: about 2 (3.42)^2 0.13^2 / 0.05^2 */
	add_runs(sp, 0, "throughput", 1000, 100, 5);
	add_runs(sp, 1, "throughput", 1000, 100, 5);
	noisy = cmp_runs_needed(sp, &p);
	EXPECT_GT(noisy, 100u);
	EXPECT_LT(noisy, 250u);
}

TEST(baseline_round_trip)
{
	struct cmp_set *sp = fresh();
	struct cmp_context c = { .topology = "1n1l2c1t", .accel = "tcg" }, back;
	struct cmp_set loaded = { .n = 0 };
	char dir[64], err[512] = "", cmd[128];
	const struct cmp_series *s;

	snprintf(dir, sizeof(dir), "/tmp/ktstr-cmp-xdg-%d", getpid());
	setenv("XDG_CACHE_HOME", dir, 1);
	snprintf(c.side[0].sched, sizeof(c.side[0].sched), "scx_simple");
	snprintf(c.side[0].args, sizeof(c.side[0].args), "-v");
	c.side[0].runs = 3;
	add_runs(sp, 0, "wake_p99", 10, 0.5, 3);
	add_runs(sp, 1, "wake_p99", 99, 0, 3);	/* side B is not kept */
	ASSERT_EQ(0, baseline_save("mine", sp, &c, err, sizeof(err)))
		TH_LOG("%s", err);
	memset(&back, 0, sizeof(back));
	ASSERT_EQ(0, baseline_load("mine", &loaded, &back, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_STREQ("scx_simple", back.side[0].sched);
	EXPECT_STREQ("-v", back.side[0].args);
	EXPECT_STREQ("mine", back.side[0].baseline);
	EXPECT_EQ(3u, back.side[0].runs);
	EXPECT_STREQ("1n1l2c1t", back.topology);
	s = series(&loaded, "scn/cg/wake_p99");
	ASSERT_NE(NULL, s);
	ASSERT_EQ(3u, s->n[0]);
	EXPECT_EQ(0u, s->n[1]);
	EXPECT_EQ(10.5, s->v[0][1]);
	EXPECT_EQ(-1, baseline_load("nosuch", &loaded, &back, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "--save-baseline nosuch"));
	EXPECT_FALSE(baseline_name_ok("../x"));
	EXPECT_FALSE(baseline_name_ok(""));
	EXPECT_FALSE(baseline_name_ok(".hidden"));
	EXPECT_TRUE(baseline_name_ok("v6.12-base_1"));
	cmp_set_free(&loaded);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	EXPECT_EQ(0, system(cmd));
}

TEST_HARNESS_MAIN
