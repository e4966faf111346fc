/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The statistics of an A/B comparison: each side's runs described, their
 * means compared with Welch's t-test (unequal variances), a confidence
 * interval of the difference, and a verdict per metric that needs both
 * statistical significance and a change larger than the noise threshold.
 */
#ifndef KTSTR_HOST_COMPARE_STATS_H
#define KTSTR_HOST_COMPARE_STATS_H

#include <stddef.h>

struct sample_stats {
	size_t n;
	double mean, sd;	/* sd: sample standard deviation (n - 1) */
	double min, q1, median, q3, max;
};

/* Describe @n values (NaN and infinities are skipped, not counted). */
void stats_describe(const double *v, size_t n, struct sample_stats *out);

struct welch {
	double diff;		/* mean B - mean A */
	double rel;		/* diff / |mean A| (0 if mean A is 0) */
	double t, df;		/* Welch's t and Welch-Satterthwaite df */
	double p;		/* two-sided p-value */
	double ci_lo, ci_hi;	/* @conf confidence interval of diff */
};

/*
 * Welch's t-test of B against A at confidence @conf (0.95 for 95 %).
 * -1 if either side has fewer than 2 values; both sides constant and
 * equal give p = 1, constant and different p = 0.
 */
int welch_test(const struct sample_stats *a, const struct sample_stats *b,
	       double conf, struct welch *out);

/* Student's t distribution with @df degrees of freedom (df > 0). */
double student_t_cdf(double t, double df);
double student_t_quantile(double p, double df);

enum cmp_verdict {
	CMP_SAME,	/* no significant change */
	CMP_BETTER,
	CMP_WORSE,
	CMP_TOO_FEW,	/* fewer than 2 runs on a side */
};

/*
 * Better or worse only if p < @alpha and |rel| >= @min_rel; which of the
 * two by @higher_better (throughput) or not (latency, delay).
 */
enum cmp_verdict cmp_verdict(const struct welch *w, int higher_better,
			     double alpha, double min_rel);
const char *cmp_verdict_name(enum cmp_verdict v);

#endif
