/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gauntlet's progress line on a terminal: cells done of all, the
 * failures so far and the time left. Without a terminal on stderr it
 * stays quiet; it is never part of the KTAP on stdout.
 */
#ifndef KTSTR_HOST_GAUNTLET_PROGRESS_H
#define KTSTR_HOST_GAUNTLET_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct progress {
	const char *title, *items;	/* "gauntlet", "cells" unless set */
	bool on;
	bool shown;
	size_t total, done, failed;
	/* Expected seconds of work, one VM after another: all, and done. */
	double work_s, done_s;
	unsigned int slots;
	uint64_t start_ns;
};

void progress_init(struct progress *p, size_t total, double work_s,
		   unsigned int slots);
/* A cell finished that was expected to take @work_s. */
void progress_cell(struct progress *p, double work_s, bool failed);
/* "12/40 cells, 1 failed, about 3m20s left" */
void progress_text(const struct progress *p, uint64_t now_ns, char *buf,
		   size_t len);
/* "42s", "3m20s", "1h05m". */
void progress_duration(double s, char *buf, size_t len);
/* Redraw the line (when on). */
void progress_draw(struct progress *p);
/* Take the line away before other output (when on). */
void progress_clear(struct progress *p);

#endif
