// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/regs.h"

/* Value of "NAME=hex" in [p, end), if present as a whole token. */
static bool field(const char *p, const char *end, const char *name,
		  uint64_t *v)
{
	size_t n = strlen(name);

	for (const char *s = p; s && s < end; s++) {
		s = strstr(s, name);
		if (!s || s >= end)
			return false;
		if ((s == p || s[-1] == ' ' || s[-1] == '\n') && s[n] == '=') {
			char *e;

			*v = strtoull(s + n + 1, &e, 16);
			return e != s + n + 1;
		}
	}
	return false;
}

int regs_parse(const char *text, struct vcpu_regs *out, int max)
{
	const char *p = strstr(text, "CPU#");
	int n = 0;

	while (p && n < max) {
		const char *next = strstr(p + 4, "CPU#");
		const char *end = next ? next : p + strlen(p);
		struct vcpu_regs *r = &out[n];
		uint64_t v;
		int cpu;

		if (sscanf(p, "CPU#%d", &cpu) != 1 || cpu < 0 || cpu >= max)
			break;
		r = &out[cpu];
		memset(r, 0, sizeof(*r));
		r->valid = field(p, end, "RIP", &r->rip) &&
			   field(p, end, "RSP", &r->rsp) &&
			   field(p, end, "RFL", &r->rflags) &&
			   field(p, end, "CR3", &r->cr3);
		field(p, end, "CR4", &r->cr4);
		if (field(p, end, "CPL", &v))
			r->cpl = (unsigned int)v;
		if (field(p, end, "HLT", &v))
			r->halted = v != 0;
		if (cpu + 1 > n)
			n = cpu + 1;
		p = next;
	}
	return n;
}
