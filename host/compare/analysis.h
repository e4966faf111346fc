/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From the series of a comparison to a verdict per series, and how many
 * runs the noise asks for.
 */
#ifndef KTSTR_HOST_COMPARE_ANALYSIS_H
#define KTSTR_HOST_COMPARE_ANALYSIS_H

#include <stdbool.h>

#include "compare/metrics.h"
#include "compare/stats.h"

struct cmp_params {
	double alpha;		/* significance level of the t-test */
	double threshold;	/* smallest relative change called one */
	double conf;		/* of the intervals shown: 1 - alpha */
};

struct cmp_row {
	const struct cmp_series *s;
	struct sample_stats st[CMP_SIDES];
	struct welch w;
	enum cmp_verdict v;
};

struct cmp_analysis {
	struct cmp_row *rows;	/* sorted by key */
	size_t n;
	size_t better, worse, same, changed, too_few;
};

/* -1 without memory. */
int cmp_analyze(const struct cmp_set *set, const struct cmp_params *p,
		struct cmp_analysis *a);
void cmp_analysis_free(struct cmp_analysis *a);

/*
 * "better", "worse", "same", "too-few"; for a metric that is not judged
 * (METRIC_NEUTRAL) "higher" or "lower".
 */
const char *cmp_row_verdict(const struct cmp_row *r);

/*
 * Runs per side that detect a change of p->threshold at 80 % power for
 * most series (their 80th percentile), from the noise seen so far:
 * 2 (z(1 - alpha/2) + z(0.8))^2 cv^2 / threshold^2, cv the pooled
 * coefficient of variation, over the series with 3 values a side or
 * more; 0 while there are none.
 */
size_t cmp_runs_needed(const struct cmp_set *set, const struct cmp_params *p);

#endif
