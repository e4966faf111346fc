/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gauntlet's plan: every (test, topology, scheduler) cell, where a
 * scheduler is one on one kernel when several are given, in a
 * fixed order (topology, then scheduler, then test), whether the test
 * applies there, and the share of it one machine runs (--shard K/N).
 * It depends only on the arguments and the suite, never on this host,
 * so every machine of a CI matrix computes the same plan.
 */
#ifndef KTSTR_HOST_GAUNTLET_PLAN_H
#define KTSTR_HOST_GAUNTLET_PLAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cmd/harness_list.h"
#include "vm/topo_presets.h"

/*
 * How a cell ended. Each row: the name the JSON sidecars, the summary
 * and the JUnit file use.
 */
#define CELL_VERDICTS(X)						\
	X(CELL_PASS,		"pass")					\
	X(CELL_FAIL,		"fail")					\
	/* the test skipped itself in the guest */			\
	X(CELL_SKIP,		"skip")					\
	/* the topology lacks what the test needs: nothing booted */	\
	X(CELL_NOT_APPLICABLE,	"not-applicable")			\
	/* stopped (Ctrl-C) before it had a result */			\
	X(CELL_NOT_RUN,		"not-run")

#define CELL_VERDICT_ENUM(e, name) e,
enum cell_verdict { CELL_VERDICTS(CELL_VERDICT_ENUM) CELL_VERDICT_NR };
#undef CELL_VERDICT_ENUM

const char *cell_verdict_name(enum cell_verdict v);

/* "PROGRAM:SUBTEST", or "PROGRAM" for a program run whole. */
#define PLAN_TEST_MAX	(NAME_MAX + HARNESS_NAME_MAX + 2)

struct plan_test {
	char name[PLAN_TEST_MAX];
	size_t item;			/* its program in the selection */
	bool whole;			/* a program without a subtest listing */
	struct harness_test sub;	/* name (or ""), needs, min_cpus */
};

struct plan_topo {
	char name[TOPO_NAME_MAX];	/* a preset's, or the spec */
	char spec[TOPO_SPEC_MAX];
	struct topology t;
};

struct plan_sched {
	/* eevdf, scx_simple, ...; SCHED@KERNEL with several kernels */
	char name[NAME_MAX + 1];
	unsigned int kernel;		/* which --kernel */
	/* The guest has a scheduler a test can attach or take over. */
	bool to_attach;
};

struct plan_cell {
	unsigned int test, topo, sched;
	bool applies;
	char why[160];		/* what it needs and the topology lacks */
};

struct plan {
	struct plan_test *tests;
	size_t ntests;
	struct plan_topo *topos;
	size_t ntopos;
	struct plan_sched *scheds;
	size_t nscheds;
	struct plan_cell *cells;
	size_t ncells;
};

/*
 * Whether a test needing @need runs on @t, where @sched_to_attach says if
 * the guest has a scheduler to attach. If not, @why says what is missing
 * ("needs 2+ NUMA nodes, has 1").
 */
bool plan_needs_met(const struct harness_test *need, const struct topology *t,
		    bool sched_to_attach, char *why, size_t len);

/*
 * Fill @p->cells from its tests, topologies and schedulers: topology,
 * then scheduler, then test. 0, or -1 without memory.
 */
int plan_build(struct plan *p);

/* "K/N", 1 <= K <= N <= PLAN_SHARDS_MAX. 0, or -1 with one line in @err. */
#define PLAN_SHARDS_MAX	10000
int plan_shard_parse(const char *arg, unsigned int *k, unsigned int *n,
		     char *err, size_t errlen);

/*
 * The cells shard @k of @n runs: [*first, *end), a contiguous run, so a
 * shard boots each (program, topology, scheduler) once where it can.
 * The shards of one plan are disjoint and together cover it.
 */
void plan_shard(const struct plan *p, unsigned int k, unsigned int n,
		size_t *first, size_t *end);

/* One plan line: "TEST TOPOLOGY SCHEDULER[ # not applicable: ...]". */
void plan_print_cell(const struct plan *p, size_t cell, FILE *out);

/* "TEST/TOPOLOGY/SCHEDULER", the name a cell has in KTAP and JUnit. */
void plan_cell_name(const struct plan *p, size_t cell, char *buf, size_t len);

void plan_free(struct plan *p);

#endif
