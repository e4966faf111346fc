// SPDX-License-Identifier: GPL-2.0
/*
 * sched_ext's watchdog timeout is in jiffies; user space does not know
 * HZ, so it is measured from jiffies_64 over a short interval and
 * rounded to the HZ values Kconfig offers. The interval starts before the
 * scheduler is spawned, so the attach wait pays for it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "ktstr_dev.h"
#include "util.h"

#define SAMPLE_NS	200000000ull

static int read_jiffies(int fd, __u64 *j)
{
	struct ktstr_access a;

	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "jiffies_64", 8);
	if (ktstr_ioctl(fd, KTSTR_IOC_READ, &a))
		return -1;
	*j = a.value;
	return 0;
}

/* The first jiffies sample, taken while the scheduler attaches. */
static struct {
	bool taken;
	__u64 jiffies, ns;
} mark;
static unsigned int hz_known;

void watchdog_mark(void)
{
	int fd;

	if (mark.taken || hz_known)
		return;
	fd = ktstr_open();
	if (fd < 0)
		return;
	mark.ns = now_ns();
	mark.taken = !read_jiffies(fd, &mark.jiffies);
	close(fd);
}

/* Measured once per boot; the attach wait usually covers the interval. */
static unsigned int guess_hz(int fd)
{
	static const unsigned int hz[] = { 100, 250, 300, 1000 };
	double rate, err = 1e9;
	__u64 j1, t1;

	if (hz_known)
		return hz_known;
	if (!mark.taken) {
		mark.ns = now_ns();
		if (read_jiffies(fd, &mark.jiffies))
			return 0;
		mark.taken = true;
	}
	t1 = now_ns();
	if (t1 < mark.ns + SAMPLE_NS)
		usleep((mark.ns + SAMPLE_NS - t1) / 1000);
	t1 = now_ns();
	if (read_jiffies(fd, &j1))
		return 0;
	rate = (double)(j1 - mark.jiffies) * 1e9 / (double)(t1 - mark.ns);
	for (size_t i = 0; i < sizeof(hz) / sizeof(hz[0]); i++) {
		double d = rate > hz[i] ? rate - hz[i] : hz[i] - rate;

		if (d < err) {
			err = d;
			hz_known = hz[i];
		}
	}
	return hz_known;
}

int watchdog_set(uint32_t ms, bool exact, uint32_t *own_ms, char *why,
		 size_t len)
{
	struct ktstr_access a;
	unsigned int hz;
	int fd = ktstr_open();

	if (fd < 0) {
		snprintf(why, len, "/dev/ktstr: %s", strerror(errno));
		return -1;
	}
	hz = guess_hz(fd);
	if (!hz) {
		snprintf(why, len, "cannot read jiffies through /dev/ktstr: %s",
			 strerror(errno));
		close(fd);
		return -1;
	}
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "scx_watchdog_timeout", 8);
	if (ktstr_ioctl(fd, KTSTR_IOC_READ, &a)) {
		snprintf(why, len, "reading scx_watchdog_timeout: %s",
			 ktstr_reason_text(a.hdr.reason));
		close(fd);
		return -1;
	}
	*own_ms = (uint32_t)(a.value > 600ull * hz ? 600000 : a.value * 1000 / hz);
	/* Unless told otherwise, a scheduler's shorter timeout_ms stands. */
	if (a.value == (__u64)ms * hz / 1000 ||
	    (!exact && a.value && a.value <= (__u64)ms * hz / 1000)) {
		close(fd);
		return 0;
	}
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "scx_watchdog_timeout", 8);
	a.value = (__u64)ms * hz / 1000;
	if (ktstr_ioctl(fd, KTSTR_IOC_WRITE, &a)) {
		snprintf(why, len, "writing scx_watchdog_timeout = %llu jiffies: %s",
			 (unsigned long long)a.value,
			 ktstr_reason_text(a.hdr.reason));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
