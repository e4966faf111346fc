// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "boot/cpio.h"
#include "boot/elf_deps.h"
#include "boot/initramfs.h"

void initramfs_guest_path(const char *dir, const char *host_path, char *buf,
			  size_t len)
{
	const char *base = strrchr(host_path, '/');

	snprintf(buf, len, "%s/%s", dir, base ? base + 1 : host_path);
}

/* An ELF program or shared library (not a module or an object file). */
static bool is_elf_program(const char *path)
{
	unsigned char h[18] = { 0 };
	FILE *f = fopen(path, "rb");
	unsigned int type;

	if (!f)
		return false;
	if (fread(h, 1, sizeof(h), f) != sizeof(h))
		h[0] = 0;
	fclose(f);
	type = h[5] == 2 ? (unsigned int)h[16] << 8 | h[17] :
			   (unsigned int)h[17] << 8 | h[16];
	return !memcmp(h, "\x7f" "ELF", 4) && (type == 2 || type == 3);
}

/* Add a host file and, if it is a dynamic ELF, the libraries it needs. */
static int add_program(struct cpio_writer *w, const char *guest_path,
		       const char *src, char *err, size_t errlen)
{
	struct strlist deps = STRLIST_INIT;
	int r = 0;

	if (access(src, R_OK)) {
		snprintf(err, errlen, "cannot read %s: %s", src,
			 strerror(errno));
		return -1;
	}
	if (cpio_add_file(w, guest_path + 1, 0, src)) {
		snprintf(err, errlen, "cannot add %s to the initramfs: %s", src,
			 strerror(errno));
		return -1;
	}
	/* A script, a data file or a kernel module needs nothing more. */
	if (!is_elf_program(src))
		return 0;
	if (elf_deps_collect(src, &deps, err, errlen)) {
		strlist_free(&deps);
		return -1;
	}
	for (size_t i = 0; i < deps.n && !r; i++) {
		if (cpio_has(w, deps.v[i] + 1))
			continue;
		r = cpio_add_file(w, deps.v[i] + 1, 0, deps.v[i]);
		if (r)
			snprintf(err, errlen, "cannot add %s: %s", deps.v[i],
				 strerror(errno));
	}
	strlist_free(&deps);
	return r;
}

static int add_busybox(struct cpio_writer *w, const char *busybox,
		       char *err, size_t errlen)
{
	char cmd[600], line[256];
	FILE *f;
	int r;

	if (add_program(w, "/bin/busybox", busybox, err, errlen))
		return -1;
	/* One symlink per applet, so sh, cat, ls... are on PATH. */
	snprintf(cmd, sizeof(cmd), "'%s' --list", busybox);
	f = popen(cmd, "r");
	if (!f) {
		snprintf(err, errlen, "cannot run %s --list", busybox);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char name[300];

		rstrip(line);
		if (!line[0] || strchr(line, '/'))
			continue;
		snprintf(name, sizeof(name), "bin/%s", line);
		if (!cpio_has(w, name))
			cpio_add_symlink(w, name, "busybox");
	}
	r = pclose(f);
	if (r) {
		snprintf(err, errlen, "%s --list failed", busybox);
		return -1;
	}
	return 0;
}

static int add_list(struct cpio_writer *w, const char *dir,
		    const struct strlist *l, char *err, size_t errlen)
{
	char guest[4200];

	for (size_t i = 0; l && i < l->n; i++) {
		initramfs_guest_path(dir, l->v[i], guest, sizeof(guest));
		if (cpio_has(w, guest + 1)) {
			snprintf(err, errlen,
				 "two files named %s: give them distinct names",
				 guest);
			return -1;
		}
		if (add_program(w, guest, l->v[i], err, errlen))
			return -1;
	}
	return 0;
}

int initramfs_build(const struct initramfs_spec *s, const char *out,
		    char *err, size_t errlen)
{
	struct cpio_writer *w = cpio_create(out);
	char guest[4200];

	if (!w) {
		snprintf(err, errlen, "cannot create %s: %s", out,
			 strerror(errno));
		return -1;
	}
	if (cpio_add_chardev(w, "dev/console", 0600, 5, 1) ||
	    cpio_add_dir(w, "root", 0700) || cpio_add_dir(w, "tmp", 01777)) {
		snprintf(err, errlen, "cannot write %s: %s", out,
			 strerror(errno));
		goto fail;
	}
	if (add_program(w, "/init", s->init, err, errlen))
		goto fail;
	if (s->busybox && add_busybox(w, s->busybox, err, errlen))
		goto fail;
	if (s->scheduler) {
		initramfs_guest_path(GUEST_SCHED_DIR, s->scheduler, guest,
				     sizeof(guest));
		if (add_program(w, guest, s->scheduler, err, errlen))
			goto fail;
	}
	if (s->kmod && cpio_add_file(w, GUEST_KMOD_PATH + 1, 0644, s->kmod)) {
		snprintf(err, errlen, "cannot add %s: %s", s->kmod,
			 strerror(errno));
		goto fail;
	}
	if (s->ctl && add_program(w, GUEST_CTL_PATH, s->ctl, err, errlen))
		goto fail;
	if (add_list(w, GUEST_PROG_DIR, s->programs, err, errlen) ||
	    add_list(w, GUEST_INCLUDE_DIR, s->includes, err, errlen))
		goto fail;
	if (cpio_finish(w)) {
		snprintf(err, errlen, "cannot write %s: %s", out,
			 strerror(errno));
		return -1;
	}
	return 0;
fail:
	cpio_abort(w);
	return -1;
}
