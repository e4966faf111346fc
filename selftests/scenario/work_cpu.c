// SPDX-License-Identifier: GPL-2.0
/*
 * CPU-side work types: spin, yield-heavy, mixed spin/sleep, bursty,
 * cache pressure, and the sequence of phases.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SC_CACHE_CHUNK		(64u << 10)	/* bytes touched per unit */

static unsigned int or_default(unsigned int v, unsigned int def)
{
	return v ? v : def;
}

/* Spin units until @ms have passed or a stop; returns 1 on stop. */
static int spin_for(struct sc_wctx *w, unsigned int blocks, unsigned int ms)
{
	__u64 end = sc_coarse_ns() + (__u64)ms * 1000000ull;

	while (sc_coarse_ns() < end) {
		if (sc_stopping(w))
			return 1;
		sc_spin_block(blocks);
		sc_unit_done(w);
	}
	return 0;
}

/* An intended sleep: it is not a scheduling gap, oversleeping is. */
static void nap(struct sc_wctx *w, __u64 ns)
{
	__u64 until = sc_coarse_ns() + ns;

	sc_sleep_ns(ns);
	sc_gap_skip(w, until);
}

static int cache_walk(struct sc_wctx *w, unsigned int kb)
{
	size_t len = (size_t)kb << 10, off = 0;
	unsigned char *buf = malloc(len);

	if (!buf)
		return 1;
	memset(buf, 1, len);
	while (!sc_stopping(w)) {
		for (size_t i = 0; i < SC_CACHE_CHUNK; i += 64)
			buf[(off + i) % len] += (unsigned char)i;
		off = (off + SC_CACHE_CHUNK) % len;
		sc_unit_done(w);
		sc_mpol_measure(w, buf, len);
	}
	free(buf);
	return 0;
}

int sc_work_cpu(struct sc_wctx *w)
{
	const struct sc_work *wt = &w->spec->work;
	unsigned int blocks = or_default(wt->spin, 1);

	switch (wt->type) {
	case SC_WORK_YIELD:
		while (!sc_stopping(w)) {
			sc_spin(SC_SPIN_ITERS / 4 * blocks);
			sched_yield();
			sc_unit_done(w);
		}
		return 0;
	case SC_WORK_MIXED:
		while (!sc_stopping(w)) {
			sc_spin_block(blocks);
			sc_unit_done(w);
			nap(w, or_default(wt->sleep_us, 1000) * 1000ull);
		}
		return 0;
	case SC_WORK_BURSTY:
		while (!sc_stopping(w)) {
			if (spin_for(w, blocks, or_default(wt->on_ms, 100)))
				break;
			nap(w, or_default(wt->off_ms, 100) * 1000000ull);
		}
		return 0;
	case SC_WORK_CACHE:
		return cache_walk(w, or_default(wt->cache_kb, 4096));
	default:
		while (!sc_stopping(w)) {
			sc_spin_block(blocks);
			sc_unit_done(w);
		}
		return 0;
	}
}

int sc_work_phases(struct sc_wctx *w)
{
	const struct sc_phase *ph = w->spec->work.phases;
	void *buf = NULL;
	int fd = -1, r = 0;

	if (!ph[0].kind)
		return 1;
	if (posix_memalign(&buf, 4096, 4096))
		return 1;
	memset(buf, 0x5a, 4096);
	while (!sc_stopping(w) && !r) {
		for (int i = 0; i < SC_MAX_PHASES && ph[i].kind && !r; i++) {
			__u64 end = sc_coarse_ns() + ph[i].ms * 1000000ull;

			switch (ph[i].kind) {
			case SC_PHASE_SPIN:
				spin_for(w, 1, ph[i].ms);
				break;
			case SC_PHASE_SLEEP:
				nap(w, ph[i].ms * 1000000ull);
				sc_unit_done(w);
				break;
			case SC_PHASE_YIELD:
				while (sc_coarse_ns() < end && !sc_stopping(w)) {
					sc_spin(SC_SPIN_ITERS / 4);
					sched_yield();
					sc_unit_done(w);
				}
				break;
			case SC_PHASE_IO:
				while (sc_coarse_ns() < end && !sc_stopping(w) &&
				       !r)
					r = sc_io_unit(w, &fd, buf);
				break;
			default:
				r = 1;
			}
			if (sc_stopping(w))
				break;
		}
	}
	free(buf);
	return r;
}
