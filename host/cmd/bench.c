// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr bench boot: boot-to-agent-ready against a bare reference boot.
 *
 * Both boots use the same kernel, QEMU machine and flags; the reference
 * initramfs holds only a static /init that ends the VM at once. Runs
 * alternate so drift on the host hits both alike. Prints medians.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cmd/cli.h"
#include "vm/accel.h"
#include "vm/topology.h"

#define MAX_RUNS 50

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double median_s(uint64_t *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) / 1e9;
}

/* One boot of each kind; false if either failed. */
static bool boot_pair(struct vm_setup *s, uint64_t *ref, uint64_t *ready,
		      uint64_t *total)
{
	struct vm_opts ro = s->opts, ao = s->opts;
	struct vm_result *r = calloc(1, sizeof(*r));
	bool ok;

	if (!r)
		return false;
	memset(&ro.rootfs, 0, sizeof(ro.rootfs));
	ro.rootfs.init = s->paths.reference_init;
	ro.job.command = "true";
	vm_run(&ro, r);
	/* The reference never says HELLO: it just ends the VM. */
	ok = r->outcome == VM_ERROR && strstr(r->detail, "exited with status 0");
	*ref = r->total_ns;
	if (!ok)
		errmsg("reference boot failed: %s", r->detail);
	ao.job.command = "true";
	vm_run(&ao, r);
	*ready = r->boot_ns;
	*total = r->total_ns;
	if (r->outcome != VM_EXITED || r->exit_code) {
		errmsg("agent boot failed: %s", r->detail);
		ok = false;
	}
	free(r);
	return ok;
}

int cmd_bench(int argc, const char **argv)
{
	int runs = 5;
	char *cpus_arg = "1,2,4,8";
	struct poptOption table[] = {
		{ "runs", 'r', POPT_ARG_INT, &runs, 0,
		  "boots of each kind per CPU count (default 5)", "N" },
		{ "cpus", 'c', POPT_ARG_STRING, &cpus_arg, 0,
		  "vCPU counts to measure (default 1,2,4,8)", "LIST" },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, vm_cli_options, 0,
		  "VM options:", NULL },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr bench", argc, argv, table, 0);
	uint64_t ref[MAX_RUNS], ready[MAX_RUNS], total[MAX_RUNS];
	char *list = NULL, *save = NULL;
	int opt, status = EXIT_USAGE;
	struct vm_setup s;

	memset(&s, 0, sizeof(s));
	poptSetOtherOptionHelp(pc, "[OPTION...] boot");
	while ((opt = poptGetNextOpt(pc)) > 0)
		if (!vm_cli_take(pc, opt))
			break;
	if (opt < -1) {
		errmsg("bench: %s: %s", poptBadOption(pc, 0), poptStrerror(opt));
		goto out;
	}
	if (!poptPeekArg(pc) || strcmp(poptPeekArg(pc), "boot")) {
		errmsg("bench: expected 'boot', e.g. 'ktstr bench boot --runs 5'");
		goto out;
	}
	if (runs < 1 || runs > MAX_RUNS) {
		errmsg("bench: bad --runs %d: expected 1 to %d", runs, MAX_RUNS);
		goto out;
	}
	list = strdup(cpus_arg);
	printf("%-5s %-6s %-13s %-13s %-13s %-8s %-8s\n", "vcpus", "accel",
	       "reference_s", "agent_ready_s", "agent_exit_s", "ready/ref",
	       "exit/ref");
	for (char *c = strtok_r(list, ",", &save); c;
	     c = strtok_r(NULL, ",", &save)) {
		char spec[32];
		double mr, ma, mt;
		int n = atoi(c);

		if (n < 1 || n > TOPO_MAX_CPUS) {
			errmsg("bench: bad --cpus entry \"%s\": expected 1 to %d",
			       c, TOPO_MAX_CPUS);
			goto out;
		}
		snprintf(spec, sizeof(spec), "1n1l%dc1t", n);
		vm_cli.topology = spec;
		vm_setup_free(&s);
		status = vm_cli_resolve(&s, false);
		if (status)
			goto out;
		vm_choose_accel(&s.opts);
		status = 1;
		for (int i = 0; i < runs; i++) {
			if (!boot_pair(&s, &ref[i], &ready[i], &total[i]))
				goto out;
			if (vm_pending_signal())
				goto out;
		}
		mr = median_s(ref, runs);
		ma = median_s(ready, runs);
		mt = median_s(total, runs);
		printf("%-5d %-6s %-13.3f %-13.3f %-13.3f %-8.3f %-8.3f\n", n,
		       s.opts.cfg.accel == ACCEL_KVM ? "kvm" : "tcg", mr, ma,
		       mt, ma / mr, mt / mr);
		fflush(stdout);
	}
	status = 0;
out:
	free(list);
	vm_setup_free(&s);
	poptFreeContext(pc);
	return status;
}
