// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "capture/freeze.h"

/* A queued request; lives on the waiter's stack. */
struct gate_waiter {
	struct gate_waiter *next;
	bool granted;
};

void gate_init(struct capture_gate *g)
{
	pthread_condattr_t a;

	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&g->handover, &a);
	pthread_condattr_destroy(&a);
	g->held = false;
	g->head = NULL;
	g->tail = NULL;
}

void gate_destroy(struct capture_gate *g)
{
	pthread_cond_destroy(&g->handover);
	pthread_mutex_destroy(&g->lock);
}

static struct timespec deadline_after(unsigned int ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

static void unlink_waiter(struct capture_gate *g, struct gate_waiter *w)
{
	struct gate_waiter **pp = &g->head, *prev = NULL;

	while (*pp && *pp != w) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = w->next;
	if (g->tail == w)
		g->tail = prev;
}

int gate_acquire(struct capture_gate *g, enum capture_trigger t,
		 unsigned int wait_ms)
{
	struct timespec until = deadline_after(wait_ms);
	struct gate_waiter me = { NULL, false };
	int r = 0;

	pthread_mutex_lock(&g->lock);
	if (!g->held && !g->head) {
		g->held = true;
		goto out;
	}
	if (t == CAPTURE_PERIODIC) {
		r = -EBUSY;
		goto out;
	}
	if (g->tail)
		g->tail->next = &me;
	else
		g->head = &me;
	g->tail = &me;
	while (!me.granted) {
		if (pthread_cond_timedwait(&g->handover, &g->lock, &until) ==
		    ETIMEDOUT && !me.granted) {
			unlink_waiter(g, &me);
			r = -ETIMEDOUT;
			break;
		}
	}
out:
	pthread_mutex_unlock(&g->lock);
	return r;
}

void gate_release(struct capture_gate *g)
{
	struct gate_waiter *next;

	pthread_mutex_lock(&g->lock);
	next = g->head;
	if (next) {
		/* Hand the gate straight to the oldest waiter: still held. */
		g->head = next->next;
		if (!g->head)
			g->tail = NULL;
		next->granted = true;
		pthread_cond_broadcast(&g->handover);
	} else {
		g->held = false;
	}
	pthread_mutex_unlock(&g->lock);
}

void freezer_init(struct freezer *f, const struct freeze_ops *ops)
{
	memset(f, 0, sizeof(*f));
	gate_init(&f->gate);
	f->ops = *ops;
	f->next_id = 1;
}

void freezer_destroy(struct freezer *f)
{
	gate_destroy(&f->gate);
}

int64_t freeze_capture(struct freezer *f, enum capture_trigger t,
		       unsigned int wait_ms, frozen_fn fn, void *arg,
		       char *err, size_t errlen)
{
	char why[512] = "";
	uint64_t id, t0;
	int r;

	r = gate_acquire(&f->gate, t, wait_ms);
	if (r) {
		snprintf(err, errlen, r == -EBUSY ?
			 "another capture is in flight; periodic capture skipped" :
			 "waited %u ms for another capture to finish", wait_ms);
		return r;
	}
	id = f->next_id++;
	t0 = now_ns();
	r = f->ops.stop(f->ops.ctx, why, sizeof(why));
	if (r) {
		snprintf(err, errlen, "cannot freeze the VM: %s", why);
	} else if (fn(arg, id, why, sizeof(why))) {
		snprintf(err, errlen, "capture %llu failed: %s",
			 (unsigned long long)id, why);
		r = -1;
	}
	/* Thaw on every path, even when the stop looked failed. */
	if (f->ops.cont(f->ops.ctx, why, sizeof(why))) {
		f->thaw_failed = true;
		snprintf(err, errlen, "cannot thaw the VM after capture %llu: %s",
			 (unsigned long long)id, why);
		r = -1;
	}
	f->last_freeze_ns = now_ns() - t0;
	gate_release(&f->gate);
	return r ? -EIO : (int64_t)id;
}
