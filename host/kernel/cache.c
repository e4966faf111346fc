// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "kernel/cache.h"
#include "kernel/flavour.h"
#include "kernel/source.h"
#include "paths.h"

#define SCHED_BIN_DIR	"tools/sched_ext/build/bin"

const char *const kernel_example_scheds[] = {
	"scx_simple", "scx_qmap", "scx_central", "scx_flatcg", NULL,
};

void kcache_key(const char *version, const void *fragment, size_t len,
		char *key, size_t keylen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[17];
	size_t off;

	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, KERNEL_RECIPE, strlen(KERNEL_RECIPE));
	EVP_DigestUpdate(ctx, fragment, len);
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	/* The version becomes part of a path: keep it to safe characters. */
	snprintf(key, keylen, "%s", version);
	for (off = 0; key[off]; off++) {
		char c = key[off];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '+' ||
		      c == '-'))
			key[off] = '_';
	}
	snprintf(key + off, keylen - off, "-%s", hex);
}

int kcache_source_version(char *buf, size_t len, char *err, size_t errlen)
{
	FILE *f = popen("dpkg-query -W -f='${Version}' " KERNEL_SOURCE_PKG
			" 2>/dev/null", "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, len - 1, f);
		pclose(f);
	}
	buf[n] = '\0';
	rstrip(buf);
	if (!buf[0] || access(KERNEL_SOURCE_TARBALL, R_OK)) {
		snprintf(err, errlen,
			 "kernel source %s is not installed (no %s); run 'make deps'",
			 KERNEL_SOURCE_PKG, KERNEL_SOURCE_TARBALL);
		return -1;
	}
	return 0;
}

int kcache_current_key(const char *fragment_path,
		       const struct kernel_flavour *flavour, char *key,
		       size_t keylen, char *err, size_t errlen)
{
	struct kernel_fragments fr;
	char version[160];
	size_t len;
	char *frag;

	if (kcache_source_version(version, sizeof(version) - 32, err, errlen))
		return -1;
	/* A flavour's entry sits beside the normal one: VERSION-debug-HASH. */
	if (flavour != KFLAVOUR_NORMAL)
		snprintf(version + strlen(version), 32, "-%s", flavour->name);
	kflavour_fragments(flavour, fragment_path, &fr);
	frag = kflavour_read(&fr, &len, err, errlen);
	if (!frag)
		return -1;
	kcache_key(version, frag, len, key, keylen);
	free(frag);
	return 0;
}

void kcache_entry_dir(const char *key, char *buf, size_t len)
{
	char base[PATH_MAX];

	paths_cache("kernels", base, sizeof(base));
	snprintf(buf, len, "%s/%s", base, key);
}

bool kcache_entry_complete(const char *key)
{
	char dir[PATH_MAX], stamp[PATH_MAX + 32];

	kcache_entry_dir(key, dir, sizeof(dir));
	snprintf(stamp, sizeof(stamp), "%s/" KERNEL_COMPLETE_STAMP, dir);
	return access(stamp, F_OK) == 0;
}

int kcache_lock(const char *key, bool exclusive)
{
	char dir[PATH_MAX], path[PATH_MAX + 8];
	int fd, op = exclusive ? LOCK_EX : LOCK_SH;

	kcache_entry_dir(key, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s.lock", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		errmsg("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, op | LOCK_NB)) {
		errmsg("kernel %s is being built by another ktstr; waiting for it to finish (its log: %s/build.log)",
		       key, dir);
		if (flock(fd, op)) {
			errmsg("cannot lock %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* A source build's tree, commit and state ("source" in its entry). */
static void print_source(FILE *out, const char *base, const char *name)
{
	char path[PATH_MAX + 300], *text, *dir, *commit, *state, *save = NULL;

	snprintf(path, sizeof(path), "%s/%s/" KERNEL_SOURCE_FILE, base, name);
	text = read_file(path, PATH_MAX + 128, NULL);
	if (!text)
		return;
	dir = strtok_r(text, "\n", &save);
	commit = strtok_r(NULL, "\n", &save);
	state = strtok_r(NULL, "\n", &save);
	if (dir && commit && state)
		fprintf(out, " from %s at %.12s (%s)", dir, commit, state);
	free(text);
}

int kcache_list(FILE *out)
{
	char base[PATH_MAX];
	struct dirent *e;
	int count = 0;
	DIR *d;

	paths_cache("kernels", base, sizeof(base));
	d = opendir(base);
	if (d) {
		while ((e = readdir(d))) {
			char img[PATH_MAX + 300];
			struct stat st;
			bool done;

			if (e->d_name[0] == '.' || strstr(e->d_name, ".lock") ||
			    e->d_type == DT_REG)
				continue;
			done = kcache_entry_complete(e->d_name);
			snprintf(img, sizeof(img),
				 "%s/%s/linux/arch/x86/boot/bzImage", base,
				 e->d_name);
			fprintf(out, "%-44s %-10s", e->d_name,
				done ? "built" : "incomplete");
			if (done && !stat(img, &st))
				fprintf(out, " bzImage %.1f MiB", st.st_size /
					1048576.0);
			print_source(out, base, e->d_name);
			fputc('\n', out);
			count++;
		}
		closedir(d);
	}
	if (!count)
		fprintf(out, "no kernels in %s; run 'ktstr kernel build'\n",
			base);
	return 0;
}

static bool is_file(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISREG(st.st_mode);
}

static int pick_tree(const char *tree, struct kernel_pick *k, char *err,
		     size_t errlen)
{
	snprintf(k->tree, sizeof(k->tree), "%s", tree);
	snprintf(k->image, sizeof(k->image), "%s/arch/x86/boot/bzImage", tree);
	if (is_file(k->image))
		return 0;
	snprintf(err, errlen,
		 "%s is not a built kernel tree: %s is missing; build it or give a bzImage",
		 tree, k->image);
	return -1;
}

int kernel_pick(const char *arg, const char *fragment_path,
		struct kernel_pick *k, char *err, size_t errlen)
{
	const struct kernel_flavour *flavour = arg ? kflavour_find(arg) :
					       KFLAVOUR_NORMAL;
	char key[200], dir[PATH_MAX], tree[PATH_MAX + 8];
	struct stat st;

	memset(k, 0, sizeof(*k));
	/* No --kernel, or a flavour's name: the current source's build. */
	if (flavour && (!arg || stat(arg, &st))) {
		if (kcache_current_key(fragment_path, flavour, key, sizeof(key),
				       err, errlen))
			return -1;
		/* A build in progress: wait for it rather than fail. */
		kcache_entry_dir(key, dir, sizeof(dir));
		if (!kcache_entry_complete(key) && !access(dir, F_OK)) {
			int lock = kcache_lock(key, false);

			if (lock >= 0)
				close(lock);
		}
		if (!kcache_entry_complete(key)) {
			snprintf(err, errlen,
				 "no kernel built for %s yet; run 'ktstr kernel build%s%s' (or 'make kernel'), or pass --kernel",
				 key, arg ? " --flavour " : "", arg ? arg : "");
			return -1;
		}
		kcache_entry_dir(key, dir, sizeof(dir));
		snprintf(tree, sizeof(tree), "%s/linux", dir);
		return pick_tree(tree, k, err, errlen);
	}
	/* A cache entry by its name, as ktstr kernel list shows it. */
	if (stat(arg, &st) && !strchr(arg, '/') && arg[0] != '.' &&
	    strlen(arg) < sizeof(key) && kcache_entry_complete(arg)) {
		kcache_entry_dir(arg, dir, sizeof(dir));
		snprintf(tree, sizeof(tree), "%s/linux", dir);
		return pick_tree(tree, k, err, errlen);
	}
	if (stat(arg, &st)) {
		snprintf(err, errlen, "--kernel %s: %s; expected a kernel build tree, bzImage, vmlinux or a built cache entry (ktstr kernel list)",
			 arg, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return pick_tree(arg, k, err, errlen);
	if (access(arg, R_OK)) {
		snprintf(err, errlen, "--kernel %s is not readable", arg);
		return -1;
	}
	/* A vmlinux inside a build tree boots through that tree's bzImage. */
	snprintf(tree, sizeof(tree), "%s", arg);
	if (strrchr(tree, '/'))
		*strrchr(tree, '/') = '\0';
	else
		snprintf(tree, sizeof(tree), ".");
	if (strstr(arg, "vmlinux") && !pick_tree(tree, k, err, errlen))
		return 0;
	k->tree[0] = '\0';
	snprintf(k->image, sizeof(k->image), "%s", arg);
	return 0;
}

int kernel_sched_path(const struct kernel_pick *k, const char *own_dir,
		      const char *name, char *buf, size_t len, char *err,
		      size_t errlen)
{
	if (strchr(name, '/')) {
		if (!is_file(name) || access(name, X_OK)) {
			snprintf(err, errlen,
				 "--scheduler %s is not an executable file",
				 name);
			return -1;
		}
		snprintf(buf, len, "%s", name);
		return 0;
	}
	if (k->tree[0]) {
		snprintf(buf, len, "%s/" SCHED_BIN_DIR "/%s", k->tree, name);
		if (is_file(buf) && !access(buf, X_OK))
			return 0;
	}
	if (own_dir && own_dir[0]) {
		snprintf(buf, len, "%s/%s", own_dir, name);
		if (is_file(buf) && !access(buf, X_OK))
			return 0;
	}
	snprintf(err, errlen,
		 "--scheduler %s: not a path, and no such example built in %s; built: scx_simple scx_qmap scx_central scx_flatcg, and ktstr's scx_fault (run 'make')",
		 name, k->tree[0] ? k->tree : "the --kernel given (not a build tree)");
	return -1;
}
