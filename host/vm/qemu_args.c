// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include "ktstr_env.h"
#include "wire.h"
#include "vm/qemu_args.h"

/*
 * Kernel command line. panic=-1 reboots at once on a panic and -no-reboot
 * turns that reboot into a QEMU exit, so a panicking guest never hangs.
 * mitigations=off and no_timer_check save seconds under TCG.
 */
static const char base_cmdline[] =
	"console=ttyS0 panic=-1 mitigations=off no_timer_check "
	"8250.nr_uarts=1 rdinit=/init";

static int push_memory(const struct vm_config *c, struct strlist *a,
		       char *err, size_t errlen)
{
	const struct topology *t = &c->topo;
	unsigned int per_node = c->memory_mb / t->nodes;
	int r = 0;

	if (per_node < VM_MIN_NODE_MB) {
		snprintf(err, errlen,
			 "--memory %u is too small for %u NUMA node%s: give at least %u MB",
			 c->memory_mb, t->nodes, t->nodes == 1 ? "" : "s",
			 VM_MIN_NODE_MB * t->nodes);
		return -1;
	}
	r |= strlist_push(a, "-m");
	r |= strlist_pushf(a, "%uM", per_node * t->nodes);
	for (unsigned int n = 0; n < t->nodes; n++) {
		r |= strlist_push(a, "-object");
		/* share=on so the host can map guest RAM for snapshots. */
		r |= strlist_pushf(a,
				   "memory-backend-file,id=ram%u,size=%uM,mem-path=%s/ram%u,share=on",
				   n, per_node, c->mem_dir, n);
		r |= strlist_push(a, "-numa");
		r |= strlist_pushf(a, "node,nodeid=%u,memdev=ram%u", n, n);
	}
	/* Sockets may go to any node: nodes of different sizes are that. */
	for (unsigned int s = 0; s < t->llcs; s++) {
		r |= strlist_push(a, "-numa");
		r |= strlist_pushf(a, "cpu,node-id=%u,socket-id=%u",
				   topology_llc_node(t, s), s);
	}
	return r;
}

int qemu_build_args(const struct vm_config *c, struct strlist *a, char *err,
		    size_t errlen)
{
	const struct topology *t = &c->topo;
	bool kvm = c->accel == ACCEL_KVM;
	int r = 0;

	r |= strlist_push(a, c->qemu);
	r |= strlist_push(a, "-nodefaults");
	r |= strlist_push(a, "-no-user-config");
	r |= strlist_push(a, "-nographic");
	r |= strlist_push(a, "-no-reboot");
	r |= strlist_push(a, "-machine");
	r |= strlist_push(a, "q35");
	r |= strlist_push(a, "-accel");
	r |= strlist_push(a, kvm ? "kvm" : "tcg,thread=multi,tb-size=256");
	r |= strlist_push(a, "-cpu");
	r |= strlist_push(a, kvm ? "host" : "max");
	r |= strlist_push(a, "-smp");
	r |= strlist_pushf(a, "%u,sockets=%u,dies=1,cores=%u,threads=%u",
			   topology_nr_cpus(t), t->llcs, t->cores, t->threads);
	if (push_memory(c, a, err, errlen))
		return -1;

	/* Console: QEMU's stdio, which is a pipe to us or the user's tty. */
	r |= strlist_push(a, "-chardev");
	r |= strlist_push(a, "stdio,id=con,signal=off");
	r |= strlist_push(a, "-serial");
	r |= strlist_push(a, "chardev:con");

	/* Control port to the guest agent; we listen, QEMU connects. */
	r |= strlist_push(a, "-chardev");
	r |= strlist_pushf(a, "socket,id=ctl,path=%s", c->ctl_sock);
	r |= strlist_push(a, "-device");
	r |= strlist_push(a, "virtio-serial-pci,id=vser0");
	r |= strlist_push(a, "-device");
	r |= strlist_pushf(a, "virtserialport,bus=vser0.0,chardev=ctl,name=%s",
			   KTSTR_WIRE_PORT_NAME);

	if (c->sync_sock) {
		r |= strlist_push(a, "-chardev");
		r |= strlist_pushf(a, "socket,id=sync,path=%s", c->sync_sock);
		r |= strlist_push(a, "-device");
		r |= strlist_pushf(a, "isa-debugcon,iobase=0x%x,chardev=sync",
				   KTSTR_SYNC_PORT);
	}

	/* The disk, throttled as a QEMU throttle group when asked. */
	if (c->disk) {
		char thr[160] = "";
		int n = 0;

		if (c->disk_iops || c->disk_bps)
			n = snprintf(thr, sizeof(thr), ",throttling.group=ktstr");
		if (c->disk_iops)
			n += snprintf(thr + n, sizeof(thr) - (size_t)n,
				      ",throttling.iops-total=%llu", c->disk_iops);
		if (c->disk_bps)
			snprintf(thr + n, sizeof(thr) - (size_t)n,
				 ",throttling.bps-total=%llu", c->disk_bps);
		r |= strlist_push(a, "-drive");
		r |= strlist_pushf(a, "file=%s,if=none,id=disk0,format=raw,discard=unmap%s",
				   c->disk, thr);
		r |= strlist_push(a, "-device");
		r |= strlist_pushf(a, "virtio-blk-pci,drive=disk0,serial=%s",
				   KTSTR_DISK_SERIAL);
	}

	r |= strlist_push(a, "-chardev");
	r |= strlist_pushf(a, "socket,id=qmp,path=%s", c->qmp_sock);
	r |= strlist_push(a, "-mon");
	r |= strlist_push(a, "chardev=qmp,mode=control");

	r |= strlist_push(a, "-kernel");
	r |= strlist_push(a, c->kernel);
	r |= strlist_push(a, "-initrd");
	r |= strlist_push(a, c->initrd);
	r |= strlist_push(a, "-append");
	r |= strlist_pushf(a, "%s%s%s%s", base_cmdline,
			   c->verbose_console ? "" : " loglevel=5",
			   c->append ? " " : "", c->append ? c->append : "");
	if (r) {
		snprintf(err, errlen, "out of memory building the QEMU command line");
		return -1;
	}
	return 0;
}
