/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events a test program tells the host through the agent: the scenario
 * engine's step boundaries. One fixed-size datagram per event on the
 * agent's event socket ($KTSTR_EVENTS); the agent forwards each as a
 * typed wire message (KTSTR_MSG_STEP). Without the socket (a bare kernel,
 * no agent) sending is a no-op.
 */
#ifndef KTSTR_SELFTESTS_LIB_AGENT_EVENT_H
#define KTSTR_SELFTESTS_LIB_AGENT_EVENT_H

#include <linux/types.h>

#define KT_EVENT_NAME_LEN	32

enum kt_event_kind {
	KT_EVENT_STEP_BEGIN = 1,	/* a step starts (setup, ops, hold) */
	KT_EVENT_STEP_END,		/* its teardown is done */
	KT_EVENT_KIND_MAX,
};

struct kt_event {
	__u32 kind;			/* enum kt_event_kind */
	__u32 index;			/* the step, from 0 */
	__u32 nr_steps;
	__u32 reserved;
	char scenario[KT_EVENT_NAME_LEN];	/* NUL-padded */
	char step[KT_EVENT_NAME_LEN];
};

/* Send @e if an agent listens; 0 also when none does. */
int kt_event_send(const struct kt_event *e);

/* The agent's side: a bound datagram socket, and one event received. */
int kt_event_listen(const char *path);
/*
 * 0 and a checked event (names NUL-terminated); -1 with EAGAIN when none
 * is waiting, EBADMSG for a malformed one.
 */
int kt_event_recv(int fd, struct kt_event *e);

#endif
