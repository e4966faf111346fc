// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr.ko: the in-guest agent module. A misc device, /dev/ktstr, through
 * which test tools reach validated views of scheduler state.
 *
 * This file owns the device, the ioctl dispatch and the checks every
 * request shares: CAP_SYS_ADMIN, the command number, and struct ktstr_hdr
 * (size, version, reserved). The header is always copied back, with
 * hdr.reason telling why a request was refused; on success the whole
 * request is copied back.
 *
 * Each reason fails the ioctl with its errno from KTSTR_REASON in
 * <linux/ktstr_tables.h>: hdr.reason is the precise answer, errno the
 * class.
 *
 * Errors that carry no reason (hdr.reason stays KTSTR_OK or is not
 * copied back): -EPERM without CAP_SYS_ADMIN, -ENOTTY for an unknown
 * command, -EFAULT for an unreadable or unwritable request, -ENOMEM.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "ktstr.h"

static const int ktstr_reason_errno[KTSTR_REASON_MAX] = {
#define KTSTR_REASON(code, err, ...)					\
	[code] = -(err),
#include <linux/ktstr_tables.h>
};

/* Record why a request was refused; returns the errno for that reason. */
long ktstr_fail(struct ktstr_hdr *hdr, u32 reason)
{
	if (WARN_ON_ONCE(reason == KTSTR_OK || reason >= KTSTR_REASON_MAX))
		reason = KTSTR_E_VALUE;
	hdr->reason = reason;
	return ktstr_reason_errno[reason];
}

/* A name is non-empty and NUL-terminated inside its field of @len bytes. */
bool ktstr_name_ok(const char *name, size_t len)
{
	size_t n = strnlen(name, len);

	return n > 0 && n < len;
}

struct ktstr_cmd {
	unsigned int cmd;
	size_t size;
	/* Returns 0 or -errno; on failure hdr->reason is set. */
	long (*fn)(struct file *file, void *req, void __user *uarg);
	/* On success fn has copied the request back itself. */
	bool copies_out;
};

static const struct ktstr_cmd ktstr_cmds[] = {
	{ KTSTR_IOC_INFO, sizeof(struct ktstr_info), ktstr_info, false },
	{ KTSTR_IOC_READ, sizeof(struct ktstr_access), ktstr_read, false },
	{ KTSTR_IOC_WRITE, sizeof(struct ktstr_access), ktstr_write, false },
	{ KTSTR_IOC_SNAPSHOT, sizeof(struct ktstr_snapshot), ktstr_snapshot,
	  false },
	{ KTSTR_IOC_CAPTURE, sizeof(struct ktstr_capture), ktstr_capture,
	  false },
	{ KTSTR_IOC_RELAY_WAIT, sizeof(struct ktstr_relay), ktstr_relay_wait,
	  true },
	{ KTSTR_IOC_RELAY_DONE, sizeof(struct ktstr_relay), ktstr_relay_done,
	  false },
	{ KTSTR_IOC_CAPTURE_SYNC, sizeof(struct ktstr_capture_sync),
	  ktstr_capture_sync, false },
};

/* The layout is the ABI: the sizes user space was built with. */
static_assert(sizeof(struct ktstr_hdr) == 16);
static_assert(sizeof(struct ktstr_field_layout) == 8);
static_assert(sizeof(struct ktstr_info) == 4608);
static_assert(sizeof(struct ktstr_access) == 128);
static_assert(sizeof(struct ktstr_cpu_state) == 56);
static_assert(sizeof(struct ktstr_snapshot) == 14392);
static_assert(sizeof(struct ktstr_capture) == 104);
static_assert(sizeof(struct ktstr_relay) == 120);
static_assert(sizeof(struct ktstr_capture_sync) == 120);

static u32 ktstr_check_hdr(const struct ktstr_hdr *hdr, size_t size)
{
	if (hdr->size != size)
		return KTSTR_E_SIZE;
	if (hdr->version != KTSTR_ABI_VERSION)
		return KTSTR_E_VERSION;
	if (hdr->reserved)
		return KTSTR_E_RESERVED;
	return KTSTR_OK;
}

static long ktstr_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	const struct ktstr_cmd *c = NULL;
	struct ktstr_hdr hdr;
	unsigned int i;
	void *req;
	long ret;
	u32 reason;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	for (i = 0; i < ARRAY_SIZE(ktstr_cmds); i++) {
		if (ktstr_cmds[i].cmd == cmd) {
			c = &ktstr_cmds[i];
			break;
		}
	}
	if (!c)
		return -ENOTTY;

	if (copy_from_user(&hdr, uarg, sizeof(hdr)))
		return -EFAULT;
	reason = ktstr_check_hdr(&hdr, c->size);
	if (reason) {
		ret = ktstr_fail(&hdr, reason);
		if (copy_to_user(uarg, &hdr, sizeof(hdr)))
			return -EFAULT;
		return ret;
	}

	req = kvzalloc(c->size, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	if (copy_from_user(req, uarg, c->size)) {
		ret = -EFAULT;
		goto out;
	}
	/* The header checked above is the one used: no second fetch. */
	hdr.reason = KTSTR_OK;
	memcpy(req, &hdr, sizeof(hdr));

	ret = c->fn(file, req, uarg);
	if (!ret) {
		if (!c->copies_out && copy_to_user(uarg, req, c->size))
			ret = -EFAULT;
	} else if (copy_to_user(uarg, req, sizeof(hdr))) {
		ret = -EFAULT;
	}
out:
	kvfree(req);
	return ret;
}

static int ktstr_open(struct inode *inode, struct file *file)
{
	struct ktstr_file *kf = kzalloc(sizeof(*kf), GFP_KERNEL);

	if (!kf)
		return -ENOMEM;
	file->private_data = kf;
	return 0;
}

static int ktstr_release(struct inode *inode, struct file *file)
{
	struct ktstr_file *kf = file->private_data;

	ktstr_relay_release(kf);
	kfree(kf);
	return 0;
}

static const struct file_operations ktstr_fops = {
	.owner = THIS_MODULE,
	.open = ktstr_open,
	.release = ktstr_release,
	.unlocked_ioctl = ktstr_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice ktstr_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ktstr",
	.fops = &ktstr_fops,
	.mode = 0600,
};

static int __init ktstr_init(void)
{
	int ret;

	ktstr_syms_init();
	ktstr_snapshot_init();
	ret = ktstr_sync_init();
	if (ret)
		goto out_snapshot;
	ktstr_scx_watch_init();
	ret = misc_register(&ktstr_dev);
	if (ret)
		goto out_sync;
	return 0;
out_sync:
	ktstr_scx_watch_exit();
	ktstr_sync_exit();
out_snapshot:
	ktstr_snapshot_exit();
	return ret;
}

static void __exit ktstr_exit(void)
{
	misc_deregister(&ktstr_dev);
	ktstr_scx_watch_exit();
	ktstr_sync_exit();
	ktstr_snapshot_exit();
}

module_init(ktstr_init);
module_exit(ktstr_exit);

MODULE_DESCRIPTION("ktstr in-guest agent: validated scheduler state access");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
