// SPDX-License-Identifier: GPL-2.0
/*
 * Topology specs: parsing, rejection of bad specs, CPU placement, and the
 * QEMU arguments a topology yields.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "vm/qemu_args.h"
#include "vm/topo_presets.h"
#include "vm/topology.h"

static char err[512];

TEST(parse_full_spec)
{
	struct topology t;

	ASSERT_EQ(0, topology_parse("2n4l2c2t", &t, err, sizeof(err)));
	EXPECT_EQ(2u, t.nodes);
	EXPECT_EQ(4u, t.llcs);
	EXPECT_EQ(2u, t.cores);
	EXPECT_EQ(2u, t.threads);
	EXPECT_EQ(16u, topology_nr_cpus(&t));
}

TEST(spec_round_trips)
{
	const char *specs[] = { "1n1l1c1t", "2n4l2c2t", "4n4l3c1t",
				"1n63l4c1t", "3n6l7c2t", "2n3+1l2c1t",
				"3n1+2+4l1c2t" };
	struct topology t;
	char buf[64];

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		ASSERT_EQ(0, topology_parse(specs[i], &t, err, sizeof(err)));
		topology_spec(&t, buf, sizeof(buf));
		EXPECT_STREQ(specs[i], buf);
	}
}

struct bad_spec {
	const char *spec;
	const char *why;	/* a fragment the message must contain */
};

TEST(rejects_bad_specs)
{
	const struct bad_spec bad[] = {
		{ "", "expected a number of NUMA nodes" },
		{ "0n1l1c1t", "NUMA nodes must be at least 1" },
		{ "1n0l1c1t", "LLCs must be at least 1" },
		{ "1n1l0c1t", "cores per LLC must be at least 1" },
		{ "1n1l1c0t", "threads per core must be at least 1" },
		{ "2n3l1c1t", "cannot be split evenly" },
		{ "1n1l253c1t", "253 CPUs is more than the 252" },
		{ "1n64l4c1t", "256 CPUs" },
		{ "1n1l2c", "expected a number of threads" },
		{ "1n1l2c1t ", "unexpected" },
		{ "1n1l2c1tx", "unexpected" },
		{ "n1l1c1t", "expected a number" },
		{ "1l1n1c1t", "expected 'n'" },
		{ "-1n1l1c1t", "expected a number" },
		{ "99999999999n1l1c1t", "out of range" },
		{ "1n1l2c2t2", "unexpected" },
		{ "2n3+1+1l1c1t", "3 per-node LLC counts for 2 NUMA nodes" },
		{ "1n2+2l1c1t", "2 per-node LLC counts for 1 NUMA node;" },
		{ "2n3+0l1c1t", "LLCs must be at least 1" },
		{ "2n3+l1c1t", "expected a number of LLCs" },
		{ "2n3+1c1t", "expected 'l'" },
		{ "129n129l1c1t", "more than the 128 QEMU takes" },
		{ "2n200+53l1c1t", "253 CPUs" },
	};
	struct topology t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		EXPECT_EQ(-1, topology_parse(bad[i].spec, &t, err, sizeof(err)))
			TH_LOG("accepted bad spec \"%s\"", bad[i].spec);
		EXPECT_NE(NULL, strstr(err, bad[i].why))
			TH_LOG("spec \"%s\": message \"%s\" lacks \"%s\"",
			       bad[i].spec, err, bad[i].why);
		/* One line that also says what is expected. */
		EXPECT_EQ(NULL, strchr(err, '\n'));
		EXPECT_NE(NULL, strstr(err, "expected NnLlCcTt"));
	}
}

static int pick_node(const struct cpu_place *p, unsigned int arg)
{
	return p->node == arg;
}

TEST(asymmetric_nodes)
{
	struct topology t;
	struct cpu_place p;
	char buf[256];

	ASSERT_EQ(0, topology_parse("2n3+1l2c1t", &t, err, sizeof(err)));
	EXPECT_EQ(2u, t.nodes);
	EXPECT_EQ(4u, t.llcs);
	EXPECT_EQ(3u, t.node_llcs[0]);
	EXPECT_EQ(1u, t.node_llcs[1]);
	EXPECT_EQ(8u, topology_nr_cpus(&t));
	EXPECT_FALSE(topology_is_uniform(&t));
	EXPECT_EQ(0u, topology_llc_node(&t, 2));
	EXPECT_EQ(1u, topology_llc_node(&t, 3));
	p = topology_place(&t, 5);	/* llc 2, still node 0 */
	EXPECT_EQ(0u, p.node);
	EXPECT_EQ(2u, p.llc);
	p = topology_place(&t, 6);	/* llc 3: node 1 */
	EXPECT_EQ(1u, p.node);
	EXPECT_EQ(3u, p.llc);
	EXPECT_EQ(0u, p.core);
	topology_cpulist(&t, pick_node, 0, buf, sizeof(buf));
	EXPECT_STREQ("0-5", buf);
	topology_cpulist(&t, pick_node, 1, buf, sizeof(buf));
	EXPECT_STREQ("6-7", buf);
}

/* Equal counts written as a list are the uniform shape. */
TEST(equal_list_is_uniform)
{
	struct topology t;
	char buf[64];

	ASSERT_EQ(0, topology_parse("2n2+2l2c1t", &t, err, sizeof(err)));
	EXPECT_TRUE(topology_is_uniform(&t));
	topology_spec(&t, buf, sizeof(buf));
	EXPECT_STREQ("2n4l2c1t", buf);
}

TEST(apic_ids)
{
	struct topology t;

	ASSERT_EQ(0, topology_parse("1n1l2c1t", &t, err, sizeof(err)));
	EXPECT_EQ(1u, topology_max_apic_id(&t));
	ASSERT_EQ(0, topology_parse("2n4l2c2t", &t, err, sizeof(err)));
	EXPECT_EQ(15u, topology_max_apic_id(&t));
	/* 3 cores pad to 4, 1 thread: socket 3 starts at 12. */
	ASSERT_EQ(0, topology_parse("1n4l3c1t", &t, err, sizeof(err)));
	EXPECT_EQ(14u, topology_max_apic_id(&t));
	ASSERT_EQ(0, topology_parse("2n2l63c2t", &t, err, sizeof(err)));
	EXPECT_EQ(253u, topology_max_apic_id(&t));
	/* 252 CPUs, but 21 cores pad to 32: IDs up to 361. */
	ASSERT_EQ(0, topology_parse("2n6l21c2t", &t, err, sizeof(err)));
	EXPECT_EQ(361u, topology_max_apic_id(&t));
}

TEST(max_cpus_accepted)
{
	struct topology t;

	ASSERT_EQ(0, topology_parse("2n2l63c2t", &t, err, sizeof(err)));
	EXPECT_EQ(252u, topology_nr_cpus(&t));
}

TEST(cpu_placement)
{
	struct topology t;
	struct cpu_place p;

	ASSERT_EQ(0, topology_parse("2n4l2c2t", &t, err, sizeof(err)));
	p = topology_place(&t, 0);
	EXPECT_EQ(0u, p.node);
	EXPECT_EQ(0u, p.llc);
	p = topology_place(&t, 5);	/* llc 1, core 0, thread 1 */
	EXPECT_EQ(0u, p.node);
	EXPECT_EQ(1u, p.llc);
	EXPECT_EQ(0u, p.core);
	EXPECT_EQ(1u, p.thread);
	p = topology_place(&t, 11);	/* llc 2 -> node 1, core 1, thread 1 */
	EXPECT_EQ(1u, p.node);
	EXPECT_EQ(2u, p.llc);
	EXPECT_EQ(1u, p.core);
	EXPECT_EQ(1u, p.thread);
	p = topology_place(&t, 15);
	EXPECT_EQ(1u, p.node);
	EXPECT_EQ(3u, p.llc);
}

static int pick_thread0(const struct cpu_place *p, unsigned int arg)
{
	return p->thread == arg;
}

TEST(cpulist_format)
{
	struct topology t;
	char buf[256];

	ASSERT_EQ(0, topology_parse("2n4l2c2t", &t, err, sizeof(err)));
	topology_cpulist(&t, pick_node, 1, buf, sizeof(buf));
	EXPECT_STREQ("8-15", buf);
	topology_cpulist(&t, pick_thread0, 0, buf, sizeof(buf));
	EXPECT_STREQ("0,2,4,6,8,10,12,14", buf);
}

static int count_arg(const struct strlist *a, const char *s)
{
	int n = 0;

	for (size_t i = 0; i < a->n; i++)
		n += !strcmp(a->v[i], s);
	return n;
}

static void base_config(struct vm_config *c, const char *spec)
{
	memset(c, 0, sizeof(*c));
	c->qemu = "qemu-system-x86_64";
	c->kernel = "/k/bzImage";
	c->initrd = "/r/initramfs.cpio";
	c->memory_mb = 1024;
	c->accel = ACCEL_TCG;
	c->mem_dir = "/dev/shm/ktstr-1-x";
	c->ctl_sock = "/dev/shm/ktstr-1-x/ctl.sock";
	c->qmp_sock = "/dev/shm/ktstr-1-x/qmp.sock";
	topology_parse(spec, &c->topo, err, sizeof(err));
}

TEST(qemu_args_topology)
{
	struct strlist a = STRLIST_INIT;
	struct vm_config c;

	base_config(&c, "2n4l2c2t");
	ASSERT_EQ(0, qemu_build_args(&c, &a, err, sizeof(err)));
	EXPECT_STREQ("qemu-system-x86_64", a.v[0]);
	EXPECT_EQ(1, count_arg(&a, "16,sockets=4,dies=1,cores=2,threads=2"));
	EXPECT_EQ(1, count_arg(&a, "node,nodeid=0,memdev=ram0"));
	EXPECT_EQ(1, count_arg(&a, "node,nodeid=1,memdev=ram1"));
	EXPECT_EQ(1, count_arg(&a, "cpu,node-id=0,socket-id=0"));
	EXPECT_EQ(1, count_arg(&a, "cpu,node-id=0,socket-id=1"));
	EXPECT_EQ(1, count_arg(&a, "cpu,node-id=1,socket-id=2"));
	EXPECT_EQ(1, count_arg(&a, "cpu,node-id=1,socket-id=3"));
	EXPECT_EQ(1, count_arg(&a,
		"memory-backend-file,id=ram0,size=512M,mem-path=/dev/shm/ktstr-1-x/ram0,share=on"));
	EXPECT_EQ(1, count_arg(&a, "1024M"));
	EXPECT_EQ(1, count_arg(&a, "-no-reboot"));
	EXPECT_EQ(1, count_arg(&a, "tcg,thread=multi,tb-size=256"));
	EXPECT_EQ(1, count_arg(&a, "max"));
	EXPECT_EQ(1, count_arg(&a, "socket,id=ctl,path=/dev/shm/ktstr-1-x/ctl.sock"));
	EXPECT_EQ(1, count_arg(&a,
		"virtserialport,bus=vser0.0,chardev=ctl,name=org.ktstr.ctl"));
	EXPECT_EQ(0, count_arg(&a, "-drive"));
	EXPECT_EQ(NULL, a.v[a.n]);
	strlist_free(&a);
}

TEST(qemu_args_disk)
{
	struct strlist a = STRLIST_INIT;
	struct vm_config c;

	base_config(&c, "1n1l2c1t");
	c.disk = "/dev/shm/ktstr-1-x/disk.img";
	ASSERT_EQ(0, qemu_build_args(&c, &a, err, sizeof(err)));
	EXPECT_EQ(1, count_arg(&a,
		"file=/dev/shm/ktstr-1-x/disk.img,if=none,id=disk0,format=raw,discard=unmap"));
	EXPECT_EQ(1, count_arg(&a, "virtio-blk-pci,drive=disk0,serial=ktstr-disk"));
	strlist_free(&a);
	c.disk_iops = 50;
	c.disk_bps = 1048576;
	ASSERT_EQ(0, qemu_build_args(&c, &a, err, sizeof(err)));
	EXPECT_EQ(1, count_arg(&a,
		"file=/dev/shm/ktstr-1-x/disk.img,if=none,id=disk0,format=raw,discard=unmap,throttling.group=ktstr,throttling.iops-total=50,throttling.bps-total=1048576"));
	strlist_free(&a);
}

TEST(qemu_args_kvm_and_cmdline)
{
	struct strlist a = STRLIST_INIT;
	struct vm_config c;
	const char *append = NULL;

	base_config(&c, "1n1l2c1t");
	c.accel = ACCEL_KVM;
	c.append = "ktstr.extra=1";
	ASSERT_EQ(0, qemu_build_args(&c, &a, err, sizeof(err)));
	EXPECT_EQ(1, count_arg(&a, "kvm"));
	EXPECT_EQ(1, count_arg(&a, "host"));
	EXPECT_EQ(0, count_arg(&a, "max"));
	for (size_t i = 0; i + 1 < a.n; i++)
		if (!strcmp(a.v[i], "-append"))
			append = a.v[i + 1];
	ASSERT_NE(NULL, append);
	EXPECT_NE(NULL, strstr(append, "console=ttyS0"));
	EXPECT_NE(NULL, strstr(append, "panic=-1"));
	/* WARNING lines (KERN_WARNING) must reach the console: kevents.c reads them. */
	EXPECT_NE(NULL, strstr(append, " loglevel=5"));
	EXPECT_EQ(NULL, strstr(append, " quiet"));
	EXPECT_NE(NULL, strstr(append, "ktstr.extra=1"));
	strlist_free(&a);
}

TEST(qemu_args_memory_split_and_minimum)
{
	struct strlist a = STRLIST_INIT;
	struct vm_config c;

	base_config(&c, "4n4l1c1t");
	c.memory_mb = 1000;	/* 250 MB per node, 1000 in total */
	ASSERT_EQ(0, qemu_build_args(&c, &a, err, sizeof(err)));
	EXPECT_EQ(1, count_arg(&a, "1000M"));
	EXPECT_EQ(1, count_arg(&a,
		"memory-backend-file,id=ram3,size=250M,mem-path=/dev/shm/ktstr-1-x/ram3,share=on"));
	strlist_free(&a);

	c.memory_mb = 200;	/* 50 MB per node is below the minimum */
	EXPECT_EQ(-1, qemu_build_args(&c, &a, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "at least 256 MB"));
	strlist_free(&a);
}

/* Each node's sockets go to it, and nowhere else. */
TEST(qemu_args_asymmetric_nodes)
{
	struct strlist a = STRLIST_INIT;
	struct vm_config c;

	base_config(&c, "2n3+1l2c1t");
	ASSERT_EQ(0, qemu_build_args(&c, &a, err, sizeof(err)));
	EXPECT_EQ(1, count_arg(&a, "8,sockets=4,dies=1,cores=2,threads=1"));
	EXPECT_EQ(1, count_arg(&a, "cpu,node-id=0,socket-id=0"));
	EXPECT_EQ(1, count_arg(&a, "cpu,node-id=0,socket-id=1"));
	EXPECT_EQ(1, count_arg(&a, "cpu,node-id=0,socket-id=2"));
	EXPECT_EQ(1, count_arg(&a, "cpu,node-id=1,socket-id=3"));
	EXPECT_EQ(0, count_arg(&a, "cpu,node-id=1,socket-id=2"));
	EXPECT_EQ(1, count_arg(&a, "node,nodeid=1,memdev=ram1"));
	strlist_free(&a);
}

/* Every preset parses, names are unique, and the sizes the issue asks for are there. */
TEST(presets_table)
{
	bool tiny = false, smt = false, llcs = false, numa2 = false;
	bool numa4 = false, asym = false, max = false;
	const struct topo_preset *p;
	struct topology t;
	size_t n;

	p = topo_presets(&n);
	ASSERT_GE(n, 7u);
	for (size_t i = 0; i < n; i++) {
		ASSERT_EQ(0, topology_parse(p[i].spec, &t, err, sizeof(err)))
			TH_LOG("preset %s: %s", p[i].name, err);
		for (size_t j = 0; j < i; j++)
			EXPECT_STRNE(p[i].name, p[j].name);
		/* A name must never read as a spec. */
		EXPECT_FALSE(p[i].name[0] >= '0' && p[i].name[0] <= '9');
		tiny |= topology_nr_cpus(&t) == 2 && !p[i].opt_in;
		smt |= t.threads > 1 && !p[i].opt_in;
		llcs |= t.nodes == 1 && t.llcs > 1 && !p[i].opt_in;
		numa2 |= t.nodes == 2 && !p[i].opt_in;
		numa4 |= t.nodes == 4 && !p[i].opt_in;
		asym |= !topology_is_uniform(&t) && !p[i].opt_in;
		max |= topology_nr_cpus(&t) == TOPO_MAX_CPUS && p[i].opt_in;
		/* Every preset boots under TCG, which has no x2APIC. */
		EXPECT_LE(topology_max_apic_id(&t), TOPO_MAX_XAPIC_ID) {
			TH_LOG("preset %s", p[i].name);
		}
	}
	EXPECT_TRUE(tiny);
	EXPECT_TRUE(smt);
	EXPECT_TRUE(llcs);
	EXPECT_TRUE(numa2);
	EXPECT_TRUE(numa4);
	EXPECT_TRUE(asym);
	EXPECT_TRUE(max);
}

TEST(resolve_preset_or_spec)
{
	char name[TOPO_NAME_MAX];
	struct topology t;

	ASSERT_EQ(0, topo_resolve("tiny", &t, name, sizeof(name), err,
				  sizeof(err)));
	EXPECT_STREQ("tiny", name);
	EXPECT_EQ(2u, topology_nr_cpus(&t));
	ASSERT_EQ(0, topo_resolve("asym", &t, name, sizeof(name), err,
				  sizeof(err)));
	EXPECT_FALSE(topology_is_uniform(&t));
	ASSERT_EQ(0, topo_resolve("2n2+2l1c1t", &t, name, sizeof(name), err,
				  sizeof(err)));
	EXPECT_STREQ("2n4l1c1t", name);	/* a spec names itself, canonical */
	EXPECT_EQ(-1, topo_resolve("tinyy", &t, name, sizeof(name), err,
				   sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "unknown topology \"tinyy\""));
	EXPECT_NE(NULL, strstr(err, "ktstr topo --presets"));
	EXPECT_EQ(-1, topo_resolve("2n3l1c1t", &t, name, sizeof(name), err,
				   sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "cannot be split evenly"));
}

TEST(presets_listing)
{
	char *buf = NULL;
	size_t len = 0, lines = 0, n;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	topo_presets_print(f);
	fclose(f);
	topo_presets(&n);
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	EXPECT_EQ(n + 1, lines);	/* a header, then one per preset */
	EXPECT_NE(NULL, strstr(buf, "\nasym     2n3+1l2c1t       8     2     4   no  default"));
	EXPECT_NE(NULL, strstr(buf, "\nlarge    2n2l63c2t      252     2     2  yes  opt-in"));
	free(buf);
}

TEST_HARNESS_MAIN
