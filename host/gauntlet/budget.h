/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --budget DURATION: the most cells that fit, from the durations earlier
 * runs recorded. Cells never run come first (their cost is a guess);
 * then the known ones, cheapest first, which is what fits the most.
 * A cell costs its own time; the first cell of a batch (one VM: a
 * program on a topology with a scheduler) also costs the VM's boot.
 */
#ifndef KTSTR_HOST_GAUNTLET_BUDGET_H
#define KTSTR_HOST_GAUNTLET_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

/* What a cell costs before one was ever measured, on TCG. */
#define BUDGET_GUESS_CELL_S	30.0
#define BUDGET_GUESS_BOOT_S	15.0
#define BUDGET_MAX_S		(7 * 24 * 3600.0)

struct budget_cell {
	double cost_s;		/* its own time; < 0: never measured */
	size_t batch;		/* the VM it runs in */
	bool chosen;		/* out: it fits */
};

/*
 * "30m", "1h", "90s", "1h30m": 0 and @s, or -1 with one line in @err.
 * At least one second, at most BUDGET_MAX_S.
 */
int budget_parse(const char *arg, double *s, char *err, size_t errlen);

/*
 * Choose cells of @c (in plan order) whose cost, with each chosen
 * batch's boot from @boot_s (< 0: never measured), fits @capacity_s.
 * Unmeasured costs are the mean of the measured ones, else the
 * BUDGET_GUESS_*. Returns the estimated seconds of what was chosen.
 */
double budget_choose(struct budget_cell *c, size_t n, const double *boot_s,
		     size_t nbatches, double capacity_s);

/*
 * Each cell's expected seconds into @est: its cost (or the guess) and
 * its share of its batch's boot, shared by the batch's chosen cells.
 * For the estimates the gauntlet prints and its progress line.
 */
void budget_estimate(const struct budget_cell *c, size_t n,
		     const double *boot_s, size_t nbatches, double *est);

#endif
