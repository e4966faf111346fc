// SPDX-License-Identifier: GPL-2.0
/*
 * The A/B box plot's SVG: its frame, one dot per finite run, escaping,
 * the empty and constant cases, repeatability and the value axis.
 *
 * plot.c emits the run dots as <circle> elements in a fixed order: A's
 * finite values in input order, then B's. The tests that read cy rely on it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "compare/plot.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define REL_TOL		0.000001	/* the tick labels are rounded */

/* The SVG as a string (NULL if the stream failed); @rc is plot_svg()'s. */
static char *render(const char *title, const char *unit,
		    const struct plot_series *a, const struct plot_series *b,
		    int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	*rc = plot_svg(f, title, unit, a, b);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (s = strstr(s, what); s; s = strstr(s + 1, what))
		n++;
	return n;
}

/* The cy of every <circle>, in document order; the count. */
static size_t circle_ys(const char *s, double *y, size_t max)
{
	size_t n = 0;

	for (s = strstr(s, "<circle"); s && n < max; s = strstr(s + 1, "<circle")) {
		const char *cy = strstr(s, " cy=\"");

		if (!cy)
			break;
		y[n++] = strtod(cy + 5, NULL);
	}
	return n;
}

static const double va[] = { 12.5, 14.0, 11.2, 13.9, 12.8, 15.1 };
static const double vb[] = { 10.1, 9.8, 11.0, 10.4 };

TEST(svg_frame)
{
	struct plot_series a = { "A: scx_simple", va, ARRAY_LEN(va) };
	struct plot_series b = { "B: scx_rusty", vb, ARRAY_LEN(vb) };
	char *svg;
	size_t len;
	int rc = -2;

	svg = render("wakeup latency", "us", &a, &b, &rc);
	ASSERT_NE(NULL, svg);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(0, strncmp(svg, "<svg ", 5));
	len = strlen(svg);
	ASSERT_GT(len, strlen("</svg>\n"));
	EXPECT_STREQ("</svg>\n", svg + len - strlen("</svg>\n"));
	EXPECT_NE(NULL, strstr(svg, "viewBox=\"0 0 640 360\""));
	EXPECT_NE(NULL, strstr(svg, ">wakeup latency</text>"));
	EXPECT_NE(NULL, strstr(svg, ">us</text>"));
	EXPECT_NE(NULL, strstr(svg, ">A: scx_simple</text>"));
	EXPECT_NE(NULL, strstr(svg, ">B: scx_rusty</text>"));
	EXPECT_NE(NULL, strstr(svg, "n = 6<"));
	EXPECT_NE(NULL, strstr(svg, "n = 4<"));
	/* Self-contained: nothing to run, nothing to fetch. */
	EXPECT_EQ(NULL, strstr(svg, "<script"));
	EXPECT_EQ(NULL, strstr(svg, "href"));
	EXPECT_EQ(NULL, strstr(svg, "@import"));
	free(svg);
}

TEST(one_circle_per_finite_value)
{
	const double xa[] = { 1, NAN, 2, INFINITY, 3, -INFINITY, 4 };
	const double xb[] = { NAN, 5, 6 };
	struct plot_series a = { "A", xa, ARRAY_LEN(xa) };
	struct plot_series b = { "B", xb, ARRAY_LEN(xb) };
	char *svg;
	int rc = -2;

	svg = render("t", "ns", &a, &b, &rc);
	ASSERT_NE(NULL, svg);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(4u + 2u, count(svg, "<circle"));
	/* Skipped values leave no trace; n counts the finite ones only. */
	EXPECT_EQ(NULL, strstr(svg, "nan"));
	EXPECT_EQ(NULL, strstr(svg, "inf"));
	EXPECT_NE(NULL, strstr(svg, "n = 4<"));
	EXPECT_NE(NULL, strstr(svg, "n = 2<"));
	free(svg);
}

TEST(text_is_escaped)
{
	struct plot_series a = { "A: x&y", va, ARRAY_LEN(va) };
	struct plot_series b = { "B: \"q\" 'p'", vb, ARRAY_LEN(vb) };
	char *svg;
	int rc = -2;

	svg = render("<&> lat\x01", "a<b", &a, &b, &rc);
	ASSERT_NE(NULL, svg);
	EXPECT_EQ(0, rc);
	EXPECT_NE(NULL, strstr(svg, ">&lt;&amp;&gt; lat?</text>"));
	EXPECT_EQ(NULL, strstr(svg, "<&>"));
	EXPECT_NE(NULL, strstr(svg, ">a&lt;b</text>"));
	EXPECT_EQ(NULL, strstr(svg, "a<b"));
	EXPECT_NE(NULL, strstr(svg, ">A: x&amp;y</text>"));
	EXPECT_NE(NULL, strstr(svg, ">B: &quot;q&quot; &apos;p&apos;</text>"));
	/* A control character is not XML at all. */
	EXPECT_EQ(NULL, strchr(svg, '\x01'));
	free(svg);
}

TEST(both_empty_is_an_error)
{
	const double xn[] = { NAN, INFINITY };
	struct plot_series e = { "A", NULL, 0 };
	struct plot_series n = { "B", xn, ARRAY_LEN(xn) };
	char *svg;
	int rc = -2;

	svg = render("t", "us", &e, &e, &rc);
	ASSERT_NE(NULL, svg);
	EXPECT_EQ(-1, rc);
	EXPECT_STREQ("", svg);
	free(svg);

	/* Values that are all skipped are no data either. */
	svg = render("t", "us", &n, &e, &rc);
	ASSERT_NE(NULL, svg);
	EXPECT_EQ(-1, rc);
	EXPECT_STREQ("", svg);
	free(svg);

	svg = render("t", "us", NULL, NULL, &rc);
	ASSERT_NE(NULL, svg);
	EXPECT_EQ(-1, rc);
	free(svg);
}

TEST(one_empty_side_says_no_data)
{
	struct plot_series a = { "A", NULL, 0 };
	struct plot_series b = { "B", vb, ARRAY_LEN(vb) };
	char *svg;
	int rc = -2;

	svg = render("t", "us", &a, &b, &rc);
	ASSERT_NE(NULL, svg);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(1u, count(svg, ">no data<"));
	EXPECT_EQ(ARRAY_LEN(vb), count(svg, "<circle"));
	EXPECT_NE(NULL, strstr(svg, "n = 0<"));
	free(svg);
}

TEST(all_equal_values)
{
	const double same[] = { 7, 7, 7 }, zero[] = { 0, 0 };
	struct plot_series a = { "A", same, ARRAY_LEN(same) };
	struct plot_series b = { "B", same, ARRAY_LEN(same) };
	size_t ticks;
	char *svg;
	int rc = -2;

	svg = render("t", "us", &a, &b, &rc);
	ASSERT_NE(NULL, svg);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(NULL, strstr(svg, "nan"));
	EXPECT_EQ(NULL, strstr(svg, "inf"));
	EXPECT_EQ(6u, count(svg, "<circle"));
	/* Tick labels are the only right-aligned text. */
	ticks = count(svg, "text-anchor=\"end\"");
	EXPECT_GE(ticks, 4u);
	EXPECT_LE(ticks, 6u);
	free(svg);

	a.v = zero;
	a.n = ARRAY_LEN(zero);
	b.n = 0;
	svg = render("t", "us", &a, &b, &rc);
	ASSERT_NE(NULL, svg);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(NULL, strstr(svg, "nan"));
	EXPECT_EQ(NULL, strstr(svg, "inf"));
	ticks = count(svg, "text-anchor=\"end\"");
	EXPECT_GE(ticks, 4u);
	EXPECT_LE(ticks, 6u);
	free(svg);
}

TEST(same_input_same_bytes)
{
	struct plot_series a = { "A", va, ARRAY_LEN(va) };
	struct plot_series b = { "B", vb, ARRAY_LEN(vb) };
	char *s1, *s2;
	int rc = -2;

	s1 = render("t", "us", &a, &b, &rc);
	ASSERT_NE(NULL, s1);
	s2 = render("t", "us", &a, &b, &rc);
	ASSERT_NE(NULL, s2);
	EXPECT_STREQ(s1, s2);
	free(s1);
	free(s2);
}

TEST(larger_values_are_higher)
{
	const double xa[] = { 10, 30, 20 }, xb[] = { 15, 5 };
	struct plot_series a = { "A", xa, ARRAY_LEN(xa) };
	struct plot_series b = { "B", xb, ARRAY_LEN(xb) };
	double y[8];
	char *svg;
	int rc = -2;

	svg = render("t", "us", &a, &b, &rc);
	ASSERT_NE(NULL, svg);
	EXPECT_EQ(0, rc);
	/* Document order: A's 10, 30, 20, then B's 15, 5. SVG y grows down. */
	ASSERT_EQ(5u, circle_ys(svg, y, ARRAY_LEN(y)));
	EXPECT_GT(y[0], y[2]);		/* 10 below 20 */
	EXPECT_GT(y[2], y[1]);		/* 20 below 30 */
	EXPECT_GT(y[3], y[2]);		/* 15 below 20 */
	EXPECT_GT(y[0], y[3]);		/* 10 below 15 */
	EXPECT_GT(y[4], y[0]);		/* 5 lowest */
	/* Inside the 360-high canvas, below the title. */
	for (int i = 0; i < 5; i++) {
		EXPECT_GT(y[i], 30);
		EXPECT_LT(y[i], 320);
	}
	free(svg);
}

/* The tick labels: 4 to 6, evenly 1, 2, 2.5 or 5 x 10^k apart, covering the data. */
TEST(nice_ticks_cover_the_data)
{
	static const double ranges[][2] = {
		{ 3.2, 9.7 }, { 0.0012, 0.0049 }, { -40, 1234 },
		{ 99999, 100001 }, { 1e9, 3.3e9 }, { -5, -1 },
	};

	for (size_t r = 0; r < ARRAY_LEN(ranges); r++) {
		struct plot_series a = { "A", &ranges[r][0], 1 };
		struct plot_series b = { "B", &ranges[r][1], 1 };
		double t[16], step, m;
		const char *p;
		size_t n = 0;
		char *svg;
		int rc = -2;

		svg = render("t", "u", &a, &b, &rc);
		ASSERT_NE(NULL, svg);
		EXPECT_EQ(0, rc);
		for (p = strstr(svg, "text-anchor=\"end\""); p && n < ARRAY_LEN(t);
		     p = strstr(p + 1, "text-anchor=\"end\"")) {
			p = strchr(p, '>');
			ASSERT_NE(NULL, p);
			t[n++] = strtod(p + 1, NULL);
		}
		free(svg);
		EXPECT_GE(n, 4u);
		EXPECT_LE(n, 6u);
		if (n < 2)
			continue;
		/* Emitted lowest first; the labels are rounded, hence the slack. */
		EXPECT_LE(t[0], ranges[r][0]);
		EXPECT_GE(t[n - 1], ranges[r][1]);
		step = t[1] - t[0];
		for (size_t i = 2; i < n; i++)
			EXPECT_LT(fabs(t[i] - t[i - 1] - step), step * REL_TOL);
		m = step / pow(10, floor(log10(step) + REL_TOL));
		EXPECT_TRUE(fabs(m - 1) < REL_TOL || fabs(m - 2) < REL_TOL ||
			    fabs(m - 2.5) < REL_TOL || fabs(m - 5) < REL_TOL) {
			TH_LOG("range %zu: step %g", r, step);
		}
	}
}

TEST(write_error)
{
	struct plot_series a = { "A", va, ARRAY_LEN(va) };
	struct plot_series b = { "B", vb, ARRAY_LEN(vb) };
	char small[64];
	FILE *f;

	/* The SVG is kilobytes: this stream fills up early. */
	f = fmemopen(small, sizeof(small), "w");
	ASSERT_NE(NULL, f);
	EXPECT_EQ(-1, plot_svg(f, "t", "us", &a, &b));
	fclose(f);

	f = fopen("/dev/full", "w");
	if (f) {
		EXPECT_EQ(-1, plot_svg(f, "t", "us", &a, &b));
		fclose(f);
	}
	EXPECT_EQ(-1, plot_svg(NULL, "t", "us", &a, &b));
}

TEST_HARNESS_MAIN
