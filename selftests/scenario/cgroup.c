// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup v2 through cgroupfs: controllers, knobs, the freezer, removal,
 * cpu.stat. Every call says what failed through errno.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"

int sc_cg_write(const char *cg, const char *file, const char *fmt, ...)
{
	char path[320], val[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return write_file_str(path, val);
}

int sc_cg_read(const char *cg, const char *file, char *buf, size_t len)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	return read_file_str(path, buf, len);
}

/* Enable each of @controllers (space separated) in @cg's subtree. */
int sc_cg_enable(const char *cg, const char *controllers, char *err,
		 size_t errlen)
{
	char avail[256], list[128], *save = NULL, *c;

	if (sc_cg_read(cg, "cgroup.controllers", avail, sizeof(avail))) {
		snprintf(err, errlen, "%s/cgroup.controllers: %s", cg,
			 strerror(errno));
		return -1;
	}
	snprintf(list, sizeof(list), "%s", controllers);
	for (c = strtok_r(list, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
		if (!strstr(avail, c)) {
			snprintf(err, errlen, "controller %s not available in %s (\"%s\")",
				 c, cg, avail);
			return -1;
		}
		if (sc_cg_write(cg, "cgroup.subtree_control", "+%s", c)) {
			snprintf(err, errlen, "enable %s in %s: %s", c, cg,
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Wait until cgroup.events says "@key @val" (the file supports poll). */
static int events_wait(const char *cg, const char *key, int val,
		       unsigned int timeout_ms)
{
	char path[320], buf[256], want[64];
	__u64 deadline = sc_now_ns() + (__u64)timeout_ms * 1000000ull;
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.events", cg);
	snprintf(want, sizeof(want), "%s %d", key, val);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLPRI };
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		__u64 now = sc_now_ns();

		if (n < 0)
			break;
		buf[n] = '\0';
		if (strstr(buf, want)) {
			close(fd);
			return 0;
		}
		if (now >= deadline)
			break;
		poll(&p, 1, (int)((deadline - now) / 1000000ull) + 1);
	}
	close(fd);
	errno = ETIMEDOUT;
	return -1;
}

int sc_cg_freeze(const char *cg, int frozen, unsigned int timeout_ms)
{
	if (sc_cg_write(cg, "cgroup.freeze", "%d", frozen ? 1 : 0))
		return -1;
	return events_wait(cg, "frozen", frozen ? 1 : 0, timeout_ms);
}

/* Remove @cg; kill what is left in it first. */
int sc_cg_remove(const char *cg, unsigned int timeout_ms)
{
	if (!rmdir(cg) || errno == ENOENT)
		return 0;
	if (errno != EBUSY)
		return -1;
	sc_cg_write(cg, "cgroup.freeze", "0");
	if (sc_cg_write(cg, "cgroup.kill", "1"))
		return -1;
	events_wait(cg, "populated", 0, timeout_ms);
	return rmdir(cg) && errno != ENOENT ? -1 : 0;
}

/* Remove @cg and everything below it. */
int sc_cg_remove_tree(const char *cg, unsigned int timeout_ms)
{
	DIR *d = opendir(cg);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", cg, e->d_name);
		sc_cg_remove_tree(path, timeout_ms);
	}
	if (d)
		closedir(d);
	return sc_cg_remove(cg, timeout_ms);
}

/* Scenario roots left by executors that are gone (a harness timeout). */
void sc_cg_remove_stale(const char *root, const char *prefix)
{
	size_t pl = strlen(prefix);
	DIR *d = opendir(root);
	struct dirent *e;
	char path[512];

	while (d && (e = readdir(d))) {
		pid_t pid;

		if (e->d_type != DT_DIR || strncmp(e->d_name, prefix, pl))
			continue;
		pid = (pid_t)atoi(e->d_name + pl);
		if (pid <= 0 || !kill(pid, 0) || errno != ESRCH)
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		sc_cg_remove_tree(path, 2000);
	}
	if (d)
		closedir(d);
}

static __u64 stat_field(const char *buf, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = buf; p && *p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoull(p + kl + 1, NULL, 10);
	}
	return 0;
}

int sc_cg_stat(const char *cg, __u64 *usage_us, __u64 *nr_throttled,
	       __u64 *throttled_us)
{
	char buf[1024];

	if (sc_cg_read(cg, "cpu.stat", buf, sizeof(buf)))
		return -1;
	*usage_us = stat_field(buf, "usage_usec");
	if (nr_throttled)
		*nr_throttled = stat_field(buf, "nr_throttled");
	if (throttled_us)
		*throttled_us = stat_field(buf, "throttled_usec");
	return 0;
}

const char * const sc_io_stat_keys[SC_IO_NR] = {
	[SC_IO_RBYTES] = "rbytes",
	[SC_IO_WBYTES] = "wbytes",
	[SC_IO_RIOS] = "rios",
	[SC_IO_WIOS] = "wios",
};

/*
 * @cg's counters on device @dev from its io.stat ("MAJ:MIN key=value
 * ..." per device); all zero if it did no IO there.
 */
int sc_cg_io_stat(const char *cg, dev_t dev, __u64 io[SC_IO_NR])
{
	char buf[4096], want[32];
	size_t wl;

	memset(io, 0, SC_IO_NR * sizeof(*io));
	if (sc_cg_read(cg, "io.stat", buf, sizeof(buf)))
		return -1;
	wl = (size_t)snprintf(want, sizeof(want), "%u:%u ", major(dev),
			      minor(dev));
	for (char *line = buf; line && *line; line = strchr(line, '\n')) {
		char *end, *save = NULL;

		if (*line == '\n')
			line++;
		if (strncmp(line, want, wl))
			continue;
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		for (char *kv = strtok_r(line + wl, " ", &save); kv;
		     kv = strtok_r(NULL, " ", &save)) {
			char *v = strchr(kv, '=');

			if (!v)
				continue;
			*v++ = '\0';
			for (int k = 0; k < SC_IO_NR; k++)
				if (!strcmp(kv, sc_io_stat_keys[k]))
					io[k] = strtoull(v, NULL, 10);
		}
		break;
	}
	return 0;
}

int sc_cg_effective(const char *cg, struct sc_mask *m)
{
	char buf[1024];

	if (sc_cg_read(cg, "cpuset.cpus.effective", buf, sizeof(buf)))
		return -1;
	return sc_mask_parse(buf, m);
}

/* The pids in @cg, at most @max; -1 on error. */
int sc_cg_procs(const char *cg, pid_t *pids, int max)
{
	char path[320], line[32];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (n < max && fgets(line, sizeof(line), f))
		pids[n++] = (pid_t)atoi(line);
	fclose(f);
	return n;
}
