// SPDX-License-Identifier: GPL-2.0
/*
 * host/boot/elf_deps.c: results are compared with what this host's ld.so
 * really loads (LD_TRACE_LOADED_OBJECTS=1, which maps the libraries but
 * never runs the program), and broken inputs must fail cleanly under
 * ASan rather than crash.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* TEST_F()'s wrapper keeps a local across setjmp(): the harness's business. */
#pragma GCC diagnostic ignored "-Wclobbered"
#include "kselftest_harness.h"

#include "boot/elf_deps.h"
#include "util.h"

#define LS		"/bin/ls"
#define BUSYBOX		"/usr/bin/busybox"
#define MAX_FILE	(64 << 20)

/* PT_INTERP of a 64-bit ELF, read without libelf. "" when it has none. */
static int interp_of(const char *path, char *out, size_t outlen)
{
	size_t len;
	char *buf = read_file(path, MAX_FILE, &len);
	Elf64_Ehdr eh;
	int r = -1;

	out[0] = '\0';
	if (!buf || len < sizeof(eh))
		goto out;
	memcpy(&eh, buf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phoff + (size_t)eh.e_phnum * sizeof(Elf64_Phdr) > len)
		goto out;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, buf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP && ph.p_offset + ph.p_filesz <= len)
			snprintf(out, outlen, "%.*s", (int)ph.p_filesz,
				 buf + ph.p_offset);
	}
	r = 0;
out:
	free(buf);
	return r;
}

static size_t count(const struct strlist *l, const char *s)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += !strcmp(l->v[i], s);
	return n;
}

/*
 * What ld.so loads for @prog: lines are "\tname => /path (0x...)",
 * "\tname => not found", "\t/path (0x...)" or the vDSO's "\tname (0x...)".
 * Names not found go to @missing.
 */
static int loader_trace(const char *prog, struct strlist *loaded,
			struct strlist *missing)
{
	char cmd[PATH_MAX + 64], *line = NULL;
	size_t cap = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "env LD_TRACE_LOADED_OBJECTS=1 '%s'", prog);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (getline(&line, &cap, p) >= 0) {
		char *arrow = strstr(line, " => ");
		char *s = arrow ? arrow + 4 : line + strspn(line, " \t");

		rstrip(line);
		if (arrow && !strcmp(s, "not found")) {
			*arrow = '\0';
			strlist_push(missing, line + strspn(line, " \t"));
			continue;
		}
		s[strcspn(s, " ")] = '\0';
		if (*s == '/')
			strlist_push(loaded, s);
	}
	free(line);
	return pclose(p) < 0 ? -1 : 0;
}

/* Every entry is absolute, exists and appears once. */
static bool sane_list(const struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i][0] != '/' || access(l->v[i], F_OK) ||
		    count(l, l->v[i]) != 1)
			return false;
	}
	return true;
}

/* Same strings, any order (both lists hold each string once). */
static bool same_set(const struct strlist *a, const struct strlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!strlist_contains(b, a->v[i]))
			return false;
	return true;
}

static void dump(const char *what, const struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		fprintf(stderr, "#   %s: %s\n", what, l->v[i]);
}

TEST(ls_closure)
{
	struct strlist out = STRLIST_INIT;
	char interp[PATH_MAX], err[256] = "x";
	bool libc = false;

	ASSERT_EQ(0, interp_of(LS, interp, sizeof(interp)));
	ASSERT_NE(0, interp[0]) TH_LOG(LS " is not dynamically linked");

	ASSERT_EQ(0, elf_deps_collect(LS, &out, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_STREQ("", err);
	EXPECT_TRUE(sane_list(&out)) dump("got", &out);
	EXPECT_EQ(1UL, count(&out, interp));
	for (size_t i = 0; i < out.n; i++) {
		const char *base = strrchr(out.v[i], '/') + 1;

		if (!strcmp(base, "libc.so.6")) {
			EXPECT_FALSE(libc);
			libc = true;
		}
	}
	EXPECT_TRUE(libc);
	strlist_free(&out);
}

TEST(ls_matches_loader)
{
	struct strlist out = STRLIST_INIT, want = STRLIST_INIT;
	struct strlist missing = STRLIST_INIT;
	char err[256];

	ASSERT_EQ(0, loader_trace(LS, &want, &missing));
	ASSERT_EQ(0UL, missing.n);
	ASSERT_NE(0UL, want.n);
	ASSERT_EQ(0, elf_deps_collect(LS, &out, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_TRUE(same_set(&want, &out)) {
		dump("ld.so", &want);
		dump("got", &out);
	}
	strlist_free(&out);
	strlist_free(&want);
	strlist_free(&missing);
}

TEST(appends_each_path_once)
{
	struct strlist out = STRLIST_INIT;
	char interp[PATH_MAX], err[256];
	size_t n;

	ASSERT_EQ(0, interp_of(LS, interp, sizeof(interp)));
	ASSERT_EQ(0, strlist_push(&out, "/already/there"));
	ASSERT_EQ(0, strlist_push(&out, interp));
	ASSERT_EQ(0, elf_deps_collect(LS, &out, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_STREQ("/already/there", out.v[0]);
	EXPECT_STREQ(interp, out.v[1]);
	EXPECT_EQ(1UL, count(&out, interp));
	EXPECT_LT(2UL, out.n);
	n = out.n;
	/* A second run over the same list adds nothing new. */
	ASSERT_EQ(0, elf_deps_collect(LS, &out, err, sizeof(err)));
	EXPECT_EQ(n, out.n);
	strlist_free(&out);
}

TEST(static_binary_needs_nothing)
{
	struct strlist out = STRLIST_INIT;
	char interp[PATH_MAX], err[256] = "x";

	if (access(BUSYBOX, R_OK) || interp_of(BUSYBOX, interp, sizeof(interp)))
		SKIP(return, BUSYBOX " missing");
	if (interp[0])
		SKIP(return, BUSYBOX " is dynamically linked here");
	EXPECT_EQ(0, elf_deps_collect(BUSYBOX, &out, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_EQ(0UL, out.n);
	EXPECT_STREQ("", err);
	strlist_free(&out);
}

/* ---- failures ---------------------------------------------------------- */

FIXTURE(tmp) {
	char dir[64];
	char path[PATH_MAX];	/* a scratch file in dir */
	char err[256];
	struct strlist out;
};

FIXTURE_SETUP(tmp)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/ktstr-test-elf-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/file", self->dir);
	self->out = (struct strlist)STRLIST_INIT;
}

FIXTURE_TEARDOWN(tmp)
{
	strlist_free(&self->out);
	remove_tree(self->dir);
}

/* The reason is one non-empty line. */
static bool one_line(const char *err)
{
	return err[0] && !strchr(err, '\n');
}

/* Fail on @path, leave @out alone and give a reason that names @path. */
#define EXPECT_FAILS_ON(path) do {					\
		self->err[0] = '\0';					\
		EXPECT_EQ(-1, elf_deps_collect(path, &self->out,	\
					       self->err,		\
					       sizeof(self->err)));	\
		EXPECT_EQ(0UL, self->out.n);				\
		EXPECT_TRUE(one_line(self->err)) TH_LOG("'%s'", self->err); \
		EXPECT_NE(NULL, strstr(self->err, path)) TH_LOG("%s", self->err); \
	} while (0)

TEST_F(tmp, missing_file)
{
	EXPECT_FAILS_ON("/nonexistent/ktstr-binary");
	EXPECT_NE(NULL, strstr(self->err, "No such file"));
}

TEST_F(tmp, not_elf)
{
	static const char text[] = "#!/bin/sh\necho not an ELF\n";

	ASSERT_EQ(0, write_file(self->path, text, strlen(text), 0755));
	EXPECT_FAILS_ON(self->path);
	EXPECT_NE(NULL, strstr(self->err, "not an ELF"));
	/* A directory is not an ELF file either. */
	EXPECT_FAILS_ON(self->dir);
}

TEST_F(tmp, truncated_elf)
{
	static const size_t cuts[] = { 0, 4, 16, 63, 64, 100, 1000, 4096 };
	size_t len;
	char *ls = read_file(LS, MAX_FILE, &len);

	ASSERT_NE(NULL, ls);
	for (size_t i = 0; i < ARRAY_SIZE(cuts) + 2; i++) {
		/* Also cut inside the section headers at the very end. */
		size_t cut = i < ARRAY_SIZE(cuts) ? cuts[i] :
			     i == ARRAY_SIZE(cuts) ? len / 2 : len - 8;

		ASSERT_EQ(0, write_file(self->path, ls, cut, 0755));
		self->err[0] = '\0';
		EXPECT_EQ(-1, elf_deps_collect(self->path, &self->out,
					       self->err, sizeof(self->err)))
			TH_LOG("cut at %zu", cut);
		EXPECT_TRUE(one_line(self->err)) TH_LOG("cut at %zu", cut);
	}
	free(ls);
}

/* A DT_NEEDED name no directory has. */
TEST_F(tmp, missing_library)
{
	char want[PATH_MAX + 128];
	size_t len, hits = 0;
	char *ls = read_file(LS, MAX_FILE, &len);

	ASSERT_NE(NULL, ls);
	/* Same length, so .dynstr keeps its layout. */
	for (char *p = ls; (p = memmem(p, len - (size_t)(p - ls),
				       "libc.so.6", 10)); p += 10) {
		memcpy(p, "libq.so.9", 10);
		hits++;
	}
	ASSERT_NE(0UL, hits);
	ASSERT_EQ(0, write_file(self->path, ls, len, 0755));
	free(ls);

	EXPECT_FAILS_ON(self->path);
	snprintf(want, sizeof(want),
		 "libq.so.9 needed by %s: not found in the library search path",
		 self->path);
	EXPECT_STREQ(want, self->err);
}

/* xorshift: a fixed seed keeps failures reproducible. */
static uint32_t next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * Flip bytes, mostly in the headers and the first pages (program
 * headers, .dynamic, .dynstr) and in the section headers at the end.
 * Whatever the outcome, no crash (ASan is watching) and a sane result.
 */
TEST_F(tmp, corrupted_elf)
{
	size_t len;
	char *ls = read_file(LS, MAX_FILE, &len);
	char *copy = malloc(len);
	uint32_t seed = 0x6b747374;
	int failed = 0;

	ASSERT_NE(NULL, ls);
	ASSERT_NE(NULL, copy);
	ASSERT_LT(16384UL, len);
	for (int round = 0; round < 300; round++) {
		memcpy(copy, ls, len);
		for (int k = 0; k < 1 + round % 8; k++) {
			uint32_t r = next_rand(&seed);
			size_t where = r % 3 == 0 ? r % 128 :
				       r % 3 == 1 ? r % 16384 :
				       len - 1 - r % 4096;

			copy[where] = (char)(next_rand(&seed) >> 24);
		}
		ASSERT_EQ(0, write_file(self->path, copy, len, 0755));
		self->err[0] = '\0';
		if (elf_deps_collect(self->path, &self->out, self->err,
				     sizeof(self->err))) {
			EXPECT_TRUE(one_line(self->err)) TH_LOG("'%s'", self->err);
			failed++;
		} else {
			EXPECT_TRUE(sane_list(&self->out));
		}
		strlist_free(&self->out);
	}
	/* The mutations do reach the parser. */
	EXPECT_LT(0, failed);
	free(copy);
	free(ls);
}

/* ---- RPATH / RUNPATH, against the real loader --------------------------- */

/*
 * Build, under the fixture's dir:
 *   lib/libktb.so.1   leaf
 *   lib/libktc.so.1   needs libktb, no search path of its own
 *   lib/libkta.so.1   needs libktb, RUNPATH $ORIGIN
 *   bin/rpath         RPATH $ORIGIN/../lib, needs libktc (libktb is
 *                     found through the executable's RPATH)
 *   bin/runpath_leaf  RUNPATH $ORIGIN/../lib, needs libktc (libktb is
 *                     not found: RUNPATH is not inherited)
 *   bin/skips         RUNPATH with ${ORIGIN}, first two directories
 *                     holding a libkta.so.1 of the wrong class / machine
 */
static int build_progs(const char *d)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd),
		 "set -e; cd '%s'; mkdir -p lib bin wrongclass wrongmach\n"
		 "echo 'int ktb(void) { return 1; }' > b.c\n"
		 "echo 'int ktb(void); int ktc(void) { return ktb(); }' > c.c\n"
		 "echo 'int ktb(void); int kta(void) { return ktb(); }' > a.c\n"
		 "echo 'int ktc(void); int main(void) { return ktc() - 1; }' > mc.c\n"
		 "echo 'int kta(void); int main(void) { return kta() - 1; }' > ma.c\n"
		 "CC='gcc -fPIC -w'\n"
		 "$CC -shared -o lib/libktb.so.1 -Wl,-soname,libktb.so.1 b.c\n"
		 "$CC -shared -o lib/libktc.so.1 -Wl,-soname,libktc.so.1 c.c lib/libktb.so.1\n"
		 "$CC -shared -o lib/libkta.so.1 -Wl,-soname,libkta.so.1 a.c lib/libktb.so.1"
		 " -Wl,--enable-new-dtags,-rpath,'$ORIGIN'\n"
		 "$CC -o bin/rpath mc.c lib/libktc.so.1 -Wl,-rpath-link,lib"
		 " -Wl,--disable-new-dtags,-rpath,'$ORIGIN/../lib'\n"
		 "$CC -o bin/runpath_leaf mc.c lib/libktc.so.1 -Wl,-rpath-link,lib"
		 " -Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib'\n"
		 "$CC -o bin/skips ma.c lib/libkta.so.1 -Wl,-rpath-link,lib"
		 " -Wl,--enable-new-dtags,-rpath,'${ORIGIN}/../wrongclass:$ORIGIN/../wrongmach:$ORIGIN/../lib/'\n"
		 /* EI_CLASS is byte 4, e_machine bytes 18-19 (0xb7: AArch64). */
		 "cp lib/libkta.so.1 wrongclass/; printf '\\001' | dd of=wrongclass/libkta.so.1 bs=1 seek=4 conv=notrunc status=none\n"
		 "cp lib/libkta.so.1 wrongmach/; printf '\\267' | dd of=wrongmach/libkta.so.1 bs=1 seek=18 conv=notrunc status=none\n",
		 d);
	return system(cmd);
}

FIXTURE(progs) {
	char dir[64];
	char err[256];
	struct strlist out, want, missing;
};

FIXTURE_SETUP(progs)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/ktstr-test-elf-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	self->out = self->want = self->missing = (struct strlist)STRLIST_INIT;
	if (system("gcc --version > /dev/null 2>&1"))
		SKIP(return, "no gcc to build test programs");
	ASSERT_EQ(0, build_progs(self->dir));
}

FIXTURE_TEARDOWN(progs)
{
	strlist_free(&self->out);
	strlist_free(&self->want);
	strlist_free(&self->missing);
	remove_tree(self->dir);
}

static const char *at(char *buf, size_t len, const char *dir, const char *rel)
{
	snprintf(buf, len, "%s/%s", dir, rel);
	return buf;
}

/* Our closure of @prog is exactly what ld.so loads for it. */
static bool matches_loader(FIXTURE_DATA(progs) *self, const char *prog)
{
	if (loader_trace(prog, &self->want, &self->missing) ||
	    self->missing.n)
		return false;
	if (same_set(&self->want, &self->out))
		return true;
	dump("ld.so", &self->want);
	dump("got", &self->out);
	return false;
}

TEST_F(progs, rpath_is_inherited)
{
	char prog[PATH_MAX], path[PATH_MAX];

	at(prog, sizeof(prog), self->dir, "bin/rpath");
	ASSERT_EQ(0, elf_deps_collect(prog, &self->out, self->err,
				      sizeof(self->err))) TH_LOG("%s", self->err);
	/* Paths as the loader opens them: $ORIGIN/.. is not normalised. */
	EXPECT_EQ(1UL, count(&self->out, at(path, sizeof(path), self->dir,
					  "bin/../lib/libktc.so.1")));
	EXPECT_EQ(1UL, count(&self->out, at(path, sizeof(path), self->dir,
					  "bin/../lib/libktb.so.1")));
	EXPECT_TRUE(matches_loader(self, prog));
}

TEST_F(progs, runpath_is_not_inherited)
{
	char prog[PATH_MAX], want[2 * PATH_MAX];

	at(prog, sizeof(prog), self->dir, "bin/runpath_leaf");
	EXPECT_EQ(-1, elf_deps_collect(prog, &self->out, self->err,
				       sizeof(self->err)));
	EXPECT_EQ(0UL, self->out.n);
	snprintf(want, sizeof(want),
		 "libktb.so.1 needed by %s/bin/../lib/libktc.so.1: not found in the library search path",
		 self->dir);
	EXPECT_STREQ(want, self->err);
	/* ld.so agrees. */
	ASSERT_EQ(0, loader_trace(prog, &self->want, &self->missing));
	EXPECT_EQ(1UL, self->missing.n);
	EXPECT_TRUE(strlist_contains(&self->missing, "libktb.so.1"));
}

TEST_F(progs, wrong_class_and_machine_skipped)
{
	char prog[PATH_MAX], path[PATH_MAX];

	at(prog, sizeof(prog), self->dir, "bin/skips");
	ASSERT_EQ(0, elf_deps_collect(prog, &self->out, self->err,
				      sizeof(self->err))) TH_LOG("%s", self->err);
	/* The trailing '/' of the RUNPATH entry is dropped, as ld.so does. */
	EXPECT_EQ(1UL, count(&self->out, at(path, sizeof(path), self->dir,
					  "bin/../lib/libkta.so.1")));
	/* libktb through libkta's own RUNPATH, $ORIGIN being its dir. */
	EXPECT_EQ(1UL, count(&self->out, at(path, sizeof(path), self->dir,
					  "bin/../lib/libktb.so.1")));
	EXPECT_TRUE(matches_loader(self, prog));
}

/*
 * Unlike ld.so (which gives up), a non-ELF file in the path is skipped:
 * it will not be in the guest, so the next directory's file is used.
 */
TEST_F(progs, non_elf_candidate_skipped)
{
	char prog[PATH_MAX], path[PATH_MAX];

	at(path, sizeof(path), self->dir, "wrongclass/libkta.so.1");
	ASSERT_EQ(0, write_file(path, "junk\n", 5, 0644));
	at(prog, sizeof(prog), self->dir, "bin/skips");
	ASSERT_EQ(0, elf_deps_collect(prog, &self->out, self->err,
				      sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_EQ(1UL, count(&self->out, at(path, sizeof(path), self->dir,
					  "bin/../lib/libkta.so.1")));
}

TEST_HARNESS_MAIN
