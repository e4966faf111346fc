/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A growable, owned list of C strings.
 */
#ifndef KTSTR_LIB_STRLIST_H
#define KTSTR_LIB_STRLIST_H

#include <stdbool.h>
#include <stddef.h>

struct strlist {
	char **v;	/* NULL-terminated when n > 0, so it can be an argv */
	size_t n;
	size_t cap;
};

#define STRLIST_INIT { NULL, 0, 0 }

/* Append a copy of @s. Returns 0, or -1 when out of memory. */
int strlist_push(struct strlist *l, const char *s);
/* Append a printf-formatted string. */
int strlist_pushf(struct strlist *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool strlist_contains(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

#endif
