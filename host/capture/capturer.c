// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "capture/capturer.h"
#include "capture/snapshot.h"

static int qmp_stop(void *ctx, char *err, size_t errlen)
{
	struct capturer *c = ctx;
	uint64_t t0 = now_ns();
	int r = qmp_run(&c->qmp, "stop", err, errlen);

	c->stop_ns = now_ns() - t0;
	return r;
}

static int qmp_cont(void *ctx, char *err, size_t errlen)
{
	struct capturer *c = ctx;
	uint64_t t0 = now_ns();
	int r = qmp_run(&c->qmp, "cont", err, errlen);

	c->cont_ns = now_ns() - t0;
	return r;
}

void capturer_init(struct capturer *c, const char *output_dir,
		   const char *vmlinux)
{
	struct freeze_ops ops = { qmp_stop, qmp_cont, NULL };
	char err[512];

	memset(c, 0, sizeof(*c));
	c->qmp.fd = -1;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	pthread_cond_init(&c->idle, NULL);
	c->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ops.ctx = c;
	freezer_init(&c->fz, &ops);
	c->output_dir = output_dir;
	if (vmlinux && !access(vmlinux, R_OK))
		c->gv.have_syms = !symtab_load(&c->gv.syms, vmlinux, err,
					       sizeof(err));
	if (c->gv.have_syms)
		c->gv.text_link = symtab_lookup(&c->gv.syms, "_text");
}

void capturer_destroy(struct capturer *c)
{
	if (c->running) {
		pthread_mutex_lock(&c->lock);
		c->quit = true;
		pthread_cond_broadcast(&c->wake);
		pthread_mutex_unlock(&c->lock);
		pthread_join(c->thread, NULL);
	}
	if (c->done_fd >= 0)
		close(c->done_fd);
	pthread_cond_destroy(&c->idle);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	freezer_destroy(&c->fz);
	guestmem_unmap(&c->gv.mem);
	symtab_free(&c->gv.syms);
}

static void *capture_thread(void *arg);

int capturer_attach_qmp(struct capturer *c, int fd, char *err, size_t errlen)
{
	if (c->done_fd < 0) {
		snprintf(err, errlen, "no eventfd for the capture thread");
		return -1;
	}
	if (qmp_init(&c->qmp, fd, CAPTURE_QMP_TIMEOUT_MS, err, errlen))
		return -1;
	c->qmp.stop_event_us = 0;
	c->qmp.resume_event_us = 0;
	c->qmp_ok = true;
	if (pthread_create(&c->thread, NULL, capture_thread, c)) {
		snprintf(err, errlen, "cannot start the capture thread");
		c->qmp_ok = false;
		return -1;
	}
	c->running = true;
	return 0;
}

int capturer_set_layout(struct capturer *c, const void *data, size_t len,
			const char *ram_dir, unsigned int nodes,
			uint64_t node_bytes, char *err, size_t errlen)
{
	/* The thread reads the view: not while it changes. */
	capturer_wait_idle(c, 4 * CAPTURE_QMP_TIMEOUT_MS);
	if (guest_view_set_layout(&c->gv, data, len, err, errlen))
		return -1;
	if (!c->gv.mem.nodes &&
	    guestmem_map(&c->gv.mem, ram_dir, nodes, node_bytes, err, errlen)) {
		c->gv.have_layout = false;
		return -1;
	}
	return 0;
}

void capturer_schedule(struct capturer *c, uint64_t start_ns, unsigned int n,
		       uint64_t window_ns)
{
	uint64_t gap;

	if (n > CAPTURE_MAX_PERIODIC)
		n = CAPTURE_MAX_PERIODIC;
	c->nr_periodic = n;
	c->next = 0;
	gap = n > 1 ? window_ns * 8 / 10 / (n - 1) : 0;
	if (n > 1 && gap < CAPTURE_MIN_GAP_NS)
		gap = CAPTURE_MIN_GAP_NS;
	for (unsigned int i = 0; i < n; i++)
		c->at[i] = start_ns + (n == 1 ? window_ns / 2 :
				       window_ns / 10 + gap * i);
}

uint64_t capturer_next_due(const struct capturer *c)
{
	return c->next < c->nr_periodic ? c->at[c->next] : UINT64_MAX;
}

struct take_arg {
	struct capturer *c;
	struct snapshot *s;
};

static int take(void *arg, uint64_t id, char *err, size_t errlen)
{
	struct take_arg *t = arg;

	t->s->id = id;
	return snapshot_take(t->s, &t->c->qmp, &t->c->gv, err, errlen);
}

static const char *trigger_name(enum capture_trigger t)
{
	static const char *const names[] = {
		[CAPTURE_PERIODIC] = "periodic", [CAPTURE_GUEST] = "guest",
		[CAPTURE_FAILURE] = "failure",
	};

	return names[t];
}

/* On the thread: freeze, capture, thaw. The id or a negative errno. */
static int64_t capture_now(struct capturer *c, const struct capture_req *r)
{
	enum capture_trigger t = r->trigger;
	struct snapshot *s = calloc(1, sizeof(*s));
	struct take_arg arg = { c, s };
	char err[512], line[2048];
	int64_t id;

	if (!s)
		return -ENOMEM;
	if (!c->qmp_ok || atomic_load(&c->fatal)) {
		free(s);
		return -ENODEV;
	}
	s->trigger = trigger_name(t);
	c->qmp.stop_event_us = 0;
	c->qmp.resume_event_us = 0;
	snapshot_set_tag(s, r->tag[0] ? r->tag : NULL);
	snprintf(s->step, sizeof(s->step), "%s", r->step);
	atomic_fetch_add(&c->frozen, 1);
	id = freeze_capture(&c->fz, t, CAPTURE_QMP_TIMEOUT_MS, take, &arg, err,
			    sizeof(err));
	if (id < 0) {
		errmsg("%s capture failed: %s", s->trigger, err);
		/* A QEMU that stops answering, or a VM left frozen, ends the run. */
		if (c->fz.thaw_failed || c->qmp.dead) {
			snprintf(c->fatal_msg, sizeof(c->fatal_msg),
				 "freeze coordinator: %s", err);
			atomic_store(&c->fatal, true);
		}
		free(s);
		return id;
	}
	s->freeze_ns = c->fz.last_freeze_ns;
	s->stop_ns = c->stop_ns;
	s->cont_ns = c->cont_ns;
	if (c->qmp.resume_event_us > c->qmp.stop_event_us &&
	    c->qmp.stop_event_us)
		s->frozen_ns = (c->qmp.resume_event_us -
				c->qmp.stop_event_us) * 1000;
	if (c->output_dir &&
	    snapshot_write(s, &c->gv, c->output_dir, err, sizeof(err)) < 0)
		errmsg("%s", err);
	c->taken++;
	c->last_id = id;
	snapshot_longest_wait(s, c->last_wait, sizeof(c->last_wait));
	snapshot_summary(s, line, sizeof(line));
	errmsg("%s", line);
	free(s);
	return id;
}

/* Release a guest parked for a synchronous capture (QMP inject-nmi). */
static void release_sync(struct capturer *c)
{
	char err[512];

	if (c->qmp_ok && qmp_run(&c->qmp, "inject-nmi", err, sizeof(err)))
		errmsg("cannot release the guest after a synchronous capture: %s",
		       err);
}

static void *capture_thread(void *arg)
{
	struct capturer *c = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&c->lock);
	for (;;) {
		struct capture_req r;
		int64_t id;

		while (!c->qlen && !c->quit)
			pthread_cond_wait(&c->wake, &c->lock);
		if (c->quit)
			break;
		r = c->queue[c->qhead];
		c->qhead = (c->qhead + 1) % CAPTURE_QUEUE_MAX;
		c->qlen--;
		c->in_flight = true;
		pthread_mutex_unlock(&c->lock);

		id = capture_now(c, &r);
		if (r.release_nmi)
			release_sync(c);

		pthread_mutex_lock(&c->lock);
		c->done[c->dlen].req = r;
		c->done[c->dlen].id = id;
		c->dlen++;
		c->in_flight = false;
		if (write(c->done_fd, &one, sizeof(one)) < 0)
			errmsg("capture thread: cannot signal the event loop");
		pthread_cond_broadcast(&c->idle);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

int capturer_submit(struct capturer *c, enum capture_trigger t,
		    const char *tag, bool release_nmi, int kind,
		    uint32_t cookie)
{
	struct capture_req *r;
	int ret = 0;

	if (!c->running || atomic_load(&c->fatal))
		return -ENODEV;
	pthread_mutex_lock(&c->lock);
	/* Room for its result too: nothing submitted is ever dropped. */
	if (c->qlen + c->dlen + c->in_flight >= CAPTURE_QUEUE_MAX) {
		ret = -EBUSY;
		goto out;
	}
	r = &c->queue[(c->qhead + c->qlen) % CAPTURE_QUEUE_MAX];
	memset(r, 0, sizeof(*r));
	r->trigger = t;
	snprintf(r->tag, sizeof(r->tag), "%s", tag ? tag : "");
	snprintf(r->step, sizeof(r->step), "%s", c->step);
	r->release_nmi = release_nmi;
	r->kind = kind;
	r->cookie = cookie;
	c->qlen++;
	pthread_cond_signal(&c->wake);
out:
	pthread_mutex_unlock(&c->lock);
	return ret;
}

unsigned int capturer_collect(struct capturer *c, struct capture_done *out,
			      unsigned int max)
{
	uint64_t count;
	unsigned int n;

	if (read(c->done_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		errmsg("capture results: cannot read the eventfd");
	pthread_mutex_lock(&c->lock);
	n = c->dlen < max ? c->dlen : max;
	memcpy(out, c->done, n * sizeof(*out));
	memmove(c->done, c->done + n, (c->dlen - n) * sizeof(*out));
	c->dlen -= n;
	pthread_mutex_unlock(&c->lock);
	return n;
}

bool capturer_busy(struct capturer *c)
{
	bool busy;

	pthread_mutex_lock(&c->lock);
	busy = c->qlen || c->in_flight;
	pthread_mutex_unlock(&c->lock);
	return busy;
}

bool capturer_wait_idle(struct capturer *c, unsigned int ms)
{
	struct timespec until;
	bool busy;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&c->lock);
	while ((c->qlen || c->in_flight) &&
	       !pthread_cond_timedwait(&c->idle, &c->lock, &until))
		;
	busy = c->qlen || c->in_flight;
	pthread_mutex_unlock(&c->lock);
	return !busy;
}

void capturer_tick(struct capturer *c, uint64_t now)
{
	while (c->next < c->nr_periodic && c->at[c->next] <= now) {
		c->next++;
		if (capturer_busy(c))
			errmsg("periodic capture skipped: another capture is in flight");
		else
			capturer_submit(c, CAPTURE_PERIODIC, NULL, false, 0, 0);
	}
}
