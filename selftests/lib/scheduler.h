/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one lifecycle of a sched_ext scheduler process, shared by the guest
 * agent (the scheduler a run was asked for) and the scenario engine
 * (schedulers a test attaches, replaces and detaches): spawn it, wait
 * until the kernel says it attached, watch it, stop it (SIGINT, then
 * SIGKILL).
 *
 * The hand-off lets a test take over the agent's scheduler: the agent
 * stops it on request (RELEASE), which the host records as released, not
 * died, and starts it again (RESUME) when the test is done.
 */
#ifndef KTSTR_SELFTESTS_LIB_SCHEDULER_H
#define KTSTR_SELFTESTS_LIB_SCHEDULER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <sys/types.h>

#define KT_SCX_STATE_PATH	"/sys/kernel/sched_ext/state"
#define KT_SCX_OPS_PATH		"/sys/kernel/sched_ext/root/ops"

/* /sys/kernel/sched_ext/state, parsed once into a value. */
enum kt_scx_state {
	KT_SCX_ABSENT = -1,	/* no sched_ext in this kernel */
	KT_SCX_DISABLED,
	KT_SCX_ENABLING,
	KT_SCX_ENABLED,
	KT_SCX_DISABLING,
	KT_SCX_UNKNOWN,		/* a state this code does not know */
};

enum kt_scx_state kt_scx_state(void);
const char *kt_scx_state_name(enum kt_scx_state st);
/* The ops name of the attached scheduler; "" when none. */
void kt_scx_ops(char *buf, size_t len);
/* sched_ext is enabled and root/ops names the scheduler. */
bool kt_scx_attached(void);

struct kt_sched {
	char name[64];		/* basename of the binary */
	pid_t pid;		/* -1 when not running */
	int pidfd;		/* readable once the process has exited */
	int out_fd;		/* read end of its output pipe, or -1 */
	int status;		/* wait status, once reaped */
	bool reaped;
};

/* Called while waiting, so output keeps flowing. */
typedef void (*kt_sched_pump_fn)(struct kt_sched *s, void *ctx);

void kt_sched_init(struct kt_sched *s);
/*
 * Start @argv[0]. Its stdout and stderr go to @out_fd when it is >= 0,
 * else to a new non-blocking pipe whose read end is s->out_fd.
 */
int kt_sched_spawn(struct kt_sched *s, char *const argv[], int out_fd);
/*
 * Wait up to @timeout_ms for sched_ext to be enabled with ops set. 0 when
 * it is; -1 and why in @why when the process ended or time ran out.
 */
int kt_sched_wait_attached(struct kt_sched *s, unsigned int timeout_ms,
			   kt_sched_pump_fn pump, void *ctx, char *why,
			   size_t len);
/* Reap it if it has exited (never blocks): true once it is gone. */
bool kt_sched_reap(struct kt_sched *s);
/* SIGINT, up to @grace_ms for it to detach and exit, then SIGKILL. */
void kt_sched_stop(struct kt_sched *s, unsigned int grace_ms,
		   kt_sched_pump_fn pump, void *ctx);
/* Close what kt_sched_spawn opened; the process must be reaped. */
void kt_sched_release_fds(struct kt_sched *s);
/* "exited with status N", "killed by signal N (NAME)". */
void kt_sched_describe_exit(int status, char *buf, size_t len);
/* Wait up to @ms for @want; stops early (-1) when @pidfd turns readable. */
int kt_scx_wait_state(enum kt_scx_state want, int pidfd, unsigned int ms);

/* ---- hand-off of the agent's scheduler to a test ---------------------- */

enum kt_handoff_op {
	KT_HANDOFF_RELEASE = 1,	/* stop your scheduler; I take over */
	KT_HANDOFF_RESUME,	/* start yours again; I am done */
	KT_HANDOFF_STATUS,	/* which pid is yours now (-1: released) */
};

struct kt_handoff_msg {
	__u32 op;		/* enum kt_handoff_op */
	__s32 result;		/* reply: 0, or a negative errno */
	__s32 pid;		/* reply to RESUME, STATUS: the scheduler's pid */
	char detail[240];	/* reply: why, when result != 0 */
};

/*
 * The test's side: ask the agent listening on @sock and wait for its
 * answer (the agent replies once the scheduler is down, or up again).
 */
int kt_handoff_request(const char *sock, enum kt_handoff_op op,
		       struct kt_handoff_msg *reply, char *why, size_t len);

/* The agent's side: a listening socket, and one request served. */
int kt_handoff_listen(const char *sock);
/*
 * Serve @op from process @peer; fill @reply's pid and detail; return 0 or
 * a negative errno.
 */
typedef int (*kt_handoff_fn)(enum kt_handoff_op op, pid_t peer,
			     struct kt_handoff_msg *reply, void *ctx);
void kt_handoff_serve(int listen_fd, kt_handoff_fn fn, void *ctx);

#endif
