// SPDX-License-Identifier: GPL-2.0
/*
 * Load ktstr.ko with libkmod: see kmod_load.h.
 */
#include <errno.h>
#include <stdbool.h>
#include <libkmod.h>
#include <stdio.h>
#include <string.h>

#include <linux/ktstr.h>

#include "kmod_load.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#endif

/* The names the module knows; it verifies each address it is given. */
static const char *const wanted[] = {
#define KTSTR_KSYM(name, ...)	name,
#include <linux/ktstr_tables.h>
};

int ktstr_ksyms_option(const char *kallsyms, char *buf, size_t len)
{
	size_t off = snprintf(buf, len, KTSTR_KSYMS_PARAM "=");
	const char *sep = "";
	bool seen[ARRAY_SIZE(wanted)] = { false };
	char line[512];
	FILE *f = fopen(kallsyms, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, name[256];

		/* Module symbols carry a fourth "[module]" column: skip them. */
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 ||
		    strchr(line, '['))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(wanted); i++) {
			if (seen[i] || strcmp(name, wanted[i]))
				continue;
			seen[i] = true;
			if (off < len)
				off += snprintf(buf + off, len - off, "%s%s=0x%llx",
						sep, name, addr);
			sep = ",";
		}
	}
	fclose(f);
	return off < len ? 0 : -1;
}

int ktstr_kmod_load(const char *ko, char *err, size_t errlen)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	char opts[2048];
	int r;

	if (ktstr_ksyms_option("/proc/kallsyms", opts, sizeof(opts))) {
		snprintf(err, errlen, "cannot read /proc/kallsyms: %s",
			 strerror(errno));
		return -1;
	}
	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		snprintf(err, errlen, "libkmod: cannot create a context");
		return -1;
	}
	r = kmod_module_new_from_path(ctx, ko, &mod);
	if (r == 0)
		r = kmod_module_insert_module(mod, 0, opts);
	if (r < 0 && r != -EEXIST)
		snprintf(err, errlen, "cannot load %s: %s", ko, strerror(-r));
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	return r < 0 && r != -EEXIST ? -1 : 0;
}

int ktstr_kmod_unload(char *err, size_t errlen)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	int r;

	if (!ctx) {
		snprintf(err, errlen, "libkmod: cannot create a context");
		return -1;
	}
	r = kmod_module_new_from_name(ctx, "ktstr", &mod);
	if (r == 0)
		r = kmod_module_remove_module(mod, 0);
	if (r < 0)
		snprintf(err, errlen, "cannot remove ktstr: %s", strerror(-r));
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	return r < 0 ? -1 : 0;
}
