// SPDX-License-Identifier: GPL-2.0
/*
 * What the scenario measurements cost a CPU-spin worker: work units per
 * second of the real spin worker loop (sc_work_cpu with full per-unit
 * measurement into a shared slot) against a bare loop doing the same spin
 * blocks and nothing else. Rounds alternate, each in a fresh child pinned
 * to the same CPU; the medians are compared. Target: at most 2 %.
 *
 *   ktstr run build/selftests/bench/scenario_overhead
 *   scenario_overhead [ROUNDS [ROUND_MS [LIMIT_PCT]]]
 */
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

struct shared {
	struct sc_slot slot;
	__u32 stop;
	__u64 units, start_ns, end_ns;
};

static const struct sc_workers spin = { .count = 1,
					.work = { .type = SC_WORK_SPIN } };

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void bare(struct shared *sh)
{
	__u64 n = 0;

	sh->start_ns = sc_now_ns();
	while (!sc_load(&sh->stop)) {
		sc_spin_block(1);
		n++;
	}
	sh->end_ns = sc_now_ns();
	sh->units = n;
}

static void measured(struct shared *sh)
{
	struct sc_wctx w = { .slot = &sh->slot, .spec = &spin,
			     .pipe_rd = -1, .pipe_wr = -1, .schedstat_fd = -1 };

	sh->slot.magic = SC_SLOT_MAGIC;
	sc_measure_start(&w);
	sc_work_cpu(&w);
	sh->end_ns = sc_now_ns();
	sh->start_ns = sh->slot.start_ns;
	sh->units = sh->slot.units;
}

/* The cost of sc_unit_done() alone, without the spin: ns per call. */
static void per_unit(struct shared *sh)
{
	struct sc_wctx w = { .slot = &sh->slot, .spec = &spin,
			     .pipe_rd = -1, .pipe_wr = -1, .schedstat_fd = -1 };
	const __u64 calls = 200000;

	sh->slot.magic = SC_SLOT_MAGIC;
	sc_measure_start(&w);
	sh->start_ns = sc_now_ns();
	for (__u64 i = 0; i < calls; i++)
		sc_unit_done(&w);
	sh->end_ns = sc_now_ns();
	sh->units = calls;
}

/* One round: units per second of @fn in a child pinned to @cpu. */
static double round_rate(struct shared *sh, int cpu, unsigned int ms,
			 void (*fn)(struct shared *sh))
{
	pid_t pid;

	memset(sh, 0, sizeof(*sh));
	pid = fork();
	if (pid == 0) {
		pin(cpu);
		fn(sh);
		_exit(0);
	}
	if (pid < 0)
		return 0;
	if (ms)
		usleep(ms * 1000);
	sc_store(&sh->stop, 1);
	sc_store(&sh->slot.stop, 1);
	waitpid(pid, NULL, 0);
	if (sh->end_ns <= sh->start_ns)
		return 0;
	return sh->units * 1e9 / (double)(sh->end_ns - sh->start_ns);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 9;
	unsigned int ms = argc > 2 ? (unsigned int)atoi(argv[2]) : 600;
	double limit = argc > 3 ? atof(argv[3]) : 2.0, b[64], m[64], mb, mm, pct, pu;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int cpu = ncpu > 1 ? (int)ncpu - 1 : 0;
	struct shared *sh;

	if (rounds < 1 || rounds > 64 || !ms) {
		fprintf(stderr, "usage: %s [ROUNDS<=64 [ROUND_MS [LIMIT_PCT]]]\n",
			argv[0]);
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	/* The parent waits elsewhere: the pinned CPU belongs to the child. */
	if (ncpu > 1)
		pin(0);
	printf("KTAP version 1\n1..1\n");
	printf("# %d rounds of %u ms per variant, alternating, on CPU %d\n",
	       rounds, ms, cpu);
	for (int i = 0; i < rounds; i++) {
		b[i] = round_rate(sh, cpu, ms, bare);
		m[i] = round_rate(sh, cpu, ms, measured);
		printf("# round %d: bare %.0f units/s, measured %.0f units/s\n",
		       i + 1, b[i], m[i]);
	}
	qsort(b, (size_t)rounds, sizeof(b[0]), cmp);
	qsort(m, (size_t)rounds, sizeof(m[0]), cmp);
	mb = b[rounds / 2];
	mm = m[rounds / 2];
	pct = mb > 0 ? 100.0 * (mb - mm) / mb : 100;
	printf("# median: bare %.0f units/s, with full measurement %.0f units/s\n",
	       mb, mm);
	printf("# overhead: %.2f %% (limit %.1f %%)\n", pct, limit);
	pu = round_rate(sh, cpu, 0, per_unit);
	if (pu > 0 && mb > 0)
		printf("# sc_unit_done() alone: %.0f ns per call, %.2f %% of a %.1f us unit\n",
		       1e9 / pu, 100.0 * mb / pu, 1e6 / mb);
	printf("%s 1 scenario_overhead\n", pct <= limit ? "ok" : "not ok");
	return pct <= limit ? 0 : 1;
}
