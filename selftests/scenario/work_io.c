// SPDX-License-Identifier: GPL-2.0
/*
 * Synchronous IO: 4 KiB O_DIRECT | O_DSYNC writes. Under ktstr they go to
 * the guest's virtio-blk disk (serial KTSTR_DISK_SERIAL), so every unit
 * is a request through the block layer, blk-cgroup and a virtio queue to
 * QEMU. Elsewhere (a bare device) to a loop device backed by a file on
 * /tmp, or without one to the file itself (O_DSYNC plus fdatasync); the
 * report says which.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "../lib/ktstr_env.h"

#define SC_IO_SIZE	(32u << 20)
#define SC_IO_BLOCK	4096u

/* /dev/vdX whose serial says it is ktstr's disk: 0 and its path. */
static int find_disk(char *path, size_t len)
{
	DIR *d = opendir("/sys/block");
	struct dirent *de;
	int r = -1;

	if (!d)
		return -1;
	while (r && (de = readdir(d))) {
		char f[300], serial[64];

		if (strncmp(de->d_name, "vd", 2))
			continue;
		snprintf(f, sizeof(f), "/sys/block/%.32s/serial", de->d_name);
		if (read_file_str(f, serial, sizeof(serial)) ||
		    strcmp(serial, KTSTR_DISK_SERIAL))
			continue;
		snprintf(path, len, "/dev/%.32s", de->d_name);
		r = access(path, R_OK | W_OK);
	}
	closedir(d);
	return r;
}

/* The block device under the IO target, for io.max, iocost, io.stat. */
static void note_dev(struct sc_exec *x)
{
	struct stat st;

	if (!stat(x->io.path, &st) && S_ISBLK(st.st_mode))
		x->io.dev = st.st_rdev;
}

int sc_io_setup(struct sc_exec *x)
{
	int bfd, ctl, nr, lfd;

	if (!find_disk(x->io.path, sizeof(x->io.path))) {
		note_dev(x);
		return 0;
	}

	snprintf(x->io.backing, sizeof(x->io.backing), "/tmp/ktstr-sc-%d.img",
		 getpid());
	bfd = open(x->io.backing, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (bfd < 0 || ftruncate(bfd, SC_IO_SIZE)) {
		sc_harness_fail(x, "IO backing file %s: %s", x->io.backing,
				strerror(errno));
		if (bfd >= 0)
			close(bfd);
		return -1;
	}
	/* Fallback first: the file itself. */
	snprintf(x->io.path, sizeof(x->io.path), "%s", x->io.backing);
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	nr = ctl < 0 ? -1 : ioctl(ctl, LOOP_CTL_GET_FREE);
	if (ctl >= 0)
		close(ctl);
	if (nr >= 0) {
		char dev[32];

		snprintf(dev, sizeof(dev), "/dev/loop%d", nr);
		lfd = open(dev, O_RDWR | O_CLOEXEC);
		if (lfd >= 0 && !ioctl(lfd, LOOP_SET_FD, bfd)) {
			x->io.loop_fd = lfd;
			snprintf(x->io.path, sizeof(x->io.path), "%s", dev);
		} else if (lfd >= 0) {
			close(lfd);
		}
	}
	close(bfd);
	note_dev(x);
	return 0;
}

void sc_io_teardown(struct sc_exec *x)
{
	if (x->io.loop_fd >= 0) {
		ioctl(x->io.loop_fd, LOOP_CLR_FD, 0);
		close(x->io.loop_fd);
		x->io.loop_fd = -1;
	}
	if (x->io.backing[0])
		unlink(x->io.backing);
	x->io.backing[0] = '\0';
}

/* One synchronous 4 KiB write; 1 on a hard error. */
int sc_io_unit(struct sc_wctx *w, int *fd, void *buf)
{
	unsigned int blocks = SC_IO_SIZE / SC_IO_BLOCK;
	off_t off;

	if (*fd < 0) {
		if (!w->io_path || !w->io_path[0])
			return 1;
		*fd = open(w->io_path, O_RDWR | O_DIRECT | O_DSYNC | O_CLOEXEC);
		if (*fd < 0 && errno == EINVAL)
			*fd = open(w->io_path, O_RDWR | O_DSYNC | O_CLOEXEC);
		if (*fd < 0)
			return 1;
	}
	off = (off_t)(sc_xorshift(&w->rng) % blocks) * SC_IO_BLOCK;
	if (pwrite(*fd, buf, SC_IO_BLOCK, off) != SC_IO_BLOCK) {
		if (errno == EINTR)
			return 0;
		w->slot->fails++;
		return errno == ENOSPC || errno == EIO ? 0 : 1;
	}
	if (strncmp(w->io_path, "/dev/", 5))
		fdatasync(*fd);
	sc_unit_done(w);
	return 0;
}

int sc_work_io(struct sc_wctx *w)
{
	void *buf;
	int fd = -1, r = 0;

	if (posix_memalign(&buf, SC_IO_BLOCK, SC_IO_BLOCK))
		return 1;
	memset(buf, 0xa5, SC_IO_BLOCK);
	while (!sc_stopping(w) && !r)
		r = sc_io_unit(w, &fd, buf);
	if (r) {
		w->slot->error = errno;
		snprintf(w->slot->errmsg, sizeof(w->slot->errmsg), "IO on %s: %s",
			 w->io_path ? w->io_path : "(none)", strerror(errno));
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return r;
}
