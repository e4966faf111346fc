// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's layout, as this module was compiled against it: the field
 * tables READ and WRITE accept (offsets and sizes from the scheduler's own
 * headers), and KTSTR_IOC_INFO, which publishes them together with the
 * KASLR offset, the direct map base and the per-CPU offsets, so that a
 * reader of guest memory (the host) can find scheduler state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/percpu.h>
#include <linux/sched/task.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <asm/page.h>

#include "ktstr.h"
#include "ktstr_sched.h"

/* struct rq fields: all read-only. */
const struct ktstr_field ktstr_rq_fields[KTSTR_RQ_NR_FIELDS] = {
	[KTSTR_RQ_NR_RUNNING] = {
		.name = "nr_running",
		.offset = offsetof(struct rq, nr_running),
		.size = sizeof_field(struct rq, nr_running),
	},
	[KTSTR_RQ_CLOCK] = {
		.name = "clock",
		.offset = offsetof(struct rq, clock),
		.size = sizeof_field(struct rq, clock),
	},
	[KTSTR_RQ_CURR] = {
		.name = "curr",
		.offset = offsetof(struct rq, curr),
		.size = sizeof_field(struct rq, curr),
	},
	[KTSTR_RQ_CPU] = {
		.name = "cpu",
		.offset = offsetof(struct rq, cpu),
		.size = sizeof_field(struct rq, cpu),
	},
	[KTSTR_RQ_SCX_NR_RUNNING] = {
		.name = "scx.nr_running",
		.offset = offsetof(struct rq, scx.nr_running),
		.size = sizeof_field(struct rq, scx.nr_running),
	},
	[KTSTR_RQ_SCX_LOCAL_DSQ_NR] = {
		.name = "scx.local_dsq.nr",
		.offset = offsetof(struct rq, scx.local_dsq.nr),
		.size = sizeof_field(struct rq, scx.local_dsq.nr),
	},
};

/*
 * struct task_struct fields: WRITE may name scx.dsq_vtime and scx.slice.
 * Fields wider than 8 bytes (comm, tasks) are published as layout only.
 */
const struct ktstr_field ktstr_task_fields[KTSTR_TASK_NR_FIELDS] = {
	[KTSTR_TASK_PID] = {
		.name = "pid",
		.offset = offsetof(struct task_struct, pid),
		.size = sizeof_field(struct task_struct, pid),
	},
	[KTSTR_TASK_TGID] = {
		.name = "tgid",
		.offset = offsetof(struct task_struct, tgid),
		.size = sizeof_field(struct task_struct, tgid),
	},
	[KTSTR_TASK_COMM] = {
		.name = "comm",
		.offset = offsetof(struct task_struct, comm),
		.size = sizeof_field(struct task_struct, comm),
	},
	[KTSTR_TASK_START_TIME] = {
		.name = "start_time",
		.offset = offsetof(struct task_struct, start_time),
		.size = sizeof_field(struct task_struct, start_time),
	},
	[KTSTR_TASK_ON_RQ] = {
		.name = "on_rq",
		.offset = offsetof(struct task_struct, on_rq),
		.size = sizeof_field(struct task_struct, on_rq),
	},
	[KTSTR_TASK_POLICY] = {
		.name = "policy",
		.offset = offsetof(struct task_struct, policy),
		.size = sizeof_field(struct task_struct, policy),
	},
	[KTSTR_TASK_SCHED_CLASS] = {
		.name = "sched_class",
		.offset = offsetof(struct task_struct, sched_class),
		.size = sizeof_field(struct task_struct, sched_class),
	},
	[KTSTR_TASK_SUM_EXEC_RUNTIME] = {
		.name = "se.sum_exec_runtime",
		.offset = offsetof(struct task_struct, se.sum_exec_runtime),
		.size = sizeof_field(struct task_struct, se.sum_exec_runtime),
	},
	[KTSTR_TASK_SCX_DSQ_VTIME] = {
		.name = "scx.dsq_vtime",
		.offset = offsetof(struct task_struct, scx.dsq_vtime),
		.size = sizeof_field(struct task_struct, scx.dsq_vtime),
		.writable = true,
	},
	[KTSTR_TASK_SCX_SLICE] = {
		.name = "scx.slice",
		.offset = offsetof(struct task_struct, scx.slice),
		.size = sizeof_field(struct task_struct, scx.slice),
		.writable = true,
	},
	[KTSTR_TASK_SCX_FLAGS] = {
		.name = "scx.flags",
		.offset = offsetof(struct task_struct, scx.flags),
		.size = sizeof_field(struct task_struct, scx.flags),
	},
	[KTSTR_TASK_SCX_DSQ] = {
		.name = "scx.dsq",
		.offset = offsetof(struct task_struct, scx.dsq),
		.size = sizeof_field(struct task_struct, scx.dsq),
	},
	[KTSTR_TASK_TASKS] = {
		.name = "tasks",
		.offset = offsetof(struct task_struct, tasks),
		.size = sizeof_field(struct task_struct, tasks),
	},
};

/*
 * @name has been checked to be NUL-terminated. An entry without a name (a
 * field the ABI gained but this table lacks) matches nothing.
 */
const struct ktstr_field *ktstr_field_find(const struct ktstr_field *tab,
					   unsigned int nr, const char *name)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (tab[i].name && !strcmp(tab[i].name, name))
			return &tab[i];
	}
	return NULL;
}

static void ktstr_copy_layout(struct ktstr_field_layout *out,
			      const struct ktstr_field *tab, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		out[i].offset = tab[i].offset;
		out[i].size = tab[i].size;
	}
}

long ktstr_info(struct file *file, void *req, void __user *uarg)
{
	struct ktstr_info *info = req;
	unsigned int cpu;

	/* everything after the header is output */
	memset((char *)info + sizeof(info->hdr), 0,
	       sizeof(*info) - sizeof(info->hdr));

	info->abi_version = KTSTR_ABI_VERSION;
	info->nr_cpu_ids = nr_cpu_ids;
	info->nr_possible_cpus = num_possible_cpus();
	info->host_attached = ktstr_relay_attached();
	strscpy(info->release, utsname()->release, sizeof(info->release));
	if (ktstr_syms.text)
		info->kaslr_offset = ktstr_syms.text - __START_KERNEL_map;
	info->page_offset_base = PAGE_OFFSET;
	info->phys_base = phys_base;

	info->addr[KTSTR_ADDR_RUNQUEUES] = ktstr_syms.runqueues;
	info->addr[KTSTR_ADDR_JIFFIES_64] = (unsigned long)&jiffies_64;
	info->addr[KTSTR_ADDR_INIT_TASK] = (unsigned long)&init_task;
	info->addr[KTSTR_ADDR_SCX_STATE] = ktstr_syms.scx_state;
	info->addr[KTSTR_ADDR_SCX_WATCHDOG_TIMEOUT] =
		ktstr_syms.scx_watchdog_timeout;

	ktstr_copy_layout(info->rq_field, ktstr_rq_fields, KTSTR_RQ_NR_FIELDS);
	ktstr_copy_layout(info->task_field, ktstr_task_fields,
			  KTSTR_TASK_NR_FIELDS);

	for_each_possible_cpu(cpu) {
		if (cpu >= KTSTR_MAX_CPUS)
			break;
		info->per_cpu_offset[cpu] = per_cpu_offset(cpu);
	}
	return 0;
}
