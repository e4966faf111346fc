/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The names requests use for the fields and addresses of the /dev/ktstr
 * ABI, indexed by their enums: the user-space view (ktstr-ctl and the
 * host's cold reads) of the tables in uapi/linux/ktstr_tables.h, from
 * which the module builds its own, with offsets.
 */
#ifndef KTSTR_LIB_KTSTR_FIELDS_H
#define KTSTR_LIB_KTSTR_FIELDS_H

#include "linux/ktstr.h"

extern const char *const ktstr_rq_field_names[KTSTR_RQ_NR_FIELDS];
extern const char *const ktstr_task_field_names[KTSTR_TASK_NR_FIELDS];
extern const char *const ktstr_addr_names[KTSTR_ADDR_NR];

/* Index of @name in @names[0..n), or -1. */
int ktstr_name_index(const char *const *names, int n, const char *name);

#endif
