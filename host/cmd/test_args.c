// SPDX-License-Identifier: GPL-2.0
/*
 * TEST arguments to a selection: see test_args.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "paths.h"
#include "cmd/cli.h"
#include "cmd/test_args.h"

/* Every program there, executable, before any VM boots. */
static int check_tests(const struct selection *sel)
{
	for (size_t i = 0; i < sel->n; i++) {
		if (access(sel->v[i].path, X_OK)) {
			errmsg("test %s: %s; expected an executable test program",
			       sel->v[i].path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int test_args_select(const char *cmd, struct selection *sel,
		     struct suite *suite, const struct strlist *args,
		     bool others, struct strlist **filters)
{
	struct ktstr_paths paths;
	bool names = !args->n && !others;
	char err[1024];

	for (size_t i = 0; i < args->n; i++)
		names |= !select_is_path(args->v[i]);
	if (names && paths_init(&paths, err, sizeof(err))) {
		errmsg("%s", err);
		return EXIT_USAGE;
	}
	if (names && suite_open(suite, paths.selftests))
		return EXIT_USAGE;
	for (size_t i = 0; i < args->n; i++) {
		if (select_arg(sel, suite, args->v[i], true, err, sizeof(err))) {
			errmsg("%s: %s", cmd, err);
			return EXIT_USAGE;
		}
	}
	if (!args->n && !others && select_all(sel, suite))
		return EXIT_USAGE;
	if (check_tests(sel))
		return EXIT_USAGE;
	*filters = calloc(sel->n ?: 1, sizeof(**filters));
	if (!*filters)
		return EXIT_USAGE;
	for (size_t i = 0; i < sel->n; i++)
		if (select_filters(&sel->v[i], suite, &(*filters)[i]))
			return EXIT_USAGE;
	return 0;
}

void test_args_free(struct selection *sel, struct suite *suite,
		    struct strlist *filters)
{
	for (size_t i = 0; filters && i < sel->n; i++)
		strlist_free(&filters[i]);
	free(filters);
	selection_free(sel);
	suite_close(suite);
}
