// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "kernel/kmod.h"
#include "paths.h"

/* What Kbuild needs, relative to the ktstr tree; Kbuild finds ../uapi. */
static const char *const kmod_sources[] = {
	"kmod/*.c", "kmod/*.h", "kmod/Kbuild", "uapi/linux/*.h", NULL,
};

/* Copy the sources into @dst; the newest one's mtime in @newest. */
static int copy_sources(const char *root, const char *dst, time_t *newest)
{
	*newest = 0;
	for (int i = 0; kmod_sources[i]; i++) {
		char pat[PATH_MAX + 64];
		glob_t g;

		snprintf(pat, sizeof(pat), "%s/%s", root, kmod_sources[i]);
		if (glob(pat, 0, NULL, &g))
			return -1;
		for (size_t j = 0; j < g.gl_pathc; j++) {
			const char *src = g.gl_pathv[j];
			char to[PATH_MAX * 2], sub[PATH_MAX];
			struct stat st;
			size_t n;
			char *data;
			int r;

			if (stat(src, &st)) {
				globfree(&g);
				return -1;
			}
			if (st.st_mtime > *newest)
				*newest = st.st_mtime;
			if (!dst)
				continue;
			snprintf(sub, sizeof(sub), "%s", src + strlen(root));
			snprintf(to, sizeof(to), "%s%s", dst, sub);
			*strrchr(to, '/') = '\0';
			if (mkdir_p(to, 0755)) {
				globfree(&g);
				return -1;
			}
			snprintf(to, sizeof(to), "%s%s", dst, sub);
			data = read_file(src, 16 << 20, &n);
			r = data ? write_file(to, data, n, 0644) : -1;
			free(data);
			if (r) {
				globfree(&g);
				return -1;
			}
		}
		globfree(&g);
	}
	return 0;
}

static int run_kbuild(const char *tree, const char *mdir, const char *log)
{
	char karg[PATH_MAX + 8], marg[PATH_MAX + 8];
	int status, fd;
	pid_t pid;

	snprintf(karg, sizeof(karg), "%s", tree);
	snprintf(marg, sizeof(marg), "M=%s", mdir);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		execlp("make", "make", "-C", karg, marg, "modules",
		       (char *)NULL);
		_exit(127);
	}
	close(fd);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int kmod_for_entry(const char *root, const char *tree, char *out, size_t len,
		   char *err, size_t errlen)
{
	char cache[PATH_MAX], entry[PATH_MAX], dir[PATH_MAX + 16];
	char mdir[PATH_MAX + 32], ko[PATH_MAX + 48], log[PATH_MAX + 48];
	char lockpath[PATH_MAX + 32], probe[PATH_MAX + 16];
	time_t newest;
	struct stat st;
	int lock, r = -1;

	/* Only a cache entry's tree: <cache>/kernels/<key>/linux. */
	paths_cache("kernels", cache, sizeof(cache));
	snprintf(entry, sizeof(entry), "%s", tree);
	if (!strrchr(entry, '/') || strcmp(strrchr(entry, '/'), "/linux"))
		return 1;
	*strrchr(entry, '/') = '\0';
	if (strncmp(entry, cache, strlen(cache)) ||
	    entry[strlen(cache)] != '/')
		return 1;
	snprintf(probe, sizeof(probe), "%s/kmod/Kbuild", root);
	if (access(probe, R_OK) || copy_sources(root, NULL, &newest))
		return 1;

	snprintf(dir, sizeof(dir), "%s/" KMOD_ENTRY_DIR, entry);
	snprintf(mdir, sizeof(mdir), "%s/kmod", dir);
	snprintf(ko, sizeof(ko), "%s/ktstr.ko", mdir);
	snprintf(log, sizeof(log), "%s/build.log", dir);
	snprintf(lockpath, sizeof(lockpath), "%s.lock", dir);
	if (mkdir_p(dir, 0755)) {
		snprintf(err, errlen, "cannot create %s: %s", dir,
			 strerror(errno));
		return -1;
	}
	/* Runs in parallel (a gauntlet) build it once. */
	lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock < 0 || flock(lock, LOCK_EX)) {
		snprintf(err, errlen, "cannot lock %s: %s", lockpath,
			 strerror(errno));
		if (lock >= 0)
			close(lock);
		return -1;
	}
	if (!stat(ko, &st) && st.st_mtime >= newest) {
		r = 0;
		goto out;
	}
	errmsg("building ktstr.ko for %s (log: %s)", tree, log);
	if (copy_sources(root, dir, &newest)) {
		snprintf(err, errlen, "cannot copy the module's sources from %s to %s",
			 root, dir);
		goto out;
	}
	unlink(ko);
	if (run_kbuild(tree, mdir, log) || access(ko, R_OK)) {
		snprintf(err, errlen, "building ktstr.ko against %s failed; see %s",
			 tree, log);
		goto out;
	}
	r = 0;
out:
	if (!r)
		snprintf(out, len, "%s", ko);
	close(lock);
	return r;
}

int kmod_pick(const struct ktstr_paths *p, const char *tree, char *out,
	      size_t len, char *err, size_t errlen)
{
	char *built_for = p->kmod_tree[0] ?
			  read_file(p->kmod_tree, PATH_MAX, NULL) : NULL;
	bool match = false;

	if (built_for) {
		rstrip(built_for);
		match = tree[0] && !strcmp(built_for, tree) &&
			!access(p->kmod, R_OK);
		free(built_for);
	}
	if (match) {
		snprintf(out, len, "%s", p->kmod);
		return 0;
	}
	if (!tree[0] || !p->src_root[0])
		return 1;
	return kmod_for_entry(p->src_root, tree, out, len, err, errlen);
}
