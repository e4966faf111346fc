/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Following a test program's own KTAP as it streams out of the VM: its
 * plan, the subtest running now ("#  RUN  NAME" of kselftest_harness.h)
 * and its result lines, so a failure that ends the VM can say what it
 * cut short, and the gauntlet can read each subtest's result.
 */
#ifndef KTSTR_HOST_CMD_KTAP_FOLLOW_H
#define KTSTR_HOST_CMD_KTAP_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd/harness_list.h"

#define KTAP_LINE_MAX	1024

struct ktap_follow {
	char line[KTAP_LINE_MAX];
	size_t len;
	unsigned int plan, results;
	char running[HARNESS_NAME_MAX];	/* started and not finished, or "" */
	/* Each complete line, after it was followed; may be NULL. */
	void (*on_line)(void *ctx, const char *line);
	void *ctx;
};

void ktap_follow_init(struct ktap_follow *f,
		      void (*on_line)(void *ctx, const char *line), void *ctx);
/* A vm_output_fn: @ctx is the struct ktap_follow; control bytes become '?'. */
void ktap_follow_output(void *ctx, int stream, const char *buf, size_t len);
/* The last line, if it had no newline. */
void ktap_follow_flush(struct ktap_follow *f);
/* The subtest running now, for vm_opts.step: @ctx is the ktap_follow. */
const char *ktap_follow_step(void *ctx);

/* A top-level result line: "ok N NAME", "not ok N NAME # DIRECTIVE". */
struct ktap_result {
	bool ok;
	bool skip;		/* the directive is SKIP */
	unsigned int num;
	char name[HARNESS_NAME_MAX];
	char directive[256];	/* after "# ", SKIP's reason without "SKIP" */
};

/* 0, or -1 if @line is not a top-level result line. */
int ktap_result_parse(const char *line, struct ktap_result *r);

#endif
