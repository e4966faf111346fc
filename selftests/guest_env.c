// SPDX-License-Identifier: GPL-2.0
/*
 * The guest agent prepared the environment tests rely on: pseudo
 * filesystems mounted, cgroup v2 with the controllers the scenarios use,
 * the declared CPUs online. Run directly, only the kernel's part is
 * checked: the controllers, where cgroup v2 is mounted.
 */
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ktstr_guest.h"

#define CGROUP2_SUPER_MAGIC	0x63677270
#define DEBUGFS_MAGIC		0x64626720
#define TRACEFS_MAGIC		0x74726163
#define BPF_FS_MAGIC		0xcafe4a11
#define TMPFS_MAGIC		0x01021994

static long fs_type(const char *dir)
{
	struct statfs s;

	return statfs(dir, &s) ? -1 : (long)s.f_type;
}

TEST(pseudo_filesystems_mounted)
{
	if (!under_ktstr())
		SKIP(return, "checks the mounts of ktstr's guest: not running under ktstr");
	EXPECT_EQ(CGROUP2_SUPER_MAGIC, fs_type("/sys/fs/cgroup"));
	EXPECT_EQ(DEBUGFS_MAGIC, fs_type("/sys/kernel/debug"));
	EXPECT_EQ(TRACEFS_MAGIC, fs_type("/sys/kernel/tracing"));
	EXPECT_EQ(BPF_FS_MAGIC, fs_type("/sys/fs/bpf"));
	EXPECT_EQ(TMPFS_MAGIC, fs_type("/tmp"));
	EXPECT_EQ(0, access("/proc/self/stat", R_OK));
}

TEST(cgroup_controllers_available)
{
	static const char * const want[] = { "cpuset", "cpu", "io", "memory", "pids" };
	char buf[256], padded[260];

	if (!under_ktstr() && fs_type("/sys/fs/cgroup") != CGROUP2_SUPER_MAGIC)
		SKIP(return, "cgroup v2 is not mounted at /sys/fs/cgroup");
	ASSERT_EQ(0, read_file_str("/sys/fs/cgroup/cgroup.controllers", buf,
				   sizeof(buf)));
	snprintf(padded, sizeof(padded), " %s ", buf);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		char word[32];

		snprintf(word, sizeof(word), " %s ", want[i]);
		EXPECT_NE(NULL, strstr(padded, word))
			TH_LOG("controller %s missing from \"%s\"", want[i],
			       buf);
	}
}

TEST(cpu_count_matches_topology)
{
	struct guest_topo t;

	if (guest_topo_get(&t))
		SKIP(return, "KTSTR_TOPOLOGY not set: not running under ktstr");
	EXPECT_EQ((long)guest_topo_cpus(&t), sysconf(_SC_NPROCESSORS_ONLN));
}

TEST_HARNESS_MAIN
