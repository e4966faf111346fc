/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A batch: the cells of one program on one topology with one scheduler,
 * run in one VM (the program gets "-r SUBTEST" for each). Its output is
 * followed to give each cell its own result and time; a VM that ends
 * early blames the subtest that was running, and what had not run yet
 * goes again in a fresh VM, so one crash costs one cell.
 */
#ifndef KTSTR_HOST_GAUNTLET_BATCH_H
#define KTSTR_HOST_GAUNTLET_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmd/prog_run.h"
#include "gauntlet/plan.h"

#define CELL_DIAG_MAX	2048

/* Written by the process that ran the cell, in memory the parent shares. */
struct cell_result {
	enum cell_verdict verdict;
	bool done;		/* the verdict holds */
	bool rerun;		/* its VM ended before it ran: run it again */
	unsigned int attempt;	/* the batch's VM that ran it, from 1 */
	double seconds;		/* "#  RUN" to its result line */
	char why[256];		/* SKIP's reason, the failure's verdict */
	char diag[CELL_DIAG_MAX];	/* a failure's last output lines */
};

struct job {
	size_t item;			/* the program, in the selection */
	unsigned int topo, sched;
	size_t *cells;			/* plan cells, in the program's order */
	size_t n;
	unsigned int attempt;		/* 1, then 2... for what a VM left */
};

struct batch {
	const struct plan *plan;
	const struct job *job;
	struct cell_result *res;	/* indexed by plan cell */
	void (*notify)(void *ctx, size_t cell);
	void *ctx;
	char running[HARNESS_NAME_MAX];
	uint64_t run_ns;
	char lines[CELL_DIAG_MAX];	/* the running subtest's output */
	size_t len;
	unsigned int resolved;		/* cells this VM gave a result */
	double cells_s;			/* and their seconds */
};

void batch_init(struct batch *b, const struct plan *p, const struct job *j,
		struct cell_result *res,
		void (*notify)(void *ctx, size_t cell), void *ctx);

/* One line of the program's output, seen at @now_ns. */
void batch_line(struct batch *b, const char *line, uint64_t now_ns);

/*
 * The VM ended, at @now_ns, after @vm_s seconds: @res and @why are the program's
 * result (prog_result()); @detail why the VM ended, or "". The cells
 * still without a result get one, or are marked to run again. Returns
 * the VM's time beyond its cells' own (boot, start, teardown).
 */
double batch_end(struct batch *b, bool interrupted, double vm_s,
		 uint64_t now_ns, enum test_result res, const char *why,
		 const char *detail);

#endif
