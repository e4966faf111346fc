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

TEST_HARNESS_MAIN
