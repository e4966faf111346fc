/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the scenario library: topology, cgroupfs, the shared-memory slots
 * workers report through, the executor's state.
 */
#ifndef KTSTR_SCENARIO_INTERNAL_H
#define KTSTR_SCENARIO_INTERNAL_H

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"		/* __printf */
#include "scenario.h"
#include "../lib/file.h"
#include "../lib/agent_event.h"
#include "../lib/scheduler.h"
#include "../lib/sched_ext_policy.h"

#define SC_MAX_CGS		16
#define SC_MAX_WORKERS		128
#define SC_MAX_STEPS		16
#define SC_MAX_PROGS		8
#define SC_MAX_SCHEDS		4
#define SC_MAX_CHANS		64
#define SC_EPOCHS		16	/* cpuset epochs tracked per worker */
#define SC_LAT_BUCKETS		128
#define SC_MPOL_NODES		16	/* nodes counted one by one */
#define SC_SPIN_ITERS		16384		/* one spin block */
#define SC_EPSILON		0.000001
#define SC_GAP_PROBE_NS		5000000ull	/* a unit this long may hide a gap */
#define SC_SAMPLE_NS		20000000ull	/* run-queue wait read at least this often */
#define SC_CG_ROOT		"/sys/fs/cgroup"
#define SC_CGROUP2_MAGIC	0x63677270	/* statfs f_type of cgroup2 */

#define SC_SLOT_MAGIC		0x6b747363u	/* "ktsc" */
#define SC_CHAN_MAGIC		0x6b746368u	/* "ktch" */

#define SC_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Relaxed and ordered access to memory shared with other processes. */
#define sc_load(p)		__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define sc_store(p, v)		__atomic_store_n(p, v, __ATOMIC_RELEASE)
#define sc_add(p, v)		__atomic_add_fetch(p, v, __ATOMIC_ACQ_REL)

/* Wait on, and wake, a word in that memory: workers and the executor. */
static inline int sc_futex_wait(__u32 *addr, __u32 val, unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000L,
	};

	return (int)syscall(SYS_futex, addr, FUTEX_WAIT, val, &ts, NULL, 0);
}

static inline int sc_futex_wake(__u32 *addr, int n)
{
	return (int)syscall(SYS_futex, addr, FUTEX_WAKE, n, NULL, NULL, 0);
}

static inline __u64 sc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

/*
 * The tick-granular clock for per-unit bookkeeping: a read of the vDSO
 * data page. Under TCG the TSC is unstable, the clocksource is the HPET
 * and a precise clock_gettime() costs a microsecond, a third of a unit.
 */
static inline __u64 sc_coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

static inline __u64 sc_xorshift(__u64 *s)
{
	__u64 x = *s ? *s : 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* topo.c: what the guest's sysfs says. */
struct sc_topo {
	unsigned int nr_cpus;		/* highest online CPU + 1 */
	struct sc_mask online;
	unsigned int nr_llcs, nr_nodes, nr_cores;
	struct sc_mask llc[SC_MAX_CPUS];
	struct sc_mask node[SC_MAX_CPUS];
	unsigned int node_id[SC_MAX_CPUS];
	struct sc_mask core[SC_MAX_CPUS];
	int smt;			/* some core has 2+ threads */
};

int sc_topo_read(struct sc_topo *t, char *err, size_t errlen);
int sc_cpus_resolve(const struct sc_topo *t, const struct sc_cpus *c,
		    struct sc_mask *out, char *err, size_t errlen);
int sc_mems_resolve(const struct sc_topo *t, const struct sc_mems *m,
		    const struct sc_mask *cpus, char *buf, size_t len,
		    char *err, size_t errlen);
int sc_mask_nth(const struct sc_mask *m, unsigned int n);
void sc_mask_or(struct sc_mask *d, const struct sc_mask *s);
void sc_mask_andnot(struct sc_mask *d, const struct sc_mask *s);
int sc_mask_empty(const struct sc_mask *m);

/* cgroup.c */
__printf(3, 4)
int sc_cg_write(const char *cg, const char *file, const char *fmt, ...);
int sc_cg_read(const char *cg, const char *file, char *buf, size_t len);
int sc_cg_enable(const char *cg, const char *controllers, char *err,
		 size_t errlen);
int sc_cg_freeze(const char *cg, int frozen, unsigned int timeout_ms);
int sc_cg_remove(const char *cg, unsigned int timeout_ms);
int sc_cg_remove_tree(const char *cg, unsigned int timeout_ms);
void sc_cg_remove_stale(const char *root, const char *prefix);
int sc_cg_stat(const char *cg, __u64 *usage_us, __u64 *nr_throttled,
	       __u64 *throttled_us);

/* io.stat counters of one device, in the order of sc_io_stat_keys. */
enum sc_io_stat {
	SC_IO_RBYTES,
	SC_IO_WBYTES,
	SC_IO_RIOS,
	SC_IO_WIOS,
	SC_IO_NR,
};

extern const char * const sc_io_stat_keys[SC_IO_NR];
int sc_cg_io_stat(const char *cg, dev_t dev, __u64 io[SC_IO_NR]);
int sc_cg_effective(const char *cg, struct sc_mask *m);
int sc_cg_procs(const char *cg, pid_t *pids, int max);

/* Shared memory: one slot per worker, one channel per worker pair/group. */
enum sc_wstate {
	SC_W_EMPTY,
	SC_W_STARTING,
	SC_W_RUNNING,
	SC_W_DONE,
	SC_W_FAILED,
};

struct sc_slot {
	/* Written by the executor. */
	__u32 magic, index;
	__s32 pid;
	__u32 stop;
	__u64 stop_ns;
	__u32 frozen;		/* a freeze op holds it: no gap accounting */
	__u32 gap_epoch;	/* bumped around freezes */
	__u32 cpu_epoch;	/* index into cpus[] */
	__u32 pad[7];
	/* Written by the worker, from its own cache line on. */
	__u32 state;
	__s32 error;
	char errmsg[96];
	__u64 units, fails;
	__u64 start_ns, last_ns, end_ns;
	__u64 max_gap_ns, max_gap_at_ns;	/* run-queue wait between units */
	__u64 max_wall_ns, max_wall_at_ns;	/* wall clock between units */
	__s32 gap_cpu, last_cpu;
	__u64 migrations;	/* CPU changes seen between units */
	__u64 lat_count, lat_sum_ns, lat_max_ns;
	__u32 lat_hist[SC_LAT_BUCKETS];
	struct sc_mask cpus[SC_EPOCHS];
	/* pages of its buffer per node, the last entry all higher nodes */
	__u64 mpol_pages[SC_MPOL_NODES + 1];
	__u32 mpol_samples;
	__u32 pad2;
};

static_assert(offsetof(struct sc_slot, state) == 64,
	      "the worker's half of a slot starts a cache line");

struct sc_chan {
	__u32 magic;
	__u32 turn;		/* futex ping-pong: whose turn */
	__u32 gen;		/* fan-out generation */
	__u32 acks;
	__u64 ts;		/* when the last wake was sent */
	__u32 members;
	__u32 pad;
	char mutex[64];		/* pthread_mutex_t, process-shared, robust */
};

struct sc_shm {
	struct sc_slot slots[SC_MAX_WORKERS];
	struct sc_chan chans[SC_MAX_CHANS];
};

/* measure.c */
void sc_lat_record(struct sc_slot *s, __u64 ns);
__u64 sc_lat_percentile(const struct sc_slot *s, double pct);

/* Wake latencies of several workers together. */
struct sc_lat_sum {
	__u64 count, sum_ns, max_ns;
	__u64 hist[SC_LAT_BUCKETS];
};

void sc_lat_add(struct sc_lat_sum *m, const struct sc_slot *s);
__u64 sc_lat_sum_pct(const struct sc_lat_sum *m, double pct);
int sc_slot_validate(const struct sc_slot *s, unsigned int index, pid_t pid,
		     unsigned int nr_cpus, char *why, size_t len);

struct sc_kstats {
	__u64 cpu_ns, wait_ns, timeslices;
	__u64 vcsw, ivcsw, nr_migrations;
	char state;		/* /proc/PID/status: R, S, D, Z, ... ('?' unknown) */
	int ok;
};

int sc_kstats_read(pid_t pid, struct sc_kstats *k);
#define SC_KSTACK_FRAMES	4
void sc_kstack_read(pid_t pid, char *out, size_t len);
/* The kernel's SCHED_* for @p, and its name (the kernel's, or the report's). */
int sc_policy_kernel(enum sc_policy p);
const char *sc_policy_name(enum sc_policy p, bool kernel);
__u64 sc_pid_cpu_ns(pid_t pid);

struct sc_exec;
struct sc_wctx;

static inline int io_max_set(const struct sc_io_max *m)
{
	return m->rbps || m->wbps || m->riops || m->wiops;
}

/* ops.c: an op's name, for messages */
const char *sc_op_name(enum sc_op_kind k);
/* kernel_ops.c: CAPTURE, KERNEL_READ, KERNEL_WRITE */
int sc_kernel_op(struct sc_exec *x, const struct sc_op *op);

/* mempolicy.c */
int sc_mpol_validate(const struct sc_mempolicy *m, char *why, size_t len);
int sc_mpol_resolve(struct sc_exec *x, int cg, const struct sc_workers *spec,
		    int *mode, __u64 *nodes);
int sc_mpol_apply(int mode, __u64 nodes);
void sc_mpol_measure(struct sc_wctx *w, void *buf, size_t len);
void sc_check_mempolicy(struct sc_exec *x);
int sc_mempolicy_measured(const struct sc_exec *x);

/* Which class each live worker runs in, against its policy (hold ends). */
void sc_class_sample(struct sc_exec *x);

/* worker_proc.c: inside a worker process. */
struct sc_wctx {
	struct sc_slot *slot;
	struct sc_chan *chan;
	const struct sc_workers *spec;
	unsigned int rank, members;	/* position in its group */
	int pipe_rd, pipe_wr;		/* pipe ping-pong */
	const char *io_path;
	__u64 rng;
	struct sc_mask allowed;
	/* measurement state, private to the worker */
	__u64 last_ns;
	__u32 my_gap_epoch, my_cpu_epoch;
	int last_cpu;
	int schedstat_fd;		/* /proc/self/schedstat */
	__u64 sample_ns, run_delay;	/* its last reading */
	int mpol_mode;			/* the kernel's, 0: none */
	__u64 mpol_nodes, mpol_last_ns;
};

void sc_measure_start(struct sc_wctx *w);
void sc_unit_done(struct sc_wctx *w);
void sc_gap_skip(struct sc_wctx *w, __u64 until_ns);
int sc_stopping(const struct sc_wctx *w);
void sc_spin_block(unsigned int blocks);
void sc_spin(unsigned int iters);
void sc_sleep_ns(__u64 ns);
void sc_worker_main(struct sc_exec *x, struct sc_wctx *w, const char *cg,
		    const struct sc_mask *aff, int set_aff, pid_t parent);

/* One entry point per group of work types. */
int sc_work_cpu(struct sc_wctx *w);	/* spin, yield, mixed, bursty, cache */
int sc_work_ipc(struct sc_wctx *w);	/* ping-pongs, fan-out, mutex */
int sc_work_churn(struct sc_wctx *w);	/* fork, affinity, policy, faults */
int sc_work_io(struct sc_wctx *w);	/* sync IO */
int sc_work_phases(struct sc_wctx *w);
int sc_io_unit(struct sc_wctx *w, int *fd, void *buf);

/*
 * Executor state. Who owns a cgroup, a worker or a program: the step that
 * created it (its index), or the Backdrop. The step index is also where
 * the executor is: SC_OWNER_BACKDROP while it sets the Backdrop up.
 * SC_OWNER_ALL selects every owner; SC_CG_ANY every cgroup.
 */
#define SC_OWNER_BACKDROP	(-1)
#define SC_OWNER_ALL		(-2)
#define SC_CG_ANY		(-1)

struct sc_cg {
	char name[SC_NAME_MAX];
	char path[256];
	const struct sc_cgroup *def;
	int owner;		/* SC_OWNER_BACKDROP, else the step */
	int alive, frozen;
	struct sc_mask cpus;	/* cpuset.cpus.effective */
	unsigned int weight;
	unsigned int quota_us, period_us;
	unsigned int io_weight;
	/* per-hold accounting for weight, throttle and IO checks */
	int whole_hold;		/* existed, unfrozen, since the hold began */
	__u64 usage0, thr0;
	__u64 acc_usage_us, acc_wall_us, acc_throttled;
	int io_hold;		/* and io.stat read at its start */
	__u64 io0[SC_IO_NR], acc_io[SC_IO_NR], acc_io_wall_us;
	int nr_workers;		/* workers ever placed here */
};

struct sc_wk {
	int slot;
	pid_t pid;
	int cg;			/* index into cgs */
	int group;		/* worker group in its cgroup (or op spawn) */
	int index;		/* worker number within its cgroup */
	int owner;		/* SC_OWNER_BACKDROP, else the step */
	const struct sc_workers *spec;
	int live;
	unsigned int nr_epochs;
	struct sc_mask allowed[SC_EPOCHS];
	int epoch_step[SC_EPOCHS];	/* the step each epoch began in */
	int epoch_saturated;
	struct sc_mask aff;	/* the affinity it was given */
	int repinned;		/* an op changed its affinity */
	/* not-starved windows */
	int win_open, win_frozen;
	__u64 win_units0, win_t0, win_cpu0;
	int min_win_step;
	__u64 min_win_units, min_win_ms, min_win_cpu_ms;
	/* the class it ran in, sampled at hold ends */
	unsigned int class_samples, class_bad;
	int mpol_mode;		/* as set, with the nodes */
	__u64 mpol_nodes;
	int class_bad_step, class_bad_on_ext;
	/* after collection */
	int collected, killed, reported, status;
	int killed_at_death;	/* SIGKILLed once sched_ext's scheduler went */
	struct sc_kstats k;
	struct sc_slot fin;
	int valid;
	char invalid[96];
};

struct sc_prog {
	char tag[SC_NAME_MAX];
	pid_t pid;
	int pidfd, owner, done, status;
};

struct sc_sched {
	struct kt_sched proc;	/* lib/scheduler.h: name, pid, pidfd */
	int scx;		/* a sched_ext scheduler: its state is checked */
	int owned;		/* our child: reap it */
	int standin;
	int boot;		/* the agent's, taken over by hand-off */
	int released;		/* handed back to the agent: not watched */
};

struct sc_step_rec {
	char name[SC_NAME_MAX];
	__u64 start_ns, hold_start_ns, hold_end_ns, end_ns;
	__u64 planned_ms;
	int cut;		/* the hold ended early */
	/* work units its hold saw per cgroup (index into cgs), if any */
	__u64 units[SC_MAX_CGS];
	int rated[SC_MAX_CGS];
};

/* The synchronous IO target: a loop device, else its backing file. */
struct sc_io_target {
	char path[96];		/* what workers write to */
	char backing[96];	/* the sparse file on /tmp */
	int loop_fd;		/* the loop device, -1 if none */
	dev_t dev;		/* its block device, 0 if a plain file */
	int iocost;		/* iocost enabled on it (iocost.c) */
};

/* One scenario run, grouped by who owns each part. */
struct sc_exec {
	/* The run: what was asked and where the verdict goes (sc_run()). */
	const struct sc_scenario *s;
	struct sc_result *r;
	struct sc_topo *topo;
	struct sc_limits lim;
	__u64 t0, seed;

	/* The step sequence and its holds (executor.c). */
	struct sc_step_rec steps[SC_MAX_STEPS];
	int nsteps;
	int cur;		/* the step running, or SC_OWNER_BACKDROP */
	int in_hold;

	/* Cgroups under the scenario's root (executor.c, ops.c). */
	char root[128];
	struct sc_cg cgs[SC_MAX_CGS];
	int ncg;

	/* Workers and the memory they share with it (worker_pool.c). */
	struct sc_shm *shm;
	unsigned int nr_slots, nr_chans;
	struct sc_wk wk[SC_MAX_WORKERS];
	int nwk;
	int pipes[SC_MAX_WORKERS * 2];	/* fds the executor still holds */
	int npipes;

	/* Programs the ops run (ops.c). */
	struct sc_prog progs[SC_MAX_PROGS];
	int nprog;

	/* Where SC_WORK_IO_SYNC workers write (work_io.c). */
	struct sc_io_target io;

	/* The schedulers watched and attached (sched.c). */
	const char *sched_name;	/* KTSTR_SCHEDULER */
	struct sc_sched sched[SC_MAX_SCHEDS];
	int nsched;
	char sched_bin[256];
	char sched_args[512];
	char sched_log[128];	/* their output, and the programs' */
	int scx_used;		/* a sched_ext scheduler ran */
	char scx_ops[64];
	unsigned int class_rounds;	/* class samples taken under sched_ext */
	int scx_down;		/* a watched sched_ext scheduler went away */
};

/*
 * executor.c: a failure, one detail of the verdict. sc_fail() says it
 * all: the check, the cgroup (or ""), the worker's index in it (or
 * SC_NO_WORKER) and pid (or 0), the CPU (or SC_NO_CPU), the value
 * measured and its limit. The others say what the common cases need.
 */
__printf(9, 10)
void sc_fail(struct sc_exec *x, enum sc_check c, const char *cg, int worker,
	     pid_t pid, int cpu, double value, double limit, const char *fmt,
	     ...);
/* The scenario did not run as declared (SC_CHECK_HARNESS) ... */
__printf(2, 3)
void sc_harness_fail(struct sc_exec *x, const char *fmt, ...);
/* ... about cgroup @cg, */
__printf(3, 4)
void sc_harness_fail_cg(struct sc_exec *x, const char *cg, const char *fmt,
			...);
/* ... about worker @w, */
__printf(3, 4)
void sc_harness_fail_worker(struct sc_exec *x, const struct sc_wk *w,
			    const char *fmt, ...);
/* ... about process @pid (a program, a scheduler). */
__printf(3, 4)
void sc_harness_fail_pid(struct sc_exec *x, pid_t pid, const char *fmt, ...);
/* Check @c failed for worker @w, on @cpu (or SC_NO_CPU). */
__printf(7, 8)
void sc_fail_worker(struct sc_exec *x, enum sc_check c, const struct sc_wk *w,
		    int cpu, double value, double limit, const char *fmt, ...);
/* Check @c failed for cgroup @cg as a whole ("": the scenario). */
__printf(6, 7)
void sc_fail_cg(struct sc_exec *x, enum sc_check c, const char *cg,
		double value, double limit, const char *fmt, ...);
/*
 * @a and @b lived through the same holds, near enough (2 %) to compare
 * their rates: a share measured in a hold one of them missed is not one.
 */
static inline int sc_held_together(__u64 a_us, __u64 b_us)
{
	__u64 hi = a_us > b_us ? a_us : b_us, lo = a_us > b_us ? b_us : a_us;

	return hi && (hi - lo) * 50 <= hi;
}

/* The details recorded since @before happened in step @step. */
void sc_detail_step(struct sc_exec *x, unsigned int before, int step);
int sc_cg_find(struct sc_exec *x, const char *name);
int sc_cg_create(struct sc_exec *x, const struct sc_cgroup *def, int owner);
void sc_hold_windows_open(struct sc_exec *x);
const char *sc_step_name(const struct sc_exec *x, int step);

/* worker_pool.c: the executor's side of its workers. */
int sc_spawn_group(struct sc_exec *x, int cg, const struct sc_workers *spec,
		   int group, int owner);
void sc_collect(struct sc_exec *x, int owner, int cg);
void sc_windows_close(struct sc_exec *x);
int sc_worker_affinity(struct sc_exec *x, int cg, const struct sc_affinity *a,
		       unsigned int i, __u64 seed, struct sc_mask *m);
void sc_epoch_begin(struct sc_exec *x, struct sc_wk *w,
		    const struct sc_mask *next);
void sc_epoch_end(struct sc_exec *x, struct sc_wk *w,
		  const struct sc_mask *now);

/* work_io.c: the IO target, set up and torn down by the executor. */
int sc_io_setup(struct sc_exec *x);
void sc_io_teardown(struct sc_exec *x);

/* iocost.c: iocost on the IO device when the scenario sets io_cost. */
int sc_iocost_setup(struct sc_exec *x);
void sc_iocost_teardown(struct sc_exec *x);

/* io_checks.c: io.weight shares and io.max limits, from io.stat. */
unsigned int sc_io_not_applicable(struct sc_exec *x);
void sc_check_io_weight(struct sc_exec *x);
void sc_check_io_max(struct sc_exec *x);

/* ops.c */
int sc_ops_apply(struct sc_exec *x, const struct sc_op *ops, int owner);
void sc_progs_kill(struct sc_exec *x, int owner);
int sc_scenario_needs_io(const struct sc_scenario *s);
int sc_cg_does_io(const struct sc_cgroup *cg);

/* sched.c */
void sc_sched_init(struct sc_exec *x);
int sc_sched_dead(struct sc_exec *x, char *why, size_t len);
int sc_sched_wait(struct sc_exec *x, __u64 ms, char *why, size_t len);
int sc_sched_attach(struct sc_exec *x, const struct sc_op *op);
int sc_sched_detach(struct sc_exec *x);
void sc_sched_teardown(struct sc_exec *x);
int sc_sched_available(struct sc_exec *x, char *why, size_t len);
void sc_output_to(const char *path);

/* checks.c */
void sc_checks_run(struct sc_exec *x);

/* report.c */
void sc_report_write(struct sc_exec *x);

#endif
