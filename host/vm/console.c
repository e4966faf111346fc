// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "vm/console.h"

void console_init(struct console *c, FILE *log, bool echo)
{
	memset(c, 0, sizeof(*c));
	c->log = log;
	c->echo = echo;
	kevents_init(&c->kev);
}

static void end_line(struct console *c)
{
	c->line[c->line_len] = '\0';
	kevents_line(&c->kev, c->line);
	if (c->echo)
		fprintf(stderr, "  | %s\n", c->line);
	c->line_len = 0;
}

void console_feed(struct console *c, const char *buf, size_t n)
{
	if (c->log)
		fwrite(buf, 1, n, c->log);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)buf[i];

		c->tail[c->head++] = (char)ch;
		if (c->head == sizeof(c->tail)) {
			c->head = 0;
			c->wrapped = true;
		}
		if (ch == '\n') {
			end_line(c);
		} else if (ch == '\t' || (ch >= 0x20 && ch < 0x7f)) {
			if (c->line_len < sizeof(c->line) - 1)
				c->line[c->line_len++] = (char)ch;
		}
	}
}

void console_last_lines(const struct console *c, unsigned int lines,
			const char *prefix, char *out, size_t len)
{
	size_t size = c->wrapped ? sizeof(c->tail) : c->head;
	size_t start = c->wrapped ? c->head : 0;
	size_t first = 0, off = 0, seen = 0;
	bool at_line_start = true;

	/* Walk back from the end to find where the last @lines start. */
	for (size_t i = size; i > 0; i--) {
		char ch = c->tail[(start + i - 1) % sizeof(c->tail)];

		if (ch == '\n' && i != size && ++seen == lines) {
			first = i;
			break;
		}
	}
	out[0] = '\0';
	for (size_t i = first; i < size && off + 2 < len; i++) {
		unsigned char ch = (unsigned char)c->tail[(start + i) %
							  sizeof(c->tail)];

		if (at_line_start) {
			off += (size_t)snprintf(out + off, len - off, "%s",
						prefix);
			if (off >= len)
				break;
			at_line_start = false;
		}
		if (ch == '\n') {
			out[off++] = '\n';
			at_line_start = true;
		} else if (ch == '\t' || (ch >= 0x20 && ch < 0x7f)) {
			out[off++] = (char)ch;
		}
	}
	if (off >= len)
		off = len - 1;
	out[off] = '\0';
}
