// SPDX-License-Identifier: GPL-2.0
/*
 * Verdicts per series, and the runs the noise asks for: see analysis.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare/analysis.h"

#define POWER_Z		0.8416212335729143	/* z(0.8): 80 % power */
#define RUNS_QUANTILE	0.8

static int by_key(const void *a, const void *b)
{
	const struct cmp_row *x = a, *y = b;

	return strcmp(x->s->key, y->s->key);
}

int cmp_analyze(const struct cmp_set *set, const struct cmp_params *p,
		struct cmp_analysis *a)
{
	memset(a, 0, sizeof(*a));
	if (!set->n)
		return 0;
	a->rows = calloc(set->n, sizeof(*a->rows));
	if (!a->rows)
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		struct cmp_row *r = &a->rows[a->n++];
		const struct cmp_series *s = &set->s[i];

		r->s = s;
		for (int k = 0; k < CMP_SIDES; k++)
			stats_describe(s->v[k], s->n[k], &r->st[k]);
		if (welch_test(&r->st[0], &r->st[1], p->conf, &r->w)) {
			r->v = CMP_TOO_FEW;
			a->too_few++;
			continue;
		}
		r->v = cmp_verdict(&r->w, s->def->dir != METRIC_LOWER_BETTER,
				   p->alpha, p->threshold);
		if (r->v == CMP_SAME)
			a->same++;
		else if (s->def->dir == METRIC_NEUTRAL)
			a->changed++;
		else if (r->v == CMP_BETTER)
			a->better++;
		else
			a->worse++;
	}
	qsort(a->rows, a->n, sizeof(*a->rows), by_key);
	return 0;
}

void cmp_analysis_free(struct cmp_analysis *a)
{
	free(a->rows);
	memset(a, 0, sizeof(*a));
}

const char *cmp_row_verdict(const struct cmp_row *r)
{
	if (r->s->def->dir == METRIC_NEUTRAL &&
	    (r->v == CMP_BETTER || r->v == CMP_WORSE))
		return r->v == CMP_BETTER ? "higher" : "lower";
	return cmp_verdict_name(r->v);
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

size_t cmp_runs_needed(const struct cmp_set *set, const struct cmp_params *p)
{
	double z = student_t_quantile(1 - p->alpha / 2, 1e6) + POWER_Z;
	double *need = calloc(set->n ? set->n : 1, sizeof(*need));
	size_t n = 0, out;

	if (!need)
		return 0;
	for (size_t i = 0; i < set->n; i++) {
		const struct cmp_series *s = &set->s[i];
		struct sample_stats st[CMP_SIDES];
		double var = 0, cv;

		/* A series seen in few runs says nothing of the noise yet. */
		if (s->n[0] < 3 || s->n[1] < 3)
			continue;
		for (int k = 0; k < CMP_SIDES; k++) {
			stats_describe(s->v[k], s->n[k], &st[k]);
			var += st[k].sd * st[k].sd / CMP_SIDES;
		}
		if (fabs(st[0].mean) < 1e-12)
			continue;
		cv = sqrt(var) / fabs(st[0].mean);
		need[n++] = 2 * z * z * cv * cv / (p->threshold * p->threshold);
	}
	if (!n || p->threshold <= 0) {
		free(need);
		return 0;
	}
	qsort(need, n, sizeof(*need), by_value);
	out = (size_t)ceil(need[(size_t)((n - 1) * RUNS_QUANTILE)]);
	free(need);
	return out < 3 ? 3 : out;
}
