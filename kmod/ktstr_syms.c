// SPDX-License-Identifier: GPL-2.0
/*
 * The ksyms module parameter: addresses of non-exported kernel symbols,
 * "name=0xaddr,name=0xaddr,..." as read from /proc/kallsyms by the loader.
 *
 * Known names: KTSTR_KSYM in <linux/ktstr_tables.h>, the loader's list
 * too. scx_watchdog_timestamp and scx_watchdog_work are optional: without
 * them the watchdog timeout can be raised but not lowered (see
 * ktstr_access.c).
 *
 * No address is trusted as given. Each known name is verified before it
 * is used, and an address that fails stays unresolved (0):
 *
 *  - functions and data: sprint_symbol() of the address must read
 *    "name+0x0/0xsize" for that very name, from vmlinux (no " [module]"),
 *    and data must be at least as large as the object the module reads;
 *    functions called through a pointer must also start with ENDBR64
 *    when the CPU enforces IBT (objtool seals functions whose address is
 *    never taken, and an indirect call to one would trap);
 *  - _text: some symbol starts there (aliases such as startup_64 share
 *    it), it is aligned to CONFIG_PHYSICAL_ALIGN inside the kernel image
 *    map, and an exported function of vmlinux lies above it within
 *    KERNEL_IMAGE_SIZE;
 *  - runqueues, a per-CPU offset (kallsyms shows e.g. 000000000002db40):
 *    it must be cache-line aligned and lie, with the whole struct rq,
 *    inside the kernel's static per-CPU area, which starts at
 *    fixed_percpu_data and ends below the per-CPU memory of any module
 *    (this module's own per-CPU variable is the bound). Only then is it
 *    dereferenced: per_cpu_ptr(runqueues, cpu)->cpu must equal cpu for
 *    every possible CPU, and the boot CPU's rq->idle must be init_task.
 *
 * Unknown names and malformed entries are ignored with a message; the
 * first verified address of a name wins.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cache.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <asm/ibt.h>
#include <asm/page.h>

#include "ktstr.h"
#include "ktstr_sched.h"

#define KTSTR_KSYMS_MAX	4096	/* longest ksyms string parsed */

static char *ksyms;
module_param(ksyms, charp, 0444);
MODULE_PARM_DESC(ksyms,
		 "non-exported symbols, name=0xaddr,... from /proc/kallsyms");

struct ktstr_syms ktstr_syms __ro_after_init;

/* Its per-CPU address bounds the kernel's static per-CPU area from above. */
static DEFINE_PER_CPU(u8, ktstr_pcpu_marker);

enum ktstr_sym_kind {
	KTSTR_SYM_DATA,
	KTSTR_SYM_FUNC,
	KTSTR_SYM_TEXT,
	KTSTR_SYM_PERCPU_RQ,
};

struct ktstr_known_sym {
	const char *name;
	enum ktstr_sym_kind kind;
	size_t min_size;	/* KTSTR_SYM_DATA: bytes the module reads */
	unsigned long *slot;	/* where the verified address goes */
};

/* The cast is for the function pointers, which hold an address too. */
static const struct ktstr_known_sym ktstr_known_syms[] = {
#define KTSTR_KSYM(name, check, bytes, slot)				\
	{ name, KTSTR_SYM_##check, bytes, (unsigned long *)&ktstr_syms.slot },
#include <linux/ktstr_tables.h>
};

/* A function pointer slot takes a whole unsigned long. */
static_assert(sizeof(ktstr_syms.task_rq_lock) == sizeof(unsigned long));

struct rq *ktstr_cpu_rq(unsigned int cpu)
{
	return per_cpu_ptr((__force struct rq __percpu *)ktstr_syms.runqueues,
			   cpu);
}

/*
 * sprint_symbol() of @addr reads "<name>+0x0/0x<size>" for a vmlinux
 * symbol; return the name's length and the size, or 0 if @addr is not
 * the start of one.
 */
static size_t ktstr_sym_at(unsigned long addr, char *buf,
			   unsigned long *size)
{
	char *plus;

	sprint_symbol(buf, addr);
	plus = strstr(buf, "+0x0/0x");
	if (!plus || plus == buf)
		return 0;
	/* a module symbol has " [name]" after the size: kstrtoul refuses */
	if (kstrtoul(plus + strlen("+0x0/0x"), 16, size))
		return 0;
	return plus - buf;
}

static bool ktstr_sym_is(unsigned long addr, const char *name,
			 size_t min_size)
{
	char buf[KSYM_SYMBOL_LEN];
	unsigned long size;
	size_t len = ktstr_sym_at(addr, buf, &size);

	return len && len == strlen(name) && !strncmp(buf, name, len) &&
	       size >= min_size;
}

/* Whether an indirect call to @addr is allowed under IBT. */
static bool ktstr_callable(unsigned long addr)
{
#ifdef CONFIG_X86_KERNEL_IBT
	u32 insn;

	if (!cpu_feature_enabled(X86_FEATURE_IBT))
		return true;
	if (copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return false;
	return insn == gen_endbr();
#else
	return true;
#endif
}

static bool ktstr_text_ok(unsigned long addr)
{
	unsigned long anchor = (unsigned long)sprint_symbol;
	char buf[KSYM_SYMBOL_LEN];
	unsigned long size;

	if (addr < __START_KERNEL_map ||
	    !IS_ALIGNED(addr, CONFIG_PHYSICAL_ALIGN))
		return false;
	if (anchor < addr || anchor - addr >= KERNEL_IMAGE_SIZE)
		return false;
	return ktstr_sym_at(addr, buf, &size) != 0;
}

static bool ktstr_runqueues_ok(unsigned long off)
{
	unsigned long lo = (__force unsigned long)&fixed_percpu_data;
	unsigned long hi = (__force unsigned long)&ktstr_pcpu_marker;
	unsigned int cpu;
	struct rq *rq;

	if (off < lo || off >= hi || hi - off < sizeof(struct rq) ||
	    !IS_ALIGNED(off, SMP_CACHE_BYTES)) {
		pr_warn("runqueues=%#lx: outside the static per-CPU area [%#lx, %#lx)\n",
			off, lo, hi);
		return false;
	}
	for_each_possible_cpu(cpu) {
		rq = per_cpu_ptr((__force struct rq __percpu *)off, cpu);
		if (READ_ONCE(rq->cpu) != cpu) {
			pr_warn("runqueues=%#lx: rq->cpu of CPU %u is %d\n",
				off, cpu, READ_ONCE(rq->cpu));
			return false;
		}
	}
	rq = per_cpu_ptr((__force struct rq __percpu *)off, 0);
	if (READ_ONCE(rq->idle) != &init_task) {
		pr_warn("runqueues=%#lx: the boot CPU's idle task is not init_task\n",
			off);
		return false;
	}
	return true;
}

static bool ktstr_verify(const struct ktstr_known_sym *ks, unsigned long addr)
{
	switch (ks->kind) {
	case KTSTR_SYM_PERCPU_RQ:
		return ktstr_runqueues_ok(addr);
	case KTSTR_SYM_TEXT:
		return ktstr_text_ok(addr);
	case KTSTR_SYM_FUNC:
		if (!ktstr_sym_is(addr, ks->name, 1))
			return false;
		if (!ktstr_callable(addr)) {
			pr_warn("%s: no ENDBR64 at %#lx, not callable under IBT\n",
				ks->name, addr);
			return false;
		}
		return true;
	case KTSTR_SYM_DATA:
		return ktstr_sym_is(addr, ks->name, ks->min_size);
	}
	return false;
}

static void ktstr_parse_one(char *tok)
{
	const struct ktstr_known_sym *ks = NULL;
	unsigned long addr;
	unsigned int i;
	char *eq;

	eq = strchr(tok, '=');
	if (!eq) {
		pr_warn("ksyms: ignoring malformed entry \"%.64s\"\n", tok);
		return;
	}
	*eq = '\0';
	for (i = 0; i < ARRAY_SIZE(ktstr_known_syms); i++) {
		if (!strcmp(tok, ktstr_known_syms[i].name)) {
			ks = &ktstr_known_syms[i];
			break;
		}
	}
	if (!ks) {
		pr_info("ksyms: ignoring unknown symbol \"%.64s\"\n", tok);
		return;
	}
	if (kstrtoul(eq + 1, 16, &addr) || !addr) {
		pr_warn("ksyms: %s: bad address \"%.32s\"\n", ks->name, eq + 1);
		return;
	}
	if (*ks->slot) {
		pr_info("ksyms: %s: already resolved, ignoring %#lx\n",
			ks->name, addr);
		return;
	}
	if (!ktstr_verify(ks, addr)) {
		pr_warn("ksyms: %s=%#lx failed verification, unresolved\n",
			ks->name, addr);
		return;
	}
	*ks->slot = addr;
	pr_info("ksyms: %s resolved at %#lx\n", ks->name, addr);
}

void __init ktstr_syms_init(void)
{
	char *buf, *cur, *tok;

	if (!ksyms || !*ksyms) {
		pr_info("ksyms: none given, non-exported symbols unresolved\n");
		return;
	}
	if (strnlen(ksyms, KTSTR_KSYMS_MAX + 1) > KTSTR_KSYMS_MAX)
		pr_warn("ksyms: longer than %d bytes, rest ignored\n",
			KTSTR_KSYMS_MAX);
	buf = kstrndup(ksyms, KTSTR_KSYMS_MAX, GFP_KERNEL);
	if (!buf) {
		pr_warn("ksyms: out of memory, non-exported symbols unresolved\n");
		return;
	}
	cur = buf;
	while ((tok = strsep(&cur, ",")) != NULL) {
		tok = strim(tok);
		if (*tok)
			ktstr_parse_one(tok);
	}
	kfree(buf);

	if (!ktstr_syms.runqueues)
		pr_info("ksyms: runqueues unresolved: per-CPU reads and SNAPSHOT fail\n");
	if (!ktstr_syms.task_rq_lock || !ktstr_syms.raw_spin_rq_unlock ||
	    !ktstr_syms.ext_sched_class)
		pr_info("ksyms: task_rq_lock, raw_spin_rq_unlock or ext_sched_class unresolved: task writes fail\n");
}

/* The sched_ext enable state, or ~0 when its symbol is unresolved. */
u32 ktstr_scx_state(void)
{
	if (!ktstr_syms.scx_state)
		return ~0U;
	return atomic_read((atomic_t *)ktstr_syms.scx_state);
}
