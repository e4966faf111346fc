// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ktstr_fields.h"
#include "guest_ops.h"

#define LAST_TASK	(GI_TASKS - 1)

void gi_case_init(struct gi_case *c, const struct guest_image *gi)
{
	memset(c, 0, sizeof(*c));
	c->layout = gi->layout;
	c->msg_len = sizeof(c->layout);
	memcpy(c->vcpu, gi->vcpu, sizeof(c->vcpu));
	c->nr_vcpus = GI_VCPUS;
	/* the whole task list is walked to find the last task */
	snprintf(c->tag, sizeof(c->tag), "read task %d %" PRIu64 " scx.slice",
		 gi->pid[LAST_TASK], gi->start_time[LAST_TASK]);
	c->probe_pa = gi->mem.below_4g - 12;	/* into the PCI hole */
	c->probe_va = gi->layout.per_cpu_offset[2] + gi->layout.addr[KTSTR_ADDR_RUNQUEUES];
}

const void *gi_case_msg(struct gi_case *c)
{
	memset(c->msg, 0, sizeof(c->msg));
	memcpy(c->msg + c->msg_off, &c->layout, sizeof(c->layout));
	return c->msg + c->msg_off;
}

size_t gi_op_encode(uint8_t *out, enum gi_op_kind k, uint16_t target,
		    uint64_t value)
{
	out[0] = (uint8_t)k;
	out[1] = target & 0xff;
	out[2] = target >> 8;
	for (int i = 0; i < 8; i++)
		out[3 + i] = (value >> (8 * i)) & 0xff;
	return GI_OP_SIZE;
}

static uint64_t start_of(const struct guest_image *gi, uint64_t pid)
{
	for (int t = 0; t < GI_TASKS; t++)
		if ((uint64_t)gi->pid[t] == pid)
			return gi->start_time[t];
	return 0;
}

/* A cold-read request, well-formed or not, from @t and @v. */
static void make_tag(const struct guest_image *gi, struct gi_case *c,
		     unsigned int t, uint64_t v)
{
	static const char *const syms[] = {
		"jiffies_64", "scx_state", "scx_watchdog_timeout", "init_task", "",
	};
	const char *rq = v % (KTSTR_RQ_NR_FIELDS + 1) < KTSTR_RQ_NR_FIELDS ?
			 ktstr_rq_field_names[v % (KTSTR_RQ_NR_FIELDS + 1)] : "bogus";
	unsigned int tf = (v & 0x3f) % (KTSTR_TASK_NR_FIELDS + 1);
	const char *task = tf < KTSTR_TASK_NR_FIELDS ? ktstr_task_field_names[tf] :
			   "bogus";
	uint64_t pid = (v >> 8) & 0xffff;
	char raw[9] = "";

	memcpy(raw, &v, 8);	/* stops at the first NUL */
	switch (t % 5) {
	case 0:
		snprintf(c->tag, sizeof(c->tag), "read symbol %s",
			 syms[v % (sizeof(syms) / sizeof(syms[0]))]);
		break;
	case 1:
		snprintf(c->tag, sizeof(c->tag), "read percpu %s %u", rq,
			 (unsigned int)(v >> 8));
		break;
	case 2:
		snprintf(c->tag, sizeof(c->tag), "read task %" PRIu64 " %" PRIu64 " %s",
			 pid, v & 0x40 ? start_of(gi, pid) : v >> 24, task);
		break;
	case 3:
		snprintf(c->tag, sizeof(c->tag), "read %s", raw);
		break;
	default:
		snprintf(c->tag, sizeof(c->tag), "%s", raw);
		break;
	}
}

static void set_vcpu(struct gi_case *c, unsigned int t, uint64_t v)
{
	struct vcpu_regs *r = &c->vcpu[t % GI_VCPUS];

	switch ((t / GI_VCPUS) % 5) {
	case 0:
		r->cr3 = v;
		break;
	case 1:
		r->cr4 = v;
		break;
	case 2:
		r->rip = v;
		break;
	case 3:
		r->valid = v & 1;
		break;
	default:
		c->nr_vcpus = (unsigned int)(v % (GI_VCPUS + 1));
		break;
	}
}

static void apply_one(struct guest_image *gi, struct gi_case *c,
		      enum gi_op_kind k, unsigned int t, uint64_t v)
{
	uint8_t *l = (uint8_t *)&c->layout;
	unsigned int slot = t % gi->nr_slots;
	uint32_t v32 = (uint32_t)v;

	switch (k) {
	case GI_OP_LINK:
		gi_slot_link(gi, slot, (unsigned int)(v & 0xffff),
			     (int16_t)(v >> 16), (v >> 32) & 0xfff);
		break;
	case GI_OP_SET:
		gi_slot_set(gi, slot, v);
		break;
	case GI_OP_ADD:
		gi_slot_set(gi, slot, gi_slot_get(gi, slot) + v);
		break;
	case GI_OP_RAM:
		gi_write(gi, (t & 0x8000 ? gi->high_gpa : 0) + 8ull * (t & 0x7fff),
			 v, 8);
		break;
	case GI_OP_LAYOUT32:
		memcpy(l + 4 * (t % (sizeof(c->layout) / 4)), &v32, 4);
		break;
	case GI_OP_LAYOUT64:
		memcpy(l + 8 * (t % (sizeof(c->layout) / 8)), &v, 8);
		break;
	case GI_OP_VCPU:
		set_vcpu(c, t, v);
		break;
	case GI_OP_TAG:
		make_tag(gi, c, t, v);
		break;
	case GI_OP_MSG:
		c->msg_off = t % 8;
		c->msg_len = sizeof(c->layout) + (size_t)(int64_t)(int8_t)v;
		break;
	default:	/* GI_OP_PROBE */
		if (t & 1)
			c->probe_va = v;
		else
			c->probe_pa = v;
		break;
	}
}

void gi_apply(struct guest_image *gi, struct gi_case *c, const uint8_t *data,
	      size_t size)
{
	for (size_t i = 0; i + GI_OP_SIZE <= size; i += GI_OP_SIZE) {
		const uint8_t *p = data + i;
		uint64_t v = 0;

		for (int b = 7; b >= 0; b--)
			v = v << 8 | p[3 + b];
		apply_one(gi, c, (enum gi_op_kind)(p[0] % GI_OP_NR),
			  (unsigned int)(p[1] | p[2] << 8), v);
	}
}
