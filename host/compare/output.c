// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr compare's outputs: see output.h. Names in the series come from
 * the guest but were kept to [A-Za-z0-9_.-] when read (metrics.c), so
 * they are safe as file names; everything put in HTML is escaped anyway.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "util.h"
#include "compare/output.h"
#include "compare/plot.h"
#include "xml_escape.h"

#define CMP_JSON_FORMAT	"ktstr-compare-1"

void cmp_side_label(const struct cmp_side *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s", s->sched, s->args[0] ? " " : "",
		 s->args, s->baseline[0] ? " (baseline " : "", s->baseline,
		 s->baseline[0] ? ")" : "");
}

static double rel_of(const struct cmp_row *r, double v)
{
	double m = fabs(r->st[0].mean);

	return m > 0 ? v / m : 0;
}

void cmp_print_table(FILE *f, const struct cmp_context *c,
		     const struct cmp_analysis *a)
{
	char la[400], lb[400];

	cmp_side_label(&c->side[0], la, sizeof(la));
	cmp_side_label(&c->side[1], lb, sizeof(lb));
	fprintf(f, "# A: %s\n# B: %s\n", la, lb);
	fprintf(f, "# runs: A %zu (%zu failed), B %zu (%zu failed); topology %s, accel %s\n",
		c->side[0].runs, c->side[0].failed, c->side[1].runs,
		c->side[1].failed, c->topology, c->accel);
	if (c->check_failures[0] || c->check_failures[1])
		fprintf(f, "# scenarios whose checks failed (measured all the same): A %zu, B %zu\n",
			c->check_failures[0], c->check_failures[1]);
	fprintf(f, "# a change is one when p < %g and it is at least %.1f %%; intervals are %.0f %%\n",
		c->params.alpha, c->params.threshold * 100, c->params.conf * 100);
	fprintf(f, "# %-44s %-8s %11s %11s %8s %19s %7s  %s\n", "scenario/cgroup/metric",
		"unit", "A mean", "B mean", "change", "interval", "p", "verdict");
	for (size_t i = 0; i < a->n; i++) {
		const struct cmp_row *r = &a->rows[i];
		char ci[40] = "-", chg[16] = "-", p[16] = "-";

		if (r->v != CMP_TOO_FEW) {
			snprintf(chg, sizeof(chg), "%+.1f%%", r->w.rel * 100);
			snprintf(ci, sizeof(ci), "[%+.1f%%, %+.1f%%]",
				 rel_of(r, r->w.ci_lo) * 100,
				 rel_of(r, r->w.ci_hi) * 100);
			snprintf(p, sizeof(p), "%.3f", r->w.p);
		}
		fprintf(f, "  %-44s %-8s %11.4g %11.4g %8s %19s %7s  %s\n",
			r->s->key, r->s->def->unit, r->st[0].mean, r->st[1].mean,
			chg, ci, p, cmp_row_verdict(r));
	}
	fprintf(f, "# %zu series: %zu better, %zu worse, %zu changed (not judged), %zu same, %zu with too few runs\n",
		a->n, a->better, a->worse, a->changed, a->same, a->too_few);
}

/* ---- compare.json ------------------------------------------------------ */

/* JSON has no infinities: a t of two constant sides is written as null. */
static struct json_object *jnum(double v)
{
	return isfinite(v) ? json_object_new_double(v) : NULL;
}

static struct json_object *side_json(const struct cmp_side *s)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "scheduler", json_object_new_string(s->sched));
	json_object_object_add(o, "args", json_object_new_string(s->args));
	json_object_object_add(o, "kernel", json_object_new_string(s->kernel));
	json_object_object_add(o, "baseline", json_object_new_string(s->baseline));
	json_object_object_add(o, "runs", json_object_new_int64((int64_t)s->runs));
	json_object_object_add(o, "failed", json_object_new_int64((int64_t)s->failed));
	return o;
}

static struct json_object *stats_json(const struct sample_stats *st,
				      const double *v, size_t n)
{
	struct json_object *o = json_object_new_object(), *vals;

	json_object_object_add(o, "n", json_object_new_int64((int64_t)st->n));
	json_object_object_add(o, "mean", jnum(st->mean));
	json_object_object_add(o, "sd", jnum(st->sd));
	json_object_object_add(o, "min", jnum(st->min));
	json_object_object_add(o, "median", jnum(st->median));
	json_object_object_add(o, "max", jnum(st->max));
	vals = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(vals, jnum(v[i]));
	json_object_object_add(o, "values", vals);
	return o;
}

/* plots/NNN-SCENARIO.CGROUP.METRIC.svg: the number keeps names apart. */
static void plot_name(const struct cmp_analysis *a, const struct cmp_row *r,
		      char *buf, size_t len)
{
	int n = snprintf(buf, len, "plots/%03zu-", (size_t)(r - a->rows));

	snprintf(buf + n, len - (size_t)n, "%s.svg", r->s->key);
	for (char *p = buf + n; *p; p++)
		if (*p == '/')
			*p = '.';
}

static struct json_object *row_json(const struct cmp_analysis *a,
				    const struct cmp_row *r)
{
	struct json_object *o = json_object_new_object();
	char plot[CMP_KEY_MAX + 16];

	json_object_object_add(o, "scenario", json_object_new_string(r->s->scenario));
	json_object_object_add(o, "cgroup", json_object_new_string(r->s->cgroup));
	json_object_object_add(o, "metric", json_object_new_string(r->s->def->name));
	json_object_object_add(o, "unit", json_object_new_string(r->s->def->unit));
	json_object_object_add(o, "a", stats_json(&r->st[0], r->s->v[0], r->s->n[0]));
	json_object_object_add(o, "b", stats_json(&r->st[1], r->s->v[1], r->s->n[1]));
	if (r->v != CMP_TOO_FEW) {
		json_object_object_add(o, "diff", jnum(r->w.diff));
		json_object_object_add(o, "rel", jnum(r->w.rel));
		json_object_object_add(o, "ci_lo", jnum(r->w.ci_lo));
		json_object_object_add(o, "ci_hi", jnum(r->w.ci_hi));
		json_object_object_add(o, "t", jnum(r->w.t));
		json_object_object_add(o, "df", jnum(r->w.df));
		json_object_object_add(o, "p", jnum(r->w.p));
	}
	json_object_object_add(o, "verdict", json_object_new_string(cmp_row_verdict(r)));
	plot_name(a, r, plot, sizeof(plot));
	json_object_object_add(o, "plot", json_object_new_string(plot));
	return o;
}

static int write_json(const char *path, const struct cmp_context *c,
		      const struct cmp_analysis *a)
{
	struct json_object *o = json_object_new_object(), *rows, *sum;
	int r;

	json_object_object_add(o, "format", json_object_new_string(CMP_JSON_FORMAT));
	json_object_object_add(o, "a", side_json(&c->side[0]));
	json_object_object_add(o, "b", side_json(&c->side[1]));
	json_object_object_add(o, "topology", json_object_new_string(c->topology));
	json_object_object_add(o, "accel", json_object_new_string(c->accel));
	json_object_object_add(o, "alpha", jnum(c->params.alpha));
	json_object_object_add(o, "threshold", jnum(c->params.threshold));
	json_object_object_add(o, "confidence", jnum(c->params.conf));
	sum = json_object_new_object();
	json_object_object_add(sum, "better", json_object_new_int64((int64_t)a->better));
	json_object_object_add(sum, "worse", json_object_new_int64((int64_t)a->worse));
	json_object_object_add(sum, "changed", json_object_new_int64((int64_t)a->changed));
	json_object_object_add(sum, "same", json_object_new_int64((int64_t)a->same));
	json_object_object_add(sum, "too_few", json_object_new_int64((int64_t)a->too_few));
	json_object_object_add(o, "summary", sum);
	rows = json_object_new_array();
	for (size_t i = 0; i < a->n; i++)
		json_object_array_add(rows, row_json(a, &a->rows[i]));
	json_object_object_add(o, "series", rows);
	r = json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY);
	json_object_put(o);
	return r;
}

/* ---- the page ---------------------------------------------------------- */

static int write_plot(const char *dir, const struct cmp_context *c,
		      const struct cmp_row *r, const char *name)
{
	char path[PATH_MAX], la[400], lb[400], ta[420], tb[420], title[300];
	struct plot_series sa, sb;
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f)
		return -1;
	cmp_side_label(&c->side[0], la, sizeof(la));
	cmp_side_label(&c->side[1], lb, sizeof(lb));
	snprintf(ta, sizeof(ta), "A: %s", la);
	snprintf(tb, sizeof(tb), "B: %s", lb);
	snprintf(title, sizeof(title), "%s (%s)", r->s->key, cmp_row_verdict(r));
	sa = (struct plot_series){ .label = ta, .v = r->s->v[0], .n = r->s->n[0] };
	sb = (struct plot_series){ .label = tb, .v = r->s->v[1], .n = r->s->n[1] };
	ret = plot_svg(f, title, r->s->def->unit, &sa, &sb);
	if (fclose(f))
		ret = -1;
	return ret;
}

static int write_page(const char *path, const struct cmp_context *c,
		      const struct cmp_analysis *a)
{
	FILE *f = fopen(path, "we");
	char la[400], lb[400];

	if (!f)
		return -1;
	cmp_side_label(&c->side[0], la, sizeof(la));
	cmp_side_label(&c->side[1], lb, sizeof(lb));
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n<title>ktstr compare</title>\n"
	      "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
	      "td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}"
	      "td:first-child,th:first-child{text-align:left}.better{color:#070}"
	      ".worse{color:#b00;font-weight:bold}figure{display:inline-block;margin:8px}</style>\n"
	      "</head><body>\n<h1>ktstr compare</h1>\n<p>A: ", f);
	xml_escape(f, la);
	fprintf(f, " (%zu runs, %zu failed)<br>B: ", c->side[0].runs, c->side[0].failed);
	xml_escape(f, lb);
	fprintf(f, " (%zu runs, %zu failed)<br>topology ", c->side[1].runs,
		c->side[1].failed);
	xml_escape(f, c->topology);
	fputs(", accel ", f);
	xml_escape(f, c->accel);
	fprintf(f, "; a change is one when p &lt; %g and at least %.1f %%</p>\n",
		c->params.alpha, c->params.threshold * 100);
	fprintf(f, "<p>%zu better, %zu worse, %zu changed (not judged), %zu same, %zu with too few runs</p>\n",
		a->better, a->worse, a->changed, a->same, a->too_few);
	fputs("<table><tr><th>scenario/cgroup/metric</th><th>unit</th><th>A mean</th>"
	      "<th>B mean</th><th>change</th><th>p</th><th>verdict</th></tr>\n", f);
	for (size_t i = 0; i < a->n; i++) {
		const struct cmp_row *r = &a->rows[i];
		const char *v = cmp_row_verdict(r);

		fputs("<tr><td>", f);
		xml_escape(f, r->s->key);
		fputs("</td><td>", f);
		xml_escape(f, r->s->def->unit);
		fprintf(f, "</td><td>%.4g</td><td>%.4g</td>", r->st[0].mean,
			r->st[1].mean);
		if (r->v == CMP_TOO_FEW)
			fputs("<td>-</td><td>-</td>", f);
		else
			fprintf(f, "<td>%+.1f %%</td><td>%.3f</td>", r->w.rel * 100,
				r->w.p);
		fprintf(f, "<td class=\"%s\">%s</td></tr>\n", v, v);
	}
	fputs("</table>\n<h2>Distributions</h2>\n", f);
	for (size_t i = 0; i < a->n; i++) {
		char name[CMP_KEY_MAX + 16];

		plot_name(a, &a->rows[i], name, sizeof(name));
		fprintf(f, "<figure><img src=\"%s\" alt=\"", name);
		xml_escape(f, a->rows[i].s->key);
		fputs("\"></figure>\n", f);
	}
	fputs("</body></html>\n", f);
	return fclose(f) ? -1 : 0;
}

int cmp_write_results(const char *dir, const struct cmp_context *c,
		      const struct cmp_analysis *a, char *err, size_t errlen)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/plots", dir);
	if (mkdir_p(path, 0755)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < a->n; i++) {
		char name[CMP_KEY_MAX + 16];

		plot_name(a, &a->rows[i], name, sizeof(name));
		errno = 0;
		if (write_plot(dir, c, &a->rows[i], name)) {
			snprintf(err, errlen, "%s/%s: %s", dir, name,
				 errno ? strerror(errno) : "nothing to plot");
			return -1;
		}
	}
	snprintf(path, sizeof(path), "%s/compare.json", dir);
	if (write_json(path, c, a)) {
		snprintf(err, errlen, "%s: %s", path, json_util_get_last_err());
		return -1;
	}
	snprintf(path, sizeof(path), "%s/index.html", dir);
	if (write_page(path, c, a)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
