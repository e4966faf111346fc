// SPDX-License-Identifier: GPL-2.0
/*
 * Ops that reach the kernel and the host through /dev/ktstr: a host
 * snapshot now (its tag; the host knows the step from the step events),
 * and reads and validated writes of kernel state. Each outcome is kept
 * in the result and the report, refusals included: a write the
 * validation chain refuses is a result, not a harness failure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "../lib/ktstr_dev.h"

static struct sc_kop_result *record(struct sc_exec *x, const struct sc_op *op,
				    const char *name)
{
	struct sc_result *r = x->r;
	struct sc_kop_result *k;

	if (r->nr_kops >= SC_MAX_KOPS) {
		sc_harness_fail(x, "more than %d kernel ops and captures",
				SC_MAX_KOPS);
		return NULL;
	}
	k = &r->kops[r->nr_kops++];
	memset(k, 0, sizeof(*k));
	k->op = op->kind;
	k->cpu = -1;
	snprintf(k->step, sizeof(k->step), "%s", sc_step_name(x, x->cur));
	snprintf(k->name, sizeof(k->name), "%s", name ? name : "");
	return k;
}

/* The ioctl failed before the module gave a reason: not a result. */
static int refused_without_reason(struct sc_exec *x, const struct sc_op *op)
{
	sc_harness_fail(x, "%s: /dev/ktstr failed with no reason: %s",
			sc_op_name(op->kind), strerror(errno));
	return -1;
}

static int dev_open(struct sc_exec *x, const struct sc_op *op)
{
	int fd = ktstr_open();

	if (fd < 0)
		sc_harness_fail(x, "%s: cannot open /dev/ktstr: %s",
				sc_op_name(op->kind), strerror(errno));
	return fd;
}

static int capture(struct sc_exec *x, const struct sc_op *op)
{
	struct ktstr_capture c;
	struct sc_kop_result *k;
	int fd;

	if (!op->tag || !op->tag[0] || strlen(op->tag) >= sizeof(c.tag)) {
		sc_harness_fail(x, "%s: .tag must be 1 to %zu bytes",
				sc_op_name(op->kind), sizeof(c.tag) - 1);
		return -1;
	}
	k = record(x, op, op->tag);
	fd = k ? dev_open(x, op) : -1;
	if (fd < 0)
		return -1;
	ktstr_hdr_init(&c, sizeof(c));
	memcpy(c.tag, op->tag, strlen(op->tag) + 1);
	if (ktstr_ioctl(fd, KTSTR_IOC_CAPTURE, &c) && !c.hdr.reason) {
		close(fd);
		return refused_without_reason(x, op);
	}
	k->reason = c.hdr.reason;
	k->capture_id = c.capture_id;
	close(fd);
	return 0;
}

static int kernel_access(struct sc_exec *x, const struct sc_op *op, bool write)
{
	const struct sc_kernel *kn = &op->kernel;
	struct ktstr_access a;
	struct sc_kop_result *k;
	int fd, c;

	if (!kn->name || strlen(kn->name) >= sizeof(a.name) ||
	    kn->target < KTSTR_TARGET_SYMBOL || kn->target > KTSTR_TARGET_TASK) {
		sc_harness_fail(x, "%s: .kernel needs a target and a name shorter than %zu bytes",
				sc_op_name(op->kind), sizeof(a.name));
		return -1;
	}
	ktstr_access_init(&a, kn->target, kn->name, kn->width ? kn->width : 8);
	a.cpu = kn->cpu;
	a.value = kn->value;
	if (kn->target == KTSTR_TARGET_TASK) {
		const struct sc_wk *w = NULL;

		c = op->cgroup ? sc_cg_find(x, op->cgroup) : -1;
		for (int i = 0; c >= 0 && i < x->nwk; i++)
			if (x->wk[i].live && x->wk[i].cg == c &&
			    x->wk[i].index == (int)kn->worker)
				w = &x->wk[i];
		if (!w) {
			sc_harness_fail_cg(x, op->cgroup ? op->cgroup : "",
					   "%s: no live worker %u in cgroup \"%s\"",
					   sc_op_name(op->kind), kn->worker,
					   op->cgroup ? op->cgroup : "(none)");
			return -1;
		}
		a.pid = (__u32)w->pid;
	}
	k = record(x, op, kn->name);
	fd = k ? dev_open(x, op) : -1;
	if (fd < 0)
		return -1;
	if (kn->target == KTSTR_TARGET_TASK &&
	    ktstr_task_start_time(fd, a.pid, &a.start_time, &k->reason)) {
		k->pid = (pid_t)a.pid;
		close(fd);
		return 0;
	}
	if (ktstr_ioctl(fd, write ? KTSTR_IOC_WRITE : KTSTR_IOC_READ, &a) &&
	    !a.hdr.reason) {
		close(fd);
		return refused_without_reason(x, op);
	}
	k->reason = a.hdr.reason;
	k->value = write ? kn->value : a.value;
	k->cpu = kn->target == KTSTR_TARGET_PERCPU ? (int)kn->cpu : -1;
	k->pid = (pid_t)a.pid;
	close(fd);
	return 0;
}

int sc_kernel_op(struct sc_exec *x, const struct sc_op *op)
{
	switch (op->kind) {
	case SC_OP_CAPTURE:
		return capture(x, op);
	case SC_OP_KERNEL_READ:
		return kernel_access(x, op, false);
	case SC_OP_KERNEL_WRITE:
		return kernel_access(x, op, true);
	default:
		return -1;
	}
}
