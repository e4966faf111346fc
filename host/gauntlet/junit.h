/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JUnit XML for CI dashboards (--junit FILE): one <testsuite> per group
 * (the gauntlet's topology/scheduler), one <testcase> per cell, the
 * shape Jenkins, GitLab and GitHub reporters read.
 */
#ifndef KTSTR_HOST_GAUNTLET_JUNIT_H
#define KTSTR_HOST_GAUNTLET_JUNIT_H

#include <stddef.h>
#include <stdio.h>

enum junit_kind { JUNIT_PASS, JUNIT_FAIL, JUNIT_SKIP };

struct junit_case {
	const char *suite;	/* the group: cases of one suite are written together */
	const char *classname;
	const char *name;
	double time_s;
	enum junit_kind kind;
	const char *message;	/* why it failed or skipped, or NULL */
	const char *text;	/* output kept with a failure, or NULL */
};

/* The document; suites in the order their first case comes. */
void junit_write(FILE *f, const char *name, const struct junit_case *c,
		 size_t n);

#endif
