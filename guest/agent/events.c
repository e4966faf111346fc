// SPDX-License-Identifier: GPL-2.0
/*
 * Test programs' events (selftests/lib/agent_event.h) to the host: the
 * agent binds the event socket before the job starts and forwards every
 * well-formed event as a KTSTR_MSG_STEP frame; malformed ones are
 * dropped and counted in the log.
 *
 * The capture relay runs in a thread of its own: before it forwards a
 * capture it sends the events already queued, under the same lock, so a
 * step a test began before asking for a capture reaches the host first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <pthread.h>

#include "agent.h"
#include "agent_event.h"
#include "ktstr_env.h"

static pthread_mutex_t events_lock = PTHREAD_MUTEX_INITIALIZER;
static int events_fd = -1;

int events_open(struct port *p)
{
	int fd = kt_event_listen(AGENT_EVENTS_SOCK);

	if (fd < 0) {
		port_log(p, "no event socket %s: scenario steps will not reach the host",
			 AGENT_EVENTS_SOCK);
		return -1;
	}
	setenv(KTSTR_ENV_EVENTS, AGENT_EVENTS_SOCK, 1);
	pthread_mutex_lock(&events_lock);
	events_fd = fd;
	pthread_mutex_unlock(&events_lock);
	return fd;
}

static void forward_locked(struct port *p, int fd)
{
	static unsigned int dropped;
	struct kt_event e;
	uint8_t buf[256];
	size_t off;

	for (int i = 0; i < 64; i++) {
		if (kt_event_recv(fd, &e)) {
			if (errno != EBADMSG)
				return;		/* drained */
			if (!dropped++)
				port_log(p, "a malformed event from a test program was dropped");
			continue;
		}
		off = 0;
		if (wire_tlv_put_u32(buf, sizeof(buf), &off, KTSTR_TLV_STEP_KIND, e.kind) ||
		    wire_tlv_put_u32(buf, sizeof(buf), &off, KTSTR_TLV_STEP_INDEX, e.index) ||
		    wire_tlv_put_u32(buf, sizeof(buf), &off, KTSTR_TLV_STEP_COUNT,
				     e.nr_steps) ||
		    wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_STEP_SCENARIO,
				     e.scenario) ||
		    wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_STEP_NAME, e.step))
			continue;
		port_send(p, KTSTR_MSG_STEP, buf, off);
	}
}

void events_forward(struct port *p, int fd)
{
	pthread_mutex_lock(&events_lock);
	forward_locked(p, fd);
	pthread_mutex_unlock(&events_lock);
}

int events_send_after(struct port *p, uint16_t type, const void *payload,
		      size_t len)
{
	int r;

	pthread_mutex_lock(&events_lock);
	if (events_fd >= 0)
		forward_locked(p, events_fd);
	r = port_send(p, type, payload, len);
	pthread_mutex_unlock(&events_lock);
	return r;
}

void events_close(int fd)
{
	if (fd < 0)
		return;
	pthread_mutex_lock(&events_lock);
	events_fd = -1;
	pthread_mutex_unlock(&events_lock);
	close(fd);
	unlink(AGENT_EVENTS_SOCK);
	unsetenv(KTSTR_ENV_EVENTS);
}
