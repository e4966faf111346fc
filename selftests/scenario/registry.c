// SPDX-License-Identifier: GPL-2.0
/*
 * The catalogue of registered scenarios. Each registers itself from a
 * constructor (SC_CANNED(), SC_NEGATIVE()); the order constructors run
 * in is the toolchain's, so entries are kept sorted by where they were
 * registered: the catalogue runs in source order whatever the linker did.
 */
#include <string.h>

#include "scenario.h"

static struct sc_entry *sc_entries;

static int registered_before(const struct sc_entry *a,
			     const struct sc_entry *b)
{
	int c = strcmp(a->file, b->file);

	return c < 0 || (!c && a->line < b->line);
}

void sc_register(struct sc_entry *e)
{
	struct sc_entry **p = &sc_entries;

	while (*p && registered_before(*p, e))
		p = &(*p)->next;
	e->next = *p;
	*p = e;
}

const struct sc_entry *sc_catalogue_first(void)
{
	return sc_entries;
}

const struct sc_scenario *sc_catalogue_find(enum sc_set set, const char *name)
{
	const struct sc_entry *e;

	for (e = sc_entries; e; e = e->next)
		if (e->set == set && e->s->name && !strcmp(e->s->name, name))
			return e->s;
	return NULL;
}
