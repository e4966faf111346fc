// SPDX-License-Identifier: GPL-2.0
/*
 * The QEMU process: started so that it dies with us (PR_SET_PDEATHSIG),
 * its vCPU threads kept behind its main loop, stopped before we return.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "vm/internal.h"

#define VCPU_NICE	5
#define STOP_GRACE_MS	2000

pid_t qemu_spawn(struct vm *v, char *const argv[], int out[2], int err[2])
{
	bool tty = v->o->job.interactive;
	pid_t pid;

	if (!tty && (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)))
		return -1;
	pid = fork();
	if (pid == 0) {
		sigset_t all;

		/* QEMU must not outlive us, even if we are SIGKILLed. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (!tty) {
			int null = open("/dev/null", O_RDONLY);

			dup2(null, 0);
			dup2(out[1], 1);
			dup2(err[1], 2);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "cannot execute %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	if (!tty) {
		close(out[1]);
		close(err[1]);
	}
	return pid;
}

/*
 * Let QEMU's main loop (QMP, virtio-serial, console) win over busy vCPU
 * threads when host CPUs are scarce: the vCPUs get a higher nice value.
 * Raising nice needs no privilege.
 */
void qemu_deprioritize_vcpus(pid_t qemu)
{
	char path[64];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", qemu);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		char comm_path[128], *comm;
		int tid = atoi(e->d_name);

		if (tid <= 0)
			continue;
		snprintf(comm_path, sizeof(comm_path), "%s/%d/comm", path, tid);
		comm = read_file(comm_path, 64, NULL);
		if (comm && !strncmp(comm, "CPU ", 4))
			setpriority(PRIO_PROCESS, (id_t)tid, VCPU_NICE);
		free(comm);
	}
	if (d)
		closedir(d);
}

void qemu_stop(struct vm *v)
{
	if (v->pid <= 0)
		return;
	if (!v->qemu_gone) {
		struct pollfd p = { .fd = v->pidfd, .events = POLLIN };

		kill(v->pid, SIGTERM);
		if (v->pidfd < 0 || poll(&p, 1, STOP_GRACE_MS) <= 0)
			kill(v->pid, SIGKILL);
	}
	waitpid(v->pid, NULL, 0);
	v->pid = -1;
}
