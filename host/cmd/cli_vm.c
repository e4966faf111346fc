// SPDX-License-Identifier: GPL-2.0
/*
 * The VM options every VM-booting subcommand takes, and their
 * validation: each bad value gets one line and EXIT_USAGE before anything
 * is started.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "ktstr_env.h"
#include "vm/accel.h"
#include "cmd/cli.h"
#include "kernel/kmod.h"
#include "vm/topology.h"

#define DEFAULT_TOPOLOGY	"1n1l2c1t"
#define DEFAULT_MEMORY_MB	512
#define DEFAULT_TIMEOUT_S	600

struct vm_cli vm_cli = {
	.topology = DEFAULT_TOPOLOGY,
	.accel = "auto",
	.memory_mb = DEFAULT_MEMORY_MB,
	.timeout_s = -1,
	.snapshot_window_s = 5.0,
	.watchdog_s = -1,
	.hang_timeout_s = -1,
};

struct poptOption vm_cli_options[] = {
	{ "kernel", 'k', POPT_ARG_STRING, &vm_cli.kernel, VM_CLI_KERNEL,
	  "kernel build tree, bzImage, vmlinux or a cache entry's name (default: the cached build)",
	  "PATH|NAME" },
	{ "topology", 't', POPT_ARG_STRING, &vm_cli.topology, VM_CLI_TOPOLOGY,
	  "CPU topology: a preset name (ktstr topo --presets) or NnLlCcTt (default "
	  DEFAULT_TOPOLOGY ")", "NAME|SPEC" },
	{ "memory", 'm', POPT_ARG_INT, &vm_cli.memory_mb, 0,
	  "guest memory in MB (default 512)", "MB" },
	{ "accel", 0, POPT_ARG_STRING, &vm_cli.accel, 0,
	  "auto, kvm or tcg (default auto)", "ACCEL" },
	{ "scheduler", 's', POPT_ARG_STRING, &vm_cli.scheduler, VM_CLI_SCHEDULER,
	  "sched_ext scheduler: a built example name or a path; "
	  SCHED_KERNEL_DEFAULT " for none", "SCHED" },
	{ "sched-args", 0, POPT_ARG_STRING, &vm_cli.sched_args, 0,
	  "arguments for the scheduler", "ARGS" },
	{ "include", 'i', POPT_ARG_STRING, NULL, VM_CLI_INCLUDE,
	  "copy a file into the guest's /include (repeatable)", "PATH" },
	{ "timeout", 0, POPT_ARG_INT, &vm_cli.timeout_s, 0,
	  "end the VM after this many seconds (default 600)", "SECONDS" },
	{ "output-dir", 'o', POPT_ARG_STRING, &vm_cli.output_dir, 0,
	  "write console and scheduler logs and snapshots here", "DIR" },
	{ "snapshots", 0, POPT_ARG_INT, &vm_cli.snapshots, 0,
	  "take N periodic snapshots of the frozen VM during the job", "N" },
	{ "snapshot-window", 0, POPT_ARG_DOUBLE, &vm_cli.snapshot_window_s, 0,
	  "spread the periodic snapshots over 10-90 % of this many seconds from the job's start (default 5)",
	  "SECONDS" },
	{ "watchdog", 0, POPT_ARG_DOUBLE, &vm_cli.watchdog_s, 0,
	  "sched_ext's stall watchdog, seconds, replacing the scheduler's own; 0 keeps the kernel's or the scheduler's (default 20 on TCG, 10 on KVM or the scheduler's if shorter)",
	  "SECONDS" },
	{ "hang-timeout", 0, POPT_ARG_DOUBLE, &vm_cli.hang_timeout_s, 0,
	  "call the guest hung after this many seconds without a word from its agent; 0: never (default: the watchdog + 10)",
	  "SECONDS" },
	{ "disk-iops", 0, POPT_ARG_DOUBLE, &vm_cli.disk_iops, 0,
	  "throttle the guest's disk (/dev/vda) to this many requests per second (QEMU throttle group)",
	  "IOPS" },
	{ "disk-bps", 0, POPT_ARG_DOUBLE, &vm_cli.disk_bps, 0,
	  "throttle the guest's disk to this many bytes per second", "BYTES" },
	{ "expect", 0, POPT_ARG_STRING, &vm_cli.expect, 0,
	  "a negative control: pass only if the run ends with this verdict (sched-error, sched-killed, ...)",
	  "VERDICT" },
	{ "no-kmod", 0, POPT_ARG_NONE, &vm_cli.no_kmod, 0,
	  "boot without ktstr.ko loaded (for tests that load and unload it themselves); no /dev/ktstr, no guest-requested captures",
	  NULL },
	{ "verbose", 'v', POPT_ARG_NONE, NULL, 'v',
	  "show the guest console (twice: also QEMU's command and the scheduler output)",
	  NULL },
	POPT_TABLEEND
};

bool vm_cli_take(poptContext pc, int opt)
{
	if (opt == 'v') {
		vm_cli.verbose++;
		return true;
	}
	if (opt == VM_CLI_INCLUDE) {
		strlist_push(&vm_cli.includes, poptGetOptArg(pc) ?: "");
		return true;
	}
	/* popt stored the value; the gauntlet takes every one. */
	if (opt == VM_CLI_TOPOLOGY) {
		strlist_push(&vm_cli.topologies, vm_cli.topology ?: "");
		return true;
	}
	if (opt == VM_CLI_SCHEDULER) {
		strlist_push(&vm_cli.schedulers, vm_cli.scheduler ?: "");
		return true;
	}
	if (opt == VM_CLI_KERNEL) {
		strlist_push(&vm_cli.kernels, vm_cli.kernel ?: "");
		return true;
	}
	return false;
}

static const char *find_qemu(void)
{
	static char found[PATH_MAX];
	const char *env = getenv(KTSTR_ENV_QEMU);
	const char *path = getenv("PATH");
	char *dirs, *save = NULL;

	if (env)
		return access(env, X_OK) ? NULL : env;
	dirs = strdup(path ? path : "/usr/bin:/bin");
	for (char *d = strtok_r(dirs, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(found, sizeof(found), "%s/qemu-system-x86_64", d);
		if (!access(found, X_OK)) {
			free(dirs);
			return found;
		}
	}
	free(dirs);
	return NULL;
}

static int check_includes(void)
{
	for (size_t i = 0; i < vm_cli.includes.n; i++) {
		const char *p = vm_cli.includes.v[i];
		struct stat st;

		if (stat(p, &st) || access(p, R_OK)) {
			errmsg("cannot read --include %s: %s", p,
			       strerror(errno ? errno : EACCES));
			return -1;
		}
		if (!S_ISREG(st.st_mode)) {
			errmsg("--include %s is not a regular file; give files, not directories",
			       p);
			return -1;
		}
	}
	return 0;
}

/* ktstr.ko goes into the guest only if it was built for this kernel. */
static const char *kmod_for(struct vm_setup *s)
{
	char err[PATH_MAX * 2];
	int r = kmod_pick(&s->paths, s->kernel.tree, s->kmod, sizeof(s->kmod),
			  err, sizeof(err));

	if (r < 0)
		errmsg("%s; running without /dev/ktstr (the tests that need it skip)",
		       err);
	return r ? NULL : s->kmod;
}

int vm_sched_pick(const struct vm_setup *s, const char *arg,
		  struct sched_pick *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (!strcmp(arg, SCHED_KERNEL_DEFAULT)) {
		snprintf(p->name, sizeof(p->name), "%s", SCHED_KERNEL_DEFAULT);
		return 0;
	}
	if (kernel_sched_path(&s->kernel, s->paths.scheds, arg, p->host,
			      sizeof(p->host), err, errlen))
		return -1;
	initramfs_guest_path(GUEST_SCHED_DIR, p->host, p->guest,
			     sizeof(p->guest));
	snprintf(p->name, sizeof(p->name), "%s", strrchr(p->host, '/') + 1);
	return 0;
}

static int setup_sched_args(struct vm_setup *s, char *err, size_t errlen)
{
	const char **argv = NULL;
	int argc = 0;

	if (vm_cli.sched_args && vm_cli.sched_args[0]) {
		/* popt splits the string the way a shell would. */
		int r = poptParseArgvString(vm_cli.sched_args, &argc, &argv);

		if (r) {
			snprintf(err, errlen, "--sched-args \"%s\": %s",
				 vm_cli.sched_args, poptStrerror(r));
			return -1;
		}
		for (int i = 0; i < argc; i++)
			strlist_push(&s->sched_args, argv[i]);
		free(argv);
	}
	return 0;
}

int vm_cli_check_memory(const struct topology *t, char *err, size_t errlen)
{
	if (vm_cli.memory_mb / t->nodes < VM_MIN_NODE_MB) {
		snprintf(err, errlen,
			 "--memory %d is too small for %u NUMA nodes: give at least %u MB",
			 vm_cli.memory_mb, t->nodes, VM_MIN_NODE_MB * t->nodes);
		return -1;
	}
	return 0;
}

int vm_setup_use(struct vm_setup *s, const struct topology *t,
		 const char *name, const struct sched_pick *p)
{
	struct vm_opts *o = &s->opts;
	char spec[TOPO_SPEC_MAX];
	bool sched;

	if (t != &o->cfg.topo)
		o->cfg.topo = *t;
	if (name != s->topo_name)
		snprintf(s->topo_name, sizeof(s->topo_name), "%s", name);
	if (p != &s->sched)
		s->sched = *p;
	sched = s->sched.host[0];
	s->sched_name = sched ? s->sched.name : NULL;
	o->rootfs.scheduler = sched ? s->sched.host : NULL;
	o->job.sched_path = sched ? s->sched.guest : NULL;
	topology_spec(&o->cfg.topo, spec, sizeof(spec));
	strlist_free(&s->env);
	if (strlist_pushf(&s->env, KTSTR_ENV_TOPOLOGY "=%s", spec) ||
	    strlist_pushf(&s->env, KTSTR_ENV_SCHEDULER "=%s",
			  sched ? s->sched.name : ""))
		return -1;
	o->job.env = &s->env;
	return 0;
}

/* An option that is 0 (off) or within [lo, hi]. */
static bool off_or_in(double v, double lo, double hi)
{
	return v == 0 || (v >= lo && v <= hi);
}

int vm_cli_resolve(struct vm_setup *s, bool interactive)
{
	struct vm_opts *o = &s->opts;
	char err[1024];
	enum accel accel;
	const char *qemu;

	memset(s, 0, sizeof(*s));
	if (paths_init(&s->paths, err, sizeof(err)))
		goto bad;
	if (topo_resolve(vm_cli.topology, &o->cfg.topo, s->topo_name,
			 sizeof(s->topo_name), err, sizeof(err)))
		goto bad;
	if (accel_parse(vm_cli.accel, &accel)) {
		snprintf(err, sizeof(err),
			 "bad --accel \"%s\": expected auto, kvm or tcg",
			 vm_cli.accel);
		goto bad;
	}
	if (vm_cli.memory_mb <= 0 || vm_cli.memory_mb > 1 << 20) {
		snprintf(err, sizeof(err),
			 "bad --memory %d: expected megabytes between %u and 1048576",
			 vm_cli.memory_mb, VM_MIN_NODE_MB);
		goto bad;
	}
	if (vm_cli_check_memory(&o->cfg.topo, err, sizeof(err)))
		goto bad;
	if (vm_cli.timeout_s < -1 || vm_cli.timeout_s == 0) {
		snprintf(err, sizeof(err),
			 "bad --timeout %d: expected a number of seconds above 0",
			 vm_cli.timeout_s);
		goto bad;
	}
	if (vm_cli.snapshots < 0 || vm_cli.snapshots > 64) {
		snprintf(err, sizeof(err),
			 "bad --snapshots %d: expected 0 to 64", vm_cli.snapshots);
		goto bad;
	}
	if (!(vm_cli.snapshot_window_s >= 0.1 &&
	      vm_cli.snapshot_window_s <= 86400)) {
		snprintf(err, sizeof(err),
			 "bad --snapshot-window %g: expected 0.1 to 86400 seconds",
			 vm_cli.snapshot_window_s);
		goto bad;
	}
	if (vm_cli.watchdog_s != -1 && !off_or_in(vm_cli.watchdog_s, 1, 600)) {
		snprintf(err, sizeof(err),
			 "bad --watchdog %g: expected 1 to 600 seconds, or 0 for the kernel's own",
			 vm_cli.watchdog_s);
		goto bad;
	}
	if (vm_cli.hang_timeout_s != -1 &&
	    !off_or_in(vm_cli.hang_timeout_s, 2, 3600)) {
		snprintf(err, sizeof(err),
			 "bad --hang-timeout %g: expected 2 to 3600 seconds, or 0 to never call the guest hung",
			 vm_cli.hang_timeout_s);
		goto bad;
	}
	if (!off_or_in(vm_cli.disk_iops, 1, 1e7)) {
		snprintf(err, sizeof(err),
			 "bad --disk-iops %g: expected 1 to 10000000 requests per second",
			 vm_cli.disk_iops);
		goto bad;
	}
	if (!off_or_in(vm_cli.disk_bps, 4096, 1e12)) {
		snprintf(err, sizeof(err),
			 "bad --disk-bps %g: expected 4096 to 1e12 bytes per second",
			 vm_cli.disk_bps);
		goto bad;
	}
	if (vm_cli.expect && vm_outcome_parse(vm_cli.expect) < 0) {
		snprintf(err, sizeof(err),
			 "bad --expect \"%s\": expected a verdict name, e.g. sched-error, sched-killed, kernel-oops (see ktstr(1) exit status)",
			 vm_cli.expect);
		goto bad;
	}
	qemu = find_qemu();
	if (!qemu) {
		snprintf(err, sizeof(err),
			 "QEMU not found: no executable qemu-system-x86_64 on PATH (or $KTSTR_QEMU); run 'make deps'");
		goto bad;
	}
	if (access(s->paths.agent, X_OK)) {
		snprintf(err, sizeof(err),
			 "guest agent %s is missing; run 'make'",
			 s->paths.agent);
		goto bad;
	}
	if (kernel_pick(vm_cli.kernel, s->paths.fragment, &s->kernel, err,
			sizeof(err)))
		goto bad;
	if (vm_sched_pick(s, vm_cli.scheduler ?: SCHED_KERNEL_DEFAULT,
			  &s->sched, err, sizeof(err)) ||
	    setup_sched_args(s, err, sizeof(err)))
		goto bad;
	if (check_includes())
		return EXIT_USAGE;
	if (vm_cli.output_dir && (mkdir_p(vm_cli.output_dir, 0755) ||
				  access(vm_cli.output_dir, W_OK))) {
		snprintf(err, sizeof(err),
			 "cannot write to --output-dir %s: %s; give a writable directory",
			 vm_cli.output_dir, strerror(errno));
		goto bad;
	}

	if (vm_setup_use(s, &o->cfg.topo, s->topo_name, &s->sched)) {
		snprintf(err, sizeof(err), "out of memory");
		goto bad;
	}
	o->cfg.qemu = qemu;
	o->cfg.kernel = s->kernel.image;
	o->cfg.memory_mb = (unsigned int)vm_cli.memory_mb;
	o->cfg.disk_iops = (unsigned long long)vm_cli.disk_iops;
	o->cfg.disk_bps = (unsigned long long)vm_cli.disk_bps;
	o->cfg.interactive = interactive;
	o->rootfs.init = s->paths.agent;
	o->rootfs.busybox = access("/usr/bin/busybox", X_OK) ? NULL :
			    "/usr/bin/busybox";
	o->rootfs.includes = &vm_cli.includes;
	o->rootfs.kmod = vm_cli.no_kmod ? NULL : kmod_for(s);
	o->rootfs.ctl = access(s->paths.ctl, X_OK) ? NULL : s->paths.ctl;
	o->job.interactive = interactive;
	o->job.sched_args = &s->sched_args;
	o->timeout_s = vm_cli.timeout_s > 0 ? (unsigned int)vm_cli.timeout_s :
		       interactive ? 0 : DEFAULT_TIMEOUT_S;
	o->output_dir = vm_cli.output_dir;
	o->verbose = vm_cli.verbose;
	o->snapshots = (unsigned int)vm_cli.snapshots;
	o->snapshot_window_ms = (unsigned int)(vm_cli.snapshot_window_s * 1000);
	o->job.watchdog_ms = vm_cli.watchdog_s < 0 ? -1 :
			     (int)(vm_cli.watchdog_s * 1000);
	o->hang_timeout_ms = vm_cli.hang_timeout_s < 0 ? -1 :
			     (int)(vm_cli.hang_timeout_s * 1000);
	if (s->kernel.tree[0]) {
		snprintf(s->vmlinux, sizeof(s->vmlinux), "%s/vmlinux",
			 s->kernel.tree);
		o->vmlinux = s->vmlinux;
	}
	/* auto stays auto here: vm_choose_accel() is a step of the run. */
	o->cfg.accel = accel;
	if (vm_cli.verbose)
		errmsg("kernel %s, topology %s, accel %s, scheduler %s",
		       s->kernel.image, s->topo_name, accel_name(accel),
		       s->sched_name ? s->sched_name : "(kernel default)");
	return 0;
bad:
	errmsg("%s", err);
	return EXIT_USAGE;
}

void vm_setup_free(struct vm_setup *s)
{
	strlist_free(&s->sched_args);
	strlist_free(&s->env);
}

int exit_for_signal(int sig)
{
	return 128 + sig;
}

int vm_cli_expected(const struct vm_result *r)
{
	if (!vm_cli.expect)
		return -1;
	return (int)r->outcome == vm_outcome_parse(vm_cli.expect);
}

int vm_report_failure(const struct vm_result *r)
{
	int expected = vm_cli_expected(r);

	if (expected > 0) {
		errmsg("the run ended with the expected verdict %s",
		       vm_cli.expect);
		return 0;
	}
	if (expected == 0) {
		if (vm_outcome_is_failure_of_test(r->outcome))
			fprintf(stderr, "%s\n", r->detail);
		errmsg("expected the verdict %s, got %s", vm_cli.expect,
		       r->outcome == VM_EXITED ? "none (the job ran to its end)" :
		       vm_outcome_name(r->outcome));
		return r->outcome == VM_EXITED ? 1 :
		       vm_outcome_status(r->outcome);
	}
	switch (r->outcome) {
	case VM_EXITED:
		return r->exit_signal ? 128 + r->exit_signal : r->exit_code;
	case VM_INTERRUPTED:
		errmsg("%s; the VM was stopped and cleaned up", r->detail);
		return exit_for_signal(vm_pending_signal() ?: SIGINT);
	default:
		if (vm_outcome_is_failure_of_test(r->outcome))
			fprintf(stderr, "%s\n", r->detail);	/* BUG SUMMARY */
		else
			errmsg("%s", r->detail);
		return vm_outcome_status(r->outcome);
	}
}
