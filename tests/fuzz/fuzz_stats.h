/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer targets report besides crashes: how long the
 * slowest input took (libFuzzer only counts whole seconds), saved to
 * $KTSTR_FUZZ_SLOWEST, and a progress line every $KTSTR_FUZZ_PROGRESS
 * seconds. Both are printed to stderr, the summary when the run ends:
 *
 *   fuzz: 1000000 inputs, slowest 2.413 ms (143 bytes), slowest walk 0.810 ms
 *
 * "walk" is the part a target times itself, if it does: the reads of
 * guest memory, without the checks around them.
 */
#ifndef KTSTR_TESTS_FUZZ_STATS_H
#define KTSTR_TESTS_FUZZ_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Bracket the work done for one input. */
void fuzz_stats_begin(void);
void fuzz_stats_end(const uint8_t *data, size_t size);
/* Monotonic ns, and the time of this input's walk. */
uint64_t fuzz_now_ns(void);
void fuzz_stats_walk(uint64_t ns);

#endif
