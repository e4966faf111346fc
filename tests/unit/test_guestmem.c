// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-physical layout (q35 split, NUMA nodes back to back) and kernel
 * virtual address translation (direct map, kernel image, 4- and 5-level
 * page walks with 4 KiB, 2 MiB and 1 GiB pages), on fake guest memory.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "capture/guestmem.h"
#include "capture/kaddr.h"

#define MIB (1ull << 20)
#define GIB (1ull << 30)

static uint8_t *lazy(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

TEST(q35_split)
{
	EXPECT_EQ(512 * MIB, guestmem_q35_below_4g(512 * MIB));
	EXPECT_EQ(0xafffffffull, guestmem_q35_below_4g(0xafffffffull));
	EXPECT_EQ(2 * GIB, guestmem_q35_below_4g(0xb0000000ull));
	EXPECT_EQ(2 * GIB, guestmem_q35_below_4g(8 * GIB));
}

TEST(nodes_and_pci_hole)
{
	uint8_t *n0 = lazy(1536 * MIB), *n1 = lazy(1536 * MIB);
	const uint8_t *base[2] = { n0, n1 };
	uint64_t size[2] = { 1536 * MIB, 1536 * MIB };
	struct guestmem m;
	uint32_t v;

	ASSERT_NE(NULL, n0);
	ASSERT_NE(NULL, n1);
	guestmem_init(&m, 2, base, size);
	EXPECT_EQ(2 * GIB, m.below_4g);
	memcpy(n0 + 0x1000, "\x11\x22\x33\x44", 4);
	memcpy(n1 + 100 * MIB, "\x55\x66\x77\x88", 4);	/* gpa 1636 MiB */
	memcpy(n1 + 512 * MIB, "\x99\xaa\xbb\xcc", 4);	/* linear 2 GiB: gpa 4 GiB */
	ASSERT_TRUE(guestmem_read(&m, 0x1000, &v, 4));
	EXPECT_EQ(0x44332211u, v);
	ASSERT_TRUE(guestmem_read(&m, 1636 * MIB, &v, 4));
	EXPECT_EQ(0x88776655u, v);
	ASSERT_TRUE(guestmem_read(&m, 4 * GIB, &v, 4));
	EXPECT_EQ(0xccbbaa99u, v);
	/* The PCI hole and beyond the end are not RAM. */
	EXPECT_FALSE(guestmem_read(&m, 2 * GIB, &v, 4));
	EXPECT_FALSE(guestmem_read(&m, 3 * GIB, &v, 4));
	EXPECT_FALSE(guestmem_read(&m, 4 * GIB + GIB, &v, 4));
	EXPECT_FALSE(guestmem_read(&m, 2 * GIB - 2, &v, 4));
	/* A read across the node boundary below 4 GiB is contiguous. */
	memcpy(n0 + 1536 * MIB - 2, "\x01\x02", 2);
	memcpy(n1, "\x03\x04", 2);
	ASSERT_TRUE(guestmem_read(&m, 1536 * MIB - 2, &v, 4));
	EXPECT_EQ(0x04030201u, v);
	munmap(n0, 1536 * MIB);
	munmap(n1, 1536 * MIB);
}

/* Page tables in 64 MiB of fake RAM. */
FIXTURE(pt) {
	uint8_t *ram;
	struct guestmem m;
	struct kaddr k;
};

static void set_entry(uint8_t *ram, uint64_t table, uint64_t index,
		      uint64_t value)
{
	memcpy(ram + table + index * 8, &value, 8);
}

#define VA		0xffffc90000123000ull	/* a vmalloc address */
#define IDX(va, l)	(((va) >> (12 + 9 * ((l) - 1))) & 511)

FIXTURE_SETUP(pt)
{
	const uint8_t *base[1];
	uint64_t size[1] = { 64 * MIB };

	self->ram = lazy(64 * MIB);
	ASSERT_NE(NULL, self->ram);
	base[0] = self->ram;
	guestmem_init(&self->m, 1, base, size);
	memset(&self->k, 0, sizeof(self->k));
	self->k.mem = &self->m;
	self->k.page_offset_base = 0xffff888000000000ull;
	self->k.phys_base = 0x2000000;
	self->k.cr3 = 0x1000;
	/* 4-level: PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000 -> PT 0x4000. */
	set_entry(self->ram, 0x1000, IDX(VA, 4), 0x2000 | 3);
	set_entry(self->ram, 0x2000, IDX(VA, 3), 0x3000 | 3);
	set_entry(self->ram, 0x3000, IDX(VA, 2), 0x4000 | 3);
	set_entry(self->ram, 0x4000, IDX(VA, 1), 0x100000 | 3);
	memcpy(self->ram + 0x100000 + 0x10, "vmalloc!", 8);
}

FIXTURE_TEARDOWN(pt)
{
	munmap(self->ram, 64 * MIB);
}

TEST_F(pt, four_kib_page)
{
	uint64_t pa;
	char buf[9] = "";

	ASSERT_TRUE(kaddr_to_phys(&self->k, VA + 0x10, &pa));
	EXPECT_EQ(0x100010ull, pa);
	ASSERT_TRUE(kaddr_read(&self->k, VA + 0x10, buf, 8));
	EXPECT_STREQ("vmalloc!", buf);
	/* The next page is not mapped. */
	EXPECT_FALSE(kaddr_to_phys(&self->k, VA + 0x1000, &pa));
	EXPECT_FALSE(kaddr_read(&self->k, VA + 0xffc, buf, 8));
}

TEST_F(pt, huge_pages)
{
	uint64_t va2m = 0xffffc90040000000ull + 0x12345;
	uint64_t va1g = 0xffffc98000000000ull + 0x1234567;
	uint64_t pa;

	/* 2 MiB page at PD level, 1 GiB page at PDPT level. */
	set_entry(self->ram, 0x1000, IDX(va2m, 4), 0x2000 | 3);
	set_entry(self->ram, 0x2000, IDX(va2m, 3), 0x3000 | 3);
	set_entry(self->ram, 0x3000, IDX(va2m, 2), 0x600000 | 0x83);
	ASSERT_TRUE(kaddr_to_phys(&self->k, va2m, &pa));
	EXPECT_EQ(0x600000ull + 0x12345, pa);
	set_entry(self->ram, 0x1000, IDX(va1g, 4), 0x5000 | 3);
	set_entry(self->ram, 0x5000, IDX(va1g, 3), 0x40000000ull | 0x83);
	ASSERT_TRUE(kaddr_to_phys(&self->k, va1g, &pa));
	EXPECT_EQ(0x40000000ull + 0x1234567, pa);
}

TEST_F(pt, five_level)
{
	uint64_t pa;

	/* PML5 at 0x8000 points to the same PML4. */
	set_entry(self->ram, 0x8000, IDX(VA, 5), 0x1000 | 3);
	self->k.cr3 = 0x8000;
	self->k.la57 = true;
	ASSERT_TRUE(kaddr_to_phys(&self->k, VA + 0x10, &pa));
	EXPECT_EQ(0x100010ull, pa);
	self->k.la57 = false;	/* read as 4-level: the walk goes wrong */
	EXPECT_FALSE(kaddr_to_phys(&self->k, VA + 0x10, &pa));
}

TEST_F(pt, direct_map_and_kernel_image)
{
	uint64_t pa;

	ASSERT_TRUE(kaddr_to_phys(&self->k, 0xffff888000123456ull, &pa));
	EXPECT_EQ(0x123456ull, pa);
	ASSERT_TRUE(kaddr_to_phys(&self->k, 0xffffffff81000040ull, &pa));
	EXPECT_EQ(0x1000040ull + 0x2000000, pa);
	/* No walk without a CR3. */
	self->k.cr3 = 0;
	EXPECT_FALSE(kaddr_to_phys(&self->k, VA, &pa));
}

TEST_HARNESS_MAIN
