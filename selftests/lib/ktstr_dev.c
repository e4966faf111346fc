// SPDX-License-Identifier: GPL-2.0
/*
 * The user-space side of /dev/ktstr: see ktstr_dev.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ktstr_dev.h"

struct ktstr_reason_desc {
	int err;
	const char *name;
	int layer;
	const char *text;
};

static const struct ktstr_reason_desc reasons[KTSTR_REASON_MAX] = {
#define KTSTR_REASON(code, err, name, layer, text)			\
	[code] = { err, name, layer, text },
#include <linux/ktstr_tables.h>
};

int ktstr_open(void)
{
	return open(KTSTR_DEVICE, O_RDWR | O_CLOEXEC);
}

void ktstr_hdr_init(void *req, size_t size)
{
	struct ktstr_hdr *h = req;

	memset(req, 0, size);
	h->size = (__u32)size;
	h->version = KTSTR_ABI_VERSION;
}

int ktstr_ioctl(int fd, unsigned long cmd, void *req)
{
	const struct ktstr_hdr *h = req;
	int r;

	/* The module explains each EINTR it returns; retry any other. */
	do {
		r = ioctl(fd, cmd, req);
	} while (r < 0 && errno == EINTR && h->reason != KTSTR_E_INTERRUPTED);
	return r < 0 ? -errno : 0;
}

void ktstr_access_init(struct ktstr_access *a, __u32 kind, const char *name,
		       __u32 width)
{
	ktstr_hdr_init(a, sizeof(*a));
	a->kind = kind;
	a->width = width;
	snprintf(a->name, sizeof(a->name), "%s", name);
}

int ktstr_task_start_time(int fd, __u32 pid, __u64 *start, __u32 *reason)
{
	struct ktstr_access a;
	int r;

	ktstr_access_init(&a, KTSTR_TARGET_TASK, "start_time", 8);
	a.pid = pid;
	r = ktstr_ioctl(fd, KTSTR_IOC_READ, &a);
	*start = a.value;
	if (reason)
		*reason = a.hdr.reason;
	return r;
}

__u32 ktstr_task_write(int fd, __u32 pid, __u64 start, const char *field,
		       __u64 value)
{
	struct ktstr_access a;

	ktstr_access_init(&a, KTSTR_TARGET_TASK, field, 8);
	a.pid = pid;
	a.start_time = start;
	a.value = value;
	if (ktstr_ioctl(fd, KTSTR_IOC_WRITE, &a) == 0)
		return KTSTR_OK;
	return a.hdr.reason ? a.hdr.reason : KTSTR_REASON_MAX;
}

int ktstr_wait_task_state(__u32 pid, char state)
{
	char path[64], buf[512], *rp;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	for (int i = 0; i < 500; i++) {
		f = fopen(path, "r");
		if (!f)
			return -1;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* the state follows the last ')': comm may hold anything */
		rp = strrchr(buf, ')');
		if (rp && rp[1] == ' ' && rp[2] == state)
			return 0;
		usleep(10000);
	}
	return -1;
}

const char *ktstr_reason_name(unsigned int reason)
{
	return reason < KTSTR_REASON_MAX ? reasons[reason].name : "unknown";
}

const char *ktstr_reason_text(unsigned int reason)
{
	return reason < KTSTR_REASON_MAX ? reasons[reason].text :
	       "unknown reason";
}

int ktstr_reason_layer(unsigned int reason)
{
	return reason < KTSTR_REASON_MAX ? reasons[reason].layer : 0;
}

int ktstr_reason_errno(unsigned int reason)
{
	return reason < KTSTR_REASON_MAX ? reasons[reason].err : 0;
}
