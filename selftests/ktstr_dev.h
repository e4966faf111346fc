/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the selftests that drive /dev/ktstr directly.
 */
#ifndef KTSTR_SELFTESTS_DEV_H
#define KTSTR_SELFTESTS_DEV_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/ktstr.h>

#define SEED_VTIME_NS	(30ULL * 86400 * 1000000000)	/* ~30 days */

static inline void req_init(void *req, size_t size)
{
	struct ktstr_hdr *h = req;

	memset(req, 0, size);
	h->size = size;
	h->version = KTSTR_ABI_VERSION;
}

/* Returns 0 or -errno; the module's reason stays in the header. */
static inline int kioctl(int fd, unsigned long cmd, void *req)
{
	return ioctl(fd, cmd, req) ? -errno : 0;
}

static inline void access_init(struct ktstr_access *a, __u32 kind,
			       const char *name, __u32 width)
{
	req_init(a, sizeof(*a));
	a->kind = kind;
	a->width = width;
	snprintf(a->name, sizeof(a->name), "%s", name);
}

/* A task's start_time through the one identity-free read. */
static inline int task_start_time(int fd, pid_t pid, __u64 *out)
{
	struct ktstr_access a;
	int r;

	access_init(&a, KTSTR_TARGET_TASK, "start_time", 8);
	a.pid = pid;
	r = kioctl(fd, KTSTR_IOC_READ, &a);
	*out = a.value;
	return r;
}

/* Write a task field; returns the module's reason (KTSTR_OK on success). */
static inline __u32 task_write(int fd, pid_t pid, __u64 start,
			       const char *field, __u64 value)
{
	struct ktstr_access a;

	access_init(&a, KTSTR_TARGET_TASK, field, 8);
	a.pid = pid;
	a.start_time = start;
	a.value = value;
	if (kioctl(fd, KTSTR_IOC_WRITE, &a) == 0)
		return KTSTR_OK;
	return a.hdr.reason ? a.hdr.reason : KTSTR_REASON_MAX;
}

/* Wait until /proc/PID/stat shows @state (e.g. 'S', 'Z'); 0 or -1. */
static inline int wait_task_state(pid_t pid, char state)
{
	for (int i = 0; i < 500; i++) {
		char path[64], buf[512], *rp;
		FILE *f;
		size_t n;

		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (!f)
			return -1;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		rp = strrchr(buf, ')');
		if (rp && rp[1] == ' ' && rp[2] == state)
			return 0;
		usleep(10000);
	}
	return -1;
}

static inline int dev_open(void)
{
	return open(KTSTR_DEVICE, O_RDWR | O_CLOEXEC);
}

#endif
