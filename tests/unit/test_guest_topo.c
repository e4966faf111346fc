// SPDX-License-Identifier: GPL-2.0
/*
 * selftests/ktstr_guest.h: the guest reads back the topology the host
 * declared in KTSTR_TOPOLOGY, uniform or with nodes of different sizes,
 * exactly as host/vm/topology.c writes it.
 */
#include <stdlib.h>

#include "kselftest_harness.h"
#include "../../selftests/ktstr_guest.h"
#include "vm/topology.h"

static int get(const char *spec, struct guest_topo *t)
{
	setenv(KTSTR_ENV_TOPOLOGY, spec, 1);
	return guest_topo_get(t);
}

TEST(uniform)
{
	struct guest_topo t;

	ASSERT_EQ(0, get("2n4l2c2t", &t));
	EXPECT_EQ(2u, t.nodes);
	EXPECT_EQ(4u, t.llcs);
	EXPECT_EQ(2u, t.node_llcs[0]);
	EXPECT_EQ(2u, t.node_llcs[1]);
	EXPECT_EQ(16u, guest_topo_cpus(&t));
	EXPECT_EQ(2u, guest_topo_node_first_llc(&t, 1));
}

TEST(asymmetric)
{
	struct guest_topo t;

	ASSERT_EQ(0, get("3n1+2+4l1c2t", &t));
	EXPECT_EQ(3u, t.nodes);
	EXPECT_EQ(7u, t.llcs);
	EXPECT_EQ(4u, t.node_llcs[2]);
	EXPECT_EQ(3u, guest_topo_node_first_llc(&t, 2));
	EXPECT_EQ(14u, guest_topo_cpus(&t));
}

TEST(rejects_what_the_host_rejects)
{
	const char *bad[] = { "", "2n3l1c1t", "2n3+1+1l1c1t", "2n3+l1c1t",
			      "0n1l1c1t", "1n1l1c1tx", "1n1l1c", "x" };
	struct guest_topo t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-1, get(bad[i], &t))
			TH_LOG("accepted \"%s\"", bad[i]);
	}
}

/* Every preset and spec the host formats, the guest reads alike. */
TEST(agrees_with_the_host)
{
	const char *specs[] = { "1n1l2c1t", "2n3+1l2c1t", "4n4l1c2t",
				"2n6l21c2t", "3n2+1+5l3c1t" };
	char err[400], out[TOPO_SPEC_MAX];
	struct topology h;
	struct guest_topo g;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		ASSERT_EQ(0, topology_parse(specs[i], &h, err, sizeof(err)));
		topology_spec(&h, out, sizeof(out));
		ASSERT_EQ(0, get(out, &g)) {
			TH_LOG("%s", out);
		}
		EXPECT_EQ(h.nodes, g.nodes);
		EXPECT_EQ(topology_nr_cpus(&h), guest_topo_cpus(&g));
		for (unsigned int n = 0; n < h.nodes; n++)
			EXPECT_EQ(h.node_llcs[n], g.node_llcs[n]);
	}
}

TEST_HARNESS_MAIN
