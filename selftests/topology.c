// SPDX-License-Identifier: GPL-2.0
/*
 * The guest sees the topology the host declared: NUMA nodes, one L3 per
 * LLC, SMT siblings, and scheduler domains built from them. Reads sysfs
 * and debugfs; QEMU's flags are not proof.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "ktstr_guest.h"

FIXTURE(topo) {
	struct guest_topo t;
	unsigned int cpus;
};

FIXTURE_SETUP(topo)
{
	if (guest_topo_get(&self->t))
		SKIP(return, "KTSTR_TOPOLOGY not set: not running under ktstr");
	self->cpus = guest_topo_cpus(&self->t);
}

FIXTURE_TEARDOWN(topo)
{
}

TEST_F(topo, online_cpus)
{
	char buf[64], want[64];

	ASSERT_EQ(0, read_file_str("/sys/devices/system/cpu/online", buf,
				   sizeof(buf)));
	cpu_range(0, self->cpus, want, sizeof(want));
	EXPECT_STREQ(want, buf);
}

TEST_F(topo, numa_nodes)
{
	unsigned int per_llc = self->t.cores * self->t.threads;
	char path[128], buf[256], want[64];

	ASSERT_EQ(0, read_file_str("/sys/devices/system/node/online", buf,
				   sizeof(buf)));
	cpu_range(0, self->t.nodes, want, sizeof(want));
	EXPECT_STREQ(want, buf);
	for (unsigned int n = 0; n < self->t.nodes; n++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/node/node%u/cpulist", n);
		ASSERT_EQ(0, read_file_str(path, buf, sizeof(buf)));
		/* Nodes may differ in size: each has its own run of LLCs. */
		cpu_range(guest_topo_node_first_llc(&self->t, n) * per_llc,
			  self->t.node_llcs[n] * per_llc, want, sizeof(want));
		EXPECT_STREQ(want, buf) TH_LOG("node %u", n);
	}
}

TEST_F(topo, llc_per_cache_domain)
{
	unsigned int per_llc = self->t.cores * self->t.threads;
	char path[160], buf[256], want[64];

	for (unsigned int cpu = 0; cpu < self->cpus; cpu++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%u/cache/index3/shared_cpu_list",
			 cpu);
		ASSERT_EQ(0, read_file_str(path, buf, sizeof(buf)))
			TH_LOG("cpu %u has no L3 in sysfs", cpu);
		cpu_range(cpu / per_llc * per_llc, per_llc, want, sizeof(want));
		EXPECT_STREQ(want, buf) TH_LOG("cpu %u", cpu);
	}
}

TEST_F(topo, smt_siblings)
{
	unsigned int t = self->t.threads;
	char path[160], buf[256], want[64];

	for (unsigned int cpu = 0; cpu < self->cpus; cpu++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%u/topology/thread_siblings_list",
			 cpu);
		ASSERT_EQ(0, read_file_str(path, buf, sizeof(buf)));
		cpu_range(cpu / t * t, t, want, sizeof(want));
		EXPECT_STREQ(want, buf) TH_LOG("cpu %u", cpu);
	}
}

/*
 * Expected scheduler domains of CPU 0, innermost first. A level whose
 * span equals its child's is degenerate and the kernel drops it.
 */
static int expected_domains(const struct guest_topo *t, const char **names)
{
	int n = 0;

	if (t->threads > 1)
		names[n++] = "SMT";
	if (t->cores > 1)
		names[n++] = "MC";
	/* CPU 0 is on node 0: its LLCs make the package level. */
	if (t->node_llcs[0] > 1)
		names[n++] = "PKG";
	if (t->nodes > 1)
		names[n++] = "NUMA";
	return n;
}

TEST_F(topo, sched_domains)
{
	const char *want[4];
	char path[160], buf[64];
	int n = expected_domains(&self->t, want), i;

	if (self->cpus == 1)
		SKIP(return, "one CPU has no scheduler domains");
	/* The per-CPU domain directories exist only in verbose mode. */
	ASSERT_EQ(0, write_file_str("/sys/kernel/debug/sched/verbose", "Y"))
		TH_LOG("debugfs is not mounted or CONFIG_SCHED_DEBUG is off");
	for (i = 0;; i++) {
		snprintf(path, sizeof(path),
			 "/sys/kernel/debug/sched/domains/cpu0/domain%d/name",
			 i);
		if (read_file_str(path, buf, sizeof(buf)))
			break;
		ASSERT_LT(i, n) TH_LOG("unexpected domain%d %s", i, buf);
		EXPECT_STREQ(want[i], buf) TH_LOG("domain%d", i);
	}
	EXPECT_EQ(n, i);
}

TEST_HARNESS_MAIN
