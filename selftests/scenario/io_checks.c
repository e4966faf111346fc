// SPDX-License-Identifier: GPL-2.0
/*
 * IO checks, from each cgroup's io.stat on the IO device counted over
 * the holds it lived through whole (executor.c); two cgroups' shares are
 * compared only when they lived through the same holds:
 *
 * - io_weight_ratio: busy siblings with io.weight share the device in
 *   the ratio of their weights (bytes per second). Only under iocost with a declared
 *   capacity (sc_io_cost): without one nothing says the device was
 *   saturated, and shares are only divided when it is.
 * - io_max_limit: a cgroup under io.max did not go faster than it.
 */
#include <stdio.h>

#include "internal.h"

static double per_s(const struct sc_cg *c, enum sc_io_stat k)
{
	return c->acc_io_wall_us ? c->acc_io[k] * 1e6 / c->acc_io_wall_us : 0;
}

/*
 * Bytes, not requests: a synchronous write also sends a flush, which
 * io.stat counts as a request and iocost does not charge.
 */
static double kib_per_s(const struct sc_cg *c)
{
	return (per_s(c, SC_IO_RBYTES) + per_s(c, SC_IO_WBYTES)) / 1024;
}

/* A cgroup the share check compares: weighted, busy with IO, held. */
static int weighed(const struct sc_cg *c)
{
	return c->io_weight && c->acc_io_wall_us && c->def &&
	       sc_cg_does_io(c->def);
}

static int io_max_held(const struct sc_cg *c)
{
	return c->acc_io_wall_us && c->def && io_max_set(&c->def->io_max);
}

unsigned int sc_io_not_applicable(struct sc_exec *x)
{
	struct sc_result *r = x->r;
	unsigned int na = 0;
	int weights = 0, limits = 0;

	for (int i = 0; i < x->ncg; i++) {
		weights += weighed(&x->cgs[i]);
		limits += io_max_held(&x->cgs[i]);
	}
	if (!x->s->io_cost.iops) {
		na |= SC_BIT(SC_CHECK_IO_WEIGHT);
		snprintf(r->not_applied[SC_CHECK_IO_WEIGHT],
			 sizeof(r->not_applied[0]),
			 "io.weight is divided by iocost only at a known capacity: the scenario sets no io_cost");
	} else if (weights < 2) {
		na |= SC_BIT(SC_CHECK_IO_WEIGHT);
		snprintf(r->not_applied[SC_CHECK_IO_WEIGHT],
			 sizeof(r->not_applied[0]),
			 "needs two cgroups with io.weight and IO workers held together");
	}
	if (!limits) {
		na |= SC_BIT(SC_CHECK_IO_MAX);
		snprintf(r->not_applied[SC_CHECK_IO_MAX],
			 sizeof(r->not_applied[0]), "no cgroup with io.max held");
	}
	return na;
}

void sc_check_io_weight(struct sc_exec *x)
{
	double tol = x->lim.io_tol;

	for (int i = 0; i < x->ncg; i++) {
		struct sc_cg *a = &x->cgs[i];

		if (!weighed(a))
			continue;
		for (int j = i + 1; j < x->ncg; j++) {
			struct sc_cg *b = &x->cgs[j];
			unsigned int before = x->r->nr_details;
			double ra, rb, want, got, q;

			if (!weighed(b) ||
			    !sc_held_together(a->acc_io_wall_us, b->acc_io_wall_us))
				continue;
			ra = kib_per_s(a);
			rb = kib_per_s(b);
			want = (double)a->io_weight / b->io_weight;
			got = ra / (rb > SC_EPSILON ? rb : SC_EPSILON);
			q = got / want;
			if (q <= tol && q >= 1 / tol)
				continue;
			sc_fail_cg(x, SC_CHECK_IO_WEIGHT, a->name, got, want,
				   "io.weight %u:%u (%s:%s) expects %.2fx of %u IOPS, measured %.2fx (%.1f vs %.1f KiB/s); tolerance x%.2f",
				   a->io_weight, b->io_weight, a->name, b->name,
				   want, x->s->io_cost.iops, got, ra, rb, tol);
			sc_detail_step(x, before, a->owner);
		}
	}
}

/* Each io.max limit and the io.stat counter it bounds. */
static const struct {
	const char *key;
	size_t off;
	enum sc_io_stat stat;
} io_max_limits[] = {
	{ "rbps", offsetof(struct sc_io_max, rbps), SC_IO_RBYTES },
	{ "wbps", offsetof(struct sc_io_max, wbps), SC_IO_WBYTES },
	{ "riops", offsetof(struct sc_io_max, riops), SC_IO_RIOS },
	{ "wiops", offsetof(struct sc_io_max, wiops), SC_IO_WIOS },
};

void sc_check_io_max(struct sc_exec *x)
{
	double tol = x->lim.io_tol;

	for (int i = 0; i < x->ncg; i++) {
		const struct sc_cg *c = &x->cgs[i];

		if (!io_max_held(c))
			continue;
		for (size_t k = 0; k < SC_ARRAY_SIZE(io_max_limits); k++) {
			unsigned int before = x->r->nr_details;
			unsigned long long lim;
			double rate;

			lim = *(const unsigned long long *)
				((const char *)&c->def->io_max + io_max_limits[k].off);
			rate = per_s(c, io_max_limits[k].stat);
			if (!lim || rate <= lim * tol)
				continue;
			sc_fail_cg(x, SC_CHECK_IO_MAX, c->name, rate, lim * tol,
				   "%.1f %s/s under io.max %s=%llu (at most %.1f allowed) over %.1f s held",
				   rate, sc_io_stat_keys[io_max_limits[k].stat],
				   io_max_limits[k].key, lim, lim * tol,
				   c->acc_io_wall_us / 1e6);
			sc_detail_step(x, before, c->owner);
		}
	}
}
