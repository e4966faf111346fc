// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "capture/coldread.h"
#include "capture/snapshot.h"

/* A CR3 of a vCPU, for page walks (any vCPU maps the kernel). */
static uint64_t some_cr3(const struct snapshot *s, bool *la57)
{
	for (unsigned int i = 0; i < s->nr_vcpus; i++)
		if (s->vcpu[i].valid && s->vcpu[i].cr3) {
			*la57 = s->vcpu[i].cr4 & CR4_LA57;
			return s->vcpu[i].cr3;
		}
	return 0;
}

static bool read_comm(const struct guest_view *g, const struct kaddr *k,
		      uint64_t task, char *comm)
{
	bool ok = kaddr_read(k, task +
			     g->layout.task_field[KTSTR_TASK_COMM].offset,
			     comm, KTSTR_COMM_LEN);

	comm[ok ? KTSTR_COMM_LEN : 0] = '\0';
	printable_ascii(comm);	/* the guest names its tasks */
	return ok;
}

/*
 * The sched_ext tasks runnable on @cpu: rq->scx.runnable_list, which the
 * kernel keeps in runnable_at order for its watchdog. Guest memory: the
 * walk is bounded and stops at the first unreadable link, which it keeps.
 */
static void take_runnable(struct snap_cpu *c, const struct guest_view *g,
			  const struct kaddr *k, unsigned int cpu)
{
	const struct ktstr_info *l = &g->layout;
	uint64_t head = gv_rq_field_addr(g, cpu, KTSTR_RQ_SCX_RUNNABLE_LIST);
	uint64_t node_off = l->task_field[KTSTR_TASK_SCX_RUNNABLE_NODE].offset;
	uint64_t next, v, at = head;

	if (!head || !l->task_field[KTSTR_TASK_SCX_RUNNABLE_NODE].size)
		return;	/* this kernel did not say where the list is */
	if (!kaddr_read_u64(k, head, &next))
		goto unreadable;
	c->runnable_ok = true;
	while (next != head) {
		uint64_t task = next - node_off;
		struct snap_task *t;

		if (c->nr_runnable == SNAP_MAX_RUNNABLE) {
			c->runnable_more = true;
			return;
		}
		t = &c->runnable[c->nr_runnable];
		at = next;
		if (!gv_read_task(g, k, task, KTSTR_TASK_PID, &v) ||
		    !gv_read_task(g, k, task, KTSTR_TASK_SCX_RUNNABLE_AT,
				  &t->runnable_at))
			goto unreadable;
		t->pid = (int32_t)v;
		read_comm(g, k, task, t->comm);
		c->nr_runnable++;
		if (!kaddr_read_u64(k, next, &next))
			goto unreadable;
	}
	return;
unreadable:
	c->runnable_cut = true;
	c->runnable_bad = at;
}

/* rq->curr: its pid, policy and comm. */
static void take_curr(struct snap_cpu *c, const struct guest_view *g,
		      const struct kaddr *k, unsigned int cpu)
{
	uint64_t pid, pol;

	c->curr_read = gv_read_rq(g, k, cpu, KTSTR_RQ_CURR, &c->curr);
	if (!c->curr_read || !c->curr ||
	    !gv_read_task(g, k, c->curr, KTSTR_TASK_PID, &pid) ||
	    !gv_read_task(g, k, c->curr, KTSTR_TASK_POLICY, &pol) ||
	    !read_comm(g, k, c->curr, c->curr_comm))
		return;
	c->curr_ok = true;
	c->curr_pid = (int32_t)pid;
	c->curr_policy = (uint32_t)pol;
}

static bool rq_u32(const struct guest_view *g, const struct kaddr *k,
		   unsigned int cpu, enum ktstr_rq_field f, uint32_t *out)
{
	uint64_t v;

	if (!gv_read_rq(g, k, cpu, f, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static void take_cpu(struct snap_cpu *c, const struct guest_view *g,
		     const struct kaddr *k, unsigned int cpu)
{
	c->rq_ok = rq_u32(g, k, cpu, KTSTR_RQ_NR_RUNNING, &c->nr_running);
	if (!c->rq_ok)
		return;
	c->clock_ok = gv_read_rq(g, k, cpu, KTSTR_RQ_CLOCK, &c->clock);
	c->scx_nr_running_ok = rq_u32(g, k, cpu, KTSTR_RQ_SCX_NR_RUNNING,
				      &c->scx_nr_running);
	c->scx_local_dsq_nr_ok = rq_u32(g, k, cpu, KTSTR_RQ_SCX_LOCAL_DSQ_NR,
					&c->scx_local_dsq_nr);
	take_runnable(c, g, k, cpu);
	take_curr(c, g, k, cpu);
}

void snapshot_set_tag(struct snapshot *s, const char *tag)
{
	snprintf(s->tag, sizeof(s->tag), "%s", tag ? tag : "");
	printable_ascii(s->tag);
}

int snapshot_take(struct snapshot *s, struct qmp *q,
		  const struct guest_view *g, char *err, size_t errlen)
{
	struct timespec now;
	uint64_t t0;
	char *regs;

	clock_gettime(CLOCK_REALTIME, &now);
	s->timestamp_ns = (uint64_t)now.tv_sec * 1000000000ull +
			  (uint64_t)now.tv_nsec;
	t0 = now_ns();
	regs = qmp_hmp(q, "info registers -a", err, errlen);
	if (!regs)
		return -1;
	s->nr_vcpus = (unsigned int)regs_parse(regs, s->vcpu, SNAP_MAX_CPUS);
	free(regs);
	s->regs_ns = now_ns() - t0;
	t0 = now_ns();
	snapshot_read_guest(s, g);
	s->read_ns = now_ns() - t0;
	return 0;
}

void snapshot_read_guest(struct snapshot *s, const struct guest_view *g)
{
	struct kaddr k = { 0 };
	uint64_t v;

	if (!g->have_layout)
		return;	/* registers only: no kmod layout */
	k.mem = &g->mem;
	k.page_offset_base = g->layout.page_offset_base;
	k.phys_base = g->layout.phys_base;
	k.cr3 = some_cr3(s, &k.la57);
	s->jiffies_ok = gv_read_addr(g, &k, KTSTR_ADDR_JIFFIES_64, 8,
				     &s->jiffies);
	s->scx_ok = gv_read_addr(g, &k, KTSTR_ADDR_SCX_STATE, 4, &v);
	s->scx_state = s->scx_ok ? (uint32_t)v : 0;
	s->nr_cpus = g->layout.nr_possible_cpus < SNAP_MAX_CPUS ?
		     g->layout.nr_possible_cpus : SNAP_MAX_CPUS;
	for (unsigned int c = 0; c < s->nr_cpus; c++)
		take_cpu(&s->cpu[c], g, &k, c);
	if (cold_read_requested(s->tag)) {
		s->cold = true;
		s->cold_ok = !cold_read(g, &k, s->tag, &s->cold_value,
					s->cold_err, sizeof(s->cold_err));
	}
}

/* enum scx_ops_enable_state of 6.12. */
static const char *const scx_states[] = {
	"enabling", "enabled", "disabling", "disabled",
};

static json_object *runnable_json(const struct snapshot *s,
				  const struct snap_cpu *p)
{
	json_object *a = json_object_new_array();

	for (unsigned int i = 0; i < p->nr_runnable; i++) {
		const struct snap_task *t = &p->runnable[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "pid", json_object_new_int(t->pid));
		json_object_object_add(o, "comm", json_object_new_string(t->comm));
		json_object_object_add(o, "runnable_at",
				       json_object_new_uint64(t->runnable_at));
		if (s->jiffies_ok)
			json_object_object_add(o, "waited_jiffies",
					       json_object_new_int64((int64_t)(s->jiffies - t->runnable_at)));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *cpu_json(const struct snapshot *s, unsigned int c)
{
	const struct snap_cpu *p = &s->cpu[c];
	json_object *o = json_object_new_object(), *curr;
	char msg[64];

	json_object_object_add(o, "cpu", json_object_new_int((int)c));
	if (!p->rq_ok) {
		json_object_object_add(o, "error",
				       json_object_new_string("runqueue not readable"));
		return o;
	}
	json_object_object_add(o, "nr_running",
			       json_object_new_int64(p->nr_running));
	if (p->clock_ok)
		json_object_object_add(o, "clock", json_object_new_uint64(p->clock));
	if (p->scx_nr_running_ok)
		json_object_object_add(o, "scx_nr_running",
				       json_object_new_int64(p->scx_nr_running));
	if (p->scx_local_dsq_nr_ok)
		json_object_object_add(o, "scx_local_dsq_nr",
				       json_object_new_int64(p->scx_local_dsq_nr));
	if (!p->curr_ok) {
		if (!p->curr_read)
			snprintf(msg, sizeof(msg), "rq->curr not readable");
		else if (!p->curr)
			snprintf(msg, sizeof(msg), "rq->curr is NULL");
		else
			snprintf(msg, sizeof(msg), "task_struct 0x%llx not readable",
				 (unsigned long long)p->curr);
		json_object_object_add(o, "curr_error", json_object_new_string(msg));
	} else {
		curr = json_object_new_object();
		json_object_object_add(curr, "pid",
				       json_object_new_int(p->curr_pid));
		json_object_object_add(curr, "comm",
				       json_object_new_string(p->curr_comm));
		json_object_object_add(curr, "policy",
				       json_object_new_int64(p->curr_policy));
		json_object_object_add(o, "curr", curr);
	}
	if (p->runnable_ok) {
		json_object_object_add(o, "runnable", runnable_json(s, p));
		json_object_object_add(o, "runnable_more",
				       json_object_new_boolean(p->runnable_more));
	}
	if (p->runnable_cut) {
		snprintf(msg, sizeof(msg), "link 0x%llx not readable",
			 (unsigned long long)p->runnable_bad);
		json_object_object_add(o, "runnable_error",
				       json_object_new_string(msg));
	}
	return o;
}

static json_object *hex(uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return json_object_new_string(buf);
}

static json_object *vcpu_json(const struct snapshot *s,
			      const struct guest_view *g, unsigned int c)
{
	const struct vcpu_regs *r = &s->vcpu[c];
	json_object *o = json_object_new_object();
	char sym[256];

	json_object_object_add(o, "cpu", json_object_new_int((int)c));
	if (!r->valid) {
		json_object_object_add(o, "error",
				       json_object_new_string("registers not reported"));
		return o;
	}
	json_object_object_add(o, "rip", hex(r->rip));
	if (g->have_syms && g->text_link) {
		/* kaslr_offset is _text - __START_KERNEL_map, not the slide. */
		uint64_t slide = g->layout.kaslr_offset + KERNEL_MAP_START -
				 g->text_link;

		symtab_format(&g->syms, r->rip - slide, sym, sizeof(sym));
		json_object_object_add(o, "rip_sym", json_object_new_string(sym));
	}
	json_object_object_add(o, "rsp", hex(r->rsp));
	json_object_object_add(o, "cr3", hex(r->cr3));
	json_object_object_add(o, "rflags", hex(r->rflags));
	json_object_object_add(o, "cpl", json_object_new_int((int)r->cpl));
	json_object_object_add(o, "halted", json_object_new_boolean(r->halted));
	return o;
}

json_object *snapshot_json(const struct snapshot *s, const struct guest_view *g)
{
	json_object *o = json_object_new_object(), *cpus, *vcpus;

	json_object_object_add(o, "id", json_object_new_uint64(s->id));
	json_object_object_add(o, "trigger", json_object_new_string(s->trigger));
	json_object_object_add(o, "tag", json_object_new_string(s->tag));
	json_object_object_add(o, "step", json_object_new_string(s->step));
	json_object_object_add(o, "timestamp_ns",
			       json_object_new_uint64(s->timestamp_ns));
	json_object_object_add(o, "freeze_ns",
			       json_object_new_uint64(s->freeze_ns));
	json_object_object_add(o, "frozen_ns",
			       json_object_new_uint64(s->frozen_ns));
	json_object_object_add(o, "stop_ns", json_object_new_uint64(s->stop_ns));
	json_object_object_add(o, "regs_ns", json_object_new_uint64(s->regs_ns));
	json_object_object_add(o, "read_ns", json_object_new_uint64(s->read_ns));
	json_object_object_add(o, "cont_ns", json_object_new_uint64(s->cont_ns));
	if (g->have_layout)
		json_object_object_add(o, "kernel",
				       json_object_new_string(g->layout.release));
	if (s->jiffies_ok)
		json_object_object_add(o, "jiffies",
				       json_object_new_uint64(s->jiffies));
	if (s->scx_ok)
		json_object_object_add(o, "scx_state", json_object_new_string(
			s->scx_state < 4 ? scx_states[s->scx_state] : "unknown"));
	if (s->cold) {
		json_object *r = json_object_new_object();

		json_object_object_add(r, "request", json_object_new_string(s->tag));
		if (s->cold_ok)
			json_object_object_add(r, "value",
					       json_object_new_uint64(s->cold_value));
		else
			json_object_object_add(r, "error",
					       json_object_new_string(s->cold_err));
		json_object_object_add(o, "cold_read", r);
	}
	cpus = json_object_new_array();
	for (unsigned int c = 0; c < s->nr_cpus; c++)
		json_object_array_add(cpus, cpu_json(s, c));
	json_object_object_add(o, "cpus", cpus);
	vcpus = json_object_new_array();
	for (unsigned int c = 0; c < s->nr_vcpus; c++)
		json_object_array_add(vcpus, vcpu_json(s, g, c));
	json_object_object_add(o, "vcpus", vcpus);
	return o;
}

long snapshot_write(const struct snapshot *s, const struct guest_view *g,
		    const char *dir, char *err, size_t errlen)
{
	json_object *o = snapshot_json(s, g);
	char path[4200];
	const char *text;
	long size;

	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	size = (long)strlen(text);
	snprintf(path, sizeof(path), "%s/snapshot-%llu.json", dir,
		 (unsigned long long)s->id);
	if (write_file(path, text, (size_t)size, 0644)) {
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		size = -1;
	}
	json_object_put(o);
	return size;
}

void snapshot_longest_wait(const struct snapshot *s, char *buf, size_t len)
{
	const struct snap_task *best = NULL;
	unsigned int best_cpu = 0;

	buf[0] = '\0';
	if (!s->jiffies_ok)
		return;
	for (unsigned int c = 0; c < s->nr_cpus; c++)
		for (unsigned int i = 0; i < s->cpu[c].nr_runnable; i++) {
			const struct snap_task *t = &s->cpu[c].runnable[i];

			if (!best || (int64_t)(t->runnable_at - best->runnable_at) < 0) {
				best = t;
				best_cpu = c;
			}
		}
	/* A task that became runnable this tick is no news. */
	if (best && (int64_t)(s->jiffies - best->runnable_at) > 0)
		snprintf(buf, len, "%s[%d] on CPU %u, runnable for %lld jiffies",
			 best->comm, best->pid, best_cpu,
			 (long long)(s->jiffies - best->runnable_at));
}

void snapshot_summary(const struct snapshot *s, char *buf, size_t len)
{
	size_t off = (size_t)snprintf(buf, len, "snapshot %llu (%s%s%s): %u CPUs, nr_running",
				      (unsigned long long)s->id, s->trigger,
				      s->tag[0] ? ", tag " : "", s->tag,
				      s->nr_cpus ? s->nr_cpus : s->nr_vcpus);

	for (unsigned int c = 0; c < s->nr_cpus && off < len; c++)
		off += (size_t)snprintf(buf + off, len - off, " %u",
					s->cpu[c].nr_running);
	if (off < len && s->jiffies_ok)
		snprintf(buf + off, len - off, ", jiffies %llu, frozen %.2f ms",
			 (unsigned long long)s->jiffies, s->frozen_ns / 1e6);
}
