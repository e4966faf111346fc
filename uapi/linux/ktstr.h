/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ktstr: the ABI of /dev/ktstr, shared by the kernel module, the guest
 * tools and the host.
 *
 * Every request is a fixed-size struct that starts with struct ktstr_hdr.
 * Fields are __u32/__u64 with explicit padding, so 32- and 64-bit user
 * space see one layout; the sizes are pinned by static assertions in
 * tests/unit/uapi_sizes.c (built -m32 and -m64) and in the module.
 * The caller sets hdr.size to sizeof() the struct and hdr.version to
 * KTSTR_ABI_VERSION; reserved fields must be zero. The module always
 * copies the header back: hdr.reason says why a request was refused
 * (enum ktstr_reason), also when the ioctl returns an error.
 */
#ifndef _UAPI_LINUX_KTSTR_H
#define _UAPI_LINUX_KTSTR_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Module parameter ksyms="name=0xaddr,name=0xaddr,...": the loader passes
 * the addresses of the non-exported symbols the module needs, read from
 * /proc/kallsyms; KTSTR_KSYM in <linux/ktstr_tables.h> lists them. The
 * module verifies each one (sprint_symbol(), or rq->cpu == cpu for every
 * CPU of runqueues) and ignores names it does not know; what is missing or
 * fails verification makes the requests that need it fail with
 * KTSTR_E_UNRESOLVED.
 */
#define KTSTR_KSYMS_PARAM	"ksyms"

#define KTSTR_ABI_VERSION	1
#define KTSTR_DEVICE		"/dev/ktstr"
#define KTSTR_IOC_MAGIC		0xb7

#define KTSTR_NAME_LEN		64	/* names, NUL inside the field */
#define KTSTR_RELEASE_LEN	72	/* uname -r, NUL-terminated */
#define KTSTR_COMM_LEN		16	/* TASK_COMM_LEN */
#define KTSTR_MAX_CPUS		512	/* per-CPU arrays in this ABI */
#define KTSTR_TAG_LEN		64
#define KTSTR_SNAPSHOT_CPUS	256	/* ioctl sizes stay below 16 KiB */

/* Why a request was refused: KTSTR_REASON in <linux/ktstr_tables.h>. */
enum ktstr_reason {
#define KTSTR_REASON(code, ...)	code,
#include <linux/ktstr_tables.h>
	KTSTR_REASON_MAX,
};

struct ktstr_hdr {
	__u32 size;		/* in: sizeof the whole request */
	__u32 version;		/* in: KTSTR_ABI_VERSION */
	__u32 reason;		/* out: enum ktstr_reason */
	__u32 reserved;		/* in: 0 */
};

/*
 * The fields of struct rq and struct task_struct whose offsets INFO
 * reports and that READ accepts: KTSTR_RQ_FIELD and KTSTR_TASK_FIELD in
 * <linux/ktstr_tables.h>.
 */
enum ktstr_rq_field {
#define KTSTR_RQ_FIELD(index, ...)	index,
#include <linux/ktstr_tables.h>
	KTSTR_RQ_NR_FIELDS,
};

enum ktstr_task_field {
#define KTSTR_TASK_FIELD(index, ...)	index,
#include <linux/ktstr_tables.h>
	KTSTR_TASK_NR_FIELDS,
};

/* Room in struct ktstr_info for each struct's fields: new ones take reserved slots. */
#define KTSTR_FIELD_SLOTS	16

struct ktstr_field_layout {
	__u32 offset;	/* bytes from the start of the struct */
	__u32 size;	/* bytes; 0 if this kernel has no such field */
};

/* Addresses INFO reports: KTSTR_ADDR in <linux/ktstr_tables.h>. */
enum ktstr_addr {
#define KTSTR_ADDR(index, ...)	index,
#include <linux/ktstr_tables.h>
	KTSTR_ADDR_NR,
};

/* KTSTR_IOC_INFO: the kernel's layout, for readers of guest memory. */
struct ktstr_info {
	struct ktstr_hdr hdr;
	__u32 abi_version;
	__u32 nr_cpu_ids;
	__u32 nr_possible_cpus;
	__u32 host_attached;		/* 1 if CAPTURE can reach a host */
	char release[KTSTR_RELEASE_LEN];
	__u64 kaslr_offset;
	__u64 page_offset_base;
	__u64 phys_base;
	__u64 addr[KTSTR_ADDR_NR];
	__u64 reserved_addr[11];	/* room for addresses; 0 */
	struct ktstr_field_layout rq_field[KTSTR_RQ_NR_FIELDS];
	struct ktstr_field_layout rq_reserved[KTSTR_FIELD_SLOTS - KTSTR_RQ_NR_FIELDS];
	struct ktstr_field_layout task_field[KTSTR_TASK_NR_FIELDS];
	struct ktstr_field_layout task_reserved[KTSTR_FIELD_SLOTS - KTSTR_TASK_NR_FIELDS];
	__u64 per_cpu_offset[KTSTR_MAX_CPUS];	/* __per_cpu_offset[cpu] */
};

enum ktstr_target_kind {
	KTSTR_TARGET_SYMBOL = 1,	/* name: an allowlisted symbol */
	KTSTR_TARGET_PERCPU,		/* name: an rq field, cpu */
	KTSTR_TARGET_TASK,		/* name: a task field, pid, start_time */
};

/* KTSTR_IOC_READ and KTSTR_IOC_WRITE. */
struct ktstr_access {
	struct ktstr_hdr hdr;
	__u32 kind;			/* enum ktstr_target_kind */
	__u32 width;			/* bytes: 1, 2, 4 or 8 */
	__u32 cpu;			/* KTSTR_TARGET_PERCPU */
	__u32 pid;			/* KTSTR_TARGET_TASK */
	__u64 start_time;		/* KTSTR_TARGET_TASK: task->start_time, ns */
	__u64 value;			/* out for READ, in for WRITE */
	char name[KTSTR_NAME_LEN];
	__u64 reserved[2];
};

/* One CPU in a SNAPSHOT. */
struct ktstr_cpu_state {
	__u32 cpu;
	__u32 nr_running;
	__u32 scx_nr_running;
	__u32 scx_local_dsq_nr;
	__u64 clock;			/* rq->clock, ns */
	__u32 curr_pid;
	__u32 curr_policy;
	char curr_comm[KTSTR_COMM_LEN];
	__u32 online;
	__u32 reserved;
};

/*
 * KTSTR_IOC_SNAPSHOT: every online CPU parked (stop_machine) while its
 * state is copied: one consistent picture.
 */
struct ktstr_snapshot {
	struct ktstr_hdr hdr;
	__u64 timestamp_ns;		/* ktime_get_ns() while parked */
	__u64 jiffies;
	__u32 scx_state;		/* enum scx_ops_enable_state; ~0 if unknown */
	__u32 nr_cpus;			/* entries filled in cpus[] */
	__u64 reserved[2];
	struct ktstr_cpu_state cpus[KTSTR_SNAPSHOT_CPUS];
};

/*
 * KTSTR_IOC_CAPTURE: ask the host VMM to freeze the VM and capture its
 * state now, tagged. Returns once the VM has been thawed, with the id the
 * host gave the capture. Fails with KTSTR_E_NO_HOST in direct mode.
 */
struct ktstr_capture {
	struct ktstr_hdr hdr;
	char tag[KTSTR_TAG_LEN];
	__u64 capture_id;		/* out */
	__u64 reserved[2];
};

/*
 * The relay between CAPTURE callers and the host: the guest agent (the
 * only process that talks to the host) waits in RELAY_WAIT for the next
 * capture request, forwards it, and answers with RELAY_DONE once the host
 * has thawed the VM. While a relay is waiting or busy, host_attached is
 * 1; without one, CAPTURE fails with KTSTR_E_NO_HOST.
 */
struct ktstr_relay {
	struct ktstr_hdr hdr;
	__u64 request_id;		/* out of WAIT, in to DONE */
	__u64 capture_id;		/* in to DONE: the host's id */
	__u32 result;			/* in to DONE: KTSTR_OK or a reason */
	__u32 reserved32;
	char tag[KTSTR_TAG_LEN];	/* out of WAIT */
	__u64 reserved[2];
};

/*
 * KTSTR_IOC_CAPTURE_SYNC: a capture of a guest provably standing still.
 * Every online CPU is parked by stop_machine() with interrupts off; the
 * module reads jiffies_64 and the sched_ext state, writes "TAG\n" to the
 * host's sync port (an isa-debugcon device at KTSTR_SYNC_PORT) and spins
 * until the host, having frozen, captured and thawed the VM, releases it
 * with an NMI. What the module read is returned, so it can be compared
 * with the host's snapshot of that same moment. Without a host attached
 * (no relay registered) it fails at once with KTSTR_E_NO_HOST; if no NMI
 * comes within two seconds, with KTSTR_E_HOST_FAILED.
 */
#define KTSTR_SYNC_PORT		0x5f0
/*
 * The tag ktstr.ko itself sends on the sync port at a sched_ext error
 * exit, before the scheduler is torn down: the host records that capture
 * as the failure's. CAPTURE_SYNC refuses it from user space.
 */
#define KTSTR_SYNC_TAG_SCHED_ERROR	"sched-error"
/*
 * ktstr.ko prints each line of sched_ext's debug dump as "ktstr: " this
 * prefix and the line, at most KTSTR_SCX_DUMP_MAX bytes of lines per dump.
 * The dump's first line is "COMM[PID]" KTSTR_SCX_DUMP_HEADER "N:".
 */
#define KTSTR_SCX_DUMP_PREFIX		"scx-dump: "
#define KTSTR_SCX_DUMP_MAX		(32 * 1024)
#define KTSTR_SCX_DUMP_HEADER		" triggered exit kind "

struct ktstr_capture_sync {
	struct ktstr_hdr hdr;
	char tag[KTSTR_TAG_LEN];
	__u64 jiffies;			/* out: jiffies_64 while parked */
	__u64 parked_ns;		/* out: how long the CPUs were parked */
	__u32 scx_state;		/* out: as in struct ktstr_snapshot */
	__u32 reserved32;
	__u64 reserved[2];
};

#define KTSTR_IOC_INFO		_IOWR(KTSTR_IOC_MAGIC, 0x01, struct ktstr_info)
#define KTSTR_IOC_READ		_IOWR(KTSTR_IOC_MAGIC, 0x02, struct ktstr_access)
#define KTSTR_IOC_WRITE		_IOWR(KTSTR_IOC_MAGIC, 0x03, struct ktstr_access)
#define KTSTR_IOC_SNAPSHOT	_IOWR(KTSTR_IOC_MAGIC, 0x04, struct ktstr_snapshot)
#define KTSTR_IOC_CAPTURE	_IOWR(KTSTR_IOC_MAGIC, 0x05, struct ktstr_capture)
#define KTSTR_IOC_RELAY_WAIT	_IOWR(KTSTR_IOC_MAGIC, 0x06, struct ktstr_relay)
#define KTSTR_IOC_RELAY_DONE	_IOWR(KTSTR_IOC_MAGIC, 0x07, struct ktstr_relay)
#define KTSTR_IOC_CAPTURE_SYNC	_IOWR(KTSTR_IOC_MAGIC, 0x08, struct ktstr_capture_sync)

#endif /* _UAPI_LINUX_KTSTR_H */
