/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host knows of the guest kernel to read it from outside: the
 * layout ktstr.ko published (addresses, per-CPU offsets, field offsets),
 * guest RAM, and vmlinux symbols. Reads are only meaningful while the VM
 * is frozen; everything read is guest-controlled data and is bounded.
 */
#ifndef KTSTR_HOST_GUESTVIEW_H
#define KTSTR_HOST_GUESTVIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/ktstr.h"
#include "capture/kaddr.h"
#include "capture/symbolize.h"

struct guest_view {
	struct ktstr_info layout;
	bool have_layout;
	struct guestmem mem;
	struct symtab syms;	/* empty if no vmlinux */
	bool have_syms;
	uint64_t text_link;	/* _text in vmlinux, for the KASLR slide */
};

/* Check a LAYOUT frame from the guest and keep it. */
int guest_view_set_layout(struct guest_view *g, const void *data,
			  size_t len, char *err, size_t errlen);

/* Where a field of @cpu's struct rq is in the guest; 0 if unknown. */
uint64_t gv_rq_field_addr(const struct guest_view *g, unsigned int cpu,
			  enum ktstr_rq_field f);
/* A field of struct rq of @cpu, @size bytes (1/2/4/8) into *v. */
bool gv_read_rq(const struct guest_view *g, const struct kaddr *k,
		unsigned int cpu, enum ktstr_rq_field f, uint64_t *v);
/* A field of the task_struct at @task. */
bool gv_read_task(const struct guest_view *g, const struct kaddr *k,
		  uint64_t task, enum ktstr_task_field f, uint64_t *v);
/* The value at one of the published addresses (jiffies_64, ...). */
bool gv_read_addr(const struct guest_view *g, const struct kaddr *k,
		  enum ktstr_addr a, unsigned int size, uint64_t *v);

#endif
