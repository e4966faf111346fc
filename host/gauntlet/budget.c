// SPDX-License-Identifier: GPL-2.0
/*
 * Choosing what fits a --budget: see budget.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gauntlet/budget.h"

int budget_parse(const char *arg, double *s, char *err, size_t errlen)
{
	const char *p = arg;
	const char *units = "hms";	/* each once, in this order */
	double total = 0;

	if (!*p)
		goto bad;
	while (*p) {
		const char *u;
		unsigned long v;
		char *end;

		if (!isdigit((unsigned char)*p))
			goto bad;
		v = strtoul(p, &end, 10);
		u = *end ? strchr(units, *end) : NULL;
		if (!u || v > 1000000)
			goto bad;
		total += (double)v * (*u == 'h' ? 3600 : *u == 'm' ? 60 : 1);
		units = u + 1;
		p = end + 1;
	}
	if (total < 1 || total > BUDGET_MAX_S)
		goto bad;
	*s = total;
	return 0;
bad:
	snprintf(err, errlen,
		 "bad --budget \"%s\": expected a duration of 1s to 168h like 30m, 1h, 90s or 1h30m",
		 arg);
	return -1;
}

struct order {
	size_t i;
	double cost;
	bool known;
};

/* Unmeasured first, in plan order; then measured, cheapest first. */
static int cmp_order(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->known != y->known)
		return x->known ? 1 : -1;
	if (x->known && x->cost != y->cost)
		return x->cost < y->cost ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static double mean_known(const double *v, size_t n, size_t stride,
			 double guess)
{
	double sum = 0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		double x = *(const double *)((const char *)v + i * stride);

		if (x >= 0) {
			sum += x;
			k++;
		}
	}
	return k ? sum / (double)k : guess;
}

double budget_choose(struct budget_cell *c, size_t n, const double *boot_s,
		     size_t nbatches, double capacity_s)
{
	double cell_guess, boot_guess, used = 0;
	struct order *o;
	bool *booted;

	if (!n)
		return 0;
	cell_guess = mean_known(&c[0].cost_s, n, sizeof(*c),
				BUDGET_GUESS_CELL_S);
	boot_guess = mean_known(boot_s, nbatches, sizeof(*boot_s),
				BUDGET_GUESS_BOOT_S);
	o = calloc(n, sizeof(*o));
	booted = calloc(nbatches ?: 1, sizeof(*booted));
	if (!o || !booted) {
		free(o);
		free(booted);
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		o[i].i = i;
		o[i].known = c[i].cost_s >= 0;
		o[i].cost = o[i].known ? c[i].cost_s : cell_guess;
		c[i].chosen = false;
	}
	qsort(o, n, sizeof(*o), cmp_order);
	for (size_t k = 0; k < n; k++) {
		struct budget_cell *x = &c[o[k].i];
		double boot = boot_s[x->batch] >= 0 ? boot_s[x->batch] :
			      boot_guess;
		double extra = o[k].cost + (booted[x->batch] ? 0 : boot);

		if (used + extra > capacity_s)
			continue;
		used += extra;
		booted[x->batch] = true;
		x->chosen = true;
	}
	free(o);
	free(booted);
	return used;
}

void budget_estimate(const struct budget_cell *c, size_t n,
		     const double *boot_s, size_t nbatches, double *est)
{
	size_t *size = calloc(nbatches ?: 1, sizeof(*size));
	double cell_guess, boot_guess;

	if (!n || !size) {
		free(size);
		return;
	}
	cell_guess = mean_known(&c[0].cost_s, n, sizeof(*c),
				BUDGET_GUESS_CELL_S);
	boot_guess = mean_known(boot_s, nbatches, sizeof(*boot_s),
				BUDGET_GUESS_BOOT_S);
	/* The boot is shared by the cells that run in its VM. */
	for (size_t i = 0; i < n; i++)
		size[c[i].batch] += c[i].chosen;
	for (size_t i = 0; i < n; i++) {
		double boot = boot_s[c[i].batch] >= 0 ? boot_s[c[i].batch] :
			      boot_guess;
		size_t k = size[c[i].batch] ?: 1;

		est[i] = (c[i].cost_s >= 0 ? c[i].cost_s : cell_guess) +
			 boot / (double)k;
	}
	free(size);
}
