// SPDX-License-Identifier: GPL-2.0
/*
 * host/gauntlet/junit.c: escaping for XML 1.0 (markup characters,
 * control bytes and broken UTF-8 that no XML parser would take), and
 * the document's suites, counts and cases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "gauntlet/junit.h"
#include "xml_escape.h"

static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	xml_escape(f, s);
	fclose(f);
	return buf;
}

struct esc {
	const char *in, *out;
};

TEST(escaping)
{
	const struct esc cases[] = {
		{ "plain", "plain" },
		{ "a<b>&\"c'", "a&lt;b&gt;&amp;&quot;c&apos;" },
		{ "tab\tnl\ncr\r", "tab\tnl\ncr\r" },
		{ "bell\a esc\x1b del\x7f", "bell? esc? del?" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7" },
		{ "cut \xc3", "cut ?" },
		{ "lone \x80 byte", "lone ? byte" },
		{ "overlong \xc0\xaf", "overlong ??" },
		{ "surrogate \xed\xa0\x80", "surrogate ???" },
		{ "fffe \xef\xbf\xbe", "fffe ???" },
		{ "too big \xf4\x90\x80\x80", "too big ????" },
		{ "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = escaped(cases[i].in);

		EXPECT_STREQ(cases[i].out, out);
		free(out);
	}
}

TEST(document)
{
	const struct junit_case c[] = {
		{ .suite = "tiny/eevdf", .classname = "ktstr.tiny.eevdf",
		  .name = "t:a", .time_s = 1.5, .kind = JUNIT_PASS },
		{ .suite = "numa2/eevdf", .classname = "ktstr.numa2.eevdf",
		  .name = "t:a", .time_s = 2, .kind = JUNIT_FAIL,
		  .message = "sched-error", .text = "BUG <here>" },
		{ .suite = "tiny/eevdf", .classname = "ktstr.tiny.eevdf",
		  .name = "t:numa", .kind = JUNIT_SKIP,
		  .message = "not applicable: needs 2+ NUMA nodes, has 1" },
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	char *tiny, *numa;

	junit_write(f, "ktstr gauntlet", c, 3);
	fclose(f);
	EXPECT_EQ(0, strncmp(buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39));
	EXPECT_NE(NULL, strstr(buf, "<testsuites name=\"ktstr gauntlet\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"3.500\">"));
	tiny = strstr(buf, "<testsuite name=\"tiny/eevdf\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"1\" time=\"1.500\">");
	numa = strstr(buf, "<testsuite name=\"numa2/eevdf\" tests=\"1\" failures=\"1\"");
	ASSERT_NE(NULL, tiny);
	ASSERT_NE(NULL, numa);
	/* Suites in the order their first case comes, each written once. */
	EXPECT_LT(tiny, numa);
	EXPECT_EQ(NULL, strstr(tiny + 1, "<testsuite name=\"tiny/eevdf\""));
	EXPECT_NE(NULL, strstr(buf, "<testcase classname=\"ktstr.tiny.eevdf\" name=\"t:a\" time=\"1.500\"/>"));
	EXPECT_NE(NULL, strstr(buf, "<failure message=\"sched-error\">BUG &lt;here&gt;</failure>"));
	EXPECT_NE(NULL, strstr(buf, "<skipped message=\"not applicable: needs 2+ NUMA nodes, has 1\"/>"));
	EXPECT_NE(NULL, strstr(buf, "</testsuites>\n"));
	free(buf);
}

TEST(empty_document)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	junit_write(f, "ktstr gauntlet", NULL, 0);
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "tests=\"0\""));
	EXPECT_NE(NULL, strstr(buf, "</testsuites>"));
	EXPECT_EQ(NULL, strstr(buf, "<testsuite "));
	free(buf);
}

TEST_HARNESS_MAIN
