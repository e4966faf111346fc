/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space side of /dev/ktstr: open it, issue requests with a filled
 * header, and explain refusals (enum ktstr_reason) in words.
 */
#ifndef KTSTR_GUEST_KTSTR_DEV_H
#define KTSTR_GUEST_KTSTR_DEV_H

#include <stddef.h>

#include "linux/ktstr.h"

/* Open /dev/ktstr; -1 with errno set. */
int ktstr_open(void);
/* Set hdr.size and hdr.version of a request of @size bytes. */
void ktstr_hdr_init(void *req, size_t size);
/*
 * Issue @cmd with @req (its header already initialised). Returns 0, or
 * -1 with errno set and the module's reason left in the header.
 */
int ktstr_ioctl(int fd, unsigned long cmd, void *req);

/* Short name of a reason ("on_rq"), and a sentence saying what it means. */
const char *ktstr_reason_name(unsigned int reason);
const char *ktstr_reason_text(unsigned int reason);
/* For the task validation chain: its layer (1-6), or 0 for other reasons. */
int ktstr_reason_layer(unsigned int reason);

#endif
