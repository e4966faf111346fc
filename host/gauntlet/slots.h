/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How many VMs the gauntlet runs at once (-j), and which host CPUs each
 * slot's QEMU may use: disjoint slices of the CPUs ktstr may run on,
 * when there are at least as many CPUs as slots.
 */
#ifndef KTSTR_HOST_GAUNTLET_SLOTS_H
#define KTSTR_HOST_GAUNTLET_SLOTS_H

#include <sched.h>
#include <stdbool.h>

#define SLOTS_MAX	256
/* Beside the guest's RAM: QEMU itself and TCG's 256 MB translation cache. */
#define SLOTS_QEMU_OVERHEAD_MB	384

/*
 * The default -j: one VM per usable host CPU, as many as the available
 * memory holds at @memory_mb of guest RAM each; at least 1.
 */
unsigned int slots_default(unsigned int memory_mb);

/*
 * The CPUs of slot @k of @slots out of @avail: the k-th of @slots equal
 * slices. False (no pinning) when there are fewer CPUs than slots.
 */
bool slots_cpus(const cpu_set_t *avail, unsigned int slots, unsigned int k,
		cpu_set_t *out);

#endif
