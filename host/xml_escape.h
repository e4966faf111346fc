/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Text for XML and HTML, whatever bytes it came as (test names and output
 * from a guest, scheduler names from the command line).
 */
#ifndef KTSTR_HOST_XML_ESCAPE_H
#define KTSTR_HOST_XML_ESCAPE_H

#include <stdio.h>

/*
 * Write @s as XML character data or attribute value: & < > " ' escaped,
 * bytes XML 1.0 cannot hold (control characters, broken UTF-8) as '?'.
 */
void xml_escape(FILE *f, const char *s);

#endif
