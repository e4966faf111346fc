// SPDX-License-Identifier: GPL-2.0
/*
 * A/B box plot of one metric as a standalone SVG: no scripts, no external
 * fonts or style sheets, so it can be attached to a report or mailed.
 *
 * Layout (640 x 360): the title on top, the value axis on the left with
 * its unit, A's column then B's, each with its label and run count below,
 * and a one-line key at the bottom. Within a column the elements are drawn
 * in this order: box, whiskers, median, one <circle> per finite run value
 * in the order of the input array, and the mean diamond on top. A's column
 * comes before B's, so the circles appear in the document as A's finite
 * values in input order followed by B's.
 *
 * Nothing here is random: the dots' horizontal jitter comes from the run's
 * index, so the same input gives the same bytes.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "compare/plot.h"
#include "xml_escape.h"
#include "compare/stats.h"

#define SVG_W		640
#define SVG_H		360
#define PLOT_L		72.0	/* the value axis */
#define PLOT_R		620.0
#define PLOT_T		44.0	/* highest tick */
#define PLOT_B		296.0	/* lowest tick */
#define BOX_HW		40.0	/* half widths around a column's centre */
#define CAP_HW		16.0
#define JITTER_HW	28.0
#define DOT_R		3.0
#define MEAN_R		6.0
#define MAX_TICKS	6

/* Dark enough for lines, distinct for the colour blind (blue, orange). */
static const char *const side_colour[2] = { "#1f6fb4", "#d95f02" };

struct axis {
	double lo, hi;		/* the lowest and highest tick */
	double step;
	double i0;		/* lo / step, an integer */
	int nticks;
	int prec;		/* %.*g digits that tell the ticks apart */
};

/*
 * Ticks at multiples of 1, 2, 2.5 or 5 x 10^k covering [lo, hi] padded by
 * 5 % of the range (10 % of the value if all are equal, 1 around zero).
 * The smallest step that needs at most MAX_TICKS ticks is taken: the step
 * before it, at most half as large, needed more than MAX_TICKS, so this one
 * spans more than two steps and needs at least four ticks.
 *
 * Halves of values are subtracted so that a range near +-DBL_MAX does not
 * overflow; the DBL_MIN floor keeps subnormal ranges away from log10(0).
 */
static void axis_make(struct axis *ax, double lo, double hi)
{
	static const double mult[] = { 1, 2, 2.5, 5 };
	double pad, half, step = 1, i0 = 0, i1 = 1, mag, m = 1;
	int e, k, x;

	if (hi > lo)
		pad = (hi / 2 - lo / 2) / 10;
	else
		pad = lo != 0 ? fabs(lo) / 10 : 1;
	if (!(pad >= DBL_MIN))
		pad = DBL_MIN;
	lo = fmax(lo - pad, -DBL_MAX);
	hi = fmin(hi + pad, DBL_MAX);
	half = hi / 2 - lo / 2;

	/* Start at a tenth of the range's decade: more than ten steps. */
	e = (int)floor(log10(half) + log10(2.0)) - 1;
	for (k = 0; k < 24; k++) {
		m = mult[k % 4];
		step = m * pow(10, e + k / 4);
		i0 = floor(lo / step);
		i1 = ceil(hi / step);
		if (i1 - i0 + 1 <= MAX_TICKS)
			break;
	}
	ax->step = step;
	ax->i0 = i0;
	ax->nticks = (int)(i1 - i0 + 1);
	ax->lo = fmax(i0 * step, -DBL_MAX);
	ax->hi = fmin(i1 * step, DBL_MAX);

	/* Digits from the largest tick's decade down to the step's (2.5: one more). */
	mag = fmax(fabs(ax->lo), fabs(ax->hi));
	x = (int)floor(log10(mag));
	e += k / 4;
	ax->prec = x - e + 1 + (m == 2.5);
	if (ax->prec < 1)
		ax->prec = 1;
	if (ax->prec > 17)
		ax->prec = 17;
	/* 250000 reads better than 2.5e+05; %g needs the digits to print it so. */
	if (x >= ax->prec && x < 7)
		ax->prec = x + 1;
}

/* The y coordinate of @v; mid-plot if the axis cannot place it. */
static double ypos(const struct axis *ax, double v)
{
	double den = ax->hi / 2 - ax->lo / 2;
	double r = (v / 2 - ax->lo / 2) / den;

	if (!(den > 0) || !isfinite(r))
		r = 0.5;
	return PLOT_B - r * (PLOT_B - PLOT_T);
}

/* A low-discrepancy sequence (golden ratio): spread out, and repeatable. */
static double jitter(size_t i)
{
	double r = fmod(0.5 + (double)i * 0.6180339887498949, 1.0);

	return (r - 0.5) * 2 * JITTER_HW;
}

static void draw_axis(FILE *f, const struct axis *ax, const char *unit)
{
	double y, mid = (PLOT_T + PLOT_B) / 2;
	int i;

	for (i = 0; i < ax->nticks; i++) {
		double t = (ax->i0 + i) * ax->step;

		if (!isfinite(t))
			continue;
		y = ypos(ax, t);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e3e3\"/>\n",
			PLOT_L, y, PLOT_R, y);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
			PLOT_L - 5, y, PLOT_L, y);
		fprintf(f,
			"<text x=\"%.1f\" y=\"%.1f\" dy=\"0.35em\" text-anchor=\"end\" font-size=\"11\">%.*g</text>\n",
			PLOT_L - 8, y, ax->prec, t);
	}
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
		PLOT_L, PLOT_T, PLOT_L, PLOT_B);
	if (unit && *unit) {
		fprintf(f,
			"<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">",
			mid, mid);
		xml_escape(f, unit);
		fputs("</text>\n", f);
	}
}

/* One column: box, whiskers, median, the runs, the mean. */
static void draw_side(FILE *f, const struct axis *ax,
		      const struct plot_series *s, const struct sample_stats *st,
		      double cx, const char *colour, const char *def_label)
{
	const char *label = s && s->label ? s->label : def_label;
	double yq1, yq3, ymed, ymin, ymax, ym;
	size_t i;

	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" font-weight=\"bold\">",
		cx, PLOT_B + 20, colour);
	xml_escape(f, label);
	fprintf(f,
		"</text>\n<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">n = %zu</text>\n",
		cx, PLOT_B + 36, st->n);

	if (!st->n) {
		fprintf(f,
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n",
			cx, (PLOT_T + PLOT_B) / 2);
		return;
	}

	yq1 = ypos(ax, st->q1);
	yq3 = ypos(ax, st->q3);
	ymed = ypos(ax, st->median);
	ymin = ypos(ax, st->min);
	ymax = ypos(ax, st->max);
	ym = ypos(ax, st->mean);

	fprintf(f, "<g stroke=\"%s\" stroke-width=\"1.5\" fill=\"none\">\n", colour);
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.15\">",
		cx - BOX_HW, yq3, 2 * BOX_HW, yq1 - yq3, colour);
	fprintf(f, "<title>q1 %g, median %g, q3 %g</title></rect>\n",
		st->q1, st->median, st->q3);
	/* Whiskers from the box's edges out to the extremes, with caps. */
	fprintf(f, "<path d=\"M%.1f,%.1fV%.1fM%.1f,%.1fV%.1fM%.1f,%.1fH%.1fM%.1f,%.1fH%.1f\">",
		cx, yq3, ymax, cx, yq1, ymin,
		cx - CAP_HW, ymax, cx + CAP_HW, cx - CAP_HW, ymin, cx + CAP_HW);
	fprintf(f, "<title>min %g, max %g</title></path>\n", st->min, st->max);
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke-width=\"3\"/>\n",
		cx - BOX_HW, ymed, cx + BOX_HW, ymed);
	fputs("</g>\n", f);

	fprintf(f, "<g fill=\"%s\" fill-opacity=\"0.6\" stroke=\"#fff\" stroke-width=\"0.5\">\n",
		colour);
	for (i = 0; i < s->n; i++) {
		double v = s->v[i];

		if (!isfinite(v))
			continue;
		fprintf(f,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"><title>run %zu: %g</title></circle>\n",
			cx + jitter(i), ypos(ax, v), DOT_R, i + 1, v);
	}
	fputs("</g>\n", f);

	/* Mean: white diamond with a dark rim, visible over box and dots. */
	if (!isfinite(st->mean))
		return;		/* the sum overflowed */
	fprintf(f,
		"<path d=\"M%.1f,%.1fL%.1f,%.1fL%.1f,%.1fL%.1f,%.1fZ\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"1.5\">",
		cx, ym - MEAN_R, cx + MEAN_R, ym, cx, ym + MEAN_R, cx - MEAN_R, ym);
	fprintf(f, "<title>mean %g, sd %g</title></path>\n", st->mean, st->sd);
}

static void describe(const struct plot_series *s, struct sample_stats *st)
{
	if (s && s->v && s->n)
		stats_describe(s->v, s->n, st);
	else
		*st = (struct sample_stats){ 0 };
}

int plot_svg(FILE *f, const char *title, const char *unit,
	     const struct plot_series *a, const struct plot_series *b)
{
	struct sample_stats st[2];
	const struct plot_series *s[2] = { a, b };
	double lo = INFINITY, hi = -INFINITY, w = PLOT_R - PLOT_L;
	struct axis ax;
	int i;

	if (!f)
		return -1;
	for (i = 0; i < 2; i++) {
		describe(s[i], &st[i]);
		if (st[i].n) {
			lo = fmin(lo, st[i].min);
			hi = fmax(hi, st[i].max);
		}
	}
	if (!st[0].n && !st[1].n)
		return -1;
	axis_make(&ax, lo, hi);

	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		SVG_W, SVG_H, SVG_W, SVG_H);
	fputs("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", f);
	fprintf(f,
		"<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">",
		SVG_W / 2);
	xml_escape(f, title);
	fputs("</text>\n", f);

	draw_axis(f, &ax, unit);
	draw_side(f, &ax, a, &st[0], PLOT_L + w / 4, side_colour[0], "A");
	draw_side(f, &ax, b, &st[1], PLOT_L + 3 * w / 4, side_colour[1], "B");

	fprintf(f,
		"<text x=\"%d\" y=\"352\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">box: q1 to q3, bar: median, whiskers: min to max, diamond: mean, dots: runs</text>\n",
		SVG_W / 2);
	fputs("</svg>\n", f);

	/* fprintf() and fputs() keep the stream's error flag: one check. */
	if (fflush(f) || ferror(f))
		return -1;
	return 0;
}
