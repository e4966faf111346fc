/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user-space side of /dev/ktstr, for every program that drives it:
 * the selftests, and the guest agent, ktstr-ctl and the kmod benchmark,
 * which build it from here. It lives in selftests/ so that the selftests
 * stay self-contained.
 */
#ifndef KTSTR_SELFTESTS_LIB_KTSTR_DEV_H
#define KTSTR_SELFTESTS_LIB_KTSTR_DEV_H

#include <stddef.h>
#include <linux/types.h>

#include <linux/ktstr.h>

/* Open /dev/ktstr: a file descriptor, or -1 with errno set. */
int ktstr_open(void);

/* Zero a request of @size bytes and set hdr.size and hdr.version. */
void ktstr_hdr_init(void *req, size_t size);

/*
 * Issue @cmd with @req (its header set by ktstr_hdr_init()). Returns 0,
 * or -errno with errno set and the module's reason in the header.
 */
int ktstr_ioctl(int fd, unsigned long cmd, void *req);

/* Start a READ or WRITE request of @kind for @name, @width bytes. */
void ktstr_access_init(struct ktstr_access *a, __u32 kind, const char *name,
		       __u32 width);

/*
 * A task's start_time, through the one identity-free read: "start_time"
 * with start_time 0. Returns 0 or -errno; if @reason is not NULL, it gets
 * the module's reason.
 */
int ktstr_task_start_time(int fd, __u32 pid, __u64 *start, __u32 *reason);

/*
 * WRITE @value to @field of the task @pid started at @start. Returns the
 * module's reason: KTSTR_OK, or KTSTR_REASON_MAX if the request failed
 * without one.
 */
__u32 ktstr_task_write(int fd, __u32 pid, __u64 start, const char *field,
		       __u64 value);

/*
 * Wait up to 5 s until /proc/PID/stat shows @state ('R', 'S', 'Z'...):
 * the task validation chain refuses by the state a task is in. 0 or -1.
 */
int ktstr_wait_task_state(__u32 pid, char state);

/* Short name of a reason ("on_rq"), and a sentence saying what it means. */
const char *ktstr_reason_name(unsigned int reason);
const char *ktstr_reason_text(unsigned int reason);
/* Its layer in the task validation chain (1-6), or 0 for other reasons. */
int ktstr_reason_layer(unsigned int reason);
/* The errno the module fails a request with for @reason (0 for KTSTR_OK). */
int ktstr_reason_errno(unsigned int reason);

#endif
