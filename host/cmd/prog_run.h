/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One test program in a fresh VM, as ktstr run and ktstr gauntlet run
 * it, and what its end means for the test: kselftest's rule
 * (runner.sh), or the verdict a negative control (--expect) names.
 */
#ifndef KTSTR_HOST_CMD_PROG_RUN_H
#define KTSTR_HOST_CMD_PROG_RUN_H

#include "strlist.h"
#include "cmd/cli.h"
#include "cmd/ktap_follow.h"

/* kselftest's exit status for "skipped". */
#define KSFT_SKIP	4

enum test_result { TEST_PASS, TEST_SKIP, TEST_FAIL };

/*
 * Boot @s with the program @path (its arguments @args, or NULL) as the
 * job, its output followed by @f; the VM's files go to @out_dir (NULL:
 * none). The result is in @r.
 */
void prog_run(struct vm_setup *s, const char *path, const struct strlist *args,
	      const char *out_dir, struct ktap_follow *f, struct vm_result *r);

/*
 * What @r means for the test: exit 0 is a pass, KSFT_SKIP a skip,
 * anything else, a signal or a VM verdict a failure; with --expect only
 * the verdict it names passes. @why gets the KTAP directive without
 * "# " ("SKIP", "exit=1", "sched-error", "expected ..."), or "".
 */
enum test_result prog_result(const struct vm_result *r, char *why, size_t len);

/*
 * Tests that attach or replace a scheduler themselves find scx_simple in
 * /include, unless the user already included a file of that name. True
 * if the guest has one to attach that way.
 */
bool prog_ship_scheduler(struct vm_setup *s);

#endif
