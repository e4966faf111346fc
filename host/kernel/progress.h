/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Progress of a kernel build: objects compiled (kbuild's "  CC" and
 * "  AS" lines) against the count of the last build, elapsed time and an
 * ETA, as one line a terminal can redraw.
 */
#ifndef KTSTR_HOST_KERNEL_PROGRESS_H
#define KTSTR_HOST_KERNEL_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

/*
 * What a build of linux-source-6.12 with selftests/config compiled and
 * took on this project's reference machine (2 cores): the expectation
 * until a build here has been recorded.
 */
#define BUILD_OBJECTS_DEFAULT	1500
#define BUILD_SECONDS_DEFAULT	840

struct build_progress {
	uint64_t t0_ns;
	unsigned int done;		/* objects compiled so far */
	unsigned int expected;		/* by the last build, or the default */
	double expected_s;		/* how long the last build took */
	char line[256];			/* a partial line between feeds */
	size_t len;
};

void build_progress_init(struct build_progress *p, uint64_t now_ns,
			 unsigned int expected, double expected_s);
/* Count the objects in a chunk of make's output (lines may be split). */
void build_progress_feed(struct build_progress *p, const char *buf, size_t n);
/* "812/1462 objects (55 %), 6m02s, ETA 4m55s" */
void build_progress_text(const struct build_progress *p, uint64_t now_ns,
			 char *out, size_t len);

/* The last build's figures, kept in the kernel cache; 0 if none. */
int build_stats_read(unsigned int *objects, double *seconds);
int build_stats_write(unsigned int objects, double seconds);

#endif
