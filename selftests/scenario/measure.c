// SPDX-License-Identifier: GPL-2.0
/*
 * Measurements: wake-latency histograms, what the kernel knows about a
 * worker (/proc/PID/schedstat, sched, status, read while it is a zombie so
 * the numbers are final), and validation of what a worker wrote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Four buckets per power of two from 1 us; bucket 0 is below 1 us. */
static unsigned int lat_bucket(__u64 ns)
{
	unsigned int msb, idx;

	if (ns < 1024)
		return 0;
	msb = 63u - (unsigned int)__builtin_clzll(ns);
	idx = (msb - 9) * 4 + (unsigned int)((ns >> (msb - 2)) & 3);
	return idx < SC_LAT_BUCKETS ? idx : SC_LAT_BUCKETS - 1;
}

static __u64 lat_upper(unsigned int idx)
{
	unsigned int m = idx / 4 + 9, sub = idx % 4;

	if (idx < 4)
		return 1024;
	return (1ull << m) + (__u64)(sub + 1) * (1ull << (m - 2));
}

void sc_lat_record(struct sc_slot *s, __u64 ns)
{
	s->lat_hist[lat_bucket(ns)]++;
	s->lat_sum_ns += ns;
	if (ns > s->lat_max_ns)
		s->lat_max_ns = ns;
	sc_store(&s->lat_count, s->lat_count + 1);
}

void sc_lat_add(struct sc_lat_sum *m, const struct sc_slot *s)
{
	for (unsigned int i = 0; i < SC_LAT_BUCKETS; i++)
		m->hist[i] += s->lat_hist[i];
	m->count += s->lat_count;
	m->sum_ns += s->lat_sum_ns;
	if (s->lat_max_ns > m->max_ns)
		m->max_ns = s->lat_max_ns;
}

/* The upper bound of the bucket holding the @pct-th percentile. */
__u64 sc_lat_sum_pct(const struct sc_lat_sum *m, double pct)
{
	__u64 want, seen = 0;

	if (!m->count)
		return 0;
	want = (__u64)(m->count * pct / 100.0 + 0.999999);
	if (!want)
		want = 1;
	for (unsigned int i = 0; i < SC_LAT_BUCKETS; i++) {
		seen += m->hist[i];
		if (seen >= want) {
			__u64 up = lat_upper(i);

			return up < m->max_ns ? up : m->max_ns;
		}
	}
	return m->max_ns;
}

__u64 sc_lat_percentile(const struct sc_slot *s, double pct)
{
	struct sc_lat_sum m = { 0 };

	sc_lat_add(&m, s);
	return sc_lat_sum_pct(&m, pct);
}

/*
 * A worker's slot is memory the worker could have scribbled on: check
 * every field the checks use before trusting it.
 */
int sc_slot_validate(const struct sc_slot *s, unsigned int index, pid_t pid,
		     unsigned int nr_cpus, char *why, size_t len)
{
	__u64 hist = 0, end = s->end_ns ? s->end_ns : s->last_ns;

	if (s->magic != SC_SLOT_MAGIC || s->index != index) {
		snprintf(why, len, "slot header corrupt (magic %#x, index %u)",
			 s->magic, s->index);
		return -1;
	}
	if (s->pid != pid) {
		snprintf(why, len, "slot names pid %d, expected %d", s->pid, pid);
		return -1;
	}
	if (s->state > SC_W_FAILED) {
		snprintf(why, len, "bad state %u", s->state);
		return -1;
	}
	/* last_ns is tick-granular, start_ns is not. */
	if (s->units && (!s->start_ns || s->last_ns + 20000000ull < s->start_ns)) {
		snprintf(why, len, "timestamps out of order (start %llu, last %llu)",
			 (unsigned long long)s->start_ns,
			 (unsigned long long)s->last_ns);
		return -1;
	}
	if (s->units && s->max_gap_ns > end - s->start_ns + 1000000000ull) {
		snprintf(why, len, "longest gap %llu ns exceeds its life",
			 (unsigned long long)s->max_gap_ns);
		return -1;
	}
	for (unsigned int n = 0; n <= SC_MPOL_NODES; n++) {
		/* A buffer of at most 1 GiB in 4 KiB pages. */
		if (s->mpol_pages[n] > (1ull << 18)) {
			snprintf(why, len, "%llu pages on node %u: more than its buffer",
				 (unsigned long long)s->mpol_pages[n], n);
			return -1;
		}
	}
	if (s->last_cpu >= (int)nr_cpus || s->gap_cpu >= (int)nr_cpus) {
		snprintf(why, len, "CPU %d/%d beyond %u CPUs", s->last_cpu,
			 s->gap_cpu, nr_cpus);
		return -1;
	}
	for (unsigned int e = 0; e < SC_EPOCHS; e++) {
		for (unsigned int c = nr_cpus; c < SC_MAX_CPUS; c++) {
			if (sc_mask_test(&s->cpus[e], c)) {
				snprintf(why, len, "CPU %u beyond %u CPUs", c,
					 nr_cpus);
				return -1;
			}
		}
	}
	for (unsigned int i = 0; i < SC_LAT_BUCKETS; i++)
		hist += s->lat_hist[i];
	/* A worker killed mid-update may be one sample ahead. */
	if (hist > s->lat_count + 1 || hist + 1 < s->lat_count) {
		snprintf(why, len, "latency histogram holds %llu samples, count %llu",
			 (unsigned long long)hist,
			 (unsigned long long)s->lat_count);
		return -1;
	}
	return 0;
}

static __u64 field(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	if (!p)
		return 0;
	p += strlen(key);
	while (*p == ' ' || *p == '\t' || *p == ':')
		p++;
	return strtoull(p, NULL, 10);
}

static int slurp(pid_t pid, const char *file, char *buf, size_t len)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	return read_file_str(path, buf, len);
}

/* CPU time of a live (or zombie) @pid, from its schedstat. */
__u64 sc_pid_cpu_ns(pid_t pid)
{
	unsigned long long run = 0;
	char buf[128];

	if (slurp(pid, "schedstat", buf, sizeof(buf)) ||
	    sscanf(buf, "%llu", &run) != 1)
		return 0;
	return run;
}

/*
 * Where @pid sleeps in the kernel, innermost first, from /proc/PID/stack
 * ("[<0>] fn+0x1a/0x40" lines): "fn < caller < ...", at most
 * SC_KSTACK_FRAMES. Empty when it cannot be read.
 */
void sc_kstack_read(pid_t pid, char *out, size_t len)
{
	char buf[4096], *line, *save = NULL;
	size_t used = 0;
	int frames = 0;

	if (!len)
		return;
	out[0] = '\0';
	if (slurp(pid, "stack", buf, sizeof(buf)))
		return;
	for (line = strtok_r(buf, "\n", &save);
	     line && frames < SC_KSTACK_FRAMES;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *fn = strchr(line, ' ');
		int w;

		if (!fn)
			continue;
		fn++;
		w = snprintf(out + used, len - used, "%s%.*s",
			     frames ? " < " : "", (int)strcspn(fn, "+ "), fn);
		if (w < 0 || (size_t)w >= len - used) {
			out[used] = '\0';	/* whole frames only */
			break;
		}
		used += w;
		frames++;
	}
}

/* What the kernel accounted for @pid; call before reaping it. */
int sc_kstats_read(pid_t pid, struct sc_kstats *k)
{
	unsigned long long run = 0, wait = 0, slices = 0;
	char buf[4096];

	memset(k, 0, sizeof(*k));
	if (slurp(pid, "schedstat", buf, sizeof(buf)) ||
	    sscanf(buf, "%llu %llu %llu", &run, &wait, &slices) != 3)
		return -1;
	k->cpu_ns = run;
	k->wait_ns = wait;
	k->timeslices = slices;
	k->state = '?';
	if (!slurp(pid, "status", buf, sizeof(buf))) {
		const char *st = strstr(buf, "\nState:");

		k->vcsw = field(buf, "\nvoluntary_ctxt_switches");
		k->ivcsw = field(buf, "\nnonvoluntary_ctxt_switches");
		if (st) {
			st += strlen("\nState:");
			while (*st == ' ' || *st == '\t')
				st++;
			if (*st >= 'A' && *st <= 'Z')
				k->state = *st;
		}
	}
	if (!slurp(pid, "sched", buf, sizeof(buf)))
		k->nr_migrations = field(buf, "se.nr_migrations");
	k->ok = 1;
	return 0;
}

/* 1 if @pid runs in sched_ext's class, 0 if not, -1 if unknown. */
static int on_ext(pid_t pid)
{
	char buf[4096];
	const char *p;

	if (slurp(pid, "sched", buf, sizeof(buf)))
		return -1;
	p = strstr(buf, "\next.enabled");
	if (!p)
		return -1;
	return field(p, "ext.enabled") != 0;
}

/*
 * Under a sched_ext scheduler a SCHED_EXT worker runs in its class; the
 * others do only when it switched every task (switch_all), never FIFO
 * or RR ones. Without sched_ext none does. A round counts only if
 * sched_ext was enabled before and after it; workers that change their
 * own policy are left out.
 */
void sc_class_sample(struct sc_exec *x)
{
	char all[8] = "";
	int switch_all, round = 0;

	if (kt_scx_state() != KT_SCX_ENABLED ||
	    read_file_str("/sys/kernel/sched_ext/switch_all", all, sizeof(all)))
		return;
	switch_all = atoi(all) == 1;
	for (int i = 0; i < x->nwk; i++) {
		struct sc_wk *w = &x->wk[i];
		enum sc_policy pol = w->spec->policy;
		int want, got;

		if (!w->live || w->spec->work.type == SC_WORK_POLICY_CHURN)
			continue;
		got = on_ext(w->pid);
		if (got < 0)
			continue;
		want = pol == SC_POLICY_EXT ||
		       (switch_all && pol != SC_POLICY_FIFO && pol != SC_POLICY_RR);
		if (kt_scx_state() != KT_SCX_ENABLED)
			return;
		round = 1;
		w->class_samples++;
		if (got != want && !w->class_bad++) {
			w->class_bad_step = x->cur;
			w->class_bad_on_ext = got;
		}
	}
	x->class_rounds += round;
}
