// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>

#include "vm/evloop.h"

void ev_init(struct evloop *l, void *ctx)
{
	l->n = 0;
	l->ctx = ctx;
}

int ev_add(struct evloop *l, int *fd, ev_handler_fn fn)
{
	if (l->n >= EV_MAX_SOURCES)
		return -1;
	l->src[l->n].fd = fd;
	l->src[l->n].handler = fn;
	l->n++;
	return 0;
}

int ev_poll(struct evloop *l, int timeout_ms)
{
	struct pollfd p[EV_MAX_SOURCES];
	int served = 0;

	for (unsigned int i = 0; i < l->n; i++) {
		p[i].fd = *l->src[i].fd;
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	if (poll(p, l->n, timeout_ms) < 0)
		return errno == EINTR ? 0 : -1;
	for (unsigned int i = 0; i < l->n; i++) {
		/* Skip a source whose fd a handler before it replaced. */
		if (!p[i].revents || p[i].fd != *l->src[i].fd)
			continue;
		l->src[i].handler(l->ctx);
		served++;
	}
	return served;
}
