/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where ktstr finds its own files: next to the binary in a source tree
 * (build/host/ktstr), or under the install prefix (bin/ktstr with
 * libexec/ktstr and share/ktstr).
 */
#ifndef KTSTR_HOST_PATHS_H
#define KTSTR_HOST_PATHS_H

#include <limits.h>

struct ktstr_paths {
	char agent[PATH_MAX];		/* guest agent binary (/init) */
	char ctl[PATH_MAX];		/* ktstr-ctl for the guest */
	char reference_init[PATH_MAX];	/* the boot benchmark's bare /init */
	char fragment[PATH_MAX];	/* kernel config fragment */
	char selftests[PATH_MAX];	/* built default suite */
	char kselftest_run[PATH_MAX];	/* runs one collection of --kselftest */
	char scheds[PATH_MAX];		/* ktstr's own schedulers (scx_fault) */
	char kmod[PATH_MAX];		/* built ktstr.ko, or "" */
	char kmod_tree[PATH_MAX];	/* names the tree it was built for */
	char src_root[PATH_MAX];	/* the ktstr source tree, or "" installed */
};

int paths_init(struct ktstr_paths *p, char *err, size_t errlen);

/* ${XDG_CACHE_HOME:-$HOME/.cache}/ktstr/<sub> */
void paths_cache(const char *sub, char *buf, size_t len);

/* ${TMPDIR:-/tmp}: where ktstr unpacks kselftest tarballs. */
const char *paths_tmpdir(void);

/*
 * Names of what a run leaves while it lives, by the pid of its ktstr
 * (printf and scanf formats both): a VM's run directory in /dev/shm and
 * an unpacked kselftest tarball in paths_tmpdir().
 */
#define SHM_DIR			"/dev/shm"
#define RUNDIR_FMT		"ktstr-%d-"
#define KSELFTEST_TMP_FMT	"ktstr-kselftest-%d-"

/*
 * Remove what runs whose ktstr is gone (SIGKILL) left behind, saying
 * what on stderr.
 */
void paths_sweep_stale(void);

#endif
