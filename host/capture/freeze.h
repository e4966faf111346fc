/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The freeze coordinator: freeze the VM (QMP stop: QEMU parks every vCPU
 * and drains block I/O before it answers), run a capture while it is
 * frozen, thaw (QMP cont). One capture at a time through a gate shared
 * by every capture path; the gate is released and the guest thawed on
 * every exit path, errors included.
 */
#ifndef KTSTR_HOST_FREEZE_H
#define KTSTR_HOST_FREEZE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

enum capture_trigger {
	CAPTURE_PERIODIC,	/* --snapshots: skipped if another is in flight */
	CAPTURE_GUEST,		/* ktstr-ctl capture: queued */
	CAPTURE_FAILURE,	/* a failure: queued */
};

/*
 * The gate. Periodic captures are rejected while it is held (a late
 * periodic snapshot is worthless); every other trigger queues, FIFO, up
 * to a deadline.
 */
struct gate_waiter;

struct capture_gate {
	pthread_mutex_t lock;
	pthread_cond_t handover;
	bool held;
	struct gate_waiter *head, *tail;	/* FIFO of queued requests */
};

void gate_init(struct capture_gate *g);
void gate_destroy(struct capture_gate *g);
/* 0 when acquired; -EBUSY (periodic, held) or -ETIMEDOUT. */
int gate_acquire(struct capture_gate *g, enum capture_trigger t,
		 unsigned int wait_ms);
void gate_release(struct capture_gate *g);

/* How to freeze and thaw: QMP in production, fakes in tests. */
struct freeze_ops {
	int (*stop)(void *ctx, char *err, size_t errlen);
	int (*cont)(void *ctx, char *err, size_t errlen);
	void *ctx;
};

struct freezer {
	struct capture_gate gate;
	struct freeze_ops ops;
	uint64_t next_id;		/* capture ids, in order from 1 */
	uint64_t last_freeze_ns;	/* duration of the last stop..cont */
	bool thaw_failed;		/* the VM may be stuck frozen: fatal */
};

void freezer_init(struct freezer *f, const struct freeze_ops *ops);
void freezer_destroy(struct freezer *f);

/* What runs while the VM is frozen; returns 0 or -1 with @err set. */
typedef int (*frozen_fn)(void *arg, uint64_t capture_id, char *err,
			 size_t errlen);

/*
 * Freeze, run @fn, thaw. Returns the capture id (>= 1), or a negative
 * errno with one line in @err: -EBUSY (gate held, periodic), -ETIMEDOUT
 * (queued too long), -EIO (freeze, capture or thaw failed; the thaw is
 * always attempted).
 */
int64_t freeze_capture(struct freezer *f, enum capture_trigger t,
		       unsigned int wait_ms, frozen_fn fn, void *arg,
		       char *err, size_t errlen);

#endif
