// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "capture/kaddr.h"

#define PTE_PRESENT	(1ull << 0)
#define PTE_HUGE	(1ull << 7)
#define PTE_ADDR	0x000ffffffffff000ull

/* Walk the page tables; levels 5/4 (PML5/PML4) down to the PTE. */
static bool walk(const struct kaddr *k, uint64_t va, uint64_t *pa)
{
	int level = k->la57 ? 5 : 4;
	uint64_t table = k->cr3 & PTE_ADDR;

	if (!k->cr3)
		return false;
	for (; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);
		uint64_t index = (va >> shift) & 511, entry;

		if (!guestmem_read(k->mem, table + index * 8, &entry,
				   sizeof(entry)) || !(entry & PTE_PRESENT))
			return false;
		/* 1 GiB (level 3) and 2 MiB (level 2) pages end the walk. */
		if ((level == 3 || level == 2) && (entry & PTE_HUGE)) {
			uint64_t size = 1ull << shift;

			*pa = (entry & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
			return true;
		}
		table = entry & PTE_ADDR;
	}
	*pa = table | (va & (KADDR_PAGE_SIZE - 1));
	return true;
}

bool kaddr_to_phys(const struct kaddr *k, uint64_t va, uint64_t *pa)
{
	/* The direct map maps RAM: nothing above its highest address. */
	uint64_t dm = k->mem->total + (4ull << 30);

	if (va >= KERNEL_MAP_START && va - KERNEL_MAP_START < KERNEL_IMAGE_SIZE) {
		*pa = va - KERNEL_MAP_START + k->phys_base;
		return true;
	}
	if (k->page_offset_base && va >= k->page_offset_base &&
	    va - k->page_offset_base < dm) {
		*pa = va - k->page_offset_base;
		return true;
	}
	return walk(k, va, pa);
}

bool kaddr_read(const struct kaddr *k, uint64_t va, void *out, size_t len)
{
	uint8_t *dst = out;

	while (len) {
		size_t chunk = KADDR_PAGE_SIZE - (va & (KADDR_PAGE_SIZE - 1));
		uint64_t pa;

		if (chunk > len)
			chunk = len;
		if (!kaddr_to_phys(k, va, &pa) ||
		    !guestmem_read(k->mem, pa, dst, chunk))
			return false;
		dst += chunk;
		va += chunk;
		len -= chunk;
	}
	return true;
}

bool kaddr_read_u64(const struct kaddr *k, uint64_t va, uint64_t *v)
{
	return kaddr_read(k, va, v, sizeof(*v));
}
