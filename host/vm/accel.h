/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Choosing KVM or TCG. `auto` uses KVM only if a short probe boot under
 * KVM works on this host; the verdict is kept in the cache per host so
 * the probe runs once.
 */
#ifndef KTSTR_HOST_ACCEL_H
#define KTSTR_HOST_ACCEL_H

#include "vm/qemu_args.h"

/* Parse "auto", "kvm" or "tcg". */
int accel_parse(const char *s, enum accel *out);
const char *accel_name(enum accel a);

/* Returns 0 if the probe boot under KVM succeeded. */
typedef int (*accel_probe_fn)(void *ctx, char *why, size_t len);

enum accel accel_resolve(enum accel want, const char *qemu,
			 accel_probe_fn probe, void *ctx);

#endif
