// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr_load: load ktstr.ko as the guest agent does, with the ksyms
 * parameter the module needs (libkmod; selftests/lib/kmod_load.c).
 * run_tests.sh uses it in direct mode, where plain insmod would leave
 * the module's non-exported symbols unresolved.
 *
 *   ktstr_load PATH/ktstr.ko
 *
 * Exit 0 when loaded (or already loaded); else one line on stderr saying
 * why, and exit 1.
 */
#include <stdio.h>

#include "kmod_load.h"

int main(int argc, char **argv)
{
	char err[512];

	if (argc != 2) {
		fprintf(stderr, "usage: ktstr_load PATH/ktstr.ko\n");
		return 2;
	}
	if (ktstr_kmod_load(argv[1], err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	return 0;
}
