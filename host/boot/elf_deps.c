// SPDX-License-Identifier: GPL-2.0
/*
 * Resolve a program's shared-library closure the way glibc's ld.so does,
 * without running it: the files are only parsed (with libelf), never
 * executed, and are treated as untrusted input.
 *
 * Search order for a DT_NEEDED name without a '/' (glibc elf/dl-load.c):
 *  1. if the requesting object has no DT_RUNPATH: the DT_RPATH of the
 *     requester, of the object that loaded it, and so on up to the
 *     executable (an object's DT_RPATH is ignored when it has DT_RUNPATH);
 *  2. the requester's DT_RUNPATH;
 *  3. ld.so.cache, approximated by the directories ldconfig reads from
 *     /etc/ld.so.conf;
 *  4. the default directories.
 * LD_LIBRARY_PATH is deliberately ignored: the guest will not have it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot/elf_deps.h"
#include "util.h"

#define LD_SO_CONF		"/etc/ld.so.conf"
#define CONF_MAX_DEPTH		8	/* include nesting; stops loops */
#define INTERP_MAX		PATH_MAX

static const char *const default_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
	"/lib64", "/usr/lib64", "/lib", "/usr/lib",
};

/* One opened, not yet parsed, ELF file. */
struct elf_file {
	int fd;
	Elf *elf;
	struct stat st;
	int class;
	GElf_Ehdr ehdr;
};

/* One loaded object of the closure. */
struct elf_obj {
	char *path;		/* as the loader opens it */
	char *origin;		/* what $ORIGIN expands to */
	char *soname;
	char *interp;		/* PT_INTERP, read for the executable only */
	char *rpath;		/* NULL when the object also has DT_RUNPATH */
	char *runpath;
	struct strlist needed;
	int parent;		/* index of the object that loaded it, or -1 */
	dev_t dev;
	ino_t ino;
};

struct deps_ctx {
	char *err;
	size_t errlen;
	int class;		/* of the executable: libraries must match */
	unsigned int machine;
	struct elf_obj *objs;	/* [0] is the executable; BFS order after */
	size_t nobjs;
	size_t cap;
	struct strlist known;	/* names already satisfied (ld.so's libnames) */
	struct strlist sysdirs;	/* ld.so.conf directories, then defaults */
};

/* ---- errors ------------------------------------------------------------ */

static int seterr(struct deps_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Names in the message come from untrusted files: replace control
 * characters so the reason stays one printable line.
 */
static int seterr(struct deps_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->err || !c->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	for (char *p = c->err; *p; p++)
		if (iscntrl((unsigned char)*p))
			*p = '?';
	return -1;
}

static int oom(struct deps_ctx *c)
{
	return seterr(c, "out of memory");
}

/* ---- reading one ELF file ---------------------------------------------- */

static void elf_file_close(struct elf_file *ef)
{
	elf_end(ef->elf);
	if (ef->fd >= 0)
		close(ef->fd);
	ef->elf = NULL;
	ef->fd = -1;
}

/*
 * libelf reports no headers at all when a table lies past the end of the
 * file: a truncated program must not pass for a static one.
 */
static int check_tables(struct elf_file *ef, char *why, size_t whylen)
{
	size_t n;

	if (elf_getphdrnum(ef->elf, &n) || n == 0 ||
	    (ef->ehdr.e_phnum != PN_XNUM && n != ef->ehdr.e_phnum)) {
		snprintf(why, whylen, "missing or truncated program headers");
		return -1;
	}
	if (elf_getshdrnum(ef->elf, &n) ||
	    (ef->ehdr.e_shnum && n != ef->ehdr.e_shnum)) {
		snprintf(why, whylen, "truncated section headers");
		return -1;
	}
	return 0;
}

/* Open @path as an ELF file. -1 with the reason in @why on failure. */
static int elf_file_open(struct elf_file *ef, const char *path, char *why,
			 size_t whylen)
{
	ef->elf = NULL;
	ef->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ef->fd < 0 || fstat(ef->fd, &ef->st) < 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(ef->st.st_mode)) {
		snprintf(why, whylen, "not a regular file");
		goto fail;
	}
	/* ELF_C_READ, not mmap: a file truncated under us must not SIGBUS. */
	ef->elf = elf_begin(ef->fd, ELF_C_READ, NULL);
	if (!ef->elf) {
		snprintf(why, whylen, "bad ELF file: %s", elf_errmsg(-1));
		goto fail;
	}
	if (elf_kind(ef->elf) != ELF_K_ELF) {
		snprintf(why, whylen, "not an ELF file");
		goto fail;
	}
	ef->class = gelf_getclass(ef->elf);
	if (ef->class == ELFCLASSNONE || !gelf_getehdr(ef->elf, &ef->ehdr)) {
		snprintf(why, whylen, "bad ELF header: %s", elf_errmsg(-1));
		goto fail;
	}
	if (check_tables(ef, why, whylen))
		goto fail;
	return 0;
fail:
	elf_file_close(ef);
	return -1;
}

/* Could ld.so load @ef as a library into a process of the executable? */
static bool elf_file_fits(const struct deps_ctx *c, const struct elf_file *ef)
{
	return ef->class == c->class && ef->ehdr.e_machine == c->machine &&
	       ef->ehdr.e_type == ET_DYN;
}

static int read_interp(struct elf_file *ef, const GElf_Phdr *ph,
		       struct elf_obj *o, char *why, size_t whylen)
{
	char buf[INTERP_MAX];
	size_t len = ph->p_filesz;
	ssize_t n;

	if (len < 2 || len > sizeof(buf) || ph->p_offset > (uint64_t)INT64_MAX) {
		snprintf(why, whylen, "bad PT_INTERP size");
		return -1;
	}
	/* Like the kernel: NUL-terminated, and the name ends at the first NUL. */
	n = pread(ef->fd, buf, len, (off_t)ph->p_offset);
	if (n != (ssize_t)len || buf[len - 1] != '\0') {
		snprintf(why, whylen, "bad PT_INTERP");
		return -1;
	}
	if (buf[0] != '/') {
		snprintf(why, whylen, "PT_INTERP is not an absolute path");
		return -1;
	}
	free(o->interp);
	o->interp = strdup(buf);
	return o->interp ? 0 : -1;
}

/* Scan program headers: PT_INTERP if @want_interp, and PT_DYNAMIC. */
static int scan_phdrs(struct elf_file *ef, struct elf_obj *o, bool want_interp,
		      bool *has_dynamic, char *why, size_t whylen)
{
	size_t n;

	*has_dynamic = false;
	if (elf_getphdrnum(ef->elf, &n)) {
		snprintf(why, whylen, "bad program headers: %s", elf_errmsg(-1));
		return -1;
	}
	for (size_t i = 0; i < n && i < INT_MAX; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(ef->elf, (int)i, &ph)) {
			snprintf(why, whylen, "bad program header: %s",
				 elf_errmsg(-1));
			return -1;
		}
		if (ph.p_type == PT_DYNAMIC)
			*has_dynamic = true;
		if (ph.p_type == PT_INTERP && want_interp &&
		    read_interp(ef, &ph, o, why, whylen))
			return -1;
	}
	return 0;
}

/* Keep the last of repeated tags, as glibc's get-dynamic-info does. */
static int set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = strdup(s);
	return *dst ? 0 : -1;
}

static int take_dyn(struct elf_obj *o, const GElf_Dyn *dyn, const char *s)
{
	switch (dyn->d_tag) {
	case DT_NEEDED:
		return strlist_push(&o->needed, s);
	case DT_SONAME:
		return set_str(&o->soname, s);
	case DT_RPATH:
		return set_str(&o->rpath, s);
	case DT_RUNPATH:
		return set_str(&o->runpath, s);
	}
	return 0;
}

static bool wants_str(GElf_Sxword tag)
{
	return tag == DT_NEEDED || tag == DT_SONAME || tag == DT_RPATH ||
	       tag == DT_RUNPATH;
}

static int parse_dynamic(struct elf_file *ef, Elf_Scn *scn,
			 const GElf_Shdr *sh, struct elf_obj *o, char *why,
			 size_t whylen)
{
	size_t entsz = gelf_fsize(ef->elf, ELF_T_DYN, 1, EV_CURRENT);
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n;

	if (!d || !entsz || d->d_type != ELF_T_DYN ||
	    (d->d_size && !d->d_buf)) {
		snprintf(why, whylen, "bad .dynamic section: %s",
			 elf_errmsg(-1));
		return -1;
	}
	n = d->d_size / entsz;
	for (size_t i = 0; i < n && i < INT_MAX; i++) {
		GElf_Dyn dyn;
		const char *s;

		if (!gelf_getdyn(d, (int)i, &dyn)) {
			snprintf(why, whylen, "bad .dynamic entry");
			return -1;
		}
		if (dyn.d_tag == DT_NULL)
			break;
		if (!wants_str(dyn.d_tag))
			continue;
		/*
		 * elf_strptr checks the link is a string table and the
		 * offset and terminating NUL lie inside it.
		 */
		s = elf_strptr(ef->elf, sh->sh_link, dyn.d_un.d_val);
		if (!s || (dyn.d_tag == DT_NEEDED && !*s)) {
			snprintf(why, whylen, "bad string in .dynamic");
			return -1;
		}
		if (take_dyn(o, &dyn, s)) {
			snprintf(why, whylen, "out of memory");
			return -1;
		}
	}
	if (o->runpath) {
		free(o->rpath);
		o->rpath = NULL;
	}
	return 0;
}

static int read_dynamic(struct elf_file *ef, struct elf_obj *o,
			bool has_dynamic, char *why, size_t whylen)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(ef->elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh)) {
			snprintf(why, whylen, "bad section header: %s",
				 elf_errmsg(-1));
			return -1;
		}
		if (sh.sh_type == SHT_DYNAMIC)
			return parse_dynamic(ef, scn, &sh, o, why, whylen);
	}
	/* Section headers stripped (sstrip): fail rather than miss deps. */
	if (has_dynamic) {
		snprintf(why, whylen, "PT_DYNAMIC without a .dynamic section");
		return -1;
	}
	return 0;
}

/* ---- the closure ------------------------------------------------------- */

static void obj_free(struct elf_obj *o)
{
	free(o->path);
	free(o->origin);
	free(o->soname);
	free(o->interp);
	free(o->rpath);
	free(o->runpath);
	strlist_free(&o->needed);
}

/*
 * glibc takes the executable's origin from /proc/self/exe, which is
 * symlink-resolved, and a library's from the path it opened.
 */
static char *origin_of(const char *path, bool resolve)
{
	char *dir = resolve ? realpath(path, NULL) : strdup(path);
	char *slash;

	if (!dir)
		return NULL;
	slash = strrchr(dir, '/');
	if (!slash) {
		free(dir);
		return strdup(".");
	}
	slash[slash == dir] = '\0';
	return dir;
}

static int find_loaded(const struct deps_ctx *c, const struct stat *st)
{
	for (size_t i = 0; i < c->nobjs; i++)
		if (c->objs[i].dev == st->st_dev && c->objs[i].ino == st->st_ino)
			return (int)i;
	return -1;
}

/* Parse @ef into a new object (consuming @ef). */
static int add_obj(struct deps_ctx *c, struct elf_file *ef, const char *path,
		   int parent)
{
	bool is_exe = c->nobjs == 0, has_dynamic;
	struct elf_obj *o;
	char why[256];

	if (c->nobjs == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct elf_obj *v = realloc(c->objs, cap * sizeof(*v));

		if (!v) {
			elf_file_close(ef);
			return oom(c);
		}
		c->objs = v;
		c->cap = cap;
	}
	o = &c->objs[c->nobjs++];
	memset(o, 0, sizeof(*o));
	o->parent = parent;
	o->dev = ef->st.st_dev;
	o->ino = ef->st.st_ino;
	o->path = strdup(path);
	o->origin = origin_of(path, is_exe);
	if (!o->path || !o->origin) {
		elf_file_close(ef);
		return oom(c);
	}
	if (scan_phdrs(ef, o, is_exe, &has_dynamic, why, sizeof(why)) ||
	    read_dynamic(ef, o, has_dynamic, why, sizeof(why))) {
		elf_file_close(ef);
		return seterr(c, "%s: %s", path, why);
	}
	elf_file_close(ef);
	if (o->soname && strlist_push(&c->known, o->soname))
		return oom(c);
	return 0;
}

/*
 * Expand $ORIGIN and ${ORIGIN} in the @len bytes at @in. False when the
 * result is unusable: another token ($LIB, $PLATFORM), too long, or not
 * absolute (glibc would resolve that against the process's cwd).
 */
static bool expand_dir(const char *in, size_t len, const char *origin,
		       char *out, size_t outlen)
{
	size_t olen = strlen(origin), o = 0;

	for (size_t i = 0; i < len;) {
		size_t skip = 0;

		if (in[i] == '$') {
			if (len - i >= 9 && !memcmp(in + i, "${ORIGIN}", 9))
				skip = 9;
			else if (len - i >= 7 && !memcmp(in + i, "$ORIGIN", 7) &&
				 (len - i == 7 || !(isalnum((unsigned char)in[i + 7]) ||
						    in[i + 7] == '_')))
				skip = 7;
			else
				return false;
			if (o + olen >= outlen)
				return false;
			memcpy(out + o, origin, olen);
			o += olen;
			i += skip;
			continue;
		}
		if (o + 1 >= outlen)
			return false;
		out[o++] = in[i++];
	}
	/* ld.so strips trailing slashes, except from "/" itself. */
	while (o > 1 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
	return o > 0 && out[0] == '/';
}

/* Try @dir/@name. 1 and @ef open when it is a usable library, else 0. */
static int try_dir(struct deps_ctx *c, const char *dir, const char *name,
		   struct elf_file *ef, char *path, size_t pathlen)
{
	char why[128];
	int n;

	n = snprintf(path, pathlen, "%s/%s", strcmp(dir, "/") ? dir : "",
		     name);
	if (n < 0 || (size_t)n >= pathlen)
		return 0;
	if (elf_file_open(ef, path, why, sizeof(why)))
		return 0;
	/* ld.so skips files of the wrong class or machine and goes on. */
	if (!elf_file_fits(c, ef)) {
		elf_file_close(ef);
		return 0;
	}
	return 1;
}

/* Search the ':'-separated @list, $ORIGIN being @origin. */
static int search_list(struct deps_ctx *c, const char *list,
		       const char *origin, const char *name,
		       struct elf_file *ef, char *path, size_t pathlen)
{
	char dir[PATH_MAX];

	while (list && *list) {
		size_t len = strcspn(list, ":");

		if (expand_dir(list, len, origin, dir, sizeof(dir)) &&
		    try_dir(c, dir, name, ef, path, pathlen))
			return 1;
		list += len;
		if (*list == ':')
			list++;
	}
	return 0;
}

/* Find the library @name needed by object @req, as ld.so would. */
static int search(struct deps_ctx *c, int req, const char *name,
		  struct elf_file *ef, char *path, size_t pathlen)
{
	const struct elf_obj *o = &c->objs[req];
	bool did_exe = false;

	if (!o->runpath) {
		for (int l = req; l >= 0; l = c->objs[l].parent) {
			did_exe |= l == 0;
			if (search_list(c, c->objs[l].rpath, c->objs[l].origin,
					name, ef, path, pathlen))
				return 1;
		}
		if (!did_exe && search_list(c, c->objs[0].rpath,
					    c->objs[0].origin, name, ef, path,
					    pathlen))
			return 1;
	}
	if (search_list(c, o->runpath, o->origin, name, ef, path, pathlen))
		return 1;
	for (size_t i = 0; i < c->sysdirs.n; i++)
		if (try_dir(c, c->sysdirs.v[i], name, ef, path, pathlen))
			return 1;
	return 0;
}

/* A DT_NEEDED with a '/' is a path, used as is after $ORIGIN expansion. */
static int open_path_name(struct deps_ctx *c, int req, const char *name,
			  struct elf_file *ef, char *path, size_t pathlen)
{
	const struct elf_obj *o = &c->objs[req];
	char why[128];

	if (!expand_dir(name, strlen(name), o->origin, path, pathlen))
		return seterr(c, "%s needed by %s: unsupported path", name,
			      o->path);
	if (elf_file_open(ef, path, why, sizeof(why)))
		return seterr(c, "%s needed by %s: %s", name, o->path, why);
	if (!elf_file_fits(c, ef)) {
		elf_file_close(ef);
		return seterr(c, "%s needed by %s: wrong ELF class or machine",
			      name, o->path);
	}
	return 0;
}

static int resolve(struct deps_ctx *c, int req, const char *name)
{
	char path[PATH_MAX];
	struct elf_file ef;

	if (strlist_contains(&c->known, name))
		return 0;
	if (strchr(name, '/')) {
		if (open_path_name(c, req, name, &ef, path, sizeof(path)))
			return -1;
	} else if (!search(c, req, name, &ef, path, sizeof(path))) {
		return seterr(c,
			      "%s needed by %s: not found in the library search path",
			      name, c->objs[req].path);
	}
	/* ld.so also spots the same file reached by another path. */
	if (find_loaded(c, &ef.st) >= 0)
		elf_file_close(&ef);
	else if (add_obj(c, &ef, path, req))
		return -1;
	return strlist_push(&c->known, name) ? oom(c) : 0;
}

/* ---- ld.so.conf -------------------------------------------------------- */

static int conf_parse(struct strlist *dirs, const char *file, int depth);

static int push_dir(struct strlist *dirs, const char *dir)
{
	if (strlist_contains(dirs, dir))
		return 0;
	return strlist_push(dirs, dir);
}

/* "include PATTERN...": globs, relative to the including file's dir. */
static int conf_include(struct strlist *dirs, const char *from, char *args,
			int depth)
{
	const char *slash = strrchr(from, '/');
	char *pat, *save = NULL;

	for (pat = strtok_r(args, " \t", &save); pat;
	     pat = strtok_r(NULL, " \t", &save)) {
		char full[PATH_MAX];
		glob_t g;
		int n = (*pat == '/' || !slash) ?
			snprintf(full, sizeof(full), "%s", pat) :
			snprintf(full, sizeof(full), "%.*s/%s",
				 (int)(slash - from), from, pat);

		if (n < 0 || (size_t)n >= sizeof(full) ||
		    glob(full, 0, NULL, &g))
			continue;
		for (size_t i = 0; i < g.gl_pathc; i++) {
			if (conf_parse(dirs, g.gl_pathv[i], depth + 1)) {
				globfree(&g);
				return -1;
			}
		}
		globfree(&g);
	}
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	rstrip(s);
	return s;
}

static int conf_line(struct strlist *dirs, const char *file, char *line,
		     int depth)
{
	char *p;

	line[strcspn(line, "#")] = '\0';
	p = trim(line);
	if (!strncasecmp(p, "include", 7) && isblank((unsigned char)p[7]))
		return conf_include(dirs, file, p + 8, depth);
	if (!strncasecmp(p, "hwcap", 5) && isblank((unsigned char)p[5]))
		return 0;
	if (*p != '/')
		return 0;
	/* Legacy "dir=type" lines; and ldconfig drops trailing slashes. */
	p[strcspn(p, "=")] = '\0';
	rstrip(p);
	for (size_t n = strlen(p); n > 1 && p[n - 1] == '/'; n--)
		p[n - 1] = '\0';
	return push_dir(dirs, p);
}

/* Add the directories listed in @file; an unreadable file adds none. */
static int conf_parse(struct strlist *dirs, const char *file, int depth)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	int r = 0;

	if (depth > CONF_MAX_DEPTH)
		return 0;
	f = fopen(file, "re");
	if (!f)
		return 0;
	while (!r && getline(&line, &cap, f) >= 0)
		r = conf_line(dirs, file, line, depth);
	free(line);
	fclose(f);
	return r;
}

static int load_sysdirs(struct deps_ctx *c)
{
	if (conf_parse(&c->sysdirs, LD_SO_CONF, 0))
		return oom(c);
	for (size_t i = 0; i < ARRAY_SIZE(default_dirs); i++)
		if (push_dir(&c->sysdirs, default_dirs[i]))
			return oom(c);
	return 0;
}

/* ---- entry point ------------------------------------------------------- */

static int load_interp(struct deps_ctx *c)
{
	const char *interp = c->objs[0].interp;
	struct elf_file ef;
	char why[128];

	if (!interp)
		return 0;
	if (elf_file_open(&ef, interp, why, sizeof(why)))
		return seterr(c, "interpreter %s of %s: %s", interp,
			      c->objs[0].path, why);
	if (!elf_file_fits(c, &ef)) {
		elf_file_close(&ef);
		return seterr(c, "interpreter %s of %s: wrong ELF class or machine",
			      interp, c->objs[0].path);
	}
	return add_obj(c, &ef, interp, -1);
}

static int load_exe(struct deps_ctx *c, const char *binary)
{
	struct elf_file ef;
	char why[128];

	if (elf_version(EV_CURRENT) == EV_NONE)
		return seterr(c, "libelf: %s", elf_errmsg(-1));
	if (elf_file_open(&ef, binary, why, sizeof(why)))
		return seterr(c, "%s: %s", binary, why);
	if (ef.ehdr.e_type != ET_EXEC && ef.ehdr.e_type != ET_DYN) {
		elf_file_close(&ef);
		return seterr(c, "%s: not an executable or shared object",
			      binary);
	}
	c->class = ef.class;
	c->machine = ef.ehdr.e_machine;
	return add_obj(c, &ef, binary, -1);
}

static int collect(struct deps_ctx *c, const char *binary)
{
	if (load_exe(c, binary) || load_interp(c) || load_sysdirs(c))
		return -1;
	/* c->objs grows while we walk it: breadth first, like ld.so. */
	for (size_t i = 0; i < c->nobjs; i++) {
		for (size_t j = 0; j < c->objs[i].needed.n; j++)
			if (resolve(c, (int)i, c->objs[i].needed.v[j]))
				return -1;
	}
	return 0;
}

int elf_deps_collect(const char *binary, struct strlist *out, char *err,
		     size_t errlen)
{
	struct deps_ctx c = {
		.err = err, .errlen = errlen,
		.known = STRLIST_INIT, .sysdirs = STRLIST_INIT,
	};
	int r;

	if (err && errlen)
		err[0] = '\0';
	if (!binary || !out)
		return seterr(&c, "bad arguments");
	r = collect(&c, binary);
	/* [0] is the binary itself, not one of its dependencies. */
	for (size_t i = 1; !r && i < c.nobjs; i++) {
		if (!strlist_contains(out, c.objs[i].path) &&
		    strlist_push(out, c.objs[i].path))
			r = oom(&c);
	}
	for (size_t i = 0; i < c.nobjs; i++)
		obj_free(&c.objs[i]);
	free(c.objs);
	strlist_free(&c.known);
	strlist_free(&c.sysdirs);
	return r;
}
