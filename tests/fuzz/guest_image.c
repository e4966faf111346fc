// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "capture/kaddr.h"
#include "guest_image.h"

#define MIB		(1ull << 20)
#define GIB		(1ull << 30)
#define LOW_SIZE	MIB
#define HOLE_SIZE	(3 * GIB)	/* zeros: makes q35 move RAM above 4 GiB */
#define HIGH_SIZE	MIB
#define POB		0xffff888000000000ull	/* page_offset_base */
#define VMALLOC		0xffffc90000000000ull	/* 4 KiB pages, mapped backwards */
#define VM_2M		(VMALLOC + 2 * MIB)	/* one 2 MiB page: pa 0 */
#define VM_1G		(VMALLOC + GIB)		/* one 1 GiB page: pa 0 */
#define RQ_OFF		0x2000ull	/* runqueues: a per-CPU symbol */
#define JIFFIES		0x100001388ull	/* wrapped past 32 bits */

/* Physical addresses in the low node. */
#define PA_JIFFIES	0x1000ull
#define PA_SCX_STATE	0x1008ull
#define PA_WATCHDOG	0x1010ull
#define PA_PML4		0x8000ull
#define PA_PDPT		0x9000ull
#define PA_PD		0xa000ull
#define PA_PT		0xb000ull
#define PA_PML5		0xc000ull
#define PA_VMALLOC	0x20000ull	/* 4 pages */
#define PTE_TABLE	0x3ull		/* present, writable */
#define PTE_LEAF	0x83ull		/* present, writable, huge */

/* Field offsets, as a kmod would publish them. */
enum {
	T_PID = 0x10, T_TGID = 0x14, T_COMM = 0x20, T_START = 0x30,
	T_ON_RQ = 0x38, T_POLICY = 0x3c, T_CLASS = 0x40, T_SUM = 0x48,
	T_VTIME = 0x50, T_SLICE = 0x58, T_FLAGS = 0x60, T_DSQ = 0x68,
	T_TASKS = 0x70, T_RNODE = 0x80, T_RAT = 0x90,
	R_NR = 0x0, R_CLOCK = 0x8, R_CURR = 0x10, R_CPU = 0x18,
	R_SCX_NR = 0x1c, R_DSQ_NR = 0x20, R_RLIST = 0x28,
};

static const struct ktstr_field_layout task_fields[KTSTR_TASK_NR_FIELDS] = {
	[KTSTR_TASK_PID] = { T_PID, 4 },
	[KTSTR_TASK_TGID] = { T_TGID, 4 },
	[KTSTR_TASK_COMM] = { T_COMM, KTSTR_COMM_LEN },
	[KTSTR_TASK_START_TIME] = { T_START, 8 },
	[KTSTR_TASK_ON_RQ] = { T_ON_RQ, 4 },
	[KTSTR_TASK_POLICY] = { T_POLICY, 4 },
	[KTSTR_TASK_SCHED_CLASS] = { T_CLASS, 8 },
	[KTSTR_TASK_SUM_EXEC_RUNTIME] = { T_SUM, 8 },
	[KTSTR_TASK_SCX_DSQ_VTIME] = { T_VTIME, 8 },
	[KTSTR_TASK_SCX_SLICE] = { T_SLICE, 8 },
	[KTSTR_TASK_SCX_FLAGS] = { T_FLAGS, 4 },
	[KTSTR_TASK_SCX_DSQ] = { T_DSQ, 8 },
	[KTSTR_TASK_TASKS] = { T_TASKS, 16 },
	[KTSTR_TASK_SCX_RUNNABLE_NODE] = { T_RNODE, 16 },
	[KTSTR_TASK_SCX_RUNNABLE_AT] = { T_RAT, 8 },
};

static const struct ktstr_field_layout rq_fields[KTSTR_RQ_NR_FIELDS] = {
	[KTSTR_RQ_NR_RUNNING] = { R_NR, 4 },
	[KTSTR_RQ_CLOCK] = { R_CLOCK, 8 },
	[KTSTR_RQ_CURR] = { R_CURR, 8 },
	[KTSTR_RQ_CPU] = { R_CPU, 4 },
	[KTSTR_RQ_SCX_NR_RUNNING] = { R_SCX_NR, 4 },
	[KTSTR_RQ_SCX_LOCAL_DSQ_NR] = { R_DSQ_NR, 4 },
	[KTSTR_RQ_SCX_RUNNABLE_LIST] = { R_RLIST, 16 },
};

/* The scheduler state: who runs where, who waits where. */
static const int curr_task[GI_CPUS] = { 1, 6, 7, 0 };
static const int waiting[GI_CPUS][2] = { { 2, 3 }, { 4, -1 }, { -1, -1 }, { 5, -1 } };

static struct ksym ksyms[] = {
	{ KERNEL_MAP_START + 0x1000000, 0x100, (char *)"_text" },
	{ KERNEL_MAP_START + 0x1000100, 0x80, (char *)"schedule" },
	{ KERNEL_MAP_START + 0x1000200, 0, (char *)"a_label" },
};

/*
 * The builder's own idea of where each kernel address lives: an oracle
 * independent of kaddr.c. 4 KiB vmalloc pages are mapped in reverse so a
 * read across them is not contiguous in RAM.
 */
static uint64_t image_pa(uint64_t va)
{
	if (va >= KERNEL_MAP_START)
		return va - KERNEL_MAP_START;	/* phys_base 0 */
	if (va >= VM_1G)
		return va - VM_1G;
	if (va >= VM_2M)
		return va - VM_2M;
	if (va >= VMALLOC)
		return PA_VMALLOC + (3 - (va - VMALLOC) / 4096) * 4096 +
		       (va & 4095);
	return va - POB;
}

static uint8_t *ram_at(struct guest_image *gi, uint64_t gpa, unsigned int len)
{
	if (gpa < LOW_SIZE && LOW_SIZE - gpa >= len)
		return gi->low + gpa;
	if (gpa >= gi->high_gpa && gpa - gi->high_gpa < HIGH_SIZE &&
	    HIGH_SIZE - (gpa - gi->high_gpa) >= len)
		return gi->high + (gpa - gi->high_gpa);
	return NULL;
}

bool gi_write(struct guest_image *gi, uint64_t gpa, uint64_t v,
	      unsigned int len)
{
	uint8_t *p = len <= 8 ? ram_at(gi, gpa, len) : NULL;
	struct gi_undo *u;

	if (!p || gi->nr_undo == GI_MAX_UNDO)
		return false;
	u = &gi->undo[gi->nr_undo++];
	u->gpa = gpa;
	u->len = len;
	u->old = 0;
	memcpy(&u->old, p, len);
	memcpy(p, &v, len);	/* little-endian */
	return true;
}

void guest_image_reset(struct guest_image *gi)
{
	while (gi->nr_undo) {
		const struct gi_undo *u = &gi->undo[--gi->nr_undo];

		memcpy(ram_at(gi, u->gpa, u->len), &u->old, u->len);
	}
}

/* Build-time stores at kernel addresses, byte by byte through pages. */
static void put(struct guest_image *gi, uint64_t va, const void *src,
		unsigned int len)
{
	const uint8_t *s = src;

	for (unsigned int i = 0; i < len; i++)
		*ram_at(gi, image_pa(va + i), 1) = s[i];
}

static void put64(struct guest_image *gi, uint64_t va, uint64_t v,
		  unsigned int len)
{
	put(gi, va, &v, len);
}

static void add_slot(struct guest_image *gi, const char *name, uint64_t va,
		     unsigned int size, enum gi_slot_kind kind)
{
	struct gi_slot *s = &gi->slot[gi->nr_slots++];

	s->name = name;
	s->gpa = image_pa(va);
	s->size = size;
	s->kind = kind;
}

static void add_anchor(struct guest_image *gi, uint64_t va)
{
	gi->anchor[gi->nr_anchors].va = va;
	gi->anchor[gi->nr_anchors].pa = image_pa(va);
	gi->nr_anchors++;
}

/* Slot names live as long as the image: one static table. */
static char names[GI_MAX_SLOTS][24];

static const char *name(struct guest_image *gi, const char *fmt, int i)
{
	char *n = names[gi->nr_slots];

	snprintf(n, sizeof(names[0]), fmt, i);
	return n;
}

static uint64_t task_va(const struct guest_image *gi, int t)
{
	if (t == 0)
		return KERNEL_MAP_START + 0x2000;	/* init_task */
	if (t == 6)
		return POB + gi->high_gpa + 0x1000;	/* above 4 GiB */
	if (t == 7)
		return VM_1G + 0x6000;			/* through a 1 GiB page */
	return POB + 0x3000 + (uint64_t)(t - 1) * 0x400;
}

static uint64_t rq_va(const struct guest_image *gi, int c)
{
	return gi->layout.per_cpu_offset[c] + RQ_OFF;
}

static void build_tasks(struct guest_image *gi)
{
	for (int t = 0; t < GI_TASKS; t++) {
		uint64_t va = task_va(gi, t);
		char comm[KTSTR_COMM_LEN] = "";

		gi->pid[t] = t ? 100 + t : 0;
		gi->start_time[t] = 1000ull * t + 7;
		snprintf(comm, sizeof(comm), t ? "task-%d" : "swapper/%d", t);
		put64(gi, va + T_PID, (uint64_t)gi->pid[t], 4);
		put64(gi, va + T_TGID, (uint64_t)gi->pid[t], 4);
		put(gi, va + T_COMM, comm, sizeof(comm));
		put64(gi, va + T_START, gi->start_time[t], 8);
		put64(gi, va + T_POLICY, t ? 7 : 0, 4);	/* SCHED_EXT */
		put64(gi, va + T_SLICE, 20000000, 8);
		put64(gi, va + T_RAT, JIFFIES - 10ull * t, 8);
		/* the task list, init_task first */
		put64(gi, va + T_TASKS, task_va(gi, (t + 1) % GI_TASKS) + T_TASKS, 8);
		put64(gi, va + T_TASKS + 8,
		      task_va(gi, (t + GI_TASKS - 1) % GI_TASKS) + T_TASKS, 8);
	}
}

static void build_rqs(struct guest_image *gi)
{
	for (int c = 0; c < GI_CPUS; c++) {
		uint64_t rq = rq_va(gi, c), head = rq + R_RLIST, prev = head;

		gi->curr_pid[c] = gi->pid[curr_task[c]];
		put64(gi, rq + R_CURR, task_va(gi, curr_task[c]), 8);
		put64(gi, rq + R_CPU, (uint64_t)c, 4);
		put64(gi, rq + R_CLOCK, 5000000000ull + (uint64_t)c, 8);
		for (int i = 0; i < 2 && waiting[c][i] >= 0; i++) {
			uint64_t node = task_va(gi, waiting[c][i]) + T_RNODE;

			gi->runnable_pid[c][i] = gi->pid[waiting[c][i]];
			gi->nr_runnable[c]++;
			put64(gi, prev, node, 8);	/* prev->next */
			put64(gi, node + 8, prev, 8);	/* node->prev */
			prev = node;
		}
		put64(gi, prev, head, 8);
		put64(gi, head + 8, prev, 8);
		put64(gi, rq + R_NR, 1 + gi->nr_runnable[c], 4);
		put64(gi, rq + R_SCX_NR, 1 + gi->nr_runnable[c], 4);
	}
}

static void build_page_tables(struct guest_image *gi)
{
	const uint64_t i4 = (VMALLOC >> 39) & 511, i5 = (VMALLOC >> 48) & 511;

	put64(gi, POB + PA_PML5 + i5 * 8, PA_PML4 | PTE_TABLE, 8);
	put64(gi, POB + PA_PML4 + i4 * 8, PA_PDPT | PTE_TABLE, 8);
	put64(gi, POB + PA_PDPT, PA_PD | PTE_TABLE, 8);
	put64(gi, POB + PA_PDPT + 8, 0 | PTE_LEAF, 8);		/* 1 GiB */
	put64(gi, POB + PA_PD, PA_PT | PTE_TABLE, 8);
	put64(gi, POB + PA_PD + 8, 0 | PTE_LEAF, 8);		/* 2 MiB */
	for (uint64_t j = 0; j < 4; j++)
		put64(gi, POB + PA_PT + j * 8,
		      image_pa(VMALLOC + j * 4096) | PTE_TABLE, 8);
}

static void build_layout(struct guest_image *gi)
{
	struct ktstr_info *l = &gi->layout;

	l->hdr.size = sizeof(*l);
	l->hdr.version = KTSTR_ABI_VERSION;
	l->abi_version = KTSTR_ABI_VERSION;
	l->nr_cpu_ids = GI_CPUS;
	l->nr_possible_cpus = GI_CPUS;
	l->host_attached = 1;
	snprintf(l->release, sizeof(l->release), "6.12.0-fuzz");
	l->kaslr_offset = gi->text_link - KERNEL_MAP_START;
	l->page_offset_base = POB;
	l->phys_base = 0;
	l->addr[KTSTR_ADDR_RUNQUEUES] = RQ_OFF;
	l->addr[KTSTR_ADDR_JIFFIES_64] = KERNEL_MAP_START + PA_JIFFIES;
	l->addr[KTSTR_ADDR_INIT_TASK] = task_va(gi, 0);
	l->addr[KTSTR_ADDR_SCX_STATE] = KERNEL_MAP_START + PA_SCX_STATE;
	l->addr[KTSTR_ADDR_SCX_WATCHDOG_TIMEOUT] = KERNEL_MAP_START + PA_WATCHDOG;
	memcpy(l->rq_field, rq_fields, sizeof(rq_fields));
	memcpy(l->task_field, task_fields, sizeof(task_fields));
	/* each CPU's area reached another way; CPU 2's rq.clock straddles two pages */
	l->per_cpu_offset[0] = POB + 0x10000;
	l->per_cpu_offset[1] = POB + gi->high_gpa + 0x10000;
	l->per_cpu_offset[2] = VMALLOC + 0x1ffc - R_CLOCK - RQ_OFF;
	l->per_cpu_offset[3] = VM_2M + 0x30000;
}

static void build_slots(struct guest_image *gi)
{
	static const char *const pte[] = {
		"PML5[511]", "PML4[402]", "PDPT[0]", "PDPT[1]", "PD[0]",
		"PD[1]", "PT[0]", "PT[1]", "PT[2]", "PT[3]",
	};
	static const uint64_t pte_pa[] = {
		PA_PML5 + 511 * 8, PA_PML4 + 402 * 8, PA_PDPT, PA_PDPT + 8,
		PA_PD, PA_PD + 8, PA_PT, PA_PT + 8, PA_PT + 16, PA_PT + 24,
	};

	for (int t = 0; t < GI_TASKS; t++) {
		uint64_t va = task_va(gi, t);

		add_slot(gi, name(gi, "T%d.tasks.next", t), va + T_TASKS, 8, GI_KVA);
		add_slot(gi, name(gi, "T%d.tasks.prev", t), va + T_TASKS + 8, 8, GI_KVA);
		add_slot(gi, name(gi, "T%d.runnable.next", t), va + T_RNODE, 8, GI_KVA);
		add_slot(gi, name(gi, "T%d.pid", t), va + T_PID, 4, GI_DATA);
		add_slot(gi, name(gi, "T%d.start_time", t), va + T_START, 8, GI_DATA);
		add_slot(gi, name(gi, "T%d.comm", t), va + T_COMM, 8, GI_DATA);
		add_slot(gi, name(gi, "T%d.runnable_at", t), va + T_RAT, 8, GI_DATA);
	}
	for (int c = 0; c < GI_CPUS; c++) {
		add_slot(gi, name(gi, "rq%d.curr", c), rq_va(gi, c) + R_CURR, 8, GI_KVA);
		add_slot(gi, name(gi, "rq%d.runnable.next", c),
			 rq_va(gi, c) + R_RLIST, 8, GI_KVA);
		add_slot(gi, name(gi, "rq%d.nr_running", c), rq_va(gi, c) + R_NR,
			 4, GI_DATA);
	}
	for (size_t i = 0; i < sizeof(pte) / sizeof(pte[0]); i++)
		add_slot(gi, pte[i], POB + pte_pa[i], 8, GI_PTE);
	add_slot(gi, "jiffies_64", KERNEL_MAP_START + PA_JIFFIES, 8, GI_DATA);
	add_slot(gi, "scx_state", KERNEL_MAP_START + PA_SCX_STATE, 4, GI_DATA);
}

static void build_anchors(struct guest_image *gi)
{
	static const uint64_t tables[] = { PA_PML5, PA_PML4, PA_PDPT, PA_PD, PA_PT };

	for (int t = 0; t < GI_TASKS; t++)	/* tasks first: gi_anchor_task() */
		add_anchor(gi, task_va(gi, t));
	for (int t = 0; t < GI_TASKS; t++) {
		add_anchor(gi, task_va(gi, t) + T_TASKS);
		add_anchor(gi, task_va(gi, t) + T_RNODE);
	}
	for (int c = 0; c < GI_CPUS; c++) {
		add_anchor(gi, rq_va(gi, c));
		add_anchor(gi, rq_va(gi, c) + R_RLIST);
	}
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		add_anchor(gi, POB + tables[i]);
	add_anchor(gi, KERNEL_MAP_START + PA_JIFFIES);
}

int guest_image_build(struct guest_image *gi)
{
	const uint8_t *base[3];
	uint64_t size[3] = { LOW_SIZE, HOLE_SIZE, HIGH_SIZE };
	void *hole;

	memset(gi, 0, sizeof(*gi));
	gi->low = calloc(1, LOW_SIZE);
	gi->high = calloc(1, HIGH_SIZE);
	/* Read-only and never touched: costs no memory. */
	hole = mmap(NULL, HOLE_SIZE, PROT_READ,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!gi->low || !gi->high || hole == MAP_FAILED) {
		if (hole != MAP_FAILED)
			munmap(hole, HOLE_SIZE);
		free(gi->low);
		free(gi->high);
		return -1;
	}
	base[0] = gi->low;
	base[1] = hole;
	base[2] = gi->high;
	guestmem_init(&gi->mem, 3, base, size);
	gi->high_gpa = 4 * GIB + LOW_SIZE + HOLE_SIZE - gi->mem.below_4g;
	gi->text_link = ksyms[0].addr;
	gi->syms.sym = ksyms;
	gi->syms.n = sizeof(ksyms) / sizeof(ksyms[0]);
	build_layout(gi);
	build_tasks(gi);
	build_rqs(gi);
	build_page_tables(gi);
	gi->jiffies = JIFFIES;
	put64(gi, KERNEL_MAP_START + PA_JIFFIES, JIFFIES, 8);
	put64(gi, KERNEL_MAP_START + PA_SCX_STATE, 1, 4);	/* enabled */
	put64(gi, KERNEL_MAP_START + PA_WATCHDOG, 30000, 8);
	build_slots(gi);
	build_anchors(gi);
	gi->vcpu[0] = (struct vcpu_regs){ .rip = ksyms[1].addr + 0x10,
					  .cr3 = PA_PML4, .valid = true };
	gi->vcpu[1] = (struct vcpu_regs){ .rip = 0xffffffffdeadbeefull,
					  .cr3 = PA_PML5, .cr4 = CR4_LA57,
					  .valid = true };
	return 0;
}

void guest_image_free(struct guest_image *gi)
{
	munmap((void *)gi->mem.node[1].base, HOLE_SIZE);
	free(gi->low);
	free(gi->high);
	memset(gi, 0, sizeof(*gi));
}

int gi_slot_find(const struct guest_image *gi, const char *n)
{
	for (unsigned int i = 0; i < gi->nr_slots; i++)
		if (!strcmp(gi->slot[i].name, n))
			return (int)i;
	return -1;
}

void gi_slot_set(struct guest_image *gi, unsigned int i, uint64_t v)
{
	gi_write(gi, gi->slot[i].gpa, v, gi->slot[i].size);
}

uint64_t gi_slot_get(const struct guest_image *gi, unsigned int i)
{
	uint64_t v = 0;

	guestmem_read(&gi->mem, gi->slot[i].gpa, &v, gi->slot[i].size);
	return v;
}

unsigned int gi_anchor_task(unsigned int t)
{
	return t;
}

unsigned int gi_anchor_of_slot(const struct guest_image *gi, unsigned int i)
{
	return gi->nr_anchors + i;
}

void gi_slot_link(struct guest_image *gi, unsigned int i, unsigned int a,
		  int64_t delta, uint64_t flags)
{
	const struct gi_slot *s = &gi->slot[i];
	uint64_t va, pa;

	a %= gi->nr_anchors + gi->nr_slots;
	if (a < gi->nr_anchors) {
		va = gi->anchor[a].va;
		pa = gi->anchor[a].pa;
	} else {
		pa = gi->slot[a - gi->nr_anchors].gpa;
		va = POB + pa;
	}
	if (s->kind == GI_PTE)
		gi_slot_set(gi, i, ((pa + (uint64_t)delta) & ~0xfffull) | flags);
	else if (s->kind == GI_KVA)
		gi_slot_set(gi, i, va + (uint64_t)delta);
	else
		gi_slot_set(gi, i, pa + (uint64_t)delta);
}

int gi_view(const struct guest_image *gi, struct guest_view *g,
	    const void *layout, size_t len, char *err, size_t errlen)
{
	memset(g, 0, sizeof(*g));
	g->mem = gi->mem;
	g->syms = gi->syms;
	g->have_syms = true;
	g->text_link = gi->text_link;
	return guest_view_set_layout(g, layout, len, err, errlen);
}
