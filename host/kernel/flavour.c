// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "kernel/flavour.h"

const struct kernel_flavour kernel_flavours[] = {
	{ "normal", NULL, "selftests/config on tinyconfig" },
	{ "debug", "config.debug",
	  "plus KASAN, KFENCE, lockdep, UBSAN, DEBUG_LIST, debug objects and kmemleak" },
	{ NULL, NULL, NULL },
};

const struct kernel_flavour *kflavour_find(const char *name)
{
	for (const struct kernel_flavour *f = kernel_flavours; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

void kflavour_names(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (const struct kernel_flavour *f = kernel_flavours;
	     f->name && off < len; f++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					off ? ", " : "", f->name);
}

void kflavour_fragments(const struct kernel_flavour *f, const char *base,
			struct kernel_fragments *out)
{
	const char *slash = strrchr(base, '/');

	memset(out, 0, sizeof(*out));
	snprintf(out->path[out->n++], PATH_MAX, "%s", base);
	if (!f->fragment)
		return;
	snprintf(out->path[out->n++], PATH_MAX, "%.*s%s",
		 slash ? (int)(slash - base + 1) : 0, base, f->fragment);
}

char *kflavour_read(const struct kernel_fragments *fr, size_t *len,
		    char *err, size_t errlen)
{
	char *all = NULL;
	size_t total = 0;

	for (unsigned int i = 0; i < fr->n; i++) {
		size_t n;
		char *one = read_file(fr->path[i], 1 << 20, &n), *grown;

		if (!one) {
			snprintf(err, errlen, "cannot read the config fragment %s: %s",
				 fr->path[i], strerror(errno));
			free(all);
			return NULL;
		}
		grown = realloc(all, total + n + 1);
		if (!grown) {
			snprintf(err, errlen, "out of memory");
			free(one);
			free(all);
			return NULL;
		}
		all = grown;
		memcpy(all + total, one, n);
		total += n;
		all[total] = '\0';
		free(one);
	}
	*len = total;
	return all;
}
