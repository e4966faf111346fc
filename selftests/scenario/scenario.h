/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarative scheduler scenarios: cgroups with workers, steps of ops and
 * holds, a Backdrop that outlives the steps, per-worker measurements and
 * checks with documented thresholds. Scenarios are plain data (designated
 * initializers); sc_run() executes one and returns its verdict.
 *
 * See Documentation/scenarios.rst.
 */
#ifndef KTSTR_SCENARIO_H
#define KTSTR_SCENARIO_H

#include <linux/types.h>
#include <stdio.h>
#include <sys/types.h>

#define SC_MAX_CPUS		256
#define SC_MASK_WORDS		(SC_MAX_CPUS / 64)
#define SC_MAX_GROUPS		4	/* worker groups per cgroup */
#define SC_MAX_PHASES		8
#define SC_NAME_MAX		32
#define SC_MAX_DETAILS		64

#define SC_BIT(n)		(1u << (n))

struct sc_mask {
	__u64 w[SC_MASK_WORDS];
};

/* A set of CPUs, resolved against the topology the guest reports. */
enum sc_cpus_kind {
	SC_CPUS_INHERIT,	/* nothing written: the parent's CPUs */
	SC_CPUS_ALL,		/* every online CPU */
	SC_CPUS_LLC,		/* last-level cache .idx, by first CPU */
	SC_CPUS_NODE,		/* NUMA node .idx */
	SC_CPUS_FRAC,		/* CPUs [.from, .to) as fractions of all */
	SC_CPUS_SLICE,		/* disjoint slice .idx of .of */
	SC_CPUS_OVERLAP,	/* slice .idx of .of, widened by .overlap */
	SC_CPUS_CORE,		/* the SMT siblings of core .idx */
	SC_CPUS_LIST,		/* exact list such as "0,2-3" */
};

struct sc_cpus {
	enum sc_cpus_kind kind;
	unsigned int idx, of;
	double from, to;
	double overlap;		/* fraction of a slice added on each side */
	const char *list;
};

enum sc_mems_kind {
	SC_MEMS_INHERIT,
	SC_MEMS_LOCAL,		/* the nodes of the cgroup's CPUs */
	SC_MEMS_NODE,		/* node .idx */
	SC_MEMS_LIST,		/* exact node list */
};

struct sc_mems {
	enum sc_mems_kind kind;
	unsigned int idx;
	const char *list;
};

/* Work types: what one worker process does, one work unit at a time. */
enum sc_work_type {
	SC_WORK_SPIN,		/* CPU-bound loop */
	SC_WORK_YIELD,		/* short spin, sched_yield() */
	SC_WORK_MIXED,		/* spin, then sleep .sleep_us */
	SC_WORK_BURSTY,		/* spin .on_ms, sleep .off_ms */
	SC_WORK_PIPE_PINGPONG,	/* pairs bounce a byte over pipes */
	SC_WORK_FUTEX_PINGPONG,	/* pairs hand a futex turn back and forth */
	SC_WORK_FUTEX_FANOUT,	/* worker 0 wakes all others of the group */
	SC_WORK_CACHE,		/* stride through .cache_kb of memory */
	SC_WORK_FORK_CHURN,	/* fork a child that exits at once, reap */
	SC_WORK_AFFINITY_CHURN,	/* move itself to a random allowed CPU */
	SC_WORK_POLICY_CHURN,	/* cycle normal, batch, idle, fifo */
	SC_WORK_PAGEFAULT,	/* map, touch .pages pages, unmap */
	SC_WORK_MUTEX,		/* contend on a shared mutex of the group */
	SC_WORK_IO_SYNC,	/* 4 KiB O_DIRECT|O_DSYNC writes (loop device) */
	SC_WORK_PHASES,		/* cycle through .phases */
	SC_WORK_REQUESTS,	/* schbench-like: worker 0 wakes the rest per request */
	SC_WORK_NR,
};

enum sc_phase_kind {
	SC_PHASE_END,
	SC_PHASE_SPIN,
	SC_PHASE_SLEEP,
	SC_PHASE_YIELD,
	SC_PHASE_IO,
};

struct sc_phase {
	enum sc_phase_kind kind;
	unsigned int ms;
};

/* Parameters left at 0 take the defaults documented in scenarios.rst. */
struct sc_work {
	enum sc_work_type type;
	unsigned int spin;		/* spin blocks per unit (REQUESTS: per request) */
	unsigned int sleep_us;		/* MIXED; REQUESTS: between rounds */
	unsigned int on_ms, off_ms;	/* BURSTY */
	unsigned int cache_kb;		/* CACHE */
	unsigned int pages;		/* PAGEFAULT */
	struct sc_phase phases[SC_MAX_PHASES];	/* PHASES */
};

enum sc_policy {
	SC_POLICY_NORMAL,
	SC_POLICY_BATCH,
	SC_POLICY_IDLE,
	SC_POLICY_FIFO,
	SC_POLICY_RR,
	SC_POLICY_EXT,		/* SCHED_EXT: sched_ext even in a partial switch */
};

enum sc_aff_kind {
	SC_AFF_INHERIT,		/* the cgroup's cpuset */
	SC_AFF_SINGLE,		/* worker i on the cgroup's CPU i mod n */
	SC_AFF_NTH,		/* every worker on the cgroup's CPU .nth */
	SC_AFF_RANDOM,		/* a random half of the cgroup's CPUs */
	SC_AFF_LLC,		/* the LLC of the cgroup's CPU i mod n */
	SC_AFF_CROSS,		/* every CPU, also other cgroups' */
	SC_AFF_EXACT,		/* .cpus */
};

struct sc_affinity {
	enum sc_aff_kind kind;
	unsigned int nth;
	struct sc_cpus cpus;
};

/* NUMA memory policy of a worker group (set_mempolicy(2)). */
enum sc_mpol_mode {
	SC_MPOL_NONE,		/* the default: nothing set */
	SC_MPOL_BIND,		/* .nodes */
	SC_MPOL_PREFERRED,	/* one node in .nodes */
	SC_MPOL_INTERLEAVE,	/* .nodes */
	SC_MPOL_LOCAL,		/* the node of the CPU it runs on */
};

#define SC_MPOL_F_STATIC	SC_BIT(0)	/* MPOL_F_STATIC_NODES */
#define SC_MPOL_F_RELATIVE	SC_BIT(1)	/* MPOL_F_RELATIVE_NODES */

struct sc_mempolicy {
	enum sc_mpol_mode mode;
	struct sc_mems nodes;
	unsigned int flags;	/* SC_MPOL_F_* */
};

struct sc_workers {
	unsigned int count;	/* workers, or ... */
	unsigned int pct;	/* ... percent of the cgroup's CPUs */
	struct sc_work work;
	enum sc_policy policy;
	int prio;		/* FIFO and RR priority */
	int nice;
	struct sc_affinity affinity;
	struct sc_mempolicy mpol;
};

#define SC_UNLIMITED	(-1LL)	/* writes "max" */

/* io.max on the scenario's IO device; 0 leaves a limit unset ("max"). */
struct sc_io_max {
	unsigned long long rbps, wbps, riops, wiops;
};

struct sc_cgroup {
	const char *name;	/* NULL ends an array */
	struct sc_cpus cpuset;
	struct sc_mems mems;
	unsigned int quota_us, period_us;	/* cpu.max */
	unsigned int cpu_weight;
	long long memory_max, memory_high, memory_low, swap_max;
	unsigned int io_weight;
	struct sc_io_max io_max;
	int pids_max;				/* -1: "max" */
	struct sc_workers workers[SC_MAX_GROUPS];
};

enum sc_op_kind {
	SC_OP_END,
	SC_OP_ADD_CGROUP,	/* .def */
	SC_OP_REMOVE_CGROUP,	/* .cgroup: stop its workers, remove it */
	SC_OP_SET_CPUSET,	/* .cgroup, .cpus */
	SC_OP_CLEAR_CPUSET,	/* .cgroup */
	SC_OP_SWAP_CPUSETS,	/* .cgroup, .other */
	SC_OP_MOVE_ALL,		/* every task of .cgroup into .other */
	SC_OP_FREEZE,		/* .cgroup */
	SC_OP_UNFREEZE,		/* .cgroup */
	SC_OP_SET_AFFINITY,	/* .cgroup, .affinity */
	SC_OP_SPAWN,		/* .cgroup, .workers */
	SC_OP_STOP_CGROUP,	/* .cgroup: stop and collect its workers */
	SC_OP_RUN,		/* .tag, .argv, optional .cgroup */
	SC_OP_WAIT,		/* .tag, .timeout_ms */
	SC_OP_KILL,		/* .tag */
	SC_OP_SCHED_ATTACH,	/* optional .argv; .standin */
	SC_OP_SCHED_DETACH,
	SC_OP_SCHED_REPLACE,	/* detach, then attach */
	SC_OP_SET_CPU_MAX,	/* .cgroup, .quota_us (SC_UNLIMITED: "max"), .period_us */
	/* .cgroup, .workers.policy/.prio: a disturbance, as from outside */
	SC_OP_SET_POLICY,
	SC_OP_CAPTURE,		/* .tag: a host snapshot now (needs /dev/ktstr) */
	SC_OP_KERNEL_READ,	/* .kernel, through /dev/ktstr */
	SC_OP_KERNEL_WRITE,	/* .kernel with .value, the validated write */
};

/*
 * What a kernel op reads or writes: a symbol, a CPU's rq field, or a
 * field of worker .worker of .cgroup (the op's). width: the field's
 * size in bytes (8 if 0).
 */
struct sc_kernel {
	__u32 target;		/* KTSTR_TARGET_SYMBOL, _PERCPU, _TASK */
	const char *name;
	unsigned int cpu;
	unsigned int worker;
	unsigned int width;
	__u64 value;
};

struct sc_op {
	enum sc_op_kind kind;
	const char *cgroup, *other, *tag;
	const struct sc_cgroup *def;
	struct sc_cpus cpus;
	struct sc_affinity affinity;
	struct sc_workers workers;
	const char *const *argv;
	unsigned int timeout_ms;
	int standin;		/* ATTACH: a plain process stands in */
	long long quota_us;	/* SET_CPU_MAX */
	unsigned int period_us;
	struct sc_kernel kernel;	/* KERNEL_READ, KERNEL_WRITE */
};

enum sc_hold_kind {
	SC_HOLD_SHARE,		/* duration / number of steps */
	SC_HOLD_FRAC,		/* .frac of the duration */
	SC_HOLD_FIXED,		/* .ms */
	SC_HOLD_LOOP,		/* ops every .interval_ms for .ms (or a share) */
};

struct sc_hold {
	enum sc_hold_kind kind;
	double frac;
	unsigned int ms, interval_ms;
};

struct sc_step {
	const char *name;		/* NULL ends an array */
	const struct sc_cgroup *cgroups;	/* step-local */
	const struct sc_op *ops;
	struct sc_hold hold;
};

struct sc_backdrop {
	const struct sc_cgroup *cgroups;
	const struct sc_op *ops;
};

enum sc_check {
	SC_CHECK_HARNESS,	/* the scenario ran as declared */
	SC_CHECK_NOT_STARVED,
	SC_CHECK_FAIRNESS,
	SC_CHECK_GAP,
	SC_CHECK_ISOLATION,
	SC_CHECK_WEIGHT,
	SC_CHECK_THROTTLE,
	SC_CHECK_SCHED_ALIVE,
	SC_CHECK_SCHED_CLASS,	/* each worker in the class its policy asks for */
	SC_CHECK_MEMPOLICY,	/* pages where the memory policy asks */
	SC_CHECK_IO_WEIGHT,	/* IO shares as io.weight sets them */
	SC_CHECK_IO_MAX,	/* IO rates within io.max */
	SC_CHECK_NR,
};

/* Thresholds; 0 inherits (defaults < scheduler < test < environment). */
struct sc_limits {
	unsigned int off;	/* SC_BIT(SC_CHECK_*) not evaluated */
	unsigned int force;	/* evaluated even where not applicable */
	const char *why;	/* reason for .off */
	unsigned int min_units;	/* not starved: units per hold window */
	double max_spread;	/* fairness: max/min CPU share of peers */
	unsigned int max_gap_ms;
	double weight_tol;	/* measured/expected within [1/tol, tol] */
	double throttle_tol;	/* usage at most quota * (1 + tol) */
	double throttle_min;	/* usage at least quota * min (0: off) */
	double io_tol;		/* io.weight shares in [1/tol, tol]; io.max * tol */
};

struct sc_sched_limits {
	const char *sched;	/* KTSTR_SCHEDULER name; NULL ends */
	struct sc_limits limits;
};

/* Requirements; a scenario whose needs are not met is skipped. */
#define SC_NEED_SMT		SC_BIT(0)
#define SC_NEED_NUMA		SC_BIT(1)
#define SC_NEED_LLCS		SC_BIT(2)	/* two LLCs or more */
#define SC_NEED_SCHED_BIN	SC_BIT(3)	/* a scheduler to attach */
#define SC_NEED_KTSTR_DEV	SC_BIT(4)	/* /dev/ktstr, for kernel ops */

/*
 * The IO device's capacity in iocost's linear model, in 4 KiB requests
 * per second (reads and writes alike) and bytes per second. Set, the
 * executor enables iocost on the device with this model and a fixed
 * rate, so the io.weight of busy sibling cgroups divides exactly this.
 */
struct sc_io_cost {
	unsigned int iops;
	unsigned long long bps;	/* 0: iops * 64 KiB */
};

struct sc_scenario {
	const char *name, *doc;
	unsigned int duration_ms;
	unsigned int needs;
	unsigned int min_cpus;
	unsigned int seed;
	unsigned int purpose;	/* checks the scenario exists for */
	struct sc_backdrop backdrop;
	const struct sc_step *steps;
	struct sc_limits limits;
	const struct sc_sched_limits *sched_limits;
	struct sc_io_cost io_cost;
};

#define SC_NO_WORKER		(-1)	/* a detail not about one worker */
#define SC_NO_CPU		(-1)	/* a detail not about one CPU */

/* One failed check: what, where, how much against what limit. */
struct sc_detail {
	enum sc_check check;
	char cgroup[SC_NAME_MAX];
	int worker;		/* index in its cgroup, or SC_NO_WORKER */
	pid_t pid;
	int cpu;		/* or SC_NO_CPU */
	double value, limit;
	char step[SC_NAME_MAX];
	char text[256];
};

#define SC_MAX_KOPS		16

/* A kernel op or capture as it ran; reason 0 (KTSTR_OK) if it went. */
struct sc_kop_result {
	int op;			/* enum sc_op_kind */
	char step[SC_NAME_MAX];
	char name[SC_NAME_MAX];	/* field or symbol, or the capture's tag */
	int cpu;
	pid_t pid;
	__u64 value;		/* read, or written */
	__u64 capture_id;
	__u32 reason;		/* enum ktstr_reason */
};

/* What a test may inspect after the run. */
struct sc_worker_result {
	char cgroup[SC_NAME_MAX];
	int index, group;
	pid_t pid;
	int reported;		/* stopped by the stop request and wrote DONE */
	int killed;		/* SIGKILLed at teardown */
	__u64 units;
	__u64 cpu_ns, wait_ns;
	__u64 max_gap_ns;
	struct sc_mask cpus;
};

struct sc_cgroup_result {
	char name[SC_NAME_MAX];
	struct sc_mask cpus;	/* cpuset.cpus.effective, last seen */
};

struct sc_result {
	int skipped;
	char why[256];		/* skip reason, or the first setup error */
	unsigned int applied;	/* checks evaluated */
	unsigned int fired;	/* checks with at least one detail */
	char not_applied[SC_CHECK_NR][160];
	unsigned int nr_details, dropped;
	struct sc_detail details[SC_MAX_DETAILS];
	unsigned int nr_workers, nr_cgroups;
	struct sc_worker_result *workers;
	struct sc_cgroup_result *cgroups;
	struct sc_limits limits;	/* the thresholds that applied */
	double hold_ms;		/* sum of the holds as run */
	double elapsed_ms;	/* setup to teardown */
	int sched_died_step;	/* -1, or the step during/before which */
	double sched_death_to_end_ms;	/* death seen until hold ended */
	unsigned int nr_kops;
	struct sc_kop_result kops[SC_MAX_KOPS];
};

/*
 * The catalogue. A scenario registers itself where it is defined, once,
 * as REGISTER_SCX_TEST() does in the kernel's sched_ext selftests:
 *
 *	static const struct sc_scenario sc_steady = { .name = "steady", ... };
 *	SC_CANNED(sc_steady);
 *
 * Canned scenarios must pass every check that applies; each negative
 * control must make its check fire (its test, negative.X, runs the
 * negative control named "neg_X"). Entries are kept in source order.
 */
enum sc_set {
	SC_SET_CANNED,
	SC_SET_NEGATIVE,
};

struct sc_entry {
	enum sc_set set;
	const struct sc_scenario *s;
	const char *file;	/* where it is registered: the order */
	int line;
	struct sc_entry *next;
};

void sc_register(struct sc_entry *e);
/* The first entry; the others follow through ->next. */
const struct sc_entry *sc_catalogue_first(void);
const struct sc_scenario *sc_catalogue_find(enum sc_set set,
					    const char *name);

#define SC_REGISTER(set_, s_)						\
	static struct sc_entry sc_entry_##s_ = {			\
		.set = (set_), .s = &(s_),				\
		.file = __FILE__, .line = __LINE__,			\
	};								\
	__attribute__((constructor))					\
	static void sc_register_##s_(void)				\
	{								\
		sc_register(&sc_entry_##s_);				\
	}

#define SC_CANNED(s_)		SC_REGISTER(SC_SET_CANNED, s_)
#define SC_NEGATIVE(s_)		SC_REGISTER(SC_SET_NEGATIVE, s_)

int sc_run(const struct sc_scenario *s, struct sc_result *r);
void sc_limits_resolve(const struct sc_scenario *s, const char *sched,
		       struct sc_limits *out);
void sc_result_free(struct sc_result *r);
void sc_result_print(const struct sc_result *r, FILE *f);
const struct sc_detail *sc_find(const struct sc_result *r, enum sc_check c,
				const char *cgroup);
const struct sc_cgroup_result *sc_find_cgroup(const struct sc_result *r,
					      const char *name);
const char *sc_check_name(enum sc_check c);

/* The JSON report: fragments per scenario, one document per run. */
void sc_report_begin(const char *prog);
int sc_report_end(void);

/* Bitmaps of CPUs. */
static inline void sc_mask_set(struct sc_mask *m, unsigned int cpu)
{
	if (cpu < SC_MAX_CPUS)
		m->w[cpu / 64] |= 1ull << (cpu % 64);
}

static inline int sc_mask_test(const struct sc_mask *m, unsigned int cpu)
{
	return cpu < SC_MAX_CPUS && (m->w[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned int sc_mask_count(const struct sc_mask *m);
int sc_mask_parse(const char *s, struct sc_mask *m);
void sc_mask_format(const struct sc_mask *m, char *buf, size_t len);

#endif
