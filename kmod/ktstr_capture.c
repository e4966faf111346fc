// SPDX-License-Identifier: GPL-2.0
/*
 * KTSTR_IOC_CAPTURE and the relay that carries it to the host.
 *
 * A relay is a file of /dev/ktstr that has called RELAY_WAIT (the guest
 * agent); it stays registered until that file is released. CAPTURE posts
 * one request and sleeps until a relay answers it:
 *
 *   CAPTURE         IDLE -> PENDING       (no relay: KTSTR_E_NO_HOST)
 *   RELAY_WAIT      PENDING -> PICKED     (request_id, tag handed out)
 *   RELAY_DONE      PICKED -> DONE        (by the relay that picked it)
 *   CAPTURE returns DONE -> IDLE          (capture_id, or the failure)
 *
 * Captures are queued, not interleaved: CAPTURE callers wait their turn on
 * a mutex (interruptibly), and only one request is ever in flight.
 *
 * Nothing is lost when a process dies:
 *  - the CAPTURE caller, interrupted by a signal (KTSTR_E_INTERRUPTED),
 *    withdraws its request; a relay that answers it later gets
 *    KTSTR_E_NO_REQUEST, as request ids are never reused;
 *  - a relay released while holding a picked request fails it with
 *    KTSTR_E_HOST_FAILED; the last relay released while a request is
 *    still pending fails it with KTSTR_E_NO_HOST;
 *  - a relay whose RELAY_WAIT cannot copy the request out puts it back for
 *    another relay (or its own retry).
 *
 * A relay holds at most one request: RELAY_WAIT before answering the one
 * it holds is KTSTR_E_BUSY. RELAY_DONE with a result other than KTSTR_OK
 * fails the CAPTURE with KTSTR_E_HOST_FAILED; a result beyond the reasons
 * of the ABI is KTSTR_E_VALUE.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "ktstr.h"

enum ktstr_req_state {
	KTSTR_REQ_IDLE,
	KTSTR_REQ_PENDING,
	KTSTR_REQ_PICKED,
	KTSTR_REQ_DONE,
};

/* One CAPTURE at a time; the others queue here. */
static DEFINE_MUTEX(ktstr_capture_gate);
/* Protects the request and the relay count below. */
static DEFINE_SPINLOCK(ktstr_relay_lock);
/* Relays in RELAY_WAIT. */
static DECLARE_WAIT_QUEUE_HEAD(ktstr_relay_wq);
/* The CAPTURE caller waiting for its request to be DONE. */
static DECLARE_WAIT_QUEUE_HEAD(ktstr_done_wq);

static unsigned int ktstr_nr_relays;
static u64 ktstr_next_id;

static struct {
	enum ktstr_req_state state;
	u64 id;
	char tag[KTSTR_TAG_LEN];
	struct ktstr_file *picker;	/* the relay holding it when PICKED */
	u32 reason;			/* when DONE: KTSTR_OK or why not */
	u64 capture_id;			/* when DONE with KTSTR_OK */
} ktstr_req;

bool ktstr_relay_attached(void)
{
	return READ_ONCE(ktstr_nr_relays) > 0;
}

static bool ktstr_req_is(enum ktstr_req_state state)
{
	return READ_ONCE(ktstr_req.state) == state;
}

/* Under ktstr_relay_lock. */
static void ktstr_req_finish(u32 reason, u64 capture_id)
{
	ktstr_req.reason = reason;
	ktstr_req.capture_id = capture_id;
	ktstr_req.picker = NULL;
	WRITE_ONCE(ktstr_req.state, KTSTR_REQ_DONE);
}

long ktstr_capture(struct file *file, void *req, void __user *uarg)
{
	struct ktstr_capture *c = req;
	u64 capture_id = 0;
	u32 reason;

	if (c->reserved[0] || c->reserved[1])
		return ktstr_fail(&c->hdr, KTSTR_E_RESERVED);
	if (!ktstr_name_ok(c->tag, sizeof(c->tag)))
		return ktstr_fail(&c->hdr, KTSTR_E_NAME);

	if (mutex_lock_interruptible(&ktstr_capture_gate))
		return ktstr_fail(&c->hdr, KTSTR_E_INTERRUPTED);

	spin_lock(&ktstr_relay_lock);
	if (!ktstr_nr_relays) {
		spin_unlock(&ktstr_relay_lock);
		mutex_unlock(&ktstr_capture_gate);
		return ktstr_fail(&c->hdr, KTSTR_E_NO_HOST);
	}
	ktstr_req.id = ++ktstr_next_id;
	memcpy(ktstr_req.tag, c->tag, sizeof(ktstr_req.tag));
	ktstr_req.picker = NULL;
	ktstr_req.reason = KTSTR_OK;
	ktstr_req.capture_id = 0;
	WRITE_ONCE(ktstr_req.state, KTSTR_REQ_PENDING);
	spin_unlock(&ktstr_relay_lock);
	wake_up_interruptible(&ktstr_relay_wq);

	/* a signal is seen below: the request is withdrawn unless DONE */
	wait_event_interruptible(ktstr_done_wq, ktstr_req_is(KTSTR_REQ_DONE));

	spin_lock(&ktstr_relay_lock);
	if (ktstr_req.state == KTSTR_REQ_DONE) {
		reason = ktstr_req.reason;
		capture_id = ktstr_req.capture_id;
	} else {
		reason = KTSTR_E_INTERRUPTED;
	}
	ktstr_req.picker = NULL;
	WRITE_ONCE(ktstr_req.state, KTSTR_REQ_IDLE);
	spin_unlock(&ktstr_relay_lock);
	mutex_unlock(&ktstr_capture_gate);

	if (reason)
		return ktstr_fail(&c->hdr, reason);
	c->capture_id = capture_id;
	return 0;
}

long ktstr_relay_wait(struct file *file, void *req, void __user *uarg)
{
	struct ktstr_file *kf = file->private_data;
	struct ktstr_relay *r = req;
	bool busy, requeue = false;

	if (r->reserved32 || r->reserved[0] || r->reserved[1])
		return ktstr_fail(&r->hdr, KTSTR_E_RESERVED);

	spin_lock(&ktstr_relay_lock);
	if (!kf->relay) {
		kf->relay = true;
		WRITE_ONCE(ktstr_nr_relays, ktstr_nr_relays + 1);
	}
	busy = ktstr_req.state == KTSTR_REQ_PICKED && ktstr_req.picker == kf;
	spin_unlock(&ktstr_relay_lock);
	if (busy)
		return ktstr_fail(&r->hdr, KTSTR_E_BUSY);

	for (;;) {
		if (wait_event_interruptible(ktstr_relay_wq,
					     ktstr_req_is(KTSTR_REQ_PENDING)))
			return ktstr_fail(&r->hdr, KTSTR_E_INTERRUPTED);
		spin_lock(&ktstr_relay_lock);
		if (ktstr_req.state == KTSTR_REQ_PENDING) {
			WRITE_ONCE(ktstr_req.state, KTSTR_REQ_PICKED);
			ktstr_req.picker = kf;
			r->request_id = ktstr_req.id;
			memcpy(r->tag, ktstr_req.tag, sizeof(r->tag));
			spin_unlock(&ktstr_relay_lock);
			break;
		}
		/* another relay was faster */
		spin_unlock(&ktstr_relay_lock);
	}

	r->capture_id = 0;
	r->result = KTSTR_OK;
	if (!copy_to_user(uarg, r, sizeof(*r)))
		return 0;

	spin_lock(&ktstr_relay_lock);
	if (ktstr_req.state == KTSTR_REQ_PICKED && ktstr_req.picker == kf &&
	    ktstr_req.id == r->request_id) {
		ktstr_req.picker = NULL;
		WRITE_ONCE(ktstr_req.state, KTSTR_REQ_PENDING);
		requeue = true;
	}
	spin_unlock(&ktstr_relay_lock);
	if (requeue)
		wake_up_interruptible(&ktstr_relay_wq);
	return -EFAULT;
}

long ktstr_relay_done(struct file *file, void *req, void __user *uarg)
{
	struct ktstr_file *kf = file->private_data;
	struct ktstr_relay *r = req;

	if (r->reserved32 || r->reserved[0] || r->reserved[1])
		return ktstr_fail(&r->hdr, KTSTR_E_RESERVED);
	if (r->result >= KTSTR_REASON_MAX)
		return ktstr_fail(&r->hdr, KTSTR_E_VALUE);

	spin_lock(&ktstr_relay_lock);
	if (ktstr_req.state != KTSTR_REQ_PICKED || ktstr_req.picker != kf ||
	    ktstr_req.id != r->request_id) {
		spin_unlock(&ktstr_relay_lock);
		return ktstr_fail(&r->hdr, KTSTR_E_NO_REQUEST);
	}
	if (r->result == KTSTR_OK)
		ktstr_req_finish(KTSTR_OK, r->capture_id);
	else
		ktstr_req_finish(KTSTR_E_HOST_FAILED, 0);
	spin_unlock(&ktstr_relay_lock);
	wake_up_interruptible(&ktstr_done_wq);
	return 0;
}

void ktstr_relay_release(struct ktstr_file *kf)
{
	bool wake = false;

	if (!kf->relay)
		return;
	spin_lock(&ktstr_relay_lock);
	WRITE_ONCE(ktstr_nr_relays, ktstr_nr_relays - 1);
	if (ktstr_req.state == KTSTR_REQ_PICKED && ktstr_req.picker == kf) {
		ktstr_req_finish(KTSTR_E_HOST_FAILED, 0);
		wake = true;
	} else if (ktstr_req.state == KTSTR_REQ_PENDING && !ktstr_nr_relays) {
		ktstr_req_finish(KTSTR_E_NO_HOST, 0);
		wake = true;
	}
	spin_unlock(&ktstr_relay_lock);
	if (wake)
		wake_up_interruptible(&ktstr_done_wq);
}
