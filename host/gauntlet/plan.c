// SPDX-License-Identifier: GPL-2.0
/*
 * The gauntlet's plan and its shards: see plan.h.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gauntlet/plan.h"

static const char *const verdict_names[CELL_VERDICT_NR] = {
#define CELL_VERDICT_NAME(e, name) [e] = name,
	CELL_VERDICTS(CELL_VERDICT_NAME)
#undef CELL_VERDICT_NAME
};

const char *cell_verdict_name(enum cell_verdict v)
{
	return v < CELL_VERDICT_NR ? verdict_names[v] : "?";
}

static void add_why(char *buf, size_t len, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_why(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;

	if (*off >= len)
		return;
	if (*off)
		*off += (size_t)snprintf(buf + *off, len - *off, ", ");
	if (*off >= len)
		return;
	va_start(ap, fmt);
	*off += (size_t)vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
}

bool plan_needs_met(const struct harness_test *need, const struct topology *t,
		    bool sched_to_attach, char *why, size_t len)
{
	unsigned int cpus = topology_nr_cpus(t);
	size_t off = 0;

	why[0] = '\0';
	if (need->min_cpus > cpus)
		add_why(why, len, &off, "needs %u+ CPUs, has %u",
			need->min_cpus, cpus);
	if ((need->needs & HARNESS_NEED_NUMA) && t->nodes < 2)
		add_why(why, len, &off, "needs 2+ NUMA nodes, has %u",
			t->nodes);
	if ((need->needs & HARNESS_NEED_LLCS) && t->llcs < 2)
		add_why(why, len, &off, "needs 2+ LLCs, has %u", t->llcs);
	if ((need->needs & HARNESS_NEED_SMT) && t->threads < 2)
		add_why(why, len, &off, "needs SMT, has 1 thread per core");
	if ((need->needs & HARNESS_NEED_SCHED) && !sched_to_attach)
		add_why(why, len, &off, "needs a scheduler to attach, has none");
	return !off;
}

int plan_build(struct plan *p)
{
	size_t n = p->ntests * p->ntopos * p->nscheds, c = 0;

	free(p->cells);
	p->ncells = 0;
	p->cells = calloc(n ?: 1, sizeof(*p->cells));
	if (!p->cells)
		return -1;
	for (unsigned int o = 0; o < p->ntopos; o++) {
		for (unsigned int s = 0; s < p->nscheds; s++) {
			for (unsigned int t = 0; t < p->ntests; t++) {
				struct plan_cell *x = &p->cells[c++];

				x->test = t;
				x->topo = o;
				x->sched = s;
				x->applies = plan_needs_met(&p->tests[t].sub,
							    &p->topos[o].t,
							    p->scheds[s].to_attach,
							    x->why,
							    sizeof(x->why));
			}
		}
	}
	p->ncells = n;
	return 0;
}

int plan_shard_parse(const char *arg, unsigned int *k, unsigned int *n,
		     char *err, size_t errlen)
{
	unsigned long a, b;
	char *e1, *e2;

	if (!isdigit((unsigned char)arg[0]))
		goto bad;
	a = strtoul(arg, &e1, 10);
	if (*e1 != '/' || !isdigit((unsigned char)e1[1]))
		goto bad;
	b = strtoul(e1 + 1, &e2, 10);
	if (*e2)
		goto bad;
	if (a < 1 || b < 1 || a > b || b > PLAN_SHARDS_MAX)
		goto bad;
	*k = (unsigned int)a;
	*n = (unsigned int)b;
	return 0;
bad:
	snprintf(err, errlen,
		 "bad --shard \"%s\": expected K/N with 1 <= K <= N <= %d, e.g. 2/4 for the second of four machines",
		 arg, PLAN_SHARDS_MAX);
	return -1;
}

void plan_shard(const struct plan *p, unsigned int k, unsigned int n,
		size_t *first, size_t *end)
{
	/* Shard k of n: cells [(k-1)*C/n, k*C/n), sizes differ by one at most. */
	*first = (size_t)((unsigned long long)(k - 1) * p->ncells / n);
	*end = (size_t)((unsigned long long)k * p->ncells / n);
}

void plan_print_cell(const struct plan *p, size_t cell, FILE *out)
{
	const struct plan_cell *c = &p->cells[cell];

	fprintf(out, "%s %s %s", p->tests[c->test].name, p->topos[c->topo].name,
		p->scheds[c->sched].name);
	if (!c->applies)
		fprintf(out, " # not applicable: %s", c->why);
	fputc('\n', out);
}

void plan_cell_name(const struct plan *p, size_t cell, char *buf, size_t len)
{
	const struct plan_cell *c = &p->cells[cell];

	snprintf(buf, len, "%s/%s/%s", p->tests[c->test].name,
		 p->topos[c->topo].name, p->scheds[c->sched].name);
}

void plan_free(struct plan *p)
{
	free(p->tests);
	free(p->topos);
	free(p->scheds);
	free(p->cells);
	memset(p, 0, sizeof(*p));
}
