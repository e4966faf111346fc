// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/ktstr rendezvous: the stop_machine snapshot sees pinned spinners
 * on their CPUs, and CAPTURE reaches a relay and returns its capture id
 * only after the relay answered.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lib/ktstr_dev.h"
#include "lib/ktstr_module.h"
#include "ktstr_guest.h"
#include "lib/ktstr_env.h"

#define MAX_SPINNERS 64

FIXTURE(rdv) {
	int fd;
	int nr_spinners;
	pid_t spinner[MAX_SPINNERS];
	int spinner_cpu[MAX_SPINNERS];
};

FIXTURE_SETUP(rdv)
{
	self->nr_spinners = 0;
	self->fd = ktstr_open();
	if (self->fd < 0)
		SKIP(return, KTSTR_DEVICE " is missing: %s", ktstr_module_why());
}

FIXTURE_TEARDOWN(rdv)
{
	for (int i = 0; i < self->nr_spinners; i++) {
		kill(self->spinner[i], SIGKILL);
		waitpid(self->spinner[i], NULL, 0);
	}
	if (self->fd >= 0)
		close(self->fd);
}

static pid_t spin_on(int cpu)
{
	pid_t pid = fork();

	if (pid == 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			_exit(1);
		for (;;)
			;
	}
	return pid;
}

TEST_F(rdv, snapshot_sees_pinned_spinners)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct ktstr_snapshot *s = malloc(sizeof(*s));
	int first = cpus > 1 ? 1 : 0;	/* leave CPU 0 to us if we can */

	ASSERT_NE(NULL, s);
	/*
	 * Stay on CPU 0 ourselves: left free, a scheduler may run us on a
	 * spinner's CPU at the snapshot, with the spinner waiting elsewhere.
	 */
	if (first) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(0, &set);
		ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
	}
	for (int c = first; c < cpus && self->nr_spinners < MAX_SPINNERS; c++) {
		pid_t pid = spin_on(c);

		ASSERT_GT(pid, 0);
		self->spinner_cpu[self->nr_spinners] = c;
		self->spinner[self->nr_spinners++] = pid;
		ASSERT_EQ(0, ktstr_wait_task_state(pid, 'R'));
	}
	usleep(200000);	/* let every spinner reach its CPU */
	ktstr_hdr_init(s, sizeof(*s));
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_SNAPSHOT, s));
	for (int i = 0; i < self->nr_spinners; i++) {
		const struct ktstr_cpu_state *c = &s->cpus[self->spinner_cpu[i]];

		/* The stopper is left out: the spinner is what ran there. */
		EXPECT_GE(c->nr_running, 1)
			TH_LOG("cpu %d: nr_running %u", self->spinner_cpu[i],
			       c->nr_running);
		/*
		 * A sched_ext scheduler may have given the CPU to a short
		 * waker (the agent, polling) at that instant: then the
		 * spinner is queued behind it, so the CPU has two tasks.
		 */
		if (c->curr_pid != (__u32)self->spinner[i])
			EXPECT_GE(c->nr_running, 2)
				TH_LOG("cpu %d: curr %u (%.16s), %u tasks: %d not queued",
				       self->spinner_cpu[i], c->curr_pid,
				       c->curr_comm, c->nr_running,
				       self->spinner[i]);
		if (getenv(KTSTR_ENV_SCHEDULER) && *getenv(KTSTR_ENV_SCHEDULER)) {
			EXPECT_GE(c->scx_nr_running, 1)
				TH_LOG("cpu %d: scx nr_running %u",
				       self->spinner_cpu[i], c->scx_nr_running);
		}
	}
	free(s);
}

struct relay_arg {
	int fd;
	struct ktstr_relay req;
	int rc;
};

/* Play the host: take one request, answer it with capture id 4242. */
static void *relay(void *p)
{
	struct relay_arg *r = p;
	struct ktstr_relay done;

	ktstr_hdr_init(&r->req, sizeof(r->req));
	r->rc = ktstr_ioctl(r->fd, KTSTR_IOC_RELAY_WAIT, &r->req);
	if (r->rc)
		return NULL;
	usleep(100000);	/* the caller must still be waiting */
	ktstr_hdr_init(&done, sizeof(done));
	done.request_id = r->req.request_id;
	done.capture_id = 4242;
	done.result = KTSTR_OK;
	r->rc = ktstr_ioctl(r->fd, KTSTR_IOC_RELAY_DONE, &done);
	return NULL;
}

TEST_F(rdv, capture_goes_through_the_relay)
{
	struct relay_arg r = { .fd = ktstr_open() };
	struct ktstr_capture c;
	struct ktstr_info info;
	struct ktstr_relay bogus;
	pthread_t t;

	ktstr_hdr_init(&info, sizeof(info));
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_INFO, &info));
	if (info.host_attached) {
		/* Under ktstr the agent is the relay: the real host answers. */
		ktstr_hdr_init(&c, sizeof(c));
		snprintf(c.tag, sizeof(c.tag), "selftest-relay");
		ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_CAPTURE, &c))
			TH_LOG("capture through the agent: reason %u",
			       c.hdr.reason);
		EXPECT_EQ(KTSTR_OK, c.hdr.reason);
		EXPECT_GT(c.capture_id, 0);
		close(r.fd);
		return;
	}
	ASSERT_GE(r.fd, 0);
	ASSERT_EQ(0, pthread_create(&t, NULL, relay, &r));
	/* CAPTURE succeeds once the relay is registered. */
	for (int i = 0; i < 200; i++) {
		ktstr_hdr_init(&c, sizeof(c));
		snprintf(c.tag, sizeof(c.tag), "selftest");
		if (ktstr_ioctl(self->fd, KTSTR_IOC_CAPTURE, &c) == 0 ||
		    c.hdr.reason != KTSTR_E_NO_HOST)
			break;
		usleep(10000);
	}
	ASSERT_EQ(KTSTR_OK, c.hdr.reason);
	EXPECT_EQ(4242, c.capture_id);
	pthread_join(t, NULL);
	EXPECT_EQ(0, r.rc);
	EXPECT_STREQ("selftest", r.req.tag);
	/* An answer to nothing in flight is refused. */
	ktstr_hdr_init(&bogus, sizeof(bogus));
	bogus.request_id = r.req.request_id + 100;
	EXPECT_NE(0, ktstr_ioctl(r.fd, KTSTR_IOC_RELAY_DONE, &bogus));
	EXPECT_EQ(KTSTR_E_NO_REQUEST, bogus.hdr.reason);
	close(r.fd);
	/* Relay gone: no host again. */
	ktstr_hdr_init(&c, sizeof(c));
	snprintf(c.tag, sizeof(c.tag), "after");
	EXPECT_NE(0, ktstr_ioctl(self->fd, KTSTR_IOC_CAPTURE, &c));
	EXPECT_EQ(KTSTR_E_NO_HOST, c.hdr.reason);
}

TEST_F(rdv, capture_sync_parks_and_returns)
{
	struct ktstr_capture_sync c;
	struct ktstr_info info;
	__u64 before;
	struct ktstr_access j;

	ktstr_hdr_init(&info, sizeof(info));
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_INFO, &info));
	ktstr_hdr_init(&c, sizeof(c));
	snprintf(c.tag, sizeof(c.tag), "two\nlines");
	EXPECT_NE(0, ktstr_ioctl(self->fd, KTSTR_IOC_CAPTURE_SYNC, &c));
	EXPECT_EQ(KTSTR_E_NAME, c.hdr.reason);
	ktstr_hdr_init(&c, sizeof(c));
	snprintf(c.tag, sizeof(c.tag), "reserved");
	c.reserved[1] = 1;
	EXPECT_NE(0, ktstr_ioctl(self->fd, KTSTR_IOC_CAPTURE_SYNC, &c));
	EXPECT_EQ(KTSTR_E_RESERVED, c.hdr.reason);

	ktstr_access_init(&j, KTSTR_TARGET_SYMBOL, "jiffies_64", 8);
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &j));
	before = j.value;
	ktstr_hdr_init(&c, sizeof(c));
	snprintf(c.tag, sizeof(c.tag), "selftest-sync");
	if (!info.host_attached) {
		EXPECT_NE(0, ktstr_ioctl(self->fd, KTSTR_IOC_CAPTURE_SYNC, &c));
		EXPECT_EQ(KTSTR_E_NO_HOST, c.hdr.reason);
		return;
	}
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_CAPTURE_SYNC, &c));
	EXPECT_GE(c.jiffies, before);
	EXPECT_GT(c.parked_ns, 0);
	EXPECT_LT(c.parked_ns, 2000000000ULL);
}

TEST_HARNESS_MAIN
