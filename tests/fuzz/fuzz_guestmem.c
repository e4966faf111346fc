// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer entry point for the host's readers of guest memory: the
 * snapshot (per-CPU runqueues, curr, runnable lists, jiffies), the cold
 * read's task-list walk, kernel address translation and page walks, and
 * the layout message, all against a hostile guest. The input damages a
 * plausible guest (guest_image.c) through the operations of guest_ops.h,
 * so the readers get deep before they meet the damage.
 *
 * Build and run with scripts/fuzz-host.sh. Besides memory safety and UB
 * it checks the readers' contract:
 *
 * - every walk is bounded: no input makes more guest reads than the
 *   readers' own limits allow (guestmem_read() is counted through the
 *   linker's --wrap);
 * - nothing unreadable aborts the capture: the snapshot is always whole,
 *   valid UTF-8 JSON, and says which runqueue, curr, runnable list or
 *   cold read it could not read instead of leaving it out;
 * - a read across pages, nodes and the PCI hole is the same as reading
 *   its bytes one by one;
 * - the undamaged guest reads back exactly as it was built.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/coldread.h"
#include "capture/snapshot.h"
#include "fuzz_stats.h"
#include "guest_ops.h"

/* Most pages a read of up to 16 bytes spans, and reads per page: a 5-level walk and the data. */
#define READS_PER_ACCESS	(2 * (5 + 1))
/* rq fields, runnable head, per task (pid, runnable_at, comm, next), curr, its pid, policy, comm */
#define ACCESSES_PER_CPU	(4 + 1 + SNAP_MAX_RUNNABLE * 4 + 1 + 3)
/* the list head, two reads per task, start_time and the field */
#define ACCESSES_COLD		(1 + 2 * COLD_MAX_TASKS + 2)
#define PROBE_LEN		32

static struct guest_image gi;
static struct snapshot snap;
static uint64_t reads;

bool __real_guestmem_read(const struct guestmem *m, uint64_t gpa, void *out,
			  size_t len);

bool __wrap_guestmem_read(const struct guestmem *m, uint64_t gpa, void *out,
			  size_t len)
{
	reads++;
	return __real_guestmem_read(m, gpa, out, len);
}

static void fail(const char *what)
{
	fprintf(stderr, "fuzz_guestmem: contract broken: %s\n", what);
	abort();
}

static void printable(const char *s, size_t cap, const char *what)
{
	size_t n = strnlen(s, cap);

	if (n == cap)
		fail(what);
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			fail(what);
}

/* A read in one go agrees with the same bytes read one at a time. */
static void probe(const struct kaddr *k, uint64_t pa, uint64_t va)
{
	uint8_t whole[PROBE_LEN], byte;
	bool ok, all = true;

	ok = guestmem_read(k->mem, pa, whole, sizeof(whole));
	for (unsigned int i = 0; i < sizeof(whole); i++) {
		if (!guestmem_read(k->mem, pa + i, &byte, 1))
			all = false;
		else if (ok && byte != whole[i])
			fail("guestmem_read differs from its bytes");
	}
	if (ok && !all)
		fail("guestmem_read of unreadable bytes");
	ok = kaddr_read(k, va, whole, sizeof(whole));
	all = true;
	for (unsigned int i = 0; i < sizeof(whole); i++) {
		if (!kaddr_read(k, va + i, &byte, 1))
			all = false;
		else if (ok && byte != whole[i])
			fail("kaddr_read differs from its bytes");
	}
	if (ok && !all)
		fail("kaddr_read of unreadable bytes");
}

static void check_cpu(const struct snap_cpu *c)
{
	if (c->nr_runnable > SNAP_MAX_RUNNABLE ||
	    (c->runnable_more && c->nr_runnable != SNAP_MAX_RUNNABLE))
		fail("runnable list count");
	if ((c->curr_ok || c->runnable_ok) && !c->rq_ok)
		fail("curr or runnable list without a runqueue");
	if (c->runnable_cut && c->runnable_more)
		fail("a runnable list both cut and going on");
	printable(c->curr_comm, sizeof(c->curr_comm), "curr comm");
	for (unsigned int i = 0; i < c->nr_runnable; i++)
		printable(c->runnable[i].comm, sizeof(c->runnable[i].comm),
			  "runnable comm");
}

/* The JSON parses as strict UTF-8 JSON; each CPU says what it lacks. */
static void check_json(const struct snapshot *s, const struct guest_view *g)
{
	json_object *o = snapshot_json(s, g), *back, *cpus;
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	struct json_tokener *tok = json_tokener_new();

	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	back = json_tokener_parse_ex(tok, text, (int)strlen(text) + 1);
	if (!back || json_tokener_get_error(tok) != json_tokener_success)
		fail("the snapshot is not valid JSON");
	if (!json_object_object_get_ex(back, "cpus", &cpus) ||
	    json_object_array_length(cpus) != s->nr_cpus)
		fail("cpus[]");
	for (unsigned int i = 0; i < s->nr_cpus; i++) {
		json_object *c = json_object_array_get_idx(cpus, i);
		bool err = json_object_object_get_ex(c, "error", NULL);
		bool curr = json_object_object_get_ex(c, "curr", NULL);
		bool curr_err = json_object_object_get_ex(c, "curr_error", NULL);
		bool cut = json_object_object_get_ex(c, "runnable_error", NULL);

		if (err == s->cpu[i].rq_ok || (!err && curr == curr_err) ||
		    cut != s->cpu[i].runnable_cut)
			fail("a CPU without its error");
	}
	json_object_put(back);
	json_tokener_free(tok);
	json_object_put(o);
}

/* Take a snapshot of the damaged guest; check what it says. */
static void run(struct gi_case *c)
{
	struct guest_view g;
	struct kaddr k = { .mem = &gi.mem };
	uint64_t bound, t0;
	char err[512], line[2048];

	gi_view(&gi, &g, gi_case_msg(c), c->msg_len, err, sizeof(err));
	memset(&snap, 0, sizeof(snap));
	snap.trigger = "guest";
	snapshot_set_tag(&snap, c->tag);
	memcpy(snap.vcpu, c->vcpu, sizeof(c->vcpu));
	snap.nr_vcpus = c->nr_vcpus;
	reads = 0;
	t0 = fuzz_now_ns();
	snapshot_read_guest(&snap, &g);
	fuzz_stats_walk(fuzz_now_ns() - t0);
	bound = READS_PER_ACCESS * (2 + snap.nr_cpus * ACCESSES_PER_CPU +
				    ACCESSES_COLD);
	if (reads > bound)
		fail("more guest reads than the walks' limits allow");
	if (g.have_layout && g.layout.nr_possible_cpus < SNAP_MAX_CPUS ?
	    snap.nr_cpus != g.layout.nr_possible_cpus :
	    snap.nr_cpus != (g.have_layout ? SNAP_MAX_CPUS : 0))
		fail("nr_cpus");
	for (unsigned int i = 0; i < snap.nr_cpus; i++)
		check_cpu(&snap.cpu[i]);
	if (snap.cold && !snap.cold_ok)
		printable(snap.cold_err, sizeof(snap.cold_err), "cold read error");
	if (snap.cold && !snap.cold_ok && !snap.cold_err[0])
		fail("a failed cold read without its error");
	check_json(&snap, &g);
	snapshot_longest_wait(&snap, line, sizeof(line));
	printable(line, sizeof(line), "longest wait");
	snapshot_summary(&snap, line, sizeof(line));
	printable(line, sizeof(line), "summary");
	if (g.have_layout) {	/* as the capture translates */
		k.page_offset_base = g.layout.page_offset_base;
		k.phys_base = g.layout.phys_base;
	}
	k.cr3 = c->vcpu[0].cr3;
	k.la57 = c->vcpu[0].cr4 & CR4_LA57;
	probe(&k, c->probe_pa, c->probe_va);
}

/* The undamaged guest must read back as built, or the fuzzer tests nothing deep. */
static void self_check(void)
{
	struct gi_case c;

	gi_case_init(&c, &gi);
	run(&c);
	if (!snap.jiffies_ok || snap.jiffies != gi.jiffies || !snap.scx_ok ||
	    snap.nr_cpus != GI_CPUS || !snap.cold_ok)
		fail("self-check: jiffies, scx_state, CPUs or cold read");
	for (int i = 0; i < GI_CPUS; i++) {
		const struct snap_cpu *p = &snap.cpu[i];

		if (!p->rq_ok || !p->curr_ok || p->curr_pid != gi.curr_pid[i] ||
		    !p->runnable_ok || p->nr_runnable != gi.nr_runnable[i] ||
		    p->runnable_more)
			fail("self-check: a runqueue");
		for (unsigned int j = 0; j < p->nr_runnable; j++)
			if (p->runnable[j].pid != gi.runnable_pid[i][j])
				fail("self-check: a runnable task");
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (guest_image_build(&gi))
		fail("cannot build the guest image");
	self_check();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gi_case c;

	fuzz_stats_begin();
	gi_case_init(&c, &gi);
	gi_apply(&gi, &c, data, size);
	run(&c);
	guest_image_reset(&gi);
	fuzz_stats_end(data, size);
	return 0;
}
