// SPDX-License-Identifier: GPL-2.0
/*
 * The requests of ktstr-kmod-fuzz: random bytes under every command
 * number and size, and well-formed requests aimed where the module must
 * be careful (tasks that are exiting, CPUs that do not exist, widths that
 * do not match, captures and relays cut short by signals and kills).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "ktstr_dev.h"
#include "ktstr_fields.h"

const char *const fuzz_action_names[FA_NR] = {
#define FA_NAME(id, name, weight) [id] = name,
	FUZZ_ACTIONS(FA_NAME)
#undef FA_NAME
};

static const unsigned int fuzz_weights[FA_NR] = {
#define FA_WEIGHT(id, name, weight) [id] = weight,
	FUZZ_ACTIONS(FA_WEIGHT)
#undef FA_WEIGHT
};

const char *const fuzz_outcome_names[FO_NR] = {
	[FO_OK] = "ok", [FO_REFUSED] = "refused", [FO_ERRNO] = "errno",
	[FO_EINTR] = "eintr",
};

enum fuzz_action fuzz_pick(struct fuzz_rng *r)
{
	unsigned int total = 0, x;

	for (int i = 0; i < FA_NR; i++)
		total += fuzz_weights[i];
	x = fuzz_below(r, total);
	for (int i = 0; i < FA_NR; i++) {
		if (x < fuzz_weights[i])
			return (enum fuzz_action)i;
		x -= fuzz_weights[i];
	}
	return FA_INFO;
}

static void record(struct fuzz_shared *sh, enum fuzz_action a, int rc,
		   int err, const struct ktstr_hdr *h)
{
	enum fuzz_outcome o;

	if (!rc)
		o = FO_OK;
	else if (err == EINTR)
		o = FO_EINTR;
	else if (h && h->reason != KTSTR_OK && h->reason < KTSTR_REASON_MAX)
		o = FO_REFUSED;
	else
		o = FO_ERRNO;
	atomic_fetch_add(&sh->count[a][o], 1);
	if (o == FO_REFUSED && h->reason < 64)
		atomic_fetch_add(&sh->reasons[h->reason], 1);
}

/* One ioctl, counted; the header @h is read back only when it is ours. */
static int issue_raw(struct fuzz_shared *sh, enum fuzz_action a, int fd,
		     unsigned long cmd, void *arg, const struct ktstr_hdr *h)
{
	int rc = ioctl(fd, cmd, arg), err = errno;

	record(sh, a, rc < 0 ? -1 : 0, err, h);
	errno = err;
	return rc < 0 ? -1 : 0;
}

static int issue(struct fuzz_shared *sh, enum fuzz_action a, int fd,
		 unsigned long cmd, void *req)
{
	return issue_raw(sh, a, fd, cmd, req, req);
}

static __u32 pick_pid(struct fuzz_shared *sh, struct fuzz_rng *r)
{
	switch (fuzz_below(r, 8)) {
	case 0:
		return (__u32)getpid();
	case 1:
		return 1;
	case 2:
		return (__u32)fuzz_next(r);
	default:	/* a task that is exiting, or just has */
		return atomic_load(&sh->pids[fuzz_below(r, FUZZ_PIDS)]);
	}
}

static const __u32 widths[] = { 8, 4, 8, 4, 2, 1, 0, 3, 16 };

static __u32 pick_width(struct fuzz_rng *r)
{
	return widths[fuzz_below(r, sizeof(widths) / sizeof(widths[0]))];
}

/* A name from @names, or one the module must refuse. */
static void pick_name(struct fuzz_rng *r, const char *const *names, int n,
		      char *name)
{
	unsigned int k = fuzz_below(r, 10);

	memset(name, 0, KTSTR_NAME_LEN);
	if (k < 7 && n > 0) {
		snprintf(name, KTSTR_NAME_LEN, "%s", names[fuzz_below(r, n)]);
	} else if (k == 7) {
		for (int i = 0; i < KTSTR_NAME_LEN; i++)	/* no NUL */
			name[i] = (char)('a' + fuzz_below(r, 26));
	} else if (k == 8) {
		snprintf(name, KTSTR_NAME_LEN, "init_task");
	}
}

static void garbage(struct fuzz_shared *sh, struct fuzz_rng *r, int fd)
{
	/* Requests stay below 16 KiB; leave room for a bigger claim. */
	static __thread unsigned char buf[20480] __attribute__((aligned(8)));
	static const unsigned long real[] = {
		KTSTR_IOC_INFO, KTSTR_IOC_READ, KTSTR_IOC_WRITE,
		KTSTR_IOC_SNAPSHOT,
	};
	unsigned long cmd;
	void *arg = buf;
	struct ktstr_hdr *h = (void *)buf;

	for (size_t i = 0; i < sizeof(buf); i += 8) {
		uint64_t v = fuzz_next(r);

		memcpy(buf + i, &v, 8);
	}
	switch (fuzz_below(r, 4)) {
	case 0:		/* a real command, its header plausible */
		cmd = real[fuzz_below(r, sizeof(real) / sizeof(real[0]))];
		h->size = fuzz_below(r, 4) ? _IOC_SIZE(cmd) :
			  (__u32)fuzz_below(r, sizeof(buf));
		h->version = fuzz_below(r, 4) ? KTSTR_ABI_VERSION : 2;
		h->reserved = fuzz_below(r, 4) ? 0 : 1;
		break;
	case 1:		/* any number, any size, in our magic */
		cmd = _IOC(fuzz_below(r, 4), KTSTR_IOC_MAGIC,
			   fuzz_below(r, 16), fuzz_below(r, 1 << 14));
		break;
	case 2:		/* every command, a header of random bytes */
		cmd = _IOC(_IOC_READ | _IOC_WRITE, KTSTR_IOC_MAGIC,
			   1 + fuzz_below(r, 8), fuzz_below(r, 1 << 14));
		break;
	default:	/* someone else's ioctl */
		cmd = (unsigned long)fuzz_next(r) & 0xffffffffu;
		break;
	}
	/* Some arguments point nowhere the module may follow. */
	switch (fuzz_below(r, 8)) {
	case 0:
		arg = NULL;
		break;
	case 1:
		arg = (void *)0xffff888000000000ull;
		break;
	case 2:
		arg = (void *)(uintptr_t)fuzz_next(r);
		break;
	default:
		break;
	}
	/* Never let random bytes become a real capture: those have their own. */
	if (_IOC_TYPE(cmd) == KTSTR_IOC_MAGIC && arg == buf &&
	    (_IOC_NR(cmd) == _IOC_NR(KTSTR_IOC_CAPTURE) ||
	     _IOC_NR(cmd) == _IOC_NR(KTSTR_IOC_CAPTURE_SYNC) ||
	     _IOC_NR(cmd) == _IOC_NR(KTSTR_IOC_RELAY_WAIT)))
		h->version = KTSTR_ABI_VERSION + 1;
	issue_raw(sh, FA_GARBAGE, fd, cmd, arg, arg == buf ? h : NULL);
}

static void read_access(struct fuzz_shared *sh, struct fuzz_rng *r, int fd,
			enum fuzz_action a)
{
	static const char *const symbols[] = {
		"jiffies_64", "scx_watchdog_timeout", "scx_state",
	};
	struct ktstr_access acc;

	ktstr_hdr_init(&acc, sizeof(acc));
	acc.width = pick_width(r);
	switch (a) {
	case FA_READ_SYMBOL:
		acc.kind = KTSTR_TARGET_SYMBOL;
		pick_name(r, symbols, 3, acc.name);
		break;
	case FA_READ_PERCPU:
		acc.kind = KTSTR_TARGET_PERCPU;
		pick_name(r, ktstr_rq_field_names, KTSTR_RQ_NR_FIELDS, acc.name);
		acc.cpu = fuzz_below(r, 16) ? fuzz_below(r, sh->nr_cpus + 2) :
			  (__u32)fuzz_next(r);
		break;
	default:
		acc.kind = KTSTR_TARGET_TASK;
		pick_name(r, ktstr_task_field_names, KTSTR_TASK_NR_FIELDS,
			  acc.name);
		acc.pid = pick_pid(sh, r);
		if (fuzz_below(r, 4))
			ktstr_task_start_time(fd, acc.pid, &acc.start_time,
					      NULL);
		else
			acc.start_time = fuzz_below(r, 2) ? 0 : fuzz_next(r);
		break;
	}
	if (fuzz_below(r, 32) == 0)
		acc.kind = (__u32)fuzz_next(r);
	issue(sh, a, fd, KTSTR_IOC_READ, &acc);
}

/*
 * Writes aimed at tasks that are exiting: the validation chain's job.
 * A write the chain accepts must not starve the task: the value is the
 * field's own, read just before (a random vtime would, rightly, leave it
 * behind every other task until sched_ext's watchdog ejects the
 * scheduler: the scheduler's behaviour, not the module's).
 */
static void write_task(struct fuzz_shared *sh, struct fuzz_rng *r, int fd)
{
	static const char *const writable[] = { "scx.slice", "scx.dsq_vtime" };
	struct ktstr_access acc, cur;

	ktstr_hdr_init(&acc, sizeof(acc));
	acc.kind = KTSTR_TARGET_TASK;
	acc.width = fuzz_below(r, 8) ? 8 : pick_width(r);
	pick_name(r, writable, 2, acc.name);
	acc.pid = pick_pid(sh, r);
	if (fuzz_below(r, 8))
		ktstr_task_start_time(fd, acc.pid, &acc.start_time, NULL);
	cur = acc;
	cur.width = 8;
	acc.value = ioctl(fd, KTSTR_IOC_READ, &cur) ? 20000000ull : cur.value;
	issue(sh, FA_WRITE_TASK, fd, KTSTR_IOC_WRITE, &acc);
}

/*
 * The watchdog timeout: its own value written back (accepted), or one out
 * of range (refused). Never a shorter one: a scheduler under the fuzz
 * must not be stalled out by us.
 */
static void write_symbol(struct fuzz_shared *sh, struct fuzz_rng *r, int fd)
{
	static const __u64 bad[] = { 0, 1, ~0ull, 1ull << 40 };
	struct ktstr_access acc;

	ktstr_hdr_init(&acc, sizeof(acc));
	acc.kind = KTSTR_TARGET_SYMBOL;
	acc.width = sizeof(unsigned long);
	snprintf(acc.name, sizeof(acc.name), "scx_watchdog_timeout");
	if (ioctl(fd, KTSTR_IOC_READ, &acc))
		return;
	acc.hdr.reason = 0;
	if (fuzz_below(r, 2))
		acc.value = bad[fuzz_below(r, 4)];
	if (fuzz_below(r, 8) == 0)
		snprintf(acc.name, sizeof(acc.name), "jiffies_64");
	issue(sh, FA_WRITE_SYMBOL, fd, KTSTR_IOC_WRITE, &acc);
}

static void capture(struct fuzz_shared *sh, struct fuzz_rng *r, int fd,
		    bool sync)
{
	if (sync) {
		struct ktstr_capture_sync c;

		ktstr_hdr_init(&c, sizeof(c));
		snprintf(c.tag, sizeof(c.tag), fuzz_below(r, 8) ? "fuzz-sync" :
			 KTSTR_SYNC_TAG_SCHED_ERROR);
		issue(sh, FA_CAPTURE_SYNC, fd, KTSTR_IOC_CAPTURE_SYNC, &c);
	} else {
		struct ktstr_capture c;

		ktstr_hdr_init(&c, sizeof(c));
		snprintf(c.tag, sizeof(c.tag), "fuzz-%u",
			 fuzz_below(r, 1000));
		issue(sh, FA_CAPTURE, fd, KTSTR_IOC_CAPTURE, &c);
	}
}

/*
 * A relay of our own in a child: it may pick a capture request; it is
 * interrupted, killed while waiting or while holding one, or answers it
 * with a random result.
 */
static void relay(struct fuzz_shared *sh, struct fuzz_rng *r)
{
	unsigned int how = fuzz_below(r, 3);
	struct timespec ts = { 0, (long)fuzz_below(r, 20) * 1000000 };
	pid_t pid = fork();

	if (pid == 0) {
		struct ktstr_relay rel;
		int fd = ktstr_open();

		if (fd < 0)
			_exit(1);
		ktstr_hdr_init(&rel, sizeof(rel));
		if (!issue(sh, FA_RELAY, fd, KTSTR_IOC_RELAY_WAIT, &rel) &&
		    how == 2) {
			rel.hdr.reason = 0;
			rel.result = (__u32)fuzz_below(r, KTSTR_REASON_MAX + 2);
			rel.capture_id = fuzz_next(r);
			issue(sh, FA_RELAY, fd, KTSTR_IOC_RELAY_DONE, &rel);
		}
		_exit(0);
	}
	if (pid < 0)
		return;
	nanosleep(&ts, NULL);
	kill(pid, how == 0 ? SIGKILL : SIGUSR1);
	if (how != 0) {
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
	}
	waitpid(pid, NULL, 0);
}

static void open_close(struct fuzz_shared *sh, struct fuzz_rng *r, int *fd)
{
	int fds[8], n = 1 + (int)fuzz_below(r, 8), dupd;

	for (int i = 0; i < n; i++) {
		fds[i] = ktstr_open();
		if (fds[i] >= 0 && fuzz_below(r, 2)) {
			struct ktstr_info info;

			ktstr_hdr_init(&info, sizeof(info));
			issue(sh, FA_OPEN_CLOSE, fds[i], KTSTR_IOC_INFO, &info);
		}
	}
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	/* The worker's own file: duplicated, the original closed. */
	dupd = dup(*fd);
	if (dupd >= 0) {
		close(*fd);
		*fd = dupd;
	}
}

void fuzz_act(struct fuzz_shared *sh, struct fuzz_rng *r, int *fd,
	      enum fuzz_action a)
{
	switch (a) {
	case FA_GARBAGE:
		garbage(sh, r, *fd);
		break;
	case FA_INFO: {
		struct ktstr_info info;

		ktstr_hdr_init(&info, sizeof(info));
		issue(sh, a, *fd, KTSTR_IOC_INFO, &info);
		break;
	}
	case FA_READ_SYMBOL:
	case FA_READ_PERCPU:
	case FA_READ_TASK:
		read_access(sh, r, *fd, a);
		break;
	case FA_WRITE_TASK:
		write_task(sh, r, *fd);
		break;
	case FA_WRITE_SYMBOL:
		write_symbol(sh, r, *fd);
		break;
	case FA_SNAPSHOT: {
		static __thread struct ktstr_snapshot s;

		ktstr_hdr_init(&s, sizeof(s));
		issue(sh, a, *fd, KTSTR_IOC_SNAPSHOT, &s);
		break;
	}
	case FA_CAPTURE:
	case FA_CAPTURE_SYNC:
		capture(sh, r, *fd, a == FA_CAPTURE_SYNC);
		break;
	case FA_RELAY:
		relay(sh, r);
		break;
	case FA_OPEN_CLOSE:
		open_close(sh, r, fd);
		break;
	case FA_NR:
		break;
	}
}
