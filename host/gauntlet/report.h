/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the gauntlet reports: a KTAP subtest per cell, kselftest's
 * totals, the summary table per topology and scheduler, a JSON sidecar
 * per cell in --output-dir and the JUnit file. A not-applicable cell is
 * a KTAP SKIP with its reason and is counted as such, never as a pass.
 */
#ifndef KTSTR_HOST_GAUNTLET_REPORT_H
#define KTSTR_HOST_GAUNTLET_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gauntlet/batch.h"
#include "gauntlet/plan.h"

struct report_counts {
	size_t v[CELL_VERDICT_NR];
};

/* Count the done cells of @sel (NULL: all). */
void report_count(const struct plan *p, const struct cell_result *res,
		  const bool *sel, struct report_counts *c);

/*
 * The KTAP lines of a finished cell, numbered @num: a failure's
 * diagnostics, then its ok / not ok line. Nothing for a cell that did
 * not run; returns whether a line was printed.
 */
bool report_cell(FILE *f, const struct plan *p, size_t cell,
		 const struct cell_result *r, unsigned int num);

/* kselftest's totals line, and the gauntlet's own with every verdict. */
void report_totals(FILE *f, const struct report_counts *c);

/* One row per topology and scheduler of @sel, as KTAP comments. */
void report_summary(FILE *f, const struct plan *p,
		    const struct cell_result *res, const bool *sel);

struct report_env {
	const char *kernel_image;
	const char *kernel_release;	/* or "" */
	const char *accel;
};

/*
 * @out_dir/TOPOLOGY/SCHEDULER/TEST.json: the cell's verdict, duration,
 * topology, scheduler, kernel, and what its scenario measured, read
 * from the scenarios.json its VM left in @vm_dir (NULL: none). 0, or -1
 * with one line in @err.
 */
int report_sidecar(const char *out_dir, const struct plan *p, size_t cell,
		   const struct cell_result *r, const struct report_env *env,
		   const char *vm_dir, char *err, size_t errlen);

/* The cells of @sel as JUnit XML in @path. 0, or -1 with one line in @err. */
int report_junit(const char *path, const struct plan *p,
		 const struct cell_result *res, const bool *sel, char *err,
		 size_t errlen);

/*
 * The scenario a subtest of scenarios runs ("canned.NAME.passes" and
 * "negative.NAME" run NAME and neg_NAME: selftests/scenarios.c names
 * them so); false for other subtests.
 */
bool report_scenario_of(const char *subtest, char *buf, size_t len);

#endif
