// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	freezer_destroy(&c->fz);
	guestmem_unmap(&c->gv.mem);
	symtab_free(&c->gv.syms);
}

int capturer_attach_qmp(struct capturer *c, int fd, char *err, size_t errlen)
{
	if (qmp_init(&c->qmp, fd, CAPTURE_QMP_TIMEOUT_MS, err, errlen))
		return -1;
	c->qmp.stop_event_us = 0;
	c->qmp.resume_event_us = 0;
	c->qmp_ok = true;
	return 0;
}

int capturer_set_layout(struct capturer *c, const void *data, size_t len,
			const char *ram_dir, unsigned int nodes,
			uint64_t node_bytes, char *err, size_t errlen)
{
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

int64_t capturer_capture(struct capturer *c, enum capture_trigger t,
			 const char *tag)
{
	struct snapshot *s = calloc(1, sizeof(*s));
	struct take_arg arg = { c, s };
	char err[512], line[2048];
	int64_t id;

	if (!s)
		return -ENOMEM;
	if (!c->qmp_ok || c->fatal) {
		free(s);
		return -ENODEV;
	}
	s->trigger = trigger_name(t);
	c->qmp.stop_event_us = 0;
	c->qmp.resume_event_us = 0;
	snapshot_set_tag(s, tag);
	snprintf(s->step, sizeof(s->step), "%s", c->step);
	id = freeze_capture(&c->fz, t, CAPTURE_QMP_TIMEOUT_MS, take, &arg, err,
			    sizeof(err));
	if (id < 0) {
		errmsg("%s capture failed: %s", s->trigger, err);
		/* A QEMU that stops answering, or a VM left frozen, ends the run. */
		if (c->fz.thaw_failed || c->qmp.dead) {
			c->fatal = true;
			snprintf(c->fatal_msg, sizeof(c->fatal_msg),
				 "freeze coordinator: %s", err);
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

void capturer_release_sync(struct capturer *c)
{
	char err[512];

	if (c->qmp_ok && qmp_run(&c->qmp, "inject-nmi", err, sizeof(err)))
		errmsg("cannot release the guest after a synchronous capture: %s",
		       err);
}

void capturer_tick(struct capturer *c, uint64_t now)
{
	while (c->next < c->nr_periodic && c->at[c->next] <= now) {
		c->next++;
		capturer_capture(c, CAPTURE_PERIODIC, NULL);
	}
}
