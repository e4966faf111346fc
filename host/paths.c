// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "util.h"

/* Strip @n trailing path components in place. */
static void up(char *path, int n)
{
	while (n-- > 0) {
		char *slash = strrchr(path, '/');

		if (slash && slash != path)
			*slash = '\0';
	}
}

static int exists(const char *p)
{
	return access(p, F_OK) == 0;
}

int paths_init(struct ktstr_paths *p, char *err, size_t errlen)
{
	char exe[PATH_MAX], root[PATH_MAX], prefix[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0) {
		snprintf(err, errlen, "cannot find the ktstr binary via /proc/self/exe");
		return -1;
	}
	exe[n] = '\0';
	/* <root>/build/host/ktstr */
	snprintf(root, sizeof(root), "%s", exe);
	up(root, 3);
	snprintf(p->fragment, sizeof(p->fragment), "%s/selftests/config", root);
	if (exists(p->fragment)) {
		snprintf(p->agent, sizeof(p->agent), "%s/build/guest/ktstr-agent",
			 root);
		snprintf(p->ctl, sizeof(p->ctl), "%s/build/guest/ktstr-ctl",
			 root);
		snprintf(p->reference_init, sizeof(p->reference_init),
			 "%s/build/guest/reference-init", root);
		snprintf(p->selftests, sizeof(p->selftests),
			 "%s/build/selftests", root);
		snprintf(p->kselftest_run, sizeof(p->kselftest_run),
			 "%s/guest/kselftest-run.sh", root);
		snprintf(p->scheds, sizeof(p->scheds), "%s/build/scheds",
			 root);
		snprintf(p->kmod, sizeof(p->kmod), "%s/build/kmod/ktstr.ko",
			 root);
		snprintf(p->kmod_tree, sizeof(p->kmod_tree),
			 "%s/build/kmod/kernel-tree", root);
		snprintf(p->src_root, sizeof(p->src_root), "%s", root);
		return 0;
	}
	/* <prefix>/bin/ktstr */
	snprintf(prefix, sizeof(prefix), "%s", exe);
	up(prefix, 2);
	snprintf(p->fragment, sizeof(p->fragment), "%s/share/ktstr/config",
		 prefix);
	snprintf(p->agent, sizeof(p->agent), "%s/libexec/ktstr/ktstr-agent",
		 prefix);
	snprintf(p->ctl, sizeof(p->ctl), "%s/libexec/ktstr/ktstr-ctl", prefix);
	snprintf(p->reference_init, sizeof(p->reference_init),
		 "%s/libexec/ktstr/reference-init", prefix);
	snprintf(p->selftests, sizeof(p->selftests),
		 "%s/libexec/ktstr/selftests", prefix);
	snprintf(p->kselftest_run, sizeof(p->kselftest_run),
		 "%s/libexec/ktstr/kselftest-run.sh", prefix);
	snprintf(p->scheds, sizeof(p->scheds), "%s/libexec/ktstr/scheds",
		 prefix);
	p->kmod[0] = '\0';
	p->kmod_tree[0] = '\0';
	p->src_root[0] = '\0';
	if (!exists(p->fragment)) {
		snprintf(err, errlen,
			 "ktstr is not in a source tree (no %s/selftests/config) nor installed (no %s); run it from the tree after 'make', or 'make install'",
			 root, p->fragment);
		return -1;
	}
	return 0;
}

void paths_cache(const char *sub, char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (xdg && xdg[0] == '/')
		snprintf(buf, len, "%s/ktstr/%s", xdg, sub);
	else
		snprintf(buf, len, "%s/.cache/ktstr/%s", home ? home : "/tmp",
			 sub);
}

const char *paths_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp && tmp[0] == '/' ? tmp : "/tmp";
}

static void sweep(const char *dir, const char *fmt)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		int pid;

		if (sscanf(e->d_name, fmt, &pid) != 1 || pid <= 0)
			continue;
		/* Only a dead ktstr's; a live one (or a reused pid) keeps it. */
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!remove_tree(path))
			errmsg("removed %s, left by ktstr pid %d, which is gone",
			       path, pid);
	}
	closedir(d);
}

void paths_sweep_stale(void)
{
	sweep(SHM_DIR, RUNDIR_FMT);
	sweep(paths_tmpdir(), KSELFTEST_TMP_FMT);
}
