// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr list [TEST...]: the programs and subtests of the default suite, as
 * ktstr run names them: PROGRAM, then PROGRAM:SUBTEST for each subtest,
 * with what it needs of the topology where the program says. With TESTs,
 * what 'ktstr run TEST...' would run.
 */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "cmd/cli.h"
#include "cmd/select.h"

static void print_item(const struct suite *s, const struct sel_item *it)
{
	const struct harness_list *l = &s->lists[it->suite];
	char needs[128];

	printf("%s\n", it->name);
	for (size_t j = 0; j < l->n; j++) {
		if (!select_has(it, j))
			continue;
		harness_needs_text(&l->v[j], needs, sizeof(needs));
		printf("%s:%s%s%s\n", it->name, l->v[j].name,
		       needs[0] ? "  # needs " : "", needs);
	}
}

int cmd_list(int argc, const char **argv)
{
	struct poptOption table[] = {
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr list", argc, argv, table, 0);
	struct selection sel = { .n = 0 };
	struct ktstr_paths paths;
	struct suite s = { .lists = NULL };
	int opt, status = EXIT_USAGE, sig;
	char err[1024];
	const char *arg;
	bool any = false;

	poptSetOtherOptionHelp(pc, "[OPTION...] [TEST...]");
	opt = poptGetNextOpt(pc);
	if (opt < -1) {
		errmsg("list: %s: %s; see 'ktstr list --help'",
		       poptBadOption(pc, 0), poptStrerror(opt));
		goto out;
	}
	if (paths_init(&paths, err, sizeof(err))) {
		errmsg("%s", err);
		goto out;
	}
	if (suite_open(&s, paths.selftests))
		goto out;
	while ((arg = poptGetArg(pc))) {
		any = true;
		if (select_arg(&sel, &s, arg, false, err, sizeof(err))) {
			errmsg("list: %s", err);
			goto out;
		}
	}
	if (!any && select_all(&sel, &s)) {
		errmsg("out of memory");
		goto out;
	}
	/* Listing first, then the output: an error leaves none. */
	for (size_t i = 0; i < sel.n; i++)
		if (!suite_subtests(&s, (size_t)sel.v[i].suite, err,
				    sizeof(err))) {
			errmsg("list: %s", err);
			goto out;
		}
	sig = vm_pending_signal();
	if (sig) {
		errmsg("list: interrupted by %s", strsignal(sig));
		status = exit_for_signal(sig);
		goto out;
	}
	for (size_t i = 0; i < sel.n; i++)
		print_item(&s, &sel.v[i]);
	status = 0;
out:
	selection_free(&sel);
	suite_close(&s);
	poptFreeContext(pc);
	return status;
}
