// SPDX-License-Identifier: GPL-2.0
/*
 * The durations of earlier gauntlet runs: see durations.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "util.h"
#include "gauntlet/durations.h"

#define DURATIONS_VERSION	1
#define DURATIONS_MAX_BYTES	(64 << 20)

/* @path's document, or a new empty one; NULL without memory. */
static struct json_object *read_doc(const char *path, bool warn)
{
	struct json_object *o = NULL, *v;
	size_t len;
	char *buf = read_file(path, DURATIONS_MAX_BYTES, &len);

	if (buf) {
		o = json_tokener_parse(buf);
		free(buf);
		if (!o || !json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, "version", &v) ||
		    json_object_get_int(v) != DURATIONS_VERSION) {
			if (warn)
				errmsg("ignoring %s: not a version %d durations file; it will be rewritten",
				       path, DURATIONS_VERSION);
			json_object_put(o);
			o = NULL;
		}
	}
	if (!o) {
		o = json_object_new_object();
		if (o)
			json_object_object_add(o, "version",
					       json_object_new_int(DURATIONS_VERSION));
	}
	return o;
}

/* @root[accel][kind], made if @make. */
static struct json_object *table(struct json_object *root, const char *accel,
				 const char *kind, bool make)
{
	struct json_object *a, *t;

	if (!root)
		return NULL;
	if (!json_object_object_get_ex(root, accel, &a) ||
	    !json_object_is_type(a, json_type_object)) {
		if (!make)
			return NULL;
		a = json_object_new_object();
		json_object_object_add(root, accel, a);
	}
	if (!json_object_object_get_ex(a, kind, &t) ||
	    !json_object_is_type(t, json_type_object)) {
		if (!make)
			return NULL;
		t = json_object_new_object();
		json_object_object_add(a, kind, t);
	}
	return t;
}

int durations_load(struct durations *d, const char *path, const char *accel)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->accel, sizeof(d->accel), "%s", accel);
	d->root = read_doc(path, true);
	d->fresh = json_object_new_object();
	return d->root && d->fresh ? 0 : -1;
}

static double get(const struct durations *d, const char *kind,
		  const char *key)
{
	struct json_object *t = table(d->root, d->accel, kind, false), *v;
	double s;

	if (!t || !json_object_object_get_ex(t, key, &v))
		return -1;
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		return -1;
	s = json_object_get_double(v);
	return s >= 0 ? s : -1;
}

double durations_cell(const struct durations *d, const char *key)
{
	return get(d, "cells", key);
}

double durations_boot(const struct durations *d, const char *key)
{
	return get(d, "boots", key);
}

static void set(struct durations *d, const char *kind, const char *key,
		double s)
{
	struct json_object *t = table(d->fresh, d->accel, kind, true);

	if (t)
		json_object_object_add(t, key,
				       json_object_new_double(s < 0 ? 0 : s));
}

void durations_set_cell(struct durations *d, const char *key, double s)
{
	set(d, "cells", key, s);
}

void durations_set_boot(struct durations *d, const char *key, double s)
{
	set(d, "boots", key, s);
}

int durations_save(const struct durations *d, const char *path, char *err,
		   size_t errlen)
{
	static const char *const kinds[] = { "cells", "boots" };
	struct json_object *doc = read_doc(path, false);
	char tmp[4200], dir[4200], *slash;
	const char *text;
	int r = -1;

	if (!doc) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		struct json_object *from = table(d->fresh, d->accel, kinds[k],
						 false);
		struct json_object *to;

		if (!from)
			continue;
		to = table(doc, d->accel, kinds[k], true);
		json_object_object_foreach(from, key, val)
			json_object_object_add(to, key, json_object_get(val));
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (slash && mkdir_p(dir, 0755)) {
		snprintf(err, errlen, "cannot create %s: %s", dir,
			 strerror(errno));
	} else if (write_file(tmp, text, strlen(text), 0644) ||
		   rename(tmp, path)) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		unlink(tmp);
	} else {
		r = 0;
	}
	json_object_put(doc);
	return r;
}

void durations_free(struct durations *d)
{
	json_object_put(d->root);
	json_object_put(d->fresh);
	memset(d, 0, sizeof(*d));
}
