/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest's serial console as the host sees it: kept as a bounded tail
 * for error reports, scanned for kernel events (kevents.h), logged to a
 * file and echoed. Its bytes are untrusted and never printed raw.
 */
#ifndef KTSTR_HOST_CONSOLE_H
#define KTSTR_HOST_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "vm/kevents.h"

#define CONSOLE_TAIL	32768
#define CONSOLE_LINE	512

struct console {
	char tail[CONSOLE_TAIL];	/* ring of the last bytes */
	size_t head;			/* next write position */
	bool wrapped;
	char line[CONSOLE_LINE];	/* the line being assembled */
	size_t line_len;
	struct kevents kev;		/* panics, oopses, lockups, sched_ext exits */
	FILE *log;			/* full log, or NULL */
	bool echo;			/* copy lines to stderr (-v) */
};

void console_init(struct console *c, FILE *log, bool echo);
void console_feed(struct console *c, const char *buf, size_t n);
/* The last @lines lines, printable characters only, each prefixed. */
void console_last_lines(const struct console *c, unsigned int lines,
			const char *prefix, char *out, size_t len);

#endif
