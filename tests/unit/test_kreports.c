// SPDX-License-Identifier: GPL-2.0
/*
 * The kmod fuzzer's reading of the kernel log: which checker each report
 * line belongs to (real first lines of 6.12 reports), and the counting.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "../../guest/fuzz/kreports.h"

TEST(each_checker_by_its_first_line)
{
	static const struct { const char *line; int kind; } cases[] = {
		{ "BUG: KASAN: slab-use-after-free in ktstr_ioctl+0x1a/0x40 [ktstr]", KREP_KASAN },
		{ "BUG: KFENCE: out-of-bounds read in ktstr_read+0x2/0x9 [ktstr]", KREP_KFENCE },
		{ "UBSAN: array-index-out-of-bounds in kmod/ktstr_access.c:120:9", KREP_UBSAN },
		{ "list_add corruption. next->prev should be prev (ffff8880), but was 0000", KREP_LIST },
		{ "list_del corruption, ffff888004e0 ->next is LIST_POISON1 (dead000000000100)", KREP_LIST },
		{ "BUG: sleeping function called from invalid context at mm/slub.c:4116", KREP_ATOMIC_SLEEP },
		{ "BUG: scheduling while atomic: ktstr-kmod-fuz/123/0x00000002", KREP_ATOMIC_SLEEP },
		{ "ODEBUG: free active (active state 0) object: ffff8880 object type: timer_list", KREP_DEBUG_OBJECTS },
		{ "WARNING: possible circular locking dependency detected", KREP_LOCKDEP },
		{ "WARNING: inconsistent lock state", KREP_LOCKDEP },
		{ "WARNING: suspicious RCU usage", KREP_LOCKDEP },
		{ "DEBUG_LOCKS_WARN_ON(1)", KREP_LOCKDEP },
		{ "WARNING: CPU: 1 PID: 77 at kmod/ktstr_sync.c:88 ktstr_sync+0x1/0x2 [ktstr]", KREP_WARNING },
		{ "BUG: kernel NULL pointer dereference, address: 0000000000000008", KREP_OOPS },
		{ "Oops: general protection fault, probably for non-canonical address", KREP_OOPS },
		{ "kernel BUG at kmod/ktstr_capture.c:99!", KREP_OOPS },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		EXPECT_EQ(cases[i].kind, kreport_classify(cases[i].line)) {
			TH_LOG("line: %s", cases[i].line);
		}
	}
}

TEST(ordinary_lines_are_not_reports)
{
	EXPECT_EQ(-1, kreport_classify("ktstr: loaded, abi 1"));
	EXPECT_EQ(-1, kreport_classify("kmemleak: Kernel memory leak detector initialized"));
	EXPECT_EQ(-1, kreport_classify("Call Trace:"));
	/* In the middle of a line, a prefix does not count. */
	EXPECT_EQ(-1, kreport_classify("sched: the word WARNING: in a message"));
	EXPECT_EQ(-1, kreport_classify(""));
}

TEST(counts_and_keeps_the_first)
{
	struct kreports r;

	memset(&r, 0, sizeof(r));
	kreports_add(&r, KREP_KASAN, "BUG: KASAN: first");
	kreports_add(&r, KREP_KASAN, "BUG: KASAN: second");
	kreports_add(&r, -1, "nothing");
	kreports_add(&r, KREP_NR, "out of range");
	EXPECT_EQ(2u, r.n[KREP_KASAN]);
	EXPECT_STREQ("BUG: KASAN: first", r.first[KREP_KASAN]);
	EXPECT_EQ(2u, kreports_total(&r));
	EXPECT_STREQ("lockdep", kreport_names[KREP_LOCKDEP]);
	EXPECT_STREQ("kmemleak", kreport_names[KREP_KMEMLEAK]);
}

TEST_HARNESS_MAIN
