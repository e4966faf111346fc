/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One VM's state, shared by the files of host/vm/: the lifecycle (vm.c),
 * the run directory (rundir.c), the QEMU process (qemu_proc.c), the host
 * end of the wire protocol (proto.c) and the output-file sink
 * (outfiles.c). Nothing outside host/vm/ includes this.
 */
#ifndef KTSTR_HOST_VM_INTERNAL_H
#define KTSTR_HOST_VM_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "linux/ktstr.h"
#include "wire.h"
#include "capture/capturer.h"
#include "vm/console.h"
#include "vm/vm.h"

struct json_object;

#define STDERR_KEEP	4096

/* A scenario step as the guest named it. */
struct vm_scn_step {
	bool seen;		/* a step was named */
	bool in;		/* between its BEGIN and END, else after END */
	uint32_t index, count;
	char scenario[32], name[32];
	uint64_t since_ns;
};

struct vm {
	const struct vm_opts *o;
	struct vm_result *r;
	uint64_t start_ns;
	bool done;		/* the outcome is decided */
	bool give_up;		/* stop waiting for QEMU to go */

	/* The run directory and the sockets QEMU connects to. */
	char dir[128];
	int ctl_listen, qmp_listen, sync_listen;

	/* QEMU: process, console, stderr. */
	pid_t pid;
	int pidfd, con_fd, err_fd;
	bool qemu_gone;
	int qemu_status;
	struct console con;
	char qemu_err[STDERR_KEEP];
	size_t qemu_err_len;
	FILE *console_log;

	/* The control port: the wire protocol with the agent. */
	int ctl;
	struct wire_decoder dec;
	bool hello;
	FILE *sched_log;

	/* Captures: QMP, and ktstr.ko's synchronous requests. */
	struct capturer *cap;
	int qmp, sync;
	char sync_line[KTSTR_TAG_LEN + 1];
	size_t sync_len;

	/* Files the job leaves in --output-dir. */
	uint64_t output_bytes;
	unsigned int output_refused;

	/* Failure detection (watch.c). */
	uint64_t job_start_ns;	/* the job was sent */
	uint64_t sched_died_ns;	/* the agent said the scheduler died */
	char sched_death[160];	/* how: "killed by signal 11 (...)" */
	unsigned int bad_steps;	/* malformed KTSTR_MSG_STEP frames dropped */
	/* The scenario step the guest said it is in (KTSTR_MSG_STEP), now and at the verdict. */
	struct vm_scn_step scn, scn_at_verdict;
	int sched_status;	/* its wait status, -1 if unknown */
	uint64_t scx_error_ns;	/* a sched_ext error exit was on the console */
	uint64_t oops_ns;	/* an Oops/WARNING was on the console */
	unsigned int scx_seq_seen;	/* sched_ext exits already judged */
	bool scx_console_seen;	/* the console described the exit */
	int64_t failure_capture;	/* snapshot id taken at the failure */
	bool scx_exit_captured;	/* ktstr.ko's capture before teardown */
	bool scx_exit_capturing;	/* ... submitted, not done yet */
	uint64_t scx_exit_sync_ns;	/* when ktstr.ko said sched_ext exits */
	uint64_t heard_ns;	/* the agent's last heartbeat, or a thaw */
	bool heartbeat_seen;	/* the agent beats: hangs can be told */
	unsigned int frozen_seen;	/* frozen time is not silence */
	uint64_t tick_ns;	/* the last watch_tick: a stopped host is not silence */

	/*
	 * A verdict decided and captured, its report waiting (briefly) for
	 * the scheduler's BPF state from the agent.
	 */
	bool pending;
	enum vm_outcome pending_out;
	const struct kev *pending_ev;
	char pending_what[KEV_LINE + 256];
	uint64_t pending_until;
	uint64_t verdict_ns;
	unsigned int bpf_held;	/* objects the agent holds for us */
	struct json_object *bpf;	/* their state, once received */
	char bpf_summary[128];

	int sig_fd;
};

/* vm.c: decide the outcome (first call wins); the console tail for it. */
void vm_fail(struct vm *v, enum vm_outcome out, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void vm_append_console(struct vm *v, unsigned int lines);

/* rundir.c */
int rundir_create(struct vm *v);
int rundir_listen(const char *path);
void rundir_remove(struct vm *v);

/* qemu_proc.c */
pid_t qemu_spawn(struct vm *v, char *const argv[], int out[2], int err[2]);
void qemu_deprioritize_vcpus(pid_t qemu);
void qemu_stop(struct vm *v);

/* proto.c: the host end of the protocol (the agent's is guest/agent/). */
void proto_feed(struct vm *v, const void *buf, size_t len);
/* Answer the guest's capture request @req with the snapshot @id (or < 0). */
void proto_capture_done(struct vm *v, uint32_t req, int64_t id);

/*
 * Wait for every capture submitted and act on its result: a report names
 * its snapshot (the end of a run, a verdict's report).
 */
void vm_settle_captures(struct vm *v);

/* What to do with a capture's result (capture_req.kind). */
enum vm_capture_kind {
	VM_CAPTURE_NOTHING,
	VM_CAPTURE_SCX_EXIT,	/* ktstr.ko's, at a sched_ext error exit */
	VM_CAPTURE_VERDICT,	/* the snapshot of a verdict */
	VM_CAPTURE_CTL_REPLY,	/* ktstr-ctl capture: answer it */
};

/* watch.c: scheduler and kernel failures to verdicts, at once. */
void watch_init(struct vm *v);
void watch_tick(struct vm *v);
/* The job ended: decide what is pending now rather than lose it. */
void watch_flush(struct vm *v);
/* The run's scheduler is attached and not handed off to the test. */
bool watch_sched_under_test(const struct vm *v);
/* When watch_tick wants to run again; UINT64_MAX if not waiting. */
uint64_t watch_next_due(const struct vm *v);

/* Decide what is pending now (the VM is going); see watch_flush. */
void watch_finish(struct vm *v);
/* proto.c got the agent's heartbeat. */
void watch_heard(struct vm *v);

/* report.c: the failure report (BUG SUMMARY and JSON). */
void report_failure(struct vm *v, enum vm_outcome out, const char *what,
		    const struct kev *ev);

/* outfiles.c */
void outfiles_on_frame(struct vm *v, const struct wire_frame *f);

#endif
