/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest agent: PID 1 of every ktstr VM.
 */
#ifndef KTSTR_GUEST_AGENT_H
#define KTSTR_GUEST_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/types.h>

#include "scheduler.h"
#include "strlist.h"
#include "wire.h"

#define AGENT_VERSION "1"

/* The control port to the host (a virtio-serial port). */
struct port {
	int fd;
	uint32_t seq;
	pthread_mutex_t send_lock;	/* the job pump and the relay both send */
	struct wire_decoder dec;
};

int port_open(struct port *p, const char *name, unsigned int wait_ms);
int port_send(struct port *p, uint16_t type, const void *payload, size_t len);
int port_send_text(struct port *p, uint16_t type, uint16_t tag,
		   const char *text);
int port_log(struct port *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Block until one frame of @type arrives; copies its payload. */
int port_wait(struct port *p, uint16_t type, uint8_t *buf, size_t cap,
	      size_t *len);

/* What the host asked for, decoded from a KTSTR_MSG_RUN frame. */
struct job {
	char *command;			/* sh -c, or NULL */
	struct strlist argv;		/* program argv, when no command */
	struct strlist env;
	char *sched_path;		/* NULL: the kernel's default scheduler */
	struct strlist sched_args;
	bool interactive;
	uint32_t attach_timeout_ms;
	uint32_t watchdog_ms;		/* sched_ext watchdog; 0: the kernel's */
	bool watchdog_exact;		/* replace the scheduler's own, even if shorter */
};

int job_decode(const uint8_t *p, size_t len, struct job *j, char *err,
	       size_t errlen);
void job_free(struct job *j);

/*
 * Set sched_ext's watchdog timeout through /dev/ktstr (the kmod's
 * validated write). sched_ext resets it at every attach, to the
 * scheduler's own timeout_ms (returned in *own_ms). Without exact, a
 * shorter own timeout is kept.
 */
int watchdog_set(uint32_t ms, bool exact, uint32_t *own_ms, char *why,
		 size_t len);
/* Start measuring HZ; call before spawning the scheduler. */
void watchdog_mark(void);

/* Mount the pseudo filesystems; failures are appended to @errors. */
void mounts_setup(struct strlist *errors);

/*
 * The scheduler's BPF objects, referenced by the agent from its attach on
 * so they outlive its process (bpf_state.c).
 */
#define BPF_STATE_MAX_PROGS	64
#define BPF_STATE_MAX_MAPS	64

struct bpf_state {
	int prog_fd[BPF_STATE_MAX_PROGS];
	int map_fd[BPF_STATE_MAX_MAPS];
	unsigned int map_id[BPF_STATE_MAX_MAPS];
	unsigned int nr_progs, nr_maps;
	bool sent;
};

/* Take references on the attached scheduler's objects; how many. */
unsigned int bpf_state_hold(struct bpf_state *b);
/* Send what they hold now, once (KTSTR_MSG_SCHED_BPF). */
void bpf_state_send(struct port *p, struct bpf_state *b);
void bpf_state_release(struct bpf_state *b);

/* The agent says it is alive every KTSTR_HEARTBEAT_MS (heartbeat.c). */
void heartbeat_start(struct port *p);

/* The scheduler the run asked for, and its hand-off to a test. */
struct agent_sched {
	struct kt_sched proc;
	const struct job *job;
	bool released;		/* stopped because a test took over */
	pid_t releaser;		/* the test that did */
	uint64_t releaser_gone_ns;	/* when it was found dead */
	bool reclaim_warned;
	int handoff_fd;		/* listening hand-off socket, or -1 */
	struct bpf_state bpf;
};

/* Where tests reach the hand-off ($KTSTR_SCHED_HANDOFF). */
#define AGENT_HANDOFF_SOCK "/run/ktstr-sched-handoff.sock"
/* Test programs' events (selftests/lib/agent_event.h). */
#define AGENT_EVENTS_SOCK "/run/ktstr-events.sock"

int sched_start(struct port *p, const struct job *j, struct agent_sched *s);
/* Forward whatever the scheduler printed; false once it has exited. */
bool sched_pump(struct port *p, struct agent_sched *s);
void sched_stop(struct port *p, struct agent_sched *s);
/* Report a scheduler that died during the job at once. */
void sched_check(struct port *p, struct agent_sched *s);
/* A test connected to the hand-off socket: serve its request. */
void sched_handoff_serve(struct port *p, struct agent_sched *s);

/*
 * The kmod side of the host: publish the kernel layout, and relay
 * CAPTURE requests from /dev/ktstr to the host and its answers back.
 */
void relay_publish_layout(struct port *p);
int relay_start(struct port *p);

/* Where a job may leave files for the host ($KTSTR_OUTPUT_DIR). */
#define AGENT_OUTPUT_DIR "/ktstr/out"
void outfiles_send(struct port *p, const char *dir);

/* Test programs' events to the host: the socket, then each one forwarded. */
int events_open(struct port *p);
void events_forward(struct port *p, int fd);
void events_close(int fd);
/* Send a frame after the events already queued (the capture relay). */
int events_send_after(struct port *p, uint16_t type, const void *payload,
		      size_t len);

/*
 * Run the job to completion, streaming output and forwarding events from
 * @events_fd (-1: none); returns its wait status.
 */
int job_run(struct port *p, const struct job *j, struct agent_sched *s,
	    int events_fd);

#endif
