// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer entry point for what ktstr compare reads from a guest: the
 * scenario report (host/compare/metrics.c), then everything made of it,
 * the statistics, the verdicts, the table and a plot per series.
 *
 * Build and run with scripts/fuzz-host.sh report; seeds in
 * tests/fuzz/report are real reports from the guest.
 *
 * Besides memory safety it checks the reader's contract: every name that
 * comes out is safe for a file name and a page, every value is finite
 * and not negative, and a report read twice gives twice the values.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare/analysis.h"
#include "compare/metrics.h"
#include "compare/output.h"
#include "compare/plot.h"
#include "fuzz_stats.h"

static void contract(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz: contract broken: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cmp_params p = { .alpha = 0.01, .threshold = 0.05, .conf = 0.99 };
	struct cmp_context c = { .topology = "t", .accel = "tcg" };
	struct cmp_set set = { .n = 0 };
	struct cmp_analysis a = { .n = 0 };
	char err[512];
	size_t once;
	FILE *sink;

	fuzz_stats_begin();
	if (cmp_add_report_text(&set, 0, (const char *)data, size, "fuzz", err,
				sizeof(err)))
		goto out;
	once = set.n;
	/* The same report again, as side B: the same series, twice the values. */
	contract(!cmp_add_report_text(&set, 1, (const char *)data, size, "fuzz",
				      err, sizeof(err)), "a report read once reads twice");
	contract(set.n == once, "a second read adds no series");
	for (size_t i = 0; i < set.n; i++) {
		const struct cmp_series *s = &set.s[i];

		contract(cmp_name_ok(s->scenario, sizeof(s->scenario)) &&
			 cmp_name_ok(s->cgroup, sizeof(s->cgroup)), "names are safe");
		contract(s->n[0] == s->n[1], "both reads give the same values");
		for (size_t k = 0; k < s->n[0]; k++)
			contract(isfinite(s->v[0][k]) && s->v[0][k] >= 0 &&
				 s->v[0][k] == s->v[1][k], "values finite, not negative");
	}
	contract(!cmp_analyze(&set, &p, &a), "analysis");
	sink = fopen("/dev/null", "w");
	if (sink) {
		cmp_print_table(sink, &c, &a);
		for (size_t i = 0; i < a.n; i++) {
			const struct cmp_series *s = a.rows[i].s;
			struct plot_series pa = { "A", s->v[0], s->n[0] };
			struct plot_series pb = { "B", s->v[1], s->n[1] };

			plot_svg(sink, s->key, s->def->unit, &pa, &pb);
		}
		fclose(sink);
	}
	/* A then B identical: nothing may be called better or worse. */
	contract(!a.better && !a.worse && !a.changed, "A/A of one report is the same");
out:
	cmp_analysis_free(&a);
	cmp_set_free(&set);
	fuzz_stats_end(data, size);
	return 0;
}
