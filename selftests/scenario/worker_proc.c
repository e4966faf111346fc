// SPDX-License-Identifier: GPL-2.0
/*
 * Inside a worker process: its main (cgroup, nice, policy, affinity, then
 * work units until asked to stop) and the per-unit measurement it reports
 * through its shared-memory slot. The work types are in work_*.c; the
 * executor's side of the workers is worker_pool.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "internal.h"

static __u64 run_delay_now(struct sc_wctx *w)
{
	unsigned long long run, wait;
	char buf[96];
	ssize_t n;

	if (w->schedstat_fd < 0)
		return 0;
	n = pread(w->schedstat_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return w->run_delay;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &run, &wait) != 2)
		return w->run_delay;
	return wait;
}

/*
 * The end of a work unit. Hot path: the coarse clock, the CPU, a few loads
 * and stores in the slot. The run-queue wait is read from schedstat only
 * every SC_SAMPLE_NS, or after a unit that took suspiciously long: then
 * what the worker waited on a run queue since the last reading is the
 * scheduling gap. Sleeps it chose and a vCPU the host descheduled while
 * it ran are not run-queue wait, so neither counts.
 */
void sc_unit_done(struct sc_wctx *w)
{
	struct sc_slot *s = w->slot;
	__u64 now = sc_coarse_ns();
	__u32 e1 = sc_load(&s->cpu_epoch);
	int cpu = sched_getcpu();
	__u32 e2 = sc_load(&s->cpu_epoch);
	__u32 ge = sc_load(&s->gap_epoch);
	__u64 wall = now > w->last_ns ? now - w->last_ns : 0;

	if (sc_load(&s->frozen) || ge != w->my_gap_epoch) {
		w->my_gap_epoch = ge;
	} else if (wall > s->max_wall_ns) {
		s->max_wall_ns = wall;
		s->max_wall_at_ns = now;
	}
	if (wall > SC_GAP_PROBE_NS || now - w->sample_ns > SC_SAMPLE_NS) {
		__u64 rd = run_delay_now(w);

		if (wall > SC_GAP_PROBE_NS && rd - w->run_delay > s->max_gap_ns) {
			s->max_gap_ns = rd - w->run_delay;
			s->max_gap_at_ns = now;
			s->gap_cpu = cpu;
		}
		w->run_delay = rd;
		w->sample_ns = now;
	}
	w->last_ns = now;
	/* Record the CPU only if the epoch did not change around reading it. */
	if (cpu >= 0 && e1 == e2 && e1 < SC_EPOCHS &&
	    (cpu != w->last_cpu || e1 != w->my_cpu_epoch)) {
		if (w->last_cpu >= 0 && cpu != w->last_cpu)
			s->migrations++;
		sc_mask_set(&s->cpus[e1], (unsigned int)cpu);
		w->last_cpu = cpu;
		w->my_cpu_epoch = e1;
		s->last_cpu = cpu;
	}
	s->last_ns = now;
	sc_store(&s->units, s->units + 1);
}

/*
 * Publish the worker's state and wake the executor waiting on it: it
 * sleeps on the futex instead of polling, since each poll of a SCHED_FIFO
 * executor preempts whatever runs on its CPU (scx_qmap refills the slice
 * of a task it preempts, so a poller kept a spinner on the CPU forever).
 */
static void report_state(struct sc_slot *s, __u32 state)
{
	sc_store(&s->state, state);
	sc_futex_wake(&s->state, INT_MAX);
}

/* Start measuring: the worker is set up and about to do its first unit. */
void sc_measure_start(struct sc_wctx *w)
{
	w->schedstat_fd = open("/proc/self/schedstat", O_RDONLY | O_CLOEXEC);
	w->run_delay = run_delay_now(w);
	w->last_cpu = -1;
	w->slot->gap_cpu = -1;
	w->slot->last_cpu = -1;
	w->my_gap_epoch = sc_load(&w->slot->gap_epoch);
	w->slot->start_ns = sc_now_ns();
	w->last_ns = sc_coarse_ns();
	w->sample_ns = w->last_ns;
	report_state(w->slot, SC_W_RUNNING);
}

/* An intended sleep until @until_ns (coarse clock) is not a gap. */
void sc_gap_skip(struct sc_wctx *w, __u64 until_ns)
{
	if (until_ns > w->last_ns)
		w->last_ns = until_ns;
}

int sc_stopping(const struct sc_wctx *w)
{
	return (int)sc_load(&w->slot->stop);
}

/* The CPU work of every CPU-bound type: @iters rounds of xorshift. */
void sc_spin(unsigned int iters)
{
	__u64 x = 0x2545f4914f6cdd1dull;

	for (unsigned int i = 0; i < iters; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		asm volatile("" : "+r"(x));
	}
}

void sc_spin_block(unsigned int blocks)
{
	for (unsigned int b = 0; b < blocks; b++)
		sc_spin(SC_SPIN_ITERS);
}

/* Sleep; a stop request (SIGUSR1) ends it early. */
void sc_sleep_ns(__u64 ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ull),
		.tv_nsec = (long)(ns % 1000000000ull),
	};

	nanosleep(&ts, NULL);
}

static void on_stop(int sig)
{
	(void)sig;
}

static void worker_finish(struct sc_wctx *w, int failed)
{
	struct sc_slot *s = w->slot;
	__u64 now = sc_coarse_ns(), stop = sc_load(&s->stop_ns), rd;

	/* The tail counts: a worker kept off the CPU until the stop. */
	if (stop && stop < now)
		now = stop;
	if (!sc_load(&s->frozen) && sc_load(&s->gap_epoch) == w->my_gap_epoch &&
	    now > w->last_ns && now - w->last_ns > s->max_wall_ns) {
		s->max_wall_ns = now - w->last_ns;
		s->max_wall_at_ns = now;
	}
	rd = run_delay_now(w);
	if (rd - w->run_delay > s->max_gap_ns) {
		s->max_gap_ns = rd - w->run_delay;
		s->max_gap_at_ns = now;
		s->gap_cpu = w->last_cpu;
	}
	s->end_ns = sc_now_ns();
	report_state(s, failed ? SC_W_FAILED : SC_W_DONE);
	_exit(failed ? 1 : 0);
}

static void worker_fail(struct sc_wctx *w, const char *what)
{
	w->slot->error = errno;
	snprintf(w->slot->errmsg, sizeof(w->slot->errmsg), "%s: %s", what,
		 strerror(errno));
	report_state(w->slot, SC_W_FAILED);
	_exit(1);
}

/* Each policy once: the kernel's value, the report's name, the kernel's name. */
static const struct {
	int kernel;
	const char *name, *kernel_name;
} sc_policies[] = {
	[SC_POLICY_NORMAL] = { SCHED_OTHER, "normal", "SCHED_NORMAL" },
	[SC_POLICY_BATCH] = { SCHED_BATCH, "batch", "SCHED_BATCH" },
	[SC_POLICY_IDLE] = { SCHED_IDLE, "idle", "SCHED_IDLE" },
	[SC_POLICY_FIFO] = { SCHED_FIFO, "fifo", "SCHED_FIFO" },
	[SC_POLICY_RR] = { SCHED_RR, "rr", "SCHED_RR" },
	[SC_POLICY_EXT] = { SCHED_EXT, "ext", "SCHED_EXT" },
};

int sc_policy_kernel(enum sc_policy p)
{
	return p < SC_ARRAY_SIZE(sc_policies) ? sc_policies[p].kernel :
	       SCHED_OTHER;
}

const char *sc_policy_name(enum sc_policy p, bool kernel)
{
	if (p >= SC_ARRAY_SIZE(sc_policies))
		return "?";
	return kernel ? sc_policies[p].kernel_name : sc_policies[p].name;
}

static void mask_to_cpuset(const struct sc_mask *m, cpu_set_t *set)
{
	CPU_ZERO(set);
	for (unsigned int c = 0; c < SC_MAX_CPUS && c < CPU_SETSIZE; c++)
		if (sc_mask_test(m, c))
			CPU_SET(c, set);
}

/*
 * A worker's life, in the child the executor forked: join @cg, take its
 * nice, policy and affinity (@aff if @set_aff), then do work units until
 * asked to stop. Never returns.
 */
void sc_worker_main(struct sc_exec *x, struct sc_wctx *w, const char *cg,
		    const struct sc_mask *aff, int set_aff, pid_t parent)
{
	const struct sc_workers *spec = w->spec;
	struct sigaction sa = { .sa_handler = on_stop };
	struct sched_param sp = { 0 };
	sigset_t all;
	cpu_set_t set;
	int r;

	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	/* Keep only this worker's own pipe ends. */
	for (int i = 0; i < x->npipes; i++)
		if (x->pipes[i] != w->pipe_rd && x->pipes[i] != w->pipe_wr)
			close(x->pipes[i]);
	if (sc_cg_write(cg, "cgroup.procs", "0"))
		worker_fail(w, "join cgroup");
	if (spec->nice && setpriority(PRIO_PROCESS, 0, spec->nice))
		worker_fail(w, "setpriority");
	if (spec->policy == SC_POLICY_FIFO || spec->policy == SC_POLICY_RR)
		sp.sched_priority = spec->prio ? spec->prio : 1;
	if (spec->policy != SC_POLICY_NORMAL &&
	    sched_setscheduler(0, sc_policy_kernel(spec->policy), &sp))
		worker_fail(w, "sched_setscheduler");
	if (sc_mpol_apply(w->mpol_mode, w->mpol_nodes))
		worker_fail(w, "set_mempolicy");
	if (set_aff) {
		mask_to_cpuset(aff, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			worker_fail(w, "sched_setaffinity");
	}
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		memset(&w->allowed, 0, sizeof(w->allowed));
		for (unsigned int c = 0; c < SC_MAX_CPUS && c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				sc_mask_set(&w->allowed, c);
	}
	sc_measure_start(w);

	switch (spec->work.type) {
	case SC_WORK_PIPE_PINGPONG:
	case SC_WORK_FUTEX_PINGPONG:
	case SC_WORK_FUTEX_FANOUT:
	case SC_WORK_MUTEX:
	case SC_WORK_REQUESTS:
		r = sc_work_ipc(w);
		break;
	case SC_WORK_FORK_CHURN:
	case SC_WORK_AFFINITY_CHURN:
	case SC_WORK_POLICY_CHURN:
	case SC_WORK_PAGEFAULT:
		r = sc_work_churn(w);
		break;
	case SC_WORK_IO_SYNC:
		r = sc_work_io(w);
		break;
	case SC_WORK_PHASES:
		r = sc_work_phases(w);
		break;
	default:
		r = sc_work_cpu(w);
		break;
	}
	worker_finish(w, r);
}
