// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "capture/guestview.h"

int guest_view_set_layout(struct guest_view *g, const void *data,
			  size_t len, char *err, size_t errlen)
{
	struct ktstr_info i = { 0 };

	/* Copied first: a frame's payload has no alignment. */
	memcpy(&i, data, len < sizeof(i) ? len : sizeof(i));
	if (len != sizeof(i) || i.hdr.size != sizeof(i) ||
	    i.abi_version != KTSTR_ABI_VERSION) {
		snprintf(err, errlen,
			 "guest sent a kernel layout of %zu bytes, ABI %u; expected %zu bytes, ABI %d (agent and ktstr.ko from another build?)",
			 len, len >= sizeof(i) ? i.abi_version : 0,
			 sizeof(i), KTSTR_ABI_VERSION);
		return -1;
	}
	/* kaddr_read() translates a page at a time: the direct map must start on one. */
	if (i.page_offset_base % KADDR_PAGE_SIZE) {
		snprintf(err, errlen,
			 "guest sent a kernel layout whose page_offset_base 0x%llx is not page-aligned",
			 (unsigned long long)i.page_offset_base);
		return -1;
	}
	i.release[sizeof(i.release) - 1] = '\0';
	printable_ascii(i.release);	/* it reaches JSON and terminals */
	g->layout = i;
	g->have_layout = true;
	return 0;
}

static bool read_sized(const struct kaddr *k, uint64_t va, unsigned int size,
		       uint64_t *v)
{
	uint64_t x = 0;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;
	if (!kaddr_read(k, va, &x, size))
		return false;
	*v = x;	/* little-endian: the low bytes are the value */
	return true;
}

uint64_t gv_rq_field_addr(const struct guest_view *g, unsigned int cpu,
			  enum ktstr_rq_field f)
{
	const struct ktstr_info *l = &g->layout;

	if (!g->have_layout || f >= KTSTR_RQ_NR_FIELDS ||
	    cpu >= l->nr_cpu_ids || cpu >= KTSTR_MAX_CPUS ||
	    !l->addr[KTSTR_ADDR_RUNQUEUES] || !l->rq_field[f].size)
		return 0;
	return l->per_cpu_offset[cpu] + l->addr[KTSTR_ADDR_RUNQUEUES] +
	       l->rq_field[f].offset;
}

bool gv_read_rq(const struct guest_view *g, const struct kaddr *k,
		unsigned int cpu, enum ktstr_rq_field f, uint64_t *v)
{
	uint64_t a = gv_rq_field_addr(g, cpu, f);

	return a && read_sized(k, a, g->layout.rq_field[f].size, v);
}

bool gv_read_task(const struct guest_view *g, const struct kaddr *k,
		  uint64_t task, enum ktstr_task_field f, uint64_t *v)
{
	const struct ktstr_info *l = &g->layout;

	if (!g->have_layout || f >= KTSTR_TASK_NR_FIELDS || !task)
		return false;
	return read_sized(k, task + l->task_field[f].offset,
			  l->task_field[f].size, v);
}

bool gv_read_addr(const struct guest_view *g, const struct kaddr *k,
		  enum ktstr_addr a, unsigned int size, uint64_t *v)
{
	if (!g->have_layout || a >= KTSTR_ADDR_NR || !g->layout.addr[a])
		return false;
	return read_sized(k, g->layout.addr[a], size, v);
}
