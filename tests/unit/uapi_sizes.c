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
