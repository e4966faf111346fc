/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One metric's distributions, A beside B, as a self-contained SVG: per
 * side a box (quartiles, median), whiskers to min and max, the mean, and
 * every run as a dot, so a reader sees spread and overlap at a glance.
 */
#ifndef KTSTR_HOST_COMPARE_PLOT_H
#define KTSTR_HOST_COMPARE_PLOT_H

#include <stddef.h>
#include <stdio.h>

struct plot_series {
	const char *label;	/* "A: scx_simple" */
	const double *v;	/* one value per run; NaN skipped */
	size_t n;
};

/*
 * Write the SVG to @f: @title above, the value axis labelled @unit.
 * Text is XML-escaped. -1 on a write error or if both series are empty.
 */
int plot_svg(FILE *f, const char *title, const char *unit,
	     const struct plot_series *a, const struct plot_series *b);

#endif
