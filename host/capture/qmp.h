/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal QMP client: newline-delimited JSON over the monitor socket,
 * every command bounded by a deadline so a QEMU that stops answering
 * fails the run with a diagnosis instead of hanging it.
 */
#ifndef KTSTR_HOST_QMP_H
#define KTSTR_HOST_QMP_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QMP_BUF 65536

struct qmp {
	int fd;
	unsigned int timeout_ms;	/* per command */
	/* QEMU's own timestamp (us) of the last STOP and RESUME events. */
	uint64_t stop_event_us, resume_event_us;
	/* QEMU stopped answering or closed the socket: no command can work. */
	bool dead;
	char buf[QMP_BUF];
	size_t len;
};

/* Read the greeting and negotiate capabilities on the connected @fd. */
int qmp_init(struct qmp *q, int fd, unsigned int timeout_ms, char *err,
	     size_t errlen);
/*
 * Run @cmd with @args (may be NULL; ownership is taken). Returns the
 * "return" value (put it with json_object_put), or NULL with one line in
 * @err: QMP error, no answer within the deadline, or a closed socket.
 * Asynchronous events arriving meanwhile are skipped.
 */
struct json_object *qmp_exec(struct qmp *q, const char *cmd,
			     struct json_object *args, char *err,
			     size_t errlen);
/* Convenience: run a command whose result is not needed. */
int qmp_run(struct qmp *q, const char *cmd, char *err, size_t errlen);
/* "human-monitor-command": the text QEMU's monitor prints for @line. */
char *qmp_hmp(struct qmp *q, const char *line, char *err, size_t errlen);

#endif
