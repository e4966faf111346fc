/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reports of the debug kernel's checkers, as the kernel log says
 * them: the first line of each report names its checker. The kmod fuzzer
 * counts them in /dev/kmsg, and kmemleak's leaks in its debugfs file.
 */
#ifndef KTSTR_GUEST_FUZZ_KREPORTS_H
#define KTSTR_GUEST_FUZZ_KREPORTS_H

#include <stdbool.h>
#include <stddef.h>

/* X(id, name): the checkers, in the order their lines are matched. */
#define KREPORT_KINDS(X)			\
	X(KREP_KASAN, "kasan")			\
	X(KREP_KFENCE, "kfence")		\
	X(KREP_UBSAN, "ubsan")			\
	X(KREP_LIST, "list-corruption")		\
	X(KREP_ATOMIC_SLEEP, "atomic-sleep")	\
	X(KREP_DEBUG_OBJECTS, "debug-objects")	\
	X(KREP_LOCKDEP, "lockdep")		\
	X(KREP_WARNING, "warning")		\
	X(KREP_OOPS, "oops")			\
	X(KREP_KMEMLEAK, "kmemleak")

enum kreport_kind {
#define KREP_ENUM(id, name) id,
	KREPORT_KINDS(KREP_ENUM)
#undef KREP_ENUM
	KREP_NR,
};

extern const char *const kreport_names[KREP_NR];

#define KREP_FIRST_LEN	200

struct kreports {
	unsigned int n[KREP_NR];
	char first[KREP_NR][KREP_FIRST_LEN];	/* the first report's line */
};

/* The checker whose report @text starts, or -1. */
int kreport_classify(const char *text);
/* Count @text if it starts a report. */
void kreports_add(struct kreports *r, int kind, const char *text);
unsigned int kreports_total(const struct kreports *r);

/*
 * Every /dev/kmsg record from sequence number @seq on: reports counted
 * into @r, @seq moved past the last one read. 0, or -1 if /dev/kmsg
 * cannot be read.
 */
int kreports_scan_kmsg(struct kreports *r, unsigned long long *seq);

/*
 * kmemleak: scan now and count the unreferenced objects it lists; those
 * whose backtrace names @module are counted in @ours. -1 when kmemleak is
 * not there (not a debug kernel, or debugfs not mounted).
 */
int kreports_kmemleak(const char *module, unsigned int *all,
		      unsigned int *ours, char *first, size_t firstlen);
/* Forget the leaks seen so far (kmemleak's "clear"). */
int kreports_kmemleak_clear(void);

#endif
