// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler the host asked for is the one running: with a scheduler,
 * sched_ext is enabled with its ops and schedules this very test; without
 * one, sched_ext is idle and the kernel's default scheduler runs us.
 */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ktstr_guest.h"
#include "lib/ktstr_env.h"
#include "lib/sched_ext_policy.h"

/*
 * The scheduler asked for: under ktstr, the one the host named; run
 * directly, whichever is attached (nothing was asked for).
 */
static const char *scheduler(void)
{
	static char ops[128];
	const char *s = getenv(KTSTR_ENV_SCHEDULER);
	char state[64];

	if (under_ktstr())
		return s && s[0] ? s : NULL;
	if (read_file_str("/sys/kernel/sched_ext/state", state, sizeof(state)) ||
	    strcmp(state, "enabled") ||
	    read_file_str("/sys/kernel/sched_ext/root/ops", ops, sizeof(ops)))
		return NULL;
	return ops;
}

/* Every test here is about sched_ext: each SKIPs on a kernel without it. */
#define NO_SCHED_EXT "this kernel has no sched_ext (CONFIG_SCHED_CLASS_EXT)"

static int no_sched_ext(void)
{
	return access("/sys/kernel/sched_ext/state", F_OK) != 0;
}

TEST(state_matches_request)
{
	char state[64];

	if (no_sched_ext())
		SKIP(return, NO_SCHED_EXT);
	ASSERT_EQ(0, read_file_str("/sys/kernel/sched_ext/state", state,
				   sizeof(state)));
	EXPECT_STREQ(scheduler() ? "enabled" : "disabled", state);
}

TEST(ops_name_matches_scheduler)
{
	const char *sched = scheduler();
	char ops[128];

	if (no_sched_ext())
		SKIP(return, NO_SCHED_EXT);
	if (!under_ktstr())
		SKIP(return, "no scheduler requested: not running under ktstr");
	if (!sched)
		SKIP(return, "no scheduler requested");
	ASSERT_EQ(0, read_file_str("/sys/kernel/sched_ext/root/ops", ops,
				   sizeof(ops)));
	ASSERT_NE(0, ops[0]);
	/* The examples name their ops after the binary: scx_simple -> simple. */
	if (!strncmp(sched, "scx_", 4))
		EXPECT_STREQ(sched + 4, ops);
}

/* The value of "ext.enabled" in /proc/self/sched, or -1. */
static int ext_enabled(void)
{
	char line[256];
	int val = -1;
	FILE *f = fopen("/proc/self/sched", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "ext.enabled", 11) && colon)
			val = atoi(colon + 1);
	}
	fclose(f);
	return val;
}

TEST(this_task_is_scheduled_by_ext)
{
	if (no_sched_ext())
		SKIP(return, NO_SCHED_EXT);
	/* A fair task moves to sched_ext when the scheduler attached fully. */
	EXPECT_EQ(scheduler() ? 1 : 0, ext_enabled());
	EXPECT_NE(SCHED_EXT, sched_getscheduler(0));
}

TEST_HARNESS_MAIN
