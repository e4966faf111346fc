/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Baselines: side A's runs of a comparison kept under a name in the
 * cache (${XDG_CACHE_HOME:-~/.cache}/ktstr/baselines/NAME.json), to be
 * side A of a later one (ktstr compare --baseline NAME).
 */
#ifndef KTSTR_HOST_COMPARE_BASELINE_H
#define KTSTR_HOST_COMPARE_BASELINE_H

#include <stddef.h>

#include "compare/output.h"

/* NAME is [A-Za-z0-9_.-], 1 to 63 characters. */
bool baseline_name_ok(const char *name);
void baseline_path(const char *name, char *buf, size_t len);

/* Store side A of @set as @name. 0, or -1 with one line in @err. */
int baseline_save(const char *name, const struct cmp_set *set,
		  const struct cmp_context *c, char *err, size_t errlen);

/*
 * Load @name as side A of @set, and what it was into @side (with
 * ->baseline set); its topology and accel into @c. 0, or -1 with one
 * line in @err.
 */
int baseline_load(const char *name, struct cmp_set *set,
		  struct cmp_context *c, char *err, size_t errlen);

#endif
