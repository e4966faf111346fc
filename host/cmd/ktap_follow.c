// SPDX-License-Identifier: GPL-2.0
/*
 * A test program's KTAP, followed line by line: see ktap_follow.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/ktap_follow.h"

void ktap_follow_init(struct ktap_follow *f,
		      void (*on_line)(void *ctx, const char *line), void *ctx)
{
	memset(f, 0, sizeof(*f));
	f->on_line = on_line;
	f->ctx = ctx;
}

int ktap_result_parse(const char *line, struct ktap_result *r)
{
	const char *p = line, *hash;
	size_t n;
	char *end;

	memset(r, 0, sizeof(*r));
	if (!strncmp(p, "ok ", 3)) {
		r->ok = true;
		p += 3;
	} else if (!strncmp(p, "not ok ", 7)) {
		p += 7;
	} else {
		return -1;
	}
	if (!isdigit((unsigned char)*p))
		return -1;
	r->num = (unsigned int)strtoul(p, &end, 10);
	p = end;
	if (*p == ' ')
		p++;
	hash = strstr(p, " #");
	n = hash ? (size_t)(hash - p) : strlen(p);
	snprintf(r->name, sizeof(r->name), "%.*s", (int)n, p);
	if (!hash)
		return 0;
	hash += 2;
	while (*hash == ' ')
		hash++;
	if (!strncasecmp(hash, "SKIP", 4) &&
	    (!hash[4] || hash[4] == ' ')) {
		r->skip = true;
		hash += 4;
		while (*hash == ' ')
			hash++;
	}
	snprintf(r->directive, sizeof(r->directive), "%s", hash);
	return 0;
}

/* kselftest_harness.h's lines: "1..N", "#  RUN  NAME ...", "ok N", "not ok N". */
static void follow(struct ktap_follow *f, const char *l)
{
	char name[HARNESS_NAME_MAX];
	struct ktap_result r;
	unsigned int n;

	if (sscanf(l, "1..%u", &n) == 1) {
		f->plan = n;
	} else if (sscanf(l, "# RUN %127s", name) == 1) {
		snprintf(f->running, sizeof(f->running), "%s", name);
	} else if (!ktap_result_parse(l, &r)) {
		f->results++;
		f->running[0] = '\0';
	}
}

void ktap_follow_flush(struct ktap_follow *f)
{
	if (!f->len)
		return;
	f->line[f->len] = '\0';
	follow(f, f->line);
	if (f->on_line)
		f->on_line(f->ctx, f->line);
	f->len = 0;
}

const char *ktap_follow_step(void *ctx)
{
	const struct ktap_follow *f = ctx;

	return f->running;
}

void ktap_follow_output(void *ctx, int stream, const char *buf, size_t len)
{
	struct ktap_follow *f = ctx;

	(void)stream;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n' || f->len == sizeof(f->line) - 2)
			ktap_follow_flush(f);
		if (c != '\n' && c != '\r')
			f->line[f->len++] = (c < 0x20 && c != '\t') ? '?' :
					    (char)c;
	}
}
