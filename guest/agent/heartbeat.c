// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's heartbeat: a thread that tells the host every
 * KTSTR_HEARTBEAT_MS that the guest still runs user space. When the
 * heartbeats stop (the kernel hangs, or nothing in user space gets a CPU),
 * the host freezes the VM, captures it and says guest-hung instead of
 * waiting for --timeout. The thread is named, so a snapshot shows it.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <time.h>

#include "agent.h"

#define HEARTBEAT_COMM	"ktstr-heartbeat"

static void *beat(void *arg)
{
	struct port *p = arg;
	struct timespec next;

	prctl(PR_SET_NAME, HEARTBEAT_COMM);
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (;;) {
		port_send(p, KTSTR_MSG_HEARTBEAT, NULL, 0);
		next.tv_nsec += (KTSTR_HEARTBEAT_MS % 1000) * 1000000L;
		next.tv_sec += KTSTR_HEARTBEAT_MS / 1000 +
			       next.tv_nsec / 1000000000L;
		next.tv_nsec %= 1000000000L;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return NULL;
}

void heartbeat_start(struct port *p)
{
	pthread_attr_t a;
	pthread_t t;

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &a, beat, p))
		port_log(p, "no heartbeat thread: a hung guest is found only at --timeout");
	pthread_attr_destroy(&a);
}
