/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TEST arguments of ktstr run and ktstr gauntlet: the selection they
 * name (select.h), the default suite without any, and each program's
 * harness filters.
 */
#ifndef KTSTR_HOST_CMD_TEST_ARGS_H
#define KTSTR_HOST_CMD_TEST_ARGS_H

#include <stdbool.h>

#include "strlist.h"
#include "cmd/select.h"

/*
 * What @args name: the default suite when there are none and no other
 * job (@others, e.g. kselftest collections); else paths and names over
 * the suite, which is read only if a name needs it. Every program must
 * be executable. @filters gets each item's -r filters (free with
 * test_args_free()). 0, or EXIT_USAGE after one line naming @cmd.
 */
int test_args_select(const char *cmd, struct selection *sel,
		     struct suite *suite, const struct strlist *args,
		     bool others, struct strlist **filters);

void test_args_free(struct selection *sel, struct suite *suite,
		    struct strlist *filters);

#endif
