// SPDX-License-Identifier: GPL-2.0
/*
 * iocost on the scenario's IO device. io.weight means nothing until a
 * controller enforces it; iocost does, but it only divides what it
 * believes the device can do. A scenario that declares that capacity
 * (sc_io_cost) gets iocost with that linear model and its rate fixed at
 * 100 % (no latency targets, no vrate adjustment), so busy siblings share
 * exactly the declared capacity by weight, however fast the real device
 * is. The model and QoS live in the root cgroup; they are switched off
 * again on every exit path.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "internal.h"

/* Without a bandwidth, requests of 64 KiB reach it: 4 KiB ones cost IOPS. */
#define SC_IO_COST_BW_BLOCK	(64ULL << 10)

static int root_write(struct sc_exec *x, const char *file, const char *val)
{
	if (!sc_cg_write(SC_CG_ROOT, file, "%s", val))
		return 0;
	sc_harness_fail(x, "write \"%s\" to %s/%s: %s", val, SC_CG_ROOT, file,
			strerror(errno));
	return -1;
}

int sc_iocost_setup(struct sc_exec *x)
{
	const struct sc_io_cost *c = &x->s->io_cost;
	unsigned long long bps;
	char val[256];
	unsigned int maj, min;

	if (!c->iops)
		return 0;
	if (!x->io.dev) {
		sc_harness_fail(x,
				"io_cost needs a block device; the IO target is the file \"%s\" (no disk, no loop device)",
				x->io.path);
		return -1;
	}
	maj = major(x->io.dev);
	min = minor(x->io.dev);
	bps = c->bps ? c->bps : c->iops * SC_IO_COST_BW_BLOCK;
	snprintf(val, sizeof(val),
		 "%u:%u ctrl=user model=linear rbps=%llu rseqiops=%u rrandiops=%u wbps=%llu wseqiops=%u wrandiops=%u",
		 maj, min, bps, c->iops, c->iops, bps, c->iops, c->iops);
	if (root_write(x, "io.cost.model", val))
		return -1;
	/* From here teardown puts the model (and the QoS) back. */
	x->io.iocost = 1;
	snprintf(val, sizeof(val),
		 "%u:%u enable=1 ctrl=user rpct=0 rlat=0 wpct=0 wlat=0 min=100 max=100",
		 maj, min);
	return root_write(x, "io.cost.qos", val);
}

void sc_iocost_teardown(struct sc_exec *x)
{
	char val[64];
	unsigned int maj = major(x->io.dev), min = minor(x->io.dev);

	if (!x->io.iocost)
		return;
	snprintf(val, sizeof(val), "%u:%u enable=0", maj, min);
	root_write(x, "io.cost.qos", val);
	snprintf(val, sizeof(val), "%u:%u ctrl=auto", maj, min);
	root_write(x, "io.cost.model", val);
	x->io.iocost = 0;
}
