// SPDX-License-Identifier: GPL-2.0
/*
 * The capture gate, the freeze coordinator and the QMP client, without a
 * VM: fake freeze operations with injected failures and slow replies,
 * concurrent requests from threads, and a scripted QMP peer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "capture/freeze.h"
#include "capture/qmp.h"
#include "util.h"

/* ---- fake freeze operations ------------------------------------------- */

struct fake_vm {
	atomic_int frozen;	/* 1 between stop and cont */
	atomic_int stops, conts;
	atomic_int inside;	/* captures running right now */
	atomic_int max_inside;
	int fail_stop, fail_cont;
	unsigned int capture_us;	/* how long a capture takes */
};

static int fake_stop(void *ctx, char *err, size_t len)
{
	struct fake_vm *vm = ctx;

	vm->stops++;
	if (vm->fail_stop) {
		snprintf(err, len, "injected stop failure");
		return -1;
	}
	vm->frozen = 1;
	return 0;
}

static int fake_cont(void *ctx, char *err, size_t len)
{
	struct fake_vm *vm = ctx;

	vm->conts++;
	if (vm->fail_cont) {
		snprintf(err, len, "injected cont failure");
		return -1;
	}
	vm->frozen = 0;
	return 0;
}

static int capture(void *arg, uint64_t id, char *err, size_t len)
{
	struct fake_vm *vm = arg;
	int now = ++vm->inside;

	(void)id;
	if (now > vm->max_inside)
		vm->max_inside = now;
	if (!vm->frozen) {
		snprintf(err, len, "captured a running VM");
		vm->inside--;
		return -1;
	}
	usleep(vm->capture_us);
	vm->inside--;
	return 0;
}

static int failing_capture(void *arg, uint64_t id, char *err, size_t len)
{
	(void)arg;
	(void)id;
	snprintf(err, len, "injected capture failure");
	return -1;
}

static void make_freezer(struct freezer *f, struct fake_vm *vm)
{
	struct freeze_ops ops = { fake_stop, fake_cont, vm };

	memset(vm, 0, sizeof(*vm));
	freezer_init(f, &ops);
}

TEST(ids_are_ordered_and_vm_thawed)
{
	struct freezer f;
	struct fake_vm vm;
	char err[256];

	make_freezer(&f, &vm);
	for (int i = 1; i <= 5; i++)
		EXPECT_EQ(i, freeze_capture(&f, CAPTURE_GUEST, 100, capture,
					    &vm, err, sizeof(err)));
	EXPECT_EQ(5, vm.stops);
	EXPECT_EQ(5, vm.conts);
	EXPECT_EQ(0, vm.frozen);
	freezer_destroy(&f);
}

TEST(thaw_after_injected_failures)
{
	struct freezer f;
	struct fake_vm vm;
	char err[256];

	make_freezer(&f, &vm);
	EXPECT_EQ(-EIO, freeze_capture(&f, CAPTURE_FAILURE, 100,
				       failing_capture, &vm, err,
				       sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "injected capture failure"));
	EXPECT_EQ(0, vm.frozen);
	EXPECT_EQ(1, vm.conts);

	vm.fail_stop = 1;
	EXPECT_EQ(-EIO, freeze_capture(&f, CAPTURE_GUEST, 100, capture, &vm,
				       err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "cannot freeze"));
	EXPECT_EQ(2, vm.conts);		/* thaw attempted anyway */
	vm.fail_stop = 0;

	vm.fail_cont = 1;
	EXPECT_EQ(-EIO, freeze_capture(&f, CAPTURE_GUEST, 100, capture, &vm,
				       err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "cannot thaw"));
	EXPECT_TRUE(f.thaw_failed);
	vm.fail_cont = 0;

	/* The gate was released on every one of those paths. */
	EXPECT_LT(0, freeze_capture(&f, CAPTURE_PERIODIC, 0, capture, &vm,
				    err, sizeof(err)));
	freezer_destroy(&f);
}

struct racer {
	struct freezer *f;
	struct fake_vm *vm;
	enum capture_trigger t;
	int rounds;
	int ok, busy, other;
	int64_t last_id;
	bool ids_increasing;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	char err[256];

	r->ids_increasing = true;
	for (int i = 0; i < r->rounds; i++) {
		int64_t id = freeze_capture(r->f, r->t, 5000, capture, r->vm,
					    err, sizeof(err));

		if (id > 0) {
			r->ok++;
			if (id <= r->last_id)
				r->ids_increasing = false;
			r->last_id = id;
		} else if (id == -EBUSY) {
			r->busy++;
		} else {
			r->other++;
		}
	}
	return NULL;
}

TEST(concurrent_requests_never_interleave)
{
	struct racer r[8];
	pthread_t t[8];
	struct freezer f;
	struct fake_vm vm;
	int ok = 0, busy = 0;

	make_freezer(&f, &vm);
	vm.capture_us = 200;
	for (int i = 0; i < 8; i++) {
		r[i] = (struct racer){ .f = &f, .vm = &vm, .rounds = 50,
				       .t = i < 4 ? CAPTURE_GUEST :
					    CAPTURE_PERIODIC };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, race, &r[i]));
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, r[i].other);
		EXPECT_TRUE(r[i].ids_increasing);
		ok += r[i].ok;
		busy += r[i].busy;
		/* Queued (guest) requests all got their capture. */
		if (i < 4)
			EXPECT_EQ(50, r[i].ok);
	}
	EXPECT_EQ(1, vm.max_inside);
	EXPECT_EQ(400, ok + busy);
	EXPECT_EQ(ok, vm.stops);
	EXPECT_EQ(ok, vm.conts);
	EXPECT_EQ(0, vm.frozen);
	freezer_destroy(&f);
}

struct holder {
	struct capture_gate *g;
	unsigned int hold_ms;
};

static void *hold_gate(void *arg)
{
	struct holder *h = arg;

	gate_acquire(h->g, CAPTURE_GUEST, 1000);
	usleep(h->hold_ms * 1000);
	gate_release(h->g);
	return NULL;
}

TEST(gate_rejects_periodic_and_times_out_queued)
{
	struct capture_gate g;
	struct holder h = { &g, 300 };
	pthread_t t;
	uint64_t t0;

	gate_init(&g);
	ASSERT_EQ(0, pthread_create(&t, NULL, hold_gate, &h));
	usleep(50000);
	EXPECT_EQ(-EBUSY, gate_acquire(&g, CAPTURE_PERIODIC, 1000));
	t0 = now_ns();
	EXPECT_EQ(-ETIMEDOUT, gate_acquire(&g, CAPTURE_GUEST, 50));
	EXPECT_LT(now_ns() - t0, 250000000ull);
	/* A queued request gets the gate when the holder lets go. */
	EXPECT_EQ(0, gate_acquire(&g, CAPTURE_FAILURE, 2000));
	gate_release(&g);
	pthread_join(t, NULL);
	EXPECT_EQ(0, gate_acquire(&g, CAPTURE_PERIODIC, 0));
	gate_release(&g);
	gate_destroy(&g);
}

/* ---- QMP against a scripted peer --------------------------------------- */

struct peer {
	int fd;
	const char *const *script;	/* lines to send after each command */
	unsigned int delay_ms;
};

static void *qmp_peer(void *arg)
{
	struct peer *p = arg;
	char buf[4096];

	dprintf(p->fd, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\n");
	for (int i = 0; p->script[i]; i++) {
		if (read(p->fd, buf, sizeof(buf)) <= 0)
			break;
		usleep(p->delay_ms * 1000);
		if (*p->script[i])
			dprintf(p->fd, "%s\n", p->script[i]);
	}
	return NULL;
}

static int start_peer(struct peer *p, pthread_t *t, int *client)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return -1;
	p->fd = sv[1];
	*client = sv[0];
	return pthread_create(t, NULL, qmp_peer, p);
}

TEST(qmp_commands_events_and_errors)
{
	static const char *const script[] = {
		"{\"return\": {}}",
		"{\"event\": \"STOP\", \"data\": {}}\nnot json at all\n{\"return\": {}}",
		"{\"error\": {\"class\": \"GenericError\", \"desc\": \"no such thing\"}}",
		"{\"return\": \"RIP=ffffffff81000000\"}",
		NULL,
	};
	struct peer p = { .script = script };
	char err[256], *text;
	struct qmp q;
	pthread_t t;
	int fd;

	ASSERT_EQ(0, start_peer(&p, &t, &fd));
	ASSERT_EQ(0, qmp_init(&q, fd, 1000, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0, qmp_run(&q, "stop", err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(-1, qmp_run(&q, "frobnicate", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "no such thing"));
	text = qmp_hmp(&q, "info registers", err, sizeof(err));
	ASSERT_NE(NULL, text);
	EXPECT_STREQ("RIP=ffffffff81000000", text);
	free(text);
	close(fd);
	pthread_join(t, NULL);
	close(p.fd);
}

TEST(qmp_deadline_and_closed_socket)
{
	static const char *const script[] = { "{\"return\": {}}", "", NULL };
	struct peer p = { .script = script };
	char err[256];
	struct qmp q;
	uint64_t t0;
	pthread_t t;
	int fd;

	ASSERT_EQ(0, start_peer(&p, &t, &fd));
	ASSERT_EQ(0, qmp_init(&q, fd, 200, err, sizeof(err)));
	/* The peer reads "stop" and never answers. */
	t0 = now_ns();
	EXPECT_EQ(-1, qmp_run(&q, "stop", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "did not answer within 200 ms"))
		TH_LOG("%s", err);
	EXPECT_TRUE(q.dead);
	q.dead = false;	/* and a closed socket marks it dead too */
	EXPECT_LT(now_ns() - t0, 1000000000ull);
	pthread_join(t, NULL);
	close(p.fd);
	EXPECT_EQ(-1, qmp_run(&q, "cont", err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "closed")) TH_LOG("%s", err);
	EXPECT_TRUE(q.dead);
	close(fd);
}

TEST_HARNESS_MAIN
