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
	  "work units the cgroup's workers completed per second held" },
	{ "wake_p50", "us", METRIC_LOWER_BETTER,
	  "median wake latency: the waker's stamp to the wakee running" },
	{ "wake_p99", "us", METRIC_LOWER_BETTER, "99th percentile wake latency" },
	{ "wake_p999", "us", METRIC_LOWER_BETTER, "99.9th percentile wake latency" },
	{ "sched_delay", "us", METRIC_LOWER_BETTER,
	  "run-queue wait per timeslice (schedstat)" },
	{ "cpu_spread", "max/min", METRIC_LOWER_BETTER,
	  "CPU time of the busiest worker over the least busy one" },
	{ "longest_gap", "ms", METRIC_LOWER_BETTER,
	  "the longest time a worker went without running" },
	{ "migrations", "/s", METRIC_NEUTRAL, "CPU migrations per second held" },
	{ "switches", "/s", METRIC_NEUTRAL,
	  "context switches (voluntary and not) per second held" },
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

/* @o's number @key, if it is one and finite and not negative. */
static int num(struct json_object *o, const char *key, double *v)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, key, &x) ||
	    !(json_object_is_type(x, json_type_double) ||
	      json_object_is_type(x, json_type_int)))
		return 0;
	*v = json_object_get_double(x);
	return isfinite(*v) && *v >= 0;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *x;

	if (!json_object_object_get_ex(o, key, &x) ||
	    !json_object_is_type(x, json_type_string))
		return NULL;
	return json_object_get_string(x);
}

/* One cgroup's metrics; @hold_ms is the scenario's, for a cgroup never held whole. */
static int add_cgroup(struct cmp_set *set, int side, const char *scn,
		      struct json_object *cg, double hold_ms)
{
	const char *name = str(cg, "name");
	struct json_object *w;
	double held_ms, secs, v, workers = 0, wakeups = 0;
	int r = 0;

	if (!name || !cmp_name_ok(name, 64) ||
	    !json_object_object_get_ex(cg, "work", &w) ||
	    !json_object_is_type(w, json_type_object))
		return 0;
	if (!num(cg, "held_ms", &held_ms) || held_ms <= 0)
		held_ms = hold_ms;
	secs = held_ms / 1000.0;
	num(w, "workers", &workers);
	num(w, "wakeups", &wakeups);
	if (workers < 1 || secs <= 0)
		return 0;
	if (num(w, "units", &v))
		r |= cmp_add_value(set, side, scn, name, metric_find("throughput"),
				   v / secs);
	if (wakeups > 0) {
		if (num(w, "wake_p50_us", &v))
			r |= cmp_add_value(set, side, scn, name,
					   metric_find("wake_p50"), v);
		if (num(w, "wake_p99_us", &v))
			r |= cmp_add_value(set, side, scn, name,
					   metric_find("wake_p99"), v);
		if (num(w, "wake_p999_us", &v))
			r |= cmp_add_value(set, side, scn, name,
					   metric_find("wake_p999"), v);
	}
	if (num(w, "delay_per_slice_us", &v))
		r |= cmp_add_value(set, side, scn, name,
				   metric_find("sched_delay"), v);
	if (workers >= 2 && num(w, "cpu_spread", &v) && v >= 1)
		r |= cmp_add_value(set, side, scn, name,
				   metric_find("cpu_spread"), v);
	if (num(w, "longest_gap_ms", &v))
		r |= cmp_add_value(set, side, scn, name,
				   metric_find("longest_gap"), v);
	if (num(w, "migrations", &v))
		r |= cmp_add_value(set, side, scn, name,
				   metric_find("migrations"), v / secs);
	if (num(w, "switches", &v))
		r |= cmp_add_value(set, side, scn, name,
				   metric_find("switches"), v / secs);
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
	    !str(doc, "format") || strcmp(str(doc, "format"), KTSTR_SCENARIO_FORMAT) ||
	    !json_object_object_get_ex(doc, "scenarios", &scns) ||
	    !json_object_is_type(scns, json_type_array)) {
		snprintf(err, errlen,
			 "%s: not a %s scenario report with a \"scenarios\" array",
			 name, KTSTR_SCENARIO_FORMAT);
		goto out;
	}
	for (size_t i = 0; i < json_object_array_length(scns); i++) {
		struct json_object *s = json_object_array_get_idx(scns, i), *cgs;
		const char *sname = str(s, "name"), *verdict = str(s, "verdict");
		double hold_ms = 0;

		if (!sname || !cmp_name_ok(sname, 64) || !verdict ||
		    !strcmp(verdict, "skip") ||
		    !json_object_object_get_ex(s, "cgroups", &cgs) ||
		    !json_object_is_type(cgs, json_type_array))
			continue;
		if (!strcmp(verdict, "fail"))
			set->check_failures[side]++;
		num(s, "hold_ms", &hold_ms);
		for (size_t j = 0; j < json_object_array_length(cgs); j++) {
			if (add_cgroup(set, side, sname,
				       json_object_array_get_idx(cgs, j), hold_ms)) {
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
