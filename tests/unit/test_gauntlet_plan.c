// SPDX-License-Identifier: GPL-2.0
/*
 * host/gauntlet/plan.c: what a test needs against a topology, the cells
 * of a plan in their fixed order, and --shard K/N: deterministic, the
 * shards disjoint and together the whole plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "gauntlet/plan.h"

static char err[512];

static struct topology topo(const char *spec)
{
	struct topology t;

	topology_parse(spec, &t, err, sizeof(err));
	return t;
}

TEST(needs_met_and_unmet)
{
	struct harness_test numa = { .name = "n", .needs = HARNESS_NEED_NUMA };
	struct harness_test all = { .name = "a", .min_cpus = 4,
				    .needs = HARNESS_NEED_NUMA |
					     HARNESS_NEED_LLCS |
					     HARNESS_NEED_SMT };
	struct harness_test sched = { .name = "s",
				      .needs = HARNESS_NEED_SCHED };
	struct harness_test none = { .name = "x" };
	struct topology tiny = topo("1n1l2c1t"), numa4 = topo("4n4l1c2t");
	struct topology asym = topo("2n3+1l2c1t");
	char why[160];

	EXPECT_TRUE(plan_needs_met(&none, &tiny, false, why, sizeof(why)));
	EXPECT_STREQ("", why);
	EXPECT_FALSE(plan_needs_met(&numa, &tiny, false, why, sizeof(why)));
	EXPECT_STREQ("needs 2+ NUMA nodes, has 1", why);
	EXPECT_TRUE(plan_needs_met(&numa, &asym, false, why, sizeof(why)));
	EXPECT_FALSE(plan_needs_met(&all, &tiny, false, why, sizeof(why)));
	EXPECT_STREQ("needs 4+ CPUs, has 2, needs 2+ NUMA nodes, has 1, needs 2+ LLCs, has 1, needs SMT, has 1 thread per core",
		     why);
	EXPECT_TRUE(plan_needs_met(&all, &numa4, false, why, sizeof(why)));
	EXPECT_FALSE(plan_needs_met(&sched, &numa4, false, why, sizeof(why)));
	EXPECT_STREQ("needs a scheduler to attach, has none", why);
	EXPECT_TRUE(plan_needs_met(&sched, &tiny, true, why, sizeof(why)));
}

/* 3 tests (two of one program, one whole) x 2 topologies x 2 schedulers. */
static void small_plan(struct plan *p)
{
	static const char *const specs[] = { "1n1l2c1t", "2n2l2c1t" };

	memset(p, 0, sizeof(*p));
	p->tests = calloc(3, sizeof(*p->tests));
	p->topos = calloc(2, sizeof(*p->topos));
	p->scheds = calloc(2, sizeof(*p->scheds));
	p->ntests = 3;
	p->ntopos = 2;
	p->nscheds = 2;
	snprintf(p->tests[0].name, sizeof(p->tests[0].name), "scenarios:a");
	snprintf(p->tests[0].sub.name, sizeof(p->tests[0].sub.name), "a");
	snprintf(p->tests[1].name, sizeof(p->tests[1].name), "scenarios:numa");
	snprintf(p->tests[1].sub.name, sizeof(p->tests[1].sub.name), "numa");
	p->tests[1].sub.needs = HARNESS_NEED_NUMA;
	snprintf(p->tests[2].name, sizeof(p->tests[2].name), "mytest");
	p->tests[2].item = 1;
	p->tests[2].whole = true;
	for (int i = 0; i < 2; i++) {
		p->topos[i].t = topo(specs[i]);
		snprintf(p->topos[i].name, sizeof(p->topos[i].name), "%s",
			 i ? "numa2" : "tiny");
		snprintf(p->topos[i].spec, sizeof(p->topos[i].spec), "%s",
			 specs[i]);
	}
	snprintf(p->scheds[0].name, sizeof(p->scheds[0].name), "eevdf");
	snprintf(p->scheds[1].name, sizeof(p->scheds[1].name), "scx_simple");
}

TEST(cells_in_order_with_applicability)
{
	struct plan p;
	char name[512];

	small_plan(&p);
	ASSERT_EQ(0, plan_build(&p));
	ASSERT_EQ(12u, p.ncells);
	/* Topology, then scheduler, then test. */
	EXPECT_EQ(0u, p.cells[0].topo);
	EXPECT_EQ(0u, p.cells[0].sched);
	EXPECT_EQ(1u, p.cells[3].sched);
	EXPECT_EQ(1u, p.cells[6].topo);
	EXPECT_EQ(2u, p.cells[11].test);
	EXPECT_TRUE(p.cells[0].applies);
	EXPECT_FALSE(p.cells[1].applies);	/* numa on tiny */
	EXPECT_TRUE(p.cells[7].applies);	/* numa on numa2 */
	EXPECT_TRUE(p.cells[2].applies);	/* a whole program needs nothing */
	plan_cell_name(&p, 1, name, sizeof(name));
	EXPECT_STREQ("scenarios:numa/tiny/eevdf", name);
	plan_cell_name(&p, 11, name, sizeof(name));
	EXPECT_STREQ("mytest/numa2/scx_simple", name);
	plan_free(&p);
}

TEST(plan_lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct plan p;

	small_plan(&p);
	ASSERT_EQ(0, plan_build(&p));
	plan_print_cell(&p, 0, f);
	plan_print_cell(&p, 1, f);
	fclose(f);
	EXPECT_STREQ("scenarios:a tiny eevdf\n"
		     "scenarios:numa tiny eevdf # not applicable: needs 2+ NUMA nodes, has 1\n",
		     buf);
	free(buf);
	plan_free(&p);
}

TEST(shard_parse)
{
	const char *bad[] = { "", "1", "0/2", "3/2", "1/0", "-1/2", "1/-2",
			      "1/2x", " 1/2", "1/ 2", "+1/2", "1/10001",
			      "a/b", "1//2" };
	unsigned int k, n;

	ASSERT_EQ(0, plan_shard_parse("2/4", &k, &n, err, sizeof(err)));
	EXPECT_EQ(2u, k);
	EXPECT_EQ(4u, n);
	ASSERT_EQ(0, plan_shard_parse("1/1", &k, &n, err, sizeof(err)));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, plan_shard_parse(bad[i], &k, &n, err,
					       sizeof(err))) {
			TH_LOG("accepted \"%s\"", bad[i]);
		}
		EXPECT_NE(NULL, strstr(err, "expected K/N"));
	}
}

/* For every plan size and shard count: disjoint, covering, balanced. */
TEST(shards_are_disjoint_and_cover_the_plan)
{
	struct plan p = { .ncells = 0 };

	for (size_t cells = 0; cells <= 60; cells++) {
		p.ncells = cells;
		for (unsigned int n = 1; n <= 13; n++) {
			unsigned int *owner = calloc(cells + 1, sizeof(*owner));
			size_t lo = cells, hi = 0;

			ASSERT_NE(NULL, owner);
			for (unsigned int k = 1; k <= n; k++) {
				size_t first, end, again_first, again_end;

				plan_shard(&p, k, n, &first, &end);
				/* Deterministic: the same answer twice. */
				plan_shard(&p, k, n, &again_first, &again_end);
				EXPECT_EQ(first, again_first);
				EXPECT_EQ(end, again_end);
				ASSERT_LE(first, end);
				ASSERT_LE(end, cells);
				if (end - first < lo)
					lo = end - first;
				if (end - first > hi)
					hi = end - first;
				for (size_t c = first; c < end; c++) {
					EXPECT_EQ(0u, owner[c]) {
						TH_LOG("cell %zu in shards %u and %u of %u",
						       c, owner[c], k, n);
					}
					owner[c] = k;
				}
			}
			for (size_t c = 0; c < cells; c++) {
				EXPECT_NE(0u, owner[c]) {
					TH_LOG("cell %zu of %zu in no shard of %u",
					       c, cells, n);
				}
			}
			EXPECT_LE(hi - lo, 1u);
			free(owner);
		}
	}
}

TEST(verdict_names)
{
	EXPECT_STREQ("pass", cell_verdict_name(CELL_PASS));
	EXPECT_STREQ("not-applicable", cell_verdict_name(CELL_NOT_APPLICABLE));
	EXPECT_STREQ("not-run", cell_verdict_name(CELL_NOT_RUN));
	EXPECT_STREQ("?", cell_verdict_name(CELL_VERDICT_NR));
}

TEST_HARNESS_MAIN
