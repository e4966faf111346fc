// SPDX-License-Identifier: GPL-2.0
/*
 * The capturer takes its captures on its own thread: a QEMU slow to
 * answer QMP must not stop the VM's event loop. A scripted QMP peer
 * answers each command after 1.5 s (the deadline is 2 s) while a fake
 * guest writes a numbered frame every 5 ms; the loop, this test's main
 * thread, must get every frame without a gap and meet a timer, and the
 * capture's result must come back through the eventfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "capture/capturer.h"
#include "util.h"

#define FRAME_US	5000
#define SLOW_MS		1500

struct peer {
	int fd;
	unsigned int delay_ms;
	int answers;		/* commands to answer; then read and stay mute */
	atomic_int commands;
};

static void *qmp_peer(void *arg)
{
	struct peer *p = arg;
	char buf[4096];

	dprintf(p->fd, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\n");
	/* qmp_capabilities at once: the slowness is the capture's. */
	if (read(p->fd, buf, sizeof(buf)) <= 0)
		return NULL;
	dprintf(p->fd, "{\"return\": {}}\n");
	for (;;) {
		ssize_t n = read(p->fd, buf, sizeof(buf) - 1);

		if (n <= 0)
			break;
		buf[n] = '\0';
		p->commands++;
		if (p->commands > p->answers)
			continue;
		usleep(p->delay_ms * 1000);
		if (strstr(buf, "human-monitor-command"))
			dprintf(p->fd, "{\"return\": \"RIP=ffffffff81000000\"}\n");
		else
			dprintf(p->fd, "{\"return\": {}}\n");
	}
	return NULL;
}

struct guest {
	int fd;
	atomic_bool stop;
	unsigned int sent;
};

static void *guest_frames(void *arg)
{
	struct guest *g = arg;

	while (!g->stop) {
		unsigned int n = g->sent++;

		if (write(g->fd, &n, sizeof(n)) != sizeof(n))
			break;
		usleep(FRAME_US);
	}
	return NULL;
}

struct loop_stats {
	unsigned int frames, out_of_order;
	uint64_t max_gap_ns;	/* between two frames read */
	uint64_t timer_late_ns;	/* a timer due 1 s after the submit */
	int64_t id;
	int kind;
	uint32_t cookie;
	bool done;
};

/* The event loop: frames, the capture's eventfd, a timer; until done. */
static void run_loop(struct capturer *c, int frames_fd, uint64_t until_ns,
		     struct loop_stats *st)
{
	uint64_t last = now_ns(), timer = now_ns() + 1000000000ull;
	bool timer_fired = false;

	while (now_ns() < until_ns && !(st->done && timer_fired)) {
		struct pollfd p[2] = {
			{ .fd = frames_fd, .events = POLLIN },
			{ .fd = c->done_fd, .events = POLLIN },
		};
		uint64_t now = now_ns();
		int wait = timer_fired ? 50 : (int)((timer > now ? timer - now :
							0) / 1000000);

		poll(p, 2, wait);
		now = now_ns();
		if (!timer_fired && now >= timer) {
			st->timer_late_ns = now - timer;
			timer_fired = true;
		}
		if (p[0].revents & POLLIN) {
			unsigned int n;

			while (read(frames_fd, &n, sizeof(n)) == sizeof(n)) {
				if (n != st->frames)
					st->out_of_order++;
				st->frames++;
			}
			if (now - last > st->max_gap_ns)
				st->max_gap_ns = now - last;
			last = now;
		}
		if (p[1].revents & POLLIN) {
			struct capture_done d[CAPTURE_QUEUE_MAX];
			unsigned int k = capturer_collect(c, d, CAPTURE_QUEUE_MAX);

			if (k == 1) {
				st->id = d[0].id;
				st->kind = d[0].req.kind;
				st->cookie = d[0].req.cookie;
				st->done = true;
			}
		}
	}
}

static void setup(struct capturer *c, struct peer *p, pthread_t *pt,
		  struct guest *g, pthread_t *gt, int *frames_rd,
		  struct __test_metadata *_metadata)
{
	int sv[2], pipefd[2];
	char err[256];

	capturer_init(c, NULL, NULL);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	p->fd = sv[1];
	ASSERT_EQ(0, pthread_create(pt, NULL, qmp_peer, p));
	ASSERT_EQ(0, capturer_attach_qmp(c, sv[0], err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_EQ(0, pipe2(pipefd, O_NONBLOCK));
	g->fd = pipefd[1];
	*frames_rd = pipefd[0];
	ASSERT_EQ(0, pthread_create(gt, NULL, guest_frames, g));
}

static void teardown(struct capturer *c, struct peer *p, pthread_t pt,
		     struct guest *g, pthread_t gt, int frames_rd)
{
	g->stop = true;
	pthread_join(gt, NULL);
	close(g->fd);
	close(frames_rd);
	shutdown(p->fd, SHUT_RDWR);
	capturer_destroy(c);
	close(c->qmp.fd);
	pthread_join(pt, NULL);
	close(p->fd);
}

TEST(slow_qmp_does_not_stop_the_loop)
{
	struct peer p = { .delay_ms = SLOW_MS, .answers = 100 };
	struct loop_stats st = { 0 };
	struct capturer c;
	struct guest g = { 0 };
	pthread_t pt, gt;
	uint64_t t0, took;
	int rd;

	setup(&c, &p, &pt, &g, &gt, &rd, _metadata);
	t0 = now_ns();
	ASSERT_EQ(0, capturer_submit(&c, CAPTURE_GUEST, "slow", false, 7, 42));
	took = now_ns() - t0;
	EXPECT_LT(took, 20000000ull);	/* submitting does not wait */
	EXPECT_TRUE(capturer_busy(&c));
	/* stop, info registers, cont: 3 x 1.5 s */
	run_loop(&c, rd, t0 + 10000000000ull, &st);
	took = now_ns() - t0;
	ASSERT_TRUE(st.done);
	EXPECT_GE(took, 3ull * SLOW_MS * 1000000);
	EXPECT_EQ(1, st.id);
	EXPECT_EQ(7, st.kind);
	EXPECT_EQ(42u, st.cookie);
	EXPECT_EQ(3, p.commands);
	EXPECT_EQ(1u, atomic_load(&c.frozen));
	EXPECT_FALSE(atomic_load(&c.fatal));
	/* Every frame, in order, none held up for more than 100 ms. */
	EXPECT_EQ(0u, st.out_of_order);
	EXPECT_GE(st.frames, (unsigned int)(3 * SLOW_MS * 1000 / FRAME_US / 2));
	EXPECT_LT(st.max_gap_ns, 100000000ull)
		TH_LOG("the loop went %.0f ms without reading a frame",
		       st.max_gap_ns / 1e6);
	EXPECT_LT(st.timer_late_ns, 50000000ull)
		TH_LOG("the timer fired %.0f ms late", st.timer_late_ns / 1e6);
	EXPECT_FALSE(capturer_busy(&c));
	teardown(&c, &p, pt, &g, gt, rd);
}

TEST(mute_qmp_fails_the_capture_not_the_loop)
{
	struct peer p = { .delay_ms = 0, .answers = 0 };
	struct loop_stats st = { 0 };
	struct capturer c;
	struct guest g = { 0 };
	pthread_t pt, gt;
	uint64_t t0;
	int rd;

	setup(&c, &p, &pt, &g, &gt, &rd, _metadata);
	t0 = now_ns();
	ASSERT_EQ(0, capturer_submit(&c, CAPTURE_FAILURE, "mute", false, 3, 9));
	run_loop(&c, rd, t0 + 10000000000ull, &st);
	ASSERT_TRUE(st.done);
	EXPECT_LT(st.id, 0);
	EXPECT_EQ(3, st.kind);
	/* QEMU stopped answering: the run must end, and say why. */
	EXPECT_TRUE(atomic_load(&c.fatal));
	EXPECT_NE(NULL, strstr(c.fatal_msg, "did not answer")) TH_LOG("%s", c.fatal_msg);
	EXPECT_EQ(-ENODEV, capturer_submit(&c, CAPTURE_GUEST, NULL, false, 0, 0));
	EXPECT_LT(st.max_gap_ns, 100000000ull);
	EXPECT_LT(st.timer_late_ns, 50000000ull);
	teardown(&c, &p, pt, &g, gt, rd);
}

TEST(queue_bounds_and_results_kept)
{
	struct peer p = { .delay_ms = 20, .answers = 1000 };
	struct capture_done d[CAPTURE_QUEUE_MAX];
	struct capturer c;
	struct guest g = { 0 };
	pthread_t pt, gt;
	unsigned int got = 0;
	int rd, accepted = 0;

	setup(&c, &p, &pt, &g, &gt, &rd, _metadata);
	for (int i = 0; i < CAPTURE_QUEUE_MAX + 4; i++)
		if (!capturer_submit(&c, CAPTURE_GUEST, NULL, false, 0,
				     (uint32_t)i))
			accepted++;
	EXPECT_EQ(CAPTURE_QUEUE_MAX, accepted);
	EXPECT_TRUE(capturer_wait_idle(&c, 10000));
	got = capturer_collect(&c, d, CAPTURE_QUEUE_MAX);
	ASSERT_EQ((unsigned int)CAPTURE_QUEUE_MAX, got);
	for (unsigned int i = 0; i < got; i++) {
		EXPECT_EQ(i, d[i].req.cookie);	/* in order */
		EXPECT_EQ((int64_t)i + 1, d[i].id);
	}
	EXPECT_EQ(0u, capturer_collect(&c, d, CAPTURE_QUEUE_MAX));
	teardown(&c, &p, pt, &g, gt, rd);
}

TEST_HARNESS_MAIN
