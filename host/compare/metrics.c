// SPDX-License-Identifier: GPL-2.0
/*
 * The metrics of ktstr compare, from scenarios.json. The report comes
 * from the guest: it is read bounded, every field is checked for its
 * type and range, and names are kept to a safe alphabet before they
 * become file names or HTML.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util.h"
#include "ktstr_env.h"
#include "compare/metrics.h"

#define REPORT_MAX_BYTES	(32 << 20)

const struct metric_def metric_defs[] = {
	{ "throughput", "units/s", METRIC_HIGHER_BETTER,
	  "work units the cgroup's workers completed per second of the holds" },
	{ "wake_p50", "us", METRIC_LOWER_BETTER,
	  "median wake latency: the waker's stamp to the wakee running" },
	{ "wake_p99", "us", METRIC_LOWER_BETTER, "99th percentile wake latency" },
	{ "wake_p999", "us", METRIC_LOWER_BETTER, "99.9th percentile wake latency" },
	{ "sched_delay", "us", METRIC_LOWER_BETTER,
	  "run-queue wait per timeslice (schedstat)" },
	{ "cpu_spread", "max/min", METRIC_LOWER_BETTER,
	  "CPU time of the busiest worker over the least busy one (at least 1 ms)" },
	{ "longest_gap", "ms", METRIC_LOWER_BETTER,
	  "the longest time a worker went without running" },
	{ "migrations", "/s", METRIC_NEUTRAL,
	  "CPU migrations per second of each worker's life, summed" },
	{ "switches", "/s", METRIC_NEUTRAL,
	  "context switches (voluntary and not) per second of each worker's life, summed" },
};

const size_t metric_defs_n = sizeof(metric_defs) / sizeof(metric_defs[0]);

const struct metric_def *metric_find(const char *name)
{
	for (size_t i = 0; i < metric_defs_n; i++)
		if (!strcmp(metric_defs[i].name, name))
			return &metric_defs[i];
	return NULL;
}

bool cmp_name_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n >= max || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '_' && *s != '-' &&
		    *s != '.')
			return false;
	return true;
}

static int push(struct cmp_series *c, int side, double v)
{
	if (c->n[side] == c->cap[side]) {
		size_t cap = c->cap[side] ? 2 * c->cap[side] : 16;
		double *nv = realloc(c->v[side], cap * sizeof(*nv));

		if (!nv)
			return -1;
		c->v[side] = nv;
		c->cap[side] = cap;
	}
	c->v[side][c->n[side]++] = v;
	return 0;
}

int cmp_add_value(struct cmp_set *set, int side, const char *scenario,
		  const char *cgroup, const struct metric_def *def, double v)
{
	char key[CMP_KEY_MAX];
	struct cmp_series *c = NULL;

	if (side < 0 || side >= CMP_SIDES || !isfinite(v) ||
	    !cmp_name_ok(scenario, sizeof(c->scenario)) ||
	    !cmp_name_ok(cgroup, sizeof(c->cgroup)))
		return 0;
	snprintf(key, sizeof(key), "%s/%s/%s", scenario, cgroup, def->name);
	for (size_t i = 0; i < set->n && !c; i++)
		if (!strcmp(set->s[i].key, key))
			c = &set->s[i];
	if (!c) {
		if (set->n == set->cap) {
			size_t cap = set->cap ? 2 * set->cap : 32;
			struct cmp_series *ns = realloc(set->s, cap * sizeof(*ns));

			if (!ns)
				return -1;
			set->s = ns;
			set->cap = cap;
		}
		c = &set->s[set->n++];
		memset(c, 0, sizeof(*c));
		snprintf(c->key, sizeof(c->key), "%s", key);
		snprintf(c->scenario, sizeof(c->scenario), "%s", scenario);
		snprintf(c->cgroup, sizeof(c->cgroup), "%s", cgroup);
		c->def = def;
	}
	return push(c, side, v);
}

/* Beyond any count or rate a run produces: sums of it cannot overflow. */
#define REPORT_VALUE_MAX	1e15

/* @o's number @key, if it is one, in [0, REPORT_VALUE_MAX]. */
static int num(struct json_object *o, const char *key, double *v)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, key, &x) ||
	    !(json_object_is_type(x, json_type_double) ||
	      json_object_is_type(x, json_type_int)))
		return 0;
	*v = json_object_get_double(x);
	return isfinite(*v) && *v >= 0 && *v <= REPORT_VALUE_MAX;
}

const char *cmp_json_str(struct json_object *o, const char *key)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, key, &x) ||
	    !json_object_is_type(x, json_type_string))
		return NULL;
	return json_object_get_string(x);
}

/* One cgroup's metrics, as the guest summed them up ("work"). */
static int add_cgroup(struct cmp_set *set, int side, const char *scn,
		      struct json_object *cg)
{
	static const struct {
		const char *field, *metric;
		bool needs_wakeups, needs_peers;
	} map[] = {
		{ "units_per_s", "throughput", false, false },
		{ "wake_p50_us", "wake_p50", true, false },
		{ "wake_p99_us", "wake_p99", true, false },
		{ "wake_p999_us", "wake_p999", true, false },
		{ "delay_per_slice_us", "sched_delay", false, false },
		{ "cpu_spread", "cpu_spread", false, true },
		{ "longest_gap_ms", "longest_gap", false, false },
		{ "migrations_per_s", "migrations", false, false },
		{ "switches_per_s", "switches", false, false },
	};
	const char *name = cmp_json_str(cg, "name");
	struct json_object *w;
	double v, workers = 0, wakeups = 0, held_s = 0;
	int r = 0;

	if (!name || !cmp_name_ok(name, 64) ||
	    !json_object_object_get_ex(cg, "work", &w) ||
	    !json_object_is_type(w, json_type_object))
		return 0;
	num(w, "workers", &workers);
	num(w, "wakeups", &wakeups);
	num(w, "held_s", &held_s);
	if (workers < 1 || held_s <= 0)
		return 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if ((map[i].needs_wakeups && wakeups <= 0) ||
		    (map[i].needs_peers && workers < 2) ||
		    !num(w, map[i].field, &v))
			continue;
		r |= cmp_add_value(set, side, scn, name,
				   metric_find(map[i].metric), v);
	}
	return r;
}

int cmp_add_report_text(struct cmp_set *set, int side, const char *text,
			size_t len, const char *name, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc = NULL, *scns;
	int r = -1;

	if (!tok || len > REPORT_MAX_BYTES) {
		snprintf(err, errlen, "%s: %s", name, tok ? "too large" : "out of memory");
		json_tokener_free(tok);
		return -1;
	}
	doc = json_tokener_parse_ex(tok, text, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(doc);
		doc = NULL;
	}
	json_tokener_free(tok);
	if (!doc || !json_object_is_type(doc, json_type_object) ||
	    !cmp_json_str(doc, "format") || strcmp(cmp_json_str(doc, "format"), KTSTR_SCENARIO_FORMAT) ||
	    !json_object_object_get_ex(doc, "scenarios", &scns) ||
	    !json_object_is_type(scns, json_type_array)) {
		snprintf(err, errlen,
			 "%s: not a %s scenario report with a \"scenarios\" array",
			 name, KTSTR_SCENARIO_FORMAT);
		goto out;
	}
	for (size_t i = 0; i < json_object_array_length(scns); i++) {
		struct json_object *s = json_object_array_get_idx(scns, i), *cgs;
		const char *sname = cmp_json_str(s, "name"), *verdict = cmp_json_str(s, "verdict");
		if (!sname || !cmp_name_ok(sname, 64) || !verdict ||
		    !strcmp(verdict, "skip") ||
		    !json_object_object_get_ex(s, "cgroups", &cgs) ||
		    !json_object_is_type(cgs, json_type_array))
			continue;
		if (!strcmp(verdict, "fail"))
			set->check_failures[side]++;
		for (size_t j = 0; j < json_object_array_length(cgs); j++) {
			if (add_cgroup(set, side, sname,
				       json_object_array_get_idx(cgs, j))) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
		}
	}
	r = 0;
out:
	json_object_put(doc);
	return r;
}

int cmp_add_report(struct cmp_set *set, int side, const char *path,
		   char *err, size_t errlen)
{
	size_t len;
	char *buf = read_file(path, REPORT_MAX_BYTES, &len);
	int r;

	if (!buf) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	r = cmp_add_report_text(set, side, buf, len, path, err, errlen);
	free(buf);
	return r;
}

void cmp_set_free(struct cmp_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		for (int k = 0; k < CMP_SIDES; k++)
			free(set->s[i].v[k]);
	free(set->s);
	memset(set, 0, sizeof(*set));
}
