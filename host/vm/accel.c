// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util.h"
#include "vm/accel.h"
#include "paths.h"

int accel_parse(const char *s, enum accel *out)
{
	if (!strcmp(s, "auto"))
		*out = ACCEL_AUTO;
	else if (!strcmp(s, "kvm"))
		*out = ACCEL_KVM;
	else if (!strcmp(s, "tcg"))
		*out = ACCEL_TCG;
	else
		return -1;
	return 0;
}

const char *accel_name(enum accel a)
{
	return a == ACCEL_KVM ? "kvm" : a == ACCEL_TCG ? "tcg" : "auto";
}

static bool kvm_usable(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* The verdict depends on the host kernel and the QEMU build. */
static void verdict_path(const char *qemu, char *buf, size_t len)
{
	char dir[PATH_MAX], name[300];
	struct utsname u;
	struct stat st = { 0 };

	uname(&u);
	stat(qemu, &st);
	snprintf(name, sizeof(name), "%s-%s-%lld-%lld", u.release, u.machine,
		 (long long)st.st_size, (long long)st.st_mtime);
	for (char *p = name; *p; p++)
		if (*p == '/')
			*p = '_';
	paths_cache("accel", dir, sizeof(dir));
	mkdir_p(dir, 0755);
	snprintf(buf, len, "%s/%s", dir, name);
}

enum accel accel_resolve(enum accel want, const char *qemu,
			 accel_probe_fn probe, void *ctx)
{
	char path[PATH_MAX + 300], why[512] = "", *verdict;
	enum accel got;

	if (want != ACCEL_AUTO)
		return want;
	if (!kvm_usable())
		return ACCEL_TCG;
	verdict_path(qemu, path, sizeof(path));
	verdict = read_file(path, 64, NULL);
	if (verdict) {
		rstrip(verdict);
		got = !strcmp(verdict, "kvm") ? ACCEL_KVM : ACCEL_TCG;
		free(verdict);
		return got;
	}
	got = probe(ctx, why, sizeof(why)) ? ACCEL_TCG : ACCEL_KVM;
	if (got == ACCEL_TCG)
		errmsg("KVM cannot run this guest (%s); using TCG from now on (verdict kept in %s)",
		       why, path);
	write_file(path, accel_name(got), strlen(accel_name(got)), 0644);
	return got;
}
