// SPDX-License-Identifier: GPL-2.0
/*
 * One test program in a fresh VM: see prog_run.h.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/prog_run.h"

void prog_run(struct vm_setup *s, const char *path, const struct strlist *args,
	      const char *out_dir, struct ktap_follow *f, struct vm_result *r)
{
	struct strlist progs = STRLIST_INIT, argv = STRLIST_INIT;
	char guest[PATH_MAX];

	strlist_push(&progs, path);
	initramfs_guest_path(GUEST_PROG_DIR, path, guest, sizeof(guest));
	strlist_push(&argv, guest);
	for (size_t i = 0; args && i < args->n; i++)
		strlist_push(&argv, args->v[i]);
	s->opts.rootfs.programs = &progs;
	s->opts.job.argv = &argv;
	s->opts.job.command = NULL;
	s->opts.output = ktap_follow_output;
	s->opts.output_ctx = f;
	s->opts.step = ktap_follow_step;
	s->opts.output_dir = out_dir;
	vm_run(&s->opts, r);
	ktap_follow_flush(f);
	s->opts.rootfs.programs = NULL;
	s->opts.job.argv = NULL;
	strlist_free(&progs);
	strlist_free(&argv);
}

enum test_result prog_result(const struct vm_result *r, char *why, size_t len)
{
	int expected = vm_cli_expected(r);

	why[0] = '\0';
	if (expected > 0) {
		snprintf(why, len, "expected %s", vm_outcome_name(r->outcome));
		return TEST_PASS;
	}
	if (expected == 0) {
		snprintf(why, len, "expected %s, got %s", vm_cli.expect,
			 vm_outcome_name(r->outcome));
		return TEST_FAIL;
	}
	if (r->outcome != VM_EXITED) {
		snprintf(why, len, "%s", vm_outcome_name(r->outcome));
		return TEST_FAIL;
	}
	if (r->exit_signal) {
		snprintf(why, len, "killed by signal %d", r->exit_signal);
		return TEST_FAIL;
	}
	if (r->exit_code == KSFT_SKIP) {
		snprintf(why, len, "SKIP");
		return TEST_SKIP;
	}
	if (r->exit_code) {
		snprintf(why, len, "exit=%d", r->exit_code);
		return TEST_FAIL;
	}
	return TEST_PASS;
}

bool prog_ship_scheduler(struct vm_setup *s)
{
	char path[PATH_MAX];

	if (!s->kernel.tree[0])
		return false;
	snprintf(path, sizeof(path), "%s/tools/sched_ext/build/bin/scx_simple",
		 s->kernel.tree);
	if (access(path, X_OK))
		return false;
	for (size_t i = 0; i < vm_cli.includes.n; i++) {
		const char *b = strrchr(vm_cli.includes.v[i], '/');

		if (!strcmp(b ? b + 1 : vm_cli.includes.v[i], "scx_simple"))
			return true;
	}
	strlist_push(&vm_cli.includes, path);
	return true;
}
