// SPDX-License-Identifier: GPL-2.0
/*
 * Descriptive statistics, Student's t distribution and Welch's t-test for
 * comparing the runs of two kernels or schedulers metric by metric.
 *
 * The t distribution goes through the regularized incomplete beta
 * function, evaluated by its continued fraction with the modified Lentz
 * method. Tail probabilities are computed directly rather than as 1 - cdf
 * so that small p-values keep their relative precision.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare/stats.h"

/* Continued fraction: about sqrt(a) terms are needed near x = a / (a + b). */
#define CF_MAX_ITER	200000
#define CF_EPS		(DBL_EPSILON / 2)
#define CF_TINY		(DBL_MIN / DBL_EPSILON)

/* Above this df, near the centre, the t tail is its expansion in 1 / df. */
#define T_DF_ASYM	100000
/* y = 1 - x below this would cost I_x(a, 1/2) about eps / y. */
#define T_Y_SMALL	0.00001

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

/* numpy's default ("linear"): interpolate between the order statistics. */
static double quantile_sorted(const double *s, size_t n, double p)
{
	double h = p * (double)(n - 1);
	size_t lo = (size_t)h;

	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

void stats_describe(const double *v, size_t n, struct sample_stats *out)
{
	double sum = 0, ss = 0, comp = 0, *s;
	size_t i, k = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		if (!k || v[i] < out->min)
			out->min = v[i];
		if (!k || v[i] > out->max)
			out->max = v[i];
		sum += v[i];
		k++;
	}
	out->n = k;
	if (!k)
		return;
	out->mean = sum / (double)k;

	/* Two passes: the squared deviations, not sum(x^2) - n * mean^2. */
	for (i = 0; i < n; i++) {
		double d;

		if (!isfinite(v[i]))
			continue;
		d = v[i] - out->mean;
		ss += d * d;
		comp += d;
	}
	/* comp is the rounding left in the mean; remove its share. */
	ss -= comp * comp / (double)k;
	if (k > 1)
		out->sd = sqrt(ss > 0 ? ss / (double)(k - 1) : 0);

	s = malloc(k * sizeof(*s));
	if (!s)
		return;		/* quartiles stay 0; min and max are known */
	for (i = 0, k = 0; i < n; i++)
		if (isfinite(v[i]))
			s[k++] = v[i];
	qsort(s, k, sizeof(*s), cmp_double);
	out->q1 = quantile_sorted(s, k, 0.25);
	out->median = quantile_sorted(s, k, 0.5);
	out->q3 = quantile_sorted(s, k, 0.75);
	free(s);
}

/*
 * lgamma(x) less the head of Stirling's series, (x - 1/2) ln x - x +
 * ln(2 pi) / 2: the rest of the series, to 1e-15 for x >= 10.
 */
static double stirling_rest(double x)
{
	double r = 1 / x, r2 = r * r;

	return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 -
		    r2 * (1.0 / 1680 - r2 * (1.0 / 1188 -
		    r2 * 691.0 / 360360)))));
}

/*
 * ln B(a, b). With one argument large, lgamma(a + b) - lgamma(b) would
 * cancel most of two numbers of size b ln b (1e-9 lost at df = 1e6), so
 * the difference is taken analytically from Stirling's series instead.
 */
static double log_beta(double a, double b)
{
	double t;

	if (a > b) {
		t = a;
		a = b;
		b = t;
	}
	if (b < 10)
		return lgamma(a) + lgamma(b) - lgamma(a + b);
	return lgamma(a) - (b - 0.5) * log1p(a / b) - a * log(a + b) + a +
	       stirling_rest(b) - stirling_rest(a + b);
}

/*
 * Continued fraction of I_x(a, b) without its prefactor, by the modified
 * Lentz method; converges quickly for x < (a + 1) / (a + b + 2).
 */
static double beta_cf(double a, double b, double x)
{
	double c = 1, d, f, delta, num;
	int m;

	d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < CF_TINY)
		d = CF_TINY;
	d = 1 / d;
	f = d;
	for (m = 1; m <= CF_MAX_ITER; m++) {
		/* Even term d_2m, then odd term d_2m+1. */
		num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		d = 1 + num * d;
		if (fabs(d) < CF_TINY)
			d = CF_TINY;
		c = 1 + num / c;
		if (fabs(c) < CF_TINY)
			c = CF_TINY;
		d = 1 / d;
		f *= d * c;

		num = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
		d = 1 + num * d;
		if (fabs(d) < CF_TINY)
			d = CF_TINY;
		c = 1 + num / c;
		if (fabs(c) < CF_TINY)
			c = CF_TINY;
		d = 1 / d;
		delta = d * c;
		f *= delta;
		if (fabs(delta - 1) < CF_EPS)
			break;
	}
	return f;
}

/*
 * I_x(a, b) straight from the continued fraction, with y = 1 - x passed
 * in by the caller so that 1 - x never loses digits.
 */
static double ibeta_cf(double a, double b, double x, double y)
{
	double lx, ly;

	if (x <= 0)
		return 0;
	if (y <= 0)
		return 1;
	/*
	 * Take the log of whichever of x and y is the smaller: with a = 5e5
	 * an ulp of log(x) near x = 1 would already cost 1e-10.
	 */
	lx = x < 0.5 ? log(x) : log1p(-y);
	ly = y < 0.5 ? log(y) : log1p(-x);
	lx = a * lx + b * ly - log_beta(a, b);
	return exp(lx) * beta_cf(a, b, x) / a;
}

/* Regularized incomplete beta: each side of the symmetry where it converges. */
static double ibeta(double a, double b, double x, double y)
{
	if (x > (a + 1) / (a + b + 2))
		return 1 - ibeta_cf(b, a, y, x);
	return ibeta_cf(a, b, x, y);
}

/*
 * The normal tail plus the first two terms of the t tail's expansion in
 * 1/df. For df > 1e5 and t^2 < 1e-5 df (where the continued fractions
 * lose digits to x being so close to 1) the next term is below 1e-16.
 */
static double t_tail_asym(double t, double df)
{
	double t2 = t * t, phi = exp(-t2 / 2) / sqrt(2 * M_PI);
	double g1 = (t2 + 1) * t / 4;
	double g2 = (((3 * t2 - 7) * t2 - 5) * t2 - 3) * t / 96;

	return 0.5 * erfc(t / M_SQRT2) + phi * (g1 + g2 / df) / df;
}

/* P(T > t) for t >= 0: I_x(df/2, 1/2) / 2 with x = df / (df + t^2). */
static double t_upper_tail(double t, double df)
{
	double r, x, y, a = df / 2;

	if (isinf(t))
		return 0;
	r = t * t;
	if (isinf(r))	/* x < df / 1e308: I_x(a, 1/2) is its first term */
		return 0.5 * exp(a * (log(df) - 2 * log(t)) - log_beta(a, 0.5)) / a;
	x = df / (df + r);
	y = r / (df + r);
	/*
	 * Large df or small t put x within 1e-5 of 1, where the fraction for
	 * I_x(a, 1/2) loses about eps / y of its precision: there, take the
	 * other side of the symmetry (which only loses eps absolute, and the
	 * tail is then above 0.15) or for large df the expansion.
	 */
	if (y < T_Y_SMALL) {
		if (df > T_DF_ASYM)
			return t_tail_asym(t, df);
		return 0.5 * (1 - ibeta_cf(0.5, a, y, x));
	}
	return 0.5 * ibeta(a, 0.5, x, y);
}

double student_t_cdf(double t, double df)
{
	if (isnan(t) || isnan(df) || df <= 0)
		return NAN;
	if (t >= 0)
		return 1 - t_upper_tail(t, df);
	return t_upper_tail(-t, df);
}

/* The t with P(T > t) = q, for 0 < q <= 1/2, by bisection. */
static double t_upper_quantile(double q, double df)
{
	double lo = 0, hi = 1, mid;
	int i;

	while (t_upper_tail(hi, df) > q) {
		lo = hi;
		hi *= 2;
		if (isinf(hi))
			return hi;
	}
	/* The tail decreases strictly: halve until the bracket is one ulp. */
	for (i = 0; i < 2100; i++) {
		mid = lo + (hi - lo) / 2;
		if (mid <= lo || mid >= hi)
			break;
		if (t_upper_tail(mid, df) > q)
			lo = mid;
		else
			hi = mid;
	}
	return lo + (hi - lo) / 2;
}

double student_t_quantile(double p, double df)
{
	if (isnan(p) || isnan(df) || df <= 0 || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (p == 0.5)
		return 0;
	/* 1 - p is exact for p >= 1/2, so the upper tail loses nothing. */
	if (p > 0.5)
		return t_upper_quantile(1 - p, df);
	return -t_upper_quantile(p, df);
}

int welch_test(const struct sample_stats *a, const struct sample_stats *b,
	       double conf, struct welch *out)
{
	double va, vb, se, q;

	memset(out, 0, sizeof(*out));
	if (a->n < 2 || b->n < 2)
		return -1;
	out->diff = b->mean - a->mean;
	out->rel = a->mean != 0 ? out->diff / fabs(a->mean) : 0;

	va = a->sd * a->sd / (double)a->n;
	vb = b->sd * b->sd / (double)b->n;
	se = sqrt(va + vb);
	if (se == 0) {
		/* No noise at all: any difference is certain, none is none. */
		out->df = (double)(a->n + b->n - 2);
		if (out->diff == 0) {
			out->t = 0;
			out->p = 1;
		} else {
			out->t = out->diff > 0 ? INFINITY : -INFINITY;
			out->p = 0;
		}
		out->ci_lo = out->diff;
		out->ci_hi = out->diff;
		return 0;
	}
	out->t = out->diff / se;
	out->df = (va + vb) * (va + vb) /
		  (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
	out->p = 2 * t_upper_tail(fabs(out->t), out->df);
	q = student_t_quantile(1 - (1 - conf) / 2, out->df);
	out->ci_lo = out->diff - q * se;
	out->ci_hi = out->diff + q * se;
	return 0;
}

enum cmp_verdict cmp_verdict(const struct welch *w, int higher_better,
			     double alpha, double min_rel)
{
	/* NaN p or rel compares false: no verdict without evidence. */
	if (!(w->p < alpha) || !(fabs(w->rel) >= min_rel) || w->diff == 0)
		return CMP_SAME;
	if (higher_better ? w->diff > 0 : w->diff < 0)
		return CMP_BETTER;
	return CMP_WORSE;
}

const char *cmp_verdict_name(enum cmp_verdict v)
{
	switch (v) {
	case CMP_SAME:
		return "same";
	case CMP_BETTER:
		return "better";
	case CMP_WORSE:
		return "worse";
	case CMP_TOO_FEW:
		return "too-few";
	}
	return "?";
}
