// SPDX-License-Identifier: GPL-2.0
/*
 * host/cmd/harness_list.c: what "PROG -l" prints, parsed. Real listings
 * of the built programs (harness-list/, captured from build/selftests),
 * tables made with the harness's own row format, and hostile input:
 * overlong lines, missing columns, no header, bad bytes, random garbage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "cmd/harness_list.h"
#include "util.h"

static char err[1024];

/* A row as test_harness_list_tests() prints it. */
static size_t row(char *buf, size_t off, size_t cap, const char *f,
		  const char *v, const char *t)
{
	int n = snprintf(buf + off, cap - off, "%-20s %-25s %s\n", f, v, t);

	return off + (size_t)n;
}

static size_t header(char *buf, size_t cap)
{
	return row(buf, 0, cap, "# FIXTURE", "VARIANT", "TEST");
}

static size_t separator(char *buf, size_t off, size_t cap)
{
	char dashes[81];

	memset(dashes, '-', 80);
	dashes[80] = '\0';
	return off + (size_t)snprintf(buf + off, cap - off, "%s\n", dashes);
}

static int parse_str(struct harness_list *l, const char *s)
{
	err[0] = '\0';
	return harness_list_parse(l, s, strlen(s), err, sizeof(err));
}

/* Parse @name.stderr (and @name.stdout, if there) of harness-list/. */
static int parse_file(struct harness_list *l, const char *name)
{
	char path[256];
	size_t len;
	char *buf;
	int r;

	snprintf(path, sizeof(path), "harness-list/%s.stderr", name);
	buf = read_file(path, HARNESS_OUT_MAX, &len);
	if (!buf)
		return -2;
	r = harness_list_parse(l, buf, len, err, sizeof(err));
	free(buf);
	snprintf(path, sizeof(path), "harness-list/%s.stdout", name);
	buf = read_file(path, HARNESS_OUT_MAX, &len);
	if (!r && buf)
		r = harness_needs_parse(l, buf, len, err, sizeof(err));
	free(buf);
	return r;
}

TEST(real_scenarios_listing)
{
	struct harness_list l;
	const struct harness_test *t;
	char text[128];

	ASSERT_EQ(0, parse_file(&l, "scenarios")) TH_LOG("%s", err);
	/* 2 TEST()s, 32 canned variants of one test, 9 negative tests. */
	ASSERT_EQ(43u, l.n);
	EXPECT_STREQ("global.limits_layers", l.v[0].name);
	EXPECT_STREQ("global.catalogue", l.v[1].name);
	EXPECT_STREQ("canned.steady.passes", l.v[2].name);
	EXPECT_STREQ("canned.sched_attach_detach.passes", l.v[33].name);
	EXPECT_STREQ("negative.not_starved", l.v[34].name);
	EXPECT_STREQ("negative.add_undefined_cgroup", l.v[42].name);

	t = harness_find(&l, "canned.numa_spanning.passes");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(HARNESS_NEED_NUMA, t->needs);
	EXPECT_EQ(0u, t->min_cpus);
	harness_needs_text(t, text, sizeof(text));
	EXPECT_STREQ("2+ NUMA nodes", text);
	t = harness_find(&l, "canned.policy_mix.passes");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(4u, t->min_cpus);
	t = harness_find(&l, "canned.smt_siblings.passes");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(HARNESS_NEED_SMT, t->needs);
	t = harness_find(&l, "canned.sched_attach_detach.passes");
	ASSERT_NE(NULL, t);
	EXPECT_EQ(HARNESS_NEED_SCHED, t->needs);
	t = harness_find(&l, "canned.steady.passes");
	ASSERT_NE(NULL, t);
	harness_needs_text(t, text, sizeof(text));
	EXPECT_STREQ("", text);
	EXPECT_EQ(NULL, harness_find(&l, "canned.passes"));
	harness_list_free(&l);
}

/* A fixture without tests (global here) prints a row and yields none. */
TEST(real_topology_listing)
{
	struct harness_list l;

	ASSERT_EQ(0, parse_file(&l, "topology")) TH_LOG("%s", err);
	ASSERT_EQ(5u, l.n);
	EXPECT_STREQ("topo.online_cpus", l.v[0].name);
	EXPECT_STREQ("topo.sched_domains", l.v[4].name);
	harness_list_free(&l);
}

TEST(real_global_only_listing)
{
	struct harness_list l;

	ASSERT_EQ(0, parse_file(&l, "sched_ext_state")) TH_LOG("%s", err);
	ASSERT_EQ(3u, l.n);
	EXPECT_STREQ("global.state_matches_request", l.v[0].name);
	EXPECT_STREQ("global.this_task_is_scheduled_by_ext", l.v[2].name);
	harness_list_free(&l);
}

/* Variants and tests side by side: every variant runs every test. */
TEST(variants_times_tests_in_run_order)
{
	static const char *const want[] = {
		"fx.v1.t1", "fx.v1.t2", "fx.v1.t3",
		"fx.v2.t1", "fx.v2.t2", "fx.v2.t3",
		"other.only",
	};
	struct harness_list l;
	char buf[2048];
	size_t off = header(buf, sizeof(buf));

	off = row(buf, off, sizeof(buf), "fx", "v1", "t1");
	off = row(buf, off, sizeof(buf), "", "v2", "t2");
	off = row(buf, off, sizeof(buf), "", "", "t3");
	off = separator(buf, off, sizeof(buf));
	off = row(buf, off, sizeof(buf), "other", "", "only");
	ASSERT_EQ(0, harness_list_parse(&l, buf, off, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(ARRAY_SIZE(want), l.n);
	for (size_t i = 0; i < l.n; i++)
		EXPECT_STREQ(want[i], l.v[i].name);
	harness_list_free(&l);
}

/* Names wider than their column push the next one right, as printf does. */
TEST(long_names_push_columns)
{
	const char *f = "a_fixture_name_longer_than_twenty";
	const char *v = "a_variant_name_much_longer_than_twenty_five";
	struct harness_list l;
	char buf[1024], want[256];
	size_t off = header(buf, sizeof(buf));

	off = row(buf, off, sizeof(buf), f, v, "t");
	off = row(buf, off, sizeof(buf), "", "v-2", "");
	ASSERT_EQ(0, harness_list_parse(&l, buf, off, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(2u, l.n);
	snprintf(want, sizeof(want), "%s.%s.t", f, v);
	EXPECT_STREQ(want, l.v[0].name);
	snprintf(want, sizeof(want), "%s.v-2.t", f);
	EXPECT_STREQ(want, l.v[1].name);
	harness_list_free(&l);
}

/* t == f->tests holds on every row of a fixture without tests. */
TEST(fixture_without_tests_named_on_every_row)
{
	struct harness_list l;
	char buf[1024];
	size_t off = header(buf, sizeof(buf));

	off = row(buf, off, sizeof(buf), "empty", "v1", "");
	off = row(buf, off, sizeof(buf), "empty", "v2", "");
	ASSERT_EQ(0, harness_list_parse(&l, buf, off, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(0u, l.n);
	harness_list_free(&l);
}

struct bad_table {
	const char *text;
	const char *why;	/* a fragment the error must hold */
};

TEST(rejects_bad_tables)
{
	const struct bad_table bad[] = {
		{ "", "no output" },
		{ "topo                                           online_cpus\n",
		  "header" },
		{ "# FIXTURE VARIANT TEST\n", "header" },
		{ "# FIXTURE            VARIANT                   TEST\n",
		  "without rows" },
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "--------------------------------------------------------------------------------\n"
		  "topo                                           a\n",
		  "without rows" },
		/* Missing columns: single spaces, no padding. */
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "canned steady passes\n", "not a row" },
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "topo\tonline_cpus\n", "byte 0x09" },
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "                                               online_cpus\n",
		  "first row" },
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "topo                                           a\n"
		  "other                                          b\n",
		  "one fixture per section" },
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "topo                                           \n"
		  "                                               b\n",
		  "after a blank cell" },
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "topo                                           a\n"
		  "                                               \n",
		  "empty row" },
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "topo                                           a.b\n",
		  "not a row" },
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "topo                                           a b\n",
		  "not a row" },
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "-------------------------------------------------------------------------------\n",
		  "not a row" },
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "topo                                           a",
		  "cut short" },
		{ "# FIXTURE            VARIANT                   TEST\n"
		  "topo                                           caf\xc3\xa9\n",
		  "byte 0xc3" },
		{ "# FIXTURE            VARIANT                   TEST\r\n"
		  "topo                                           a\n",
		  "byte 0x0d" },
	};
	struct harness_list l;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-1, parse_str(&l, bad[i].text))
			TH_LOG("accepted table %zu", i);
		EXPECT_NE(NULL, strstr(err, bad[i].why))
			TH_LOG("table %zu: \"%s\" lacks \"%s\"", i, err,
			       bad[i].why);
		EXPECT_EQ(NULL, strchr(err, '\n'));
		EXPECT_EQ(0u, l.n);
		EXPECT_EQ(NULL, l.v);
	}
}

TEST(rejects_nul_byte)
{
	static const char text[] =
		"# FIXTURE            VARIANT                   TEST\n"
		"topo                                           a\0b\n";
	struct harness_list l;

	EXPECT_EQ(-1, harness_list_parse(&l, text, sizeof(text) - 1, err,
					 sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "byte 0x00")) TH_LOG("%s", err);
}

TEST(bounds_hold)
{
	struct harness_list l;
	size_t cap = HARNESS_OUT_MAX * 2, off;
	char *buf = malloc(cap);
	char name[200];

	ASSERT_NE(NULL, buf);
	/* A line past the bound. */
	off = header(buf, cap);
	memset(buf + off, 'a', 600);
	buf[off + 600] = '\n';
	EXPECT_EQ(-1, harness_list_parse(&l, buf, off + 601, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "line 2 is longer than 512 bytes"))
		TH_LOG("%s", err);

	/* A name past HARNESS_NAME_MAX once joined. */
	memset(name, 'n', 100);
	name[100] = '\0';
	off = header(buf, cap);
	off = row(buf, off, cap, name, name, "t");
	EXPECT_EQ(-1, harness_list_parse(&l, buf, off, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "longer than 127 bytes")) TH_LOG("%s", err);

	/* 65 variants by 65 tests: more subtests than allowed. */
	off = header(buf, cap);
	for (int i = 0; i < 65; i++) {
		char v[16], t[16];

		snprintf(v, sizeof(v), "v%d", i);
		snprintf(t, sizeof(t), "t%d", i);
		off = row(buf, off, cap, i ? "" : "fx", v, t);
	}
	EXPECT_EQ(-1, harness_list_parse(&l, buf, off, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "more than 4096 subtests")) TH_LOG("%s", err);
	EXPECT_EQ(NULL, l.v);

	/* More than the whole bound. */
	off = header(buf, cap);
	while (off < HARNESS_OUT_MAX + 100)
		off = row(buf, off, cap, "", "", "t");
	EXPECT_EQ(-1, harness_list_parse(&l, buf, off, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "more than")) TH_LOG("%s", err);
	free(buf);
}

/* Every name a successful parse yields is well formed and bounded. */
static int names_sane(const struct harness_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const char *n = l->v[i].name;
		size_t len = strnlen(n, HARNESS_NAME_MAX);

		if (!len || len >= HARNESS_NAME_MAX ||
		    strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != len)
			return 0;
	}
	return 1;
}

/* Random bytes, and the real table with bytes flipped: bounded, no crash. */
TEST(garbage_and_mutations)
{
	unsigned int seed = 12345;
	struct harness_list l;
	size_t len, accepted = 0;
	char *real = read_file("harness-list/scenarios.stderr", HARNESS_OUT_MAX,
			       &len);
	char buf[4096];

	ASSERT_NE(NULL, real);
	for (int i = 0; i < 2000; i++) {
		size_t n = (size_t)rand_r(&seed) % sizeof(buf);

		for (size_t j = 0; j < n; j++)
			buf[j] = (char)(rand_r(&seed) % 4 ? " \n-ab_"[rand_r(&seed) % 6] :
					rand_r(&seed) & 0xff);
		if (!harness_list_parse(&l, buf, n, err, sizeof(err))) {
			EXPECT_TRUE(names_sane(&l));
			harness_list_free(&l);
		}
	}
	ASSERT_LT(len, sizeof(buf));
	for (int i = 0; i < 5000; i++) {
		memcpy(buf, real, len);
		for (int k = 0; k < 1 + i % 4; k++) {
			size_t at = (size_t)rand_r(&seed) % len;

			buf[at] = " \n-x.\t\0"[rand_r(&seed) % 7];
		}
		if (!harness_list_parse(&l, buf, len - (size_t)(i % 3), err,
					sizeof(err))) {
			accepted++;
			EXPECT_TRUE(names_sane(&l));
			EXPECT_LE(l.n, (size_t)HARNESS_TESTS_MAX);
			harness_list_free(&l);
		} else {
			EXPECT_EQ(NULL, strchr(err, '\n'));
		}
	}
	/* Some mutations (a letter for a letter) still parse. */
	EXPECT_GT(accepted, 0u);
	free(real);
}

TEST(rejects_bad_needs)
{
	static const char *const bad[] = {
		"# needs fx.a cpus=0\n",
		"# needs fx.a cpus=4097\n",
		"# needs fx.a cpus=4x\n",
		"# needs fx.a cpus=\n",
		"# needs fx.a cpus=-1\n",
		"# needs fx.a cpus=2 cpus=3\n",
		"# needs fx.a smt smt\n",
		"# needs fx.a gpu\n",
		"# needs fx.a\n",
		"# needs\n",
		"# needs fx.nosuch smt\n",
		"# needs fx.a smt\n# needs fx.a numa\n",
		"needs fx.a smt\n",
		"# needs fx.a smt",
		"hello\n",
	};
	struct harness_list l;
	char buf[512];
	size_t off = header(buf, sizeof(buf));

	off = row(buf, off, sizeof(buf), "fx", "", "a");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(0, harness_list_parse(&l, buf, off, err, sizeof(err)));
		err[0] = '\0';
		EXPECT_EQ(-1, harness_needs_parse(&l, bad[i], strlen(bad[i]),
						  err, sizeof(err)))
			TH_LOG("accepted needs \"%s\"", bad[i]);
		EXPECT_NE('\0', err[0]);
		EXPECT_EQ(NULL, strchr(err, '\n'));
		harness_list_free(&l);
	}
}

TEST(needs_text)
{
	struct harness_list l;
	static const char needs[] =
		"# needs fx.a cpus=8 scheduler smt llcs numa\n";
	char buf[512], text[128];
	size_t off = header(buf, sizeof(buf));

	off = row(buf, off, sizeof(buf), "fx", "", "a");
	ASSERT_EQ(0, harness_list_parse(&l, buf, off, err, sizeof(err)));
	ASSERT_EQ(0, harness_needs_parse(&l, needs, strlen(needs), err,
					 sizeof(err))) TH_LOG("%s", err);
	harness_needs_text(&l.v[0], text, sizeof(text));
	EXPECT_STREQ("8+ CPUs, 2+ NUMA nodes, 2+ LLCs, SMT, a scheduler to attach",
		     text);
	/* A short buffer is cut, never overrun. */
	harness_needs_text(&l.v[0], text, 10);
	EXPECT_STREQ("8+ CPUs, ", text);
	harness_list_free(&l);
}

TEST_HARNESS_MAIN
