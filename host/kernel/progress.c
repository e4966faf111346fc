// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/progress.h"
#include "file.h"
#include "paths.h"
#include "util.h"

#define STATS_FILE	"build-stats"

void build_progress_init(struct build_progress *p, uint64_t now_ns,
			 unsigned int expected, double expected_s)
{
	memset(p, 0, sizeof(*p));
	p->t0_ns = now_ns;
	p->expected = expected ? expected : BUILD_OBJECTS_DEFAULT;
	p->expected_s = expected_s > 0 ? expected_s : BUILD_SECONDS_DEFAULT;
}

/* kbuild's quiet lines for a compiled object: "  CC      x.o", "  CC [M]  y.o", "  AS ..." */
static void count_line(struct build_progress *p, const char *l)
{
	if (!strncmp(l, "  CC ", 5) || !strncmp(l, "  AS ", 5))
		p->done++;
}

void build_progress_feed(struct build_progress *p, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n') {
			if (p->len < sizeof(p->line) - 1)
				p->line[p->len++] = buf[i];
			continue;
		}
		p->line[p->len] = '\0';
		count_line(p, p->line);
		p->len = 0;
	}
}

static void mmss(double s, char *out, size_t len)
{
	unsigned long t = s > 0 ? (unsigned long)(s + 0.5) : 0;

	snprintf(out, len, "%lum%02lus", t / 60, t % 60);
}

void build_progress_text(const struct build_progress *p, uint64_t now_ns,
			 char *out, size_t len)
{
	double el = now_ns > p->t0_ns ? (now_ns - p->t0_ns) / 1e9 : 0, left;
	unsigned int total = p->done > p->expected ? p->done : p->expected;
	double frac = (double)p->done / total;
	char e[16], l[16];

	/* The last build's pace at first, this one's once it has a tenth done. */
	if (frac >= 0.1)
		left = el / frac - el;
	else
		left = p->expected_s * (1 - frac) - el;
	mmss(el, e, sizeof(e));
	mmss(left, l, sizeof(l));
	snprintf(out, len, "%u/%u objects (%.0f %%), %s, ETA %s", p->done,
		 total, frac * 100, e, left > 0 ? l : "any moment");
}

/* In the kernel cache's root, beside the entries. */
static void stats_path(char *buf, size_t len)
{
	char base[4000];

	paths_cache("kernels", base, sizeof(base));
	snprintf(buf, len, "%s/" STATS_FILE, base);
}

int build_stats_read(unsigned int *objects, double *seconds)
{
	char path[4096], buf[128];

	*objects = 0;
	*seconds = 0;
	stats_path(path, sizeof(path));
	if (read_file_str(path, buf, sizeof(buf)) ||
	    sscanf(buf, "objects %u seconds %lf", objects, seconds) != 2 ||
	    *objects > 1000000 || !(*seconds > 0 && *seconds < 1e6)) {
		*objects = 0;
		*seconds = 0;
		return -1;
	}
	return 0;
}

int build_stats_write(unsigned int objects, double seconds)
{
	char path[4096], buf[128];
	int n;

	stats_path(path, sizeof(path));
	n = snprintf(buf, sizeof(buf), "objects %u seconds %.0f\n", objects,
		     seconds);
	return write_file(path, buf, (size_t)n, 0644);
}
