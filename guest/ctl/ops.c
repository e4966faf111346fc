// SPDX-License-Identifier: GPL-2.0
/*
 * The ktstr-ctl subcommands: one request each, printed for humans or as
 * JSON.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ktstr_dev.h"
#include "ktstr_fields.h"

static int get_info(int fd, struct ktstr_info *info)
{
	ktstr_hdr_init(info, sizeof(*info));
	return ktstr_ioctl(fd, KTSTR_IOC_INFO, info);
}

/* The size of a named field per INFO, or 8 if it is not one we know. */
static unsigned int field_width(int fd, bool task, const char *name)
{
	int i = task ? ktstr_name_index(ktstr_task_field_names,
					KTSTR_TASK_NR_FIELDS, name) :
		       ktstr_name_index(ktstr_rq_field_names,
					KTSTR_RQ_NR_FIELDS, name);
	struct ktstr_info *info;
	unsigned int w = 8;

	if (i < 0)
		return w;
	info = calloc(1, sizeof(*info));
	if (info && !get_info(fd, info))
		w = task ? info->task_field[i].size : info->rq_field[i].size;
	free(info);
	return w;
}

static int name_into(char *dst, const char *name)
{
	if (strlen(name) >= KTSTR_NAME_LEN) {
		ctl_usage_error("name \"%s\" is longer than %d bytes", name,
				KTSTR_NAME_LEN - 1);
		return -1;
	}
	strcpy(dst, name);
	return 0;
}

static void print_value(const struct ctl_opts *o, const char *op,
			const struct ktstr_access *a)
{
	if (o->json) {
		printf("{\"ok\":true,\"request\":\"%s\",\"kind\":\"%s\",\"name\":\"%s\",\"width\":%u,\"value\":%" PRIu64,
		       op, a->kind == KTSTR_TARGET_SYMBOL ? "symbol" :
		       a->kind == KTSTR_TARGET_PERCPU ? "percpu" : "task",
		       a->name, a->width, (uint64_t)a->value);
		if (a->kind == KTSTR_TARGET_PERCPU)
			printf(",\"cpu\":%u", a->cpu);
		if (a->kind == KTSTR_TARGET_TASK)
			printf(",\"pid\":%u,\"start_time\":%" PRIu64, a->pid,
			       (uint64_t)a->start_time);
		printf("}\n");
		return;
	}
	if (a->kind == KTSTR_TARGET_PERCPU)
		printf("cpu %u ", a->cpu);
	else if (a->kind == KTSTR_TARGET_TASK)
		printf("pid %u ", a->pid);
	printf("%s = %" PRIu64 " (0x%" PRIx64 ")\n", a->name,
	       (uint64_t)a->value, (uint64_t)a->value);
}

/* Fill @a from "symbol NAME", "percpu FIELD" or "task PID [START] FIELD". */
static int target(int fd, const struct ctl_opts *o, const char **args,
		  int n, bool write, struct ktstr_access *a, int *used)
{
	uint64_t pid;
	int need = write ? 1 : 0;	/* the VALUE after the target */

	ktstr_hdr_init(a, sizeof(*a));
	if (n >= 2 + need && !strcmp(args[0], "symbol")) {
		a->kind = KTSTR_TARGET_SYMBOL;
		a->width = o->width ? o->width : 8;
		*used = 2;
		return name_into(a->name, args[1]);
	}
	if (!write && n == 2 && !strcmp(args[0], "percpu")) {
		if (o->cpu < 0) {
			ctl_usage_error("read percpu needs --cpu N");
			return -1;
		}
		a->kind = KTSTR_TARGET_PERCPU;
		a->cpu = (uint32_t)o->cpu;
		a->width = o->width ? (unsigned int)o->width :
			   field_width(fd, false, args[1]);
		*used = 2;
		return name_into(a->name, args[1]);
	}
	if (n >= 3 + 2 * need && !strcmp(args[0], "task")) {
		const char *field = args[write ? 3 : 2];

		if (!ctl_parse_u64(args[1], &pid) || !pid || pid > INT32_MAX) {
			ctl_usage_error("bad pid \"%s\"", args[1]);
			return -1;
		}
		a->kind = KTSTR_TARGET_TASK;
		a->pid = (uint32_t)pid;
		if (write && !ctl_parse_u64(args[2], (uint64_t *)&a->start_time)) {
			ctl_usage_error("bad START_NS \"%s\": expected the task's start_time in ns",
					args[2]);
			return -1;
		}
		if (!write)
			a->start_time = o->start_time;
		a->width = o->width ? (unsigned int)o->width :
			   field_width(fd, true, field);
		*used = write ? 4 : 3;
		return name_into(a->name, field);
	}
	ctl_usage_error("expected 'symbol NAME', 'percpu FIELD' or 'task PID%s FIELD'%s",
			write ? " START_NS" : "", write ? " and a VALUE" : "");
	return -1;
}

int ctl_read(int fd, const struct ctl_opts *o, const char **args, int n)
{
	struct ktstr_access a;
	int used;

	if (target(fd, o, args, n, false, &a, &used))
		return CTL_EXIT_USAGE;
	if (used != n) {
		ctl_usage_error("too many arguments to read");
		return CTL_EXIT_USAGE;
	}
	if (a.kind == KTSTR_TARGET_TASK && !o->have_start_time) {
		struct ktstr_hdr st = { 0 };

		if (ktstr_task_start_time(fd, a.pid, &a.start_time, &st.reason))
			return ctl_refused(o, "read", &st);
	}
	if (ktstr_ioctl(fd, KTSTR_IOC_READ, &a))
		return ctl_refused(o, "read", &a.hdr);
	print_value(o, "read", &a);
	return 0;
}

int ctl_write(int fd, const struct ctl_opts *o, const char **args, int n)
{
	struct ktstr_access a;
	uint64_t v;
	int used;

	if (target(fd, o, args, n, true, &a, &used))
		return CTL_EXIT_USAGE;
	if (used + 1 != n || !ctl_parse_u64(args[used], &v)) {
		ctl_usage_error("write needs exactly one VALUE (decimal or 0x hex) after the target");
		return CTL_EXIT_USAGE;
	}
	a.value = v;
	if (ktstr_ioctl(fd, KTSTR_IOC_WRITE, &a))
		return ctl_refused(o, "write", &a.hdr);
	print_value(o, "write", &a);
	return 0;
}

int ctl_info(int fd, const struct ctl_opts *o)
{
	struct ktstr_info *i = calloc(1, sizeof(*i));
	const char *sep = "";

	if (!i)
		return CTL_EXIT_REFUSED;
	if (get_info(fd, i)) {
		int r = ctl_refused(o, "info", &i->hdr);

		free(i);
		return r;
	}
	if (o->json) {
		printf("{\"ok\":true,\"abi_version\":%u,\"release\":\"%s\",\"nr_cpu_ids\":%u,\"nr_possible_cpus\":%u,\"host_attached\":%u,",
		       i->abi_version, i->release, i->nr_cpu_ids,
		       i->nr_possible_cpus, i->host_attached);
		printf("\"kaslr_offset\":%llu,\"page_offset_base\":%llu,\"phys_base\":%llu,\"addr\":{",
		       (unsigned long long)i->kaslr_offset,
		       (unsigned long long)i->page_offset_base,
		       (unsigned long long)i->phys_base);
		for (int k = 0; k < KTSTR_ADDR_NR; k++)
			printf("%s\"%s\":%llu", k ? "," : "", ktstr_addr_names[k],
			       (unsigned long long)i->addr[k]);
		printf("},\"rq_fields\":{");
		for (int k = 0; k < KTSTR_RQ_NR_FIELDS; k++)
			printf("%s\"%s\":{\"offset\":%u,\"size\":%u}",
			       k ? "," : "", ktstr_rq_field_names[k], i->rq_field[k].offset,
			       i->rq_field[k].size);
		printf("},\"task_fields\":{");
		for (int k = 0; k < KTSTR_TASK_NR_FIELDS; k++)
			printf("%s\"%s\":{\"offset\":%u,\"size\":%u}",
			       k ? "," : "", ktstr_task_field_names[k],
			       i->task_field[k].offset, i->task_field[k].size);
		printf("},\"per_cpu_offset\":[");
		for (unsigned int c = 0; c < i->nr_cpu_ids && c < KTSTR_MAX_CPUS; c++, sep = ",")
			printf("%s%llu", sep,
			       (unsigned long long)i->per_cpu_offset[c]);
		printf("]}\n");
	} else {
		printf("abi %u, kernel %s, %u CPU ids (%u possible), host %s\n",
		       i->abi_version, i->release, i->nr_cpu_ids,
		       i->nr_possible_cpus,
		       i->host_attached ? "attached" : "not attached");
		printf("kaslr_offset 0x%llx page_offset_base 0x%llx phys_base 0x%llx\n",
		       (unsigned long long)i->kaslr_offset,
		       (unsigned long long)i->page_offset_base,
		       (unsigned long long)i->phys_base);
		for (int k = 0; k < KTSTR_ADDR_NR; k++)
			printf("%-22s 0x%llx\n", ktstr_addr_names[k],
			       (unsigned long long)i->addr[k]);
		for (int k = 0; k < KTSTR_RQ_NR_FIELDS; k++)
			printf("rq.%-19s offset %u size %u\n", ktstr_rq_field_names[k],
			       i->rq_field[k].offset, i->rq_field[k].size);
		for (int k = 0; k < KTSTR_TASK_NR_FIELDS; k++)
			printf("task.%-17s offset %u size %u\n", ktstr_task_field_names[k],
			       i->task_field[k].offset, i->task_field[k].size);
		for (unsigned int c = 0; c < i->nr_cpu_ids && c < KTSTR_MAX_CPUS; c++)
			printf("per_cpu_offset[%u] 0x%llx\n", c,
			       (unsigned long long)i->per_cpu_offset[c]);
	}
	free(i);
	return 0;
}

static void json_str(const char *s, size_t max)
{
	putchar('"');
	for (size_t k = 0; k < max && s[k]; k++) {
		unsigned char c = (unsigned char)s[k];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

int ctl_snapshot(int fd, const struct ctl_opts *o)
{
	struct ktstr_snapshot *s = malloc(sizeof(*s));
	unsigned int n;

	if (!s)
		return CTL_EXIT_REFUSED;
	ktstr_hdr_init(s, sizeof(*s));
	if (ktstr_ioctl(fd, KTSTR_IOC_SNAPSHOT, s)) {
		int r = ctl_refused(o, "snapshot", &s->hdr);

		free(s);
		return r;
	}
	n = s->nr_cpus < KTSTR_SNAPSHOT_CPUS ? s->nr_cpus : KTSTR_SNAPSHOT_CPUS;
	if (o->json) {
		printf("{\"ok\":true,\"timestamp_ns\":%llu,\"jiffies\":%llu,\"scx_state\":%u,\"cpus\":[",
		       (unsigned long long)s->timestamp_ns,
		       (unsigned long long)s->jiffies, s->scx_state);
		for (unsigned int k = 0; k < n; k++) {
			const struct ktstr_cpu_state *c = &s->cpus[k];

			printf("%s{\"cpu\":%u,\"online\":%u,\"nr_running\":%u,\"scx_nr_running\":%u,\"scx_local_dsq_nr\":%u,\"clock\":%llu,\"curr_pid\":%u,\"curr_policy\":%u,\"curr_comm\":",
			       k ? "," : "", c->cpu, c->online, c->nr_running,
			       c->scx_nr_running, c->scx_local_dsq_nr,
			       (unsigned long long)c->clock, c->curr_pid,
			       c->curr_policy);
			json_str(c->curr_comm, sizeof(c->curr_comm));
			putchar('}');
		}
		printf("]}\n");
	} else {
		printf("snapshot at %llu ns, jiffies %llu, sched_ext state %u\n",
		       (unsigned long long)s->timestamp_ns,
		       (unsigned long long)s->jiffies, s->scx_state);
		printf("cpu online nr_running scx_nr local_dsq clock_ns        curr_pid policy comm\n");
		for (unsigned int k = 0; k < n; k++) {
			const struct ktstr_cpu_state *c = &s->cpus[k];

			printf("%-3u %-6u %-10u %-6u %-9u %-15llu %-8u %-6u %.*s\n",
			       c->cpu, c->online, c->nr_running,
			       c->scx_nr_running, c->scx_local_dsq_nr,
			       (unsigned long long)c->clock, c->curr_pid,
			       c->curr_policy, KTSTR_COMM_LEN, c->curr_comm);
		}
	}
	free(s);
	return 0;
}

/* Every CPU parked while the host captures: report what the kmod read. */
static int capture_sync(int fd, const struct ctl_opts *o, const char *tag)
{
	struct ktstr_capture_sync c;

	ktstr_hdr_init(&c, sizeof(c));
	strcpy(c.tag, tag);
	if (ktstr_ioctl(fd, KTSTR_IOC_CAPTURE_SYNC, &c))
		return ctl_refused(o, "capture --sync", &c.hdr);
	if (o->json)
		printf("{\"ok\":true,\"tag\":\"%s\",\"sync\":true,\"jiffies\":%llu,\"scx_state\":%u,\"parked_ns\":%llu}\n",
		       c.tag, (unsigned long long)c.jiffies, c.scx_state,
		       (unsigned long long)c.parked_ns);
	else
		printf("capture (tag %s, every CPU parked %.2f ms): jiffies %llu\n",
		       c.tag, c.parked_ns / 1e6, (unsigned long long)c.jiffies);
	return 0;
}

int ctl_capture(int fd, const struct ctl_opts *o, const char *tag)
{
	struct ktstr_capture c;

	ktstr_hdr_init(&c, sizeof(c));
	if (!*tag || strlen(tag) >= sizeof(c.tag)) {
		ctl_usage_error("capture TAG must be 1 to %zu bytes",
				sizeof(c.tag) - 1);
		return CTL_EXIT_USAGE;
	}
	if (o->sync)
		return capture_sync(fd, o, tag);
	strcpy(c.tag, tag);
	if (ktstr_ioctl(fd, KTSTR_IOC_CAPTURE, &c))
		return ctl_refused(o, "capture", &c.hdr);
	if (o->json)
		printf("{\"ok\":true,\"tag\":\"%s\",\"capture_id\":%llu}\n",
		       c.tag, (unsigned long long)c.capture_id);
	else
		printf("capture %llu (tag %s)\n",
		       (unsigned long long)c.capture_id, c.tag);
	return 0;
}
