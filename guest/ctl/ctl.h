/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr-ctl: drive /dev/ktstr from the guest's shell.
 */
#ifndef KTSTR_GUEST_CTL_H
#define KTSTR_GUEST_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "linux/ktstr.h"

#define CTL_EXIT_REFUSED	1	/* the module refused the request */
#define CTL_EXIT_USAGE		2

struct ctl_opts {
	bool json;
	int cpu;		/* -1: not given */
	uint64_t start_time;
	bool have_start_time;
	int width;		/* 0: the field's own */
	bool sync;		/* capture with every CPU parked */
};

/* One subcommand; @args are the words after it. */
int ctl_info(int fd, const struct ctl_opts *o);
int ctl_read(int fd, const struct ctl_opts *o, const char **args, int n);
int ctl_write(int fd, const struct ctl_opts *o, const char **args, int n);
int ctl_snapshot(int fd, const struct ctl_opts *o);
int ctl_capture(int fd, const struct ctl_opts *o, const char *tag);

/* Report a refused request in one line (or JSON) and return its exit status. */
int ctl_refused(const struct ctl_opts *o, const char *what,
		const struct ktstr_hdr *h);
void ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse an unsigned number (decimal or 0x hex); false if malformed. */
bool ctl_parse_u64(const char *s, uint64_t *out);

#endif
