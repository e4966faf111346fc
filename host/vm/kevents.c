// SPDX-License-Identifier: GPL-2.0
/*
 * Console lines to kernel events. The guest's text is untrusted: every
 * copy is bounded and only printable bytes reach here (console.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux/ktstr.h"
#include "vm/kevents.h"

#define DUMP_MARK	"ktstr: " KTSTR_SCX_DUMP_PREFIX

static const struct {
	const char *needle;
	enum kev_class class;
} patterns[] = {
	/* Lockups first: their lines also say "BUG:". */
	{ "BUG: soft lockup", KEV_LOCKUP },
	{ "Watchdog detected hard LOCKUP", KEV_LOCKUP },
	{ "self-detected stall on CPU", KEV_LOCKUP },
	{ "detected stalls on CPUs/tasks", KEV_LOCKUP },
	{ "blocked for more than", KEV_LOCKUP },
	{ "BUG: workqueue lockup", KEV_LOCKUP },
	{ "Kernel panic - not syncing", KEV_PANIC },
	{ "BUG: ", KEV_OOPS },
	{ "kernel BUG at", KEV_OOPS },
	{ "Oops: ", KEV_OOPS },
	{ "WARNING: ", KEV_OOPS },
	{ "general protection fault", KEV_OOPS },
	{ "UBSAN: ", KEV_OOPS },
	{ "sched_ext: BPF scheduler \"", KEV_SCX_EXIT },
};

static const struct {
	const char *reason;
	enum kev_scx_kind kind;
	const char *name;
} scx_kinds[] = {
	{ "unregistered from user space", KEV_SCX_UNREG, "SCX_EXIT_UNREG" },
	{ "unregistered from BPF", KEV_SCX_UNREG_BPF, "SCX_EXIT_UNREG_BPF" },
	{ "unregistered from the main kernel", KEV_SCX_UNREG_KERN, "SCX_EXIT_UNREG_KERN" },
	{ "disabled by sysrq-S", KEV_SCX_SYSRQ, "SCX_EXIT_SYSRQ" },
	{ "runtime error", KEV_SCX_ERROR, "SCX_EXIT_ERROR" },
	{ "scx_bpf_error", KEV_SCX_ERROR_BPF, "SCX_EXIT_ERROR_BPF" },
	{ "runnable task stall", KEV_SCX_ERROR_STALL, "SCX_EXIT_ERROR_STALL" },
};

static const char * const class_names[KEV_NR] = {
	[KEV_SCX_EXIT] = "sched_ext exit",
	[KEV_OOPS] = "kernel-oops",
	[KEV_LOCKUP] = "lockup",
	[KEV_PANIC] = "kernel-panic",
};

const char *kev_class_name(enum kev_class c)
{
	return c < KEV_NR ? class_names[c] : "?";
}

const char *kev_scx_kind_name(enum kev_scx_kind kind)
{
	for (size_t i = 0; i < sizeof(scx_kinds) / sizeof(scx_kinds[0]); i++)
		if (scx_kinds[i].kind == kind)
			return scx_kinds[i].name;
	return "SCX_EXIT_<unknown>";
}

bool kev_scx_is_error(enum kev_scx_kind kind)
{
	return kind >= KEV_SCX_ERROR;
}

void kevents_init(struct kevents *k)
{
	memset(k, 0, sizeof(*k));
	k->open = -1;
}

/* "[   12.345678] rest": the time, and where the rest starts. */
static const char *strip_time(const char *line, double *t)
{
	const char *close;

	*t = -1;
	if (line[0] != '[')
		return line;
	close = strchr(line, ']');
	if (!close || close - line > 20)
		return line;
	*t = strtod(line + 1, NULL);
	return close[1] == ' ' ? close + 2 : close + 1;
}

static void append(struct kev *e, const char *text)
{
	size_t off = strlen(e->text);

	if (off + 2 < sizeof(e->text))
		snprintf(e->text + off, sizeof(e->text) - off, "%s%s",
			 off ? "\n" : "", text);
}

/* sched_ext: BPF scheduler "NAME" disabled (REASON) */
static void parse_scx_exit(struct kevents *k, const char *body)
{
	const char *name = body + strlen("sched_ext: BPF scheduler \"");
	const char *q = strchr(name, '"');
	const char *open = q ? strstr(q, " disabled (") : NULL;
	const char *close = open ? strrchr(open, ')') : NULL;
	int reason_len;

	k->scx_kind = KEV_SCX_UNKNOWN;
	k->scx_msg[0] = '\0';
	if (!q || !open || !close)
		return;
	snprintf(k->scx_name, sizeof(k->scx_name), "%.*s", (int)(q - name),
		 name);
	open += strlen(" disabled (");
	reason_len = (int)(close - open);
	snprintf(k->scx_reason, sizeof(k->scx_reason), "%.*s", reason_len,
		 open);
	for (size_t i = 0; i < sizeof(scx_kinds) / sizeof(scx_kinds[0]); i++)
		if (!strcmp(k->scx_reason, scx_kinds[i].reason))
			k->scx_kind = scx_kinds[i].kind;
}

/* Lines that continue the open event: its message and backtrace. */
static bool continues(struct kevents *k, const char *body)
{
	struct kev *e;
	char prefix[80];

	if (k->open < 0)
		return false;
	e = &k->ev[k->open];
	if (k->open == KEV_SCX_EXIT) {
		/* "sched_ext: NAME: MSG", then "  func+0x.../0x..." lines */
		snprintf(prefix, sizeof(prefix), "sched_ext: %s: ", k->scx_name);
		if (!k->scx_msg[0] && !strncmp(body, prefix, strlen(prefix))) {
			snprintf(k->scx_msg, sizeof(k->scx_msg), "%s",
				 body + strlen(prefix));
			append(e, body);
			return true;
		}
		if (strncmp(body, "  ", 2))
			return false;
	}
	if (e->trace_lines >= KEV_TRACE_LINES)
		return false;
	e->trace_lines++;
	append(e, body);
	return true;
}

/* The class a line opens, or -1. */
static int line_class(const char *body)
{
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
		if (strstr(body, patterns[i].needle))
			return patterns[i].class;
	return -1;
}

static void dump_line(struct kevents *k, const char *line)
{
	size_t n = strlen(line);

	if (strstr(line, "triggered exit kind")) {
		/* A new dump starts. */
		k->dump_len = 0;
		k->dump_lines = 0;
		k->dump_truncated = false;
		k->dump[0] = '\0';
		snprintf(k->dump_trigger, sizeof(k->dump_trigger), "%s", line);
	}
	if (k->dump_len + n + 2 > sizeof(k->dump)) {
		k->dump_truncated = true;
		return;
	}
	memcpy(k->dump + k->dump_len, line, n);
	k->dump_len += n;
	k->dump[k->dump_len++] = '\n';
	k->dump[k->dump_len] = '\0';
	k->dump_lines++;
}

void kevents_line(struct kevents *k, const char *line)
{
	double t;
	const char *body = strip_time(line, &t);
	int c;
	struct kev *e;

	if (!strncmp(body, DUMP_MARK, strlen(DUMP_MARK))) {
		dump_line(k, body + strlen(DUMP_MARK));
		return;
	}
	c = line_class(body);

	/* A new event interrupts the trace of the one before. */
	if (c < 0 || (c != KEV_SCX_EXIT && k->ev[c].seen)) {
		if (!continues(k, body))
			k->open = -1;
		return;
	}
	k->open = -1;
	e = &k->ev[c];
	if (c == KEV_SCX_EXIT) {
		/* Each exit counts; the latest one is described. */
		if (!strstr(body, "\" disabled ("))
			return;
		k->scx_seq++;
		memset(e, 0, sizeof(*e));
		parse_scx_exit(k, body);
	}
	e->seen = true;
	e->uptime = t;
	snprintf(e->line, sizeof(e->line), "%s", body);
	append(e, body);
	k->open = c;
}
