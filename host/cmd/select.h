/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ktstr run and ktstr list take as TEST: a path to a program, or
 * PROGRAM[:SUBTEST] names and fnmatch(3) globs over the default suite,
 * e.g. scenarios, 'kmod_*', 'scenarios:canned.cpuset_*'. A program named
 * more than once is selected once, with the union of its subtests.
 */
#ifndef KTSTR_HOST_CMD_SELECT_H
#define KTSTR_HOST_CMD_SELECT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "strlist.h"
#include "cmd/suite.h"

struct sel_item {
	char path[PATH_MAX];
	char name[NAME_MAX + 1];	/* the suite's name, or the base name */
	long suite;		/* index in the suite, or -1 for a path */
	bool whole;		/* every subtest */
	bool *picked;		/* else these, per subtest of its listing */
};

/* In the order the arguments first name them. */
struct selection {
	struct sel_item *v;
	size_t n;
};

/* A program path: a '/' in it, or a regular file of that name here. */
bool select_is_path(const char *arg);

/*
 * Add what @arg names to @sel; a path only if @paths. 0, or -1 with one
 * line in @err naming @arg and what to do.
 */
int select_arg(struct selection *sel, struct suite *s, const char *arg,
	       bool paths, char *err, size_t errlen);

/* Every program of the suite, whole. */
int select_all(struct selection *sel, struct suite *s);

/* Whether subtest @j of the item's listing is selected. */
bool select_has(const struct sel_item *it, size_t j);

/*
 * The harness filters that run only the item's subtests: "-r NAME" for
 * each, or none when it is whole or all are picked. 0, or -1 (no memory).
 */
int select_filters(const struct sel_item *it, const struct suite *s,
		   struct strlist *args);

void selection_free(struct selection *sel);

#endif
