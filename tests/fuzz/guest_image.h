/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small, plausible guest for the host's readers of guest memory: RAM
 * laid out as q35 does (a node below 4 GiB, a zero-filled one across the
 * PCI hole, one above 4 GiB), the layout ktstr.ko would publish, vCPU
 * registers, and in RAM a task list, four runqueues with their curr and
 * runnable lists, and page tables with 4 KiB, 2 MiB and 1 GiB pages
 * (4- and 5-level). Every structure is reached the way a real kernel's
 * is: through the kernel image, the direct map or a page walk.
 *
 * The fuzzer and the unit tests then damage it through named slots (the
 * pointers and values the readers follow) and undo the damage cheaply.
 */
#ifndef KTSTR_TESTS_GUEST_IMAGE_H
#define KTSTR_TESTS_GUEST_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/guestview.h"
#include "capture/regs.h"

#define GI_CPUS		4
#define GI_TASKS	8	/* init_task and 7 others */
#define GI_VCPUS	2	/* 4-level and 5-level paging */
#define GI_MAX_SLOTS	96
#define GI_MAX_ANCHORS	64
#define GI_MAX_UNDO	512

/* What a slot holds, so a link to an anchor is written the right way. */
enum gi_slot_kind {
	GI_KVA,		/* a kernel virtual address */
	GI_PTE,		/* a page-table entry: physical address | flags */
	GI_DATA,	/* a plain value */
};

struct gi_slot {
	const char *name;	/* "T3.tasks.next", "rq1.curr", "PML4[402]" */
	uint64_t gpa;
	unsigned int size;	/* 4 or 8 */
	enum gi_slot_kind kind;
};

/* A structure a pointer may be made to point at. */
struct gi_anchor {
	uint64_t va;	/* how the kernel refers to it */
	uint64_t pa;
};

struct gi_undo {
	uint64_t gpa;
	uint64_t old;
	unsigned int len;
};

struct guest_image {
	struct guestmem mem;		/* the three nodes, as the capturer maps them */
	uint8_t *low, *high;		/* the writable nodes */
	uint64_t high_gpa;		/* where the node above 4 GiB starts */
	struct ktstr_info layout;	/* as the kmod would send it */
	struct vcpu_regs vcpu[GI_VCPUS];
	struct symtab syms;
	uint64_t text_link;
	struct gi_slot slot[GI_MAX_SLOTS];
	unsigned int nr_slots;
	struct gi_anchor anchor[GI_MAX_ANCHORS];
	unsigned int nr_anchors;
	struct gi_undo undo[GI_MAX_UNDO];
	unsigned int nr_undo;
	bool undo_full;			/* more writes than undo: rebuild */
	/* what a correct reader sees in the undamaged image */
	int32_t pid[GI_TASKS];
	uint64_t start_time[GI_TASKS];
	int32_t curr_pid[GI_CPUS];
	unsigned int nr_runnable[GI_CPUS];
	int32_t runnable_pid[GI_CPUS][2];
	uint64_t jiffies;
};

/* Build the undamaged image; 0 or -1 (out of memory). */
int guest_image_build(struct guest_image *gi);
void guest_image_free(struct guest_image *gi);
/* Undo every write since the build or the last reset. */
void guest_image_reset(struct guest_image *gi);

/* Write @len (<= 8) bytes at @gpa of a writable node; false elsewhere. */
bool gi_write(struct guest_image *gi, uint64_t gpa, uint64_t v,
	      unsigned int len);
/* The slot called @name, or -1. */
int gi_slot_find(const struct guest_image *gi, const char *name);
/* Slot @i := @v (raw), or a link to anchor @a (+ @delta; PTE @flags). */
void gi_slot_set(struct guest_image *gi, unsigned int i, uint64_t v);
uint64_t gi_slot_get(const struct guest_image *gi, unsigned int i);
void gi_slot_link(struct guest_image *gi, unsigned int i, unsigned int a,
		  int64_t delta, uint64_t flags);
/* The anchor of task @t's base (0 = init_task) or of slot @i's location. */
unsigned int gi_anchor_task(unsigned int t);
unsigned int gi_anchor_of_slot(const struct guest_image *gi, unsigned int i);

/* A guest view of the image with @layout (a layout message) applied. */
int gi_view(const struct guest_image *gi, struct guest_view *g,
	    const void *layout, size_t len, char *err, size_t errlen);

#endif
