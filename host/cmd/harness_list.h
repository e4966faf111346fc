/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The subtests of a kselftest_harness program, from what "PROG -l" prints:
 * the harness's table on stderr, and on stdout what each subtest needs of
 * the topology, where the program says (scenarios does). Subtests are
 * named as the harness names them in "#  RUN  NAME" and as -r takes them:
 * fixture.variant.test, or fixture.test for a fixture without variants.
 */
#ifndef KTSTR_HOST_CMD_HARNESS_LIST_H
#define KTSTR_HOST_CMD_HARNESS_LIST_H

#include <stddef.h>

/* Bounds on what a program may print: anything beyond is an error. */
#define HARNESS_NAME_MAX	128	/* fixture.variant.test and its NUL */
#define HARNESS_LINE_MAX	512
#define HARNESS_OUT_MAX		(256 * 1024)
#define HARNESS_TESTS_MAX	4096
#define HARNESS_CPUS_MAX	4096

/* What a subtest needs, from "# needs NAME TOKEN..." lines. */
#define HARNESS_NEED_SMT	(1u << 0)	/* smt: SMT siblings */
#define HARNESS_NEED_NUMA	(1u << 1)	/* numa: two NUMA nodes or more */
#define HARNESS_NEED_LLCS	(1u << 2)	/* llcs: two LLCs or more */
#define HARNESS_NEED_SCHED	(1u << 3)	/* scheduler: one to attach */

struct harness_test {
	char name[HARNESS_NAME_MAX];
	unsigned int needs;	/* HARNESS_NEED_* */
	unsigned int min_cpus;	/* cpus=N; 0 if not said */
};

/* The subtests in the order the harness runs them. */
struct harness_list {
	struct harness_test *v;
	size_t n;
};

/*
 * Parse the table test_harness_list_tests() prints: a header, then one
 * section per fixture (separated by a line of dashes) whose rows pair its
 * variants and its tests side by side; the subtests are every variant
 * with every test. 0, or -1 with one line in @err.
 */
int harness_list_parse(struct harness_list *l, const char *buf, size_t len,
		       char *err, size_t errlen);

/*
 * Parse "# needs NAME [cpus=N] [smt] [numa] [llcs] [scheduler]" lines
 * into the subtests of @l; nothing else may be there. 0, or -1 with one
 * line in @err.
 */
int harness_needs_parse(struct harness_list *l, const char *buf, size_t len,
			char *err, size_t errlen);

/* The subtest named @name, or NULL. */
const struct harness_test *harness_find(const struct harness_list *l,
					const char *name);

/* "4+ CPUs, 2+ NUMA nodes", or "" for a subtest that needs nothing. */
void harness_needs_text(const struct harness_test *t, char *buf, size_t len);

void harness_list_free(struct harness_list *l);

#endif
