// SPDX-License-Identifier: GPL-2.0
/*
 * sched_ext's watchdog timeout is in jiffies; user space does not know
 * HZ, so it is measured from jiffies_64 over a short interval and
 * rounded to the HZ values Kconfig offers.
 */
#include <errno.h>
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

static unsigned int guess_hz(int fd)
{
	static const unsigned int hz[] = { 100, 250, 300, 1000 };
	__u64 j0, j1, t0, t1;
	unsigned int best = 0;
	double rate, err = 1e9;

	t0 = now_ns();
	if (read_jiffies(fd, &j0))
		return 0;
	usleep(SAMPLE_NS / 1000);
	t1 = now_ns();
	if (read_jiffies(fd, &j1) || t1 <= t0)
		return 0;
	rate = (double)(j1 - j0) * 1e9 / (double)(t1 - t0);
	for (size_t i = 0; i < sizeof(hz) / sizeof(hz[0]); i++) {
		double d = rate > hz[i] ? rate - hz[i] : hz[i] - rate;

		if (d < err) {
			err = d;
			best = hz[i];
		}
	}
	return best;
}

int watchdog_set(uint32_t ms, char *why, size_t len)
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
	/* Only ever lower it: a scheduler's own timeout_ms may be shorter. */
	if (a.value && a.value <= (__u64)ms * hz / 1000) {
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
