/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct rq and friends, from the scheduler's private header in the source
 * tree of the kernel the module is built for (Kbuild adds $(srctree) to the
 * include path). <linux/mmu_context.h> must come first.
 *
 * Only types, offsets and inline helpers that touch exported symbols may be
 * used: macros such as cpu_rq() or this_rq() name the non-exported
 * runqueues and would not link; use ktstr_cpu_rq() instead.
 */
#ifndef _KTSTR_SCHED_H
#define _KTSTR_SCHED_H

#include <linux/mmu_context.h>
#include "kernel/sched/sched.h"

#endif /* _KTSTR_SCHED_H */
