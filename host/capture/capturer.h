/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Captures of one VM: owns its QMP connection, the guest view (kmod
 * layout, mapped RAM, vmlinux symbols) and the freeze coordinator, and
 * takes snapshots for every trigger: periodic (--snapshots), guest
 * requests (ktstr-ctl capture) and failures.
 */
#ifndef KTSTR_HOST_CAPTURER_H
#define KTSTR_HOST_CAPTURER_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/freeze.h"
#include "capture/guestview.h"
#include "capture/qmp.h"

#define CAPTURE_MAX_PERIODIC	64
#define CAPTURE_QMP_TIMEOUT_MS	2000
#define CAPTURE_MIN_GAP_NS	100000000ull	/* periodic: >= 100 ms apart */

struct capturer {
	struct qmp qmp;
	bool qmp_ok;
	struct guest_view gv;
	struct freezer fz;
	const char *output_dir;		/* snapshot-<id>.json go here */
	unsigned int nr_periodic;
	uint64_t at[CAPTURE_MAX_PERIODIC];	/* monotonic ns */
	unsigned int next;
	unsigned int taken;		/* snapshots written */
	uint64_t stop_ns, cont_ns;	/* of the last freeze */
	int64_t last_id;		/* the last capture, and its longest wait */
	char last_wait[128];
	bool fatal;			/* QMP stopped answering or thaw failed */
	char fatal_msg[512];
	char step[96];			/* the guest's scenario step, for snapshots */
};

void capturer_init(struct capturer *c, const char *output_dir,
		   const char *vmlinux);
void capturer_destroy(struct capturer *c);
int capturer_attach_qmp(struct capturer *c, int fd, char *err,
			size_t errlen);
/* The kmod's layout arrived: map guest RAM from @ram_dir. */
int capturer_set_layout(struct capturer *c, const void *data, size_t len,
			const char *ram_dir, unsigned int nodes,
			uint64_t node_bytes, char *err, size_t errlen);
/*
 * Spread @n periodic captures over 10 %..90 % of @window_ns after
 * @start_ns, at least CAPTURE_MIN_GAP_NS apart.
 */
void capturer_schedule(struct capturer *c, uint64_t start_ns, unsigned int n,
		       uint64_t window_ns);
/* When the next periodic capture is due; UINT64_MAX if none. */
uint64_t capturer_next_due(const struct capturer *c);
/* Release a guest parked for a synchronous capture (QMP inject-nmi). */
void capturer_release_sync(struct capturer *c);
/* Take the periodic captures due at @now. */
void capturer_tick(struct capturer *c, uint64_t now);
/* Capture now; returns the capture id or a negative errno. */
int64_t capturer_capture(struct capturer *c, enum capture_trigger t,
			 const char *tag);

#endif
