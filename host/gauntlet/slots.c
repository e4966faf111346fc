// SPDX-License-Identifier: GPL-2.0
/*
 * VM slots and their host CPUs: see slots.h.
 */
#include <stdio.h>
#include <string.h>

#include "gauntlet/slots.h"

/* MemAvailable in MB, or 0 if /proc/meminfo does not say. */
static unsigned long mem_available_mb(void)
{
	char line[256];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 1024;
}

unsigned int slots_default(unsigned int memory_mb)
{
	unsigned long mem = mem_available_mb();
	unsigned long per_vm = memory_mb + SLOTS_QEMU_OVERHEAD_MB;
	unsigned long n;
	cpu_set_t set;

	n = sched_getaffinity(0, sizeof(set), &set) ? 1 :
	    (unsigned long)CPU_COUNT(&set);
	if (mem && mem / per_vm < n)
		n = mem / per_vm;
	if (n > SLOTS_MAX)
		n = SLOTS_MAX;
	return n ? (unsigned int)n : 1;
}

bool slots_cpus(const cpu_set_t *avail, unsigned int slots, unsigned int k,
		cpu_set_t *out)
{
	unsigned int n = (unsigned int)CPU_COUNT(avail), seen = 0;
	unsigned int first, end;

	CPU_ZERO(out);
	if (!slots || k >= slots || n < slots)
		return false;
	first = k * n / slots;
	end = (k + 1) * n / slots;
	for (unsigned int cpu = 0; cpu < CPU_SETSIZE && seen < end; cpu++) {
		if (!CPU_ISSET(cpu, avail))
			continue;
		if (seen >= first)
			CPU_SET(cpu, out);
		seen++;
	}
	return true;
}
