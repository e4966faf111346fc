// SPDX-License-Identifier: GPL-2.0
/*
 * The listing of a kselftest_harness program ("PROG -l"), parsed strictly:
 * see harness_list.h. The table comes from test_harness_list_tests() in
 * kselftest_harness.h (6.12): each row is printf("%-20s %-25s %s\n",
 * fixture, variant, test), the fixture named on its first row only, its
 * variants and its tests listed side by side until both run out.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strlist.h"
#include "util.h"
#include "cmd/harness_list.h"

#define COL_FIXTURE	20
#define COL_VARIANT	25
#define SEPARATOR_LEN	80

static void fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * C identifiers, and '-' inside names registered at run time (never
 * first: a line of dashes is the separator).
 */
static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

struct reader {
	const char *buf;
	size_t len, off;
	unsigned int lineno;
	const char *line;	/* the current line, without its newline */
	size_t n;
};

/*
 * The next line: printable ASCII, at most HARNESS_LINE_MAX bytes, ended
 * by a newline. 1, 0 at the end, or -1 with @err.
 */
static int next_line(struct reader *r, char *err, size_t errlen)
{
	size_t i;

	if (r->off >= r->len)
		return 0;
	r->lineno++;
	r->line = r->buf + r->off;
	for (i = 0; r->off + i < r->len && r->line[i] != '\n'; i++) {
		unsigned char c = (unsigned char)r->line[i];

		if (i >= HARNESS_LINE_MAX) {
			fail(err, errlen, "line %u is longer than %d bytes",
			     r->lineno, HARNESS_LINE_MAX);
			return -1;
		}
		if (c < 0x20 || c > 0x7e) {
			fail(err, errlen, "line %u has the byte 0x%02x; expected printable ASCII",
			     r->lineno, c);
			return -1;
		}
	}
	if (r->off + i >= r->len) {
		fail(err, errlen, "line %u ends without a newline: the output was cut short",
		     r->lineno);
		return -1;
	}
	r->n = i;
	r->off += i + 1;
	return 1;
}

/* What an error quotes of a line: its start, bounded. */
static const char *excerpt(const struct reader *r, char *buf, size_t len)
{
	size_t n = r->n < 60 ? r->n : 60;

	snprintf(buf, len, "%.*s%s", (int)n, r->line, r->n > n ? "..." : "");
	return buf;
}

/*
 * One cell at *pos: a name or blanks, padded to @width (a longer name
 * pushes the next cell right, as printf does), then one space or the end
 * of the line. -1 if it is neither.
 */
static int cell(const struct reader *r, size_t *pos, size_t width, char *out,
		size_t outlen)
{
	size_t s = *pos, e = s;

	while (e < r->n && name_char(r->line[e]) &&
	       (e > s || r->line[e] != '-'))
		e++;
	if (e - s >= outlen)
		return -1;
	memcpy(out, r->line + s, e - s);
	out[e - s] = '\0';
	if (width) {
		while (e < r->n && e < s + width) {
			if (r->line[e] != ' ')
				return -1;
			e++;
		}
		if (e < r->n && r->line[e++] != ' ')
			return -1;
	} else {
		/* The last cell: only blanks after the name. */
		while (e < r->n)
			if (r->line[e++] != ' ')
				return -1;
	}
	*pos = e;
	return 0;
}

/* One fixture's rows, as they are read. */
struct section {
	char fixture[HARNESS_NAME_MAX];
	struct strlist variants, tests;
	bool variants_done, tests_done;	/* a blank cell ends the column */
	unsigned int rows;
};

static int add_test(struct harness_list *l, size_t *cap, const char *f,
		    const char *v, const char *t, char *err, size_t errlen)
{
	struct harness_test *x;
	int n;

	if (l->n >= HARNESS_TESTS_MAX) {
		fail(err, errlen, "more than %d subtests", HARNESS_TESTS_MAX);
		return -1;
	}
	if (l->n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;

		x = realloc(l->v, c * sizeof(*x));
		if (!x) {
			fail(err, errlen, "out of memory");
			return -1;
		}
		l->v = x;
		*cap = c;
	}
	x = &l->v[l->n];
	memset(x, 0, sizeof(*x));
	n = v[0] ? snprintf(x->name, sizeof(x->name), "%s.%s.%s", f, v, t) :
		   snprintf(x->name, sizeof(x->name), "%s.%s", f, t);
	if (n < 0 || (size_t)n >= sizeof(x->name)) {
		fail(err, errlen, "subtest %s.%s%s%s: longer than %d bytes", f,
		     v, v[0] ? "." : "", t, HARNESS_NAME_MAX - 1);
		return -1;
	}
	l->n++;
	return 0;
}

/* The section's subtests, in the harness's run order: variant, then test. */
static int flush(struct section *s, struct harness_list *l, size_t *cap,
		 unsigned int lineno, char *err, size_t errlen)
{
	int r = 0;

	if (!s->rows) {
		fail(err, errlen, "line %u: a fixture section without rows",
		     lineno);
		return -1;
	}
	for (size_t v = 0; !r && v < (s->variants.n ?: 1); v++)
		for (size_t t = 0; !r && t < s->tests.n; t++)
			r = add_test(l, cap, s->fixture,
				     s->variants.n ? s->variants.v[v] : "",
				     s->tests.v[t], err, errlen);
	strlist_free(&s->variants);
	strlist_free(&s->tests);
	memset(s, 0, sizeof(*s));
	return r;
}

static int row(struct section *s, const struct reader *r, char *err,
	       size_t errlen)
{
	char f[HARNESS_NAME_MAX], v[HARNESS_NAME_MAX], t[HARNESS_NAME_MAX];
	char ex[80];
	size_t pos = 0;

	if (cell(r, &pos, COL_FIXTURE, f, sizeof(f)) ||
	    cell(r, &pos, COL_VARIANT, v, sizeof(v)) ||
	    cell(r, &pos, 0, t, sizeof(t))) {
		fail(err, errlen, "line %u: \"%s\" is not a row of FIXTURE, VARIANT and TEST names",
		     r->lineno, excerpt(r, ex, sizeof(ex)));
		return -1;
	}
	if (!f[0] && !v[0] && !t[0]) {
		fail(err, errlen, "line %u: an empty row", r->lineno);
		return -1;
	}
	/* A fixture without tests is named on every row: the same name. */
	if (s->rows ? f[0] && strcmp(f, s->fixture) : !f[0]) {
		fail(err, errlen, "line %u: \"%s\": expected %s",
		     r->lineno, excerpt(r, ex, sizeof(ex)),
		     s->rows ? "one fixture per section" :
		     "the fixture's name on the first row of its section");
		return -1;
	}
	if (!s->rows)
		snprintf(s->fixture, sizeof(s->fixture), "%s", f);
	if ((v[0] && s->variants_done) || (t[0] && s->tests_done)) {
		fail(err, errlen, "line %u: \"%s\": a name after a blank cell in its column",
		     r->lineno, excerpt(r, ex, sizeof(ex)));
		return -1;
	}
	s->variants_done |= !v[0];
	s->tests_done |= !t[0];
	if ((v[0] && strlist_push(&s->variants, v)) ||
	    (t[0] && strlist_push(&s->tests, t))) {
		fail(err, errlen, "out of memory");
		return -1;
	}
	s->rows++;
	return 0;
}

int harness_list_parse(struct harness_list *l, const char *buf, size_t len,
		       char *err, size_t errlen)
{
	struct reader r = { .buf = buf, .len = len };
	struct section s = { .rows = 0 };
	char header[80], ex[80];
	size_t cap = 0;
	int got;

	memset(l, 0, sizeof(*l));
	if (len > HARNESS_OUT_MAX) {
		fail(err, errlen, "more than %d bytes", HARNESS_OUT_MAX);
		return -1;
	}
	snprintf(header, sizeof(header), "%-*s %-*s %s", COL_FIXTURE,
		 "# FIXTURE", COL_VARIANT, "VARIANT", "TEST");
	got = next_line(&r, err, errlen);
	if (got <= 0)
		goto bad;
	if (r.n != strlen(header) || memcmp(r.line, header, r.n)) {
		fail(err, errlen, "line 1: \"%s\" is not kselftest_harness's header \"# FIXTURE VARIANT TEST\"; expected a kselftest_harness program",
		     excerpt(&r, ex, sizeof(ex)));
		goto bad;
	}
	while ((got = next_line(&r, err, errlen)) > 0) {
		bool sep = r.n == SEPARATOR_LEN &&
			   strspn(r.line, "-") >= SEPARATOR_LEN;

		if (sep ? flush(&s, l, &cap, r.lineno, err, errlen) :
			  row(&s, &r, err, errlen))
			goto bad;
	}
	if (got < 0 || flush(&s, l, &cap, r.lineno, err, errlen))
		goto bad;
	return 0;
bad:
	if (got == 0 && !r.lineno)
		fail(err, errlen, "no output; expected kselftest_harness's table");
	strlist_free(&s.variants);
	strlist_free(&s.tests);
	harness_list_free(l);
	return -1;
}

const struct harness_test *harness_find(const struct harness_list *l,
					const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return &l->v[i];
	return NULL;
}

/* One token of a needs line into @t. -1 if it is not one we know. */
static int need(struct harness_test *t, const char *tok)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} flags[] = {
		{ "smt", HARNESS_NEED_SMT },
		{ "numa", HARNESS_NEED_NUMA },
		{ "llcs", HARNESS_NEED_LLCS },
		{ "scheduler", HARNESS_NEED_SCHED },
	};
	unsigned long n;
	char *end;

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		if (!strcmp(tok, flags[i].name)) {
			if (t->needs & flags[i].bit)
				return -1;
			t->needs |= flags[i].bit;
			return 0;
		}
	}
	if (strncmp(tok, "cpus=", 5) || tok[5] < '1' || tok[5] > '9' ||
	    t->min_cpus)
		return -1;
	n = strtoul(tok + 5, &end, 10);
	if (*end || n > HARNESS_CPUS_MAX)
		return -1;
	t->min_cpus = (unsigned int)n;
	return 0;
}

int harness_needs_parse(struct harness_list *l, const char *buf, size_t len,
			char *err, size_t errlen)
{
	static const char prefix[] = "# needs ";
	struct reader r = { .buf = buf, .len = len };
	char line[HARNESS_LINE_MAX + 1], ex[80];
	int got;

	if (len > HARNESS_OUT_MAX) {
		fail(err, errlen, "more than %d bytes", HARNESS_OUT_MAX);
		return -1;
	}
	while ((got = next_line(&r, err, errlen)) > 0) {
		struct harness_test *t = NULL;
		char *save = NULL, *name, *tok;

		if (r.n < sizeof(prefix) - 1 ||
		    memcmp(r.line, prefix, sizeof(prefix) - 1)) {
			fail(err, errlen, "line %u: \"%s\": expected \"# needs SUBTEST TOKEN...\" lines only",
			     r.lineno, excerpt(&r, ex, sizeof(ex)));
			return -1;
		}
		memcpy(line, r.line, r.n);
		line[r.n] = '\0';
		name = strtok_r(line + sizeof(prefix) - 1, " ", &save);
		for (size_t i = 0; name && i < l->n; i++)
			if (!strcmp(l->v[i].name, name))
				t = &l->v[i];
		if (!t || t->needs || t->min_cpus) {
			fail(err, errlen, "line %u: \"%s\": %s", r.lineno,
			     excerpt(&r, ex, sizeof(ex)),
			     t ? "a second needs line for the subtest" :
			     "no such subtest in the table");
			return -1;
		}
		tok = strtok_r(NULL, " ", &save);
		if (!tok) {
			fail(err, errlen, "line %u: \"%s\": names no need",
			     r.lineno, excerpt(&r, ex, sizeof(ex)));
			return -1;
		}
		for (; tok; tok = strtok_r(NULL, " ", &save)) {
			if (need(t, tok)) {
				fail(err, errlen, "line %u: need \"%.32s\": expected cpus=N (1 to %d), smt, numa, llcs or scheduler, each once",
				     r.lineno, tok, HARNESS_CPUS_MAX);
				return -1;
			}
		}
	}
	return got;
}

static void append(char *buf, size_t len, size_t *off, const char *part)
{
	if (*off < len)
		*off += (size_t)snprintf(buf + *off, len - *off, "%s%s",
					 *off ? ", " : "", part);
}

void harness_needs_text(const struct harness_test *t, char *buf, size_t len)
{
	char cpus[32];
	size_t off = 0;

	buf[0] = '\0';
	snprintf(cpus, sizeof(cpus), "%u+ CPUs", t->min_cpus);
	if (t->min_cpus)
		append(buf, len, &off, cpus);
	if (t->needs & HARNESS_NEED_NUMA)
		append(buf, len, &off, "2+ NUMA nodes");
	if (t->needs & HARNESS_NEED_LLCS)
		append(buf, len, &off, "2+ LLCs");
	if (t->needs & HARNESS_NEED_SMT)
		append(buf, len, &off, "SMT");
	if (t->needs & HARNESS_NEED_SCHED)
		append(buf, len, &off, "a scheduler to attach");
}

void harness_list_free(struct harness_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
