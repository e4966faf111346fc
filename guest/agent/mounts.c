// SPDX-License-Identifier: GPL-2.0
/*
 * The filesystems every test expects to find mounted, and the /dev links.
 */
#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* What udev makes on a real root: the kselftest runner writes /dev/stdout. */
static const struct {
	const char *path, *target;
} links[] = {
	{ "/dev/fd", "/proc/self/fd" },
	{ "/dev/stdin", "/proc/self/fd/0" },
	{ "/dev/stdout", "/proc/self/fd/1" },
	{ "/dev/stderr", "/proc/self/fd/2" },
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
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlink(links[i].target, links[i].path) < 0 && errno != EEXIST)
			strlist_pushf(errors, "symlink %s: %s", links[i].path,
				      strerror(errno));
}
