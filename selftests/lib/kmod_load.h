/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Load ktstr.ko with libkmod, passing the addresses of the non-exported
 * symbols it needs (read from /proc/kallsyms) as its ksyms parameter.
 */
#ifndef KTSTR_SELFTESTS_LIB_KMOD_LOAD_H
#define KTSTR_SELFTESTS_LIB_KMOD_LOAD_H

#include <stddef.h>

/*
 * Build the ksyms="..." option from the kallsyms listing @kallsyms.
 * 0, or -1 if it cannot be read or the option does not fit in @len.
 */
int ktstr_ksyms_option(const char *kallsyms, char *buf, size_t len);

/*
 * Insert @ko. Returns 0 (also when it is already loaded), or -1 with one
 * line in @err saying why.
 */
int ktstr_kmod_load(const char *ko, char *err, size_t errlen);

/* Remove the loaded module "ktstr". 0, or -1 with one line in @err. */
int ktstr_kmod_unload(char *err, size_t errlen);

#endif
