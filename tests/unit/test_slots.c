// SPDX-License-Identifier: GPL-2.0
/*
 * host/gauntlet/slots.c: each VM slot's host CPUs are a slice of the
 * usable ones, the slices disjoint and covering them; no pinning when
 * there are more slots than CPUs. The default -j is at least 1.
 */
#include <sched.h>
#include <stdio.h>

#include "kselftest_harness.h"
#include "gauntlet/slots.h"

static void set_of(cpu_set_t *s, const int *cpus, int n)
{
	CPU_ZERO(s);
	for (int i = 0; i < n; i++)
		CPU_SET(cpus[i], s);
}

TEST(disjoint_slices_covering_the_cpus)
{
	const int cpus[] = { 0, 1, 2, 3, 5, 8, 9, 13 };	/* with holes */
	cpu_set_t avail, slot, seen;

	set_of(&avail, cpus, 8);
	for (unsigned int n = 1; n <= 8; n++) {
		CPU_ZERO(&seen);
		for (unsigned int k = 0; k < n; k++) {
			cpu_set_t both;

			ASSERT_TRUE(slots_cpus(&avail, n, k, &slot));
			EXPECT_GE(CPU_COUNT(&slot), 8 / (int)n);
			EXPECT_LE(CPU_COUNT(&slot), (8 + (int)n - 1) / (int)n);
			CPU_AND(&both, &slot, &seen);
			EXPECT_EQ(0, CPU_COUNT(&both)) {
				TH_LOG("slot %u of %u shares CPUs", k, n);
			}
			CPU_AND(&both, &slot, &avail);
			EXPECT_TRUE(CPU_EQUAL(&both, &slot));
			CPU_OR(&seen, &seen, &slot);
		}
		EXPECT_TRUE(CPU_EQUAL(&seen, &avail));
	}
}

TEST(two_cpus_two_slots)
{
	const int cpus[] = { 0, 1 };
	cpu_set_t avail, slot;

	set_of(&avail, cpus, 2);
	ASSERT_TRUE(slots_cpus(&avail, 2, 0, &slot));
	EXPECT_TRUE(CPU_ISSET(0, &slot) && !CPU_ISSET(1, &slot));
	ASSERT_TRUE(slots_cpus(&avail, 2, 1, &slot));
	EXPECT_TRUE(CPU_ISSET(1, &slot) && !CPU_ISSET(0, &slot));
}

TEST(more_slots_than_cpus_are_not_pinned)
{
	const int cpus[] = { 0, 1 };
	cpu_set_t avail, slot;

	set_of(&avail, cpus, 2);
	EXPECT_FALSE(slots_cpus(&avail, 3, 0, &slot));
	EXPECT_EQ(0, CPU_COUNT(&slot));
	EXPECT_FALSE(slots_cpus(&avail, 2, 2, &slot));
	EXPECT_FALSE(slots_cpus(&avail, 0, 0, &slot));
}

TEST(default_jobs)
{
	unsigned int n = slots_default(512);

	EXPECT_GE(n, 1u);
	EXPECT_LE(n, (unsigned int)SLOTS_MAX);
	/* No host has memory for a million 1 TB guests: still one. */
	EXPECT_EQ(1u, slots_default(1u << 30));
}

TEST_HARNESS_MAIN
