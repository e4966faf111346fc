// SPDX-License-Identifier: GPL-2.0
/*
 * Names and globs to programs and subtests: see select.h.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/select.h"

bool select_is_path(const char *arg)
{
	struct stat st;

	return strchr(arg, '/') || (!stat(arg, &st) && S_ISREG(st.st_mode));
}

/* The item for @path, added at the end if it is new; NULL without memory. */
static struct sel_item *item(struct selection *sel, const char *path,
			     const char *name, long suite)
{
	struct sel_item *v;

	for (size_t i = 0; i < sel->n; i++)
		if (!strcmp(sel->v[i].path, path))
			return &sel->v[i];
	v = realloc(sel->v, (sel->n + 1) * sizeof(*v));
	if (!v)
		return NULL;
	sel->v = v;
	v = &sel->v[sel->n++];
	memset(v, 0, sizeof(*v));
	snprintf(v->path, sizeof(v->path), "%s", path);
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->suite = suite;
	return v;
}

static struct sel_item *suite_item(struct selection *sel,
				   const struct suite *s, size_t i)
{
	char path[PATH_MAX];

	suite_path(s, i, path, sizeof(path));
	return item(sel, path, s->names.v[i], (long)i);
}

/* Pick the subtests of program @i that match @glob; how many, or -1. */
static long pick(struct selection *sel, struct suite *s, size_t i,
		 const char *glob, char *err, size_t errlen)
{
	const struct harness_list *l = suite_subtests(s, i, err, errlen);
	struct sel_item *it;
	long n = 0;

	if (!l)
		return -1;
	for (size_t j = 0; j < l->n; j++)
		n += !fnmatch(glob, l->v[j].name, 0);
	if (!n)
		return 0;
	it = suite_item(sel, s, i);
	if (it && !it->picked)
		it->picked = calloc(l->n ?: 1, sizeof(*it->picked));
	if (!it || !it->picked) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t j = 0; j < l->n; j++)
		it->picked[j] |= !fnmatch(glob, l->v[j].name, 0);
	return n;
}

/* Select what PROGRAM[:SUBTEST] (@prog, @sub) matches. */
static int select_names(struct selection *sel, struct suite *s,
			const char *arg, const char *prog, const char *sub,
			bool paths, char *err, size_t errlen)
{
	size_t programs = 0;
	long subtests = 0;

	for (size_t i = 0; i < s->names.n; i++) {
		struct sel_item *it;
		long n;

		if (fnmatch(prog, s->names.v[i], 0))
			continue;
		programs++;
		if (sub) {
			n = pick(sel, s, i, sub, err, errlen);
			if (n < 0)
				return -1;
			subtests += n;
			continue;
		}
		it = suite_item(sel, s, i);
		if (!it) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		it->whole = true;
	}
	if (!programs) {
		snprintf(err, errlen, "\"%s\" names no program of the default suite in %s; see 'ktstr list'%s",
			 arg, s->dir, paths ? ", or give a path to a program" : "");
		return -1;
	}
	if (sub && !subtests) {
		snprintf(err, errlen, "\"%s\" matches no subtest; see 'ktstr list %s'",
			 arg, prog);
		return -1;
	}
	return 0;
}

int select_arg(struct selection *sel, struct suite *s, const char *arg,
	       bool paths, char *err, size_t errlen)
{
	const char *colon = strchr(arg, ':');
	char *prog;
	int r;

	if (select_is_path(arg)) {
		const char *base = strrchr(arg, '/');
		struct sel_item *it;

		if (!paths) {
			snprintf(err, errlen, "\"%s\" is a path; expected a test of the default suite by name or glob (see 'ktstr list'); 'ktstr run' takes paths",
				 arg);
			return -1;
		}
		it = item(sel, arg, base ? base + 1 : arg, -1);
		if (!it) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		it->whole = true;
		return 0;
	}
	prog = strndup(arg, colon ? (size_t)(colon - arg) : strlen(arg));
	if (!prog) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r = select_names(sel, s, arg, prog, colon ? colon + 1 : NULL, paths,
			 err, errlen);
	free(prog);
	return r;
}

int select_all(struct selection *sel, struct suite *s)
{
	for (size_t i = 0; i < s->names.n; i++) {
		struct sel_item *it = suite_item(sel, s, i);

		if (!it)
			return -1;
		it->whole = true;
	}
	return 0;
}

bool select_has(const struct sel_item *it, size_t j)
{
	return it->whole || (it->picked && it->picked[j]);
}

int select_filters(const struct sel_item *it, const struct suite *s,
		   struct strlist *args)
{
	const struct harness_list *l;
	size_t n = 0;

	if (it->whole || it->suite < 0)
		return 0;
	l = &s->lists[it->suite];
	for (size_t j = 0; j < l->n; j++)
		n += it->picked[j];
	if (n == l->n)
		return 0;
	for (size_t j = 0; j < l->n; j++)
		if (it->picked[j] && (strlist_push(args, "-r") ||
				      strlist_push(args, l->v[j].name)))
			return -1;
	return 0;
}

void selection_free(struct selection *sel)
{
	for (size_t i = 0; i < sel->n; i++)
		free(sel->v[i].picked);
	free(sel->v);
	sel->v = NULL;
	sel->n = 0;
}
