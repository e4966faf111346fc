// SPDX-License-Identifier: GPL-2.0
/*
 * The JUnit XML writer: see junit.h.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gauntlet/junit.h"
#include "xml_escape.h"

struct totals {
	size_t tests, failures, skipped;
	double time_s;
};

static void count(const struct junit_case *c, size_t n, const char *suite,
		  struct totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < n; i++) {
		if (suite && strcmp(c[i].suite, suite))
			continue;
		t->tests++;
		t->failures += c[i].kind == JUNIT_FAIL;
		t->skipped += c[i].kind == JUNIT_SKIP;
		t->time_s += c[i].time_s;
	}
}

static void attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	xml_escape(f, value);
	fputc('"', f);
}

static void write_case(FILE *f, const struct junit_case *c)
{
	fputs("    <testcase", f);
	attr(f, "classname", c->classname);
	attr(f, "name", c->name);
	fprintf(f, " time=\"%.3f\"", c->time_s);
	if (c->kind == JUNIT_PASS) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n      <", f);
	fputs(c->kind == JUNIT_FAIL ? "failure" : "skipped", f);
	if (c->message)
		attr(f, "message", c->message);
	if (c->kind == JUNIT_FAIL && c->text && c->text[0]) {
		fputs(">", f);
		xml_escape(f, c->text);
		fputs("</failure>\n", f);
	} else {
		fputs("/>\n", f);
	}
	fputs("    </testcase>\n", f);
}

void junit_write(FILE *f, const char *name, const struct junit_case *c,
		 size_t n)
{
	bool *done = calloc(n ?: 1, sizeof(*done));
	struct totals t;

	count(c, n, NULL, &t);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	attr(f, "name", name);
	fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
		t.tests, t.failures, t.skipped, t.time_s);
	for (size_t i = 0; done && i < n; i++) {
		if (done[i])
			continue;
		count(c, n, c[i].suite, &t);
		fputs("  <testsuite", f);
		attr(f, "name", c[i].suite);
		fprintf(f, " tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
			t.tests, t.failures, t.skipped, t.time_s);
		for (size_t j = i; j < n; j++) {
			if (done[j] || strcmp(c[j].suite, c[i].suite))
				continue;
			write_case(f, &c[j]);
			done[j] = true;
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	free(done);
}
