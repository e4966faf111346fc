// SPDX-License-Identifier: GPL-2.0
/*
 * The bare reference /init of the boot benchmark: static, does nothing,
 * ends the VM at once. Boot-to-agent-ready is measured against it.
 */
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}
