/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's input language for the guest image: a list of 11-byte
 * operations, each one a kind, a 16-bit target and a 64-bit value (both
 * little-endian). Every input decodes to something, so libFuzzer's byte
 * mutations become pointer mutations: a list linked back into itself, a
 * curr pointing outside RAM, a page table pointing at itself, a layout
 * field made absurd, a misaligned or short layout message.
 */
#ifndef KTSTR_TESTS_GUEST_OPS_H
#define KTSTR_TESTS_GUEST_OPS_H

#include "guest_image.h"

enum gi_op_kind {
	GI_OP_LINK,	/* slot := link to anchor (value & 0xffff), + (int16)(value >> 16),
			 * PTE flags (value >> 32) & 0xfff */
	GI_OP_SET,	/* slot := value */
	GI_OP_ADD,	/* slot += value */
	GI_OP_RAM,	/* the u64 at 8 * (target & 0x7fff) of the low node, or
			 * of the high node with target & 0x8000, := value */
	GI_OP_LAYOUT32,	/* u32 number target of the layout message := value */
	GI_OP_LAYOUT64,	/* u64 number target of the layout message := value */
	GI_OP_VCPU,	/* vCPU target % 2, register (target / 2) % 5:
			 * cr3, cr4, rip, valid, the number of vCPUs */
	GI_OP_TAG,	/* the capture's tag, template target % 5 (gi_apply) */
	GI_OP_MSG,	/* the layout message at offset target % 8, length
			 * sizeof + (int8)value */
	GI_OP_PROBE,	/* target & 1 ? kernel VA : guest-physical address to
			 * read byte by byte, := value */
	GI_OP_NR,
};

#define GI_OP_SIZE	11
#define GI_MSG_ROOM	(sizeof(struct ktstr_info) + 8 + 128)

/* One input, applied: what is not in guest RAM. */
struct gi_case {
	struct ktstr_info layout;
	size_t msg_off, msg_len;		/* how it is sent */
	_Alignas(8) uint8_t msg[GI_MSG_ROOM];
	struct vcpu_regs vcpu[GI_VCPUS];
	unsigned int nr_vcpus;
	char tag[KTSTR_TAG_LEN];
	uint64_t probe_pa, probe_va;
};

/* The undamaged case: the image's layout, vCPUs, a cold read of the last task. */
void gi_case_init(struct gi_case *c, const struct guest_image *gi);
/* Decode @data and apply it to @gi's RAM and to @c. */
void gi_apply(struct guest_image *gi, struct gi_case *c, const uint8_t *data,
	      size_t size);
/* The layout message as sent: c->msg + c->msg_off, c->msg_len bytes. */
const void *gi_case_msg(struct gi_case *c);
/* Append one operation at @out; returns GI_OP_SIZE. */
size_t gi_op_encode(uint8_t *out, enum gi_op_kind k, uint16_t target,
		    uint64_t value);

#endif
