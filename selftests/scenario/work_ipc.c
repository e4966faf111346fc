// SPDX-License-Identifier: GPL-2.0
/*
 * Work types that wake each other: pipe and futex ping-pong pairs, futex
 * fan-out (one waker, the rest of the group waiting), mutex contention.
 * Every wait is bounded so a stop request is always seen; wake latency is
 * the time from the waker's timestamp to the wakee running.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include "internal.h"

#define SC_WAIT_MS	100

static_assert(sizeof(pthread_mutex_t) <= sizeof(((struct sc_chan *)0)->mutex),
	      "a channel holds a process-shared mutex");

static void woke(struct sc_wctx *w)
{
	__u64 ts = sc_load(&w->chan->ts), now = sc_now_ns();

	if (ts && now > ts)
		sc_lat_record(w->slot, now - ts);
}

/* Wait for the partner's byte; 1 on stop or a broken pipe. */
static int pipe_recv(struct sc_wctx *w)
{
	char c;

	for (;;) {
		struct pollfd p = { .fd = w->pipe_rd, .events = POLLIN };
		ssize_t n;

		if (sc_stopping(w))
			return 1;
		if (poll(&p, 1, SC_WAIT_MS) <= 0)
			continue;
		n = read(w->pipe_rd, &c, 1);
		if (n == 1)
			return 0;
		if (n == 0 || (errno != EINTR && errno != EAGAIN))
			return 1;
	}
}

static int pipe_send(struct sc_wctx *w)
{
	char c = 'k';

	sc_store(&w->chan->ts, sc_now_ns());
	while (write(w->pipe_wr, &c, 1) != 1) {
		if (errno != EINTR || sc_stopping(w))
			return 1;
	}
	return 0;
}

static int pipe_pingpong(struct sc_wctx *w)
{
	int first = w->rank % 2 == 0;

	if (first && pipe_send(w))
		return 0;
	while (!pipe_recv(w)) {
		woke(w);
		sc_spin(SC_SPIN_ITERS / 16);
		sc_unit_done(w);
		if (pipe_send(w))
			break;
	}
	return 0;
}

static int futex_pingpong(struct sc_wctx *w)
{
	__u32 me = w->rank % 2, t;

	while (!sc_stopping(w)) {
		while ((t = sc_load(&w->chan->turn)) != me && !sc_stopping(w))
			sc_futex_wait(&w->chan->turn, t, SC_WAIT_MS);
		if (sc_stopping(w))
			break;
		woke(w);
		sc_spin(SC_SPIN_ITERS / 16);
		sc_unit_done(w);
		sc_store(&w->chan->ts, sc_now_ns());
		sc_store(&w->chan->turn, 1 - me);
		sc_futex_wake(&w->chan->turn, 1);
	}
	/* Let the partner see the stop too. */
	sc_store(&w->chan->turn, 1 - me);
	sc_futex_wake(&w->chan->turn, 1);
	return 0;
}

/*
 * Worker 0 wakes every other worker of the group and waits (bounded) for
 * all to answer. FUTEX_FANOUT: an answer is all the work, and worker 0
 * spins a block between rounds. REQUESTS, after schbench: each woken
 * worker serves a request (.spin blocks) before answering, and worker 0
 * sleeps .sleep_us between rounds; every wake latency is recorded, and
 * a unit is a request served (a round, for worker 0).
 */
static int fanout(struct sc_wctx *w, unsigned int serve, unsigned int pause_us)
{
	struct sc_chan *c = w->chan;
	__u32 waiters = c->members - 1, seen = sc_load(&c->gen), a;

	while (!sc_stopping(w)) {
		if (w->rank == 0) {
			__u64 deadline;

			if (pause_us)
				sc_sleep_ns(pause_us * 1000ull);
			else
				sc_spin_block(1);
			sc_store(&c->acks, 0);
			sc_store(&c->ts, sc_now_ns());
			sc_add(&c->gen, 1);
			sc_futex_wake(&c->gen, INT_MAX);
			deadline = sc_now_ns() + SC_WAIT_MS * 1000000ull;
			while ((a = sc_load(&c->acks)) < waiters &&
			       sc_now_ns() < deadline && !sc_stopping(w))
				sc_futex_wait(&c->acks, a, SC_WAIT_MS);
			sc_unit_done(w);
			continue;
		}
		while (sc_load(&c->gen) == seen && !sc_stopping(w))
			sc_futex_wait(&c->gen, seen, SC_WAIT_MS);
		if (sc_stopping(w))
			break;
		seen = sc_load(&c->gen);
		woke(w);
		sc_spin_block(serve);
		if (sc_add(&c->acks, 1) == waiters)
			sc_futex_wake(&c->acks, 1);
		sc_unit_done(w);
	}
	return 0;
}

static int mutex_contend(struct sc_wctx *w)
{
	pthread_mutex_t *m = (pthread_mutex_t *)w->chan->mutex;

	while (!sc_stopping(w)) {
		struct timespec abs;
		int r;

		clock_gettime(CLOCK_REALTIME, &abs);
		abs.tv_nsec += SC_WAIT_MS * 1000000L;
		if (abs.tv_nsec >= 1000000000L) {
			abs.tv_sec++;
			abs.tv_nsec -= 1000000000L;
		}
		r = pthread_mutex_timedlock(m, &abs);
		if (r == EOWNERDEAD) {
			pthread_mutex_consistent(m);
			r = 0;
		}
		if (r)
			continue;
		sc_spin(SC_SPIN_ITERS / 8);
		pthread_mutex_unlock(m);
		sc_spin(SC_SPIN_ITERS / 8);
		sc_unit_done(w);
	}
	return 0;
}

int sc_work_ipc(struct sc_wctx *w)
{
	if (!w->chan || w->chan->magic != SC_CHAN_MAGIC)
		return 1;
	switch (w->spec->work.type) {
	case SC_WORK_PIPE_PINGPONG:
		return pipe_pingpong(w);
	case SC_WORK_FUTEX_PINGPONG:
		return futex_pingpong(w);
	case SC_WORK_FUTEX_FANOUT:
		return fanout(w, 0, 0);
	case SC_WORK_REQUESTS:
		return fanout(w, w->spec->work.spin ? w->spec->work.spin : 2,
			      w->spec->work.sleep_us ? w->spec->work.sleep_us : 1000);
	case SC_WORK_MUTEX:
		return mutex_contend(w);
	default:
		return 1;
	}
}
