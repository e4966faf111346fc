/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCHED_EXT, the policy of tasks a sched_ext scheduler runs: the C
 * library's headers may predate it (include/uapi/linux/sched.h).
 */
#ifndef KTSTR_SELFTESTS_LIB_SCHED_EXT_POLICY_H
#define KTSTR_SELFTESTS_LIB_SCHED_EXT_POLICY_H

#include <sched.h>

#ifndef SCHED_EXT
#define SCHED_EXT	7
#endif

#endif
