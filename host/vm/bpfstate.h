/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler's BPF state the agent sent (KTSTR_MSG_SCHED_BPF), checked
 * and turned into the "bpf" object of failure.json.
 */
#ifndef KTSTR_HOST_VM_BPFSTATE_H
#define KTSTR_HOST_VM_BPFSTATE_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/* Longest map text kept from the guest, per map. */
#define BPFSTATE_TEXT_MAX	8192

/*
 * Parse one KTSTR_MSG_SCHED_BPF payload. Never fails: records of the
 * wrong size are counted in "bad_records" and skipped, strings are cut to
 * printable text. @summary gets one line ("5 programs, 3 maps, 41
 * entries"). The caller owns the returned object.
 */
struct json_object *bpfstate_parse(const uint8_t *p, size_t len,
				   char *summary, size_t cap);

#endif
