/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-side reads of guest kernel state while the VM is frozen: a
 * symbol, a per-CPU runqueue field or a task field, the task found by
 * walking the task list from init_task and checked by its start_time
 * (identity: a reused pid is never read by mistake). Read-only: writes
 * stay in the kmod's validated path.
 *
 * Requests are text, as a capture's tag carries them:
 *   "read symbol NAME"              jiffies_64, scx_state, scx_watchdog_timeout
 *   "read percpu FIELD CPU"         an rq field (nr_running, clock, ...)
 *   "read task PID START_NS FIELD"  a task field (pid, scx.dsq_vtime, ...)
 */
#ifndef KTSTR_HOST_COLDREAD_H
#define KTSTR_HOST_COLDREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/guestview.h"

#define COLD_MAX_TASKS 100000	/* a corrupt list must not loop forever */

/* Is @tag a cold-read request? */
bool cold_read_requested(const char *tag);
/* Perform it; 0 with *value, or -1 with one line in @err. */
int cold_read(const struct guest_view *g, const struct kaddr *k,
	      const char *req, uint64_t *value, char *err, size_t errlen);
/*
 * Walk the task list for @pid; its task_struct address, or 0 with why in
 * @err: not there, a link not readable, a loop, or the walk's limit.
 */
uint64_t cold_find_task(const struct guest_view *g, const struct kaddr *k,
			uint32_t pid, char *err, size_t errlen);

#endif
