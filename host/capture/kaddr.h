/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel virtual to guest-physical addresses, computed on the host from
 * the layout the kmod publishes: the direct map (page_offset_base), the
 * kernel image (__START_KERNEL_map + phys_base) and, for everything else
 * (vmalloc, per-CPU chunks outside the direct map), a walk of the page
 * tables from the frozen vCPU's CR3, 4- or 5-level.
 */
#ifndef KTSTR_HOST_KADDR_H
#define KTSTR_HOST_KADDR_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/guestmem.h"

#define KERNEL_MAP_START	0xffffffff80000000ull	/* __START_KERNEL_map */
#define KERNEL_IMAGE_SIZE	(1ull << 30)
#define KADDR_PAGE_SIZE		4096ull

struct kaddr {
	const struct guestmem *mem;
	uint64_t page_offset_base;
	uint64_t phys_base;
	uint64_t cr3;		/* of a frozen vCPU; 0: no walks */
	bool la57;		/* CR4.LA57: 5-level paging */
};

/* Translate @va; false if it maps nowhere (not present, not RAM). */
bool kaddr_to_phys(const struct kaddr *k, uint64_t va, uint64_t *pa);
/* Read @len bytes at kernel virtual @va, page by page. */
bool kaddr_read(const struct kaddr *k, uint64_t va, void *out, size_t len);
bool kaddr_read_u64(const struct kaddr *k, uint64_t va, uint64_t *v);

#endif
