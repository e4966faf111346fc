/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How long gauntlet cells took, kept across runs for --budget in
 * ${XDG_CACHE_HOME:-~/.cache}/ktstr/durations.json:
 *
 *   {"version": 1, "tcg": {"cells": {"TEST/SPEC/SCHED": seconds, ...},
 *                         "boots": {"SPEC/SCHED": seconds, ...}}, "kvm": ...}
 *
 * keyed by the accelerator (KVM is tens of times faster), then by the
 * test, the topology's spec and the scheduler; the latest run wins.
 */
#ifndef KTSTR_HOST_GAUNTLET_DURATIONS_H
#define KTSTR_HOST_GAUNTLET_DURATIONS_H

#include <stdbool.h>
#include <stddef.h>

#define DURATIONS_FILE	"durations.json"

struct json_object;

struct durations {
	struct json_object *root;	/* what was read */
	struct json_object *fresh;	/* what this run measured */
	char accel[8];
};

/*
 * Read @path for @accel; a missing file is empty, a damaged one is
 * ignored with one line saying so. 0, or -1 without memory.
 */
int durations_load(struct durations *d, const char *path, const char *accel);

/* The recorded seconds of a cell or a boot, or -1. */
double durations_cell(const struct durations *d, const char *key);
double durations_boot(const struct durations *d, const char *key);

void durations_set_cell(struct durations *d, const char *key, double s);
void durations_set_boot(struct durations *d, const char *key, double s);

/*
 * Merge what this run measured into @path as it is now (another run may
 * have written it meanwhile), atomically. 0, or -1 with one line in @err.
 */
int durations_save(const struct durations *d, const char *path, char *err,
		   size_t errlen);

void durations_free(struct durations *d);

#endif
