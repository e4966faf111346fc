/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Direct mode, kselftest style: a kmod test run on a device whose
 * /dev/ktstr is missing loads test_modules/ktstr.ko (beside the program,
 * where lib.mk builds and installs it) before its tests run, with the
 * ksyms parameter the module needs, and removes it when it exits.
 * Under ktstr the agent has loaded it already and nothing happens.
 */
#ifndef KTSTR_SELFTESTS_LIB_MODULE_H
#define KTSTR_SELFTESTS_LIB_MODULE_H

/*
 * Why /dev/ktstr is missing, in one line, for the tests' SKIP: the
 * module file is absent, or loading it failed and how.
 */
const char *ktstr_module_why(void);

#endif
