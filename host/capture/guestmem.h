/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM as the host sees it: the memory-backend-file of every NUMA
 * node mapped read-only, and guest-physical addresses resolved the way
 * QEMU's q35 machine lays RAM out (nodes back to back; the part above
 * the low-memory limit moved above 4 GiB, past the PCI hole).
 */
#ifndef KTSTR_HOST_GUESTMEM_H
#define KTSTR_HOST_GUESTMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUESTMEM_MAX_NODES 64

struct guestmem {
	unsigned int nodes;
	struct {
		const uint8_t *base;	/* read-only mapping, or test memory */
		uint64_t size;
	} node[GUESTMEM_MAX_NODES];
	uint64_t total;
	uint64_t below_4g;		/* RAM bytes mapped below 4 GiB */
	bool mapped;			/* unmap on close */
};

/* q35's split of @ram bytes: how much stays below 4 GiB. */
uint64_t guestmem_q35_below_4g(uint64_t ram);

/* Map <dir>/ram0.. <dir>/ram<nodes-1>, each @node_size bytes. */
int guestmem_map(struct guestmem *m, const char *dir, unsigned int nodes,
		 uint64_t node_size, char *err, size_t errlen);
/* Describe memory the caller owns (tests). */
void guestmem_init(struct guestmem *m, unsigned int nodes,
		   const uint8_t *const *base, const uint64_t *size);
void guestmem_unmap(struct guestmem *m);

/* Copy @len bytes at guest-physical @gpa; false if any is not RAM. */
bool guestmem_read(const struct guestmem *m, uint64_t gpa, void *out,
		   size_t len);

#endif
