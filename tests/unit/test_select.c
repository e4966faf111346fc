// SPDX-License-Identifier: GPL-2.0
/*
 * host/cmd/select.c and suite.c: names and globs to programs and harness
 * filters, over a suite whose listings are the real ones in harness-list/
 * (a fake lister); then "PROG -l" itself, bounded: scripts that print a
 * table, hang, flood, exit wrong or cannot run, and the built programs.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* TEST_F()'s wrapper keeps a local across setjmp(): the harness's business. */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#include "cmd/select.h"
#include "util.h"

static char err[1024];
static unsigned int listed;	/* the fake lister's calls */

/* The listing of harness-list/NAME.*, or a failure for "broken". */
static int fake_lister(const char *path, struct harness_list *l, char *e,
		       size_t elen)
{
	const char *base = strrchr(path, '/') + 1;
	char file[256];
	size_t len;
	char *buf;
	int r;

	listed++;
	memset(l, 0, sizeof(*l));
	if (!strcmp(base, "broken")) {
		snprintf(e, elen, "it did not finish listing within 5000 ms");
		return -1;
	}
	snprintf(file, sizeof(file), "harness-list/%s.stderr", base);
	buf = read_file(file, HARNESS_OUT_MAX, &len);
	if (!buf) {
		snprintf(e, elen, "no %s", file);
		return -1;
	}
	r = harness_list_parse(l, buf, len, e, elen);
	free(buf);
	snprintf(file, sizeof(file), "harness-list/%s.stdout", base);
	buf = read_file(file, HARNESS_OUT_MAX, &len);
	if (!r && buf)
		r = harness_needs_parse(l, buf, len, e, elen);
	free(buf);
	return r;
}

FIXTURE(sel) {
	char dir[64];
	struct suite s;
	struct selection sel;
};

FIXTURE_SETUP(sel)
{
	static const char list[] =
		"topology\nscenarios\nsched_ext_state\nkmod_write\nbroken\n"
		"kmod_ioctl\n\nlib/not-a-test\nscenarios\n";
	char path[128];

	snprintf(self->dir, sizeof(self->dir), "/tmp/ktstr-select.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(path, sizeof(path), "%s/" SUITE_LIST, self->dir);
	ASSERT_EQ(0, write_file(path, list, sizeof(list) - 1, 0644));
	ASSERT_EQ(0, suite_open(&self->s, self->dir));
	self->s.lister = fake_lister;
	memset(&self->sel, 0, sizeof(self->sel));
	listed = 0;
}

FIXTURE_TEARDOWN(sel)
{
	selection_free(&self->sel);
	suite_close(&self->s);
	remove_tree(self->dir);
}

/* Select @arg (paths allowed); 0 or -1, the error in err. */
static int sel_arg(struct suite *s, struct selection *sel, const char *arg)
{
	err[0] = '\0';
	return select_arg(sel, s, arg, true, err, sizeof(err));
}

/* The item's -r filters as one string: "-r a -r b". */
static const char *filters(const struct sel_item *it, const struct suite *s)
{
	static char buf[4096];
	struct strlist l = STRLIST_INIT;
	size_t off = 0;

	buf[0] = '\0';
	if (select_filters(it, s, &l))
		return "(no memory)";
	for (size_t i = 0; i < l.n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
					i ? " " : "", l.v[i]);
	strlist_free(&l);
	return buf;
}

TEST_F(sel, suite_is_sorted_deduplicated_without_paths)
{
	static const char *const want[] = {
		"broken", "kmod_ioctl", "kmod_write", "scenarios",
		"sched_ext_state", "topology",
	};

	ASSERT_EQ(ARRAY_SIZE(want), self->s.names.n);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		EXPECT_STREQ(want[i], self->s.names.v[i]);
}

TEST_F(sel, whole_program_by_name_lists_nothing)
{
	char want[128];

	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "scenarios")) TH_LOG("%s", err);
	ASSERT_EQ(1u, self->sel.n);
	EXPECT_STREQ("scenarios", self->sel.v[0].name);
	snprintf(want, sizeof(want), "%s/scenarios", self->dir);
	EXPECT_STREQ(want, self->sel.v[0].path);
	EXPECT_TRUE(self->sel.v[0].whole);
	EXPECT_STREQ("", filters(&self->sel.v[0], &self->s));
	EXPECT_EQ(0u, listed);
}

TEST_F(sel, program_glob_in_suite_order)
{
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "kmod_*"));
	ASSERT_EQ(2u, self->sel.n);
	EXPECT_STREQ("kmod_ioctl", self->sel.v[0].name);
	EXPECT_STREQ("kmod_write", self->sel.v[1].name);
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "sched_ext_stat?"));
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "[t]opology"));
	ASSERT_EQ(4u, self->sel.n);
	EXPECT_STREQ("topology", self->sel.v[3].name);
}

TEST_F(sel, subtest_glob_gives_one_filter_each_in_harness_order)
{
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "scenarios:canned.cpuset_*"))
		TH_LOG("%s", err);
	ASSERT_EQ(1u, self->sel.n);
	EXPECT_FALSE(self->sel.v[0].whole);
	EXPECT_STREQ("-r canned.cpuset_disjoint.passes -r canned.cpuset_overlap.passes "
		     "-r canned.cpuset_swap.passes -r canned.cpuset_set_clear.passes",
		     filters(&self->sel.v[0], &self->s));
	EXPECT_EQ(1u, listed);
}

TEST_F(sel, names_merge_into_one_run)
{
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "topology"));
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "scenarios:negative.gap"));
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "scenarios:canned.steady.*"));
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "scenarios:negative.ga?"));
	ASSERT_EQ(2u, self->sel.n);
	EXPECT_STREQ("topology", self->sel.v[0].name);
	EXPECT_STREQ("scenarios", self->sel.v[1].name);
	/* Harness order, not argument order; once each. */
	EXPECT_STREQ("-r canned.steady.passes -r negative.gap",
		     filters(&self->sel.v[1], &self->s));
	EXPECT_EQ(1u, listed);	/* listed once */
	/* The whole program wins over its subtests. */
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "scenarios"));
	EXPECT_STREQ("", filters(&self->sel.v[1], &self->s));
}

TEST_F(sel, every_subtest_runs_without_filters)
{
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "topology:*"));
	ASSERT_EQ(1u, self->sel.n);
	EXPECT_FALSE(self->sel.v[0].whole);
	EXPECT_STREQ("", filters(&self->sel.v[0], &self->s));
	for (size_t j = 0; j < self->s.lists[5].n; j++)
		EXPECT_TRUE(select_has(&self->sel.v[0], j));
}

TEST_F(sel, subtests_across_programs)
{
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "[st]*:*.smt_siblings*"))
		TH_LOG("%s", err);
	ASSERT_EQ(2u, self->sel.n);
	EXPECT_STREQ("scenarios", self->sel.v[0].name);
	EXPECT_STREQ("-r canned.smt_siblings.passes",
		     filters(&self->sel.v[0], &self->s));
	EXPECT_STREQ("topology", self->sel.v[1].name);
	EXPECT_STREQ("-r topo.smt_siblings", filters(&self->sel.v[1], &self->s));
}

TEST_F(sel, paths_are_programs)
{
	EXPECT_TRUE(select_is_path("./x"));
	EXPECT_TRUE(select_is_path("a/b:c"));
	EXPECT_TRUE(select_is_path("test_select.c"));	/* a file here */
	EXPECT_FALSE(select_is_path("harness-list"));	/* a directory */
	EXPECT_FALSE(select_is_path("scenarios"));
	EXPECT_FALSE(select_is_path("scenarios:canned.*"));

	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "./some/dir/my-test"));
	ASSERT_EQ(1u, self->sel.n);
	EXPECT_STREQ("my-test", self->sel.v[0].name);
	EXPECT_STREQ("./some/dir/my-test", self->sel.v[0].path);
	EXPECT_EQ(-1, self->sel.v[0].suite);
	EXPECT_STREQ("", filters(&self->sel.v[0], &self->s));
	ASSERT_EQ(0, sel_arg(&self->s, &self->sel, "test_select.c"));
	EXPECT_STREQ("test_select.c", self->sel.v[1].name);
	/* ktstr list takes names only. */
	EXPECT_EQ(-1, select_arg(&self->sel, &self->s, "./x", false, err,
				 sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "\"./x\" is a path")) TH_LOG("%s", err);
	EXPECT_EQ(0u, listed);
}

struct bad_name {
	const char *arg;
	const char *why;
};

TEST_F(sel, names_that_match_nothing)
{
	const struct bad_name bad[] = {
		{ "nosuch", "\"nosuch\" names no program of the default suite" },
		{ "nosuch", "see 'ktstr list', or give a path to a program" },
		{ "", "\"\" names no program" },
		{ "kmod_*x", "names no program" },
		{ ":canned.*", "names no program" },
		{ "nosuch:*", "names no program" },
		{ "scenarios:nosuch*", "\"scenarios:nosuch*\" matches no subtest; see 'ktstr list scenarios'" },
		{ "scenarios:", "matches no subtest" },
		/* The harness's names: no partial matches without a glob. */
		{ "scenarios:canned.steady", "matches no subtest" },
		{ "topology:topo.online_cpus:x", "matches no subtest" },
		{ "broken:*", "cannot list the subtests of broken" },
		{ "b*:x", "cannot list the subtests of broken" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-1, sel_arg(&self->s, &self->sel, bad[i].arg))
			TH_LOG("accepted \"%s\"", bad[i].arg);
		EXPECT_NE(NULL, strstr(err, bad[i].why))
			TH_LOG("\"%s\": \"%s\" lacks \"%s\"", bad[i].arg, err,
			       bad[i].why);
		EXPECT_EQ(NULL, strchr(err, '\n'));
	}
	EXPECT_EQ(0u, self->sel.n);
	/* ktstr list suggests no path. */
	EXPECT_EQ(-1, select_arg(&self->sel, &self->s, "nosuch", false, err,
				 sizeof(err)));
	EXPECT_EQ(NULL, strstr(err, "path"));
}

TEST_F(sel, all_is_the_suite_whole)
{
	ASSERT_EQ(0, select_all(&self->sel, &self->s));
	ASSERT_EQ(6u, self->sel.n);
	for (size_t i = 0; i < self->sel.n; i++)
		EXPECT_TRUE(self->sel.v[i].whole);
	EXPECT_EQ(0u, listed);
}

TEST(suite_missing)
{
	struct suite s;

	EXPECT_EQ(-1, suite_open(&s, "/nonexistent/ktstr"));
	suite_close(&s);
}

/* "PROG -l" for real: scripts standing in for programs. */
FIXTURE(prog) {
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(prog)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/ktstr-prog.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/prog", self->dir);
}

FIXTURE_TEARDOWN(prog)
{
	remove_tree(self->dir);
}

static int script(const char *path, const char *body)
{
	char text[4096];
	int n = snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body);

	return write_file(path, text, (size_t)n, 0755);
}

static int list_prog(const char *path, unsigned int ms, struct harness_list *l)
{
	err[0] = '\0';
	return suite_list_program_within(path, ms, l, err, sizeof(err));
}

TEST_F(prog, a_table_on_stderr_and_needs_on_stdout)
{
	struct harness_list l;
	char cwd[PATH_MAX], body[PATH_MAX * 2 + 64];

	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	snprintf(body, sizeof(body),
		 "[ \"$1\" = -l ] || exit 9\ncat %s/harness-list/scenarios.stdout\n"
		 "cat %s/harness-list/scenarios.stderr >&2\nexit 4", cwd, cwd);
	ASSERT_EQ(0, script(self->path, body));
	ASSERT_EQ(0, list_prog(self->path, 5000, &l)) TH_LOG("%s", err);
	EXPECT_EQ(43u, l.n);
	EXPECT_EQ(HARNESS_NEED_NUMA,
		  harness_find(&l, "canned.numa_spanning.passes")->needs);
	harness_list_free(&l);
}

struct bad_prog {
	const char *body;
	const char *why;
};

TEST_F(prog, bad_programs_are_bounded_and_named)
{
	const struct bad_prog bad[] = {
		{ "sleep 30", "did not finish listing within 300 ms" },
		/* Its output closed, the program lingers. */
		{ "exec >&- 2>&-; sleep 30", "did not finish listing" },
		/* A child keeps the pipes open after the program exits. */
		{ "sleep 30 & exit 4", "did not finish listing" },
		{ "while :; do echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; done >&2",
		  "more than 262144 bytes" },
		{ "exit 1", "exited with status 1; expected a kselftest_harness program" },
		{ "kill -SEGV $$", "killed by signal 11" },
		{ "echo hello >&2; exit 4", "its table on stderr: line 1" },
		{ "exit 4", "its table on stderr: no output" },
		{ "echo '# needs x.y smt'; exit 4", "its table on stderr" },
	};
	struct harness_list l;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t t0 = now_ns();

		ASSERT_EQ(0, script(self->path, bad[i].body));
		EXPECT_EQ(-1, list_prog(self->path, 300, &l))
			TH_LOG("accepted \"%s\"", bad[i].body);
		EXPECT_NE(NULL, strstr(err, bad[i].why))
			TH_LOG("\"%s\": \"%s\" lacks \"%s\"", bad[i].body, err,
			       bad[i].why);
		EXPECT_EQ(NULL, strchr(err, '\n'));
		EXPECT_EQ(0u, l.n);
		EXPECT_LT(now_ns() - t0, 3000000000ull);
	}
	EXPECT_EQ(-1, list_prog("/nonexistent/prog", 300, &l));
	EXPECT_NE(NULL, strstr(err, "cannot be executed")) TH_LOG("%s", err);
}

/* A timeout kills the program's whole process group, not just it. */
TEST_F(prog, timeout_kills_the_group)
{
	char body[256], pidfile[160], buf[32];
	struct harness_list l;
	pid_t child;
	int gone = 0;

	snprintf(pidfile, sizeof(pidfile), "%s/pid", self->dir);
	snprintf(body, sizeof(body), "sleep 30 & echo $! > %s; wait", pidfile);
	ASSERT_EQ(0, script(self->path, body));
	EXPECT_EQ(-1, list_prog(self->path, 300, &l));
	ASSERT_EQ(0, read_file_str(pidfile, buf, sizeof(buf)));
	child = atoi(buf);
	ASSERT_GT(child, 1);
	/* Dead: gone, or a zombie its new parent has not reaped yet. */
	for (int i = 0; i < 200 && !gone; i++) {
		char stat[64], state[256];

		snprintf(stat, sizeof(stat), "/proc/%d/stat", child);
		gone = read_file_str(stat, state, sizeof(state)) ||
		       strstr(state, ") Z ") != NULL;
		if (!gone)
			usleep(10000);
	}
	EXPECT_TRUE(gone);
}

/* The built programs, when there: every one lists. */
TEST(built_programs_list)
{
	static const char dir[] = "../../build/selftests";
	struct suite s;
	size_t total = 0;

	if (access(dir, F_OK))
		SKIP(return, "%s is not built: make selftests", dir);
	ASSERT_EQ(0, suite_open(&s, dir));
	for (size_t i = 0; i < s.names.n; i++) {
		const struct harness_list *l = suite_subtests(&s, i, err,
							      sizeof(err));

		EXPECT_NE(NULL, l) TH_LOG("%s", err);
		total += l ? l->n : 0;
	}
	EXPECT_GT(total, 40u);
	suite_close(&s);
}

TEST_HARNESS_MAIN
