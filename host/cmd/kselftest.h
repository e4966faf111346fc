/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr run --kselftest DIR|TARBALL -c COLLECTION: other kselftest
 * suites in ktstr's VMs. The install directory (or the tarball gen_tar
 * made, unpacked) is copied to the guest whole, and each collection runs
 * in its own VM with the kernel's run_kselftest.sh.
 */
#ifndef KTSTR_HOST_CMD_KSELFTEST_H
#define KTSTR_HOST_CMD_KSELFTEST_H

#include <limits.h>
#include <stdbool.h>

struct kselftest {
	char dir[PATH_MAX];	/* the install directory */
	char unpacked[PATH_MAX];	/* our temporary copy of a tarball, or "" */
};

/*
 * Find the install directory at @path, unpacking a tarball into a
 * temporary directory. 0, or -1 after one line saying what was wrong.
 */
int kselftest_open(struct kselftest *k, const char *path);

/* 0 if @collection is in its kselftest-list.txt, else -1 and one line. */
int kselftest_has(const struct kselftest *k, const char *collection);

/*
 * Collections whose tests attach sched_ext schedulers of their own: the
 * scheduler under test is not attached while they run.
 */
bool kselftest_loads_own_scheduler(const char *collection);

/* Remove what kselftest_open() unpacked. */
void kselftest_close(struct kselftest *k);

#endif
