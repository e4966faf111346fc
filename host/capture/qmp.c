// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"
#include "capture/qmp.h"

/*
 * Wait for one complete line and parse it. Returns the object, or NULL
 * with @err set once @deadline (monotonic ns) passes or the peer closes.
 */
static struct json_object *read_message(struct qmp *q, uint64_t deadline,
					char *err, size_t errlen)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);
		struct pollfd p = { .fd = q->fd, .events = POLLIN };
		uint64_t now = now_ns();
		ssize_t n;

		if (nl) {
			struct json_object *o;
			size_t line = (size_t)(nl - q->buf) + 1;

			*nl = '\0';
			o = json_tokener_parse(q->buf);
			memmove(q->buf, q->buf + line, q->len - line);
			q->len -= line;
			if (o && json_object_is_type(o, json_type_object))
				return o;
			json_object_put(o);
			continue;	/* not a JSON object: skip the line */
		}
		if (q->len == sizeof(q->buf)) {
			snprintf(err, errlen, "QMP sent a line longer than %d bytes",
				 QMP_BUF);
			return NULL;
		}
		if (now >= deadline) {
			q->dead = true;
			snprintf(err, errlen, "QMP did not answer within %u ms",
				 q->timeout_ms);
			return NULL;
		}
		if (poll(&p, 1, (int)((deadline - now) / 1000000) + 1) < 0 &&
		    errno != EINTR) {
			snprintf(err, errlen, "QMP poll: %s", strerror(errno));
			return NULL;
		}
		if (!p.revents)
			continue;
		n = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (n <= 0) {
			q->dead = true;
			snprintf(err, errlen, "QMP socket closed%s%s",
				 n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			return NULL;
		}
		q->len += (size_t)n;
	}
}

static int send_command(struct qmp *q, const char *cmd,
			struct json_object *args, char *err, size_t errlen)
{
	struct json_object *o = json_object_new_object();
	const char *text;
	char *line;
	int r;

	json_object_object_add(o, "execute", json_object_new_string(cmd));
	if (args)
		json_object_object_add(o, "arguments", args);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	r = asprintf(&line, "%s\n", text);
	/* MSG_NOSIGNAL: a QEMU that went away is an error, not a SIGPIPE. */
	if (r > 0)
		r = send(q->fd, line, (size_t)r, MSG_NOSIGNAL) == r ? 0 : -1;
	if (r < 0 && errno == EPIPE)
		q->dead = true;
	if (r < 0)
		snprintf(err, errlen, "cannot send QMP '%s': %s", cmd,
			 errno == EPIPE ? "QMP socket closed (QEMU gone?)" :
			 strerror(errno));
	if (r >= 0)
		free(line);
	json_object_put(o);
	return r < 0 ? -1 : 0;
}

/* Keep the timestamps of STOP and RESUME: QEMU's view of the freeze. */
static void note_event(struct qmp *q, struct json_object *o)
{
	struct json_object *ev, *ts, *sec, *usec;
	uint64_t us;

	if (!json_object_object_get_ex(o, "event", &ev) ||
	    !json_object_object_get_ex(o, "timestamp", &ts) ||
	    !json_object_object_get_ex(ts, "seconds", &sec) ||
	    !json_object_object_get_ex(ts, "microseconds", &usec))
		return;
	us = (uint64_t)json_object_get_int64(sec) * 1000000ull +
	     (uint64_t)json_object_get_int64(usec);
	if (!strcmp(json_object_get_string(ev), "STOP"))
		q->stop_event_us = us;
	else if (!strcmp(json_object_get_string(ev), "RESUME"))
		q->resume_event_us = us;
}

struct json_object *qmp_exec(struct qmp *q, const char *cmd,
			     struct json_object *args, char *err,
			     size_t errlen)
{
	uint64_t deadline = now_ns() + (uint64_t)q->timeout_ms * 1000000ull;
	char why[256];

	if (send_command(q, cmd, args, err, errlen))
		return NULL;
	for (;;) {
		struct json_object *o = read_message(q, deadline, why,
						     sizeof(why));
		struct json_object *ret, *e, *desc;

		if (!o) {
			snprintf(err, errlen, "'%s': %s", cmd, why);
			return NULL;
		}
		if (json_object_object_get_ex(o, "return", &ret)) {
			json_object_get(ret);
			json_object_put(o);
			return ret;
		}
		if (json_object_object_get_ex(o, "error", &e)) {
			snprintf(err, errlen, "QMP '%s' failed: %s", cmd,
				 json_object_object_get_ex(e, "desc", &desc) ?
				 json_object_get_string(desc) : "no description");
			json_object_put(o);
			return NULL;
		}
		note_event(q, o);	/* an event: not our answer */
		json_object_put(o);
	}
}

int qmp_run(struct qmp *q, const char *cmd, char *err, size_t errlen)
{
	struct json_object *r = qmp_exec(q, cmd, NULL, err, errlen);

	if (!r)
		return -1;
	json_object_put(r);
	return 0;
}

int qmp_init(struct qmp *q, int fd, unsigned int timeout_ms, char *err,
	     size_t errlen)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;
	struct json_object *greeting;
	char why[256];

	q->fd = fd;
	q->timeout_ms = timeout_ms;
	q->len = 0;
	q->dead = false;
	greeting = read_message(q, deadline, why, sizeof(why));
	if (!greeting || !json_object_object_get_ex(greeting, "QMP", NULL)) {
		snprintf(err, errlen, "no QMP greeting: %s",
			 greeting ? "unexpected message" : why);
		json_object_put(greeting);
		return -1;
	}
	json_object_put(greeting);
	return qmp_run(q, "qmp_capabilities", err, errlen);
}

char *qmp_hmp(struct qmp *q, const char *line, char *err, size_t errlen)
{
	struct json_object *args = json_object_new_object(), *r;
	char *text;

	json_object_object_add(args, "command-line",
			       json_object_new_string(line));
	r = qmp_exec(q, "human-monitor-command", args, err, errlen);
	if (!r)
		return NULL;
	text = strdup(json_object_get_string(r));
	json_object_put(r);
	return text;
}
