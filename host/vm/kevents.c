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

/*
 * Kernel lines only (they carry a printk time, CONFIG_PRINTK_TIME), each
 * matched at the start of its text, so a program writing to the console
 * cannot raise one. @also, when set, must appear later in the line.
 * Lockups first: their lines also start with "BUG:".
 */
static const struct {
	const char *prefix;
	const char *also;
	enum kev_class class;
} patterns[] = {
	{ "watchdog: BUG: soft lockup", NULL, KEV_LOCKUP },
	{ "BUG: soft lockup", NULL, KEV_LOCKUP },
	{ "NMI watchdog: Watchdog detected hard LOCKUP", NULL, KEV_LOCKUP },
	{ "Watchdog detected hard LOCKUP", NULL, KEV_LOCKUP },
	{ "rcu: INFO: ", "stall", KEV_LOCKUP },
	{ "INFO: task ", "blocked for more than", KEV_LOCKUP },
	{ "BUG: workqueue lockup", NULL, KEV_LOCKUP },
	{ "Kernel panic - not syncing", NULL, KEV_PANIC },
	{ "BUG: ", NULL, KEV_OOPS },
	{ "kernel BUG at", NULL, KEV_OOPS },
	{ "Oops: ", NULL, KEV_OOPS },
	{ "WARNING: ", NULL, KEV_OOPS },
	{ "UBSAN: ", NULL, KEV_OOPS },
	{ "sched_ext: BPF scheduler \"", "\" disabled (", KEV_SCX_EXIT },
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

void kevents_scx_from_dump(struct kevents *k, const char *ops)
{
	k->scx_kind = k->dump_kind;
	snprintf(k->scx_reason, sizeof(k->scx_reason), "%s", k->dump_reason);
	snprintf(k->scx_msg, sizeof(k->scx_msg), "%s", k->dump_msg);
	snprintf(k->scx_name, sizeof(k->scx_name), "%s", ops);
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
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		size_t n = strlen(patterns[i].prefix);

		if (strncmp(body, patterns[i].prefix, n))
			continue;
		if (patterns[i].also && !strstr(body + n, patterns[i].also))
			continue;
		return patterns[i].class;
	}
	return -1;
}

/*
 * sched_ext's first dump line, "COMM[PID] triggered exit kind N:". Later
 * lines can hold text the BPF scheduler chose, so the form is checked.
 */
static bool is_dump_header(const char *line)
{
	const char *m = strstr(line, KTSTR_SCX_DUMP_HEADER);
	size_t n = strlen(line);

	return m && m > line && m[-1] == ']' && line[0] != ' ' &&
	       n && line[n - 1] == ':';
}

static void dump_line(struct kevents *k, const char *line)
{
	size_t n = strlen(line);

	if (is_dump_header(line)) {
		/* A new dump starts. */
		k->dump_len = 0;
		k->dump_lines = 0;
		k->dump_truncated = false;
		k->dump[0] = '\0';
		snprintf(k->dump_trigger, sizeof(k->dump_trigger), "%s", line);
		k->dump_kind = (enum kev_scx_kind)strtol(
			strstr(line, KTSTR_SCX_DUMP_HEADER) +
			strlen(KTSTR_SCX_DUMP_HEADER), NULL, 10);
		k->dump_reason[0] = '\0';
		k->dump_msg[0] = '\0';
	} else if (k->dump_lines == 1 && !strncmp(line, "  ", 2)) {
		/* "  REASON (MSG)" */
		const char *open = strstr(line, " (");

		if (open && n && line[n - 1] == ')') {
			snprintf(k->dump_reason, sizeof(k->dump_reason), "%.*s",
				 (int)(open - line - 2), line + 2);
			snprintf(k->dump_msg, sizeof(k->dump_msg), "%.*s",
				 (int)(line + n - 1 - open - 2), open + 2);
		}
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

	if (t < 0)
		return;		/* not the kernel's: user space on the console */
	if (!strncmp(body, DUMP_MARK, strlen(DUMP_MARK))) {
		dump_line(k, body + strlen(DUMP_MARK));
		return;
	}
	/* The exit being read claims its message line before anything. */
	if (k->open == KEV_SCX_EXIT && !k->scx_msg[0] && continues(k, body))
		return;
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
