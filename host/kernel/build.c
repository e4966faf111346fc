// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "strlist.h"
#include "util.h"
#include "kernel/build.h"
#include "kernel/cache.h"
#include "kernel/flavour.h"
#include "kernel/progress.h"
#include "kernel/source.h"
#include "paths.h"

#define CLANG		"clang-16"

struct build {
	const struct kernel_build_opts *o;
	char dir[PATH_MAX];
	char tree[PATH_MAX + 8];
	/* Where make runs, and "O=tree" for an out-of-tree build ("" if not). */
	char src[PATH_MAX];
	char oarg[PATH_MAX + 16];
	char log[PATH_MAX + 16];
	int log_fd;
	struct build_progress *progress;	/* the step that compiles objects */
};

/* Redraw the progress line on a terminal, at most once a second. */
static void show_progress(struct build *b, bool last)
{
	static uint64_t shown;
	uint64_t now = now_ns();
	char text[160];

	if (!b->progress || b->o->verbose || !isatty(1) ||
	    (!last && now < shown + 1000000000ull))
		return;
	shown = now;
	build_progress_text(b->progress, now, text, sizeof(text));
	printf("\r  %-10s %s\033[K%s", "kernel", text, last ? "\n" : "");
	fflush(stdout);
}

/* Run a command in @cwd, its output to the build log (and the terminal with -v). */
static int run(struct build *b, const char *cwd, const char *step,
	       char *const argv[])
{
	int pfd[2], status;
	pid_t pid;

	printf("  %-10s %s\n", step, cwd);
	fflush(stdout);
	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (chdir(cwd))
			_exit(126);
		dup2(pfd[1], 1);
		dup2(pfd[1], 2);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot execute %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		char buf[8192];
		ssize_t n = read(pfd[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		write_all(b->log_fd, buf, (size_t)n);
		if (b->o->verbose)
			write_all(1, buf, (size_t)n);
		if (b->progress) {
			build_progress_feed(b->progress, buf, (size_t)n);
			show_progress(b, false);
		}
	}
	close(pfd[0]);
	show_progress(b, true);
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	errmsg("kernel build failed at step '%s' (%s); see %s", step, argv[0],
	       b->log);
	return -1;
}

static bool setting_matches(const char *line, const char *config)
{
	char name[200], want[512];
	const char *eq;
	bool want_unset;

	if (sscanf(line, "# %199s is not set", name) == 1) {
		want_unset = true;
	} else {
		eq = strchr(line, '=');
		if (!eq || (size_t)(eq - line) >= sizeof(name))
			return true;
		snprintf(name, sizeof(name), "%.*s", (int)(eq - line), line);
		want_unset = !strcmp(eq + 1, "n");
	}
	snprintf(want, sizeof(want), "%s\n", line);
	for (const char *p = config; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t nlen = strlen(name);

		if (len > nlen && !strncmp(p, name, nlen) && p[nlen] == '=')
			return !want_unset && len == strlen(line) &&
			       !strncmp(p, line, len);
		p = nl ? nl + 1 : NULL;
	}
	return want_unset;
}

int kconfig_verify(const char *fragment, const char *config,
		   struct strlist *missing)
{
	char *frag = read_file(fragment, 1 << 20, NULL);
	char *conf = read_file(config, 16 << 20, NULL);
	char *save = NULL;
	int n = 0;

	if (!frag || !conf) {
		free(frag);
		free(conf);
		return -1;
	}
	for (char *l = strtok_r(frag, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		rstrip(l);
		if (strncmp(l, "CONFIG_", 7) && !strstr(l, " is not set"))
			continue;
		if (!setting_matches(l, conf)) {
			strlist_push(missing, l);
			n++;
		}
	}
	free(frag);
	free(conf);
	return n;
}

static int extract_source(struct build *b)
{
	char *tar[] = { "tar", "-xJf", KERNEL_SOURCE_TARBALL, NULL };
	char unpacked[PATH_MAX + 32];

	if (run(b, b->dir, "extract", tar))
		return -1;
	snprintf(unpacked, sizeof(unpacked), "%s/linux-source-6.12", b->dir);
	if (rename(unpacked, b->tree)) {
		errmsg("cannot rename %s to %s: %s", unpacked, b->tree,
		       strerror(errno));
		return -1;
	}
	return 0;
}

/* "O=tree" for an out-of-tree build, else the end of the argument list. */
static char *oarg(struct build *b)
{
	return b->oarg[0] ? b->oarg : NULL;
}

static int configure(struct build *b)
{
	char config[PATH_MAX + 16];
	char *tiny[] = { "make", "tinyconfig", oarg(b), NULL };
	struct kernel_fragments fr;
	char *merge[8] = { "scripts/kconfig/merge_config.sh", "-m", "-O", b->tree,
			   config };
	char *olddef[] = { "make", "olddefconfig", oarg(b), NULL };
	struct strlist missing = STRLIST_INIT;
	int n;

	snprintf(config, sizeof(config), "%s/.config", b->tree);
	kflavour_fragments(b->o->flavour, b->o->fragment, &fr);
	for (unsigned int i = 0; i < fr.n; i++)
		merge[5 + i] = fr.path[i];
	if (run(b, b->src, "tinyconfig", tiny) ||
	    run(b, b->src, "merge", merge) ||
	    run(b, b->src, "olddefconfig", olddef))
		return -1;
	n = 0;
	for (unsigned int i = 0; i < fr.n; i++) {
		int m = kconfig_verify(fr.path[i], config, &missing);

		if (m < 0) {
			errmsg("cannot read %s or %s", fr.path[i], config);
			strlist_free(&missing);
			return -1;
		}
		n += m;
	}
	if (n > 0) {
		errmsg("%d required kernel option%s did not survive olddefconfig (a dependency is missing or the option does not exist in this source):",
		       n, n == 1 ? "" : "s");
		for (size_t i = 0; i < missing.n; i++)
			fprintf(stderr, "  %s\n", missing.v[i]);
		strlist_free(&missing);
		return -1;
	}
	return 0;
}

static int compile(struct build *b)
{
	char jobs[32], sched_o[PATH_MAX + 48], btf[PATH_MAX + 32];
	char *kernel[] = { "make", jobs, "bzImage", "modules", oarg(b), NULL };
	/* Out of tree, the schedulers go beside the kernel's objects. */
	char *scheds[] = { "make", jobs, "CC=gcc", "CLANG=" CLANG,
			   "LLVM_STRIP=llvm-strip-16", b->oarg[0] ? sched_o : NULL,
			   btf, NULL };
	char sched_dir[PATH_MAX + 32], sched_src[PATH_MAX + 32];

	struct build_progress p;
	unsigned int objects;
	double secs;

	snprintf(jobs, sizeof(jobs), "-j%u", b->o->jobs);
	snprintf(sched_dir, sizeof(sched_dir), "%s/tools/sched_ext", b->tree);
	snprintf(sched_src, sizeof(sched_src), "%s/tools/sched_ext", b->src);
	snprintf(sched_o, sizeof(sched_o), "O=%s", sched_dir);
	snprintf(btf, sizeof(btf), "VMLINUX_BTF=%s/vmlinux", b->tree);
	build_stats_read(&objects, &secs);
	build_progress_init(&p, now_ns(), objects, secs);
	b->progress = &p;
	if (run(b, b->src, "kernel", kernel)) {
		b->progress = NULL;
		return -1;
	}
	b->progress = NULL;
	/* A first build counts them all; a resumed one would undercount. */
	if (p.done > objects / 2 &&
	    build_stats_write(p.done, (now_ns() - p.t0_ns) / 1e9))
		errmsg("cannot record the build's figures for the next ETA");
	if (mkdir_p(sched_dir, 0755) || run(b, sched_src, "schedulers", scheds))
		return -1;
	for (int i = 0; kernel_example_scheds[i]; i++) {
		char bin[PATH_MAX + 64];

		snprintf(bin, sizeof(bin), "%s/build/bin/%s", sched_dir,
			 kernel_example_scheds[i]);
		if (access(bin, X_OK)) {
			errmsg("scheduler %s was not built (%s missing); see %s",
			       kernel_example_scheds[i], bin, b->log);
			return -1;
		}
	}
	return 0;
}

/* The entry of a source build says which tree, commit and state it is. */
static int note_source(struct build *b, const struct kernel_source *ks)
{
	char path[PATH_MAX + 16], text[PATH_MAX + 128];
	int n;

	snprintf(path, sizeof(path), "%s/" KERNEL_SOURCE_FILE, b->dir);
	n = snprintf(text, sizeof(text), "%s\n%s\n%s\n", ks->dir, ks->commit,
		     ks->dirty ? "dirty" : "clean");
	if (write_file(path, text, (size_t)n, 0644)) {
		errmsg("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int kernel_build(const struct kernel_build_opts *o)
{
	char key[200], err[1024], stamp[PATH_MAX + 32];
	struct build b = { .o = o, .log_fd = -1 };
	struct kernel_source ks;
	uint64_t t0 = now_ns();
	int lock, r = -1;

	if (o->source) {
		if (ksource_identify(o->source, o->fragment, o->flavour, &ks,
				     err, sizeof(err))) {
			errmsg("%s", err);
			return -1;
		}
		snprintf(key, sizeof(key), "%s", ks.key);
	} else if (kcache_current_key(o->fragment, o->flavour, key,
				      sizeof(key), err, sizeof(err))) {
		errmsg("%s", err);
		return -1;
	}
	kcache_entry_dir(key, b.dir, sizeof(b.dir));
	if (mkdir_p(b.dir, 0755)) {
		errmsg("cannot create %s: %s", b.dir, strerror(errno));
		return -1;
	}
	lock = kcache_lock(key, true);
	if (lock < 0)
		return -1;
	if (kcache_entry_complete(key)) {
		printf("kernel %s is built: %s\n", key, b.dir);
		r = 0;
		goto out;
	}
	printf("building kernel %s in %s\n", key, b.dir);
	snprintf(b.tree, sizeof(b.tree), "%s/linux", b.dir);
	snprintf(b.log, sizeof(b.log), "%s/build.log", b.dir);
	b.log_fd = open(b.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (b.log_fd < 0) {
		errmsg("cannot write %s: %s", b.log, strerror(errno));
		goto out;
	}
	if (o->source) {
		snprintf(b.src, sizeof(b.src), "%s", ks.dir);
		snprintf(b.oarg, sizeof(b.oarg), "O=%s", b.tree);
		if (mkdir_p(b.tree, 0755) || note_source(&b, &ks))
			goto out;
	} else {
		snprintf(b.src, sizeof(b.src), "%s", b.tree);
		snprintf(stamp, sizeof(stamp), "%s/linux/Makefile", b.dir);
		if (access(stamp, F_OK) && extract_source(&b))
			goto out;
	}
	if (configure(&b) || compile(&b))
		goto out;
	snprintf(stamp, sizeof(stamp), "%s/" KERNEL_COMPLETE_STAMP, b.dir);
	if (write_file(stamp, key, strlen(key), 0644)) {
		errmsg("cannot write %s: %s", stamp, strerror(errno));
		goto out;
	}
	printf("kernel %s built in %.0f s%s%s\n", key, (now_ns() - t0) / 1e9,
	       o->source ? "; boot it with --kernel " : "", o->source ? key : "");
	r = 0;
out:
	if (b.log_fd >= 0)
		close(b.log_fd);
	close(lock);
	return r;
}
