// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel cache key and the config fragment check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "kernel/build.h"
#include "kernel/cache.h"
#include "kernel/flavour.h"
#include "kernel/source.h"
#include "strlist.h"
#include "util.h"

TEST(key_shape_and_sanitised_version)
{
	char key[200];

	kcache_key("6.12.117-1~deb12u1", "CONFIG_X=y\n", 11, key, sizeof(key));
	/* '~' is not safe in a path: it becomes '_'; 16 hex digits follow. */
	ASSERT_EQ(0, strncmp(key, "6.12.117-1_deb12u1-", 19));
	EXPECT_EQ(19u + 16u, strlen(key));
	for (size_t i = 19; i < strlen(key); i++)
		EXPECT_NE(NULL, strchr("0123456789abcdef", key[i]));
}

TEST(key_is_stable_and_sensitive)
{
	char a[200], b[200], c[200], d[200];

	kcache_key("6.12.1", "CONFIG_X=y\n", 11, a, sizeof(a));
	kcache_key("6.12.1", "CONFIG_X=y\n", 11, b, sizeof(b));
	kcache_key("6.12.1", "CONFIG_X=m\n", 11, c, sizeof(c));
	kcache_key("6.12.2", "CONFIG_X=y\n", 11, d, sizeof(d));
	EXPECT_STREQ(a, b);
	EXPECT_STRNE(a, c);
	EXPECT_STRNE(a, d);
}

TEST(key_matches_sha256_of_recipe_and_fragment)
{
	/* The same key sha256sum computes, so scripts can find the entry. */
	char key[200], cmd[256], want[64] = "";
	FILE *f;

	kcache_key("v", "CONFIG_A=y\n", 11, key, sizeof(key));
	snprintf(cmd, sizeof(cmd),
		 "printf '%%s' '%s' 'CONFIG_A=y\n' | sha256sum | cut -c1-16",
		 "ktstr-kernel-recipe-1\n");
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(want, sizeof(want), f));
	pclose(f);
	rstrip(want);
	EXPECT_STREQ(want, key + 2);
}

static int write_tmp(const char *path, const char *text)
{
	return write_file(path, text, strlen(text), 0644);
}

TEST(fragment_verification_lists_what_did_not_survive)
{
	struct strlist missing = STRLIST_INIT;
	char frag[] = "/tmp/ktstr-test-frag-XXXXXX";
	char conf[] = "/tmp/ktstr-test-conf-XXXXXX";
	int fd1 = mkstemp(frag), fd2 = mkstemp(conf);

	ASSERT_GE(fd1, 0);
	ASSERT_GE(fd2, 0);
	close(fd1);
	close(fd2);
	ASSERT_EQ(0, write_tmp(frag, "# comment\nCONFIG_A=y\nCONFIG_B=y\nCONFIG_C=256\n"
		  "# CONFIG_D is not set\nCONFIG_E=n\nCONFIG_F=\"x\"\n"
		  "CONFIG_AB=y\n"));
	ASSERT_EQ(0, write_tmp(conf, "CONFIG_A=y\nCONFIG_C=128\nCONFIG_D=y\n"
		  "CONFIG_F=\"x\"\nCONFIG_ABC=y\n# CONFIG_B is not set\n"));
	EXPECT_EQ(4, kconfig_verify(frag, conf, &missing));
	EXPECT_TRUE(strlist_contains(&missing, "CONFIG_B=y"));
	EXPECT_TRUE(strlist_contains(&missing, "CONFIG_C=256"));
	EXPECT_TRUE(strlist_contains(&missing, "# CONFIG_D is not set"));
	EXPECT_TRUE(strlist_contains(&missing, "CONFIG_AB=y"));
	EXPECT_FALSE(strlist_contains(&missing, "CONFIG_E=n"));
	strlist_free(&missing);
	unlink(frag);
	unlink(conf);
	EXPECT_EQ(-1, kconfig_verify(frag, conf, &missing));
}

/* A tiny "kernel tree" in git: @dir/Kconfig committed; the fragment beside it. */
static int sh(const char *fmt, const char *dir)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), fmt, dir, dir, dir, dir);
	return system(cmd);
}

TEST(source_key_follows_commit_changes_and_fragment)
{
	char dir[64], frag[96], err[512] = "";
	struct kernel_source a, b, c, d, e, f;

	snprintf(dir, sizeof(dir), "/tmp/ktstr-src-test-%d", getpid());
	snprintf(frag, sizeof(frag), "%s.config", dir);
	ASSERT_EQ(0, sh("rm -rf %s && mkdir -p %s && cd %s && git init -q && "
			"echo 'config X' > Kconfig && git add Kconfig && "
			"git -c user.name=t -c user.email=t@t commit -qm one", dir));
	ASSERT_EQ(0, write_file(frag, "CONFIG_X=y\n", 11, 0644));
	ASSERT_EQ(0, ksource_identify(dir, frag, KFLAVOUR_NORMAL, &a, err, sizeof(err)))
		TH_LOG("%s", err);
	EXPECT_FALSE(a.dirty);
	EXPECT_EQ(40u, strlen(a.commit));
	/* NAME-gCOMMIT12-HASH16, the name from the directory. */
	EXPECT_EQ(0, strncmp(a.key, strrchr(dir, '/') + 1, strlen(strrchr(dir, '/') + 1)));
	EXPECT_NE(NULL, strstr(a.key, "-g"));
	EXPECT_EQ(0, strncmp(strstr(a.key, "-g") + 2, a.commit, 12));
	ASSERT_EQ(0, ksource_identify(dir, frag, KFLAVOUR_NORMAL, &b, err, sizeof(err)));
	EXPECT_STREQ(a.key, b.key);
	/* An uncommitted edit: dirty, another key. */
	ASSERT_EQ(0, sh("echo 'config Y' >> %s/Kconfig", dir));
	ASSERT_EQ(0, ksource_identify(dir, frag, KFLAVOUR_NORMAL, &c, err, sizeof(err)));
	EXPECT_TRUE(c.dirty);
	EXPECT_NE(NULL, strstr(c.key, "-dirty-"));
	EXPECT_STRNE(a.key, c.key);
	/* Committed: clean, a new commit, another key again. */
	ASSERT_EQ(0, sh("cd %s && git -c user.name=t -c user.email=t@t commit -qam two", dir));
	ASSERT_EQ(0, ksource_identify(dir, frag, KFLAVOUR_NORMAL, &d, err, sizeof(err)));
	EXPECT_FALSE(d.dirty);
	EXPECT_STRNE(a.commit, d.commit);
	EXPECT_STRNE(c.key, d.key);
	/* A new file git does not ignore counts as a change; its content too. */
	ASSERT_EQ(0, sh("echo new > %s/added.c", dir));
	ASSERT_EQ(0, ksource_identify(dir, frag, KFLAVOUR_NORMAL, &e, err, sizeof(err)));
	EXPECT_TRUE(e.dirty);
	ASSERT_EQ(0, sh("echo newer > %s/added.c", dir));
	ASSERT_EQ(0, ksource_identify(dir, frag, KFLAVOUR_NORMAL, &f, err, sizeof(err)));
	EXPECT_STRNE(e.key, f.key);
	/* Another fragment, another key. */
	ASSERT_EQ(0, write_file(frag, "CONFIG_X=n\n", 11, 0644));
	ASSERT_EQ(0, ksource_identify(dir, frag, KFLAVOUR_NORMAL, &e, err, sizeof(err)));
	EXPECT_STRNE(e.key, f.key);
	/* An in-tree build is in the way of O=; not git: said in one line. */
	ASSERT_EQ(0, sh("touch %s/.config", dir));
	EXPECT_EQ(-1, ksource_identify(dir, frag, KFLAVOUR_NORMAL, &e, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "make mrproper"));
	ASSERT_EQ(0, sh("rm -f %s/.config && rm -rf %s/.git", dir));
	EXPECT_EQ(-1, ksource_identify(dir, frag, KFLAVOUR_NORMAL, &e, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "not a git work tree"));
	EXPECT_EQ(-1, ksource_identify("/", frag, KFLAVOUR_NORMAL, &e, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "not a kernel source tree"));
	sh("rm -rf %s", dir);
	unlink(frag);
}

TEST_HARNESS_MAIN

TEST(flavour_fragments_and_key)
{
	const struct kernel_flavour *debug = kflavour_find("debug");
	char dir[] = "/tmp/ktstr-flavour-XXXXXX", base[64], extra[64], err[256];
	struct kernel_fragments fr;
	size_t len = 0;
	char *all;

	ASSERT_NE(NULL, debug);
	EXPECT_EQ(NULL, kflavour_find("Debug"));
	EXPECT_EQ(KFLAVOUR_NORMAL, kflavour_find("normal"));
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(base, sizeof(base), "%s/config", dir);
	snprintf(extra, sizeof(extra), "%s/%s", dir, debug->fragment);

	/* Normal: the base alone, so its key is what it always was. */
	kflavour_fragments(KFLAVOUR_NORMAL, base, &fr);
	ASSERT_EQ(1u, fr.n);
	EXPECT_STREQ(base, fr.path[0]);

	/* Debug: the base, then its own file beside it. */
	kflavour_fragments(debug, base, &fr);
	ASSERT_EQ(2u, fr.n);
	EXPECT_STREQ(extra, fr.path[1]);
	ASSERT_EQ(0, write_tmp(base, "CONFIG_A=y\n"));
	EXPECT_EQ(NULL, kflavour_read(&fr, &len, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, extra));
	ASSERT_EQ(0, write_tmp(extra, "CONFIG_KASAN=y\n"));
	all = kflavour_read(&fr, &len, err, sizeof(err));
	ASSERT_NE(NULL, all);
	EXPECT_EQ(26u, len);
	EXPECT_STREQ("CONFIG_A=y\nCONFIG_KASAN=y\n", all);
	free(all);
	unlink(base);
	unlink(extra);
	rmdir(dir);
}
