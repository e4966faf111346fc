/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Load ktstr.ko with libkmod, passing the addresses of the non-exported
 * symbols it needs (read from /proc/kallsyms) as its ksyms parameter.
 */
#ifndef KTSTR_GUEST_KMOD_LOAD_H
#define KTSTR_GUEST_KMOD_LOAD_H

#include <stddef.h>

/* Build the ksyms="..." option from a kallsyms listing in @path. */
int ksyms_option(const char *kallsyms, char *buf, size_t len);

/*
 * Insert @ko. Returns 0 (also when it is already loaded), or -1 with one
 * line in @err saying why.
 */
int ktstr_kmod_load(const char *ko, char *err, size_t errlen);

#endif
