// SPDX-License-Identifier: GPL-2.0
/*
 * NUMA memory policy of a worker group: resolved and validated by the
 * executor before any worker forks, set by each worker with
 * set_mempolicy(2) before it allocates, and checked where the pages
 * landed: a CACHE worker asks move_pages(2) for the node of every page
 * of its buffer every SC_MPOL_EVERY_MS and keeps the counts in its slot.
 */
#include <errno.h>
#include <linux/mempolicy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define SC_MPOL_EVERY_MS	200
#define SC_MPOL_PREFERRED_MIN	0.9	/* of the pages on the preferred node */

static const char * const mode_names[] = {
	[SC_MPOL_NONE] = "none", [SC_MPOL_BIND] = "bind",
	[SC_MPOL_PREFERRED] = "preferred", [SC_MPOL_INTERLEAVE] = "interleave",
	[SC_MPOL_LOCAL] = "local",
};

static const char *mode_name(enum sc_mpol_mode m)
{
	return m < SC_ARRAY_SIZE(mode_names) && mode_names[m] ? mode_names[m] :
	       "?";
}

/* What needs no topology: the mode, its nodes and flags agree. */
int sc_mpol_validate(const struct sc_mempolicy *m, char *why, size_t len)
{
	bool nodes = m->nodes.kind != SC_MEMS_INHERIT;

	if (m->mode > SC_MPOL_LOCAL) {
		snprintf(why, len, "unknown memory policy mode %d", m->mode);
		return -1;
	}
	if ((m->mode == SC_MPOL_NONE || m->mode == SC_MPOL_LOCAL) &&
	    (nodes || m->flags)) {
		snprintf(why, len, "memory policy %s takes no nodes and no flags",
			 mode_name(m->mode));
		return -1;
	}
	if (m->mode != SC_MPOL_NONE && m->mode != SC_MPOL_LOCAL && !nodes) {
		snprintf(why, len, "memory policy %s needs .nodes",
			 mode_name(m->mode));
		return -1;
	}
	if ((m->flags & SC_MPOL_F_STATIC) && (m->flags & SC_MPOL_F_RELATIVE)) {
		snprintf(why, len,
			 "memory policy flags static and relative exclude each other (the kernel refuses both)");
		return -1;
	}
	if (m->flags & ~(SC_MPOL_F_STATIC | SC_MPOL_F_RELATIVE)) {
		snprintf(why, len, "unknown memory policy flags %#x", m->flags);
		return -1;
	}
	return 0;
}

static int kernel_mode(const struct sc_mempolicy *m)
{
	static const int modes[] = {
		[SC_MPOL_BIND] = MPOL_BIND, [SC_MPOL_PREFERRED] = MPOL_PREFERRED,
		[SC_MPOL_INTERLEAVE] = MPOL_INTERLEAVE, [SC_MPOL_LOCAL] = MPOL_LOCAL,
	};
	int mode = modes[m->mode];

	if (m->flags & SC_MPOL_F_STATIC)
		mode |= MPOL_F_STATIC_NODES;
	if (m->flags & SC_MPOL_F_RELATIVE)
		mode |= MPOL_F_RELATIVE_NODES;
	return mode;
}

/*
 * The kernel's mode and node mask for group @spec of cgroup @cg; 0 and no
 * mode when it has no policy. The nodes must exist and meet the cgroup's
 * effective cpuset.mems, or set_mempolicy() would refuse them.
 */
int sc_mpol_resolve(struct sc_exec *x, int cg, const struct sc_workers *spec,
		    int *mode, __u64 *nodes)
{
	const struct sc_mempolicy *m = &spec->mpol;
	struct sc_cg *c = &x->cgs[cg];
	struct sc_mask want, mems;
	char list[64], err[200], buf[64];

	*mode = 0;
	*nodes = 0;
	if (m->mode == SC_MPOL_NONE)
		return 0;
	if (sc_mpol_validate(m, err, sizeof(err)))
		goto bad;
	if (m->mode == SC_MPOL_LOCAL) {
		*mode = kernel_mode(m);
		return 0;
	}
	if (sc_mems_resolve(x->topo, &m->nodes, &c->cpus, list, sizeof(list),
			    err, sizeof(err)))
		goto bad;
	if (sc_mask_parse(list, &want) || sc_mask_empty(&want) ||
	    sc_mask_count(&want) != (unsigned int)__builtin_popcountll(want.w[0])) {
		snprintf(err, sizeof(err), "memory policy nodes \"%.40s\": none, or above node 63",
			 list);
		goto bad;
	}
	if (m->mode == SC_MPOL_PREFERRED && sc_mask_count(&want) != 1) {
		snprintf(err, sizeof(err), "memory policy preferred takes one node, not \"%.40s\"",
			 list);
		goto bad;
	}
	/* Relative nodes are indices into cpuset.mems, not node ids. */
	if (!(m->flags & SC_MPOL_F_RELATIVE) &&
	    !sc_cg_read(c->path, "cpuset.mems.effective", buf, sizeof(buf)) &&
	    !sc_mask_parse(buf, &mems) && !(mems.w[0] & want.w[0])) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(err, sizeof(err),
			 "memory policy nodes %.40s are outside the cgroup's cpuset.mems %.40s",
			 list, buf);
		goto bad;
	}
	*mode = kernel_mode(m);
	*nodes = want.w[0];
	return 0;
bad:
	sc_harness_fail_cg(x, c->name, "%s", err);
	return -1;
}

/* In the worker, before it allocates. */
int sc_mpol_apply(int mode, __u64 nodes)
{
	unsigned long mask = (unsigned long)nodes;

	if (!mode)
		return 0;
	return (int)syscall(SYS_set_mempolicy, mode,
			    (mode & ~MPOL_MODE_FLAGS) == MPOL_LOCAL ? NULL : &mask,
			    (mode & ~MPOL_MODE_FLAGS) == MPOL_LOCAL ? 0 :
			    sizeof(mask) * 8 + 1);
}

/* Count the pages of @buf per node into the slot; at most every 200 ms. */
void sc_mpol_measure(struct sc_wctx *w, void *buf, size_t len)
{
	long psz = sysconf(_SC_PAGESIZE);
	size_t n = psz > 0 ? len / (size_t)psz : 0;
	__u64 now = sc_coarse_ns(), pages[SC_MPOL_NODES + 1] = { 0 };
	void **addr;
	int *status;

	if (!w->mpol_mode || !n ||
	    now < w->mpol_last_ns + SC_MPOL_EVERY_MS * 1000000ull)
		return;
	w->mpol_last_ns = now;
	addr = malloc(n * sizeof(*addr));
	status = malloc(n * sizeof(*status));
	if (addr && status) {
		for (size_t i = 0; i < n; i++)
			addr[i] = (char *)buf + i * (size_t)psz;
		if (!syscall(SYS_move_pages, 0, n, addr, NULL, status, 0)) {
			for (size_t i = 0; i < n; i++) {
				if (status[i] >= 0 && status[i] < SC_MPOL_NODES)
					pages[status[i]]++;
				else if (status[i] >= SC_MPOL_NODES)
					pages[SC_MPOL_NODES]++;
			}
			memcpy(w->slot->mpol_pages, pages, sizeof(pages));
			w->slot->mpol_samples++;
		}
	}
	free(addr);
	free(status);
}

static void nodes_text(__u64 nodes, char *buf, size_t len)
{
	struct sc_mask m = { .w = { nodes } };

	sc_mask_format(&m, buf, len);
}

/* Where the pages of each measured worker landed, against its policy. */
void sc_check_mempolicy(struct sc_exec *x)
{
	for (int i = 0; i < x->nwk; i++) {
		const struct sc_wk *w = &x->wk[i];
		const struct sc_slot *s = &w->fin;
		int mode = w->mpol_mode & ~MPOL_MODE_FLAGS;
		__u64 total = 0, outside = 0, on = 0;
		unsigned int k = (unsigned int)__builtin_popcountll(w->mpol_nodes);
		char want[64];

		/* Relative masks name nodes through cpuset.mems: not compared. */
		if (!w->valid || !s->mpol_samples || mode == MPOL_LOCAL ||
		    (w->mpol_mode & MPOL_F_RELATIVE_NODES))
			continue;
		for (int n = 0; n <= SC_MPOL_NODES; n++) {
			total += s->mpol_pages[n];
			if (n == SC_MPOL_NODES || !(w->mpol_nodes >> n & 1))
				outside += s->mpol_pages[n];
			else
				on += s->mpol_pages[n];
		}
		if (!total)
			continue;
		nodes_text(w->mpol_nodes, want, sizeof(want));
		if (mode == MPOL_BIND && outside) {
			sc_fail_worker(x, SC_CHECK_MEMPOLICY, w, SC_NO_CPU,
				       (double)outside, 0,
				       "%llu of %llu pages outside nodes %s it is bound to",
				       (unsigned long long)outside,
				       (unsigned long long)total, want);
		} else if (mode == MPOL_PREFERRED &&
			   on < total * SC_MPOL_PREFERRED_MIN) {
			sc_fail_worker(x, SC_CHECK_MEMPOLICY, w, SC_NO_CPU,
				       (double)on / (double)total,
				       SC_MPOL_PREFERRED_MIN,
				       "%llu of %llu pages on its preferred node %s",
				       (unsigned long long)on,
				       (unsigned long long)total, want);
		} else if (mode == MPOL_INTERLEAVE) {
			for (int n = 0; n < SC_MPOL_NODES; n++) {
				if (!(w->mpol_nodes >> n & 1) ||
				    s->mpol_pages[n] * 2 * k >= total)
					continue;
				sc_fail_worker(x, SC_CHECK_MEMPOLICY, w, SC_NO_CPU,
					       (double)s->mpol_pages[n],
					       (double)total / (2.0 * k),
					       "interleaved over nodes %s, node %d holds %llu of %llu pages",
					       want, n,
					       (unsigned long long)s->mpol_pages[n],
					       (unsigned long long)total);
				break;
			}
		}
	}
}

/* Any worker whose placement was measured: the check applies. */
int sc_mempolicy_measured(const struct sc_exec *x)
{
	for (int i = 0; i < x->nwk; i++)
		if (x->wk[i].valid && x->wk[i].fin.mpol_samples &&
		    (x->wk[i].mpol_mode & ~MPOL_MODE_FLAGS) != MPOL_LOCAL &&
		    !(x->wk[i].mpol_mode & MPOL_F_RELATIVE_NODES))
			return 1;
	return 0;
}
