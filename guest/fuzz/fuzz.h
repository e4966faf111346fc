/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr-kmod-fuzz: structure-aware fuzzing of /dev/ktstr from inside the
 * guest. Worker processes issue random and valid-but-racing requests
 * while a forker makes tasks that exit at once (targets of task reads and
 * writes) and a signaller interrupts the waits; counters live in shared
 * memory. See Documentation/reliability.rst.
 */
#ifndef KTSTR_GUEST_FUZZ_FUZZ_H
#define KTSTR_GUEST_FUZZ_FUZZ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* X(id, name, weight): what a worker does, and how often (of 1000). */
#define FUZZ_ACTIONS(X)					\
	X(FA_GARBAGE, "garbage-ioctl", 200)		\
	X(FA_INFO, "info", 40)				\
	X(FA_READ_SYMBOL, "read-symbol", 80)		\
	X(FA_READ_PERCPU, "read-percpu", 120)		\
	X(FA_READ_TASK, "read-exiting-task", 200)	\
	X(FA_WRITE_TASK, "write-exiting-task", 200)	\
	X(FA_WRITE_SYMBOL, "write-symbol", 30)		\
	X(FA_SNAPSHOT, "snapshot", 40)			\
	X(FA_CAPTURE, "capture", 8)			\
	X(FA_CAPTURE_SYNC, "capture-sync", 4)		\
	X(FA_RELAY, "relay-wait-killed", 20)		\
	X(FA_OPEN_CLOSE, "open-close", 58)

enum fuzz_action {
#define FA_ENUM(id, name, weight) id,
	FUZZ_ACTIONS(FA_ENUM)
#undef FA_ENUM
	FA_NR,
};

/* How a request ended. */
enum fuzz_outcome {
	FO_OK,		/* the module did it */
	FO_REFUSED,	/* the module said why not (a reason) */
	FO_ERRNO,	/* failed without a reason: EFAULT, ENOTTY, EINVAL... */
	FO_EINTR,	/* interrupted by a signal */
	FO_NR,
};

#define FUZZ_PIDS	64	/* the forker's recent children */

struct fuzz_shared {
	atomic_ulong count[FA_NR][FO_NR];
	atomic_ulong reasons[64];		/* by enum ktstr_reason */
	atomic_uint pid_next;
	atomic_uint pids[FUZZ_PIDS];		/* recent short-lived tasks */
	atomic_ulong forks;
	atomic_ulong signals;
	atomic_bool stop;
	unsigned int nr_cpus;
};

struct fuzz_rng {
	uint64_t s;
};

static inline uint64_t fuzz_next(struct fuzz_rng *r)
{
	/* splitmix64: fast, and any seed is fine */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline unsigned int fuzz_below(struct fuzz_rng *r, unsigned int n)
{
	return n ? (unsigned int)(fuzz_next(r) % n) : 0;
}

extern const char *const fuzz_action_names[FA_NR];
extern const char *const fuzz_outcome_names[FO_NR];

/* Pick an action by the weights. */
enum fuzz_action fuzz_pick(struct fuzz_rng *r);
/* Do @a once with the device open at *@fd (an action may reopen it). */
void fuzz_act(struct fuzz_shared *sh, struct fuzz_rng *r, int *fd,
	      enum fuzz_action a);

#endif
