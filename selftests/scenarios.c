// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario catalogue, one kselftest test per scenario: each must pass
 * every check that applies. Then one negative control per check: each is
 * built to violate its check, and its test asserts the check fired with
 * the right cgroup, worker, CPU, value and threshold. The JSON report of
 * every measurement lands in $KTSTR_OUTPUT_DIR/scenarios.json.
 *
 * Scenarios register themselves (SC_CANNED(), SC_NEGATIVE()): every canned
 * one becomes a variant of canned.passes, named after it; negative.X runs
 * the negative control named "neg_X".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "ktstr_guest.h"
#include "scenario.h"
#include "lib/ktstr_dev.h"
#include "lib/ktstr_env.h"
#include "lib/scheduler.h"

#define SC_TIMEOUT	120
#define IO_MAX_WIOPS	20

static void show(const struct sc_scenario *s, const struct sc_result *r)
{
	printf("# %s: %s\n", s->name, s->doc ? s->doc : "");
	sc_result_print(r, stdout);
	fflush(stdout);
}

/* Run @s; true if the test should go on to look at @r. */
static int run(struct __test_metadata *_metadata, const struct sc_scenario *s,
	       struct sc_result *r)
{
	sc_run(s, r);
	show(s, r);
	if (r->skipped)
		SKIP(return 0, "%s", r->why);
	return 1;
}

static void expect_pass(struct __test_metadata *_metadata,
			const struct sc_scenario *s)
{
	struct sc_result r;

	if (run(_metadata, s, &r)) {
		/* What the scenario exists to check did not apply: say why. */
		if (s->purpose && !(r.applied & s->purpose) && !r.nr_details) {
			for (int c = 0; c < SC_CHECK_NR; c++) {
				if (s->purpose & SC_BIT(c)) {
					SKIP(goto out, "%s not applied: %s",
					     sc_check_name(c), r.not_applied[c]);
				}
			}
		}
		EXPECT_EQ(0, r.nr_details)
			TH_LOG("%s: %u check failures, first: %s", s->name,
			       r.nr_details, r.nr_details ? r.details[0].text : "");
		EXPECT_GT(r.nr_workers, 0);
		for (unsigned int i = 0; i < r.nr_workers; i++) {
			EXPECT_TRUE(r.workers[i].reported)
				TH_LOG("worker %s/%d lost its report",
				       r.workers[i].cgroup, r.workers[i].index);
		}
	}
out:
	sc_result_free(&r);
}

/* The negative control fired @check on @cg; returns the detail. */
static const struct sc_detail *fired(struct __test_metadata *_metadata,
				     const struct sc_result *r,
				     enum sc_check check, const char *cg)
{
	const struct sc_detail *d = sc_find(r, check, cg);

	EXPECT_NE(NULL, d)
		TH_LOG("check %s did not fire for cgroup %s", sc_check_name(check),
		       cg ? cg : "(any)");
	return d;
}

/* No report lost: every worker stopped when asked, none was killed. */
static void all_reported(struct __test_metadata *_metadata,
			 const struct sc_result *r)
{
	EXPECT_GT(r->nr_workers, 0);
	for (unsigned int i = 0; i < r->nr_workers; i++) {
		EXPECT_TRUE(r->workers[i].reported)
			TH_LOG("worker %s/%d: no report", r->workers[i].cgroup,
			       r->workers[i].index);
		EXPECT_FALSE(r->workers[i].killed);
	}
}

/*
 * A scheduler's death ends the run: every worker is SIGKILLed at once,
 * its counters kept.
 */
static void killed_and_kept(struct __test_metadata *_metadata,
			    const struct sc_result *r)
{
	EXPECT_GT(r->nr_workers, 0);
	for (unsigned int i = 0; i < r->nr_workers; i++) {
		EXPECT_TRUE(r->workers[i].killed)
			TH_LOG("worker %s/%d was not killed at once",
			       r->workers[i].cgroup, r->workers[i].index);
		EXPECT_TRUE(r->workers[i].reported)
			TH_LOG("worker %s/%d: counters lost", r->workers[i].cgroup,
			       r->workers[i].index);
		EXPECT_GT(r->workers[i].units, 0);
	}
	for (unsigned int i = 0; i < r->nr_details; i++)
		EXPECT_EQ(NULL, strstr(r->details[i].text, "did not stop within"));
}

/* The executor's own behaviour, one scenario each. */
FIXTURE(engine) {
};

FIXTURE_SETUP(engine)
{
}

FIXTURE_TEARDOWN(engine)
{
}

/* A hold never runs past the scenario's duration. */
TEST_F_TIMEOUT(engine, hold_within_duration, SC_TIMEOUT)
{
	const struct sc_scenario s = {
		.name = "hold_within_duration",
		.duration_ms = 800,
		.steps = (const struct sc_step[]) {
			{
				.name = "long",
				.hold = { .kind = SC_HOLD_FIXED, .ms = 5000 },
				.cgroups = (const struct sc_cgroup[]) {
					{
						.name = "w",
						.workers = { {
							.count = 1,
							.work = { .type = SC_WORK_MIXED },
						} },
					},
					{ },
				},
			},
			{
				.name = "after",
				.hold = { .kind = SC_HOLD_FIXED, .ms = 5000 },
			},
			{ },
		},
	};
	struct sc_result r;

	if (run(_metadata, &s, &r)) {
		EXPECT_LE(r.hold_ms, 1000)
			TH_LOG("holds ran %.0f ms of an 800 ms scenario", r.hold_ms);
		EXPECT_EQ(0, r.nr_details);
	}
	sc_result_free(&r);
}

/*
 * Kernel ops from a scenario: a host snapshot, a symbol and an rq field
 * read, a validated write to a worker, each kept in the result.
 */
TEST_F_TIMEOUT(engine, kernel_ops, SC_TIMEOUT)
{
	const struct sc_scenario s = {
		.name = "kernel_ops",
		.duration_ms = 1500,
		.needs = SC_NEED_KTSTR_DEV,
		.steps = (const struct sc_step[]) {
			{
				.name = "probe",
				.cgroups = (const struct sc_cgroup[]) {
					{
						.name = "w",
						.workers = { {
							.count = 1,
							.work = { .type = SC_WORK_SPIN },
						} },
					},
					{ },
				},
				.ops = (const struct sc_op[]) {
					{ .kind = SC_OP_CAPTURE, .tag = "probe" },
					{ .kind = SC_OP_KERNEL_READ,
					  .kernel = { .target = KTSTR_TARGET_SYMBOL,
						      .name = "jiffies_64" } },
					{ .kind = SC_OP_KERNEL_READ,
					  .kernel = { .target = KTSTR_TARGET_PERCPU,
						      .name = "nr_running", .width = 4 } },
					/* A spinner is on a runqueue: refused. */
					{ .kind = SC_OP_KERNEL_WRITE, .cgroup = "w",
					  .kernel = { .target = KTSTR_TARGET_TASK,
						      .name = "scx.slice", .value = 1 } },
					{ },
				},
			},
			{ },
		},
	};
	struct sc_result r;

	if (run(_metadata, &s, &r)) {
		EXPECT_EQ(0, r.nr_details);
		ASSERT_EQ(4, r.nr_kops);
		EXPECT_STREQ("probe", r.kops[0].step);
		/* Under ktstr the agent relays captures; on a bare device none does. */
		if (r.kops[0].reason != KTSTR_E_NO_HOST) {
			EXPECT_EQ(KTSTR_OK, r.kops[0].reason);
			EXPECT_GT(r.kops[0].capture_id, 0);
		}
		EXPECT_EQ(KTSTR_OK, r.kops[1].reason);
		EXPECT_GT(r.kops[1].value, 0);
		EXPECT_EQ(KTSTR_OK, r.kops[2].reason);
		EXPECT_EQ(0, r.kops[2].cpu);
		EXPECT_GT(r.kops[3].pid, 0);
		EXPECT_TRUE(r.kops[3].reason == KTSTR_E_ON_RQ ||
			    r.kops[3].reason == KTSTR_E_SCX_QUEUED)
			TH_LOG("write to a spinner: reason %u", r.kops[3].reason);
	}
	sc_result_free(&r);
}

/* io.max on the scenario's loop device holds a writer to its IOPS. */
TEST_F_TIMEOUT(engine, io_max_holds, SC_TIMEOUT)
{
	const struct sc_scenario s = {
		.name = "io_max_holds",
		.duration_ms = 2000,
		.steps = (const struct sc_step[]) {
			{
				.name = "run",
				.cgroups = (const struct sc_cgroup[]) {
					{
						.name = "limited",
						.io_max = { .wiops = IO_MAX_WIOPS },
						.workers = { {
							.count = 1,
							.work = { .type = SC_WORK_IO_SYNC },
						} },
					},
					{
						.name = "free",
						.workers = { {
							.count = 1,
							.work = { .type = SC_WORK_IO_SYNC },
						} },
					},
					{ },
				},
			},
			{ },
		},
	};
	struct sc_result r;
	double limited = 0, free_ = 0;

	if (run(_metadata, &s, &r)) {
		EXPECT_EQ(0, r.nr_details)
			TH_LOG("%s", r.nr_details ? r.details[0].text : "");
		for (unsigned int i = 0; i < r.nr_workers; i++) {
			double per_s = r.workers[i].units / (r.elapsed_ms / 1000.0);

			if (!strcmp(r.workers[i].cgroup, "limited"))
				limited = per_s;
			else
				free_ = per_s;
		}
		printf("# writes/s over the run: limited %.1f (io.max wiops=%d), free %.1f\n",
		       limited, IO_MAX_WIOPS, free_);
		EXPECT_GT(limited, 0);
		EXPECT_LE(limited, IO_MAX_WIOPS * 1.5);
		EXPECT_GT(free_, limited * 2)
			TH_LOG("the free writer is no faster: no evidence of a limit");
		EXPECT_TRUE(r.applied & SC_BIT(SC_CHECK_IO_MAX))
			TH_LOG("io_max_limit not applied: %s",
			       r.not_applied[SC_CHECK_IO_MAX]);
	}
	sc_result_free(&r);
}

/* cpu.max set back to "max" lifts the limit. */
TEST_F_TIMEOUT(engine, cpu_max_lifted, SC_TIMEOUT)
{
	const struct sc_scenario s = {
		.name = "cpu_max_lifted",
		.duration_ms = 3000,
		.backdrop = {
			.cgroups = (const struct sc_cgroup[]) {
				{
					.name = "capped",
					.quota_us = 10000,
					.period_us = 100000,
					.workers = { { .count = 1,
						       .work = { .type = SC_WORK_SPIN } } },
				},
				{ },
			},
		},
		.steps = (const struct sc_step[]) {
			{
				.name = "capped",
				.hold = { .kind = SC_HOLD_FIXED, .ms = 1000 },
			},
			{
				.name = "lifted",
				.hold = { .kind = SC_HOLD_FIXED, .ms = 1500 },
				.ops = (const struct sc_op[]) {
					{ .kind = SC_OP_SET_CPU_MAX, .cgroup = "capped",
					  .quota_us = SC_UNLIMITED },
					{ },
				},
			},
			{ },
		},
	};
	struct sc_result r;

	/* sched_ext schedulers of 6.12 ignore cpu.max: nothing to lift. */
	if (kt_scx_state() == KT_SCX_ENABLED)
		SKIP(return, "cpu.max is the fair class's; a sched_ext scheduler is attached");
	if (run(_metadata, &s, &r)) {
		ASSERT_EQ(1, r.nr_workers);
		/* Capped: 0.1 s of CPU in 1 s at most; lifted: most of 1.5 s. */
		EXPECT_GT(r.workers[0].cpu_ns, 600000000ull)
			TH_LOG("the worker ran %.2f s: cpu.max was not lifted",
			       r.workers[0].cpu_ns / 1e9);
		EXPECT_EQ(0, r.nr_details)
			TH_LOG("%s", r.nr_details ? r.details[0].text : "");
	}
	sc_result_free(&r);
}

/* Thresholds: defaults < scheduler < test < test for this scheduler < env. */
TEST(limits_layers)
{
	static const struct sc_sched_limits per_sched[] = {
		{ .sched = "scx_test", .limits = { .max_gap_ms = 700, .max_spread = 2.5 } },
		{ },
	};
	const struct sc_scenario s = {
		.name = "layers",
		.limits = { .max_gap_ms = 900, .weight_tol = 1.5,
			    .off = SC_BIT(SC_CHECK_FAIRNESS), .why = "test" },
		.sched_limits = per_sched,
	};
	struct sc_limits d, l;

	unsetenv(KTSTR_ENV_SCENARIO_LIMITS);
	sc_limits_resolve(&(struct sc_scenario){ .name = "none" }, "", &d);
	EXPECT_EQ(1000, d.max_gap_ms);
	EXPECT_EQ(1, d.min_units);
	EXPECT_EQ(0, d.off);
	sc_limits_resolve(&s, "other", &l);
	EXPECT_EQ(900, l.max_gap_ms);
	EXPECT_EQ(d.max_spread, l.max_spread);
	EXPECT_EQ(1.5, l.weight_tol);
	EXPECT_EQ(SC_BIT(SC_CHECK_FAIRNESS), l.off);
	sc_limits_resolve(&s, "scx_test", &l);
	EXPECT_EQ(700, l.max_gap_ms);
	EXPECT_EQ(2.5, l.max_spread);
	EXPECT_EQ(1.5, l.weight_tol);
	setenv(KTSTR_ENV_SCENARIO_LIMITS, "max_gap_ms=300, force=fairness", 1);
	sc_limits_resolve(&s, "scx_test", &l);
	EXPECT_EQ(300, l.max_gap_ms);
	EXPECT_EQ(0, l.off & SC_BIT(SC_CHECK_FAIRNESS));
	setenv(KTSTR_ENV_SCENARIO_LIMITS, "off=longest_gap+weight_ratio", 1);
	sc_limits_resolve(&s, "other", &l);
	EXPECT_EQ(SC_BIT(SC_CHECK_FAIRNESS) | SC_BIT(SC_CHECK_GAP) |
		  SC_BIT(SC_CHECK_WEIGHT), l.off);
	unsetenv(KTSTR_ENV_SCENARIO_LIMITS);
}

/*
 * The catalogue: one variant per canned scenario, one test over them. The
 * variants come from the registry at run time (canned_variants()).
 */
FIXTURE(canned) {
	int unused;
};

FIXTURE_VARIANT(canned) {
	const struct sc_scenario *s;
};

FIXTURE_SETUP(canned)
{
}

FIXTURE_TEARDOWN(canned)
{
}

TEST_F_TIMEOUT(canned, passes, SC_TIMEOUT)
{
	ASSERT_NE(NULL, variant) TH_LOG("no canned scenario registered");
	expect_pass(_metadata, variant->s);
}

/* The negative controls: each check must fire, with the right detail. */
FIXTURE(negative) {
	const struct sc_scenario *s;
	struct sc_result r;
};

/* negative.X runs the negative control "neg_X". */
FIXTURE_SETUP(negative)
{
	char name[SC_NAME_MAX + 8];

	memset(&self->r, 0, sizeof(self->r));
	snprintf(name, sizeof(name), "neg_%s", _metadata->name);
	self->s = sc_catalogue_find(SC_SET_NEGATIVE, name);
	ASSERT_NE(NULL, self->s)
		TH_LOG("no negative control \"%s\" registered", name);
}

FIXTURE_TEARDOWN(negative)
{
	sc_result_free(&self->r);
}

TEST_F_TIMEOUT(negative, not_starved, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_NOT_STARVED, "stuck");
	ASSERT_NE(NULL, d);
	EXPECT_TRUE(d->worker == 0 || d->worker == 1);
	EXPECT_GT(d->pid, 0);
	EXPECT_GE(d->cpu, 0);
	EXPECT_LT(d->value, d->limit);
	EXPECT_EQ(1, (int)d->limit);
	EXPECT_STREQ("frozen", d->step);
	EXPECT_EQ(NULL, sc_find(&self->r, SC_CHECK_NOT_STARVED, "fine"));
	/* Frozen until teardown, yet thawed and collected: no lost report. */
	all_reported(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, fairness, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_FAIRNESS, "peers");
	ASSERT_NE(NULL, d);
	/* The lowest pid, the first worker forked, is the one stopped. */
	EXPECT_EQ(0, d->worker);
	EXPECT_EQ(self->r.workers[0].pid, d->pid);
	EXPECT_TRUE(d->cpu == 0 || d->cpu == 1);
	EXPECT_GT(d->value, d->limit);
	EXPECT_EQ(self->r.limits.max_spread, d->limit);
	/* Stopped until teardown, yet continued and collected. */
	all_reported(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, gap, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_GAP, "victim");
	ASSERT_NE(NULL, d);
	EXPECT_EQ(0, d->worker);
	EXPECT_EQ(1, d->cpu);
	EXPECT_EQ(500, (int)d->limit);
	EXPECT_GT(d->value, 500);
	EXPECT_STREQ("hogged", d->step);
	all_reported(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, isolation, SC_TIMEOUT)
{
	const struct sc_cgroup_result *cg;
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_ISOLATION, "pinned");
	ASSERT_NE(NULL, d);
	cg = sc_find_cgroup(&self->r, "pinned");
	ASSERT_NE(NULL, cg);
	EXPECT_GE(d->worker, 0);
	EXPECT_GE(d->cpu, 0);
	EXPECT_FALSE(sc_mask_test(&cg->cpus, (unsigned int)d->cpu))
		TH_LOG("CPU %d is inside the cpuset", d->cpu);
	EXPECT_GE(d->value, 1);
	EXPECT_EQ(0, (int)d->limit);
	all_reported(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, weight, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_WEIGHT, "heavy");
	ASSERT_NE(NULL, d);
	EXPECT_EQ(-1, d->worker);
	EXPECT_EQ(300, (int)(d->limit * 100 + 0.5));
	/* Expected 3x; measured is what the limit cannot explain. */
	EXPECT_LT(d->value * self->r.limits.weight_tol, d->limit);
	all_reported(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, throttle, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_THROTTLE, "capped");
	ASSERT_NE(NULL, d);
	EXPECT_EQ(-1, d->worker);
	/* 20000/100000 = 0.2 CPUs, plus the tolerance. */
	EXPECT_EQ((int)(0.2 * (1 + self->r.limits.throttle_tol) * 1000 + 0.5),
		  (int)(d->limit * 1000 + 0.5));
	EXPECT_GT(d->value, 2 * d->limit);
	all_reported(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, io_weight, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_IO_WEIGHT, "light");
	ASSERT_NE(NULL, d);
	EXPECT_EQ(-1, d->worker);
	/* light:heavy declared 1:4; leveled, light gets far more than 1/4. */
	EXPECT_EQ(25, (int)(d->limit * 100 + 0.5));
	EXPECT_GT(d->value, d->limit * self->r.limits.io_tol);
	EXPECT_NE(NULL, strstr(d->text, "of 80 IOPS")) TH_LOG("%s", d->text);
	all_reported(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, io_max, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_IO_MAX, "capped");
	ASSERT_NE(NULL, d);
	/* wiops=10 plus the tolerance; lifted, far faster. */
	EXPECT_EQ((int)(10 * self->r.limits.io_tol * 10 + 0.5),
		  (int)(d->limit * 10 + 0.5));
	EXPECT_GT(d->value, 2 * d->limit);
	EXPECT_NE(NULL, strstr(d->text, "wiops=10")) TH_LOG("%s", d->text);
	all_reported(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, sched_alive, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_SCHED_ALIVE, NULL);
	ASSERT_NE(NULL, d);
	EXPECT_STREQ("doomed", d->step);
	EXPECT_EQ(0, self->r.sched_died_step);
	/* The stand-in lives 1 s of a 4 s hold: the hold ends at its death. */
	EXPECT_EQ(4, (int)d->limit);
	EXPECT_GT(d->value, 0.5);
	EXPECT_LT(d->value, 2.0);
	EXPECT_LT(self->r.hold_ms, 2500) TH_LOG("the hold was not cut short");
	EXPECT_LT(self->r.sched_death_to_end_ms, 100);
	EXPECT_NE(NULL, strstr(d->text, "stand-in sleep"));
	all_reported(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, sched_killed, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_SCHED_ALIVE, NULL);
	ASSERT_NE(NULL, d);
	EXPECT_STREQ("killed", d->step);
	EXPECT_EQ(1, self->r.sched_died_step);
	EXPECT_LT(d->value, 4.0);
	EXPECT_NE(NULL, strstr(d->text, "signal 9"));
	killed_and_kept(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, sched_ejected, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_SCHED_ALIVE, NULL);
	ASSERT_NE(NULL, d);
	EXPECT_STREQ("ejected", d->step);
	EXPECT_EQ(1, self->r.sched_died_step);
	EXPECT_NE(NULL, strstr(d->text, "is alive but sched_ext is"))
		TH_LOG("not found by sched_ext's state: %s", d->text);
	/* Ejected 0.5 s into a 6 s hold; its stopped process never exits. */
	EXPECT_LT(d->value, 3.0);
	EXPECT_LT(self->r.hold_ms, 4000) TH_LOG("the hold was not cut short");
	killed_and_kept(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, mempolicy, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_MEMPOLICY, "bound");
	ASSERT_NE(NULL, d);
	EXPECT_NE(NULL, strstr(d->text, "outside nodes 1 it is bound to"))
		TH_LOG("%s", d->text);
	EXPECT_GT(d->value, 0);
	all_reported(_metadata, &self->r);
}

/* A policy the kernel would refuse is refused before anything runs. */
TEST(mempolicy_flags_checked_up_front)
{
	const struct sc_mempolicy both = {
		.mode = SC_MPOL_BIND, .nodes = { .kind = SC_MEMS_NODE },
		.flags = SC_MPOL_F_STATIC | SC_MPOL_F_RELATIVE,
	};
	const struct sc_scenario s = {
		.name = "bad_mempolicy",
		.steps = (const struct sc_step[]) {
			{
				.name = "never",
				.cgroups = (const struct sc_cgroup[]) {
					{
						.name = "c",
						.workers = { { .count = 1, .mpol = both } },
					},
					{ },
				},
			},
			{ },
		},
	};
	struct sc_result r;

	sc_run(&s, &r);
	EXPECT_EQ(0, r.skipped);
	EXPECT_EQ(0, r.nr_workers);
	ASSERT_GT(r.nr_details, 0);
	EXPECT_NE(NULL, strstr(r.details[0].text, "static and relative exclude each other"))
		TH_LOG("%s", r.details[0].text);
	sc_result_free(&r);
}

TEST_F_TIMEOUT(negative, sched_class, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_SCHED_CLASS, "ext");
	ASSERT_NE(NULL, d);
	EXPECT_STREQ("disturbed", d->step);
	EXPECT_NE(NULL, strstr(d->text, "SCHED_EXT worker ran outside"))
		TH_LOG("%s", d->text);
	/* One sample per hold end: the first was in the class, the second not. */
	EXPECT_EQ(1, (int)d->value);
	all_reported(_metadata, &self->r);
}

TEST_F_TIMEOUT(negative, add_undefined_cgroup, SC_TIMEOUT)
{
	const struct sc_detail *d;

	if (!run(_metadata, self->s, &self->r))
		return;
	d = fired(_metadata, &self->r, SC_CHECK_HARNESS, "ghost");
	ASSERT_NE(NULL, d);
	EXPECT_STREQ("add", d->step);
	EXPECT_NE(NULL, strstr(d->text, "add-cgroup"));
	/* The failed op ended the step before its hold; "never" never ran. */
	EXPECT_EQ(0, (int)self->r.hold_ms);
	all_reported(_metadata, &self->r);
}

static int negative_has_test(const char *name)
{
	for (const struct __test_metadata *t = _negative_fixture_object.tests;
	     t; t = t->next)
		if (!strcmp(t->name, name))
			return 1;
	return 0;
}

/* Each scenario is registered once, by name; each negative control has its test. */
TEST(catalogue)
{
	const struct sc_entry *e, *f;
	int canned = 0;

	for (e = sc_catalogue_first(); e; e = e->next) {
		ASSERT_NE(NULL, e->s->name);
		canned += e->set == SC_SET_CANNED;
		for (f = e->next; f; f = f->next)
			EXPECT_STRNE(e->s->name, f->s->name);
		if (e->set != SC_SET_NEGATIVE)
			continue;
		EXPECT_EQ(0, strncmp(e->s->name, "neg_", 4))
			TH_LOG("negative control %s: its name starts neg_",
			       e->s->name);
		EXPECT_TRUE(negative_has_test(e->s->name + 4))
			TH_LOG("negative control %s has no test negative.%s",
			       e->s->name, e->s->name + 4);
	}
	EXPECT_GT(canned, 0);
}

/*
 * One variant of canned per registered canned scenario, named after it:
 * what FIXTURE_VARIANT_ADD() does, from the registry. Every constructor
 * has run by now, so the harness appends them in catalogue order.
 */
static void canned_variants(void)
{
	const struct sc_entry *e;

	for (e = sc_catalogue_first(); e; e = e->next) {
		struct __fixture_variant_metadata *v;
		struct _fixture_variant_canned *data;	/* FIXTURE_VARIANT(canned) */

		if (e->set != SC_SET_CANNED)
			continue;
		v = calloc(1, sizeof(*v));
		data = calloc(1, sizeof(*data));
		if (!v || !data)
			ksft_exit_fail_msg("out of memory\n");
		data->s = e->s;
		v->name = e->s->name;
		v->data = data;
		__register_fixture_variant(&_canned_fixture_object, v);
	}
}

/*
 * With -l, beside the harness's table (stderr), what each subtest needs
 * of the topology, one "# needs SUBTEST TOKEN..." line each on stdout:
 * cpus=N, smt, numa (two nodes), llcs (two), scheduler (one to attach).
 * ktstr list shows them. Unmet, the subtest SKIPs (needs_met()).
 */
static void list_needs(void)
{
	const struct sc_entry *e;

	for (e = sc_catalogue_first(); e; e = e->next) {
		const struct sc_scenario *s = e->s;

		if (s->min_cpus < 2 && !s->needs)
			continue;
		if (e->set == SC_SET_CANNED)
			printf("# needs canned.%s.passes", s->name);
		else if (!strncmp(s->name, "neg_", 4) &&
			 negative_has_test(s->name + 4))
			printf("# needs negative.%s", s->name + 4);
		else
			continue;
		if (s->min_cpus > 1)
			printf(" cpus=%u", s->min_cpus);
		if (s->needs & SC_NEED_SMT)
			printf(" smt");
		if (s->needs & SC_NEED_NUMA)
			printf(" numa");
		if (s->needs & SC_NEED_LLCS)
			printf(" llcs");
		if (s->needs & SC_NEED_SCHED_BIN)
			printf(" scheduler");
		printf("\n");
	}
	fflush(stdout);
}

static void report_end(void)
{
	sc_report_end();
}

/* The harness exits when done: the report is joined at exit. */
int main(int argc, char **argv)
{
	canned_variants();
	if (argc == 2 && !strcmp(argv[1], "-l"))
		list_needs();
	sc_report_begin(argv[0]);
	atexit(report_end);
	return test_harness_run(argc, argv);
}
