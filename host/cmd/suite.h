/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The default suite: the programs selftests/Makefile lists in
 * TEST_GEN_PROGS, which the build writes to SUITE_LIST beside them, and
 * their subtests, from each program's own listing ("PROG -l").
 */
#ifndef KTSTR_HOST_CMD_SUITE_H
#define KTSTR_HOST_CMD_SUITE_H

#include <limits.h>

#include "strlist.h"
#include "cmd/harness_list.h"

#define SUITE_LIST		"ktstr-suite.txt"
/* "PROG -l" only prints a table: a program still at it is stuck. */
#define SUITE_LIST_TIMEOUT_MS	5000

/* Lists a program's subtests; a test can put a fake in its place. */
typedef int (*suite_lister)(const char *path, struct harness_list *l,
			    char *err, size_t errlen);

struct suite {
	char dir[PATH_MAX];
	struct strlist names;		/* sorted */
	struct harness_list *lists;	/* per name, once listed */
	bool *listed;
	suite_lister lister;
};

/*
 * Read @dir/SUITE_LIST. 0, or -1 after one line saying what is missing.
 * The lister is suite_list_program().
 */
int suite_open(struct suite *s, const char *dir);

/* The program of name @i: @dir/NAME. */
void suite_path(const struct suite *s, size_t i, char *buf, size_t len);

/*
 * The subtests of program @i, listed on first use. NULL, with one line
 * in @err, if its listing failed.
 */
const struct harness_list *suite_subtests(struct suite *s, size_t i,
					  char *err, size_t errlen);

/*
 * Run "@path -l" for at most @timeout_ms, its output bounded, and parse
 * what it prints. 0, or -1 with one line in @err.
 */
int suite_list_program_within(const char *path, unsigned int timeout_ms,
			      struct harness_list *l, char *err,
			      size_t errlen);
int suite_list_program(const char *path, struct harness_list *l, char *err,
		       size_t errlen);

void suite_close(struct suite *s);

#endif
