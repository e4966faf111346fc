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

/*
 * The member is the variable argument: offsetof() and sizeof_field() both
 * take it, which is safe because it names a member and is never evaluated
 * (a named macro argument used twice reads as a side-effect hazard).
 */
#define KTSTR_FIELD(type, fld_index, fld_name, fld_writable, ...)	\
	[fld_index] = {							\
		.name = fld_name,					\
		.offset = offsetof(type, __VA_ARGS__),			\
		.size = sizeof_field(type, __VA_ARGS__),		\
		.writable = fld_writable,				\
	}

/* The ABI's field tables, with this kernel's offsets and sizes. */
const struct ktstr_field ktstr_rq_fields[KTSTR_RQ_NR_FIELDS] = {
#define KTSTR_RQ_FIELD(index, name, member, writable)			\
	KTSTR_FIELD(struct rq, index, name, writable, member),
#include <linux/ktstr_tables.h>
};

const struct ktstr_field ktstr_task_fields[KTSTR_TASK_NR_FIELDS] = {
#define KTSTR_TASK_FIELD(index, name, member, writable)			\
	KTSTR_FIELD(struct task_struct, index, name, writable, member),
#include <linux/ktstr_tables.h>
};

/* @name has been checked to be NUL-terminated. */
const struct ktstr_field *ktstr_field_find(const struct ktstr_field *tab,
					   unsigned int nr, const char *name)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (!strcmp(tab[i].name, name))
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
