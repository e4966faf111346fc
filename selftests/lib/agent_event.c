// SPDX-License-Identifier: GPL-2.0
/*
 * The event socket between test programs and the agent; see
 * agent_event.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent_event.h"
#include "ktstr_env.h"

static int addr_of(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (!path || strlen(path) >= sizeof(a->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(a->sun_path, path, strlen(path) + 1);
	return 0;
}

int kt_event_send(const struct kt_event *e)
{
	const char *path = getenv(KTSTR_ENV_EVENTS);
	struct sockaddr_un a;
	ssize_t n;
	int fd;

	if (!path || !path[0])
		return 0;
	if (addr_of(path, &a))
		return -1;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	n = sendto(fd, e, sizeof(*e), MSG_DONTWAIT, (struct sockaddr *)&a,
		   sizeof(a));
	close(fd);
	return n == (ssize_t)sizeof(*e) ? 0 : -1;
}

int kt_event_listen(const char *path)
{
	struct sockaddr_un a;
	int fd;

	if (addr_of(path, &a))
		return -1;
	unlink(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

int kt_event_recv(int fd, struct kt_event *e)
{
	ssize_t n = recv(fd, e, sizeof(*e), 0);

	if (n < 0)
		return -1;
	if (n != (ssize_t)sizeof(*e) || !e->kind ||
	    e->kind >= KT_EVENT_KIND_MAX || e->reserved ||
	    e->index >= e->nr_steps) {
		errno = EBADMSG;
		return -1;
	}
	e->scenario[KT_EVENT_NAME_LEN - 1] = '\0';
	e->step[KT_EVENT_NAME_LEN - 1] = '\0';
	return 0;
}
