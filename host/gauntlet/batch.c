// SPDX-License-Identifier: GPL-2.0
/*
 * One batch's cells from its program's output: see batch.h.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/ktap_follow.h"
#include "gauntlet/batch.h"

void batch_init(struct batch *b, const struct plan *p, const struct job *j,
		struct cell_result *res,
		void (*notify)(void *ctx, size_t cell), void *ctx)
{
	memset(b, 0, sizeof(*b));
	b->plan = p;
	b->job = j;
	b->res = res;
	b->notify = notify;
	b->ctx = ctx;
}

/* The job's cell whose subtest is @name, or -1. */
static long cell_of(const struct batch *b, const char *name)
{
	for (size_t i = 0; i < b->job->n; i++) {
		const struct plan_cell *c = &b->plan->cells[b->job->cells[i]];

		if (!strcmp(b->plan->tests[c->test].sub.name, name))
			return (long)b->job->cells[i];
	}
	return -1;
}

static void keep_line(struct batch *b, const char *line)
{
	size_t n = strlen(line) + 1;

	if (n >= sizeof(b->lines))
		n = sizeof(b->lines) - 1;
	/* The last lines matter most: drop the oldest. */
	while (b->len + n >= sizeof(b->lines)) {
		char *nl = memchr(b->lines, '\n', b->len);
		size_t drop = nl ? (size_t)(nl - b->lines) + 1 : b->len;

		memmove(b->lines, b->lines + drop, b->len - drop);
		b->len -= drop;
	}
	memcpy(b->lines + b->len, line, n - 1);
	b->len += n;
	b->lines[b->len - 1] = '\n';
	b->lines[b->len] = '\0';
}

static void resolve(struct batch *b, size_t cell, enum cell_verdict v,
		    double seconds, const char *why, const char *diag)
{
	struct cell_result *r = &b->res[cell];

	r->verdict = v;
	r->seconds = seconds;
	r->attempt = b->job->attempt;
	r->rerun = false;
	snprintf(r->why, sizeof(r->why), "%s", why);
	snprintf(r->diag, sizeof(r->diag), "%s", v == CELL_FAIL ? diag : "");
	r->done = true;
	b->resolved++;
	b->cells_s += seconds;
	if (b->notify)
		b->notify(b->ctx, cell);
}

void batch_line(struct batch *b, const char *line, uint64_t now_ns)
{
	char name[HARNESS_NAME_MAX];
	struct ktap_result k;
	long cell;

	if (sscanf(line, "# RUN %127s", name) == 1) {
		snprintf(b->running, sizeof(b->running), "%s", name);
		b->run_ns = now_ns;
		b->len = 0;
		b->lines[0] = '\0';
		return;
	}
	if (ktap_result_parse(line, &k)) {
		keep_line(b, line);
		return;
	}
	cell = cell_of(b, k.name);
	if (cell >= 0 && !b->res[cell].done) {
		double s = b->run_ns && !strcmp(b->running, k.name) ?
			   (double)(now_ns - b->run_ns) / 1e9 : 0;

		resolve(b, (size_t)cell, k.skip ? CELL_SKIP :
			k.ok ? CELL_PASS : CELL_FAIL, s, k.directive,
			b->lines);
	}
	b->running[0] = '\0';
	b->run_ns = 0;
	b->len = 0;
	b->lines[0] = '\0';
}

double batch_end(struct batch *b, bool interrupted, double vm_s,
		 uint64_t now_ns, enum test_result res, const char *why,
		 const char *detail)
{
	const struct plan_test *whole = NULL;
	char diag[CELL_DIAG_MAX], blamed_why[300];
	long blamed = -1;
	bool blamed_now;

	if (b->job->n == 1) {
		const struct plan_cell *c = &b->plan->cells[b->job->cells[0]];

		if (b->plan->tests[c->test].whole)
			whole = &b->plan->tests[c->test];
	}
	snprintf(diag, sizeof(diag), "%s%s%s", detail,
		 detail[0] && b->len ? "\n" : "", b->lines);
	if (whole && !interrupted) {
		resolve(b, b->job->cells[0], res == TEST_PASS ? CELL_PASS :
			res == TEST_SKIP ? CELL_SKIP : CELL_FAIL, vm_s,
			res == TEST_SKIP ? "" : why, diag);
		return 0;
	}
	if (b->running[0] && !interrupted)
		blamed = cell_of(b, b->running);
	blamed_now = blamed >= 0 && !b->res[blamed].done;
	if (blamed_now) {
		double s = b->run_ns ? (double)(now_ns - b->run_ns) / 1e9 : 0;

		snprintf(blamed_why, sizeof(blamed_why), "%s",
			 res == TEST_PASS ? "no result" : why);
		resolve(b, (size_t)blamed, CELL_FAIL, s > 0 ? s : 0,
			blamed_why, diag);
	}
	for (size_t i = 0; i < b->job->n; i++) {
		size_t cell = b->job->cells[i];
		struct cell_result *r = &b->res[cell];

		if (r->done)
			continue;
		if (interrupted) {
			resolve(b, cell, CELL_NOT_RUN, 0, "interrupted", "");
		} else if (blamed_now) {
			r->rerun = true;	/* its VM went down with another */
		} else {
			snprintf(blamed_why, sizeof(blamed_why),
				 "did not run: %s",
				 res == TEST_PASS ? "the program gave it no result" :
				 why);
			resolve(b, cell, CELL_FAIL, 0, blamed_why, diag);
		}
	}
	return vm_s > b->cells_s ? vm_s - b->cells_s : 0;
}
