/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktstr.ko internals shared by its source files. The ABI itself is
 * uapi/linux/ktstr.h; this header only adds what the files of the module
 * need from each other.
 */
#ifndef _KTSTR_KMOD_H
#define _KTSTR_KMOD_H

#include <linux/compiler.h>
#include <linux/types.h>

#include <linux/ktstr.h>

#ifndef CONFIG_X86_64
#error "ktstr.ko publishes an x86_64 memory layout"
#endif

struct file;
struct rq;
struct rq_flags;
struct task_struct;

/*
 * Addresses of non-exported kernel symbols, from the ksyms parameter.
 * Each is 0 (or NULL) unless it was given and passed verification; a
 * request that needs a missing one fails with KTSTR_E_UNRESOLVED.
 */
struct ktstr_syms {
	unsigned long runqueues;		/* per-CPU offset of struct rq */
	unsigned long scx_state;		/* atomic_t, sched_ext enable state */
	unsigned long scx_watchdog_timeout;	/* unsigned long, jiffies */
	unsigned long scx_watchdog_timestamp;	/* unsigned long, jiffies */
	unsigned long scx_watchdog_work;	/* struct delayed_work */
	unsigned long ext_sched_class;		/* const struct sched_class */
	unsigned long text;			/* _text */
	struct rq *(*task_rq_lock)(struct task_struct *p, struct rq_flags *rf);
	void (*raw_spin_rq_unlock)(struct rq *rq);
};

extern struct ktstr_syms ktstr_syms;

/* Per open file of /dev/ktstr. */
struct ktstr_file {
	bool relay;	/* called RELAY_WAIT: counts as a registered relay */
};

/* One field of struct rq or struct task_struct that requests may name. */
struct ktstr_field {
	const char *name;
	u32 offset;
	u32 size;
	bool writable;	/* on the WRITE allowlist */
};

extern const struct ktstr_field ktstr_rq_fields[KTSTR_RQ_NR_FIELDS];
extern const struct ktstr_field ktstr_task_fields[KTSTR_TASK_NR_FIELDS];

/* ktstr_main.c */
long ktstr_fail(struct ktstr_hdr *hdr, u32 reason);
bool ktstr_name_ok(const char *name, size_t len);

/* ktstr_syms.c */
void ktstr_syms_init(void);
struct rq *ktstr_cpu_rq(unsigned int cpu);
u32 ktstr_scx_state(void);

/* ktstr_layout.c */
const struct ktstr_field *ktstr_field_find(const struct ktstr_field *tab,
					   unsigned int nr, const char *name);
long ktstr_info(struct file *file, void *req, void __user *uarg);

/* ktstr_access.c */
long ktstr_read(struct file *file, void *req, void __user *uarg);
long ktstr_write(struct file *file, void *req, void __user *uarg);

/* ktstr_snapshot.c */
void ktstr_snapshot_init(void);
void ktstr_snapshot_exit(void);
long ktstr_snapshot(struct file *file, void *req, void __user *uarg);

/* ktstr_capture.c */
long ktstr_capture(struct file *file, void *req, void __user *uarg);
long ktstr_relay_wait(struct file *file, void *req, void __user *uarg);
long ktstr_relay_done(struct file *file, void *req, void __user *uarg);
void ktstr_relay_release(struct ktstr_file *kf);
bool ktstr_relay_attached(void);

/* ktstr_sync.c */
int ktstr_sync_init(void);
void ktstr_sync_exit(void);
long ktstr_capture_sync(struct file *file, void *req, void __user *uarg);
/*
 * Write @tag on the sync port and spin until the host has captured and
 * released us (false: it did not within 2 s). The caller keeps the CPU:
 * interrupts or preemption off.
 */
bool ktstr_sync_host(const char *tag);

/* ktstr_scx_watch.c */
void ktstr_scx_watch_init(void);
void ktstr_scx_watch_exit(void);

#endif /* _KTSTR_KMOD_H */
