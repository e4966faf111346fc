// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler's BPF state, from the guest: every record is the guest's
 * word, so sizes are checked, names and texts are cut to printable
 * characters and bounded before they reach the report.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "wire.h"
#include "vm/bpfstate.h"

/* Printable ASCII, newlines and tabs kept in texts; NUL-terminated. */
static void clean(char *dst, size_t cap, const uint8_t *src, size_t n,
		  int keep_newlines)
{
	size_t o = 0;

	for (size_t i = 0; i < n && src[i] && o + 1 < cap; i++) {
		uint8_t c = src[i];

		if ((c == '\n' || c == '\t') && keep_newlines)
			dst[o++] = (char)c;
		else
			dst[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[o] = '\0';
}

/* What programs and maps have in common: id, name, type. */
static struct json_object *obj_json(uint32_t id, const char *raw_name,
				    uint32_t type)
{
	struct json_object *o = json_object_new_object();
	char name[KTSTR_BPF_NAME_LEN + 1];

	clean(name, sizeof(name), (const uint8_t *)raw_name,
	      KTSTR_BPF_NAME_LEN, 0);
	json_object_object_add(o, "id", json_object_new_int64(id));
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "type", json_object_new_int64(type));
	return o;
}

static struct json_object *prog_json(const struct ktstr_wire_bpf_prog *w)
{
	struct json_object *o = obj_json(w->id, w->name, w->type);

	json_object_object_add(o, "run_cnt", json_object_new_uint64(w->run_cnt));
	json_object_object_add(o, "run_time_ns",
			       json_object_new_uint64(w->run_time_ns));
	return o;
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static struct json_object *map_json(const struct ktstr_wire_bpf_map *w)
{
	struct json_object *o = obj_json(w->id, w->name, w->type);

	add_int(o, "key_size", w->key_size);
	add_int(o, "value_size", w->value_size);
	add_int(o, "max_entries", w->max_entries);
	add_int(o, "entries_dumped", w->nr_dumped);
	json_object_object_add(o, "truncated",
			       json_object_new_boolean(w->flags & KTSTR_BPF_MAP_TRUNCATED));
	json_object_object_add(o, "not_listable",
			       json_object_new_boolean(w->flags & KTSTR_BPF_MAP_NO_ITER));
	return o;
}

struct json_object *bpfstate_parse(const uint8_t *p, size_t len,
				   char *summary, size_t cap)
{
	struct json_object *o = json_object_new_object();
	struct json_object *progs = json_object_new_array();
	struct json_object *maps = json_object_new_array();
	struct json_object *notes = json_object_new_array();
	struct json_object *last_map = NULL;
	static char text[BPFSTATE_TEXT_MAX];
	unsigned long long entries = 0;
	unsigned int bad = 0;
	const uint8_t *val;
	uint16_t tag, n;
	size_t off = 0;
	int r;

	while ((r = wire_tlv_next(p, len, &off, &tag, &val, &n)) > 0) {
		if (tag == KTSTR_TLV_BPF_PROG && n == sizeof(struct ktstr_wire_bpf_prog)) {
			struct ktstr_wire_bpf_prog w;

			memcpy(&w, val, sizeof(w));
			json_object_array_add(progs, prog_json(&w));
			last_map = NULL;
		} else if (tag == KTSTR_TLV_BPF_MAP &&
			   n == sizeof(struct ktstr_wire_bpf_map)) {
			struct ktstr_wire_bpf_map w;

			memcpy(&w, val, sizeof(w));
			last_map = map_json(&w);
			json_object_array_add(maps, last_map);
			entries += w.nr_dumped;
		} else if (tag == KTSTR_TLV_BPF_MAP_TEXT && last_map) {
			clean(text, sizeof(text), val, n, 1);
			json_object_object_add(last_map, "entries",
					       json_object_new_string(text));
			last_map = NULL;
		} else if (tag == KTSTR_TLV_BPF_NOTE) {
			clean(text, 512, val, n, 0);
			json_object_array_add(notes, json_object_new_string(text));
		} else {
			bad++;
		}
	}
	if (r < 0)
		bad++;
	json_object_object_add(o, "programs", progs);
	json_object_object_add(o, "maps", maps);
	json_object_object_add(o, "notes", notes);
	json_object_object_add(o, "bad_records", json_object_new_int64(bad));
	snprintf(summary, cap, "%zu programs, %zu maps, %llu entries",
		 json_object_array_length(progs), json_object_array_length(maps),
		 entries);
	return o;
}
