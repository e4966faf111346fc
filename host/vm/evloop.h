/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM's event loop: a table of sources, each an fd and the handler that
 * serves it, polled together. A source's fd is read through a pointer, so
 * a handler may close it (-1: skipped) or replace it (a listening socket
 * becoming the accepted connection) and the table follows.
 */
#ifndef KTSTR_HOST_VM_EVLOOP_H
#define KTSTR_HOST_VM_EVLOOP_H

#define EV_MAX_SOURCES	16

typedef void (*ev_handler_fn)(void *ctx);

struct ev_source {
	int *fd;
	ev_handler_fn handler;
};

struct evloop {
	struct ev_source src[EV_MAX_SOURCES];
	unsigned int n;
	void *ctx;		/* passed to every handler */
};

void ev_init(struct evloop *l, void *ctx);
/* Sources are served in the order they were added. */
int ev_add(struct evloop *l, int *fd, ev_handler_fn fn);
/*
 * Wait up to @timeout_ms (-1: no limit) and run the handler of each ready
 * source. Returns the number served, or -1 if poll() failed other than by
 * a signal.
 */
int ev_poll(struct evloop *l, int timeout_ms);

#endif
