// SPDX-License-Identifier: GPL-2.0
/*
 * The gauntlet's reports: see report.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util.h"
#include "gauntlet/junit.h"
#include "gauntlet/report.h"

void report_count(const struct plan *p, const struct cell_result *res,
		  const bool *sel, struct report_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < p->ncells; i++) {
		if (sel && !sel[i])
			continue;
		/* Selected and never finished: it did not run. */
		c->v[res[i].done && res[i].verdict < CELL_VERDICT_NR ?
		     res[i].verdict : CELL_NOT_RUN]++;
	}
}

bool report_cell(FILE *f, const struct plan *p, size_t cell,
		 const struct cell_result *r, unsigned int num)
{
	char name[PLAN_TEST_MAX + 2 * TOPO_NAME_MAX];

	if (!r->done)
		return false;
	plan_cell_name(p, cell, name, sizeof(name));
	switch (r->verdict) {
	case CELL_PASS:
		fprintf(f, "ok %u %s\n", num, name);
		return true;
	case CELL_SKIP:
		fprintf(f, "ok %u %s # SKIP%s%s\n", num, name,
			r->why[0] ? " " : "", r->why);
		return true;
	case CELL_NOT_APPLICABLE:
		fprintf(f, "ok %u %s # SKIP not applicable: %s\n", num, name,
			r->why);
		return true;
	case CELL_FAIL: {
		char diag[CELL_DIAG_MAX], *save = NULL;

		snprintf(diag, sizeof(diag), "%s", r->diag);
		for (char *l = strtok_r(diag, "\n", &save); l;
		     l = strtok_r(NULL, "\n", &save))
			fprintf(f, "# %s\n", l);
		fprintf(f, "not ok %u %s%s%s\n", num, name,
			r->why[0] ? " # " : "", r->why);
		return true;
	}
	default:
		return false;
	}
}

void report_totals(FILE *f, const struct report_counts *c)
{
	fprintf(f, "# Totals: pass:%zu fail:%zu xfail:0 xpass:0 skip:%zu error:0\n",
		c->v[CELL_PASS], c->v[CELL_FAIL],
		c->v[CELL_SKIP] + c->v[CELL_NOT_APPLICABLE]);
	fprintf(f, "# gauntlet: pass:%zu fail:%zu skip:%zu not-applicable:%zu not-run:%zu\n",
		c->v[CELL_PASS], c->v[CELL_FAIL], c->v[CELL_SKIP],
		c->v[CELL_NOT_APPLICABLE], c->v[CELL_NOT_RUN]);
}

static void summary_row(FILE *f, int tw, int sw, const char *topo,
			const char *sched, const size_t *n)
{
	fprintf(f, "# %-*s %-*s %5zu %5zu %5zu %5zu %8zu\n", tw, topo, sw,
		sched, n[CELL_PASS], n[CELL_FAIL], n[CELL_SKIP],
		n[CELL_NOT_APPLICABLE], n[CELL_NOT_RUN]);
}

void report_summary(FILE *f, const struct plan *p,
		    const struct cell_result *res, const bool *sel)
{
	size_t total[CELL_VERDICT_NR] = { 0 };
	int tw = 8, sw = 9;

	for (size_t i = 0; i < p->ntopos; i++)
		if ((int)strlen(p->topos[i].name) > tw)
			tw = (int)strlen(p->topos[i].name);
	for (size_t i = 0; i < p->nscheds; i++)
		if ((int)strlen(p->scheds[i].name) > sw)
			sw = (int)strlen(p->scheds[i].name);
	fprintf(f, "# %-*s %-*s %5s %5s %5s %5s %8s\n", tw, "topology", sw,
		"scheduler", "pass", "fail", "skip", "n/a", "not-run");
	for (unsigned int o = 0; o < p->ntopos; o++) {
		for (unsigned int s = 0; s < p->nscheds; s++) {
			size_t n[CELL_VERDICT_NR] = { 0 }, any = 0;

			for (size_t i = 0; i < p->ncells; i++) {
				const struct plan_cell *c = &p->cells[i];

				if (c->topo != o || c->sched != s ||
				    (sel && !sel[i]))
					continue;
				any++;
				/* Selected and never finished: it did not run. */
				n[res[i].done ? res[i].verdict : CELL_NOT_RUN]++;
			}
			if (!any)
				continue;
			for (int v = 0; v < CELL_VERDICT_NR; v++)
				total[v] += n[v];
			summary_row(f, tw, sw, p->topos[o].name,
				    p->scheds[s].name, n);
		}
	}
	summary_row(f, tw, sw, "total", "", total);
}

bool report_scenario_of(const char *subtest, char *buf, size_t len)
{
	static const char canned[] = "canned.", passes[] = ".passes";
	static const char negative[] = "negative.";
	size_t n = strlen(subtest);

	if (!strncmp(subtest, canned, sizeof(canned) - 1) &&
	    n > sizeof(canned) - 1 + sizeof(passes) - 1 &&
	    !strcmp(subtest + n - (sizeof(passes) - 1), passes)) {
		snprintf(buf, len, "%.*s",
			 (int)(n - (sizeof(canned) - 1) - (sizeof(passes) - 1)),
			 subtest + sizeof(canned) - 1);
		return true;
	}
	if (!strncmp(subtest, negative, sizeof(negative) - 1) &&
	    n > sizeof(negative) - 1) {
		snprintf(buf, len, "neg_%s", subtest + sizeof(negative) - 1);
		return true;
	}
	return false;
}

/* The entry of @vm_dir/scenarios.json for @subtest, or NULL. */
static struct json_object *measurements(const char *vm_dir,
					const char *subtest)
{
	struct json_object *doc, *list, *found = NULL;
	char path[PATH_MAX + 32], name[HARNESS_NAME_MAX];

	if (!vm_dir || !report_scenario_of(subtest, name, sizeof(name)))
		return NULL;
	snprintf(path, sizeof(path), "%s/scenarios.json", vm_dir);
	doc = json_object_from_file(path);
	if (doc && json_object_object_get_ex(doc, "scenarios", &list) &&
	    json_object_is_type(list, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(list); i++) {
			struct json_object *s = json_object_array_get_idx(list, i);
			struct json_object *n;

			if (json_object_object_get_ex(s, "name", &n) &&
			    !strcmp(json_object_get_string(n), name)) {
				found = json_object_get(s);
				break;
			}
		}
	}
	json_object_put(doc);
	return found;
}

static void put_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

int report_sidecar(const char *out_dir, const struct plan *p, size_t cell,
		   const struct cell_result *r, const struct report_env *env,
		   const char *vm_dir, char *err, size_t errlen)
{
	const struct plan_cell *c = &p->cells[cell];
	const struct plan_test *t = &p->tests[c->test];
	const struct plan_topo *o = &p->topos[c->topo];
	struct json_object *doc = json_object_new_object();
	struct json_object *topo = json_object_new_object();
	struct json_object *kern = json_object_new_object();
	struct json_object *m = measurements(vm_dir, t->sub.name);
	char dir[PATH_MAX], path[PATH_MAX + PLAN_TEST_MAX + 8];
	const char *text;
	int ret = 0;

	put_str(doc, "test", t->name);
	put_str(doc, "verdict", cell_verdict_name(r->verdict));
	put_str(doc, "reason", r->why);
	json_object_object_add(doc, "duration_s",
			       json_object_new_double(r->seconds));
	put_str(topo, "name", o->name);
	put_str(topo, "spec", o->spec);
	json_object_object_add(topo, "cpus",
			       json_object_new_int((int)topology_nr_cpus(&o->t)));
	json_object_object_add(topo, "nodes", json_object_new_int((int)o->t.nodes));
	json_object_object_add(topo, "llcs", json_object_new_int((int)o->t.llcs));
	json_object_object_add(topo, "smt",
			       json_object_new_boolean(o->t.threads > 1));
	json_object_object_add(doc, "topology", topo);
	put_str(doc, "scheduler", p->scheds[c->sched].name);
	put_str(kern, "image", env->kernel_image);
	put_str(kern, "release", env->kernel_release);
	json_object_object_add(doc, "kernel", kern);
	put_str(doc, "accel", env->accel);
	if (r->verdict == CELL_FAIL)
		put_str(doc, "output", r->diag);
	json_object_object_add(doc, "attempt",
			       json_object_new_int((int)r->attempt));
	put_str(doc, "vm_dir", vm_dir);
	json_object_object_add(doc, "measurements", m);
	snprintf(dir, sizeof(dir), "%s/%s/%s", out_dir, o->name,
		 p->scheds[c->sched].name);
	snprintf(path, sizeof(path), "%s/%s.json", dir, t->name);
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (mkdir_p(dir, 0755) || write_file(path, text, strlen(text), 0644)) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		ret = -1;
	}
	json_object_put(doc);
	return ret;
}

int report_junit(const char *path, const struct plan *p,
		 const struct cell_result *res, const bool *sel, char *err,
		 size_t errlen)
{
	struct junit_case *jc = calloc(p->ncells ?: 1, sizeof(*jc));
	char (*suite)[2 * TOPO_NAME_MAX] = calloc(p->ncells ?: 1,
						    sizeof(*suite));
	char (*cls)[2 * TOPO_NAME_MAX + 8] = calloc(p->ncells ?: 1,
						     sizeof(*cls));
	char (*msg)[300] = calloc(p->ncells ?: 1, sizeof(*msg));
	size_t n = 0;
	FILE *f = NULL;
	int ret = -1;

	if (!jc || !suite || !cls || !msg) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < p->ncells; i++) {
		const struct plan_cell *c = &p->cells[i];
		const struct cell_result *r = &res[i];
		enum cell_verdict v = r->done ? r->verdict : CELL_NOT_RUN;
		struct junit_case *x = &jc[n];

		if (sel && !sel[i])
			continue;
		snprintf(suite[n], sizeof(suite[n]), "%s/%s",
			 p->topos[c->topo].name, p->scheds[c->sched].name);
		snprintf(cls[n], sizeof(cls[n]), "ktstr.%s.%s",
			 p->topos[c->topo].name, p->scheds[c->sched].name);
		x->suite = suite[n];
		x->classname = cls[n];
		x->name = p->tests[c->test].name;
		x->time_s = r->seconds;
		x->kind = v == CELL_PASS ? JUNIT_PASS :
			  v == CELL_FAIL ? JUNIT_FAIL : JUNIT_SKIP;
		snprintf(msg[n], sizeof(msg[n]), "%s%s",
			 v == CELL_NOT_APPLICABLE ? "not applicable: " :
			 v == CELL_NOT_RUN ? "not run: " : "",
			 r->why[0] ? r->why :
			 v == CELL_NOT_RUN ? "stopped before it ran" : "");
		x->message = v == CELL_PASS ? NULL : msg[n];
		x->text = v == CELL_FAIL ? r->diag : NULL;
		n++;
	}
	f = fopen(path, "we");
	if (!f) {
		snprintf(err, errlen, "cannot write --junit %s: %s", path,
			 strerror(errno));
		goto out;
	}
	junit_write(f, "ktstr gauntlet", jc, n);
	if (fclose(f)) {
		snprintf(err, errlen, "cannot write --junit %s: %s", path,
			 strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(jc);
	free(suite);
	free(cls);
	free(msg);
	return ret;
}
