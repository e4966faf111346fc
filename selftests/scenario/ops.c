// SPDX-License-Identifier: GPL-2.0
/*
 * Ops: what a step does to the running scenario. Each op names the cgroup
 * it acts on; a failed op is a HARNESS failure that names the op, the
 * cgroup and the errno, and ends the step.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define SC_WAIT_DEFAULT_MS	10000

static const char * const op_names[] = {
	[SC_OP_END] = "end",
	[SC_OP_ADD_CGROUP] = "add-cgroup",
	[SC_OP_REMOVE_CGROUP] = "remove-cgroup",
	[SC_OP_SET_CPUSET] = "set-cpuset",
	[SC_OP_CLEAR_CPUSET] = "clear-cpuset",
	[SC_OP_SWAP_CPUSETS] = "swap-cpusets",
	[SC_OP_MOVE_ALL] = "move-all-tasks",
	[SC_OP_FREEZE] = "freeze",
	[SC_OP_UNFREEZE] = "unfreeze",
	[SC_OP_SET_AFFINITY] = "set-affinity",
	[SC_OP_SPAWN] = "spawn",
	[SC_OP_STOP_CGROUP] = "stop-cgroup",
	[SC_OP_RUN] = "run",
	[SC_OP_WAIT] = "wait",
	[SC_OP_KILL] = "kill",
	[SC_OP_SCHED_ATTACH] = "attach-scheduler",
	[SC_OP_SCHED_DETACH] = "detach-scheduler",
	[SC_OP_SCHED_REPLACE] = "replace-scheduler",
	[SC_OP_SET_CPU_MAX] = "set-cpu-max",
	[SC_OP_SET_POLICY] = "set-policy",
	[SC_OP_CAPTURE] = "capture",
	[SC_OP_KERNEL_READ] = "kernel-read",
	[SC_OP_KERNEL_WRITE] = "kernel-write",
};

const char *sc_op_name(enum sc_op_kind k)
{
	return k < SC_ARRAY_SIZE(op_names) && op_names[k] ? op_names[k] : "?";
}

static int need_cg(struct sc_exec *x, const struct sc_op *op, const char *name)
{
	int c = name ? sc_cg_find(x, name) : -1;

	if (c < 0)
		sc_harness_fail_cg(x, name ? name : "",
				   "%s: no live cgroup \"%s\"", sc_op_name(op->kind),
				   name ? name : "(none)");
	return c;
}

static void root_cpus(struct sc_exec *x, struct sc_mask *m)
{
	if (sc_cg_effective(x->root, m))
		*m = x->topo->online;
}

/*
 * Write @list to @c's cpuset.cpus, moving worker epochs around it. An
 * empty list clears it; cgroup v2 refuses that for a populated cgroup
 * (ENOSPC), so then the parent's CPUs are written: the same freedom.
 */
static int write_cpus(struct sc_exec *x, int c, const char *list)
{
	struct sc_cg *cg = &x->cgs[c];
	struct sc_mask next;
	char parent[512];
	int r, e;

	if (list[0]) {
		if (sc_mask_parse(list, &next))
			return -1;
	} else {
		root_cpus(x, &next);
	}
	for (int i = 0; i < x->nwk; i++)
		if (x->wk[i].live && x->wk[i].cg == c)
			sc_epoch_begin(x, &x->wk[i], &next);
	r = sc_cg_write(cg->path, "cpuset.cpus", "%s", list[0] ? list : "\n");
	if (r && !list[0] && errno == ENOSPC) {
		sc_mask_format(&next, parent, sizeof(parent));
		r = sc_cg_write(cg->path, "cpuset.cpus", "%s", parent);
	}
	e = errno;
	if (sc_cg_effective(cg->path, &cg->cpus))
		cg->cpus = next;
	for (int i = 0; i < x->nwk; i++)
		if (x->wk[i].live && x->wk[i].cg == c)
			sc_epoch_end(x, &x->wk[i], &cg->cpus);
	errno = e;
	return r;
}

static int op_set_cpuset(struct sc_exec *x, const struct sc_op *op, int c,
			 int clear)
{
	struct sc_mask m;
	char err[160], list[512] = "";

	if (!clear) {
		if (sc_cpus_resolve(x->topo, &op->cpus, &m, err, sizeof(err))) {
			sc_harness_fail_cg(x, x->cgs[c].name, "%s: %s",
					   sc_op_name(op->kind), err);
			return -1;
		}
		sc_mask_format(&m, list, sizeof(list));
	}
	if (write_cpus(x, c, list)) {
		sc_harness_fail_cg(x, x->cgs[c].name, "%s \"%s\": %s",
				   sc_op_name(op->kind), list, strerror(errno));
		return -1;
	}
	return 0;
}

static int op_swap(struct sc_exec *x, int a, int b)
{
	char la[512], lb[512];

	if (sc_cg_read(x->cgs[a].path, "cpuset.cpus", la, sizeof(la)) ||
	    sc_cg_read(x->cgs[b].path, "cpuset.cpus", lb, sizeof(lb)) ||
	    write_cpus(x, a, lb) || write_cpus(x, b, la)) {
		sc_harness_fail_cg(x, x->cgs[a].name, "swap-cpusets with %s: %s",
				   x->cgs[b].name, strerror(errno));
		return -1;
	}
	return 0;
}

static int op_move_all(struct sc_exec *x, int a, int b)
{
	struct sc_cg *from = &x->cgs[a], *to = &x->cgs[b];
	pid_t pids[512];
	int n;

	if (from->owner == SC_OWNER_BACKDROP && to->owner != SC_OWNER_BACKDROP) {
		sc_harness_fail_cg(x, from->name,
				   "move-all-tasks from Backdrop cgroup %s to step-local %s would orphan its workers at the end of the step",
				   from->name, to->name);
		return -1;
	}
	from->whole_hold = 0;
	to->whole_hold = 0;
	for (int i = 0; i < x->nwk; i++)
		if (x->wk[i].live && x->wk[i].cg == a)
			sc_epoch_begin(x, &x->wk[i], &to->cpus);
	n = sc_cg_procs(from->path, pids, (int)SC_ARRAY_SIZE(pids));
	for (int i = 0; i < n; i++) {
		if (sc_cg_write(to->path, "cgroup.procs", "%d", pids[i]) &&
		    errno != ESRCH) {
			sc_fail(x, SC_CHECK_HARNESS, from->name, SC_NO_WORKER,
				pids[i], SC_NO_CPU, 0, 0,
				"move-all-tasks: pid %d to %s: %s", pids[i],
				to->name, strerror(errno));
			n = -1;
			break;
		}
	}
	for (int i = 0; i < x->nwk; i++) {
		struct sc_wk *w = &x->wk[i];
		struct sc_slot *s = &x->shm->slots[w->slot];

		if (!w->live || w->cg != a)
			continue;
		w->cg = b;
		w->index = to->nr_workers++;
		if (to->owner == SC_OWNER_BACKDROP)
			w->owner = SC_OWNER_BACKDROP;
		sc_epoch_end(x, w, &to->cpus);
		if (sc_load(&s->frozen) != (__u32)to->frozen) {
			sc_store(&s->frozen, (__u32)to->frozen);
			sc_add(&s->gap_epoch, 1);
		}
		w->win_frozen |= to->frozen;
	}
	return n < 0 ? -1 : 0;
}

static int op_freeze(struct sc_exec *x, int c, int on)
{
	struct sc_cg *cg = &x->cgs[c];

	for (int i = 0; on && i < x->nwk; i++) {
		struct sc_wk *w = &x->wk[i];

		if (!w->live || w->cg != c)
			continue;
		sc_store(&x->shm->slots[w->slot].frozen, 1);
		sc_add(&x->shm->slots[w->slot].gap_epoch, 1);
		w->win_frozen = 1;
	}
	cg->frozen = on;
	cg->whole_hold = 0;
	if (sc_cg_freeze(cg->path, on, 5000)) {
		sc_harness_fail_cg(x, cg->name, "%s: %s",
				   on ? "freeze" : "unfreeze", strerror(errno));
		return -1;
	}
	for (int i = 0; !on && i < x->nwk; i++) {
		struct sc_wk *w = &x->wk[i];

		if (!w->live || w->cg != c)
			continue;
		sc_store(&x->shm->slots[w->slot].frozen, 0);
		sc_add(&x->shm->slots[w->slot].gap_epoch, 1);
	}
	return 0;
}

static int op_affinity(struct sc_exec *x, const struct sc_op *op, int c,
		       __u64 seed)
{
	for (int i = 0; i < x->nwk; i++) {
		struct sc_wk *w = &x->wk[i];
		struct sc_mask m;
		cpu_set_t set;
		int r;

		if (!w->live || w->cg != c)
			continue;
		r = sc_worker_affinity(x, c, &op->affinity,
				       (unsigned int)w->index, seed, &m);
		if (r < 0)
			return -1;
		if (!r)
			m = x->cgs[c].cpus;
		w->repinned = 1;
		CPU_ZERO(&set);
		for (unsigned int cpu = 0; cpu < SC_MAX_CPUS && cpu < CPU_SETSIZE; cpu++)
			if (sc_mask_test(&m, cpu))
				CPU_SET(cpu, &set);
		if (sched_setaffinity(w->pid, sizeof(set), &set) && errno != ESRCH) {
			sc_harness_fail_worker(x, w, "set-affinity: %s",
					       strerror(errno));
			return -1;
		}
	}
	return 0;
}

static struct sc_prog *prog_find(struct sc_exec *x, const char *tag)
{
	for (int i = 0; tag && i < x->nprog; i++)
		if (!x->progs[i].done && !strcmp(x->progs[i].tag, tag))
			return &x->progs[i];
	return NULL;
}

/*
 * cpu.max now, or "max" again. The throttle check judges the holds under
 * the latest limit only, so what was used before is dropped.
 */
static int op_cpu_max(struct sc_exec *x, const struct sc_op *op, int c)
{
	struct sc_cg *g = &x->cgs[c];
	unsigned int period = op->period_us ? op->period_us : 100000;
	int r;

	if (op->quota_us == SC_UNLIMITED)
		r = sc_cg_write(g->path, "cpu.max", "max %u", period);
	else if (op->quota_us > 0 && op->quota_us <= UINT32_MAX)
		r = sc_cg_write(g->path, "cpu.max", "%lld %u", op->quota_us,
				period);
	else
		r = -EINVAL;
	if (r) {
		if (r == -EINVAL)
			errno = EINVAL;
		sc_harness_fail_cg(x, g->name, "set-cpu-max %lld %u: %s",
				   op->quota_us, period, strerror(errno));
		return -1;
	}
	g->quota_us = op->quota_us == SC_UNLIMITED ? 0 : (unsigned int)op->quota_us;
	g->period_us = period;
	g->acc_usage_us = 0;
	g->acc_wall_us = 0;
	g->acc_throttled = 0;
	/* A hold under way is judged from the next one on. */
	g->whole_hold = 0;
	return 0;
}

static int op_policy(struct sc_exec *x, const struct sc_op *op, int c)
{
	struct sched_param sp = { 0 };
	int pol = sc_policy_kernel(op->workers.policy);

	if (pol == SCHED_FIFO || pol == SCHED_RR)
		sp.sched_priority = op->workers.prio ? op->workers.prio : 1;
	for (int i = 0; i < x->nwk; i++) {
		struct sc_wk *w = &x->wk[i];

		if (!w->live || w->cg != c)
			continue;
		if (sched_setscheduler(w->pid, pol, &sp) && errno != ESRCH) {
			sc_harness_fail_worker(x, w, "set-policy %d: %s", pol,
					       strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int op_run(struct sc_exec *x, const struct sc_op *op, int owner)
{
	struct sc_prog *p;
	int c = -1;
	pid_t pid;

	if (!op->argv || !op->argv[0] || !op->tag || prog_find(x, op->tag) ||
	    x->nprog >= SC_MAX_PROGS) {
		sc_harness_fail(x, "run: needs .argv and a unique .tag (at most %d programs)",
				SC_MAX_PROGS);
		return -1;
	}
	if (op->cgroup) {
		c = need_cg(x, op, op->cgroup);
		if (c < 0)
			return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		sc_output_to(x->sched_log);
		if (c >= 0 && sc_cg_write(x->cgs[c].path, "cgroup.procs", "0"))
			_exit(126);
		setenv("SC_CGROUP_ROOT", x->root, 1);
		if (c >= 0)
			setenv("SC_CGROUP", x->cgs[c].path, 1);
		if (x->nsched) {
			char pid[16];

			snprintf(pid, sizeof(pid), "%d", x->sched[x->nsched - 1].proc.pid);
			setenv("SC_SCHED_PID", pid, 1);
		}
		execv(op->argv[0], (char *const *)op->argv);
		dprintf(2, "cannot execute %s: %s\n", op->argv[0],
			strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		sc_harness_fail(x, "run %s: %s", op->tag, strerror(errno));
		return -1;
	}
	p = &x->progs[x->nprog++];
	memset(p, 0, sizeof(*p));
	snprintf(p->tag, sizeof(p->tag), "%s", op->tag);
	p->pid = pid;
	p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	p->owner = owner;
	return 0;
}

static void prog_reap(struct sc_prog *p)
{
	while (waitpid(p->pid, &p->status, 0) < 0 && errno == EINTR)
		;
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
	p->done = 1;
}

static int op_wait(struct sc_exec *x, const struct sc_op *op)
{
	struct sc_prog *p = prog_find(x, op->tag);
	unsigned int ms = op->timeout_ms ? op->timeout_ms : SC_WAIT_DEFAULT_MS;
	struct pollfd pf;

	if (!p) {
		sc_harness_fail(x, "wait: no running program \"%s\"",
				op->tag ? op->tag : "");
		return -1;
	}
	pf.fd = p->pidfd;
	pf.events = POLLIN;
	if (p->pidfd >= 0 && poll(&pf, 1, (int)ms) <= 0) {
		sc_fail(x, SC_CHECK_HARNESS, "", SC_NO_WORKER, p->pid, SC_NO_CPU,
			ms, ms, "wait: program %s still running after %u ms",
			p->tag, ms);
		kill(p->pid, SIGKILL);
		prog_reap(p);
		return -1;
	}
	prog_reap(p);
	if (!WIFEXITED(p->status) || WEXITSTATUS(p->status)) {
		sc_fail(x, SC_CHECK_HARNESS, "", SC_NO_WORKER, p->pid, SC_NO_CPU,
			WIFEXITED(p->status) ? WEXITSTATUS(p->status) : -1, 0,
			"wait: program %s failed (status %#x)", p->tag,
			p->status);
		return -1;
	}
	return 0;
}

/* Kill the programs @owner started (SC_OWNER_ALL: every program). */
void sc_progs_kill(struct sc_exec *x, int owner)
{
	for (int i = 0; i < x->nprog; i++) {
		struct sc_prog *p = &x->progs[i];

		if (p->done || (owner != SC_OWNER_ALL && p->owner != owner))
			continue;
		kill(p->pid, SIGKILL);
		prog_reap(p);
	}
}

static int apply_one(struct sc_exec *x, const struct sc_op *op, int owner,
		     __u64 seed)
{
	struct sc_prog *p;
	int a = -1, b = -1;

	switch (op->kind) {
	case SC_OP_REMOVE_CGROUP:
	case SC_OP_SET_CPUSET:
	case SC_OP_CLEAR_CPUSET:
	case SC_OP_FREEZE:
	case SC_OP_UNFREEZE:
	case SC_OP_SET_AFFINITY:
	case SC_OP_SPAWN:
	case SC_OP_STOP_CGROUP:
	case SC_OP_SET_CPU_MAX:
	case SC_OP_SET_POLICY:
		a = need_cg(x, op, op->cgroup);
		if (a < 0)
			return -1;
		break;
	case SC_OP_SWAP_CPUSETS:
	case SC_OP_MOVE_ALL:
		a = need_cg(x, op, op->cgroup);
		b = a < 0 ? -1 : need_cg(x, op, op->other);
		if (b < 0)
			return -1;
		break;
	default:
		break;
	}
	switch (op->kind) {
	case SC_OP_ADD_CGROUP:
		if (!op->def) {
			sc_harness_fail_cg(x, op->cgroup ? op->cgroup : "",
					   "add-cgroup: no .def, the definition of the cgroup to add");
			return -1;
		}
		return sc_cg_create(x, op->def, owner);
	case SC_OP_REMOVE_CGROUP:
		sc_collect(x, SC_OWNER_ALL, a);
		if (sc_cg_remove(x->cgs[a].path, 5000)) {
			sc_harness_fail_cg(x, x->cgs[a].name, "remove-cgroup: %s",
					   strerror(errno));
			return -1;
		}
		x->cgs[a].alive = 0;
		return 0;
	case SC_OP_SET_CPUSET:
		return op_set_cpuset(x, op, a, 0);
	case SC_OP_CLEAR_CPUSET:
		return op_set_cpuset(x, op, a, 1);
	case SC_OP_SWAP_CPUSETS:
		return op_swap(x, a, b);
	case SC_OP_MOVE_ALL:
		return op_move_all(x, a, b);
	case SC_OP_FREEZE:
		return op_freeze(x, a, 1);
	case SC_OP_UNFREEZE:
		return op_freeze(x, a, 0);
	case SC_OP_SET_AFFINITY:
		return op_affinity(x, op, a, seed);
	case SC_OP_SPAWN:
		return sc_spawn_group(x, a, &op->workers, SC_MAX_GROUPS, owner);
	case SC_OP_STOP_CGROUP:
		sc_collect(x, SC_OWNER_ALL, a);
		return 0;
	case SC_OP_SET_CPU_MAX:
		return op_cpu_max(x, op, a);
	case SC_OP_SET_POLICY:
		return op_policy(x, op, a);
	case SC_OP_CAPTURE:
	case SC_OP_KERNEL_READ:
	case SC_OP_KERNEL_WRITE:
		return sc_kernel_op(x, op);
	case SC_OP_RUN:
		return op_run(x, op, owner);
	case SC_OP_WAIT:
		return op_wait(x, op);
	case SC_OP_KILL:
		p = prog_find(x, op->tag);
		if (!p) {
			sc_harness_fail(x, "kill: no running program \"%s\"",
					op->tag ? op->tag : "");
			return -1;
		}
		kill(p->pid, SIGKILL);
		prog_reap(p);
		return 0;
	case SC_OP_SCHED_ATTACH:
		return sc_sched_attach(x, op);
	case SC_OP_SCHED_DETACH:
		return sc_sched_detach(x);
	case SC_OP_SCHED_REPLACE:
		return sc_sched_detach(x) ? -1 : sc_sched_attach(x, op);
	default:
		sc_harness_fail(x, "unknown op %d", op->kind);
		return -1;
	}
}

int sc_ops_apply(struct sc_exec *x, const struct sc_op *ops, int owner)
{
	static __u64 iteration;

	iteration++;
	for (const struct sc_op *op = ops; op && op->kind != SC_OP_END; op++)
		if (apply_one(x, op, owner, x->seed ^ (iteration << 20)))
			return -1;
	return 0;
}

/* Does a worker group of @cg do IO? */
int sc_cg_does_io(const struct sc_cgroup *cg)
{
	for (int g = 0; g < SC_MAX_GROUPS; g++) {
		const struct sc_work *w = &cg->workers[g].work;

		if (w->type == SC_WORK_IO_SYNC)
			return 1;
		for (int p = 0; w->type == SC_WORK_PHASES && p < SC_MAX_PHASES; p++)
			if (w->phases[p].kind == SC_PHASE_IO)
				return 1;
	}
	return 0;
}

static int cg_needs_io(const struct sc_cgroup *cg)
{
	return io_max_set(&cg->io_max) || sc_cg_does_io(cg);
}

static int cgs_need_io(const struct sc_cgroup *cgs)
{
	for (; cgs && cgs->name; cgs++)
		if (cg_needs_io(cgs))
			return 1;
	return 0;
}

static int ops_need_io(const struct sc_op *ops)
{
	for (; ops && ops->kind != SC_OP_END; ops++) {
		if (ops->kind == SC_OP_ADD_CGROUP && ops->def &&
		    cg_needs_io(ops->def))
			return 1;
		if (ops->kind == SC_OP_SPAWN &&
		    (ops->workers.work.type == SC_WORK_IO_SYNC ||
		     ops->workers.work.type == SC_WORK_PHASES))
			return 1;
	}
	return 0;
}

int sc_scenario_needs_io(const struct sc_scenario *s)
{
	if (s->io_cost.iops)
		return 1;
	if (cgs_need_io(s->backdrop.cgroups) || ops_need_io(s->backdrop.ops))
		return 1;
	for (const struct sc_step *st = s->steps; st && st->name; st++)
		if (cgs_need_io(st->cgroups) || ops_need_io(st->ops))
			return 1;
	return 0;
}
