// SPDX-License-Identifier: GPL-2.0
/*
 * The kselftest tree of ktstr run --kselftest: see kselftest.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "cmd/kselftest.h"
#include "paths.h"

static const char *const own_scheduler[] = { "sched_ext" };

bool kselftest_loads_own_scheduler(const char *collection)
{
	for (size_t i = 0; i < sizeof(own_scheduler) / sizeof(own_scheduler[0]); i++)
		if (!strcmp(collection, own_scheduler[i]))
			return true;
	return false;
}

/* tar -xf @tarball -C @dir; 0 or -1. */
static int unpack(const char *tarball, const char *dir)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		execlp("tar", "tar", "-xf", tarball, "-C", dir, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

int kselftest_open(struct kselftest *k, const char *path)
{
	char runner[PATH_MAX + 32];
	struct stat st;

	memset(k, 0, sizeof(*k));
	if (stat(path, &st)) {
		errmsg("--kselftest %s: %s; expected a kselftest install directory or the tarball gen_tar made",
		       path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(k->dir, sizeof(k->dir), "%s", path);
	} else {
		/* Named by our pid, so a later run can sweep it if we are killed. */
		snprintf(k->unpacked, sizeof(k->unpacked), "%s/" KSELFTEST_TMP_FMT "XXXXXX",
			 paths_tmpdir(), getpid());
		if (!mkdtemp(k->unpacked)) {
			errmsg("--kselftest: cannot make a directory to unpack %s: %s",
			       path, strerror(errno));
			k->unpacked[0] = '\0';
			return -1;
		}
		if (unpack(path, k->unpacked)) {
			errmsg("--kselftest %s: tar cannot unpack it; expected the tarball gen_tar made",
			       path);
			kselftest_close(k);
			return -1;
		}
		snprintf(k->dir, sizeof(k->dir), "%s", k->unpacked);
	}
	snprintf(runner, sizeof(runner), "%s/run_kselftest.sh", k->dir);
	if (access(runner, X_OK)) {
		errmsg("--kselftest %s: no run_kselftest.sh in it; expected what 'make -C tools/testing/selftests install' or gen_tar writes",
		       path);
		kselftest_close(k);
		return -1;
	}
	return 0;
}

int kselftest_has(const struct kselftest *k, const char *collection)
{
	char path[PATH_MAX + 32], line[512], seen[1024] = "";
	size_t clen = strlen(collection), off = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kselftest-list.txt", k->dir);
	f = fopen(path, "re");
	if (!f) {
		errmsg("--kselftest: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		*colon = '\0';
		if ((size_t)(colon - line) == clen && !strcmp(line, collection)) {
			fclose(f);
			return 0;
		}
		/* Remember each collection once, for the error line. */
		if (!strstr(seen, line) && off + strlen(line) + 2 < sizeof(seen))
			off += snprintf(seen + off, sizeof(seen) - off, "%s%s",
					off ? ", " : "", line);
	}
	fclose(f);
	errmsg("-c %s: no such collection in %s; it has: %s", collection, path,
	       seen[0] ? seen : "none");
	return -1;
}

void kselftest_close(struct kselftest *k)
{
	if (k->unpacked[0]) {
		remove_tree(k->unpacked);
		k->unpacked[0] = '\0';
	}
}
