// SPDX-License-Identifier: GPL-2.0
/*
 * Worker processes: spawned into their cgroup with their policy, nice and
 * affinity, they report through a shared-memory slot each (bounded, and
 * validated by the executor before use). Collection asks them to stop,
 * continues and thaws them, waits, kills stragglers, reads what the kernel
 * accounted while they are zombies, then reaps: a report is never lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define SC_START_TIMEOUT_MS	10000
#define SC_STOP_TIMEOUT_MS	3000

/* ---- the worker side ---------------------------------------------- */

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
	sc_store(&w->slot->state, SC_W_RUNNING);
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
	sc_store(&s->state, failed ? SC_W_FAILED : SC_W_DONE);
	_exit(failed ? 1 : 0);
}

static void worker_fail(struct sc_wctx *w, const char *what)
{
	w->slot->error = errno;
	snprintf(w->slot->errmsg, sizeof(w->slot->errmsg), "%s: %s", what,
		 strerror(errno));
	sc_store(&w->slot->state, SC_W_FAILED);
	_exit(1);
}

static int policy_of(enum sc_policy p)
{
	switch (p) {
	case SC_POLICY_BATCH:
		return SCHED_BATCH;
	case SC_POLICY_IDLE:
		return SCHED_IDLE;
	case SC_POLICY_FIFO:
		return SCHED_FIFO;
	case SC_POLICY_RR:
		return SCHED_RR;
	default:
		return SCHED_OTHER;
	}
}

static void mask_to_cpuset(const struct sc_mask *m, cpu_set_t *set)
{
	CPU_ZERO(set);
	for (unsigned int c = 0; c < SC_MAX_CPUS && c < CPU_SETSIZE; c++)
		if (sc_mask_test(m, c))
			CPU_SET(c, set);
}

static void worker_main(struct sc_exec *x, struct sc_wctx *w,
			const char *cg, const struct sc_mask *aff, int set_aff,
			pid_t parent)
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
	    sched_setscheduler(0, policy_of(spec->policy), &sp))
		worker_fail(w, "sched_setscheduler");
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

/* ---- the executor side --------------------------------------------- */

static int pair_type(enum sc_work_type t)
{
	return t == SC_WORK_PIPE_PINGPONG || t == SC_WORK_FUTEX_PINGPONG;
}

static int group_type(enum sc_work_type t)
{
	return t == SC_WORK_FUTEX_FANOUT || t == SC_WORK_MUTEX;
}

/* Returns 1 and fills @m if the worker gets an affinity of its own. */
int sc_worker_affinity(struct sc_exec *x, int cg, const struct sc_affinity *a,
		       unsigned int i, __u64 seed, struct sc_mask *m)
{
	const struct sc_mask *cpus = &x->cgs[cg].cpus;
	unsigned int n = sc_mask_count(cpus), want;
	char err[160];
	__u64 rng = seed * 0x9e3779b97f4a7c15ull + i + 1;
	int c;

	memset(m, 0, sizeof(*m));
	if (!n)
		return 0;
	switch (a->kind) {
	case SC_AFF_SINGLE:
		sc_mask_set(m, (unsigned int)sc_mask_nth(cpus, i % n));
		return 1;
	case SC_AFF_NTH:
		sc_mask_set(m, (unsigned int)sc_mask_nth(cpus, a->nth % n));
		return 1;
	case SC_AFF_RANDOM:
		want = n > 1 ? n / 2 : 1;
		while (sc_mask_count(m) < want) {
			c = sc_mask_nth(cpus, (unsigned int)(sc_xorshift(&rng) % n));
			sc_mask_set(m, (unsigned int)c);
		}
		return 1;
	case SC_AFF_LLC:
		c = sc_mask_nth(cpus, i % n);
		for (unsigned int l = 0; l < x->topo->nr_llcs; l++) {
			if (sc_mask_test(&x->topo->llc[l], (unsigned int)c)) {
				*m = x->topo->llc[l];
				break;
			}
		}
		for (int w = 0; w < SC_MASK_WORDS; w++)
			m->w[w] &= cpus->w[w];
		return 1;
	case SC_AFF_CROSS:
		*m = x->topo->online;
		return 1;
	case SC_AFF_EXACT:
		if (sc_cpus_resolve(x->topo, &a->cpus, m, err, sizeof(err))) {
			sc_fail(x, SC_CHECK_HARNESS, x->cgs[cg].name, (int)i, 0,
				-1, 0, 0, "affinity: %s", err);
			return -1;
		}
		return 1;
	default:
		return 0;
	}
}

static unsigned int group_count(struct sc_exec *x, int cg,
				const struct sc_workers *spec)
{
	unsigned int n = spec->count;

	if (!n && spec->pct) {
		double c = sc_mask_count(&x->cgs[cg].cpus) * spec->pct / 100.0;

		n = (unsigned int)ceil(c - SC_EPSILON);
	}
	if (!n)
		return 0;
	if (pair_type(spec->work.type) && n % 2)
		n++;
	if (spec->work.type == SC_WORK_FUTEX_FANOUT && n < 2)
		n = 2;
	return n;
}

static struct sc_chan *chan_new(struct sc_exec *x, unsigned int members)
{
	struct sc_chan *c;
	pthread_mutexattr_t ma;

	if (x->nr_chans >= SC_MAX_CHANS)
		return NULL;
	c = &x->shm->chans[x->nr_chans++];
	memset(c, 0, sizeof(*c));
	c->magic = SC_CHAN_MAGIC;
	c->members = members;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init((pthread_mutex_t *)c->mutex, &ma);
	pthread_mutexattr_destroy(&ma);
	return c;
}

static void close_pipes(struct sc_exec *x)
{
	for (int i = 0; i < x->npipes; i++)
		close(x->pipes[i]);
	x->npipes = 0;
}

/* Wait until every new worker is running or failed. */
static int wait_started(struct sc_exec *x, int first, int n)
{
	__u64 deadline = sc_now_ns() + SC_START_TIMEOUT_MS * 1000000ull;
	int bad = 0;

	for (int i = first; i < first + n; i++) {
		struct sc_wk *wk = &x->wk[i];
		struct sc_slot *s = &x->shm->slots[wk->slot];

		while (sc_load(&s->state) == SC_W_STARTING &&
		       sc_now_ns() < deadline) {
			if (waitpid(wk->pid, NULL, WNOHANG | WNOWAIT) == wk->pid)
				break;
			usleep(2000);
		}
		if (sc_load(&s->state) == SC_W_RUNNING)
			continue;
		bad++;
		sc_fail(x, SC_CHECK_HARNESS, x->cgs[wk->cg].name, wk->index,
			wk->pid, -1, 0, 0, "worker did not start: %s",
			s->state == SC_W_STARTING ? "no report within 10 s" :
			s->errmsg[0] ? s->errmsg : "exited");
	}
	return bad ? -1 : 0;
}

int sc_spawn_group(struct sc_exec *x, int cg, const struct sc_workers *spec,
		   int group, int owner)
{
	struct sc_cg *c = &x->cgs[cg];
	unsigned int n = group_count(x, cg, spec);
	struct sc_chan *chan = NULL;
	int first = x->nwk, pfd[4] = { -1, -1, -1, -1 };
	pid_t self = getpid();

	if (!n)
		return 0;
	if (x->nwk + (int)n > SC_MAX_WORKERS ||
	    x->nr_slots + n > SC_MAX_WORKERS) {
		sc_fail(x, SC_CHECK_HARNESS, c->name, -1, 0, -1, n,
			SC_MAX_WORKERS, "too many workers (%d + %u > %d)",
			x->nwk, n, SC_MAX_WORKERS);
		return -1;
	}
	if (group_type(spec->work.type)) {
		chan = chan_new(x, n);
		if (!chan)
			goto no_chan;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct sc_wk *wk = &x->wk[x->nwk];
		struct sc_slot *s = &x->shm->slots[x->nr_slots];
		struct sc_wctx w = { .spec = spec, .rank = i, .members = n,
				     .pipe_rd = -1, .pipe_wr = -1,
				     .schedstat_fd = -1,
				     .io_path = x->io_path };
		struct sc_mask aff;
		int set_aff;
		pid_t pid;

		if (pair_type(spec->work.type) && i % 2 == 0) {
			chan = chan_new(x, 2);
			if (!chan)
				goto no_chan;
			if (spec->work.type == SC_WORK_PIPE_PINGPONG) {
				if (pipe(pfd) || pipe(pfd + 2))
					goto no_pipe;
				for (int k = 0; k < 4; k++)
					x->pipes[x->npipes++] = pfd[k];
			}
		}
		if (spec->work.type == SC_WORK_PIPE_PINGPONG) {
			/* even: writes pfd[1], reads pfd[2]; odd: the reverse */
			w.pipe_wr = i % 2 ? pfd[3] : pfd[1];
			w.pipe_rd = i % 2 ? pfd[0] : pfd[2];
		}
		set_aff = sc_worker_affinity(x, cg, &spec->affinity,
					     (unsigned int)c->nr_workers,
					     x->seed, &aff);
		if (set_aff < 0)
			return -1;
		memset(s, 0, sizeof(*s));
		s->magic = SC_SLOT_MAGIC;
		s->index = x->nr_slots;
		s->state = SC_W_STARTING;
		memset(wk, 0, sizeof(*wk));
		wk->slot = (int)x->nr_slots++;
		wk->cg = cg;
		wk->group = group;
		wk->index = c->nr_workers++;
		wk->owner = owner;
		wk->spec = spec;
		wk->allowed[0] = c->cpus;
		wk->aff = set_aff ? aff : c->cpus;
		wk->epoch_step[0] = x->cur;
		wk->nr_epochs = 1;
		wk->min_win_step = -1;
		w.slot = s;
		w.chan = chan;
		w.rng = x->seed ^ ((__u64)wk->slot << 32 | 0x5bd1e995u);
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			sc_fail(x, SC_CHECK_HARNESS, c->name, wk->index, 0, -1,
				0, 0, "fork: %s", strerror(errno));
			x->nr_slots--;
			c->nr_workers--;
			close_pipes(x);
			return -1;
		}
		if (pid == 0)
			worker_main(x, &w, c->path, &aff, set_aff, self);
		wk->pid = pid;
		wk->live = 1;
		s->pid = pid;
		x->nwk++;
		if (x->in_hold) {
			wk->win_open = 1;
			wk->win_frozen = c->frozen;
			wk->win_t0 = sc_now_ns();
			wk->win_cpu0 = 0;
		}
		if (chan && pair_type(spec->work.type) && i % 2)
			chan = NULL;
	}
	close_pipes(x);
	return wait_started(x, first, (int)n);
no_pipe:
	sc_fail(x, SC_CHECK_HARNESS, c->name, -1, 0, -1, 0, 0, "pipe: %s",
		strerror(errno));
	close_pipes(x);
	return -1;
no_chan:
	sc_fail(x, SC_CHECK_HARNESS, c->name, -1, 0, -1, SC_MAX_CHANS,
		SC_MAX_CHANS, "too many worker groups sharing memory (max %d)",
		SC_MAX_CHANS);
	return -1;
}

/* A new cpuset is coming: allow old and new until it has landed. */
void sc_epoch_begin(struct sc_exec *x, struct sc_wk *w,
		    const struct sc_mask *next)
{
	struct sc_slot *s = &x->shm->slots[w->slot];
	unsigned int cur = w->nr_epochs - 1;

	if (w->nr_epochs + 2 > SC_EPOCHS) {
		sc_mask_or(&w->allowed[cur], next);
		w->epoch_saturated = 1;
		return;
	}
	w->allowed[w->nr_epochs] = w->allowed[cur];
	w->epoch_step[w->nr_epochs] = x->cur;
	sc_mask_or(&w->allowed[w->nr_epochs], next);
	sc_store(&s->cpu_epoch, w->nr_epochs);
	w->nr_epochs++;
}

void sc_epoch_end(struct sc_exec *x, struct sc_wk *w,
		  const struct sc_mask *now)
{
	struct sc_slot *s = &x->shm->slots[w->slot];

	if (w->epoch_saturated || w->nr_epochs >= SC_EPOCHS) {
		sc_mask_or(&w->allowed[w->nr_epochs - 1], now);
		return;
	}
	w->allowed[w->nr_epochs] = *now;
	w->epoch_step[w->nr_epochs] = x->cur;
	sc_store(&s->cpu_epoch, w->nr_epochs);
	w->nr_epochs++;
}

static int selected(const struct sc_wk *w, int owner, int cg)
{
	if (!w->live)
		return 0;
	if (owner != -2 && w->owner != owner)
		return 0;
	return cg < 0 || w->cg == cg;
}

/*
 * A hold window in which the worker made fewer units than any before.
 * Under TCG a vCPU the host does not run stops its task while the guest
 * counts it as running: a window with no units but the CPU most of the
 * time is that, not starvation, and is skipped.
 */
static void close_window(struct sc_exec *x, struct sc_wk *w, __u64 now)
{
	__u64 units = sc_load(&x->shm->slots[w->slot].units);
	__u64 ms = (now - w->win_t0) / 1000000ull, cpu;

	if (!w->win_open)
		return;
	w->win_open = 0;
	if (w->win_frozen || ms < 200)
		return;
	cpu = sc_pid_cpu_ns(w->pid) - w->win_cpu0;
	if (units - w->win_units0 < x->lim.min_units && cpu / 1000000ull > ms / 2)
		return;
	if (w->min_win_step < 0 || units - w->win_units0 < w->min_win_units) {
		w->min_win_step = x->cur;
		w->min_win_units = units - w->win_units0;
		w->min_win_ms = ms;
		w->min_win_cpu_ms = cpu / 1000000ull;
	}
}

/* Close the not-starved window of every live worker (the hold ended). */
void sc_windows_close(struct sc_exec *x)
{
	__u64 now = sc_now_ns();

	for (int i = 0; i < x->nwk; i++)
		if (x->wk[i].live)
			close_window(x, &x->wk[i], now);
}

static void reap_one(struct sc_exec *x, struct sc_wk *w)
{
	struct sc_slot *s = &x->shm->slots[w->slot];
	int st = 0;

	sc_kstats_read(w->pid, &w->k);
	memcpy(&w->fin, s, sizeof(w->fin));
	while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
		;
	w->status = st;
	w->live = 0;
	w->collected = 1;
	w->valid = !sc_slot_validate(&w->fin, (unsigned int)w->slot, w->pid,
				     x->topo->nr_cpus, w->invalid,
				     sizeof(w->invalid));
	w->reported = w->valid && w->fin.state == SC_W_DONE && !w->killed;
	if (!w->valid)
		sc_fail(x, SC_CHECK_HARNESS, x->cgs[w->cg].name, w->index,
			w->pid, -1, 0, 0, "worker report rejected: %s",
			w->invalid);
	else if (w->killed)
		sc_fail(x, SC_CHECK_HARNESS, x->cgs[w->cg].name, w->index,
			w->pid, w->fin.last_cpu, SC_STOP_TIMEOUT_MS,
			SC_STOP_TIMEOUT_MS,
			"worker did not stop within %d ms: SIGKILLed, its counters kept (%llu units)",
			SC_STOP_TIMEOUT_MS,
			(unsigned long long)w->fin.units);
	else if (!WIFEXITED(st) || WEXITSTATUS(st))
		sc_fail(x, SC_CHECK_HARNESS, x->cgs[w->cg].name, w->index,
			w->pid, w->fin.last_cpu, 0, 0,
			"worker ended badly (status %#x): %s", st,
			w->fin.errmsg[0] ? w->fin.errmsg : "no message");
}

static int wait_exit(pid_t pid, int pidfd, __u64 deadline)
{
	siginfo_t si;

	for (;;) {
		__u64 now = sc_now_ns();
		struct pollfd p = { .fd = pidfd, .events = POLLIN };

		memset(&si, 0, sizeof(si));
		if (!waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) &&
		    si.si_pid == pid)
			return 0;
		if (now >= deadline)
			return -1;
		if (pidfd < 0)
			usleep(2000);
		else
			poll(&p, 1, (int)((deadline - now) / 1000000ull) + 1);
	}
}

/*
 * Stop and collect the live workers of @owner (-2: all) in cgroup @cg
 * (-1: any). Every worker is asked first (stop flag, SIGCONT, SIGUSR1), so
 * a runaway RT worker is gone before any cgroup write that could wait on a
 * kworker it starves. Then cgroups are thawed, even if someone else froze
 * them: a frozen task keeps the signal pending and handles it once thawed.
 */
void sc_collect(struct sc_exec *x, int owner, int cg)
{
	int idx[SC_MAX_WORKERS], fds[SC_MAX_WORKERS], n = 0;
	__u64 now, deadline;

	for (int i = 0; i < x->nwk; i++)
		if (selected(&x->wk[i], owner, cg))
			idx[n++] = i;
	if (!n)
		return;
	now = sc_now_ns();
	for (int i = 0; i < n; i++) {
		struct sc_wk *w = &x->wk[idx[i]];
		struct sc_slot *s = &x->shm->slots[w->slot];

		close_window(x, w, now);
		sc_store(&s->stop_ns, now);
		sc_store(&s->stop, 1);
	}
	for (int i = 0; i < n; i++) {
		fds[i] = (int)syscall(SYS_pidfd_open, x->wk[idx[i]].pid, 0);
		/* A stopped task cannot run its handler either: continue it. */
		kill(x->wk[idx[i]].pid, SIGCONT);
		kill(x->wk[idx[i]].pid, SIGUSR1);
	}
	for (int c = 0; c < x->ncg; c++) {
		int used = 0;

		for (int i = 0; i < n; i++)
			used |= x->wk[idx[i]].cg == c;
		if (!used || !x->cgs[c].alive)
			continue;
		sc_cg_freeze(x->cgs[c].path, 0, 2000);
		if (!x->cgs[c].frozen)
			continue;
		x->cgs[c].frozen = 0;
		for (int i = 0; i < n; i++) {
			struct sc_slot *s = &x->shm->slots[x->wk[idx[i]].slot];

			if (x->wk[idx[i]].cg != c)
				continue;
			sc_store(&s->frozen, 0);
			sc_add(&s->gap_epoch, 1);
		}
	}
	deadline = sc_now_ns() + SC_STOP_TIMEOUT_MS * 1000000ull;
	for (int i = 0; i < n; i++) {
		struct sc_wk *w = &x->wk[idx[i]];

		if (wait_exit(w->pid, fds[i], deadline)) {
			w->killed = 1;
			kill(w->pid, SIGKILL);
			wait_exit(w->pid, fds[i], sc_now_ns() + 10000000000ull);
		}
		if (fds[i] >= 0)
			close(fds[i]);
		reap_one(x, w);
	}
}
