/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ktstr: the ABI of /dev/ktstr, shared by the kernel module, the guest
 * tools and the host. Fixed-size structs, explicit padding, __u32/__u64
 * fields only, so 32- and 64-bit user space see the same layout.
 */
#ifndef _UAPI_LINUX_KTSTR_H
#define _UAPI_LINUX_KTSTR_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define KTSTR_ABI_VERSION	1
#define KTSTR_DEVICE		"/dev/ktstr"
#define KTSTR_IOC_MAGIC		0xb7

/* struct ktstr_version: which ABI the module speaks. */
struct ktstr_version {
	__u32 abi_version;	/* out: KTSTR_ABI_VERSION */
	__u32 nr_cpu_ids;	/* out */
	char release[64];	/* out: the kernel release, NUL-terminated */
};

#define KTSTR_IOC_VERSION	_IOR(KTSTR_IOC_MAGIC, 0x00, struct ktstr_version)

#endif /* _UAPI_LINUX_KTSTR_H */
