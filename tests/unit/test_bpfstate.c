// SPDX-License-Identifier: GPL-2.0
/*
 * host/vm/bpfstate.c: the scheduler's BPF state from the guest. A real
 * shaped report, and hostile ones: wrong record sizes, a text with no map
 * before it, control characters, names without a NUL, a record that runs
 * past the payload, random bytes.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wire.h"
#include "vm/bpfstate.h"

static uint8_t buf[KTSTR_WIRE_MAX_PAYLOAD];

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static int64_t num(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : -1;
}

static struct json_object *arr(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? v : NULL;
}

TEST(programs_maps_and_entries)
{
	struct ktstr_wire_bpf_prog p = { .id = 7, .type = 27, .run_cnt = 42,
					 .run_time_ns = 9000 };
	struct ktstr_wire_bpf_map m = { .id = 3, .type = 2, .key_size = 4,
					.value_size = 8, .max_entries = 1,
					.nr_dumped = 1 };
	struct json_object *o, *maps, *progs;
	char sum[128];
	size_t off = 0;

	memcpy(p.name, "fault_enqueue", 13);
	memcpy(m.name, "scx_faul.bss", 12);
	ASSERT_EQ(0, wire_tlv_put(buf, sizeof(buf), &off, KTSTR_TLV_BPF_PROG, &p, sizeof(p)));
	ASSERT_EQ(0, wire_tlv_put(buf, sizeof(buf), &off, KTSTR_TLV_BPF_MAP, &m, sizeof(m)));
	ASSERT_EQ(0, wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_BPF_MAP_TEXT,
				      "[0] {.error_after_ns = (u64)2000000000,}\n"));
	ASSERT_EQ(0, wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_BPF_NOTE,
				      "stats off"));
	o = bpfstate_parse(buf, off, sum, sizeof(sum));
	progs = arr(o, "programs");
	maps = arr(o, "maps");
	ASSERT_EQ(1u, json_object_array_length(progs));
	ASSERT_EQ(1u, json_object_array_length(maps));
	EXPECT_STREQ("fault_enqueue", str(json_object_array_get_idx(progs, 0), "name"));
	EXPECT_EQ(42, num(json_object_array_get_idx(progs, 0), "run_cnt"));
	EXPECT_STREQ("scx_faul.bss", str(json_object_array_get_idx(maps, 0), "name"));
	EXPECT_STREQ("[0] {.error_after_ns = (u64)2000000000,}\n",
		     str(json_object_array_get_idx(maps, 0), "entries"));
	EXPECT_EQ(1u, json_object_array_length(arr(o, "notes")));
	EXPECT_EQ(0, num(o, "bad_records"));
	EXPECT_STREQ("1 programs, 1 maps, 1 entries", sum);
	json_object_put(o);
}

TEST(hostile_records_are_counted_and_cleaned)
{
	struct ktstr_wire_bpf_map m;
	struct json_object *o, *maps;
	uint8_t short_prog[10] = { 0 };
	char sum[128];
	size_t off = 0;

	memset(&m, 0xff, sizeof(m));		/* a name with no NUL, all 0xff */
	m.nr_dumped = 5;
	wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_BPF_MAP_TEXT, "orphan");
	wire_tlv_put(buf, sizeof(buf), &off, KTSTR_TLV_BPF_PROG, short_prog,
		     sizeof(short_prog));
	wire_tlv_put(buf, sizeof(buf), &off, KTSTR_TLV_BPF_MAP, &m, sizeof(m));
	wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_BPF_MAP_TEXT,
			 "a\x1b[2Jb\x7f\n");
	wire_tlv_put(buf, sizeof(buf), &off, 999, "x", 1);
	/* A record that claims more bytes than are left. */
	buf[off++] = KTSTR_TLV_BPF_NOTE;
	buf[off++] = 0;
	buf[off++] = 0xff;
	buf[off++] = 0x7f;
	o = bpfstate_parse(buf, off, sum, sizeof(sum));
	maps = arr(o, "maps");
	ASSERT_EQ(1u, json_object_array_length(maps));
	EXPECT_EQ(16u, strlen(str(json_object_array_get_idx(maps, 0), "name")));
	EXPECT_STREQ("????????????????", str(json_object_array_get_idx(maps, 0), "name"));
	EXPECT_STREQ("a?[2Jb?\n", str(json_object_array_get_idx(maps, 0), "entries"));
	/* orphan text, short prog, unknown tag, overrun */
	EXPECT_EQ(4, num(o, "bad_records"));
	EXPECT_EQ(0u, json_object_array_length(arr(o, "programs")));
	json_object_put(o);
}

TEST(random_payloads_never_crash)
{
	char sum[128];

	srand(1);
	for (int i = 0; i < 2000; i++) {
		size_t len = (size_t)rand() % 2048;
		struct json_object *o;

		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rand();
		/* Mostly well-formed tags, so records get parsed. */
		if (len > 4 && i % 2)
			buf[0] = KTSTR_TLV_BPF_PROG + (uint8_t)(i % 5);
		o = bpfstate_parse(buf, len, sum, sizeof(sum));
		ASSERT_NE(NULL, o);
		json_object_put(o);
	}
}

TEST_HARNESS_MAIN
