// SPDX-License-Identifier: GPL-2.0
/*
 * Load test_modules/ktstr.ko for a kmod test run directly: see
 * ktstr_module.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <linux/ktstr.h>

#include "kmod_load.h"
#include "ktstr_module.h"

static char why[PATH_MAX + 256] = "ktstr.ko is not loaded";
/* The process that loaded the module, and the only one to remove it. */
static pid_t loader;

const char *ktstr_module_why(void)
{
	return why;
}

/* PATH/test_modules/ktstr.ko, PATH the program's own directory. */
static int module_path(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n < 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if (snprintf(buf, len, "%s/test_modules/ktstr.ko", exe) >= (int)len)
		return -1;
	return 0;
}

static void ktstr_module_unload(void)
{
	char err[256];

	if (!loader || getpid() != loader)
		return;
	if (ktstr_kmod_unload(err, sizeof(err)))
		fprintf(stderr, "# %s\n", err);
}

/* Before main(): the harness forks a child per test, after this ran. */
__attribute__((constructor)) static void ktstr_module_load(void)
{
	char ko[PATH_MAX + 32], err[PATH_MAX + 128];

	if (access(KTSTR_DEVICE, F_OK) == 0)
		return;
	if (module_path(ko, sizeof(ko))) {
		snprintf(why, sizeof(why), "cannot find this program's directory");
		return;
	}
	if (access(ko, R_OK)) {
		snprintf(why, sizeof(why),
			 "no %s: build the module for this kernel (make KDIR=...)",
			 ko);
		return;
	}
	if (ktstr_kmod_load(ko, err, sizeof(err))) {
		snprintf(why, sizeof(why), "ktstr.ko does not load: %s", err);
		return;
	}
	if (access(KTSTR_DEVICE, F_OK)) {
		snprintf(why, sizeof(why), "ktstr.ko loaded but %s is missing",
			 KTSTR_DEVICE);
		return;
	}
	loader = getpid();
	atexit(ktstr_module_unload);
}
