// SPDX-License-Identifier: GPL-2.0
/*
 * The JUnit XML writer: see junit.h.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gauntlet/junit.h"

/* The length of the valid UTF-8 sequence at @s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	cp = n == 2 ? (s[0] & 0x1fu) << 6 | (s[1] & 0x3f) :
	     n == 3 ? (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3f) :
		      (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 |
		      (s[2] & 0x3fu) << 6 | (s[3] & 0x3f);
	/* Overlong forms, surrogates, the two non-characters XML forbids. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return n;
}

void junit_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (p && *p) {
		size_t n;

		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		case '\t':
		case '\n':
		case '\r':
			fputc(*p, f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fputc('?', f);
				break;
			}
			n = utf8_len(p);
			if (!n) {
				fputc('?', f);
				break;
			}
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		p++;
	}
}

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
	junit_escape(f, value);
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
		junit_escape(f, c->text);
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
