/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Find what a dynamically linked ELF program needs at run time: its
 * interpreter (PT_INTERP) and the transitive closure of DT_NEEDED
 * libraries, resolved the way ld.so would on this host (DT_RPATH,
 * DT_RUNPATH with $ORIGIN, ld.so.conf directories, default directories),
 * read with libelf.
 */
#ifndef KTSTR_HOST_ELF_DEPS_H
#define KTSTR_HOST_ELF_DEPS_H

#include "strlist.h"

/*
 * Append to @out the absolute host paths (as the loader would open them,
 * not symlink-resolved) of @binary's interpreter and library closure,
 * each once. A static binary appends nothing. Returns 0, or -1 with a
 * one-line reason in @err (e.g. "libfoo.so.1 needed by /x/y: not found").
 */
int elf_deps_collect(const char *binary, struct strlist *out, char *err,
		     size_t errlen);

#endif
