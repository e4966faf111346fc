// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture/guestmem.h"

#define GIB (1ull << 30)

uint64_t guestmem_q35_below_4g(uint64_t ram)
{
	/* QEMU q35: the PCI hole starts at 2 GiB from 2.75 GiB of RAM on. */
	uint64_t lowmem = ram >= 0xb0000000ull ? 0x80000000ull : 0xb0000000ull;

	return ram < lowmem ? ram : lowmem;
}

void guestmem_init(struct guestmem *m, unsigned int nodes,
		   const uint8_t *const *base, const uint64_t *size)
{
	memset(m, 0, sizeof(*m));
	m->nodes = nodes;
	for (unsigned int i = 0; i < nodes; i++) {
		m->node[i].base = base[i];
		m->node[i].size = size[i];
		m->total += size[i];
	}
	m->below_4g = guestmem_q35_below_4g(m->total);
}

int guestmem_map(struct guestmem *m, const char *dir, unsigned int nodes,
		 uint64_t node_size, char *err, size_t errlen)
{
	const uint8_t *base[GUESTMEM_MAX_NODES];
	uint64_t size[GUESTMEM_MAX_NODES];

	if (nodes == 0 || nodes > GUESTMEM_MAX_NODES) {
		snprintf(err, errlen, "cannot map %u memory nodes", nodes);
		return -1;
	}
	for (unsigned int i = 0; i < nodes; i++) {
		char path[512];
		void *p;
		int fd;

		snprintf(path, sizeof(path), "%s/ram%u", dir, i);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		p = fd < 0 ? MAP_FAILED :
		    mmap(NULL, node_size, PROT_READ, MAP_SHARED, fd, 0);
		if (fd >= 0)
			close(fd);
		if (p == MAP_FAILED) {
			snprintf(err, errlen, "cannot map guest RAM %s: %s",
				 path, strerror(errno));
			while (i--)
				munmap((void *)base[i], size[i]);
			return -1;
		}
		base[i] = p;
		size[i] = node_size;
	}
	guestmem_init(m, nodes, base, size);
	m->mapped = true;
	return 0;
}

void guestmem_unmap(struct guestmem *m)
{
	for (unsigned int i = 0; m->mapped && i < m->nodes; i++)
		munmap((void *)m->node[i].base, m->node[i].size);
	memset(m, 0, sizeof(*m));
}

/* Guest-physical address to offset in the concatenated node memory. */
static bool ram_offset(const struct guestmem *m, uint64_t gpa, uint64_t *off)
{
	if (gpa < m->below_4g) {
		*off = gpa;
		return true;
	}
	if (gpa >= 4 * GIB && gpa - 4 * GIB < m->total - m->below_4g) {
		*off = gpa - 4 * GIB + m->below_4g;
		return true;
	}
	return false;
}

bool guestmem_read(const struct guestmem *m, uint64_t gpa, void *out,
		   size_t len)
{
	uint8_t *dst = out;

	while (len) {
		uint64_t off, start = 0;
		unsigned int n;
		size_t chunk;

		if (!ram_offset(m, gpa, &off))
			return false;
		for (n = 0; n < m->nodes; n++) {
			if (off < start + m->node[n].size)
				break;
			start += m->node[n].size;
		}
		if (n == m->nodes)
			return false;
		off -= start;
		chunk = m->node[n].size - off < len ? m->node[n].size - off : len;
		/* Do not cross from below 4 GiB into the hole in one copy. */
		if (gpa < m->below_4g && m->below_4g - gpa < chunk)
			chunk = m->below_4g - gpa;
		memcpy(dst, m->node[n].base + off, chunk);
		dst += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return true;
}
