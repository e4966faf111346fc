// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/ktstr ABI does not depend on the word size: `make unit`
 * compiles this file with -m64 and -m32, and every struct must have the
 * same size, its ioctl numbers the same values, in both.
 */
#include <linux/ktstr.h>

#define SIZE(name, n) _Static_assert(sizeof(struct name) == (n), #name)

SIZE(ktstr_hdr, 16);
SIZE(ktstr_field_layout, 8);
SIZE(ktstr_info, 4608);
SIZE(ktstr_access, 128);
SIZE(ktstr_cpu_state, 56);
SIZE(ktstr_snapshot, 14392);
SIZE(ktstr_capture, 104);
SIZE(ktstr_relay, 120);
SIZE(ktstr_capture_sync, 120);

_Static_assert(KTSTR_IOC_INFO == 0xd200b701UL, "INFO");
_Static_assert(KTSTR_IOC_SNAPSHOT == 0xf838b704UL, "SNAPSHOT");
_Static_assert(KTSTR_IOC_RELAY_DONE == 0xc078b707UL, "RELAY_DONE");

/* The enums are ABI too: their lists in the header grow only at the end. */
_Static_assert(KTSTR_OK == 0 && KTSTR_E_ON_RQ == 16 &&
	       KTSTR_E_SCX_QUEUED == 17 && KTSTR_E_NO_REQUEST == 23 &&
	       KTSTR_E_POLICY == 24 && KTSTR_E_FORKING == 25 &&
	       KTSTR_REASON_MAX == 26, "reasons");
_Static_assert(KTSTR_RQ_SCX_LOCAL_DSQ_NR == 5 &&
	       KTSTR_RQ_SCX_RUNNABLE_LIST == 6 && KTSTR_RQ_NR_FIELDS == 7,
	       "rq fields");
_Static_assert(KTSTR_TASK_TASKS == 12 && KTSTR_TASK_SCX_RUNNABLE_AT == 14 &&
	       KTSTR_TASK_NR_FIELDS == 15, "task fields");
_Static_assert(KTSTR_RQ_NR_FIELDS <= KTSTR_FIELD_SLOTS &&
	       KTSTR_TASK_NR_FIELDS <= KTSTR_FIELD_SLOTS, "field slots");
_Static_assert(KTSTR_ADDR_SCX_WATCHDOG_TIMEOUT == 4 && KTSTR_ADDR_NR == 5,
	       "addresses");
