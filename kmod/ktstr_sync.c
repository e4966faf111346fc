// SPDX-License-Identifier: GPL-2.0
/*
 * KTSTR_IOC_CAPTURE_SYNC: the host captures while every CPU is parked.
 *
 * stop_machine() runs ktstr_sync_park() on the calling CPU while every
 * other online CPU spins with interrupts off, so jiffies_64 cannot move.
 * The callback reads it, tells the host through the sync port (an
 * isa-debugcon device: each outb() reaches the host's socket before the
 * vCPU goes on) and spins until the host's NMI says it has frozen,
 * captured and thawed the VM. The host's snapshot and what this returns
 * describe the same moment.
 *
 * The NMI reaches every CPU. While a sync capture is under way, and for a
 * grace second after, the handler claims NMIs so the late ones are not
 * reported as unknown.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/stop_machine.h>
#include <linux/string.h>
#include <asm/nmi.h>

#include "ktstr.h"

#define KTSTR_SYNC_TIMEOUT_US	(2 * USEC_PER_SEC)

static DEFINE_MUTEX(ktstr_sync_lock);
static atomic_t ktstr_sync_active = ATOMIC_INIT(0);
static atomic_t ktstr_sync_released = ATOMIC_INIT(0);
static unsigned long ktstr_sync_grace_until;

struct ktstr_sync_ctx {
	struct ktstr_capture_sync *req;
	bool released;
};

static int ktstr_sync_nmi(unsigned int type, struct pt_regs *regs)
{
	if (atomic_read(&ktstr_sync_active)) {
		atomic_set(&ktstr_sync_released, 1);
		return NMI_HANDLED;
	}
	return time_before(jiffies, READ_ONCE(ktstr_sync_grace_until)) ?
	       NMI_HANDLED : NMI_DONE;
}

bool ktstr_sync_host(const char *tag)
{
	const char *c;
	bool released;
	u32 waited;

	atomic_set(&ktstr_sync_released, 0);
	atomic_set(&ktstr_sync_active, 1);
	for (c = tag; *c; c++)
		outb(*c, KTSTR_SYNC_PORT);
	outb('\n', KTSTR_SYNC_PORT);
	for (waited = 0; waited < KTSTR_SYNC_TIMEOUT_US; waited++) {
		if (atomic_read(&ktstr_sync_released))
			break;
		udelay(1);
	}
	released = atomic_read(&ktstr_sync_released);
	WRITE_ONCE(ktstr_sync_grace_until, jiffies + HZ);
	atomic_set(&ktstr_sync_active, 0);
	return released;
}

static int ktstr_sync_park(void *data)
{
	struct ktstr_sync_ctx *ctx = data;
	struct ktstr_capture_sync *req = ctx->req;
	u64 t0 = ktime_get_ns();

	req->jiffies = get_jiffies_64();
	req->scx_state = ktstr_scx_state();
	ctx->released = ktstr_sync_host(req->tag);
	req->parked_ns = ktime_get_ns() - t0;
	return 0;
}

long ktstr_capture_sync(struct file *file, void *data, void __user *uarg)
{
	struct ktstr_capture_sync *req = data;
	struct ktstr_sync_ctx ctx = { .req = req };
	int ret;

	if (req->reserved32 || req->reserved[0] || req->reserved[1] ||
	    req->jiffies || req->parked_ns || req->scx_state)
		return ktstr_fail(&req->hdr, KTSTR_E_RESERVED);
	if (!ktstr_name_ok(req->tag, sizeof(req->tag)))
		return ktstr_fail(&req->hdr, KTSTR_E_NAME);
	/* A newline would end the tag early on the port. */
	if (strchr(req->tag, '\n'))
		return ktstr_fail(&req->hdr, KTSTR_E_NAME);
	/* The module's own tag: the host takes it for a sched_ext exit. */
	if (!strcmp(req->tag, KTSTR_SYNC_TAG_SCHED_ERROR))
		return ktstr_fail(&req->hdr, KTSTR_E_NAME);
	if (!ktstr_relay_attached())
		return ktstr_fail(&req->hdr, KTSTR_E_NO_HOST);
	if (mutex_lock_interruptible(&ktstr_sync_lock))
		return ktstr_fail(&req->hdr, KTSTR_E_INTERRUPTED);
	ret = stop_machine(ktstr_sync_park, &ctx, NULL);
	mutex_unlock(&ktstr_sync_lock);
	if (ret)
		return ret;
	if (!ctx.released)
		return ktstr_fail(&req->hdr, KTSTR_E_HOST_FAILED);
	return 0;
}

int ktstr_sync_init(void)
{
	return register_nmi_handler(NMI_LOCAL, ktstr_sync_nmi, 0, "ktstr");
}

void ktstr_sync_exit(void)
{
	unregister_nmi_handler(NMI_LOCAL, "ktstr");
}
