// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <limits.h>
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

/*
 * Copy the host directory @src to guest path @dst (no leading '/'):
 * directories, symlinks as they are, files with the libraries the ELF
 * ones need. @depth bounds the recursion.
 */
static int add_tree(struct cpio_writer *w, const char *dst, const char *src,
		    int depth, char *err, size_t errlen)
{
	struct dirent *e;
	DIR *d;
	int r = 0;

	if (depth > 16) {
		snprintf(err, errlen, "%s: directories nested over 16 deep", src);
		return -1;
	}
	d = opendir(src);
	if (!d) {
		snprintf(err, errlen, "cannot read directory %s: %s", src,
			 strerror(errno));
		return -1;
	}
	if (cpio_add_dir(w, dst, 0755)) {
		snprintf(err, errlen, "cannot add %s: %s", dst, strerror(errno));
		closedir(d);
		return -1;
	}
	while (!r && (e = readdir(d))) {
		char hp[PATH_MAX], gp[PATH_MAX + 1], link[PATH_MAX];
		struct stat st;
		ssize_t n;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(hp, sizeof(hp), "%s/%s", src, e->d_name) >= (int)sizeof(hp) ||
		    snprintf(gp, sizeof(gp), "/%s/%s", dst, e->d_name) >= (int)sizeof(gp)) {
			snprintf(err, errlen, "%s/%s: path too long", src, e->d_name);
			r = -1;
		} else if (lstat(hp, &st)) {
			snprintf(err, errlen, "cannot stat %s: %s", hp, strerror(errno));
			r = -1;
		} else if (S_ISDIR(st.st_mode)) {
			r = add_tree(w, gp + 1, hp, depth + 1, err, errlen);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlink(hp, link, sizeof(link) - 1);
			if (n < 0 || (link[n] = '\0', cpio_add_symlink(w, gp + 1, link))) {
				snprintf(err, errlen, "cannot add link %s: %s", hp,
					 strerror(errno));
				r = -1;
			}
		} else if (S_ISREG(st.st_mode)) {
			r = add_program(w, gp, hp, err, errlen);
		}
	}
	closedir(d);
	return r;
}

/*
 * What kselftest's runner uses when a root has it: stdbuf, so a test's
 * output is line-buffered (a fully buffered program that forks prints
 * its buffer once per child otherwise). Added when the host has it.
 */
static const char *const tree_tools[] = {
	"/usr/bin/stdbuf",
	"/usr/libexec/coreutils/libstdbuf.so",
};

static int add_tree_tools(struct cpio_writer *w, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(tree_tools) / sizeof(tree_tools[0]); i++)
		if (!access(tree_tools[i], R_OK) && !cpio_has(w, tree_tools[i] + 1) &&
		    add_program(w, tree_tools[i], tree_tools[i], err, errlen))
			return -1;
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
	if (s->tree && (add_tree(w, GUEST_TREE_DIR + 1, s->tree, 0, err, errlen) ||
			add_tree_tools(w, err, errlen)))
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
