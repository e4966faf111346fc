// SPDX-License-Identifier: GPL-2.0
/*
 * The progress line: see progress.h.
 */
#include <stdio.h>
#include <unistd.h>

#include "util.h"
#include "gauntlet/progress.h"

void progress_init(struct progress *p, size_t total, double work_s,
		   unsigned int slots)
{
	p->title = NULL;
	p->items = NULL;
	p->on = isatty(STDERR_FILENO);
	p->shown = false;
	p->total = total;
	p->done = 0;
	p->failed = 0;
	p->work_s = work_s;
	p->done_s = 0;
	p->slots = slots ?: 1;
	p->start_ns = now_ns();
}

void progress_cell(struct progress *p, double work_s, bool failed)
{
	p->done++;
	p->failed += failed;
	p->done_s += work_s;
}

void progress_duration(double s, char *buf, size_t len)
{
	unsigned long t = s > 0 ? (unsigned long)(s + 0.5) : 0;

	if (t >= 3600)
		snprintf(buf, len, "%luh%02lum", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(buf, len, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(buf, len, "%lus", t);
}

void progress_text(const struct progress *p, uint64_t now, char *buf,
		   size_t len)
{
	double elapsed = (double)(now - p->start_ns) / 1e9;
	double left = -1;
	char eta[32];

	/*
	 * The pace so far, once work is done; the plan's guess before.
	 * A not-applicable cell is no work and says nothing of the pace.
	 */
	if (p->done < p->total && p->done_s > 0)
		left = elapsed / p->done_s * (p->work_s - p->done_s);
	else if (p->done < p->total && p->work_s > 0)
		left = p->work_s / p->slots - elapsed;
	if (left < 0 && p->done < p->total)
		left = 0;
	if (left >= 0)
		progress_duration(left, eta, sizeof(eta));
	snprintf(buf, len, "%s: %zu/%zu %s, %zu failed%s%s%s",
		 p->title ?: "gauntlet", p->done, p->total, p->items ?: "cells",
		 p->failed, left >= 0 ? ", about " : "",
		 left >= 0 ? eta : "", left >= 0 ? " left" : "");
}

void progress_draw(struct progress *p)
{
	char line[160];

	if (!p->on)
		return;
	progress_text(p, now_ns(), line, sizeof(line));
	fprintf(stderr, "\r\033[K%s", line);
	fflush(stderr);
	p->shown = true;
}

void progress_clear(struct progress *p)
{
	if (!p->on || !p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = false;
}
