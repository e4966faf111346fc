// SPDX-License-Identifier: GPL-2.0
/*
 * scx_fault: the user-space half of ktstr's fault-injecting scheduler.
 * See scx_fault.bpf.c for what each fault does.
 */
#include <libgen.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <scx/common.h>
#include "scx_fault.bpf.skel.h"

static const char help_fmt[] =
"ktstr's fault-injecting sched_ext scheduler (FIFO until a fault fires).\n"
"\n"
"Usage: %s [-e MS] [-x MS] [-s MS] [-p PID] [-c COMM] [-l MS] [-k MS]\n"
"\n"
"  -e MS     scx_bpf_error() MS milliseconds after attaching\n"
"  -x MS     exit cleanly from BPF (scx_bpf_exit) after MS\n"
"  -s MS     after MS, stop dispatching the tasks picked by -p or -c\n"
"  -p PID    the task to stall\n"
"  -c COMM   the tasks to stall, by comm\n"
"  -l MS     after MS, spin in ops.dispatch\n"
"  -k MS     crash this process (SIGSEGV) after MS, BPF part attached\n"
"  -h        this help\n";

/* Lock-free, so safe to store from a signal handler. */
static atomic_int exit_req;

static void on_signal(int sig)
{
	atomic_store(&exit_req, 1);
}

static unsigned long long ms_arg(const char *s, const char *what)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (!*s || *end || v > 86400000ull) {
		fprintf(stderr, "scx_fault: bad %s \"%s\": expected milliseconds\n",
			what, s);
		exit(2);
	}
	return v;
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	unsigned long long crash_after = 0, start;
	struct scx_fault *skel;
	struct bpf_link *link;
	int opt;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	skel = SCX_OPS_OPEN(fault_ops, scx_fault);
	while ((opt = getopt(argc, argv, "e:x:s:p:c:l:k:h")) != -1) {
		switch (opt) {
		case 'e':
			skel->bss->error_after_ns = ms_arg(optarg, "-e") * 1000000;
			break;
		case 'x':
			skel->bss->exit_after_ns = ms_arg(optarg, "-x") * 1000000;
			break;
		case 's':
			skel->bss->stall_after_ns = ms_arg(optarg, "-s") * 1000000;
			break;
		case 'p':
			skel->bss->stall_pid = (int)ms_arg(optarg, "-p");
			break;
		case 'c':
			snprintf(skel->bss->stall_comm,
				 sizeof(skel->bss->stall_comm), "%s", optarg);
			break;
		case 'l':
			skel->bss->loop_after_ns = ms_arg(optarg, "-l") * 1000000;
			break;
		case 'k':
			crash_after = ms_arg(optarg, "-k");
			break;
		default:
			fprintf(stderr, help_fmt, basename(argv[0]));
			return opt != 'h';
		}
	}
	if (skel->bss->stall_after_ns && !skel->bss->stall_pid &&
	    !skel->bss->stall_comm[0]) {
		fprintf(stderr, "scx_fault: -s needs -p PID or -c COMM\n");
		return 2;
	}
	SCX_OPS_LOAD(skel, fault_ops, scx_fault, uei);
	link = SCX_OPS_ATTACH(skel, fault_ops, scx_fault);
	start = now_ms();
	while (!atomic_load(&exit_req) && !UEI_EXITED(skel, uei)) {
		if (crash_after && now_ms() - start >= crash_after) {
			fprintf(stderr, "scx_fault: crashing as asked (-k)\n");
			fflush(stderr);
			raise(SIGSEGV);
		}
		printf("stalled=%llu\n", (unsigned long long)skel->bss->nr_stalled);
		fflush(stdout);
		usleep(100000);
	}
	bpf_link__destroy(link);
	UEI_REPORT(skel, uei);
	scx_fault__destroy(skel);
	return 0;
}
