// SPDX-License-Identifier: GPL-2.0
/*
 * The filesystems every test expects to find mounted.
 */
#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "agent.h"
#include "util.h"

static const struct {
	const char *type, *dir;
} mounts[] = {
	{ "proc", "/proc" },
	{ "sysfs", "/sys" },
	{ "devtmpfs", "/dev" },
	{ "tmpfs", "/tmp" },
	{ "tmpfs", "/run" },
	{ "cgroup2", "/sys/fs/cgroup" },
	{ "debugfs", "/sys/kernel/debug" },
	{ "tracefs", "/sys/kernel/tracing" },
	{ "bpf", "/sys/fs/bpf" },
};

void mounts_setup(struct strlist *errors)
{
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		mkdir(mounts[i].dir, 0755);
		if (mount(mounts[i].type, mounts[i].dir, mounts[i].type,
			  MS_NOSUID, NULL) < 0 && errno != EBUSY)
			strlist_pushf(errors, "mount %s on %s: %s",
				      mounts[i].type, mounts[i].dir,
				      strerror(errno));
	}
}
