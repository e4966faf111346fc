// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-agent: /init of the guest. Mounts the pseudo filesystems, says
 * HELLO to the host over the control port, runs what the host asks
 * (with the scheduler under test attached, if any), reports the exit
 * status and powers the VM off. As PID 1 it must never exit: the kernel
 * would panic.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent.h"
#include "kmod_load.h"
#include "ktstr_env.h"
#include "util.h"

#define KTSTR_KO "/lib/modules/ktstr.ko"

static void power_off(void)
{
	sync();
	/* QEMU runs with -no-reboot: a reboot ends the VM at once. */
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void say_hello(struct port *p)
{
	uint8_t buf[512];
	struct utsname u;
	size_t off = 0;

	uname(&u);
	wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_AGENT_VERSION,
			 AGENT_VERSION);
	wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_KERNEL_RELEASE,
			 u.release);
	wire_tlv_put_u32(buf, sizeof(buf), &off, KTSTR_TLV_NR_CPUS,
			 (uint32_t)sysconf(_SC_NPROCESSORS_ONLN));
	port_send(p, KTSTR_MSG_HELLO, buf, off);
}

static void send_exit(struct port *p, int status)
{
	uint8_t buf[32];
	size_t off = 0;

	if (WIFSIGNALED(status))
		wire_tlv_put_u32(buf, sizeof(buf), &off, KTSTR_TLV_EXIT_SIGNAL,
				 (uint32_t)WTERMSIG(status));
	else
		wire_tlv_put_u32(buf, sizeof(buf), &off, KTSTR_TLV_EXIT_CODE,
				 (uint32_t)WEXITSTATUS(status));
	port_send(p, KTSTR_MSG_EXIT, buf, off);
}

/*
 * What a test may want to know about its run: the scheduler (to watch
 * it, or to restart it) and where to leave files for the host.
 */
static void export_job_env(const struct job *j, const struct agent_sched *s)
{
	char buf[4096];
	size_t off = 0;

	mkdir_p(AGENT_OUTPUT_DIR, 0755);
	setenv(KTSTR_ENV_OUTPUT_DIR, AGENT_OUTPUT_DIR, 1);
	if (!j->sched_path)
		return;
	snprintf(buf, sizeof(buf), "%d", s->proc.pid);
	setenv(KTSTR_ENV_SCHED_PID, buf, 1);
	setenv(KTSTR_ENV_SCHED_PATH, j->sched_path, 1);
	if (s->handoff_fd >= 0)
		setenv(KTSTR_ENV_SCHED_HANDOFF, AGENT_HANDOFF_SOCK, 1);
	buf[0] = '\0';
	for (size_t i = 0; i < j->sched_args.n && off < sizeof(buf); i++)
		off += snprintf(buf + off, sizeof(buf) - off, "%s%s",
				i ? " " : "", j->sched_args.v[i]);
	setenv(KTSTR_ENV_SCHED_ARGS, buf, 1);
}

static void serve(struct port *p, bool kmod_loaded)
{
	static uint8_t req[KTSTR_WIRE_MAX_PAYLOAD];
	struct agent_sched s = { .handoff_fd = -1 };
	char err[256];
	struct job j;
	size_t len;
	int status, events_fd;

	if (port_wait(p, KTSTR_MSG_RUN, req, sizeof(req), &len)) {
		fprintf(stderr, "ktstr-agent: control port read failed: %s\n",
			strerror(errno));
		return;
	}
	if (job_decode(req, len, &j, err, sizeof(err))) {
		port_send_text(p, KTSTR_MSG_ERROR, KTSTR_TLV_ERROR_TEXT, err);
		job_free(&j);
		return;
	}
	heartbeat_start(p);
	/* From here on the relay thread owns reading the port. */
	if (kmod_loaded && relay_start(p))
		port_log(p, "the capture relay did not start; ktstr-ctl capture will fail");
	if (j.sched_path && sched_start(p, &j, &s)) {
		job_free(&j);
		return;
	}
	export_job_env(&j, &s);
	events_fd = events_open(p);
	status = job_run(p, &j, j.sched_path ? &s : NULL, events_fd);
	events_close(events_fd);
	if (status < 0)
		port_send_text(p, KTSTR_MSG_ERROR, KTSTR_TLV_ERROR_TEXT,
			       "cannot start the job");
	if (j.sched_path)
		sched_stop(p, &s);
	outfiles_send(p, AGENT_OUTPUT_DIR);
	if (status >= 0)
		send_exit(p, status);
	job_free(&j);
}

int main(void)
{
	struct strlist errors = STRLIST_INIT;
	bool kmod_loaded = false;
	struct port p;

	ktstr_prog = "ktstr-agent";
	mounts_setup(&errors);
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin:/include", 1);
	setenv("HOME", "/root", 1);
	setenv("TERM", "linux", 1);
	if (port_open(&p, KTSTR_WIRE_PORT_NAME, 10000)) {
		fprintf(stderr, "ktstr-agent: no control port %s: %s\n",
			KTSTR_WIRE_PORT_NAME, strerror(errno));
		power_off();
	}
	say_hello(&p);
	if (!access(KTSTR_KO, R_OK)) {
		char err[512];

		if (ktstr_kmod_load(KTSTR_KO, err, sizeof(err))) {
			strlist_pushf(&errors, "%s; /dev/ktstr is unavailable",
				      err);
		} else {
			relay_publish_layout(&p);
			kmod_loaded = true;
		}
	}
	for (size_t i = 0; i < errors.n; i++)
		port_log(&p, "%s", errors.v[i]);
	strlist_free(&errors);
	serve(&p, kmod_loaded);
	port_send(&p, KTSTR_MSG_BYE, NULL, 0);
	power_off();
	return 0;
}
