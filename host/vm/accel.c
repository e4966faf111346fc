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

#define PROBE_TIMEOUT_S	20

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

/* Boot the kernel under KVM with `true` as the job: does KVM work here? */
static int kvm_probe(const struct vm_opts *base, char *why, size_t len)
{
	struct vm_opts o = *base;
	struct vm_result *r = calloc(1, sizeof(*r));
	int ok;

	if (!r) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	o.cfg.accel = ACCEL_KVM;
	o.timeout_s = PROBE_TIMEOUT_S;
	o.kvm_probe = true;
	o.verbose = 0;
	o.output_dir = NULL;
	o.snapshots = 0;
	o.job.command = "true";
	o.job.argv = NULL;
	o.job.sched_path = NULL;
	o.job.interactive = false;
	o.cfg.interactive = false;
	o.rootfs.scheduler = NULL;
	o.rootfs.programs = NULL;
	o.rootfs.includes = NULL;
	vm_run(&o, r);
	ok = r->outcome == VM_EXITED && r->exit_code == 0;
	if (!ok) {
		char *nl;

		snprintf(why, len, "%s", r->detail);
		nl = strchr(why, '\n');
		if (nl)
			*nl = '\0';
	}
	free(r);
	return ok ? 0 : -1;
}

void vm_choose_accel(struct vm_opts *o)
{
	char path[PATH_MAX + 300], why[512] = "", *verdict;
	enum accel got;

	if (o->cfg.accel != ACCEL_AUTO)
		return;
	if (!kvm_usable()) {
		o->cfg.accel = ACCEL_TCG;
		return;
	}
	verdict_path(o->cfg.qemu, path, sizeof(path));
	verdict = read_file(path, 64, NULL);
	if (verdict) {
		rstrip(verdict);
		o->cfg.accel = !strcmp(verdict, "kvm") ? ACCEL_KVM : ACCEL_TCG;
		free(verdict);
		return;
	}
	if (o->verbose)
		errmsg("probing KVM with a short boot (at most %d s)",
		       PROBE_TIMEOUT_S);
	got = kvm_probe(o, why, sizeof(why)) ? ACCEL_TCG : ACCEL_KVM;
	if (got == ACCEL_TCG)
		errmsg("KVM cannot run this guest (%s); using TCG from now on (verdict kept in %s)",
		       why, path);
	write_file(path, accel_name(got), strlen(accel_name(got)), 0644);
	o->cfg.accel = got;
}
