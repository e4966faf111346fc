// SPDX-License-Identifier: GPL-2.0
/*
 * Negative controls: one scenario per check, built so the check must
 * fire. Their tests assert that it did, with the right cgroup, worker,
 * CPU, value and threshold. Checks that may not apply to a scheduler are
 * forced on here: the point is that they fire.
 */
#include "scenario.h"

#define SPIN		{ .type = SC_WORK_SPIN }

/* Frozen behind the executor's back: its workers cannot progress. */
static const char * const freeze_stuck[] = {
	"/bin/sh", "-c", "echo 1 > \"$SC_CGROUP_ROOT/stuck/cgroup.freeze\"",
	NULL,
};

static const struct sc_scenario sc_neg_not_starved = {
	.name = "neg_not_starved",
	.doc = "a cgroup frozen by someone else makes no progress; teardown still collects it",
	.duration_ms = 1500,
	.limits = { .off = SC_BIT(SC_CHECK_GAP), .why = "the gap is a given here" },
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "stuck",
				.workers = { { .count = 2, .work = SPIN } },
			},
			{
				.name = "fine",
				.workers = { { .count = 1, .work = SPIN } },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "frozen",
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_RUN, .tag = "freezer",
				  .argv = freeze_stuck },
				{ .kind = SC_OP_WAIT, .tag = "freezer",
				  .timeout_ms = 20000 },
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_not_starved);

/* One of three equal peers is stopped by someone else: it gets no CPU. */
static const char * const stop_first[] = {
	"/bin/sh", "-c",
	"kill -STOP $(sort -n \"$SC_CGROUP_ROOT/peers/cgroup.procs\" | head -n 1)",
	NULL,
};

static const struct sc_scenario sc_neg_fairness = {
	.name = "neg_fairness",
	.doc = "one of three equal spinners is SIGSTOPped by someone else; teardown continues it",
	.duration_ms = 2000,
	.min_cpus = 2,
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "peers",
				.cpuset = { .kind = SC_CPUS_LIST, .list = "0-1" },
				.workers = { { .count = 3, .work = SPIN } },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "stopped",
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_RUN, .tag = "stop", .argv = stop_first },
				{ .kind = SC_OP_WAIT, .tag = "stop", .timeout_ms = 20000 },
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_fairness);

/*
 * A SCHED_FIFO hog on the victim's only CPU, spinning 900 ms of every
 * second. It pauses so per-CPU kworkers run too: a kworker starved while
 * holding cgroup_mutex would stall every cgroup write, teardown's too.
 */
static const struct sc_scenario sc_neg_gap = {
	.name = "neg_gap",
	.doc = "a pinned worker shares its CPU with a SCHED_FIFO spinner",
	.duration_ms = 2500,
	.min_cpus = 2,
	.limits = { .max_gap_ms = 500 },
	.steps = (const struct sc_step[]) {
		{
			.name = "hogged",
			.cgroups = (const struct sc_cgroup[]) {
				{
					.name = "victim",
					.cpuset = { .kind = SC_CPUS_LIST, .list = "1" },
					.workers = { { .count = 1, .work = SPIN } },
				},
				{
					.name = "hog",
					.cpuset = { .kind = SC_CPUS_LIST, .list = "1" },
					.workers = { { .count = 1, .policy = SC_POLICY_FIFO,
						       .prio = 20,
						       .work = { .type = SC_WORK_BURSTY,
								 .on_ms = 900,
								 .off_ms = 100 } } },
				},
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_gap);

/* Someone moves the workers out of their cgroup: they leave its cpuset. */
static const char * const leak_tasks[] = {
	"/bin/sh", "-c",
	"for p in $(cat \"$SC_CGROUP_ROOT/pinned/cgroup.procs\"); do echo $p > /sys/fs/cgroup/cgroup.procs; done",
	NULL,
};

static const struct sc_scenario sc_neg_isolation = {
	.name = "neg_isolation",
	.doc = "workers of a cpuset cgroup are moved to the root cgroup behind the executor's back",
	.duration_ms = 2000,
	.min_cpus = 2,
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "pinned",
				.cpuset = { .kind = SC_CPUS_LIST, .list = "0" },
				.workers = { { .count = 4, .work = SPIN,
					       .affinity = { .kind = SC_AFF_CROSS } } },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "leaked",
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_RUN, .tag = "leak", .argv = leak_tasks },
				{ .kind = SC_OP_WAIT, .tag = "leak", .timeout_ms = 20000 },
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_isolation);

/* cpu.weight 300:100, but on disjoint CPUs: no contention, ratio ~1. */
static const struct sc_scenario sc_neg_weight = {
	.name = "neg_weight",
	.doc = "cpu.weight siblings that never contend: the share ratio ignores the weights",
	.duration_ms = 2000,
	.min_cpus = 2,
	.limits = { .force = SC_BIT(SC_CHECK_WEIGHT) },
	.steps = (const struct sc_step[]) {
		{
			.name = "apart",
			.cgroups = (const struct sc_cgroup[]) {
				{
					.name = "heavy",
					.cpu_weight = 300,
					.cpuset = { .kind = SC_CPUS_SLICE, .idx = 0, .of = 2 },
					.workers = { { .pct = 100, .work = SPIN } },
				},
				{
					.name = "light",
					.cpu_weight = 100,
					.cpuset = { .kind = SC_CPUS_SLICE, .idx = 1, .of = 2 },
					.workers = { { .pct = 100, .work = SPIN } },
				},
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_weight);

/* cpu.max is lifted behind the executor's back: usage far above quota. */
static const char * const lift_quota[] = {
	"/bin/sh", "-c", "echo max > \"$SC_CGROUP_ROOT/capped/cpu.max\"", NULL,
};

static const struct sc_scenario sc_neg_throttle = {
	.name = "neg_throttle",
	.doc = "a cgroup declared at 0.2 CPUs whose cpu.max is lifted by someone else",
	.duration_ms = 2000,
	.limits = { .force = SC_BIT(SC_CHECK_THROTTLE) },
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "capped",
				.quota_us = 20000,
				.period_us = 100000,
				.workers = { { .count = 2, .work = SPIN } },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "lifted",
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_RUN, .tag = "lift", .argv = lift_quota },
				{ .kind = SC_OP_WAIT, .tag = "lift", .timeout_ms = 20000 },
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_throttle);

#define IO_SYNC		{ .type = SC_WORK_IO_SYNC }

/* heavy's io.weight is set back to the default behind the executor's back. */
static const char * const level_weight[] = {
	"/bin/sh", "-c",
	"echo 'default 100' > \"$SC_CGROUP_ROOT/heavy/io.weight\"", NULL,
};

static const struct sc_scenario sc_neg_io_weight = {
	.name = "neg_io_weight",
	.doc = "two writers declared at io.weight 100:400 whose weights someone levels",
	.duration_ms = 3000,
	.io_cost = { .iops = 80 },
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "light",
				.io_weight = 100,
				.workers = { { .count = 1, .work = IO_SYNC } },
			},
			{
				.name = "heavy",
				.io_weight = 400,
				.workers = { { .count = 1, .work = IO_SYNC } },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "leveled",
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_RUN, .tag = "level", .argv = level_weight },
				{ .kind = SC_OP_WAIT, .tag = "level", .timeout_ms = 20000 },
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_io_weight);

/* capped's io.max is lifted behind the executor's back. */
static const char * const lift_io_max[] = {
	"/bin/sh", "-c",
	"read dev rest < \"$SC_CGROUP_ROOT/capped/io.max\" && echo \"$dev wiops=max\" > \"$SC_CGROUP_ROOT/capped/io.max\"",
	NULL,
};

static const struct sc_scenario sc_neg_io_max = {
	.name = "neg_io_max",
	.doc = "a writer declared at io.max wiops=10 whose limit someone lifts",
	.duration_ms = 2000,
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "capped",
				.io_max = { .wiops = 10 },
				.workers = { { .count = 1, .work = IO_SYNC } },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "lifted",
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_RUN, .tag = "lift", .argv = lift_io_max },
				{ .kind = SC_OP_WAIT, .tag = "lift", .timeout_ms = 20000 },
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_io_max);

static const char * const short_life[] = { "/bin/sleep", "1", NULL };

/* A stand-in scheduler that exits one second into a four-second hold. */
static const struct sc_scenario sc_neg_sched_alive = {
	.name = "neg_sched_alive",
	.doc = "the watched scheduler (a stand-in process) dies during a hold",
	.duration_ms = 8000,
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "bystander",
				.workers = { { .count = 2, .work = SPIN } },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "doomed",
			.hold = { .kind = SC_HOLD_FIXED, .ms = 4000 },
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_SCHED_ATTACH, .standin = 1,
				  .argv = short_life },
				{ },
			},
		},
		{
			.name = "never",
			.hold = { .kind = SC_HOLD_FIXED, .ms = 4000 },
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_sched_alive);

static const char * const kill_sched[] = {
	"/bin/sh", "-c", "sleep 1; kill -9 $SC_SCHED_PID", NULL,
};

/* The real thing: an attached sched_ext scheduler is SIGKILLed. */
static const struct sc_scenario sc_neg_sched_killed = {
	.name = "neg_sched_killed",
	.doc = "an attached sched_ext scheduler is SIGKILLed during a hold",
	.duration_ms = 6000,
	.needs = SC_NEED_SCHED_BIN,
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "bystander",
				.workers = { { .pct = 100, .work = SPIN } },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "attached",
			.hold = { .kind = SC_HOLD_FIXED, .ms = 500 },
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_SCHED_ATTACH },
				{ },
			},
		},
		{
			.name = "killed",
			.hold = { .kind = SC_HOLD_FIXED, .ms = 5000 },
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_RUN, .tag = "killer",
				  .argv = kill_sched },
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_sched_killed);

static const char * const mems_to_node0[] = {
	"/bin/sh", "-c", "echo 0 > \"$SC_CGROUP_ROOT/bound/cpuset.mems\"", NULL,
};

/*
 * A worker bound to node 1 whose cgroup is moved to node 0 behind the
 * executor's back: cgroup v2 migrates its pages there.
 */
static const struct sc_scenario sc_neg_mempolicy = {
	.name = "neg_mempolicy",
	.doc = "a worker bound to node 1 has its pages migrated to node 0 by cpuset.mems",
	.duration_ms = 3000,
	.needs = SC_NEED_NUMA,
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "bound",
				.workers = { {
					.count = 1,
					.work = { .type = SC_WORK_CACHE, .cache_kb = 1024 },
					.mpol = { .mode = SC_MPOL_BIND,
						  .nodes = { .kind = SC_MEMS_NODE, .idx = 1 } },
				} },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "bound",
			.hold = { .kind = SC_HOLD_FIXED, .ms = 500 },
		},
		{
			.name = "moved",
			.hold = { .kind = SC_HOLD_FIXED, .ms = 1500 },
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_RUN, .tag = "mover",
				  .argv = mems_to_node0 },
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_mempolicy);

static const char * const eject_sched[] = {
	"/bin/sh", "-c",
	"sleep 0.5; kill -STOP $SC_SCHED_PID; echo S > /proc/sysrq-trigger; sleep 5",
	NULL,
};

/*
 * The kernel ejects the scheduler (sysrq-S) while its process, stopped,
 * lingers: only sched_ext's state says it is gone.
 */
static const struct sc_scenario sc_neg_sched_ejected = {
	.name = "neg_sched_ejected",
	.doc = "the kernel disables sched_ext while the scheduler's process lingers",
	.duration_ms = 7000,
	.needs = SC_NEED_SCHED_BIN,
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "bystander",
				.workers = { { .count = 2, .work = SPIN } },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "attached",
			.hold = { .kind = SC_HOLD_FIXED, .ms = 500 },
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_SCHED_ATTACH },
				{ },
			},
		},
		{
			.name = "ejected",
			.hold = { .kind = SC_HOLD_FIXED, .ms = 6000 },
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_RUN, .tag = "ejector",
				  .argv = eject_sched },
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_sched_ejected);

/*
 * SCHED_EXT workers made SCHED_FIFO behind the scenario's back leave
 * sched_ext's class: the check compares with the declared policy.
 */
static const struct sc_scenario sc_neg_sched_class = {
	.name = "neg_sched_class",
	.doc = "SCHED_EXT workers turned SCHED_FIFO run outside sched_ext",
	.duration_ms = 2000,
	.needs = SC_NEED_SCHED_BIN,
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "ext",
				.workers = { {
					.count = 2,
					.policy = SC_POLICY_EXT,
					.work = { .type = SC_WORK_BURSTY,
						  .on_ms = 2, .off_ms = 20 },
				} },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "attached",
			.hold = { .kind = SC_HOLD_FIXED, .ms = 500 },
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_SCHED_ATTACH },
				{ },
			},
		},
		{
			.name = "disturbed",
			.hold = { .kind = SC_HOLD_FIXED, .ms = 500 },
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_SET_POLICY, .cgroup = "ext",
				  .workers = { .policy = SC_POLICY_FIFO } },
				{ },
			},
		},
		{ },
	},
};

SC_NEGATIVE(sc_neg_sched_class);

/*
 * The harness itself: an op that cannot run as declared (add-cgroup
 * without a definition) fails the scenario with a detail, and the step
 * ends there: no hold, no next step.
 */
static const struct sc_scenario sc_neg_add_undefined_cgroup = {
	.name = "neg_add_undefined_cgroup",
	.doc = "a step adds a cgroup it does not define: the harness check names it",
	.duration_ms = 1000,
	.backdrop = {
		.cgroups = (const struct sc_cgroup[]) {
			{
				.name = "bystander",
				.workers = { { .count = 1, .work = SPIN } },
			},
			{ },
		},
	},
	.steps = (const struct sc_step[]) {
		{
			.name = "add",
			.ops = (const struct sc_op[]) {
				{ .kind = SC_OP_ADD_CGROUP, .cgroup = "ghost" },
				{ },
			},
		},
		{ .name = "never" },
		{ },
	},
};

SC_NEGATIVE(sc_neg_add_undefined_cgroup);
