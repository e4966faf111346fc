// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots and cold reads of a guest whose memory lies: the small guest
 * of tests/fuzz/guest_image.c read back whole, then damaged the ways the
 * fuzzer (tests/fuzz/fuzz_guestmem.c) found mattered: a layout message
 * at an odd address, guest text that is not UTF-8, a bogus or NULL
 * rq->curr, a broken runnable list, a task list that loops or breaks,
 * per-CPU offsets and field offsets out of range, page tables that
 * point at themselves. Every capture completes and says what it could
 * not read.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "capture/coldread.h"
#include "capture/snapshot.h"
#include "../fuzz/guest_image.h"

FIXTURE(guest) {
	struct guest_image gi;
	struct ktstr_info layout;	/* the layout message to send */
	struct guest_view g;
	struct snapshot s;
	json_object *json;
};

FIXTURE_SETUP(guest)
{
	ASSERT_EQ(0, guest_image_build(&self->gi));
	self->layout = self->gi.layout;
	self->json = NULL;
}

FIXTURE_TEARDOWN(guest)
{
	if (self->json)
		json_object_put(self->json);
	guest_image_free(&self->gi);
}

static int slot(struct guest_image *gi, const char *name)
{
	int i = gi_slot_find(gi, name);

	if (i < 0) {
		fprintf(stderr, "no slot %s\n", name);
		abort();
	}
	return i;
}

/* Take a snapshot of the guest as damaged, with @tag; parse its JSON back. */
static void take(FIXTURE_DATA(guest) *self, const char *tag)
{
	char err[256];
	const char *text;

	if (gi_view(&self->gi, &self->g, &self->layout, sizeof(self->layout),
		    err, sizeof(err))) {
		fprintf(stderr, "layout refused: %s\n", err);
		abort();
	}
	memset(&self->s, 0, sizeof(self->s));
	self->s.trigger = "guest";
	snapshot_set_tag(&self->s, tag);
	memcpy(self->s.vcpu, self->gi.vcpu, sizeof(self->gi.vcpu));
	self->s.nr_vcpus = GI_VCPUS;
	snapshot_read_guest(&self->s, &self->g);
	if (self->json)
		json_object_put(self->json);
	self->json = snapshot_json(&self->s, &self->g);
	/* Strict, UTF-8 JSON, as readers of the file get it. */
	text = json_object_to_json_string(self->json);
	{
		struct json_tokener *tok = json_tokener_new();
		json_object *back;

		json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
		back = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
		if (!back) {
			fprintf(stderr, "not strict UTF-8 JSON: %s\n", text);
			abort();
		}
		json_object_put(back);
		json_tokener_free(tok);
	}
}

/* A string member of cpus[cpu], or NULL. */
static const char *cpu_str(FIXTURE_DATA(guest) *self, int cpu, const char *key)
{
	json_object *cpus, *v;

	if (!json_object_object_get_ex(self->json, "cpus", &cpus) ||
	    !json_object_object_get_ex(json_object_array_get_idx(cpus, cpu),
				       key, &v))
		return NULL;
	return json_object_get_string(v);
}

TEST_F(guest, undamaged_reads_back_as_built)
{
	take(self, "read task 107 7007 pid");
	ASSERT_TRUE(self->s.jiffies_ok);
	EXPECT_EQ(self->gi.jiffies, self->s.jiffies);
	ASSERT_EQ((unsigned int)GI_CPUS, self->s.nr_cpus);
	for (int c = 0; c < GI_CPUS; c++) {
		const struct snap_cpu *p = &self->s.cpu[c];

		ASSERT_TRUE(p->rq_ok);
		ASSERT_TRUE(p->clock_ok);
		ASSERT_TRUE(p->curr_ok);
		EXPECT_EQ(self->gi.curr_pid[c], p->curr_pid);
		ASSERT_TRUE(p->runnable_ok);
		EXPECT_FALSE(p->runnable_cut);
		ASSERT_EQ(self->gi.nr_runnable[c], p->nr_runnable);
		for (unsigned int i = 0; i < p->nr_runnable; i++)
			EXPECT_EQ(self->gi.runnable_pid[c][i], p->runnable[i].pid);
		EXPECT_EQ(NULL, cpu_str(self, c, "curr_error"));
		EXPECT_EQ(NULL, cpu_str(self, c, "runnable_error"));
	}
	/* CPU 2's rq->clock straddles two pages mapped out of order. */
	EXPECT_EQ(5000000002ull, self->s.cpu[2].clock);
	ASSERT_TRUE(self->s.cold_ok);
	EXPECT_EQ(107u, self->s.cold_value);
}

/* A frame's payload can start at any byte: found by UBSan (misaligned member access). */
TEST_F(guest, layout_message_at_an_odd_address)
{
	static _Alignas(8) uint8_t buf[sizeof(struct ktstr_info) + 8];
	char err[256];

	for (int off = 1; off < 8; off++) {
		memcpy(buf + off, &self->layout, sizeof(self->layout));
		ASSERT_EQ(0, gi_view(&self->gi, &self->g, buf + off,
				     sizeof(self->layout), err, sizeof(err)));
		EXPECT_EQ((unsigned int)GI_CPUS, self->g.layout.nr_possible_cpus);
		ASSERT_NE(0, gi_view(&self->gi, &self->g, buf + off,
				     sizeof(self->layout) - 1, err, sizeof(err)));
		EXPECT_FALSE(self->g.have_layout);
	}
}

/*
 * Found by the fuzzer: with the direct map starting mid-page, a read
 * translated its first byte and took the rest of the page as contiguous.
 */
TEST_F(guest, unaligned_page_offset_base_is_refused)
{
	char err[256];

	self->layout.page_offset_base += 0x10;
	ASSERT_NE(0, gi_view(&self->gi, &self->g, &self->layout,
			     sizeof(self->layout), err, sizeof(err)));
	EXPECT_STREQ("guest sent a kernel layout whose page_offset_base 0xffff888000000010 is not page-aligned",
		     err);
	EXPECT_FALSE(self->g.have_layout);
}

/* Guest text reaches JSON, which must be UTF-8, and terminals. */
TEST_F(guest, guest_text_is_made_printable)
{
	snprintf(self->layout.release, sizeof(self->layout.release),
		 "6.12\xff\x1b[2J");
	gi_slot_set(&self->gi, slot(&self->gi, "T1.comm"), 0x41c3a9ff1b42ull);
	take(self, "read \x80\xfe\x1b]0;x\a");
	EXPECT_STREQ("6.12??[2J", self->g.layout.release);
	EXPECT_STREQ("read ???]0;x?", self->s.tag);
	EXPECT_STREQ("B????A", self->s.cpu[0].curr_comm);
	EXPECT_FALSE(self->s.cold_ok);
}

/* Found by the fuzzer: an unreadable rq->curr left "curr" out silently. */
TEST_F(guest, bogus_or_null_curr_is_reported)
{
	gi_slot_set(&self->gi, slot(&self->gi, "rq1.curr"), 0xdead000000000000ull);
	gi_slot_set(&self->gi, slot(&self->gi, "rq3.curr"), 0);
	take(self, "");
	EXPECT_FALSE(self->s.cpu[1].curr_ok);
	EXPECT_STREQ("task_struct 0xdead000000000000 not readable",
		     cpu_str(self, 1, "curr_error"));
	EXPECT_STREQ("rq->curr is NULL", cpu_str(self, 3, "curr_error"));
	/* the rest of those runqueues, and the other CPUs, are intact */
	EXPECT_EQ(self->gi.nr_runnable[1], self->s.cpu[1].nr_runnable);
	EXPECT_TRUE(self->s.cpu[0].curr_ok);
	EXPECT_TRUE(self->s.cpu[2].curr_ok);
	/* a curr offset past RAM: rq->curr itself is unreadable */
	self->layout.rq_field[KTSTR_RQ_CURR].offset = 0x90000000;	/* the PCI hole */
	take(self, "");
	EXPECT_STREQ("rq->curr not readable", cpu_str(self, 0, "curr_error"));
}

/* A runnable list cut short said nothing: it looked like its end. */
TEST_F(guest, broken_runnable_list_is_reported)
{
	gi_slot_set(&self->gi, slot(&self->gi, "T2.runnable.next"), 0x1234);
	take(self, "");
	EXPECT_EQ(1u, self->s.cpu[0].nr_runnable);
	EXPECT_TRUE(self->s.cpu[0].runnable_cut);
	EXPECT_STREQ("link 0x1234 not readable", cpu_str(self, 0, "runnable_error"));
	EXPECT_EQ(NULL, cpu_str(self, 3, "runnable_error"));
	/* a loop stays within SNAP_MAX_RUNNABLE */
	guest_image_reset(&self->gi);
	gi_slot_link(&self->gi, slot(&self->gi, "T3.runnable.next"),
		     gi_anchor_of_slot(&self->gi, slot(&self->gi, "T2.runnable.next")),
		     0, 0);
	take(self, "");
	EXPECT_EQ((unsigned int)SNAP_MAX_RUNNABLE, self->s.cpu[0].nr_runnable);
	EXPECT_TRUE(self->s.cpu[0].runnable_more);
}

/* A loop that misses init_task ran 100000 steps and was "no task with pid". */
TEST_F(guest, task_list_loop_ends_early_and_says_so)
{
	int t3 = slot(&self->gi, "T3.tasks.next");

	gi_slot_link(&self->gi, t3, gi_anchor_of_slot(&self->gi, t3), 0, 0);
	take(self, "read task 107 7007 pid");
	ASSERT_FALSE(self->s.cold_ok);
	EXPECT_STREQ("the task list loops after 4 tasks without reaching init_task again",
		     self->s.cold_err);
	/* a longer loop, T5 back to T1 */
	guest_image_reset(&self->gi);
	gi_slot_link(&self->gi, slot(&self->gi, "T5.tasks.next"),
		     gi_anchor_of_slot(&self->gi, slot(&self->gi, "T1.tasks.next")),
		     0, 0);
	take(self, "read task 107 7007 pid");
	EXPECT_EQ(0, strncmp(self->s.cold_err, "the task list loops after", 25));
	/* a pid before the loop is still found */
	take(self, "read task 103 3007 pid");
	ASSERT_TRUE(self->s.cold_ok);
	EXPECT_EQ(103u, self->s.cold_value);
}

TEST_F(guest, task_list_break_names_the_link)
{
	gi_slot_set(&self->gi, slot(&self->gi, "T2.tasks.next"), 0x10);
	take(self, "read task 107 7007 pid");
	EXPECT_STREQ("the task list breaks after 3 tasks: 0x10 is not readable",
		     self->s.cold_err);
	guest_image_reset(&self->gi);
	take(self, "read task 999 0 pid");
	EXPECT_STREQ("no task with pid 999 in the 7 tasks of the task list",
		     self->s.cold_err);
}

TEST_F(guest, absurd_layout_sizes_and_offsets)
{
	self->layout.per_cpu_offset[2] = 0x7fff000000000000ull;
	self->layout.nr_possible_cpus = 0xffffffff;
	self->layout.nr_cpu_ids = 0xffffffff;
	self->layout.rq_field[KTSTR_RQ_CLOCK].offset = 0x90000000;
	self->layout.rq_field[KTSTR_RQ_SCX_NR_RUNNING].size = 0xffffffff;
	self->layout.task_field[KTSTR_TASK_PID].size = 3;
	take(self, "read percpu nr_running 4000000000");
	EXPECT_EQ((unsigned int)SNAP_MAX_CPUS, self->s.nr_cpus);
	EXPECT_STREQ("runqueue not readable", cpu_str(self, 2, "error"));
	EXPECT_STREQ("runqueue not readable", cpu_str(self, 200, "error"));
	/* fields that could not be read are left out, not written as 0 */
	EXPECT_TRUE(self->s.cpu[0].rq_ok);
	EXPECT_EQ(NULL, cpu_str(self, 0, "clock"));
	EXPECT_EQ(NULL, cpu_str(self, 0, "scx_nr_running"));
	EXPECT_NE(NULL, cpu_str(self, 0, "scx_local_dsq_nr"));
	/* a pid of 3 bytes is not a pid: curr says so */
	EXPECT_NE(NULL, cpu_str(self, 0, "curr_error"));
	EXPECT_FALSE(self->s.cold_ok);
}

TEST_F(guest, page_tables_that_point_at_themselves)
{
	int pml4 = slot(&self->gi, "PML4[402]");
	int pt = slot(&self->gi, "PT[2]");

	/* PML4 entry -> PML4: every level reads the same table */
	gi_slot_link(&self->gi, pml4, gi_anchor_of_slot(&self->gi, pml4), 0, 0x3);
	take(self, "read task 107 7007 pid");
	EXPECT_STREQ("runqueue not readable", cpu_str(self, 2, "error"));
	EXPECT_FALSE(self->s.cpu[3].rq_ok);	/* through the 2 MiB page */
	EXPECT_TRUE(self->s.cpu[0].rq_ok);	/* the direct map needs no walk */
	EXPECT_FALSE(self->s.cold_ok);		/* T7 is behind the 1 GiB page */
	/* a leaf that maps the page table itself */
	guest_image_reset(&self->gi);
	gi_slot_link(&self->gi, pt, gi_anchor_of_slot(&self->gi, pt), 0, 0x3);
	take(self, "");
	EXPECT_TRUE(self->s.cpu[2].rq_ok);	/* nr_running is on the page before */
	EXPECT_STREQ("task_struct 0x2200300000000 not readable",
		     cpu_str(self, 2, "curr_error"));	/* two PTEs read as curr */
}

TEST_HARNESS_MAIN
