// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ktstr_fields.h"

const char *const ktstr_rq_field_names[KTSTR_RQ_NR_FIELDS] = {
	[KTSTR_RQ_NR_RUNNING] = "nr_running",
	[KTSTR_RQ_CLOCK] = "clock",
	[KTSTR_RQ_CURR] = "curr",
	[KTSTR_RQ_CPU] = "cpu",
	[KTSTR_RQ_SCX_NR_RUNNING] = "scx.nr_running",
	[KTSTR_RQ_SCX_LOCAL_DSQ_NR] = "scx.local_dsq.nr",
};

const char *const ktstr_task_field_names[KTSTR_TASK_NR_FIELDS] = {
	[KTSTR_TASK_PID] = "pid",
	[KTSTR_TASK_TGID] = "tgid",
	[KTSTR_TASK_COMM] = "comm",
	[KTSTR_TASK_START_TIME] = "start_time",
	[KTSTR_TASK_ON_RQ] = "on_rq",
	[KTSTR_TASK_POLICY] = "policy",
	[KTSTR_TASK_SCHED_CLASS] = "sched_class",
	[KTSTR_TASK_SUM_EXEC_RUNTIME] = "se.sum_exec_runtime",
	[KTSTR_TASK_SCX_DSQ_VTIME] = "scx.dsq_vtime",
	[KTSTR_TASK_SCX_SLICE] = "scx.slice",
	[KTSTR_TASK_SCX_FLAGS] = "scx.flags",
	[KTSTR_TASK_SCX_DSQ] = "scx.dsq",
	[KTSTR_TASK_TASKS] = "tasks",
};

const char *const ktstr_addr_names[KTSTR_ADDR_NR] = {
	[KTSTR_ADDR_RUNQUEUES] = "runqueues",
	[KTSTR_ADDR_JIFFIES_64] = "jiffies_64",
	[KTSTR_ADDR_INIT_TASK] = "init_task",
	[KTSTR_ADDR_SCX_STATE] = "scx_state",
	[KTSTR_ADDR_SCX_WATCHDOG_TIMEOUT] = "scx_watchdog_timeout",
};

int ktstr_name_index(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (names[i] && !strcmp(names[i], name))
			return i;
	return -1;
}
