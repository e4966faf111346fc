// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ktstr_fields.h"
#include "capture/coldread.h"

static const struct {
	const char *name;
	enum ktstr_addr addr;
	unsigned int size;
} symbols[] = {
	{ "jiffies_64", KTSTR_ADDR_JIFFIES_64, 8 },
	{ "scx_state", KTSTR_ADDR_SCX_STATE, 4 },
	{ "scx_watchdog_timeout", KTSTR_ADDR_SCX_WATCHDOG_TIMEOUT, 8 },
};

bool cold_read_requested(const char *tag)
{
	return !strncmp(tag, "read ", 5);
}

uint64_t cold_find_task(const struct guest_view *g, const struct kaddr *k,
			uint32_t pid, char *err, size_t errlen)
{
	const struct ktstr_info *l = &g->layout;
	uint64_t off = l->task_field[KTSTR_TASK_TASKS].offset;
	uint64_t head, next, mark, v;
	int i;

	if (!l->addr[KTSTR_ADDR_INIT_TASK] ||
	    !l->task_field[KTSTR_TASK_TASKS].size) {
		snprintf(err, errlen, "the kernel layout has no task list");
		return 0;
	}
	head = l->addr[KTSTR_ADDR_INIT_TASK] + off;
	mark = head;
	if (!kaddr_read_u64(k, head, &next)) {
		snprintf(err, errlen, "init_task's task list (0x%" PRIx64 ") is not readable",
			 head);
		return 0;
	}
	for (i = 0; i < COLD_MAX_TASKS && next != head; i++) {
		uint64_t task = next - off;

		if (gv_read_task(g, k, task, KTSTR_TASK_PID, &v) && v == pid)
			return task;
		/*
		 * A loop that misses init_task comes back to the node marked
		 * at the last power of two (Brent): soon after it closes.
		 */
		if (!(i & (i + 1)))
			mark = next;
		if (!kaddr_read_u64(k, task + off, &next)) {
			snprintf(err, errlen,
				 "the task list breaks after %d tasks: 0x%" PRIx64 " is not readable",
				 i + 1, task + off);
			return 0;
		}
		if (next == mark) {
			snprintf(err, errlen,
				 "the task list loops after %d tasks without reaching init_task again",
				 i + 1);
			return 0;
		}
	}
	snprintf(err, errlen, "no task with pid %u in the %s%d tasks of the task list",
		 pid, i == COLD_MAX_TASKS ? "first " : "", i);
	return 0;
}

static int read_task(const struct guest_view *g, const struct kaddr *k,
		     uint32_t pid, uint64_t start, const char *field,
		     uint64_t *value, char *err, size_t errlen)
{
	int f = ktstr_name_index(ktstr_task_field_names, KTSTR_TASK_NR_FIELDS, field);
	uint64_t task, st;

	if (f < 0 || f == KTSTR_TASK_COMM || f == KTSTR_TASK_TASKS) {
		snprintf(err, errlen, "no readable task field \"%s\"", field);
		return -1;
	}
	task = cold_find_task(g, k, pid, err, errlen);
	if (!task)
		return -1;
	if (!gv_read_task(g, k, task, KTSTR_TASK_START_TIME, &st) ||
	    st != start) {
		snprintf(err, errlen,
			 "pid %u: start_time %" PRIu64 ", not %" PRIu64 " (a reused pid)",
			 pid, st, start);
		return -1;
	}
	if (!gv_read_task(g, k, task, (enum ktstr_task_field)f, value)) {
		snprintf(err, errlen, "pid %u: %s is not readable", pid, field);
		return -1;
	}
	return 0;
}

int cold_read(const struct guest_view *g, const struct kaddr *k,
	      const char *req, uint64_t *value, char *err, size_t errlen)
{
	char kind[16], a[64], b[64], c[64];
	int n = sscanf(req, "read %15s %63s %63s %63s", kind, a, b, c);

	if (!g->have_layout) {
		snprintf(err, errlen, "no kernel layout from ktstr.ko");
		return -1;
	}
	if (n == 2 && !strcmp(kind, "symbol")) {
		for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
			if (!strcmp(symbols[i].name, a)) {
				if (gv_read_addr(g, k, symbols[i].addr,
						 symbols[i].size, value))
					return 0;
				snprintf(err, errlen, "%s is not readable", a);
				return -1;
			}
		snprintf(err, errlen, "symbol %s is not on the read list", a);
		return -1;
	}
	if (n == 3 && !strcmp(kind, "percpu")) {
		int f = ktstr_name_index(ktstr_rq_field_names, KTSTR_RQ_NR_FIELDS, a);
		unsigned int cpu;

		if (f < 0 || sscanf(b, "%u", &cpu) != 1 ||
		    !gv_read_rq(g, k, cpu, (enum ktstr_rq_field)f, value)) {
			snprintf(err, errlen, "cannot read rq field %s of CPU %s",
				 a, b);
			return -1;
		}
		return 0;
	}
	if (n == 4 && !strcmp(kind, "task")) {
		unsigned int pid;
		uint64_t start;

		if (sscanf(a, "%u", &pid) != 1 ||
		    sscanf(b, "%" SCNu64, &start) != 1) {
			snprintf(err, errlen, "expected 'read task PID START_NS FIELD'");
			return -1;
		}
		return read_task(g, k, pid, start, c, value, err, errlen);
	}
	snprintf(err, errlen,
		 "bad request \"%s\": expected read symbol NAME | read percpu FIELD CPU | read task PID START_NS FIELD",
		 req);
	return -1;
}
