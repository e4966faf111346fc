// SPDX-License-Identifier: GPL-2.0
/*
 * Identifying a user's kernel tree: see source.h. git is run directly
 * (no shell), its output hashed as it streams.
 */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "kernel/cache.h"
#include "kernel/flavour.h"
#include "kernel/source.h"

#define GIT_OUT_MAX	(1ull << 34)	/* a diff bigger than 16 GiB is not a patch */

/*
 * Run git -C @dir with @args; its stdout into @md (if not NULL) and the
 * first @len - 1 bytes into @buf (if not NULL), NUL-terminated; how many
 * bytes it wrote in @total (if not NULL). 0 if it exited 0.
 */
static int git_out(const char *dir, const char *const *args, EVP_MD_CTX *md,
		   char *buf, size_t len, unsigned long long *total_out)
{
	const char *argv[16] = { "git", "-C", dir };
	unsigned long long total = 0;
	size_t have = 0;
	int pfd[2], status, n = 3;
	pid_t pid;

	for (; *args && n < 15; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		dup2(pfd[1], 1);
		if (null >= 0)
			dup2(null, 2);
		execvp("git", (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		char chunk[65536];
		ssize_t r = read(pfd[0], chunk, sizeof(chunk));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || (total += (size_t)r) > GIT_OUT_MAX)
			break;
		if (md)
			EVP_DigestUpdate(md, chunk, (size_t)r);
		if (buf && have + 1 < len) {
			size_t take = len - 1 - have < (size_t)r ?
				      len - 1 - have : (size_t)r;

			memcpy(buf + have, chunk, take);
			have += take;
		}
	}
	close(pfd[0]);
	if (buf && len)
		buf[have] = '\0';
	if (total_out)
		*total_out = total;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) &&
	       total <= GIT_OUT_MAX ? 0 : -1;
}

static int git(const char *dir, const char *const *args, EVP_MD_CTX *md,
	       char *buf, size_t len)
{
	return git_out(dir, args, md, buf, len, NULL);
}

/* Hash every untracked, not ignored file: its name and its bytes. */
static int hash_untracked(const char *dir, EVP_MD_CTX *md, bool *any)
{
	static const char *const list[] = {
		"ls-files", "-z", "--others", "--exclude-standard", NULL,
	};
	size_t cap = 1 << 20;
	char *names = malloc(cap);
	unsigned long long total;
	int r = -1;

	if (!names)
		return -1;
	errno = 0;
	/* The list itself bounded: a tree with 1 MiB of new names is not a patch. */
	if (git_out(dir, list, NULL, names, cap, &total))
		goto out;
	/* A cut list would leave files out of the key. */
	if (total > cap - 1) {
		errno = E2BIG;
		goto out;
	}
	for (char *p = names; p < names + total && *p; p += strlen(p) + 1) {
		static const char *hash[] = { "hash-object", "--", NULL, NULL };
		char oid[80];

		*any = true;
		hash[2] = p;
		EVP_DigestUpdate(md, p, strlen(p) + 1);
		if (git(dir, hash, NULL, oid, sizeof(oid)))
			goto out;
		EVP_DigestUpdate(md, oid, strlen(oid));
	}
	r = 0;
out:
	free(names);
	return r;
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '+' ||
		      *s == '-'))
			*s = '_';
}

int ksource_identify(const char *dir, const char *fragment_path,
		     const struct kernel_flavour *flavour,
		     struct kernel_source *s, char *err, size_t errlen)
{
	static const char *const head[] = { "rev-parse", "--verify", "HEAD", NULL };
	static const char *const top[] = { "rev-parse", "--show-toplevel", NULL };
	/* The user's diff settings must not change the bytes hashed. */
	static const char *const diff[] = {
		"diff", "--no-ext-diff", "--no-textconv", "--no-color", "--binary",
		"HEAD", NULL,
	};
	static const char *const built[] = {
		".config", "include/config", "arch/x86/include/generated",
	};
	unsigned char d[EVP_MAX_MD_SIZE];
	struct kernel_fragments fr;
	char path[PATH_MAX + 16], name[64], hex[17], *frag;
	unsigned int dlen = 0;
	EVP_MD_CTX *md;
	size_t flen;
	bool untracked = false;
	int r = -1;

	memset(s, 0, sizeof(*s));
	if (!realpath(dir, s->dir)) {
		snprintf(err, errlen, "--source %s: %s; expected a kernel source tree",
			 dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/Kconfig", s->dir);
	if (access(path, R_OK)) {
		snprintf(err, errlen, "--source %s is not a kernel source tree (no Kconfig)",
			 s->dir);
		return -1;
	}
	/* Kbuild refuses an out-of-tree build over an in-tree one: say it now. */
	for (size_t i = 0; i < sizeof(built) / sizeof(built[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", s->dir, built[i]);
		if (!access(path, F_OK)) {
			snprintf(err, errlen,
				 "--source %s has an in-tree build (%s); ktstr builds out of tree: run 'make mrproper' in it first",
				 s->dir, built[i]);
			return -1;
		}
	}
	/* The tree's own repository, not one it happens to sit in. */
	if (!git(s->dir, top, NULL, path, sizeof(path)))
		rstrip(path);
	if (strcmp(path, s->dir))
		s->commit[0] = '\0';
	else if (!git(s->dir, head, NULL, s->commit, sizeof(s->commit)))
		rstrip(s->commit);
	if (strlen(s->commit) != 40) {
		snprintf(err, errlen,
			 "--source %s is not a git work tree with a commit; ktstr keys a tree by its commit and changes (git init, git add -f ., git commit)",
			 s->dir);
		return -1;
	}
	kflavour_fragments(flavour, fragment_path, &fr);
	frag = kflavour_read(&fr, &flen, err, errlen);
	if (!frag)
		return -1;
	md = EVP_MD_CTX_new();
	if (!md) {
		free(frag);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, KERNEL_RECIPE, strlen(KERNEL_RECIPE));
	EVP_DigestUpdate(md, "source\n", 7);
	EVP_DigestUpdate(md, s->commit, 40);
	EVP_DigestUpdate(md, "\ndiff\n", 6);
	{
		char probe[2];

		/* Hashed into the key; its first byte says whether there is one. */
		if (git(s->dir, diff, md, probe, sizeof(probe))) {
			snprintf(err, errlen, "git diff HEAD failed in %s", s->dir);
			goto out;
		}
		s->dirty = probe[0] != '\0';
	}
	EVP_DigestUpdate(md, "\nuntracked\n", 11);
	if (hash_untracked(s->dir, md, &untracked)) {
		snprintf(err, errlen, errno == E2BIG ?
			 "--source %s has more than 1 MiB of untracked file names; commit or remove them (or ignore them in .gitignore)" :
			 "git ls-files or hash-object failed in %s", s->dir);
		goto out;
	}
	s->dirty |= untracked;
	EVP_DigestUpdate(md, "\nfragment\n", 10);
	EVP_DigestUpdate(md, frag, flen);
	EVP_DigestFinal_ex(md, d, &dlen);
	for (int i = 0; i < 8; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	snprintf(name, sizeof(name), "%.40s", strrchr(s->dir, '/') + 1);
	sanitize(name);
	snprintf(s->key, sizeof(s->key), "%s-g%.12s%s%s%s-%s",
		 name[0] ? name : "linux", s->commit, s->dirty ? "-dirty" : "",
		 flavour == KFLAVOUR_NORMAL ? "" : "-",
		 flavour == KFLAVOUR_NORMAL ? "" : flavour->name, hex);
	r = 0;
out:
	EVP_MD_CTX_free(md);
	free(frag);
	return r;
}
