/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ktstr compare writes: the table on stdout, compare.json, a plot
 * per series (an SVG in plots/) and index.html showing them, in --output-dir.
 */
#ifndef KTSTR_HOST_COMPARE_OUTPUT_H
#define KTSTR_HOST_COMPARE_OUTPUT_H

#include <stdio.h>

#include "compare/analysis.h"

struct cmp_context {
	struct cmp_side side[CMP_SIDES];
	size_t check_failures[CMP_SIDES];	/* scenarios that failed a check */
	struct cmp_params params;
	char topology[64], accel[16];
};

/* "scx_simple -p", or "scx_simple -p (baseline NAME)". */
void cmp_side_label(const struct cmp_side *s, char *buf, size_t len);

void cmp_print_table(FILE *f, const struct cmp_context *c,
		     const struct cmp_analysis *a);
/* compare.json, plots/, index.html in @dir. 0, or -1 with one line in @err. */
int cmp_write_results(const char *dir, const struct cmp_context *c,
		      const struct cmp_analysis *a, char *err, size_t errlen);

#endif
