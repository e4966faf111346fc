// SPDX-License-Identifier: GPL-2.0
/*
 * host/boot/cpio.c: archives are checked three ways, by a strict newc parser
 * of our own, by GNU cpio's listing, and by extracting them with GNU cpio
 * and comparing what lands on disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* TEST_F()'s wrapper keeps a local across setjmp(): the harness's business. */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#include "boot/cpio.h"
#include "util.h"

#define SRC_LEN		200003	/* several copy buffers, not a multiple of 4 */
#define MAX_ENTRIES	64

/* @call must fail with errno @err. */
#define EXPECT_ERRNO(err, call) do {			\
		errno = 0;				\
		EXPECT_EQ(-1, (call));			\
		EXPECT_EQ(err, errno);			\
	} while (0)

static const char pad_data[] = "abcdefg";

/* What the archive built by build_main() holds, in order. */
struct entry {
	const char *name;
	const char *perms;	/* as "cpio -t -v" prints them */
};

static const struct entry main_entries[] = {
	{ "etc", "drwxr-xr-x" },
	{ "etc/empty", "-rw-r--r--" },
	{ "etc/pad1", "-rw-r--r--" },
	{ "etc/pad2", "-rw-r--r--" },
	{ "etc/pad3", "-rw-r--r--" },
	{ "etc/pad4", "-rw-r--r--" },
	{ "etc/pad5", "-rw-r--r--" },
	{ "etc/pad6", "-rw-r--r--" },
	{ "etc/pad7", "-rw-r--r--" },
	{ "usr", "drwxr-xr-x" },
	{ "usr/share", "drwxr-xr-x" },
	{ "usr/share/doc", "drwxr-xr-x" },
	{ "usr/share/doc/readme", "-rw-------" },
	{ "bin", "drwxr-x---" },
	{ "bin/host-file", "-rw-r-----" },
	{ "bin/via-link", "-rwxr-xr-x" },
	{ "bin/sh", "lrwxrwxrwx" },
	{ "dev", "drwxr-xr-x" },
	{ "dev/console", "crw-------" },
};

static const char readme[] = "hello, initramfs\n";

/*
 * Build the reference archive, reading the host file @src and its
 * symlink @link. Returns 0, or the (1-based) number of the failing step.
 */
static int build_main(struct cpio_writer *w, const char *src, const char *link)
{
	char name[32];
	int step = 1;

	if (cpio_add_dir(w, "etc", 0755))
		return step;
	step++;
	/* Same directory again, even with other bits: a no-op. */
	if (cpio_add_dir(w, "etc", 0700))
		return step;
	step++;
	if (cpio_add_data(w, "etc/empty", 0644, "", 0))
		return step;
	for (int i = 1; i <= 7; i++) {
		step++;
		snprintf(name, sizeof(name), "etc/pad%d", i);
		if (cpio_add_data(w, name, 0644, pad_data, (size_t)i))
			return step;
	}
	step++;
	/* Creates usr, usr/share and usr/share/doc on the way. */
	if (cpio_add_data(w, "usr/share/doc/readme", 0600, readme,
			  strlen(readme)))
		return step;
	step++;
	if (cpio_add_dir(w, "usr/share", 0700))
		return step;
	step++;
	if (cpio_add_dir(w, "bin", 0750))
		return step;
	step++;
	if (cpio_add_file(w, "bin/host-file", 0, src))
		return step;
	step++;
	if (cpio_add_file(w, "bin/via-link", 0755, link))
		return step;
	step++;
	if (cpio_add_symlink(w, "bin/sh", "busybox"))
		return step;
	step++;
	if (cpio_add_chardev(w, "dev/console", 0600, 5, 1))
		return step;
	return 0;
}

FIXTURE(cpio) {
	char dir[64];
	char archive[PATH_MAX];
	char src[PATH_MAX];
	char link[PATH_MAX];
	char *src_data;
};

FIXTURE_SETUP(cpio)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/ktstr-test-cpio-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->archive, sizeof(self->archive), "%s/a.cpio", self->dir);
	snprintf(self->src, sizeof(self->src), "%s/src.bin", self->dir);
	snprintf(self->link, sizeof(self->link), "%s/src-link", self->dir);

	self->src_data = malloc(SRC_LEN);
	ASSERT_NE(NULL, self->src_data);
	for (size_t i = 0; i < SRC_LEN; i++)
		self->src_data[i] = (char)(i * 7 + (i >> 9));
	ASSERT_EQ(0, write_file(self->src, self->src_data, SRC_LEN, 0600));
	ASSERT_EQ(0, chmod(self->src, 0640));
	ASSERT_EQ(0, symlink("src.bin", self->link));
}

FIXTURE_TEARDOWN(cpio)
{
	free(self->src_data);
	remove_tree(self->dir);
}

/* ---- a strict newc parser ---------------------------------------------- */

/* Header fields after the magic, in order. */
enum {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_SIZE, F_MAJ, F_MIN,
	F_RMAJ, F_RMIN, F_NAMESIZE, F_CHECK, F_COUNT
};

struct parsed {
	unsigned long f[F_COUNT];
	char name[PATH_MAX];
	size_t data_off;
};

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static bool zeros(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Parse the entry at @off of @buf. Returns the next entry's offset, or 0. */
static size_t parse_entry(const char *buf, size_t len, size_t off,
			  struct parsed *e)
{
	size_t name_end, data_end;

	if (off + 110 > len || memcmp(buf + off, "070701", 6))
		return 0;
	for (int i = 0; i < F_COUNT; i++) {
		char field[9];

		memcpy(field, buf + off + 6 + 8 * i, 8);
		field[8] = '\0';
		if (strspn(field, "0123456789abcdefABCDEF") != 8)
			return 0;
		e->f[i] = strtoul(field, NULL, 16);
	}
	name_end = off + 110 + e->f[F_NAMESIZE];
	if (!e->f[F_NAMESIZE] || e->f[F_NAMESIZE] > PATH_MAX ||
	    name_end > len || buf[name_end - 1] ||
	    strlen(buf + off + 110) != e->f[F_NAMESIZE] - 1)
		return 0;
	memcpy(e->name, buf + off + 110, e->f[F_NAMESIZE]);
	e->data_off = align4(name_end);
	data_end = e->data_off + e->f[F_SIZE];
	if (data_end > len || !zeros(buf + name_end, e->data_off - name_end) ||
	    align4(data_end) > len ||
	    !zeros(buf + data_end, align4(data_end) - data_end))
		return 0;
	return align4(data_end);
}

TEST_F(cpio, newc_format)
{
	struct cpio_writer *w = cpio_create(self->archive);
	unsigned long inos[MAX_ENTRIES];
	size_t len, off = 0, n = 0;
	struct parsed e;
	char *buf;

	ASSERT_NE(NULL, w);
	ASSERT_EQ(0, build_main(w, self->src, self->link));
	ASSERT_EQ(0, cpio_finish(w));
	buf = read_file(self->archive, 1 << 24, &len);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0UL, len % 4);

	for (;;) {
		size_t next = parse_entry(buf, len, off, &e);
		unsigned long type = e.f[F_MODE] & S_IFMT;

		ASSERT_NE(0UL, next) TH_LOG("bad entry at offset %zu", off);
		ASSERT_EQ(0UL, off % 4);
		off = next;
		if (!strcmp(e.name, "TRAILER!!!"))
			break;
		ASSERT_LT(n, ARRAY_SIZE(main_entries));
		EXPECT_STREQ(main_entries[n].name, e.name);
		/* Reproducible and owned by root. */
		EXPECT_EQ(0UL, e.f[F_MTIME]);
		EXPECT_EQ(0UL, e.f[F_UID]);
		EXPECT_EQ(0UL, e.f[F_GID]);
		EXPECT_EQ(0UL, e.f[F_MAJ]);
		EXPECT_EQ(0UL, e.f[F_MIN]);
		EXPECT_EQ(0UL, e.f[F_CHECK]);
		EXPECT_EQ(type == S_IFDIR ? 2UL : 1UL, e.f[F_NLINK]) TH_LOG("%s", e.name);
		/*
		 * Unique inode numbers: the kernel treats regular files with
		 * the same (ino, nlink > 1) as hard links. Braces: EXPECT_*
		 * is more than one statement.
		 */
		EXPECT_NE(0UL, e.f[F_INO]);
		for (size_t i = 0; i < n; i++) {
			EXPECT_NE(inos[i], e.f[F_INO]);
		}
		inos[n++] = e.f[F_INO];

		if (type == S_IFCHR) {
			EXPECT_EQ(5UL, e.f[F_RMAJ]);
			EXPECT_EQ(1UL, e.f[F_RMIN]);
		} else {
			EXPECT_EQ(0UL, e.f[F_RMAJ]);
			EXPECT_EQ(0UL, e.f[F_RMIN]);
		}
		if (type == S_IFLNK) {
			/* The target, without a NUL. */
			EXPECT_EQ(7UL, e.f[F_SIZE]);
			EXPECT_EQ(0, memcmp(buf + e.data_off, "busybox", 7));
		}
		if (type == S_IFDIR || type == S_IFCHR)
			EXPECT_EQ(0UL, e.f[F_SIZE]);
		if (!strcmp(e.name, "bin/host-file")) {
			EXPECT_EQ((unsigned long)SRC_LEN, e.f[F_SIZE]);
			EXPECT_EQ((unsigned long)(S_IFREG | 0640), e.f[F_MODE]);
		}
	}
	EXPECT_EQ(ARRAY_SIZE(main_entries), n);
	/* The trailer ends the archive. */
	EXPECT_EQ(len, off);
	EXPECT_EQ(0UL, e.f[F_SIZE]);
	free(buf);
}

TEST_F(cpio, reproducible)
{
	char second[PATH_MAX];
	char *a, *b;
	size_t alen, blen;

	snprintf(second, sizeof(second), "%s/b.cpio", self->dir);
	for (int i = 0; i < 2; i++) {
		struct cpio_writer *w = cpio_create(i ? second : self->archive);

		ASSERT_NE(NULL, w);
		ASSERT_EQ(0, build_main(w, self->src, self->link));
		ASSERT_EQ(0, cpio_finish(w));
	}
	a = read_file(self->archive, 1 << 24, &alen);
	b = read_file(second, 1 << 24, &blen);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(alen, blen);
	EXPECT_EQ(0, memcmp(a, b, alen));
	free(a);
	free(b);
}

TEST_F(cpio, has_names)
{
	struct cpio_writer *w = cpio_create(self->archive);

	ASSERT_NE(NULL, w);
	EXPECT_FALSE(cpio_has(w, "etc"));
	ASSERT_EQ(0, build_main(w, self->src, self->link));
	for (size_t i = 0; i < ARRAY_SIZE(main_entries); i++) {
		EXPECT_TRUE(cpio_has(w, main_entries[i].name))
			TH_LOG("%s", main_entries[i].name);
	}
	EXPECT_FALSE(cpio_has(w, "nope"));
	EXPECT_FALSE(cpio_has(w, "etc/"));
	EXPECT_FALSE(cpio_has(w, "/etc"));
	EXPECT_FALSE(cpio_has(w, "bin/busybox"));
	EXPECT_FALSE(cpio_has(w, "TRAILER!!!"));
	EXPECT_FALSE(cpio_has(NULL, "etc"));
	EXPECT_EQ(0, cpio_finish(w));
}

/* ---- GNU cpio as the reference reader ---------------------------------- */

struct listed {
	char perms[16];
	unsigned int nlink;
	char name[PATH_MAX];
};

/*
 * "cpio -t -v" lines look like
 * "crw-------   1 root     root       5,   1 Jan  1  1970 dev/console";
 * with TZ=UTC and mtime 0 the name follows " 1970 ".
 */
static int parse_listing(char *line, struct listed *l)
{
	char owner[32], group[32];
	char *name = strstr(line, " 1970 ");

	rstrip(line);
	if (!name || sscanf(line, "%15s %u %31s %31s", l->perms, &l->nlink,
			    owner, group) != 4)
		return -1;
	if (strcmp(owner, "root") || strcmp(group, "root"))
		return -1;
	snprintf(l->name, sizeof(l->name), "%s", name + 6);
	return 0;
}

/* List @archive with GNU cpio. Returns the entry count, or -1. */
static int list_archive(const char *archive, struct listed *out, int max)
{
	char cmd[PATH_MAX + 64], *line = NULL;
	size_t cap = 0;
	int n = 0, bad = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "TZ=UTC cpio -t -v --quiet < '%s'", archive);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (getline(&line, &cap, p) >= 0) {
		if (n >= max || parse_listing(line, &out[n]))
			bad = 1;
		else
			n++;
	}
	free(line);
	if (pclose(p) != 0 || bad)
		return -1;
	return n;
}

TEST_F(cpio, gnu_cpio_lists_every_entry)
{
	struct cpio_writer *w = cpio_create(self->archive);
	struct listed got[MAX_ENTRIES];
	int n;

	ASSERT_NE(NULL, w);
	ASSERT_EQ(0, build_main(w, self->src, self->link));
	ASSERT_EQ(0, cpio_finish(w));

	n = list_archive(self->archive, got, MAX_ENTRIES);
	ASSERT_EQ((int)ARRAY_SIZE(main_entries), n);
	for (int i = 0; i < n; i++) {
		const struct entry *want = &main_entries[i];
		char name[PATH_MAX];

		/* Symlinks are listed as "name -> target". */
		if (want->perms[0] == 'l')
			snprintf(name, sizeof(name), "%s -> busybox", want->name);
		else
			snprintf(name, sizeof(name), "%s", want->name);
		EXPECT_STREQ(name, got[i].name);
		EXPECT_STREQ(want->perms, got[i].perms) TH_LOG("%s", name);
		EXPECT_EQ(want->perms[0] == 'd' ? 2u : 1u, got[i].nlink);
	}
}

static bool file_is(const char *path, const void *data, size_t len)
{
	size_t got_len;
	char *got = read_file(path, len + 1, &got_len);
	bool same = got && got_len == len && !memcmp(got, data, len);

	free(got);
	return same;
}

static mode_t perm_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? (mode_t)-1 : st.st_mode & 07777;
}

TEST_F(cpio, gnu_cpio_extracts_same_contents)
{
	struct cpio_writer *w = cpio_create(self->archive);
	char out[PATH_MAX], cmd[3 * PATH_MAX], path[2 * PATH_MAX];
	char target[16] = "";
	struct stat st;
	int status;

	ASSERT_NE(NULL, w);
	ASSERT_EQ(0, build_main(w, self->src, self->link));
	ASSERT_EQ(0, cpio_finish(w));

	/* So the modes on disk are the archive's, not masked. */
	umask(0);
	snprintf(out, sizeof(out), "%s/out", self->dir);
	ASSERT_EQ(0, mkdir(out, 0755));
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && cpio -i -d --no-absolute-filenames --quiet < '%s'",
		 out, self->archive);
	status = system(cmd);
	/* Without root, cpio extracts all but dev/console and says so. */
	if (geteuid() == 0) {
		ASSERT_EQ(0, status);
	}

#define AT(rel) (snprintf(path, sizeof(path), "%s/%s", out, rel), path)
	EXPECT_TRUE(file_is(AT("etc/empty"), "", 0));
	for (int i = 1; i <= 7; i++) {
		char name[16];

		snprintf(name, sizeof(name), "etc/pad%d", i);
		EXPECT_TRUE(file_is(AT(name), pad_data, (size_t)i)) TH_LOG("%s", name);
	}
	EXPECT_TRUE(file_is(AT("usr/share/doc/readme"), readme, strlen(readme)));
	EXPECT_EQ(0600U, perm_of(AT("usr/share/doc/readme")));
	EXPECT_TRUE(file_is(AT("bin/host-file"), self->src_data, SRC_LEN));
	EXPECT_EQ(0640U, perm_of(AT("bin/host-file")));
	/* The symlink on the host was followed. */
	ASSERT_EQ(0, lstat(AT("bin/via-link"), &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0755U, st.st_mode & 07777);
	EXPECT_TRUE(file_is(AT("bin/via-link"), self->src_data, SRC_LEN));

	EXPECT_EQ(7U, readlink(AT("bin/sh"), target, sizeof(target) - 1));
	EXPECT_STREQ("busybox", target);

	EXPECT_EQ(0750U, perm_of(AT("bin")));
	EXPECT_EQ(0755U, perm_of(AT("usr/share")));
	EXPECT_EQ(0755U, perm_of(AT("etc")));

	if (geteuid() != 0)
		SKIP(return, "creating dev/console needs root");
	ASSERT_EQ(0, lstat(AT("dev/console"), &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(5U, major(st.st_rdev));
	EXPECT_EQ(1U, minor(st.st_rdev));
	EXPECT_EQ(0600U, st.st_mode & 07777);
#undef AT
}

/* Enough names to make the name set grow several times. */
TEST_F(cpio, many_entries)
{
	struct cpio_writer *w = cpio_create(self->archive);
	char name[64], cmd[PATH_MAX + 64];
	int lines = 0, c;
	FILE *p;

	ASSERT_NE(NULL, w);
	for (int i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "d%d/f%d", i % 37, i);
		ASSERT_EQ(0, cpio_add_data(w, name, 0644, name, strlen(name)));
	}
	for (int i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "d%d/f%d", i % 37, i);
		EXPECT_TRUE(cpio_has(w, name));
		snprintf(name, sizeof(name), "d%d/f%d", (i + 1) % 37, i);
		EXPECT_FALSE(cpio_has(w, name));
	}
	ASSERT_EQ(0, cpio_finish(w));

	snprintf(cmd, sizeof(cmd), "cpio -t --quiet < '%s'", self->archive);
	p = popen(cmd, "r");
	ASSERT_NE(NULL, p);
	while ((c = fgetc(p)) != EOF)
		lines += c == '\n';
	EXPECT_EQ(0, pclose(p));
	EXPECT_EQ(2000 + 37, lines);
}

/* ---- errors ------------------------------------------------------------ */

TEST_F(cpio, duplicate_names_fail)
{
	struct cpio_writer *w = cpio_create(self->archive);

	ASSERT_NE(NULL, w);
	ASSERT_EQ(0, cpio_add_data(w, "etc/motd", 0644, "hi\n", 3));

	EXPECT_ERRNO(EEXIST, cpio_add_data(w, "etc/motd", 0644, "x", 1));
	EXPECT_ERRNO(EEXIST, cpio_add_file(w, "etc/motd", 0, self->src));
	EXPECT_ERRNO(EEXIST, cpio_add_symlink(w, "etc/motd", "x"));
	EXPECT_ERRNO(EEXIST, cpio_add_chardev(w, "etc/motd", 0600, 1, 3));
	EXPECT_ERRNO(EEXIST, cpio_add_dir(w, "etc/motd", 0755));
	/* A directory is not replaced by a file either. */
	EXPECT_ERRNO(EEXIST, cpio_add_data(w, "etc", 0644, "x", 1));
	/* Nor can a file be a parent. */
	EXPECT_ERRNO(ENOTDIR, cpio_add_data(w, "etc/motd/x", 0644, "x", 1));
	EXPECT_FALSE(cpio_has(w, "etc/motd/x"));
	/* The directory is still fine to "add" again. */
	EXPECT_EQ(0, cpio_add_dir(w, "etc", 0755));

	/* The first error sticks. */
	errno = 0;
	EXPECT_EQ(-1, cpio_finish(w));
	EXPECT_EQ(EEXIST, errno);
}

TEST_F(cpio, bad_names_rejected)
{
	static const char *const bad[] = {
		"", "/etc", "/", "..", "../x", "a/../b", "a/..", ".", "./a",
		"a/./b", "a/.", "a//b", "a/", "//",
	};
	static const char *const odd_but_fine[] = {
		"a..b", "..a", "o/.b", "...", "o/b..",
	};
	struct cpio_writer *w = cpio_create(self->archive);
	char *huge = malloc(PATH_MAX + 1);

	ASSERT_NE(NULL, w);
	ASSERT_NE(NULL, huge);
	for (size_t i = 0; i < ARRAY_SIZE(odd_but_fine); i++) {
		EXPECT_EQ(0, cpio_add_data(w, odd_but_fine[i], 0644, "x", 1))
			TH_LOG("'%s'", odd_but_fine[i]);
		EXPECT_TRUE(cpio_has(w, odd_but_fine[i]));
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		const char *n = bad[i];

		EXPECT_ERRNO(EINVAL, cpio_add_dir(w, n, 0755));
		EXPECT_ERRNO(EINVAL, cpio_add_data(w, n, 0644, "x", 1));
		EXPECT_ERRNO(EINVAL, cpio_add_file(w, n, 0, self->src));
		EXPECT_ERRNO(EINVAL, cpio_add_symlink(w, n, "x"));
		EXPECT_ERRNO(EINVAL, cpio_add_chardev(w, n, 0600, 1, 3));
		EXPECT_FALSE(cpio_has(w, n)) TH_LOG("'%s'", n);
	}
	EXPECT_ERRNO(EINVAL, cpio_add_data(w, NULL, 0644, "x", 1));
	memset(huge, 'a', PATH_MAX);
	huge[PATH_MAX] = '\0';
	EXPECT_ERRNO(ENAMETOOLONG, cpio_add_data(w, huge, 0644, "x", 1));
	/* Nothing was written for them, not even a parent. */
	EXPECT_FALSE(cpio_has(w, "a"));
	free(huge);

	errno = 0;
	EXPECT_EQ(-1, cpio_finish(w));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(cpio, bad_arguments_rejected)
{
	struct cpio_writer *w;
	char missing[PATH_MAX];

	errno = 0;
	EXPECT_EQ(NULL, cpio_create("/nonexistent-ktstr-dir/a.cpio"));
	EXPECT_EQ(ENOENT, errno);

	w = cpio_create(self->archive);
	ASSERT_NE(NULL, w);
	snprintf(missing, sizeof(missing), "%s/missing", self->dir);
	EXPECT_ERRNO(ENOENT, cpio_add_file(w, "x/y", 0, missing));
	/* A failed copy leaves no parent behind. */
	EXPECT_FALSE(cpio_has(w, "x"));
	EXPECT_ERRNO(EISDIR, cpio_add_file(w, "x/y", 0, self->dir));
	EXPECT_ERRNO(EINVAL, cpio_add_file(w, "x/y", 0, "/dev/null"));
	EXPECT_ERRNO(EINVAL, cpio_add_symlink(w, "x/y", ""));
	EXPECT_ERRNO(EINVAL, cpio_add_symlink(w, "x/y", NULL));
	EXPECT_ERRNO(EINVAL, cpio_add_chardev(w, "x/y", 0600, 4096, 0));
	EXPECT_ERRNO(EINVAL, cpio_add_chardev(w, "x/y", 0600, 0, 1 << 20));
	EXPECT_ERRNO(EINVAL, cpio_add_data(w, "x/y", 0644, NULL, 1));
	EXPECT_FALSE(cpio_has(w, "x"));
	/* Valid calls still work, but the archive is marked failed. */
	EXPECT_EQ(0, cpio_add_data(w, "x/y", 0644, NULL, 0));

	errno = 0;
	EXPECT_EQ(-1, cpio_finish(w));
	EXPECT_EQ(ENOENT, errno);
	errno = 0;
	EXPECT_EQ(-1, cpio_finish(NULL));
	EXPECT_EQ(EINVAL, errno);
	cpio_abort(NULL);
}

TEST_F(cpio, abort_writes_no_trailer)
{
	struct cpio_writer *w = cpio_create(self->archive);
	size_t len;
	char *buf;

	ASSERT_NE(NULL, w);
	ASSERT_EQ(0, cpio_add_data(w, "a", 0644, "x", 1));
	cpio_abort(w);
	buf = read_file(self->archive, 1 << 20, &len);
	ASSERT_NE(NULL, buf);
	EXPECT_GT(len, (size_t)0);
	EXPECT_EQ(NULL, memmem(buf, len, "TRAILER!!!", 10));
	free(buf);
}

TEST_HARNESS_MAIN
