// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture/symbolize.h"

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Copy the FUNC/OBJECT symbols of one symbol table section. */
static int take_symbols(struct symtab *t, Elf *elf, Elf_Scn *scn,
			GElf_Shdr *sh)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t count = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	size_t names_len = 0, off = 0, n = 0;

	if (!data)
		return -1;
	for (size_t i = 0; i < count; i++) {
		GElf_Sym s;
		const char *name;

		if (!gelf_getsym(data, (int)i, &s) || !s.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (name && *name)
			names_len += strlen(name) + 1;
	}
	t->sym = calloc(count ? count : 1, sizeof(*t->sym));
	t->names = malloc(names_len ? names_len : 1);
	if (!t->sym || !t->names)
		return -1;
	for (size_t i = 0; i < count; i++) {
		int type;
		GElf_Sym s;
		const char *name;
		size_t len;

		if (!gelf_getsym(data, (int)i, &s) || !s.st_value)
			continue;
		type = GELF_ST_TYPE(s.st_info);
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name || !*name || (type != STT_FUNC && type != STT_OBJECT &&
					type != STT_NOTYPE))
			continue;
		len = strlen(name) + 1;
		if (off + len > names_len)
			break;
		memcpy(t->names + off, name, len);
		t->sym[n].addr = s.st_value;
		t->sym[n].size = s.st_size;
		t->sym[n].name = t->names + off;
		off += len;
		n++;
	}
	t->n = n;
	qsort(t->sym, n, sizeof(*t->sym), by_addr);
	return 0;
}

int symtab_load(struct symtab *t, const char *elf_path, char *err,
		size_t errlen)
{
	Elf_Scn *scn = NULL;
	int fd, r = -1;
	Elf *elf;

	memset(t, 0, sizeof(*t));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -1;
	fd = open(elf_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", elf_path,
			 strerror(errno));
		return -1;
	}
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB) {
			r = take_symbols(t, elf, scn, &sh);
			break;
		}
	}
	if (r)
		snprintf(err, errlen, "%s has no symbol table (%s)", elf_path,
			 elf ? "stripped?" : elf_errmsg(-1));
	if (elf)
		elf_end(elf);
	close(fd);
	if (r)
		symtab_free(t);
	return r;
}

void symtab_free(struct symtab *t)
{
	free(t->sym);
	free(t->names);
	memset(t, 0, sizeof(*t));
}

void symtab_format(const struct symtab *t, uint64_t addr, char *buf,
		   size_t len)
{
	size_t lo = 0, hi = t->n;

	/* The last symbol at or below @addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->sym[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo) {
		const struct ksym *s = &t->sym[lo - 1];

		/* A sizeless label only names what follows it closely. */
		if (s->size ? addr - s->addr < s->size :
			      addr - s->addr < 0x1000) {
			snprintf(buf, len, "%s+0x%llx/0x%llx", s->name,
				 (unsigned long long)(addr - s->addr),
				 (unsigned long long)s->size);
			return;
		}
	}
	snprintf(buf, len, "0x%llx", (unsigned long long)addr);
}

uint64_t symtab_lookup(const struct symtab *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->sym[i].name, name))
			return t->sym[i].addr;
	return 0;
}
