// SPDX-License-Identifier: GPL-2.0
/*
 * Churn work types: fork/exit, affinity, scheduling policy, page faults.
 * Failures the kernel may legitimately return (pids.max, a cpuset that
 * moved) are counted in the slot's fails, not fatal.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

static int fork_churn(struct sc_wctx *w)
{
	while (!sc_stopping(w)) {
		pid_t pid = fork();
		int st;

		if (pid == 0)
			_exit(0);
		if (pid < 0) {
			w->slot->fails++;
			sc_sleep_ns(1000000);
			continue;
		}
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		sc_unit_done(w);
	}
	return 0;
}

static void refresh_allowed(struct sc_wctx *w)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	memset(&w->allowed, 0, sizeof(w->allowed));
	for (unsigned int c = 0; c < SC_MAX_CPUS && c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			sc_mask_set(&w->allowed, c);
}

static int affinity_churn(struct sc_wctx *w)
{
	struct sc_mask all = w->allowed;
	unsigned int n = sc_mask_count(&all);

	while (!sc_stopping(w) && n) {
		int cpu = sc_mask_nth(&all, (unsigned int)(sc_xorshift(&w->rng) % n));
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			/* The cpuset changed under us: take the new one. */
			w->slot->fails++;
			for (unsigned int c = 0; c < SC_MAX_CPUS && c < CPU_SETSIZE; c++)
				if (sc_mask_test(&all, c))
					CPU_SET(c, &set);
			sched_setaffinity(0, sizeof(set), &set);
			refresh_allowed(w);
			all = w->allowed;
			n = sc_mask_count(&all);
		}
		sc_spin(SC_SPIN_ITERS / 4);
		sc_unit_done(w);
	}
	return 0;
}

static int policy_churn(struct sc_wctx *w)
{
	static const int policies[] = {
		SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_FIFO, SCHED_OTHER,
	};
	unsigned int i = 0;

	while (!sc_stopping(w)) {
		int p = policies[i++ % SC_ARRAY_SIZE(policies)];
		struct sched_param sp = { .sched_priority = p == SCHED_FIFO };

		if (sched_setscheduler(0, p, &sp))
			w->slot->fails++;
		sc_spin(SC_SPIN_ITERS / 4);
		sc_unit_done(w);
	}
	return 0;
}

static int pagefault_churn(struct sc_wctx *w)
{
	size_t pages = w->spec->work.pages ? w->spec->work.pages : 64;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = pages * page;

	while (!sc_stopping(w)) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			w->slot->fails++;
			sc_sleep_ns(1000000);
			continue;
		}
		for (size_t off = 0; off < len; off += page)
			p[off] = (char)off;
		munmap(p, len);
		sc_unit_done(w);
	}
	return 0;
}

int sc_work_churn(struct sc_wctx *w)
{
	switch (w->spec->work.type) {
	case SC_WORK_FORK_CHURN:
		return fork_churn(w);
	case SC_WORK_AFFINITY_CHURN:
		return affinity_churn(w);
	case SC_WORK_POLICY_CHURN:
		return policy_churn(w);
	case SC_WORK_PAGEFAULT:
		return pagefault_churn(w);
	default:
		return 1;
	}
}
