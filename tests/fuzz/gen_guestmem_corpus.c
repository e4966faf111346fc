// SPDX-License-Identifier: GPL-2.0
/*
 * Write the seed corpus of fuzz_guestmem into DIR: one file per kind of
 * damage a hostile guest can do, in the operations of guest_ops.h, with
 * slot and layout positions taken from the same image and struct the
 * fuzzer uses (so the seeds cannot go stale). scripts/fuzz-host.sh runs
 * it before every fuzz run.
 *
 *   gen-guestmem-corpus DIR
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guest_ops.h"

#define POB		0xffff888000000000ull
#define U64(field)	(offsetof(struct ktstr_info, field) / 8)
#define U32(field)	(offsetof(struct ktstr_info, field) / 4)

static struct guest_image gi;
static const char *dir;
static uint8_t buf[64 * GI_OP_SIZE];
static size_t len;

static int slot(const char *name)
{
	int i = gi_slot_find(&gi, name);

	if (i < 0) {
		fprintf(stderr, "gen-guestmem-corpus: no slot %s\n", name);
		exit(1);
	}
	return i;
}

static void op(enum gi_op_kind k, unsigned int target, uint64_t value)
{
	len += gi_op_encode(buf + len, k, (uint16_t)target, value);
}

/* A link from slot @from to the location of slot @to (a loop, a cross-link). */
static void link_slots(const char *from, const char *to, uint64_t pte_flags)
{
	op(GI_OP_LINK, slot(from),
	   gi_anchor_of_slot(&gi, slot(to)) | pte_flags << 32);
}

static void seed(const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "gen-guestmem-corpus: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	len = 0;
}

static void task_lists(void)
{
	seed("undamaged");
	link_slots("T3.tasks.next", "T3.tasks.next", 0);
	seed("task-list-self-loop");
	link_slots("T5.tasks.next", "T1.tasks.next", 0);
	seed("task-list-loop-missing-init-task");
	op(GI_OP_SET, slot("T2.tasks.next"), 0x10);
	seed("task-list-null-ish");
	op(GI_OP_SET, slot("T4.tasks.next"), POB + (64ull << 30));
	seed("task-list-outside-ram");
	op(GI_OP_SET, slot("T6.tasks.next"), 0x0000800000000000ull);
	seed("task-list-non-canonical");
	op(GI_OP_ADD, slot("T1.tasks.next"), 3);
	seed("task-list-misaligned");
	op(GI_OP_SET, slot("T1.pid"), 107);
	op(GI_OP_SET, slot("T1.start_time"), 1);
	seed("task-reused-pid");
}

static void runqueues(void)
{
	op(GI_OP_SET, slot("rq1.curr"), 0xdead000000000000ull);
	seed("curr-bogus");
	op(GI_OP_SET, slot("rq3.curr"), 0);
	seed("curr-null");
	op(GI_OP_SET, slot("rq0.curr"), POB + (3ull << 30));
	seed("curr-in-pci-hole");
	op(GI_OP_LINK, slot("rq2.curr"), gi_anchor_task(7) | 0xfff0ull << 16);
	seed("curr-straddles-pages");
	op(GI_OP_SET, slot("T2.runnable.next"), 0x1234);
	seed("runnable-cut");
	link_slots("T3.runnable.next", "T2.runnable.next", 0);
	seed("runnable-loop");
	link_slots("rq2.runnable.next", "rq2.runnable.next", 0);
	op(GI_OP_SET, slot("rq0.nr_running"), 0xffffffff);
	seed("runnable-head-self");
}

static void layouts(void)
{
	op(GI_OP_LAYOUT64, U64(per_cpu_offset[2]), 0x7fff000000000000ull);
	op(GI_OP_LAYOUT64, U64(per_cpu_offset[1]), ~0ull);
	seed("per-cpu-offset-out-of-range");
	op(GI_OP_LAYOUT32, U32(nr_possible_cpus), 0xffffffff);
	op(GI_OP_LAYOUT32, U32(nr_cpu_ids), 0xffffffff);
	seed("nr-cpus-absurd");
	op(GI_OP_LAYOUT32, U32(task_field[KTSTR_TASK_PID].size), 0xffffffff);
	op(GI_OP_LAYOUT32, U32(rq_field[KTSTR_RQ_CURR].offset), 0xfffffff8);
	op(GI_OP_LAYOUT32, U32(task_field[KTSTR_TASK_TASKS].offset), 0xfffffff0);
	op(GI_OP_LAYOUT32, U32(rq_field[KTSTR_RQ_SCX_RUNNABLE_LIST].size), 0);
	seed("field-sizes-and-offsets-absurd");
	op(GI_OP_LAYOUT64, U64(addr[KTSTR_ADDR_JIFFIES_64]), 1);
	op(GI_OP_LAYOUT64, U64(addr[KTSTR_ADDR_INIT_TASK]), 0);
	op(GI_OP_LAYOUT64, U64(page_offset_base), 0);
	seed("addresses-gone");
	op(GI_OP_LAYOUT64, U64(page_offset_base), 0xffffc90000002010ull);
	seed("page-offset-base-unaligned");
	op(GI_OP_LAYOUT64, U64(release), 0x41a9c3ff1b5b324aull);
	seed("release-not-utf8");
	op(GI_OP_LAYOUT32, U32(abi_version), 2);
	seed("layout-other-abi");
	op(GI_OP_MSG, 3, 0);
	seed("layout-misaligned");
	op(GI_OP_MSG, 0, 0xff);
	seed("layout-short");
	op(GI_OP_MSG, 5, 100);
	seed("layout-long");
}

static void page_tables(void)
{
	link_slots("PML4[402]", "PML4[402]", 0x3);
	seed("pml4-points-at-itself");
	link_slots("PT[2]", "PT[2]", 0x3);
	seed("pte-maps-its-table");
	op(GI_OP_SET, slot("PD[1]"), 0x000ffffffffff083ull);
	seed("huge-page-outside-ram");
	op(GI_OP_SET, slot("PDPT[1]"), 0x40000083);
	seed("gib-page-in-pci-hole");
	op(GI_OP_VCPU, 0 + 3 * GI_VCPUS, 0);	/* vCPU 0 not valid: 5-level */
	seed("five-level");
	op(GI_OP_VCPU, 0 + 3 * GI_VCPUS, 0);
	link_slots("PML5[511]", "PML5[511]", 0x3);
	seed("pml5-points-at-itself");
	op(GI_OP_VCPU, 0, 0xfffffffffffff000ull);
	seed("cr3-outside-ram");
	op(GI_OP_VCPU, 4 * GI_VCPUS, 0);
	seed("no-vcpus");
}

static void requests(void)
{
	op(GI_OP_TAG, 0, 0);
	seed("tag-symbol");
	op(GI_OP_TAG, 1, 3 << 8 | KTSTR_RQ_CURR);
	seed("tag-percpu");
	op(GI_OP_TAG, 2, 103 << 8 | 0x40 | KTSTR_TASK_SCX_DSQ_VTIME);
	seed("tag-task");
	op(GI_OP_TAG, 3, 0x1b5d30fe80ull);
	seed("tag-not-utf8");
	op(GI_OP_PROBE, 0, gi.mem.below_4g - 5);
	op(GI_OP_PROBE, 1, POB + (1ull << 20) - 5);
	seed("probe-edges");
	op(GI_OP_PROBE, 0, gi.high_gpa - 3);
	op(GI_OP_PROBE, 1, POB + gi.mem.total + (4ull << 30) - 7);
	seed("probe-high-node");
	op(GI_OP_RAM, 0x8000 | 0x12000 / 8, 0xffffffffffffffffull);
	op(GI_OP_SET, slot("jiffies_64"), 0);
	seed("ram-writes");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-guestmem-corpus DIR\n");
		return 2;
	}
	dir = argv[1];
	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "gen-guestmem-corpus: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (guest_image_build(&gi)) {
		fprintf(stderr, "gen-guestmem-corpus: out of memory\n");
		return 1;
	}
	task_lists();
	runqueues();
	layouts();
	page_tables();
	requests();
	guest_image_free(&gi);
	return 0;
}
