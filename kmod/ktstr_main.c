// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr.ko: the in-guest agent module. A misc device, /dev/ktstr, through
 * which test tools reach validated views of scheduler state.
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>

#include <linux/ktstr.h>

static long ktstr_version(void __user *arg)
{
	struct ktstr_version v;

	memset(&v, 0, sizeof(v));
	v.abi_version = KTSTR_ABI_VERSION;
	v.nr_cpu_ids = nr_cpu_ids;
	strscpy(v.release, utsname()->release, sizeof(v.release));
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long ktstr_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case KTSTR_IOC_VERSION:
		return ktstr_version((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations ktstr_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = ktstr_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice ktstr_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ktstr",
	.fops = &ktstr_fops,
	.mode = 0600,
};

module_misc_device(ktstr_dev);

MODULE_DESCRIPTION("ktstr in-guest agent: validated scheduler state access");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");
