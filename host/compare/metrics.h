/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ktstr compare measures, read from the scenario engine's report
 * (scenarios.json, one per run): for every scenario and cgroup, each
 * metric of metric_defs[] that the run produced, one value per run and
 * side. A series is one scenario/cgroup/metric across the runs.
 */
#ifndef KTSTR_HOST_COMPARE_METRICS_H
#define KTSTR_HOST_COMPARE_METRICS_H

#include <stdbool.h>
#include <stddef.h>

enum metric_dir {
	METRIC_HIGHER_BETTER,
	METRIC_LOWER_BETTER,
	METRIC_NEUTRAL,		/* a change is reported, not judged */
};

struct metric_def {
	const char *name;	/* "wake_p99" */
	const char *unit;	/* "us" */
	enum metric_dir dir;
	const char *doc;
};

extern const struct metric_def metric_defs[];
extern const size_t metric_defs_n;

#define CMP_KEY_MAX	192
#define CMP_SIDES	2

struct cmp_series {
	char key[CMP_KEY_MAX];		/* scenario/cgroup/metric */
	char scenario[64], cgroup[64];
	const struct metric_def *def;
	double *v[CMP_SIDES];		/* per side, one per run that had it */
	size_t n[CMP_SIDES], cap[CMP_SIDES];
};

/* What one side ran, or the baseline it came from. */
struct cmp_side {
	char sched[64];		/* eevdf, scx_simple, ... */
	char args[256];		/* its arguments, "" if none */
	char kernel[256];	/* the kernel it booted */
	char baseline[64];	/* loaded from this baseline, or "" */
	size_t runs, failed;	/* VMs that ran, and that failed */
};

struct cmp_set {
	struct cmp_series *s;
	size_t n, cap;
	/* Scenarios a run reported as failing their checks, per side. */
	size_t check_failures[CMP_SIDES];
};

/*
 * Add one run of side @side (0: A, 1: B) from the report at @path:
 * every metric of every cgroup of every scenario that ran (not
 * skipped). 0, or -1 with one line in @err (unreadable, malformed).
 */
int cmp_add_report(struct cmp_set *set, int side, const char *path,
		   char *err, size_t errlen);
/* The same from @len bytes of report text; @name is for the messages. */
int cmp_add_report_text(struct cmp_set *set, int side, const char *text,
			size_t len, const char *name, char *err, size_t errlen);
/* Add one value to a series, made if new. -1 without memory. */
int cmp_add_value(struct cmp_set *set, int side, const char *scenario,
		  const char *cgroup, const struct metric_def *def, double v);
const struct metric_def *metric_find(const char *name);
/* @o's string member @key, or NULL if absent or not a string. */
struct json_object;
const char *cmp_json_str(struct json_object *o, const char *key);
/*
 * A name as a file name and a page may carry it: [A-Za-z0-9_.-], not
 * starting with '.', shorter than @max.
 */
bool cmp_name_ok(const char *s, size_t max);
void cmp_set_free(struct cmp_set *set);

#endif
