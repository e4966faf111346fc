// SPDX-License-Identifier: GPL-2.0
/*
 * The run directory: one private directory under /dev/shm per VM holding
 * guest RAM files, sockets and the initramfs, removed on every exit path.
 * Directories of a ktstr that was SIGKILLed are swept by the next run
 * (paths_sweep_stale()).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "paths.h"
#include "util.h"
#include "vm/internal.h"

int rundir_create(struct vm *v)
{
	snprintf(v->dir, sizeof(v->dir), SHM_DIR "/" RUNDIR_FMT "XXXXXX", getpid());
	if (mkdtemp(v->dir))
		return 0;
	v->dir[0] = '\0';
	vm_fail(v, VM_ERROR, "cannot create a run directory in " SHM_DIR ": %s",
		strerror(errno));
	return -1;
}

int rundir_listen(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

void rundir_remove(struct vm *v)
{
	if (v->dir[0])
		remove_tree(v->dir);
	v->dir[0] = '\0';
}
