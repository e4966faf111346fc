// SPDX-License-Identifier: GPL-2.0
/*
 * host/vm/kevents.c: console lines to kernel events. Real lines from a
 * 6.12 guest, and hostile ones: long, unterminated, repeated.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "vm/kevents.h"

static void feed(struct kevents *k, const char *const *lines)
{
	for (; *lines; lines++)
		kevents_line(k, *lines);
}

TEST(scx_error_exit_with_message_and_backtrace)
{
	static const char *const lines[] = {
		"[   27.293011] sched_ext: BPF scheduler \"qmap\" disabled (scx_bpf_error)",
		"[   27.293500] sched_ext: qmap: test triggering error",
		"[   27.294000]    scx_bpf_error_bstr+0x68/0x7d",
		"[   27.294100]    bpf_prog_117bce9e7097d8e0_qmap_enqueue+0xdb/0x326",
		"[   27.300000] random: crng init done",
		NULL,
	};
	struct kevents k;

	kevents_init(&k);
	feed(&k, lines);
	ASSERT_TRUE(k.ev[KEV_SCX_EXIT].seen);
	EXPECT_EQ(1u, k.scx_seq);
	EXPECT_EQ((int)KEV_SCX_ERROR_BPF, (int)k.scx_kind);
	EXPECT_TRUE(kev_scx_is_error(k.scx_kind));
	EXPECT_STREQ("qmap", k.scx_name);
	EXPECT_STREQ("scx_bpf_error", k.scx_reason);
	EXPECT_STREQ("test triggering error", k.scx_msg);
	EXPECT_STREQ("SCX_EXIT_ERROR_BPF", kev_scx_kind_name(k.scx_kind));
	EXPECT_EQ(2u, k.ev[KEV_SCX_EXIT].trace_lines);
	EXPECT_NE(NULL, strstr(k.ev[KEV_SCX_EXIT].text, "qmap_enqueue"));
	EXPECT_EQ(NULL, strstr(k.ev[KEV_SCX_EXIT].text, "crng"));
	EXPECT_TRUE(k.ev[KEV_SCX_EXIT].uptime > 27.29);
	EXPECT_FALSE(k.ev[KEV_OOPS].seen);
	EXPECT_EQ(-1, k.open);
}

TEST(scx_stall_and_clean_unregister)
{
	struct kevents k;

	kevents_init(&k);
	kevents_line(&k, "[ 3.0] sched_ext: BPF scheduler \"simple\" disabled (runnable task stall)");
	EXPECT_EQ((int)KEV_SCX_ERROR_STALL, (int)k.scx_kind);
	kevents_line(&k, "[ 4.0] sched_ext: BPF scheduler \"simple\" disabled (unregistered from user space)");
	EXPECT_EQ(2u, k.scx_seq);
	EXPECT_EQ((int)KEV_SCX_UNREG, (int)k.scx_kind);
	EXPECT_FALSE(kev_scx_is_error(k.scx_kind));
	/* "enabled" lines are not exits. */
	kevents_line(&k, "[ 5.0] sched_ext: BPF scheduler \"simple\" enabled");
	EXPECT_EQ(2u, k.scx_seq);
}

TEST(lockups_are_not_oopses)
{
	struct kevents k;

	kevents_init(&k);
	kevents_line(&k, "[  100.1] watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [spin:99]");
	EXPECT_TRUE(k.ev[KEV_LOCKUP].seen);
	EXPECT_FALSE(k.ev[KEV_OOPS].seen);
	kevents_line(&k, "[100.2] rcu: INFO: rcu_preempt self-detected stall on CPU");
	kevents_line(&k, "[100.3] INFO: task kworker/0:1:12 blocked for more than 120 seconds.");
	EXPECT_NE(NULL, strstr(k.ev[KEV_LOCKUP].line, "soft lockup"));
}

TEST(oops_warning_and_panic)
{
	struct kevents k;

	kevents_init(&k);
	kevents_line(&k, "[    9.0] WARNING: CPU: 0 PID: 1 at kernel/sched/ext.c:1234 foo+0x1/0x2");
	kevents_line(&k, "[    9.1] Modules linked in: ktstr(O)");
	EXPECT_TRUE(k.ev[KEV_OOPS].seen);
	EXPECT_EQ((int)KEV_OOPS, k.open);
	EXPECT_EQ(1u, k.ev[KEV_OOPS].trace_lines);
	/* The first one is kept. */
	kevents_line(&k, "[    9.2] BUG: kernel NULL pointer dereference, address: 0000000000000000");
	EXPECT_NE(NULL, strstr(k.ev[KEV_OOPS].line, "WARNING"));
	kevents_line(&k, "[    9.3] Kernel panic - not syncing: sysrq triggered crash");
	EXPECT_TRUE(k.ev[KEV_PANIC].seen);
}

TEST(hostile_lines_are_bounded)
{
	static char line[64 * 1024];
	struct kevents k;

	kevents_init(&k);
	memset(line, 'A', sizeof(line) - 1);
	memcpy(line, "[ 1.0] sched_ext: BPF scheduler \"", 33);
	kevents_line(&k, line);		/* no closing quote */
	EXPECT_EQ(0u, k.scx_seq);
	memcpy(line, "[ 1.0] WARNING: ", 16);
	kevents_line(&k, line);
	EXPECT_TRUE(k.ev[KEV_OOPS].seen);
	EXPECT_LT(strlen(k.ev[KEV_OOPS].line), sizeof(k.ev[KEV_OOPS].line));
	for (int i = 0; i < 1000; i++)
		kevents_line(&k, line);
	EXPECT_LT(strlen(k.ev[KEV_OOPS].text), sizeof(k.ev[KEV_OOPS].text));
	EXPECT_EQ((unsigned int)KEV_TRACE_LINES, k.ev[KEV_OOPS].trace_lines);
	kevents_line(&k, "[");
	kevents_line(&k, "[]");
	kevents_line(&k, "");
}

TEST(user_space_and_lookalikes_raise_nothing)
{
	struct kevents k;

	kevents_init(&k);
	/* No printk time: a program writing to /dev/console. */
	kevents_line(&k, "BUG: this is my test program's output");
	kevents_line(&k, "WARNING: user space says so");
	kevents_line(&k, "Kernel panic - not syncing: echoed by a shell");
	/* Not at the start of the kernel's text. */
	kevents_line(&k, "[ 2.0] myko: DEBUG: value 3");
	kevents_line(&k, "[ 2.1] traps: a.out[99] general protection fault ip:0 sp:0");
	for (int c = 0; c < KEV_NR; c++)
		EXPECT_FALSE(k.ev[c].seen);
}

TEST(scx_message_is_not_an_oops)
{
	struct kevents k;

	kevents_init(&k);
	kevents_line(&k, "[ 7.0] sched_ext: BPF scheduler \"qmap\" disabled (runtime error)");
	kevents_line(&k, "[ 7.1] sched_ext: qmap: BUG: the scheduler's own words");
	EXPECT_STREQ("BUG: the scheduler's own words", k.scx_msg);
	EXPECT_FALSE(k.ev[KEV_OOPS].seen);
	EXPECT_EQ((int)KEV_SCX_ERROR, (int)k.scx_kind);
}

TEST(debug_dump_collected_and_bounded)
{
	static char line[600];
	struct kevents k;

	kevents_init(&k);
	kevents_line(&k, "[ 8.0] ktstr: scx-dump: kworker/u8:2[30] triggered exit kind 1026:");
	kevents_line(&k, "[ 8.0] ktstr: scx-dump:   runnable task stall (init[42] failed to run for 3.020s)");
	/* BPF-chosen text that only looks like a header does not restart it. */
	kevents_line(&k, "[ 8.0] ktstr: scx-dump:   x[1] triggered exit kind 1:");
	EXPECT_STREQ("kworker/u8:2[30] triggered exit kind 1026:", k.dump_trigger);
	EXPECT_EQ(3u, k.dump_lines);
	/* Before the console says it, the dump's first lines describe the exit. */
	kevents_scx_from_dump(&k, "qmap");
	EXPECT_EQ((int)KEV_SCX_ERROR_STALL, (int)k.scx_kind);
	EXPECT_STREQ("runnable task stall", k.scx_reason);
	EXPECT_STREQ("init[42] failed to run for 3.020s", k.scx_msg);
	EXPECT_STREQ("qmap", k.scx_name);
	EXPECT_FALSE(k.ev[KEV_OOPS].seen);
	snprintf(line, sizeof(line), "[ 8.1] ktstr: scx-dump: %0500d", 7);
	for (int i = 0; i < 1000; i++)
		kevents_line(&k, line);
	EXPECT_TRUE(k.dump_truncated);
	EXPECT_LT(k.dump_len, sizeof(k.dump));
	EXPECT_EQ(strlen(k.dump), k.dump_len);
}

TEST_HARNESS_MAIN
