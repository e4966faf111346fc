// SPDX-License-Identifier: GPL-2.0
/*
 * cpio "newc" writer for initramfs images, as described in the kernel's
 * Documentation/driver-api/early-userspace/buffer-format.rst.
 *
 * Every header field that could vary between runs (mtime, uid, gid,
 * device of the archive) is zero, and inode numbers are handed out in
 * order, so the same sequence of calls always yields the same bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/cpio.h"
#include "util.h"

#define CPIO_MAGIC	"070701"
#define CPIO_HDR_LEN	110
#define CPIO_TRAILER	"TRAILER!!!"
#define CPIO_MAX_SIZE	0xffffffffull	/* filesize is 8 hex digits */
#define COPY_BUF_LEN	(64 * 1024)
#define NAMES_MIN	256		/* initial hash slots, a power of two */

/* The kernel's dev_t (MKDEV) has 12 bits of major and 20 of minor. */
#define DEV_MAJOR_MAX	0xfffu
#define DEV_MINOR_MAX	0xfffffu

struct name_slot {
	char *name;		/* NULL marks an empty slot */
	mode_t mode;
};

struct cpio_writer {
	FILE *f;
	char *buf;		/* copy buffer for cpio_add_file() */
	uint64_t off;		/* bytes written, for the 4-byte alignment */
	unsigned int next_ino;
	int err;		/* first errno seen; makes cpio_finish() fail */
	struct name_slot *slots; /* open-addressing set of written names */
	size_t nslots;
	size_t nnames;
};

/* Record @e as the writer's first error (if none yet) and fail with it. */
static int fail(struct cpio_writer *w, int e)
{
	if (!w->err)
		w->err = e;
	errno = e;
	return -1;
}

/* ---- the set of written names ------------------------------------------ */

/* FNV-1a: short, good enough for path names. */
static size_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return (size_t)h;
}

/* Slot holding @name, or the empty slot where it would go. */
static size_t slot_of(const struct name_slot *slots, size_t nslots,
		      const char *name)
{
	size_t mask = nslots - 1;
	size_t i = hash_name(name) & mask;

	while (slots[i].name && strcmp(slots[i].name, name))
		i = (i + 1) & mask;
	return i;
}

static const struct name_slot *names_get(const struct cpio_writer *w,
					 const char *name)
{
	size_t i;

	if (!w->nslots)
		return NULL;
	i = slot_of(w->slots, w->nslots, name);
	return w->slots[i].name ? &w->slots[i] : NULL;
}

static int names_grow(struct cpio_writer *w)
{
	size_t n = w->nslots ? w->nslots * 2 : NAMES_MIN;
	struct name_slot *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < w->nslots; i++) {
		if (w->slots[i].name)
			slots[slot_of(slots, n, w->slots[i].name)] = w->slots[i];
	}
	free(w->slots);
	w->slots = slots;
	w->nslots = n;
	return 0;
}

/* Add @name, known to be absent. Keeps the load factor at most 1/2. */
static int names_add(struct cpio_writer *w, const char *name, mode_t mode)
{
	size_t i;
	char *copy;

	if ((w->nnames + 1) * 2 > w->nslots && names_grow(w))
		return -1;
	copy = strdup(name);
	if (!copy)
		return -1;
	i = slot_of(w->slots, w->nslots, name);
	w->slots[i].name = copy;
	w->slots[i].mode = mode;
	w->nnames++;
	return 0;
}

/* ---- raw output -------------------------------------------------------- */

static int emit(struct cpio_writer *w, const void *p, size_t len)
{
	errno = 0;
	if (len && fwrite(p, 1, len, w->f) != len)
		return fail(w, errno ? errno : EIO);
	w->off += len;
	return 0;
}

/* newc pads both the name and the data to a multiple of 4 bytes. */
static int emit_pad(struct cpio_writer *w)
{
	static const char zeros[4];

	return emit(w, zeros, (4 - (w->off & 3)) & 3);
}

static int emit_header(struct cpio_writer *w, const char *name,
		       unsigned int ino, mode_t mode, uint64_t size,
		       unsigned int rmajor, unsigned int rminor)
{
	char hdr[CPIO_HDR_LEN + 1];
	size_t namesize = strlen(name) + 1;
	unsigned int nlink = S_ISDIR(mode) ? 2 : 1;

	/* ino mode uid gid nlink mtime size maj min rmaj rmin namesize chk */
	snprintf(hdr, sizeof(hdr), CPIO_MAGIC
		 "%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino, (unsigned int)mode, 0u, 0u, nlink, 0u,
		 (unsigned int)size, 0u, 0u, rmajor, rminor,
		 (unsigned int)namesize, 0u);
	if (emit(w, hdr, CPIO_HDR_LEN) || emit(w, name, namesize))
		return -1;
	return emit_pad(w);
}

/* ---- entries ----------------------------------------------------------- */

/*
 * Archive names are canonical relative paths: no leading '/', no empty,
 * "." or ".." components, so one file has exactly one spelling.
 */
static int check_name(struct cpio_writer *w, const char *name)
{
	const char *p = name;

	if (!name || !*name || *name == '/')
		return fail(w, EINVAL);
	if (strlen(name) >= PATH_MAX)
		return fail(w, ENAMETOOLONG);
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 0 || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return fail(w, EINVAL);
		p += len;
		/* A trailing '/' leaves an empty last component. */
		if (*p == '/' && !*++p)
			return fail(w, EINVAL);
	}
	return 0;
}

/* Register @name and write its header; the caller writes the data. */
static int begin_entry(struct cpio_writer *w, const char *name, mode_t mode,
		       uint64_t size, unsigned int rmajor, unsigned int rminor)
{
	if (size > CPIO_MAX_SIZE)
		return fail(w, EFBIG);
	if (names_add(w, name, mode))
		return fail(w, ENOMEM);
	return emit_header(w, name, w->next_ino++, mode, size, rmajor, rminor);
}

static int put_entry(struct cpio_writer *w, const char *name, mode_t mode,
		     const void *data, size_t len, unsigned int rmajor,
		     unsigned int rminor)
{
	if (begin_entry(w, name, mode, len, rmajor, rminor) ||
	    emit(w, data, len))
		return -1;
	return emit_pad(w);
}

/* Write directory entries for every missing ancestor of @name. */
static int make_parents(struct cpio_writer *w, const char *name)
{
	char path[PATH_MAX];
	size_t len = strlen(name);

	memcpy(path, name, len + 1);
	for (char *p = strchr(path, '/'); p; p = strchr(p + 1, '/')) {
		const struct name_slot *s;

		*p = '\0';
		s = names_get(w, path);
		if (s && !S_ISDIR(s->mode))
			return fail(w, ENOTDIR);
		if (!s && put_entry(w, path, S_IFDIR | 0755, NULL, 0, 0, 0))
			return -1;
		*p = '/';
	}
	return 0;
}

/* Checks shared by every entry type except directories. */
static int new_name(struct cpio_writer *w, const char *name)
{
	if (check_name(w, name))
		return -1;
	if (names_get(w, name))
		return fail(w, EEXIST);
	return 0;
}

int cpio_add_dir(struct cpio_writer *w, const char *name, mode_t perm)
{
	const struct name_slot *s;

	if (check_name(w, name))
		return -1;
	s = names_get(w, name);
	if (s)
		return S_ISDIR(s->mode) ? 0 : fail(w, EEXIST);
	if (make_parents(w, name))
		return -1;
	return put_entry(w, name, S_IFDIR | (perm & 07777), NULL, 0, 0, 0);
}

int cpio_add_data(struct cpio_writer *w, const char *name, mode_t perm,
		  const void *data, size_t len)
{
	if (new_name(w, name))
		return -1;
	if (!data && len)
		return fail(w, EINVAL);
	if (make_parents(w, name))
		return -1;
	return put_entry(w, name, S_IFREG | (perm & 07777), data, len, 0, 0);
}

/* Stream exactly @size bytes of @fd into the archive. */
static int copy_fd(struct cpio_writer *w, int fd, uint64_t size)
{
	while (size) {
		size_t want = size < COPY_BUF_LEN ? (size_t)size : COPY_BUF_LEN;
		ssize_t n = read(fd, w->buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail(w, errno);
		/* The header promised @size bytes; a file that shrank can't. */
		if (n == 0)
			return fail(w, EIO);
		if (emit(w, w->buf, (size_t)n))
			return -1;
		size -= (uint64_t)n;
	}
	return emit_pad(w);
}

int cpio_add_file(struct cpio_writer *w, const char *name, mode_t perm,
		  const char *src)
{
	struct stat st;
	int fd, r;

	if (new_name(w, name))
		return -1;
	/* Open first: a missing source must not leave parents behind. */
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(w, errno);
	if (fstat(fd, &st) < 0) {
		r = fail(w, errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = fail(w, S_ISDIR(st.st_mode) ? EISDIR : EINVAL);
		goto out;
	}
	if (!perm)
		perm = st.st_mode;
	r = make_parents(w, name);
	if (!r)
		r = begin_entry(w, name, S_IFREG | (perm & 07777),
				(uint64_t)st.st_size, 0, 0);
	if (!r)
		r = copy_fd(w, fd, (uint64_t)st.st_size);
out:
	close(fd);
	return r;
}

int cpio_add_symlink(struct cpio_writer *w, const char *name,
		     const char *target)
{
	size_t len;

	if (new_name(w, name))
		return -1;
	if (!target || !*target)
		return fail(w, EINVAL);
	len = strlen(target);
	if (len >= PATH_MAX)
		return fail(w, ENAMETOOLONG);
	if (make_parents(w, name))
		return -1;
	/* The target is the data, without a terminating NUL. */
	return put_entry(w, name, S_IFLNK | 0777, target, len, 0, 0);
}

int cpio_add_chardev(struct cpio_writer *w, const char *name, mode_t perm,
		     unsigned int major, unsigned int minor)
{
	if (new_name(w, name))
		return -1;
	if (major > DEV_MAJOR_MAX || minor > DEV_MINOR_MAX)
		return fail(w, EINVAL);
	if (make_parents(w, name))
		return -1;
	return put_entry(w, name, S_IFCHR | (perm & 07777), NULL, 0, major,
			 minor);
}

int cpio_has(const struct cpio_writer *w, const char *name)
{
	return w && name && names_get(w, name) != NULL;
}

/* ---- lifetime ---------------------------------------------------------- */

static void free_writer(struct cpio_writer *w)
{
	for (size_t i = 0; i < w->nslots; i++)
		free(w->slots[i].name);
	free(w->slots);
	free(w->buf);
	free(w);
}

struct cpio_writer *cpio_create(const char *path)
{
	struct cpio_writer *w = calloc(1, sizeof(*w));
	int e;

	if (!w)
		return NULL;
	w->next_ino = 1;	/* 0 is the trailer's */
	w->buf = malloc(COPY_BUF_LEN);
	if (!w->buf)
		goto fail;
	w->f = fopen(path, "we");
	if (!w->f)
		goto fail;
	return w;
fail:
	e = errno;
	free_writer(w);
	errno = e;
	return NULL;
}

int cpio_finish(struct cpio_writer *w)
{
	int err;

	if (!w) {
		errno = EINVAL;
		return -1;
	}
	if (!w->err && !emit_header(w, CPIO_TRAILER, 0, 0, 0, 0, 0) &&
	    fflush(w->f))
		fail(w, errno);
	if (fclose(w->f) && !w->err)
		w->err = errno ? errno : EIO;
	err = w->err;
	free_writer(w);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

void cpio_abort(struct cpio_writer *w)
{
	int e = errno;

	if (!w)
		return;
	fclose(w->f);
	free_writer(w);
	errno = e;
}
