/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ktstr: the tables of the /dev/ktstr ABI. Each entry is written once,
 * here, and expanded wherever it is needed: the enums of <linux/ktstr.h>,
 * the module's field offsets, errnos and symbol checks, and the names
 * user space prints and looks up.
 *
 * To expand a table, define its entry macro (KTSTR_REASON, KTSTR_RQ_FIELD,
 * KTSTR_TASK_FIELD, KTSTR_ADDR or KTSTR_KSYM) and include this file: only
 * the tables whose macro is defined expand, and each macro is undefined
 * after its table, so there is no include guard. The order of the entries
 * gives the enum values, which are ABI: new entries go at the end.
 */

/*
 * KTSTR_REASON(code, errno, name, layer, text): why a request was refused.
 * Each validation layer has its own code. The module sets hdr.reason to
 * the code and fails the ioctl with -errno: hdr.reason is the precise
 * answer, errno the class. name and text are how user space reports it;
 * layer numbers the task validation chain of WRITE, in the order it runs
 * (1-8), and is 0 for every other reason.
 */
#ifdef KTSTR_REASON
KTSTR_REASON(KTSTR_OK, 0, "ok", 0, "accepted")
/* request shape */
KTSTR_REASON(KTSTR_E_SIZE, EINVAL, "size", 0,
	     "the request size does not match this module's ABI")
KTSTR_REASON(KTSTR_E_VERSION, EINVAL, "version", 0,
	     "the request's ABI version is not the module's")
KTSTR_REASON(KTSTR_E_RESERVED, EINVAL, "reserved", 0,
	     "a reserved field is not zero")
KTSTR_REASON(KTSTR_E_NAME, EINVAL, "name", 0,
	     "the name is empty or not NUL-terminated")
KTSTR_REASON(KTSTR_E_KIND, EINVAL, "kind", 0, "unknown target kind")
KTSTR_REASON(KTSTR_E_WIDTH, EINVAL, "width", 0,
	     "the width is not 1, 2, 4 or 8, or not the field's size")
KTSTR_REASON(KTSTR_E_CPU, EINVAL, "cpu", 0, "no such possible CPU")
/* what the request names */
KTSTR_REASON(KTSTR_E_UNKNOWN_SYMBOL, ENOENT, "unknown-symbol", 0,
	     "the symbol is not on the module's read allowlist")
KTSTR_REASON(KTSTR_E_UNKNOWN_FIELD, ENOENT, "unknown-field", 0,
	     "no such field")
KTSTR_REASON(KTSTR_E_UNRESOLVED, ENXIO, "unresolved", 0,
	     "the module could not resolve that symbol when it was loaded")
KTSTR_REASON(KTSTR_E_NOT_WRITABLE, EACCES, "not-writable", 0,
	     "that field or symbol is not on the write allowlist")
KTSTR_REASON(KTSTR_E_VALUE, ERANGE, "value", 0,
	     "the value is out of the field's range")
/* the task validation chain (the layer says the order it runs in) */
KTSTR_REASON(KTSTR_E_NO_TASK, ENOENT, "pid", 1, "no task has that pid")
KTSTR_REASON(KTSTR_E_IDENTITY, ESRCH, "identity", 2,
	     "the task's start_time differs: the pid was reused")
KTSTR_REASON(KTSTR_E_EXITING, ESRCH, "lifetime", 3, "the task is exiting")
KTSTR_REASON(KTSTR_E_ON_RQ, EBUSY, "on_rq", 5,
	     "the task is runnable or running (on_rq != 0)")
KTSTR_REASON(KTSTR_E_SCX_QUEUED, EBUSY, "dsq", 4,
	     "the task is queued on a sched_ext DSQ")
KTSTR_REASON(KTSTR_E_NOT_EXT, EOPNOTSUPP, "class", 6,
	     "the task is not scheduled by the ext class")
/* rendezvous */
KTSTR_REASON(KTSTR_E_NO_HOST, ENODEV, "no-host", 0,
	     "no host VMM is attached (direct mode)")
KTSTR_REASON(KTSTR_E_HOST_FAILED, EIO, "host-failed", 0,
	     "the host refused or failed the capture")
KTSTR_REASON(KTSTR_E_BUSY, EBUSY, "busy", 0, "another request is in flight")
KTSTR_REASON(KTSTR_E_INTERRUPTED, EINTR, "interrupted", 0,
	     "a signal ended the wait")
KTSTR_REASON(KTSTR_E_NO_REQUEST, ENOENT, "no-request", 0,
	     "no such capture request is in flight")
/* the task validation chain's layers added later (the enum only grows) */
KTSTR_REASON(KTSTR_E_POLICY, EOPNOTSUPP, "policy", 7,
	     "the task's policy is not SCHED_EXT")
KTSTR_REASON(KTSTR_E_FORKING, EBUSY, "forking", 8,
	     "the task is still being forked (no start_boottime yet)")
#undef KTSTR_REASON
#endif

/*
 * KTSTR_RQ_FIELD(index, name, member, writable) and KTSTR_TASK_FIELD(...):
 * the fields of struct rq and struct task_struct whose offsets INFO
 * reports and that READ (and, if writable, WRITE) accept. name is how
 * requests spell the field; member is the C member the module takes
 * offsetof() and sizeof() of. Fields wider than 8 bytes are layout only.
 */
#ifdef KTSTR_RQ_FIELD
KTSTR_RQ_FIELD(KTSTR_RQ_NR_RUNNING, "nr_running", nr_running, 0)
KTSTR_RQ_FIELD(KTSTR_RQ_CLOCK, "clock", clock, 0)
/* a task_struct pointer */
KTSTR_RQ_FIELD(KTSTR_RQ_CURR, "curr", curr, 0)
KTSTR_RQ_FIELD(KTSTR_RQ_CPU, "cpu", cpu, 0)
KTSTR_RQ_FIELD(KTSTR_RQ_SCX_NR_RUNNING, "scx.nr_running", scx.nr_running, 0)
KTSTR_RQ_FIELD(KTSTR_RQ_SCX_LOCAL_DSQ_NR, "scx.local_dsq.nr",
	       scx.local_dsq.nr, 0)
/* a list_head of the runnable sched_ext tasks, as the watchdog walks it */
KTSTR_RQ_FIELD(KTSTR_RQ_SCX_RUNNABLE_LIST, "scx.runnable_list",
	       scx.runnable_list, 0)
#undef KTSTR_RQ_FIELD
#endif

#ifdef KTSTR_TASK_FIELD
KTSTR_TASK_FIELD(KTSTR_TASK_PID, "pid", pid, 0)
KTSTR_TASK_FIELD(KTSTR_TASK_TGID, "tgid", tgid, 0)
KTSTR_TASK_FIELD(KTSTR_TASK_COMM, "comm", comm, 0)
KTSTR_TASK_FIELD(KTSTR_TASK_START_TIME, "start_time", start_time, 0)
KTSTR_TASK_FIELD(KTSTR_TASK_ON_RQ, "on_rq", on_rq, 0)
KTSTR_TASK_FIELD(KTSTR_TASK_POLICY, "policy", policy, 0)
KTSTR_TASK_FIELD(KTSTR_TASK_SCHED_CLASS, "sched_class", sched_class, 0)
KTSTR_TASK_FIELD(KTSTR_TASK_SUM_EXEC_RUNTIME, "se.sum_exec_runtime",
		 se.sum_exec_runtime, 0)
KTSTR_TASK_FIELD(KTSTR_TASK_SCX_DSQ_VTIME, "scx.dsq_vtime", scx.dsq_vtime, 1)
KTSTR_TASK_FIELD(KTSTR_TASK_SCX_SLICE, "scx.slice", scx.slice, 1)
KTSTR_TASK_FIELD(KTSTR_TASK_SCX_FLAGS, "scx.flags", scx.flags, 0)
KTSTR_TASK_FIELD(KTSTR_TASK_SCX_DSQ, "scx.dsq", scx.dsq, 0)
/* a list_head */
KTSTR_TASK_FIELD(KTSTR_TASK_TASKS, "tasks", tasks, 0)
/* its node on rq->scx.runnable_list, and since when (jiffies) */
KTSTR_TASK_FIELD(KTSTR_TASK_SCX_RUNNABLE_NODE, "scx.runnable_node",
		 scx.runnable_node, 0)
KTSTR_TASK_FIELD(KTSTR_TASK_SCX_RUNNABLE_AT, "scx.runnable_at",
		 scx.runnable_at, 0)
#undef KTSTR_TASK_FIELD
#endif

/* KTSTR_ADDR(index, name): the addresses INFO reports, 0 if unresolved. */
#ifdef KTSTR_ADDR
/* the per-CPU offset of runqueues */
KTSTR_ADDR(KTSTR_ADDR_RUNQUEUES, "runqueues")
KTSTR_ADDR(KTSTR_ADDR_JIFFIES_64, "jiffies_64")
KTSTR_ADDR(KTSTR_ADDR_INIT_TASK, "init_task")
/* the sched_ext enable state (atomic_t) */
KTSTR_ADDR(KTSTR_ADDR_SCX_STATE, "scx_state")
KTSTR_ADDR(KTSTR_ADDR_SCX_WATCHDOG_TIMEOUT, "scx_watchdog_timeout")
#undef KTSTR_ADDR
#endif

/*
 * KTSTR_KSYM(name, check, bytes, slot): the non-exported symbols the module
 * takes in its ksyms parameter (see KTSTR_KSYMS_PARAM). The loader needs
 * only the names. The rest is the module's: how it verifies the address
 * (check: the kind of symbol; bytes: the size of the object it reads) and
 * the member of its struct ktstr_syms that receives it.
 */
#ifdef KTSTR_KSYM
KTSTR_KSYM("runqueues", PERCPU_RQ, 0, runqueues)
/* the enable state's name before and after v6.13 */
KTSTR_KSYM("scx_ops_enable_state_var", DATA, sizeof(atomic_t), scx_state)
KTSTR_KSYM("scx_enable_state_var", DATA, sizeof(atomic_t), scx_state)
KTSTR_KSYM("scx_watchdog_timeout", DATA, sizeof(unsigned long),
	   scx_watchdog_timeout)
/* optional: needed to lower the watchdog timeout safely */
KTSTR_KSYM("scx_watchdog_timestamp", DATA, sizeof(unsigned long),
	   scx_watchdog_timestamp)
KTSTR_KSYM("scx_watchdog_work", DATA, sizeof(struct delayed_work),
	   scx_watchdog_work)
KTSTR_KSYM("ext_sched_class", DATA, sizeof(struct sched_class),
	   ext_sched_class)
KTSTR_KSYM("task_rq_lock", FUNC, 0, task_rq_lock)
KTSTR_KSYM("raw_spin_rq_unlock", FUNC, 0, raw_spin_rq_unlock)
KTSTR_KSYM("_text", TEXT, 0, text)
#undef KTSTR_KSYM
#endif
