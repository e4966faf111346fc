// SPDX-License-Identifier: GPL-2.0
/*
 * XML (and HTML) text escaping, for JUnit, the compare plots and page:
 * see xml_escape.h.
 */
#include <stddef.h>
#include <stdio.h>

#include "xml_escape.h"

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

void xml_escape(FILE *f, const char *s)
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
