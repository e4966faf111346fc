/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RIPs to "function+0xoff" with the kernel's vmlinux symbol table, read
 * with libelf.
 */
#ifndef KTSTR_HOST_SYMBOLIZE_H
#define KTSTR_HOST_SYMBOLIZE_H

#include <stddef.h>
#include <stdint.h>

struct ksym {
	uint64_t addr;
	uint64_t size;
	char *name;
};

struct symtab {
	struct ksym *sym;	/* sorted by address */
	size_t n;
	char *names;		/* one block holding every name */
};

/* Load the function symbols of @elf_path. */
int symtab_load(struct symtab *t, const char *elf_path, char *err,
		size_t errlen);
void symtab_free(struct symtab *t);
/*
 * Format @addr (a link-time address: subtract the KASLR offset first)
 * as "name+0xoff/0xsize", or "0x<addr>" when no function holds it.
 */
void symtab_format(const struct symtab *t, uint64_t addr, char *buf,
		   size_t len);
/* The link-time address of @name, or 0. */
uint64_t symtab_lookup(const struct symtab *t, const char *name);

#endif
