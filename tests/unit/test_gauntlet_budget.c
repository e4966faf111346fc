// SPDX-License-Identifier: GPL-2.0
/*
 * host/gauntlet/budget.c and durations.c: --budget's duration syntax,
 * choosing the most cells that fit (cells never run first, a batch's
 * boot paid once), and durations kept across runs, per accelerator,
 * merged with what another run wrote meanwhile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "gauntlet/budget.h"
#include "gauntlet/durations.h"
#include "util.h"

static char err[512];

TEST(parse_durations)
{
	const char *bad[] = { "", "30", "m", "0m", "1m1h", "1h1h", "30x",
			      "-5m", "1.5h", "169h", "30m ", " 30m", "1000001s" };
	double s;

	ASSERT_EQ(0, budget_parse("30m", &s, err, sizeof(err)));
	EXPECT_EQ(1800, (int)s);
	ASSERT_EQ(0, budget_parse("1h30m", &s, err, sizeof(err)));
	EXPECT_EQ(5400, (int)s);
	ASSERT_EQ(0, budget_parse("90s", &s, err, sizeof(err)));
	EXPECT_EQ(90, (int)s);
	ASSERT_EQ(0, budget_parse("2h5m10s", &s, err, sizeof(err)));
	EXPECT_EQ(7510, (int)s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, budget_parse(bad[i], &s, err, sizeof(err))) {
			TH_LOG("accepted \"%s\"", bad[i]);
		}
		EXPECT_NE(NULL, strstr(err, "like 30m, 1h, 90s or 1h30m"));
	}
}

/* Known cells: the cheapest first, which fits the most. */
TEST(most_cells_that_fit)
{
	struct budget_cell c[] = {
		{ .cost_s = 50, .batch = 0 },
		{ .cost_s = 10, .batch = 0 },
		{ .cost_s = 20, .batch = 1 },
		{ .cost_s = 5, .batch = 1 },
	};
	double boot[] = { 10, 10 };
	double used;

	/* 10+10 (batch 0), 5+10 (batch 1), 20: 55; 50 more would not fit. */
	used = budget_choose(c, 4, boot, 2, 60);
	EXPECT_FALSE(c[0].chosen);
	EXPECT_TRUE(c[1].chosen);
	EXPECT_TRUE(c[2].chosen);
	EXPECT_TRUE(c[3].chosen);
	EXPECT_EQ(55, (int)used);
	/* Nothing fits under one boot and one cell. */
	used = budget_choose(c, 4, boot, 2, 14);
	EXPECT_FALSE(c[0].chosen || c[1].chosen || c[2].chosen || c[3].chosen);
	EXPECT_EQ(0, (int)used);
	/* Everything fits a large budget. */
	budget_choose(c, 4, boot, 2, 1000);
	EXPECT_TRUE(c[0].chosen && c[1].chosen && c[2].chosen && c[3].chosen);
}

/* Cells never run come before known ones, costed at the known mean. */
TEST(never_run_first)
{
	struct budget_cell c[] = {
		{ .cost_s = 1, .batch = 0 },
		{ .cost_s = -1, .batch = 0 },
		{ .cost_s = 3, .batch = 0 },
		{ .cost_s = -1, .batch = 0 },
	};
	double boot[] = { 4 };
	double used;

	/* The mean known cost is 2: boot 4 + 2 + 2 = 8, then 1 more = 9. */
	used = budget_choose(c, 4, boot, 1, 9);
	EXPECT_TRUE(c[1].chosen);
	EXPECT_TRUE(c[3].chosen);
	EXPECT_TRUE(c[0].chosen);
	EXPECT_FALSE(c[2].chosen);
	EXPECT_EQ(9, (int)used);
	/* Nothing measured at all: the guesses. */
	c[0].cost_s = c[2].cost_s = -1;
	boot[0] = -1;
	used = budget_choose(c, 4, boot, 1,
			     BUDGET_GUESS_BOOT_S + 2 * BUDGET_GUESS_CELL_S);
	EXPECT_TRUE(c[0].chosen && c[1].chosen);
	EXPECT_FALSE(c[2].chosen || c[3].chosen);
	EXPECT_EQ((int)(BUDGET_GUESS_BOOT_S + 2 * BUDGET_GUESS_CELL_S),
		  (int)used);
	EXPECT_EQ(0, (int)budget_choose(c, 0, boot, 1, 100));
}

TEST(estimates_share_the_boot)
{
	struct budget_cell c[] = {
		{ .cost_s = 2, .batch = 0, .chosen = true },
		{ .cost_s = 4, .batch = 0, .chosen = true },
		{ .cost_s = -1, .batch = 1, .chosen = true },
		{ .cost_s = 6, .batch = 0 },
	};
	double boot[] = { 10, -1 }, est[4];

	budget_estimate(c, 4, boot, 2, est);
	EXPECT_EQ(7, (int)est[0]);	/* 2 + 10 / 2: the cell left out pays none */
	EXPECT_EQ(9, (int)est[1]);
	EXPECT_EQ(14, (int)est[2]);	/* mean 4 + boot mean 10 */
	EXPECT_EQ(11, (int)est[3]);
}

FIXTURE(store) {
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(store)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/ktstr-unit-dur.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/sub/" DURATIONS_FILE,
		 self->dir);
}

FIXTURE_TEARDOWN(store)
{
	remove_tree(self->dir);
}

TEST_F(store, missing_then_saved_then_merged)
{
	struct durations a, b, c;

	ASSERT_EQ(0, durations_load(&a, self->path, "tcg"));
	EXPECT_EQ(-1, (int)durations_cell(&a, "t/1n1l2c1t/eevdf"));
	durations_set_cell(&a, "t/1n1l2c1t/eevdf", 2.5);
	durations_set_boot(&a, "1n1l2c1t/eevdf", 6);
	/* Another run loaded before we saved; it saves after us. */
	ASSERT_EQ(0, durations_load(&b, self->path, "tcg"));
	durations_set_cell(&b, "u/1n1l2c1t/eevdf", 7);
	ASSERT_EQ(0, durations_save(&a, self->path, err, sizeof(err)));
	ASSERT_EQ(0, durations_save(&b, self->path, err, sizeof(err)));
	ASSERT_EQ(0, durations_load(&c, self->path, "tcg"));
	EXPECT_EQ(25, (int)(durations_cell(&c, "t/1n1l2c1t/eevdf") * 10));
	EXPECT_EQ(7, (int)durations_cell(&c, "u/1n1l2c1t/eevdf"));
	EXPECT_EQ(6, (int)durations_boot(&c, "1n1l2c1t/eevdf"));
	durations_free(&c);
	/* KVM's durations are its own. */
	ASSERT_EQ(0, durations_load(&c, self->path, "kvm"));
	EXPECT_EQ(-1, (int)durations_cell(&c, "t/1n1l2c1t/eevdf"));
	durations_free(&a);
	durations_free(&b);
	durations_free(&c);
}

TEST_F(store, damaged_file_is_ignored_and_rewritten)
{
	struct durations d;
	char sub[160];

	snprintf(sub, sizeof(sub), "%s/sub", self->dir);
	ASSERT_EQ(0, mkdir_p(sub, 0755));
	ASSERT_EQ(0, write_file(self->path, "{not json", 9, 0644));
	ASSERT_EQ(0, durations_load(&d, self->path, "tcg"));
	EXPECT_EQ(-1, (int)durations_cell(&d, "x"));
	durations_set_cell(&d, "x", 1);
	ASSERT_EQ(0, durations_save(&d, self->path, err, sizeof(err)));
	durations_free(&d);
	ASSERT_EQ(0, durations_load(&d, self->path, "tcg"));
	EXPECT_EQ(1, (int)durations_cell(&d, "x"));
	durations_free(&d);
}

TEST_HARNESS_MAIN
