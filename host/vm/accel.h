/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Choosing KVM or TCG. `auto` uses KVM only if a short probe boot under
 * KVM works on this host; the verdict is kept in the cache per host and
 * QEMU build so the probe runs once. The probe is a step of a run of its
 * own (vm_choose_accel), after the options are checked and before the
 * first VM of the run boots.
 */
#ifndef KTSTR_HOST_ACCEL_H
#define KTSTR_HOST_ACCEL_H

#include "vm/vm.h"

/* Parse "auto", "kvm" or "tcg". */
int accel_parse(const char *s, enum accel *out);
const char *accel_name(enum accel a);

/*
 * Settle o->cfg.accel: a forced kvm or tcg is kept; auto becomes TCG
 * without a usable /dev/kvm, else the kept verdict, else the result of a
 * probe boot of @o's kernel under KVM (which is then kept).
 */
void vm_choose_accel(struct vm_opts *o);

#endif
