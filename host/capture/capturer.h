/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Captures of one VM: owns its QMP connection, the guest view (kmod
 * layout, mapped RAM, vmlinux symbols) and the freeze coordinator, and
 * takes snapshots for every trigger: periodic (--snapshots), guest
 * requests (ktstr-ctl capture) and failures.
 *
 * Every QMP command runs on the capturer's own thread, so that a QEMU
 * slow to answer (up to CAPTURE_QMP_TIMEOUT_MS a command) never stops the
 * VM's event loop: the loop submits a capture and goes on serving the
 * guest's frames, the console and its timers; the thread says when it is
 * done through an eventfd, and the loop collects the result.
 */
#ifndef KTSTR_HOST_CAPTURER_H
#define KTSTR_HOST_CAPTURER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "linux/ktstr.h"

#include "capture/freeze.h"
#include "capture/guestview.h"
#include "capture/qmp.h"

#define CAPTURE_MAX_PERIODIC	64
#define CAPTURE_QMP_TIMEOUT_MS	2000
#define CAPTURE_MIN_GAP_NS	100000000ull	/* periodic: >= 100 ms apart */
#define CAPTURE_QUEUE_MAX	16	/* submitted and not yet collected */
#define CAPTURE_STEP_LEN	96

/* A capture for the thread to take; kind and cookie are the caller's. */
struct capture_req {
	enum capture_trigger trigger;
	char tag[KTSTR_TAG_LEN];
	char step[CAPTURE_STEP_LEN];
	bool release_nmi;	/* a synchronous capture: inject-nmi after it */
	int kind;
	uint32_t cookie;
};

struct capture_done {
	struct capture_req req;
	int64_t id;		/* the snapshot's id, or a negative errno */
};

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
	atomic_bool fatal;		/* QMP stopped answering or thaw failed */
	char fatal_msg[512];		/* written before fatal is set */
	char step[CAPTURE_STEP_LEN];	/* the guest's scenario step (loop's) */

	/* The thread, and what passes between it and the loop (lock). */
	pthread_t thread;
	bool running, quit, in_flight;
	pthread_mutex_t lock;
	pthread_cond_t wake, idle;
	struct capture_req queue[CAPTURE_QUEUE_MAX];
	unsigned int qhead, qlen;
	struct capture_done done[CAPTURE_QUEUE_MAX];
	unsigned int dlen;
	int done_fd;			/* eventfd: results to collect */
	atomic_uint frozen;		/* captures started: frozen time */
};

void capturer_init(struct capturer *c, const char *output_dir,
		   const char *vmlinux);
void capturer_destroy(struct capturer *c);
/* The QMP socket is connected: negotiate, and start the thread. */
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
/*
 * Submit the periodic captures due at @now; one is skipped when another
 * capture is under way, as before.
 */
void capturer_tick(struct capturer *c, uint64_t now);
/*
 * Queue a capture of @t tagged @tag (may be NULL), at the current step.
 * 0, -EBUSY when CAPTURE_QUEUE_MAX are outstanding, -ENODEV without QMP
 * or after a fatal error (nothing will come back).
 */
int capturer_submit(struct capturer *c, enum capture_trigger t,
		    const char *tag, bool release_nmi, int kind,
		    uint32_t cookie);
/* The results done since the last call, at most @max; reads done_fd. */
unsigned int capturer_collect(struct capturer *c, struct capture_done *out,
			      unsigned int max);
/* A capture is queued or being taken. */
bool capturer_busy(struct capturer *c);
/* Wait until none is (at most @ms); false if one still is. */
bool capturer_wait_idle(struct capturer *c, unsigned int ms);

#endif
