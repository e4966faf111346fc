// SPDX-License-Identifier: GPL-2.0
/* The kernel build's progress line: objects counted, ETA, the stats file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "kernel/progress.h"

#define S	1000000000ull

static const char make_out[] =
	"  SYNC    include/config/auto.conf\n"
	"  CC      scripts/mod/empty.o\n"
	"  HOSTCC  scripts/mod/mk_elfconfig\n"
	"  CC [M]  drivers/foo.o\n"
	"  AS      arch/x86/entry/entry_64.o\n"
	"  AR      lib/built-in.a\n"
	"warning: CC something that is not an object line\n"
	"  LD      vmlinux.o\n";

TEST(counts_objects_across_split_chunks)
{
	struct build_progress p;

	build_progress_init(&p, 0, 10, 100);
	/* Fed a byte at a time: lines split anywhere still count once. */
	for (size_t i = 0; i < sizeof(make_out) - 1; i++)
		build_progress_feed(&p, make_out + i, 1);
	EXPECT_EQ(3u, p.done);
	build_progress_feed(&p, make_out, sizeof(make_out) - 1);
	EXPECT_EQ(6u, p.done);
}

TEST(eta_from_the_last_build_then_from_this_one)
{
	struct build_progress p;
	char t[160];

	build_progress_init(&p, 0, 1000, 600);
	p.done = 50;
	build_progress_text(&p, 30 * S, t, sizeof(t));
	/* 5 % done: the last build's 600 s, minus 5 %, minus 30 s elapsed. */
	EXPECT_STREQ("50/1000 objects (5 %), 0m30s, ETA 9m00s", t);
	p.done = 500;
	build_progress_text(&p, 200 * S, t, sizeof(t));
	/* Half done in 200 s: as much again. */
	EXPECT_STREQ("500/1000 objects (50 %), 3m20s, ETA 3m20s", t);
	p.done = 1200;
	build_progress_text(&p, 700 * S, t, sizeof(t));
	EXPECT_STREQ("1200/1200 objects (100 %), 11m40s, ETA any moment", t);
}

TEST(defaults_without_a_last_build)
{
	struct build_progress p;

	build_progress_init(&p, 0, 0, 0);
	EXPECT_EQ((unsigned int)BUILD_OBJECTS_DEFAULT, p.expected);
	EXPECT_EQ(BUILD_SECONDS_DEFAULT, p.expected_s);
}

TEST(stats_round_trip_and_garbage)
{
	char dir[] = "/tmp/ktstr-progress-XXXXXX", path[256];
	unsigned int o;
	FILE *f;
	double s;

	ASSERT_NE(NULL, mkdtemp(dir));
	setenv("XDG_CACHE_HOME", dir, 1);
	EXPECT_EQ(-1, build_stats_read(&o, &s));
	snprintf(path, sizeof(path), "mkdir -p %s/ktstr/kernels", dir);
	ASSERT_EQ(0, system(path));
	ASSERT_EQ(0, build_stats_write(1462, 812.4));
	ASSERT_EQ(0, build_stats_read(&o, &s));
	EXPECT_EQ(1462u, o);
	EXPECT_EQ(812, s);
	snprintf(path, sizeof(path), "%s/ktstr/kernels/build-stats", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("objects -5 seconds nan\n", f);
	fclose(f);
	EXPECT_EQ(-1, build_stats_read(&o, &s));
	EXPECT_EQ(0u, o);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ASSERT_EQ(0, system(path));
}

TEST_HARNESS_MAIN
