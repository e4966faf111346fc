/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A snapshot of the scheduler's state taken from outside a frozen VM:
 * per vCPU the registers, per CPU the runqueue, jiffies and the sched_ext
 * state. Taken while frozen (snapshot_take), written after the thaw
 * (snapshot_write) so the freeze stays short.
 *
 * JSON schema (snapshot-<id>.json), documented in Documentation/snapshots.rst:
 *   { "id", "trigger", "tag", "step", "timestamp_ns", "freeze_ns",
 *     "kernel", "jiffies", "scx_state",
 *     "cpus": [ { "cpu", "nr_running", "clock", "curr": { "pid", "comm",
 *                 "policy" } or "curr_error", "scx_nr_running",
 *                 "scx_local_dsq_nr", "runnable": [ { "pid", "comm",
 *                 "runnable_at", "waited_jiffies" } ], "runnable_more",
 *                 "runnable_error" } or { "cpu", "error" } ],
 *     "vcpus": [ { "cpu", "rip", "rip_sym", "rsp", "cr3", "rflags",
 *                  "halted" } ] }
 */
#ifndef KTSTR_HOST_SNAPSHOT_H
#define KTSTR_HOST_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/guestview.h"
#include "capture/qmp.h"
#include "capture/regs.h"

struct json_object;

#define SNAP_MAX_CPUS 256
#define SNAP_MAX_RUNNABLE 8	/* runnable tasks listed per CPU */

/* A sched_ext task waiting on a runqueue, and since when. */
struct snap_task {
	int32_t pid;
	char comm[KTSTR_COMM_LEN + 1];
	uint64_t runnable_at;	/* jiffies */
};

/* Guest memory is hostile: each part says whether it was readable. */
struct snap_cpu {
	bool rq_ok;			/* nr_running: the runqueue is there */
	uint32_t nr_running, scx_nr_running, scx_local_dsq_nr;
	uint64_t clock;
	bool clock_ok, scx_nr_running_ok, scx_local_dsq_nr_ok;
	bool curr_read;			/* rq->curr itself */
	uint64_t curr;
	bool curr_ok;			/* and the task it points to */
	int32_t curr_pid;
	uint32_t curr_policy;
	char curr_comm[KTSTR_COMM_LEN + 1];
	/* rq->scx.runnable_list, oldest first, as the watchdog sees it */
	bool runnable_ok;
	unsigned int nr_runnable;	/* listed below */
	bool runnable_more;		/* the list went on */
	bool runnable_cut;		/* stopped at an unreadable link: */
	uint64_t runnable_bad;		/* this one */
	struct snap_task runnable[SNAP_MAX_RUNNABLE];
};

struct snapshot {
	uint64_t id;
	const char *trigger;	/* "periodic", "guest", "failure" */
	char tag[KTSTR_TAG_LEN];
	char step[96];		/* the guest's scenario step: "scenario/step" */
	uint64_t timestamp_ns;	/* host CLOCK_REALTIME at the freeze */
	uint64_t freeze_ns;	/* stop..cont, filled after the thaw */
	uint64_t stop_ns, regs_ns, read_ns, cont_ns;	/* where it went */
	uint64_t frozen_ns;	/* QEMU's STOP to RESUME events: guest frozen */
	bool jiffies_ok;
	uint64_t jiffies;
	bool scx_ok;
	uint32_t scx_state;
	unsigned int nr_cpus;
	struct snap_cpu cpu[SNAP_MAX_CPUS];
	unsigned int nr_vcpus;
	struct vcpu_regs vcpu[SNAP_MAX_CPUS];
	bool cold;		/* the tag asked for a cold read */
	bool cold_ok;
	uint64_t cold_value;
	char cold_err[256];
};

/* The guest's tag for @s (a name, or a cold-read request), printable. */
void snapshot_set_tag(struct snapshot *s, const char *tag);
/* Read everything; call only while the VM is frozen. */
int snapshot_take(struct snapshot *s, struct qmp *q,
		  const struct guest_view *g, char *err, size_t errlen);
/*
 * The guest-memory part of snapshot_take(): @s->vcpu[] (for a CR3) and
 * @s->tag (for a cold read) already set. Never fails: what is not
 * readable is marked so in @s.
 */
void snapshot_read_guest(struct snapshot *s, const struct guest_view *g);
/* The snapshot as JSON (the schema above); the caller puts it. */
struct json_object *snapshot_json(const struct snapshot *s,
				  const struct guest_view *g);
/* Write <dir>/snapshot-<id>.json; returns its size in bytes or -1. */
long snapshot_write(const struct snapshot *s, const struct guest_view *g,
		    const char *dir, char *err, size_t errlen);
/*
 * The task that has waited longest on any runqueue, for people:
 * "yes[71] on CPU 1, runnable for 812 jiffies"; "" if none was listed.
 */
void snapshot_longest_wait(const struct snapshot *s, char *buf, size_t len);
/* One line for people: "snapshot 3 (guest, tag x): 4 CPUs, nr_running 1 0 2 1". */
void snapshot_summary(const struct snapshot *s, char *buf, size_t len);

#endif
