// SPDX-License-Identifier: GPL-2.0
/*
 * The A/B statistics: descriptive stats, Student's t against closed forms
 * and independently computed values, Welch's test on a worked example and
 * its edge cases, and the verdict rule.
 *
 * Values marked "mpmath" were computed with mpmath 1.3 (betainc at 40
 * digits), an implementation independent of the one under test.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "compare/stats.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
/* 10^n: checkpatch reads the '-' of 1e-15 as an operator. */
#define P10(n)		pow(10, n)

/* The harness's EXPECT_EQ would print doubles as integers. */
#define EXPECT_NEAR(want, got, tol) do { \
	double w_ = (want), g_ = (got); \
	EXPECT_TRUE(fabs(g_ - w_) <= (tol)) \
		TH_LOG("expected %.17g, got %.17g", w_, g_); \
} while (0)

#define EXPECT_REL(want, got, rel) do { \
	double w_ = (want), g_ = (got); \
	EXPECT_TRUE(fabs(g_ - w_) <= (rel) * fabs(w_)) \
		TH_LOG("expected %.17g, got %.17g", w_, g_); \
} while (0)

static double normal_cdf(double t)
{
	return 0.5 * erfc(-t / M_SQRT2);
}

static struct sample_stats describe(const double *v, size_t n)
{
	struct sample_stats s;

	stats_describe(v, n, &s);
	return s;
}

TEST(describe_quartiles_of_1_to_4)
{
	const double v[] = { 3, 1, 4, 2 };
	struct sample_stats s = describe(v, ARRAY_LEN(v));

	EXPECT_EQ(4u, s.n);
	EXPECT_NEAR(2.5, s.mean, 0);
	/* Squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, over n - 1. */
	EXPECT_NEAR(sqrt(5.0 / 3), s.sd, P10(-15));
	EXPECT_NEAR(1, s.min, 0);
	EXPECT_NEAR(4, s.max, 0);
	/* numpy 'linear': positions 0.75, 1.5, 2.25 between 1, 2, 3, 4. */
	EXPECT_NEAR(1.75, s.q1, P10(-15));
	EXPECT_NEAR(2.5, s.median, P10(-15));
	EXPECT_NEAR(3.25, s.q3, P10(-15));
}

TEST(describe_odd_and_even_counts)
{
	const double odd[] = { 7, 1, 3, 9, 5 }, even[] = { 6, 5, 4, 3, 2, 1 };
	struct sample_stats s = describe(odd, ARRAY_LEN(odd));

	/* Positions 1, 2, 3 of 1 3 5 7 9 land on order statistics. */
	EXPECT_NEAR(3, s.q1, 0);
	EXPECT_NEAR(5, s.median, 0);
	EXPECT_NEAR(7, s.q3, 0);
	s = describe(even, ARRAY_LEN(even));
	/* Positions 1.25, 2.5, 3.75 of 1..6. */
	EXPECT_NEAR(2.25, s.q1, P10(-15));
	EXPECT_NEAR(3.5, s.median, P10(-15));
	EXPECT_NEAR(4.75, s.q3, P10(-15));
	EXPECT_NEAR(sqrt(3.5), s.sd, P10(-15));	/* 17.5 / 5 */
}

TEST(describe_skips_nan_and_infinities)
{
	const double v[] = { NAN, 4, INFINITY, 1, -INFINITY, 3, 2, NAN };
	struct sample_stats s = describe(v, ARRAY_LEN(v));

	EXPECT_EQ(4u, s.n);
	EXPECT_NEAR(2.5, s.mean, 0);
	EXPECT_NEAR(sqrt(5.0 / 3), s.sd, P10(-15));
	EXPECT_NEAR(1, s.min, 0);
	EXPECT_NEAR(4, s.max, 0);
	EXPECT_NEAR(1.75, s.q1, P10(-15));
	EXPECT_NEAR(2.5, s.median, P10(-15));
	EXPECT_NEAR(3.25, s.q3, P10(-15));
}

TEST(describe_empty_and_single)
{
	const double none[] = { NAN, INFINITY }, one[] = { NAN, -7.5 };
	struct sample_stats s, zero;

	memset(&zero, 0, sizeof(zero));
	s = describe(none, 0);
	EXPECT_EQ(0, memcmp(&zero, &s, sizeof(s)));
	memset(&s, 0xff, sizeof(s));
	stats_describe(none, ARRAY_LEN(none), &s);
	EXPECT_EQ(0, memcmp(&zero, &s, sizeof(s)));

	s = describe(one, ARRAY_LEN(one));
	EXPECT_EQ(1u, s.n);
	EXPECT_NEAR(-7.5, s.mean, 0);
	EXPECT_NEAR(0, s.sd, 0);
	EXPECT_NEAR(-7.5, s.min, 0);
	EXPECT_NEAR(-7.5, s.q1, 0);
	EXPECT_NEAR(-7.5, s.median, 0);
	EXPECT_NEAR(-7.5, s.q3, 0);
	EXPECT_NEAR(-7.5, s.max, 0);
}

TEST(describe_sd_survives_a_large_offset)
{
	/* sum(x^2) - n mean^2 would lose all of it: x^2 is 1e18 here. */
	const double v[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3 };
	struct sample_stats s = describe(v, ARRAY_LEN(v));

	EXPECT_NEAR(1e9 + 2, s.mean, 0);
	EXPECT_NEAR(1, s.sd, P10(-12));
}

TEST(t_cdf_df1_is_cauchy)
{
	const double ts[] = { -1000, -30, -2, -1, -0.25, 0, 0.5, 1, 3, 1000 };

	for (size_t i = 0; i < ARRAY_LEN(ts); i++)
		EXPECT_NEAR(0.5 + atan(ts[i]) / M_PI,
			    student_t_cdf(ts[i], 1), P10(-14));
	/* The far tail keeps its relative precision: atan(1/t) / pi. */
	EXPECT_REL(atan(0.001) / M_PI, student_t_cdf(-1000, 1), P10(-12));
	EXPECT_REL(atan(0.000001) / M_PI, student_t_cdf(-1e6, 1), P10(-12));
}

TEST(t_cdf_df2_closed_form)
{
	const double ts[] = { -1000, -10, -1.5, -0.1, 0, 0.7, 2, 4.3, 50 };

	for (size_t i = 0; i < ARRAY_LEN(ts); i++) {
		double t = ts[i];

		EXPECT_NEAR(0.5 + t / (2 * sqrt(2 + t * t)),
			    student_t_cdf(t, 2), P10(-14));
	}
}

/*
 * df = 3: 1/2 + (u / (1 + u^2) + atan(u)) / pi with u = t / sqrt(3);
 * df = 4: 1/2 + 3/4 s (1 - s^2 / 3) with s = t / sqrt(4 + t^2).
 */
TEST(t_cdf_df3_df4_closed_forms)
{
	const double ts[] = { -200, -7, -1.5, -0.3, 0.2, 1, 2.5, 9, 100 };

	for (size_t i = 0; i < ARRAY_LEN(ts); i++) {
		double t = ts[i], u = t / sqrt(3), s = t / sqrt(4 + t * t);

		EXPECT_NEAR(0.5 + (u / (1 + u * u) + atan(u)) / M_PI,
			    student_t_cdf(t, 3), P10(-14));
		EXPECT_NEAR(0.5 + 0.75 * s * (1 - s * s / 3),
			    student_t_cdf(t, 4), P10(-14));
	}
}

TEST(t_cdf_large_df_approaches_normal)
{
	const double ts[] = { -8, -3, -1.96, -1, -0.1, 0.4, 1.5, 2.5, 6 };

	/* t_df - normal is about phi(t) (t^3 + t) / (4 df): below 2e-7. */
	for (size_t i = 0; i < ARRAY_LEN(ts); i++) {
		double n = normal_cdf(ts[i]);

		EXPECT_NEAR(n, student_t_cdf(ts[i], 1e6), 2 * P10(-7));
		EXPECT_NEAR(n, student_t_cdf(ts[i], 1e9), 2 * P10(-10));
		EXPECT_NEAR(n, student_t_cdf(ts[i], INFINITY), P10(-15));
	}
	/* ...and it is not the normal: the difference is there at 1e6. */
	EXPECT_GT(fabs(normal_cdf(-2) - student_t_cdf(-2, 1e6)), P10(-8));
}

TEST(t_cdf_against_mpmath)
{
	static const struct {
		double t, df, m;
		int e;		/* the cdf is m * 10^e */
	} ref[] = {
		{ -2, 1e6, 0.022750266925659604211, 0 },
		{ -5, 1e6, 2.8669989354453707845, -7 },
		{ -6, 1e6, 9.8692490617721733495, -10 },
		{ -3, 1e6, 0.0013499312707108985294, 0 },
		{ -1.3, 2e5, 0.096801233679584240498, 0 },
		{ 1.96, 1e5, 0.97500071840284918098, 0 },
		{ -3, 24.9885, 0.0030200091580753799627, 0 },
		{ -0.7, 0.5, 0.342700331260383267, 0 },
		{ -30, 100, 4.1901662793441460847, -52 },
		{ -1000, 3, 1.1026538212882963483, -9 },
		{ -1000, 30, 1.0360017415558665384, -69 },
	};

	for (size_t i = 0; i < ARRAY_LEN(ref); i++) {
		double c = student_t_cdf(ref[i].t, ref[i].df);
		double want = ref[i].m * P10(ref[i].e);

		/* Absolute 1e-13 overall, and tails to 1e-10 relative. */
		EXPECT_NEAR(want, c, P10(-13));
		EXPECT_REL(want, c, P10(-10));
		EXPECT_NEAR(1 - want,
			    student_t_cdf(-ref[i].t, ref[i].df), P10(-13));
	}
}

TEST(t_cdf_invalid_and_limits)
{
	EXPECT_TRUE(isnan(student_t_cdf(NAN, 5)));
	EXPECT_TRUE(isnan(student_t_cdf(1, NAN)));
	EXPECT_TRUE(isnan(student_t_cdf(1, 0)));
	EXPECT_TRUE(isnan(student_t_cdf(1, -3)));
	EXPECT_NEAR(0, student_t_cdf(-INFINITY, 2), 0);
	EXPECT_NEAR(1, student_t_cdf(INFINITY, 2), 0);
	EXPECT_NEAR(0.5, student_t_cdf(0, 7.5), 0);
	/* Past t = 1e154 t^2 overflows; the Cauchy tail is still 1/(pi t). */
	EXPECT_REL(1 / (M_PI * 1e160), student_t_cdf(-1e160, 1), P10(-12));
}

TEST(t_quantile_published_values)
{
	EXPECT_NEAR(2.228138851986, student_t_quantile(0.975, 10), P10(-11));
	EXPECT_NEAR(12.7062047361747, student_t_quantile(0.975, 1), P10(-11));
	EXPECT_NEAR(-12.7062047361747, student_t_quantile(0.025, 1), P10(-11));
	/* df = 2 inverts in closed form: (2p - 1) / sqrt(2 p (1 - p)). */
	EXPECT_NEAR(0.95 / sqrt(2 * 0.975 * 0.025),
		    student_t_quantile(0.975, 2), P10(-12));
	/* df = 1: tan(pi (p - 1/2)). */
	EXPECT_REL(tan(M_PI * (0.999 - 0.5)), student_t_quantile(0.999, 1),
		   P10(-12));
	EXPECT_REL(-1 / (M_PI * P10(-300)), student_t_quantile(P10(-300), 1),
		   P10(-12));
	/* The normal's 1.959963984540054 at a df beyond any sample. */
	EXPECT_NEAR(1.959963984540054, student_t_quantile(0.975, 1e12),
		    P10(-11));
}

TEST(t_quantile_inverts_the_cdf)
{
	const double dfs[] = { 0.5, 1, 3, 24.9885, 1000, 1e6 };
	const double ps[] = { P10(-10), 0.01, 0.3, 0.5, 0.7, 0.99, 1 - P10(-10) };

	for (size_t i = 0; i < ARRAY_LEN(dfs); i++) {
		for (size_t j = 0; j < ARRAY_LEN(ps); j++) {
			double q = student_t_quantile(ps[j], dfs[i]);

			EXPECT_REL(ps[j], student_t_cdf(q, dfs[i]), P10(-12));
			/* 1 - p is exact for p >= 1/2: the same tail. */
			if (ps[j] >= 0.5)
				EXPECT_NEAR(-q, student_t_quantile(1 - ps[j],
								   dfs[i]), 0);
		}
	}
}

TEST(t_quantile_invalid_and_limits)
{
	EXPECT_NEAR(0, student_t_quantile(0.5, 3), 0);
	EXPECT_TRUE(isinf(student_t_quantile(0, 3)));
	EXPECT_LT(student_t_quantile(0, 3), 0);
	EXPECT_TRUE(isinf(student_t_quantile(1, 3)));
	EXPECT_GT(student_t_quantile(1, 3), 0);
	EXPECT_TRUE(isnan(student_t_quantile(-0.1, 3)));
	EXPECT_TRUE(isnan(student_t_quantile(1.1, 3)));
	EXPECT_TRUE(isnan(student_t_quantile(NAN, 3)));
	EXPECT_TRUE(isnan(student_t_quantile(0.9, 0)));
}

/*
 * A worked example, by hand (exact decimal sums):
 *   A: n 10, sum 193.7, mean 19.37, sum of squared deviations 13.041,
 *      s^2 = 1.449, s^2/n = 0.1449
 *   B: n 20, sum 431.8, mean 21.59, sum of squared deviations 323.058,
 *      s^2 = 17.003052631..., s^2/n = 0.85015263157...
 *   diff = 2.22, se = sqrt(0.99505263157...) = 0.99752324864...
 *   t = 2.22 / se = 2.22551203997
 *   df = 0.99505263^2 / (0.1449^2 / 9 + 0.85015263^2 / 19)
 *      = 0.99012974 / (0.00233289 + 0.03803997) = 24.5246349443
 *   p = 2 P(T > 2.2255 | df 24.52) = 0.0354845308300 (mpmath; tables give
 *      0.02 < p < 0.05 at df 24 and 25)
 *   t_0.975(24.5246) = 2.06156463313 (mpmath), so the 95 % CI is
 *      2.22 -+ 2.06156463313 * 0.99752324864 = [0.163541350, 4.276458650]
 *   rel = 2.22 / 19.37 = 0.114610222
 */
static const double wa[] = {
	19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0,
};

static const double wb[] = {
	28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7,
	23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 23.9, 13.3,
};

TEST(welch_worked_example)
{
	struct sample_stats a = describe(wa, ARRAY_LEN(wa));
	struct sample_stats b = describe(wb, ARRAY_LEN(wb));
	struct welch w;

	EXPECT_NEAR(19.37, a.mean, P10(-12));
	EXPECT_NEAR(1.449, a.sd * a.sd, P10(-12));
	EXPECT_NEAR(21.59, b.mean, P10(-12));
	EXPECT_NEAR(323.058 / 19, b.sd * b.sd, P10(-12));

	ASSERT_EQ(0, welch_test(&a, &b, 0.95, &w));
	EXPECT_NEAR(2.22, w.diff, P10(-12));
	EXPECT_NEAR(2.22 / 19.37, w.rel, P10(-12));
	EXPECT_NEAR(2.2255120399698534, w.t, P10(-10));
	EXPECT_NEAR(24.524634944257354, w.df, P10(-9));
	EXPECT_NEAR(0.0354845308300103, w.p, P10(-11));
	EXPECT_NEAR(0.16354134987944358, w.ci_lo, P10(-9));
	EXPECT_NEAR(4.276458650120555, w.ci_hi, P10(-9));
}

TEST(welch_is_antisymmetric)
{
	struct sample_stats a = describe(wa, ARRAY_LEN(wa));
	struct sample_stats b = describe(wb, ARRAY_LEN(wb));
	struct welch ab, ba;

	ASSERT_EQ(0, welch_test(&a, &b, 0.99, &ab));
	ASSERT_EQ(0, welch_test(&b, &a, 0.99, &ba));
	EXPECT_NEAR(-ab.t, ba.t, P10(-12));
	EXPECT_NEAR(ab.df, ba.df, P10(-9));
	EXPECT_NEAR(ab.p, ba.p, P10(-15));
	EXPECT_NEAR(-ab.ci_hi, ba.ci_lo, P10(-12));
	EXPECT_NEAR(-ab.ci_lo, ba.ci_hi, P10(-12));
	/* 99 % is wider than 95 % and, at p = 0.035, straddles zero. */
	EXPECT_LT(ab.ci_lo, 0);
	EXPECT_GT(ab.ci_hi, 4.3);
}

TEST(welch_too_few)
{
	const double one[] = { 5 }, two[] = { 5, 6 };
	struct sample_stats a = describe(one, 1), b = describe(two, 2);
	struct sample_stats none = describe(one, 0);
	struct welch w;

	EXPECT_EQ(-1, welch_test(&a, &b, 0.95, &w));
	EXPECT_EQ(-1, welch_test(&b, &a, 0.95, &w));
	EXPECT_EQ(-1, welch_test(&none, &b, 0.95, &w));
	EXPECT_EQ(0, welch_test(&b, &b, 0.95, &w));
}

TEST(welch_constant_sides)
{
	const double c7[] = { 7, 7, 7 }, c7b[] = { 7, 7, 7, 7, 7 };
	const double c9[] = { 9, 9, 9, 9 }, z[] = { 0, 0 };
	struct sample_stats a = describe(c7, 3), b = describe(c7b, 5);
	struct welch w;

	ASSERT_EQ(0, welch_test(&a, &b, 0.95, &w));
	EXPECT_NEAR(1, w.p, 0);
	EXPECT_NEAR(0, w.t, 0);
	EXPECT_NEAR(0, w.diff, 0);
	EXPECT_NEAR(6, w.df, 0);
	EXPECT_NEAR(0, w.ci_lo, 0);
	EXPECT_NEAR(0, w.ci_hi, 0);

	b = describe(c9, 4);
	ASSERT_EQ(0, welch_test(&a, &b, 0.95, &w));
	EXPECT_NEAR(0, w.p, 0);
	EXPECT_TRUE(isinf(w.t) && w.t > 0);
	EXPECT_NEAR(2, w.diff, 0);
	EXPECT_NEAR(2.0 / 7, w.rel, P10(-15));
	EXPECT_NEAR(5, w.df, 0);
	EXPECT_NEAR(2, w.ci_lo, 0);
	EXPECT_NEAR(2, w.ci_hi, 0);

	ASSERT_EQ(0, welch_test(&b, &a, 0.95, &w));
	EXPECT_TRUE(isinf(w.t) && w.t < 0);
	EXPECT_NEAR(-2.0 / 9, w.rel, P10(-15));

	/* Mean A of 0: no relative change to speak of. */
	a = describe(z, 2);
	ASSERT_EQ(0, welch_test(&a, &b, 0.95, &w));
	EXPECT_NEAR(9, w.diff, 0);
	EXPECT_NEAR(0, w.rel, 0);
}

TEST(welch_one_side_constant)
{
	/* A has no variance: se^2 is B's alone and df = n_B - 1. */
	const double a7[] = { 10, 10, 10, 10 }, b3[] = { 11, 12, 13 };
	struct sample_stats a = describe(a7, 4), b = describe(b3, 3);
	struct welch w;

	ASSERT_EQ(0, welch_test(&a, &b, 0.95, &w));
	EXPECT_NEAR(2, w.df, P10(-12));
	/* diff 2, se = 1 / sqrt(3): t = 2 sqrt(3), and df 2 has closed forms. */
	EXPECT_NEAR(2 * sqrt(3), w.t, P10(-12));
	EXPECT_NEAR(1 - 2 * sqrt(3) / sqrt(2 + 12), w.p, P10(-13));
	EXPECT_NEAR(2 - 0.95 / sqrt(2 * 0.975 * 0.025) / sqrt(3), w.ci_lo,
		    P10(-11));
	/* rel is against |mean A|: a negative baseline keeps diff's sign. */
	a.mean = -10;
	ASSERT_EQ(0, welch_test(&a, &b, 0.95, &w));
	EXPECT_NEAR(2.2, w.rel, P10(-15));
}

/* As an int: the enum is unsigned, its constants are not. */
static int verdict(const struct welch *w, int higher_better, double alpha,
		   double min_rel)
{
	return cmp_verdict(w, higher_better, alpha, min_rel);
}

static struct welch verdict_w(double diff, double rel, double p)
{
	struct welch w = { .diff = diff, .rel = rel, .p = p };

	return w;
}

TEST(verdict_directions)
{
	struct welch up = verdict_w(5, 0.1, 0.001), down = verdict_w(-5, -0.1, 0.001);

	EXPECT_EQ(CMP_BETTER, verdict(&up, 1, 0.05, 0.02));
	EXPECT_EQ(CMP_WORSE, verdict(&up, 0, 0.05, 0.02));
	EXPECT_EQ(CMP_WORSE, verdict(&down, 1, 0.05, 0.02));
	EXPECT_EQ(CMP_BETTER, verdict(&down, 0, 0.05, 0.02));
}

TEST(verdict_needs_significance_and_size)
{
	struct welch w = verdict_w(5, 0.1, 0.05);

	/* p must be strictly below alpha. */
	EXPECT_EQ(CMP_SAME, verdict(&w, 1, 0.05, 0.02));
	w.p = 0.049;
	EXPECT_EQ(CMP_BETTER, verdict(&w, 1, 0.05, 0.02));
	/* |rel| at the threshold counts, below it does not. */
	EXPECT_EQ(CMP_BETTER, verdict(&w, 1, 0.05, 0.1));
	EXPECT_EQ(CMP_SAME, verdict(&w, 1, 0.05, 0.11));
	w.rel = -0.1;
	w.diff = -5;
	EXPECT_EQ(CMP_WORSE, verdict(&w, 1, 0.05, 0.1));
	EXPECT_EQ(CMP_SAME, verdict(&w, 1, 0.05, 0.11));
	/* No evidence, no verdict. */
	w.p = NAN;
	EXPECT_EQ(CMP_SAME, verdict(&w, 1, 0.05, 0));
}

TEST(verdict_from_welch)
{
	struct sample_stats a = describe(wa, ARRAY_LEN(wa));
	struct sample_stats b = describe(wb, ARRAY_LEN(wb));
	struct welch w;

	ASSERT_EQ(0, welch_test(&a, &b, 0.95, &w));
	/* p = 0.035, rel = 11.5 %. */
	EXPECT_EQ(CMP_BETTER, verdict(&w, 1, 0.05, 0.05));
	EXPECT_EQ(CMP_WORSE, verdict(&w, 0, 0.05, 0.05));
	EXPECT_EQ(CMP_SAME, verdict(&w, 1, 0.01, 0.05));
	EXPECT_EQ(CMP_SAME, verdict(&w, 1, 0.05, 0.2));
}

TEST(verdict_names)
{
	EXPECT_STREQ("same", cmp_verdict_name(CMP_SAME));
	EXPECT_STREQ("better", cmp_verdict_name(CMP_BETTER));
	EXPECT_STREQ("worse", cmp_verdict_name(CMP_WORSE));
	EXPECT_STREQ("too-few", cmp_verdict_name(CMP_TOO_FEW));
	EXPECT_STREQ("?", cmp_verdict_name((enum cmp_verdict)42));
	EXPECT_STREQ("?", cmp_verdict_name((enum cmp_verdict)-1));
}

TEST_HARNESS_MAIN
