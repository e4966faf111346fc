// SPDX-License-Identifier: GPL-2.0
/*
 * Baselines: see baseline.h. The file is JSON: what side A was, where it
 * ran, and every series' values.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "paths.h"
#include "util.h"
#include "compare/baseline.h"

#define BASELINE_FORMAT		"ktstr-baseline-1"
#define BASELINE_MAX_BYTES	(64 << 20)
#define BASELINE_NAME_MAX	64

bool baseline_name_ok(const char *name)
{
	return cmp_name_ok(name, BASELINE_NAME_MAX);
}

void baseline_path(const char *name, char *buf, size_t len)
{
	char dir[PATH_MAX];

	paths_cache("baselines", dir, sizeof(dir));
	snprintf(buf, len, "%s/%s.json", dir, name);
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

int baseline_save(const char *name, const struct cmp_set *set,
		  const struct cmp_context *c, char *err, size_t errlen)
{
	const struct cmp_side *a = &c->side[0];
	struct json_object *o, *side, *series;
	char path[PATH_MAX], dir[PATH_MAX], tmp[PATH_MAX + 8];
	int r;

	paths_cache("baselines", dir, sizeof(dir));
	if (mkdir_p(dir, 0755)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	baseline_path(name, path, sizeof(path));
	o = json_object_new_object();
	add_str(o, "format", BASELINE_FORMAT);
	add_str(o, "name", name);
	side = json_object_new_object();
	add_str(side, "scheduler", a->sched);
	add_str(side, "args", a->args);
	add_str(side, "kernel", a->kernel);
	json_object_object_add(side, "runs", json_object_new_int64((int64_t)a->runs));
	json_object_object_add(side, "failed", json_object_new_int64((int64_t)a->failed));
	json_object_object_add(o, "side", side);
	add_str(o, "topology", c->topology);
	add_str(o, "accel", c->accel);
	series = json_object_new_array();
	for (size_t i = 0; i < set->n; i++) {
		const struct cmp_series *s = &set->s[i];
		struct json_object *e, *vals;

		if (!s->n[0])
			continue;
		e = json_object_new_object();
		add_str(e, "scenario", s->scenario);
		add_str(e, "cgroup", s->cgroup);
		add_str(e, "metric", s->def->name);
		vals = json_object_new_array();
		for (size_t k = 0; k < s->n[0]; k++)
			json_object_array_add(vals, json_object_new_double(s->v[0][k]));
		json_object_object_add(e, "values", vals);
		json_object_array_add(series, e);
	}
	json_object_object_add(o, "series", series);
	/* Written whole, then renamed: a reader never sees half a file. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	r = json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PRETTY);
	json_object_put(o);
	if (r || rename(tmp, path)) {
		snprintf(err, errlen, "cannot write baseline %s: %s", path,
			 r ? json_util_get_last_err() : strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static size_t count(struct json_object *o, const char *key)
{
	struct json_object *x;
	int64_t v;

	if (!json_object_object_get_ex(o, key, &x) ||
	    !json_object_is_type(x, json_type_int))
		return 0;
	v = json_object_get_int64(x);
	return v > 0 ? (size_t)v : 0;
}

int baseline_load(const char *name, struct cmp_set *set,
		  struct cmp_context *c, char *err, size_t errlen)
{
	struct cmp_side *a = &c->side[0];
	struct json_object *o, *side, *series;
	char path[PATH_MAX];
	const char *f;
	size_t len;
	char *buf;
	int r = -1;

	baseline_path(name, path, sizeof(path));
	buf = read_file(path, BASELINE_MAX_BYTES, &len);
	if (!buf) {
		snprintf(err, errlen,
			 "no baseline \"%s\" (%s: %s); save one with 'ktstr compare --a SCHED --save-baseline %s'",
			 name, path, strerror(errno), name);
		return -1;
	}
	o = json_tokener_parse(buf);
	free(buf);
	f = o ? cmp_json_str(o, "format") : NULL;
	if (!f || strcmp(f, BASELINE_FORMAT) ||
	    !json_object_object_get_ex(o, "side", &side) ||
	    !json_object_is_type(side, json_type_object) ||
	    !json_object_object_get_ex(o, "series", &series) ||
	    !json_object_is_type(series, json_type_array)) {
		snprintf(err, errlen,
			 "%s is not a %s file; save the baseline again", path,
			 BASELINE_FORMAT);
		goto out;
	}
	snprintf(a->sched, sizeof(a->sched), "%s", cmp_json_str(side, "scheduler") ?: "?");
	snprintf(a->args, sizeof(a->args), "%s", cmp_json_str(side, "args") ?: "");
	snprintf(a->kernel, sizeof(a->kernel), "%s", cmp_json_str(side, "kernel") ?: "");
	snprintf(a->baseline, sizeof(a->baseline), "%s", name);
	a->runs = count(side, "runs");
	a->failed = count(side, "failed");
	snprintf(c->topology, sizeof(c->topology), "%s", cmp_json_str(o, "topology") ?: "");
	snprintf(c->accel, sizeof(c->accel), "%s", cmp_json_str(o, "accel") ?: "");
	for (size_t i = 0; i < json_object_array_length(series); i++) {
		struct json_object *e = json_object_array_get_idx(series, i), *vals;
		const char *scn = cmp_json_str(e, "scenario"), *cg = cmp_json_str(e, "cgroup");
		const struct metric_def *def = metric_find(cmp_json_str(e, "metric") ?: "");

		if (!scn || !cg || !def ||
		    !json_object_object_get_ex(e, "values", &vals) ||
		    !json_object_is_type(vals, json_type_array))
			continue;
		for (size_t k = 0; k < json_object_array_length(vals); k++) {
			double v = json_object_get_double(json_object_array_get_idx(vals, k));

			if (cmp_add_value(set, 0, scn, cg, def, v)) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
		}
	}
	r = 0;
out:
	json_object_put(o);
	return r;
}
