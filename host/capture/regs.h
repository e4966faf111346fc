/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vCPU registers of a frozen VM, parsed from QEMU's "info registers -a"
 * (the text is QEMU's, bounded and parsed defensively).
 */
#ifndef KTSTR_HOST_REGS_H
#define KTSTR_HOST_REGS_H

#include <stdbool.h>
#include <stdint.h>

#define REGS_MAX_CPUS 256

struct vcpu_regs {
	uint64_t rip, rsp, rflags, cr3, cr4;
	unsigned int cpl;
	bool halted;
	bool valid;	/* RIP, RSP, RFL and CR3 were all found */
};

/* Parse @text into @out[0..max); returns the number of CPUs seen. */
int regs_parse(const char *text, struct vcpu_regs *out, int max);

#define CR4_LA57 (1ull << 12)

#endif
