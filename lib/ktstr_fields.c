// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ktstr_fields.h"

const char *const ktstr_rq_field_names[KTSTR_RQ_NR_FIELDS] = {
#define KTSTR_RQ_FIELD(index, name, ...)	[index] = name,
#include "linux/ktstr_tables.h"
};

const char *const ktstr_task_field_names[KTSTR_TASK_NR_FIELDS] = {
#define KTSTR_TASK_FIELD(index, name, ...)	[index] = name,
#include "linux/ktstr_tables.h"
};

const char *const ktstr_addr_names[KTSTR_ADDR_NR] = {
#define KTSTR_ADDR(index, name)	[index] = name,
#include "linux/ktstr_tables.h"
};

int ktstr_name_index(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return -1;
}
