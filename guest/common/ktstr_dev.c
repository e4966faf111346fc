// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ktstr_dev.h"

static const struct {
	const char *name;
	const char *text;
	int layer;
} reasons[KTSTR_REASON_MAX] = {
	[KTSTR_OK] = { "ok", "accepted", 0 },
	[KTSTR_E_SIZE] = { "size", "the request size does not match this module's ABI", 0 },
	[KTSTR_E_VERSION] = { "version", "the request's ABI version is not the module's", 0 },
	[KTSTR_E_RESERVED] = { "reserved", "a reserved field is not zero", 0 },
	[KTSTR_E_NAME] = { "name", "the name is empty or not NUL-terminated", 0 },
	[KTSTR_E_KIND] = { "kind", "unknown target kind", 0 },
	[KTSTR_E_WIDTH] = { "width", "the width is not 1, 2, 4 or 8, or not the field's size", 0 },
	[KTSTR_E_CPU] = { "cpu", "no such possible CPU", 0 },
	[KTSTR_E_UNKNOWN_SYMBOL] = { "unknown-symbol", "the symbol is not on the module's read allowlist", 0 },
	[KTSTR_E_UNKNOWN_FIELD] = { "unknown-field", "no such field", 0 },
	[KTSTR_E_UNRESOLVED] = { "unresolved", "the module could not resolve that symbol when it was loaded", 0 },
	[KTSTR_E_NOT_WRITABLE] = { "not-writable", "that field or symbol is not on the write allowlist", 0 },
	[KTSTR_E_VALUE] = { "value", "the value is out of the field's range", 0 },
	[KTSTR_E_NO_TASK] = { "pid", "no task has that pid", 1 },
	[KTSTR_E_IDENTITY] = { "identity", "the task's start_time differs: the pid was reused", 2 },
	[KTSTR_E_EXITING] = { "lifetime", "the task is exiting", 3 },
	[KTSTR_E_ON_RQ] = { "on_rq", "the task is runnable or running (on_rq != 0)", 4 },
	[KTSTR_E_SCX_QUEUED] = { "dsq", "the task is queued on a sched_ext DSQ", 5 },
	[KTSTR_E_NOT_EXT] = { "class", "the task is not scheduled by the ext class", 6 },
	[KTSTR_E_NO_HOST] = { "no-host", "no host VMM is attached (direct mode)", 0 },
	[KTSTR_E_HOST_FAILED] = { "host-failed", "the host refused or failed the capture", 0 },
	[KTSTR_E_BUSY] = { "busy", "another request is in flight", 0 },
	[KTSTR_E_INTERRUPTED] = { "interrupted", "a signal ended the wait", 0 },
	[KTSTR_E_NO_REQUEST] = { "no-request", "no such capture request is in flight", 0 },
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
	int r;

	do {
		r = ioctl(fd, cmd, req);
	} while (r < 0 && errno == EINTR &&
		 ((struct ktstr_hdr *)req)->reason != KTSTR_E_INTERRUPTED);
	return r < 0 ? -1 : 0;
}

const char *ktstr_reason_name(unsigned int reason)
{
	return reason < KTSTR_REASON_MAX && reasons[reason].name ?
	       reasons[reason].name : "unknown";
}

const char *ktstr_reason_text(unsigned int reason)
{
	return reason < KTSTR_REASON_MAX && reasons[reason].text ?
	       reasons[reason].text : "unknown reason";
}

int ktstr_reason_layer(unsigned int reason)
{
	return reason < KTSTR_REASON_MAX ? reasons[reason].layer : 0;
}
