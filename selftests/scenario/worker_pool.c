// SPDX-License-Identifier: GPL-2.0
/*
 * The executor's side of its workers: spawned into their cgroup with their
 * policy, nice and affinity (the process itself is worker_proc.c), they
 * report through a shared-memory slot each, bounded and validated before
 * use. Cpuset epochs and hold windows follow them while they run.
 * Collection asks them to stop, continues and thaws them, waits, kills
 * stragglers, reads what the kernel accounted while they are zombies,
 * then reaps: a report is never lost.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define SC_START_TIMEOUT_MS	10000
#define SC_STOP_TIMEOUT_MS	3000
/* A worker runnable and waiting this much of its start timeout was starved. */
#define SC_START_STARVED_WAIT_MS	(SC_START_TIMEOUT_MS / 2)

static int pair_type(enum sc_work_type t)
{
	return t == SC_WORK_PIPE_PINGPONG || t == SC_WORK_FUTEX_PINGPONG;
}

static int group_type(enum sc_work_type t)
{
	return t == SC_WORK_FUTEX_FANOUT || t == SC_WORK_MUTEX ||
	       t == SC_WORK_REQUESTS;
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
				SC_NO_CPU, 0, 0, "affinity: %s", err);
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
	if ((spec->work.type == SC_WORK_FUTEX_FANOUT ||
	     spec->work.type == SC_WORK_REQUESTS) && n < 2)
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

/*
 * A worker that has not started because the scheduler kept it waiting is
 * the scheduler's failure, not the scenario's. schedstat adds a wait to
 * run_delay only when the task gets to run, so a task still waiting
 * shows none: one that is runnable (R) and does not run for
 * SC_STUCK_PROBE_MS at the deadline is starved too. One that was not kept
 * waiting and still said nothing is ours: the harness detail carries the
 * same figures.
 */
#define SC_STUCK_PROBE_MS	300

static int starved(struct sc_exec *x, const struct sc_wk *wk, char *figs,
		   size_t len)
{
	struct sc_kstats k, again;
	int stuck = 0, ran = 0;

	figs[0] = '\0';
	if (sc_kstats_read(wk->pid, &k))
		return 0;
	if (k.state == 'R' && !usleep(SC_STUCK_PROBE_MS * 1000) &&
	    !sc_kstats_read(wk->pid, &again)) {
		stuck = again.state == 'R' && again.cpu_ns == k.cpu_ns;
		/* Run at last during the look: its wait is on record now. */
		ran = again.cpu_ns != k.cpu_ns;
		if (ran)
			k = again;
	}
	snprintf(figs, len,
		 "state %c%s, on a CPU %.1f ms, run-queue wait %.1f s recorded in its first %d s (schedstat)",
		 k.state, stuck ? ", runnable and not run for the 300 ms looked at" :
		 ran ? ", first run only now" : "",
		 k.cpu_ns / 1e6, k.wait_ns / 1e9, SC_START_TIMEOUT_MS / 1000);
	/* Asleep, no scheduler's doing: say on what, to explain the failure. */
	if (k.state == 'D' || k.state == 'S') {
		char stack[120];
		size_t used = strlen(figs);

		sc_kstack_read(wk->pid, stack, sizeof(stack));
		if (stack[0])
			snprintf(figs + used, len - used, "; asleep in %s",
				 stack);
	}
	if ((x->lim.off & SC_BIT(SC_CHECK_NOT_STARVED)) ||
	    (!stuck && k.wait_ns < SC_START_STARVED_WAIT_MS * 1000000ull))
		return 0;
	sc_fail_worker(x, SC_CHECK_NOT_STARVED, wk, SC_NO_CPU, k.cpu_ns / 1e6,
		       0, "worker never got going: %s", figs);
	return 1;
}

/* How often a worker that has not reported is checked for death. */
#define SC_DEATH_CHECK_MS	100

/* Wait until every new worker is running or failed. */
static int wait_started(struct sc_exec *x, int first, int n)
{
	__u64 deadline = sc_now_ns() + SC_START_TIMEOUT_MS * 1000000ull;
	char figs[400];
	int bad = 0, st;

	for (int i = first; i < first + n; i++) {
		struct sc_wk *wk = &x->wk[i];
		struct sc_slot *s = &x->shm->slots[wk->slot];

		/* Woken by its report; the timeout only notices a death. */
		for (__u64 now; sc_load(&s->state) == SC_W_STARTING &&
		     (now = sc_now_ns()) < deadline;) {
			__u64 left = (deadline - now) / 1000000ull + 1;

			if (waitpid(wk->pid, NULL, WNOHANG | WNOWAIT) == wk->pid)
				break;
			sc_futex_wait(&s->state, SC_W_STARTING,
				      left < SC_DEATH_CHECK_MS ? (unsigned int)left :
				      SC_DEATH_CHECK_MS);
		}
		st = sc_load(&s->state);
		if (st == SC_W_RUNNING)
			continue;
		bad++;
		figs[0] = '\0';
		if (st == SC_W_STARTING && starved(x, wk, figs, sizeof(figs)))
			continue;
		sc_harness_fail_worker(x, wk, "worker did not start: %s%s%s",
				       st == SC_W_STARTING ?
				       "no report within 10 s" :
				       s->errmsg[0] ? s->errmsg : "exited",
				       figs[0] ? "; " : "", figs);
	}
	return bad ? -1 : 0;
}

int sc_spawn_group(struct sc_exec *x, int cg, const struct sc_workers *spec,
		   int group, int owner)
{
	struct sc_cg *c = &x->cgs[cg];
	unsigned int n = group_count(x, cg, spec);
	struct sc_chan *chan = NULL;
	int first = x->nwk, pfd[4] = { -1, -1, -1, -1 }, mpol_mode;
	pid_t self = getpid();
	__u64 mpol_nodes;

	if (!n)
		return 0;
	if (sc_mpol_resolve(x, cg, spec, &mpol_mode, &mpol_nodes))
		return -1;
	if (x->nwk + (int)n > SC_MAX_WORKERS ||
	    x->nr_slots + n > SC_MAX_WORKERS) {
		sc_fail_cg(x, SC_CHECK_HARNESS, c->name, n, SC_MAX_WORKERS,
			   "too many workers (%d + %u > %d)", x->nwk, n,
			   SC_MAX_WORKERS);
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
				     .io_path = x->io.path,
				     .mpol_mode = mpol_mode,
				     .mpol_nodes = mpol_nodes };
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
		wk->mpol_mode = mpol_mode;
		wk->mpol_nodes = mpol_nodes;
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
			sc_harness_fail_worker(x, wk, "fork: %s",
					       strerror(errno));
			x->nr_slots--;
			c->nr_workers--;
			close_pipes(x);
			return -1;
		}
		if (pid == 0)
			sc_worker_main(x, &w, c->path, &aff, set_aff, self);
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
	sc_harness_fail_cg(x, c->name, "pipe: %s", strerror(errno));
	close_pipes(x);
	return -1;
no_chan:
	sc_fail_cg(x, SC_CHECK_HARNESS, c->name, SC_MAX_CHANS, SC_MAX_CHANS,
		   "too many worker groups sharing memory (max %d)",
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
	if (owner != SC_OWNER_ALL && w->owner != owner)
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
	/* Only our SIGKILL is excused: a worker that failed before is not. */
	if (w->killed_at_death &&
	    (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL ||
	     w->fin.state == SC_W_FAILED))
		w->killed_at_death = 0;
	w->valid = !sc_slot_validate(&w->fin, (unsigned int)w->slot, w->pid,
				     x->topo->nr_cpus, w->invalid,
				     sizeof(w->invalid));
	w->reported = w->valid && (w->killed_at_death ||
				   (w->fin.state == SC_W_DONE && !w->killed));
	w->killed |= w->killed_at_death;
	if (!w->valid)
		sc_harness_fail_worker(x, w, "worker report rejected: %s",
				       w->invalid);
	else if (w->killed && !w->killed_at_death)
		sc_fail_worker(x, SC_CHECK_HARNESS, w, w->fin.last_cpu,
			       SC_STOP_TIMEOUT_MS, SC_STOP_TIMEOUT_MS,
			       "worker did not stop within %d ms: SIGKILLed, its counters kept (%llu units)",
			       SC_STOP_TIMEOUT_MS,
			       (unsigned long long)w->fin.units);
	else if (!w->killed_at_death && (!WIFEXITED(st) || WEXITSTATUS(st)))
		sc_fail_worker(x, SC_CHECK_HARNESS, w, w->fin.last_cpu, 0, 0,
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
 * Stop and collect the live workers of @owner (SC_OWNER_ALL: all) in
 * cgroup @cg (SC_CG_ANY: any). Every worker is asked first (stop flag,
 * SIGCONT, SIGUSR1), so a runaway RT worker is gone before any cgroup
 * write that could wait on a kworker it starves. Then cgroups are thawed,
 * even if someone else froze them: a frozen task keeps the signal pending
 * and handles it once thawed.
 *
 * Once a sched_ext scheduler under watch has gone, the workers are
 * SIGKILLed at once instead: the verdict is made, and a grace period
 * would only wait on workers now spinning under the fallback scheduler.
 * Their counters live in shared memory and are kept.
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
		fds[i] = (int)syscall(SYS_pidfd_open, w->pid, 0);
		if (x->scx_down)
			continue;	/* no asking: the SIGKILL below */
		sc_store(&s->stop_ns, now);
		sc_store(&s->stop, 1);
		/* A stopped task cannot run its handler either: continue it. */
		kill(w->pid, SIGCONT);
		kill(w->pid, SIGUSR1);
	}
	for (int c = 0; c < x->ncg && !x->scx_down; c++) {
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
	deadline = x->scx_down ? 0 :
		   sc_now_ns() + SC_STOP_TIMEOUT_MS * 1000000ull;
	for (int i = 0; i < n; i++) {
		struct sc_wk *w = &x->wk[idx[i]];

		/* Read as a zombie: its slot and schedstat are final then. */
		if (wait_exit(w->pid, fds[i], deadline)) {
			w->killed = !x->scx_down;
			w->killed_at_death = x->scx_down;
			kill(w->pid, SIGKILL);
			wait_exit(w->pid, fds[i], sc_now_ns() + 10000000000ull);
		}
		if (fds[i] >= 0)
			close(fds[i]);
		reap_one(x, w);
	}
}
