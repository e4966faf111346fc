// SPDX-License-Identifier: GPL-2.0
/*
 * The validated task write of /dev/ktstr: each layer of the validation
 * chain provoked for real, and a write that sticks under a sched_ext
 * scheduler (the value read back is the seed or has advanced from it).
 */
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/ktstr_dev.h"
#include "lib/ktstr_module.h"
#include "lib/sched_ext_policy.h"
#include "ktstr_guest.h"

#define SEED_VTIME_NS	(30ULL * 86400 * 1000000000)	/* ~30 days */
#define ATTEMPTS	500

#define QUEUED_SPINNERS	3

FIXTURE(chain) {
	int fd;
	pid_t child;
	int pipe[2];
	pid_t kids[QUEUED_SPINNERS];	/* killed by the teardown too */
};

FIXTURE_SETUP(chain)
{
	self->child = 0;
	memset(self->kids, 0, sizeof(self->kids));
	self->pipe[0] = -1;
	self->pipe[1] = -1;
	self->fd = ktstr_open();
	if (self->fd < 0)
		SKIP(return, KTSTR_DEVICE " is missing: %s", ktstr_module_why());
}

FIXTURE_TEARDOWN(chain)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	for (int i = 0; i < QUEUED_SPINNERS; i++) {
		if (self->kids[i] <= 0)
			continue;
		kill(self->kids[i], SIGKILL);
		waitpid(self->kids[i], NULL, 0);
	}
	if (self->pipe[1] >= 0)
		close(self->pipe[1]);
	if (self->fd >= 0)
		close(self->fd);
}

static bool on_sched_ext(void)
{
	char state[32];

	return !read_file_str("/sys/kernel/sched_ext/state", state,
			   sizeof(state)) && !strcmp(state, "enabled");
}

/* A child that blocks reading a pipe: asleep, off the runqueue. */
static pid_t spawn_sleeper(int p[2])
{
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	p[0] = -1;
	return ktstr_wait_task_state(pid, 'S') ? -1 : pid;
}

/*
 * Write to a sleeping child. EEVDF (6.12) may keep a task that went to
 * sleep with negative lag on its runqueue, dequeued only when it is next
 * picked (delayed dequeue): "on a runqueue" until then, so ask again for
 * up to half a second.
 */
static __u32 write_sleeper(int fd, pid_t pid, __u64 start, const char *field,
			   __u64 value)
{
	__u32 r = ktstr_task_write(fd, pid, start, field, value);

	for (int n = 0; n < ATTEMPTS && r == KTSTR_E_ON_RQ; n++) {
		usleep(1000);
		r = ktstr_task_write(fd, pid, start, field, value);
	}
	return r;
}

/*
 * A spinner on @cpu (-1: anywhere), of @policy, returned once it has set
 * both. Until then it is no plain spinner: sched_setaffinity() sleeps
 * (on_rq 0) while the stopper moves it to @cpu, and a test that takes
 * "R" right after fork() for "running" would meet that sleep.
 */
static pid_t spawn_spinner_on(int cpu, int policy)
{
	struct sched_param sp = { 0 };
	int ready[2];
	pid_t pid;
	char c = 0;

	if (pipe(ready))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		if (cpu >= 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			if (sched_setaffinity(0, sizeof(set), &set))
				_exit(1);
		}
		if (sched_setscheduler(0, policy, &sp) ||
		    write(ready[1], &c, 1) != 1)
			_exit(1);
		close(ready[1]);
		for (;;)
			;
	}
	close(ready[1]);
	/* EOF: it failed its setup and exited */
	if (pid > 0 && read(ready[0], &c, 1) != 1) {
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(ready[0]);
	return pid;
}

static bool switching_all(void)
{
	char v[8];

	return !read_file_str("/sys/kernel/sched_ext/switch_all", v, sizeof(v)) &&
	       !strcmp(v, "1");
}

static void pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

TEST_F(chain, layer1_no_such_pid)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	ASSERT_EQ(pid, waitpid(pid, NULL, 0));
	/* Reaped: the pid names no task (until it is reused). */
	EXPECT_EQ(KTSTR_E_NO_TASK,
		  ktstr_task_write(self->fd, pid, 1, "scx.dsq_vtime", 1));
}

TEST_F(chain, layer2_wrong_start_time)
{
	__u64 start;

	self->child = spawn_sleeper(self->pipe);
	ASSERT_GT(self->child, 0);
	ASSERT_EQ(0, ktstr_task_start_time(self->fd, self->child, &start,
					   NULL));
	EXPECT_EQ(KTSTR_E_IDENTITY,
		  ktstr_task_write(self->fd, self->child, start + 1,
				   "scx.dsq_vtime", 1));
	EXPECT_EQ(KTSTR_E_IDENTITY,
		  ktstr_task_write(self->fd, self->child, 0, "scx.dsq_vtime",
				   1));
}

TEST_F(chain, layer3_exiting_task)
{
	pid_t pid = fork();
	__u64 start;

	if (pid == 0)
		_exit(0);
	self->child = pid;
	/* A zombie keeps its pid and task_struct, and it is exiting. */
	ASSERT_EQ(0, ktstr_wait_task_state(pid, 'Z'));
	ASSERT_EQ(0, ktstr_task_start_time(self->fd, pid, &start, NULL));
	EXPECT_EQ(KTSTR_E_EXITING,
		  ktstr_task_write(self->fd, pid, start, "scx.dsq_vtime", 1));
}

/*
 * Three SCHED_EXT spinners share one CPU under sched_ext: at any moment
 * the ones not running wait on a DSQ, or in the BPF scheduler's own
 * queues (on_rq).
 */
TEST_F(chain, layer4_queued_on_dsq)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), queued = 0, ok = 0;
	pid_t *kids = self->kids;
	__u64 start[QUEUED_SPINNERS];

	if (!on_sched_ext())
		SKIP(return, "needs a sched_ext scheduler attached (ktstr run --scheduler ...)");
	ASSERT_GE(ncpu, 2);
	pin_self(0);
	for (int i = 0; i < QUEUED_SPINNERS; i++) {
		kids[i] = spawn_spinner_on(ncpu - 1, SCHED_EXT);
		ASSERT_GT(kids[i], 0);
		ASSERT_EQ(0, ktstr_wait_task_state(kids[i], 'R'));
		ASSERT_EQ(0, ktstr_task_start_time(self->fd, kids[i], &start[i],
						   NULL));
	}
	for (int n = 0; n < ATTEMPTS && !queued; n++) {
		int i = n % QUEUED_SPINNERS;
		__u32 r = ktstr_task_write(self->fd, kids[i], start[i],
					   "scx.dsq_vtime", 1);

		queued += r == KTSTR_E_SCX_QUEUED;
		ok += r == KTSTR_OK;
		EXPECT_TRUE(r == KTSTR_E_SCX_QUEUED || r == KTSTR_E_ON_RQ)
			TH_LOG("spinner %d: reason %u", kids[i], r);
		usleep(1000);
	}
	EXPECT_EQ(0, ok);
	EXPECT_GT(queued, 0) TH_LOG("no write met a queued spinner in %d tries",
				    ATTEMPTS);
}

/* A spinner alone on its CPU is running: on a runqueue, on no DSQ. */
TEST_F(chain, layer5_running_task)
{
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), on_rq = 0;
	__u64 start;

	ASSERT_GE(ncpu, 2);
	pin_self(0);
	self->child = spawn_spinner_on(ncpu - 1, SCHED_OTHER);
	ASSERT_GT(self->child, 0);
	ASSERT_EQ(0, ktstr_wait_task_state(self->child, 'R'));
	ASSERT_EQ(0, ktstr_task_start_time(self->fd, self->child, &start,
					   NULL));
	/* Under sched_ext it may be between two slices, on a DSQ, now and then. */
	for (int n = 0; n < ATTEMPTS && !on_rq; n++) {
		__u32 r = ktstr_task_write(self->fd, self->child, start,
					   "scx.dsq_vtime", 1);

		on_rq += r == KTSTR_E_ON_RQ;
		ASSERT_TRUE(r == KTSTR_E_ON_RQ ||
			    (on_sched_ext() && r == KTSTR_E_SCX_QUEUED))
			TH_LOG("reason %u", r);
		/* Spread over half a second: a busy host may hold its vCPU. */
		usleep(1000);
	}
	EXPECT_GT(on_rq, 0);
}

TEST_F(chain, layer6_not_on_ext)
{
	struct sched_param sp = { .sched_priority = 1 };
	__u64 start;

	self->child = spawn_sleeper(self->pipe);
	ASSERT_GT(self->child, 0);
	/* An RT task is never scheduled by the ext class. */
	if (on_sched_ext())
		ASSERT_EQ(0, sched_setscheduler(self->child, SCHED_FIFO, &sp));
	ASSERT_EQ(0, ktstr_task_start_time(self->fd, self->child, &start,
					   NULL));
	EXPECT_EQ(KTSTR_E_NOT_EXT,
		  write_sleeper(self->fd, self->child, start, "scx.dsq_vtime", 1));
}

/* Under a full switch a SCHED_NORMAL task is in the ext class, not SCHED_EXT. */
TEST_F(chain, layer7_policy_not_ext)
{
	__u64 start;

	if (!on_sched_ext() || !switching_all())
		SKIP(return, "needs a sched_ext scheduler that switches every task (switch_all)");
	self->child = spawn_sleeper(self->pipe);
	ASSERT_GT(self->child, 0);
	ASSERT_EQ(0, ktstr_task_start_time(self->fd, self->child, &start,
					   NULL));
	EXPECT_EQ(KTSTR_E_POLICY,
		  write_sleeper(self->fd, self->child, start, "scx.dsq_vtime", 1));
}

TEST_F(chain, field_not_writable)
{
	__u64 start;

	self->child = spawn_sleeper(self->pipe);
	ASSERT_GT(self->child, 0);
	ASSERT_EQ(0, ktstr_task_start_time(self->fd, self->child, &start,
					   NULL));
	EXPECT_EQ(KTSTR_E_NOT_WRITABLE,
		  ktstr_task_write(self->fd, self->child, start, "pid", 1));
	EXPECT_EQ(KTSTR_E_NOT_WRITABLE,
		  ktstr_task_write(self->fd, self->child, start, "start_time",
				   1));
}

/*
 * Write @field of a sleeping child under sched_ext and read it back into
 * *out. Returns the write's reason, or KTSTR_REASON_MAX if a step before
 * or after it failed.
 */
static __u32 write_read_back(int fd, pid_t *child, int p[2],
			     const char *field, __u64 value, __u64 *out)
{
	struct sched_param sp = { 0 };
	struct ktstr_access a;
	__u64 start;
	__u32 r;

	*child = spawn_sleeper(p);
	if (*child <= 0 || sched_setscheduler(*child, SCHED_EXT, &sp) ||
	    ktstr_task_start_time(fd, *child, &start, NULL))
		return KTSTR_REASON_MAX;
	r = write_sleeper(fd, *child, start, field, value);
	if (r != KTSTR_OK)
		return r;
	ktstr_access_init(&a, KTSTR_TARGET_TASK, field, 8);
	a.pid = *child;
	a.start_time = start;
	if (ktstr_ioctl(fd, KTSTR_IOC_READ, &a))
		return KTSTR_REASON_MAX;
	*out = a.value;
	return KTSTR_OK;
}

TEST_F(chain, write_sticks_under_sched_ext)
{
	__u64 v = 0;

	if (!on_sched_ext())
		SKIP(return, "needs a sched_ext scheduler attached (ktstr run --scheduler ...)");
	ASSERT_EQ(KTSTR_OK, write_read_back(self->fd, &self->child, self->pipe,
					    "scx.dsq_vtime", SEED_VTIME_NS,
					    &v));
	/* The seed, or advanced from it: never regressed. */
	EXPECT_GE(v, SEED_VTIME_NS);
	/* Wake it: the scheduler runs it with the seeded vtime. */
	ASSERT_EQ(1, write(self->pipe[1], "x", 1));
	ASSERT_EQ(self->child, waitpid(self->child, NULL, 0));
	self->child = 0;
}

TEST_F(chain, slice_write_sticks_under_sched_ext)
{
	__u64 v = 0;

	if (!on_sched_ext())
		SKIP(return, "needs a sched_ext scheduler attached (ktstr run --scheduler ...)");
	ASSERT_EQ(KTSTR_OK, write_read_back(self->fd, &self->child, self->pipe,
					    "scx.slice", 12345678, &v));
	EXPECT_EQ(12345678, v);
}

TEST_F(chain, watchdog_timeout_write)
{
	struct ktstr_access a, old;

	ktstr_access_init(&old, KTSTR_TARGET_SYMBOL, "scx_watchdog_timeout", 8);
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &old));
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "scx_watchdog_timeout", 8);
	/* 20000 jiffies is within 1 s .. 600 s for any HZ from 34 to 20000. */
	a.value = 20000;
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_WRITE, &a));
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "scx_watchdog_timeout", 8);
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &a));
	EXPECT_EQ(20000, a.value);
	/* Out of range either way: refused, value unchanged. */
	a.value = 0;
	EXPECT_NE(0, ktstr_ioctl(self->fd, KTSTR_IOC_WRITE, &a));
	EXPECT_EQ(KTSTR_E_VALUE, a.hdr.reason);
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "scx_watchdog_timeout", 8);
	a.value = ~0ULL;
	EXPECT_NE(0, ktstr_ioctl(self->fd, KTSTR_IOC_WRITE, &a));
	EXPECT_EQ(KTSTR_E_VALUE, a.hdr.reason);
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "scx_watchdog_timeout", 8);
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &a));
	EXPECT_EQ(20000, a.value);
	/* 0 means no scheduler set one: nothing to put back then. */
	old.hdr.reason = 0;
	if (old.value)
		EXPECT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_WRITE, &old));
}

TEST_HARNESS_MAIN
