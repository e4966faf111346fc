// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler's BPF state, through libbpf: once it attaches, the agent
 * takes its own references on the scheduler's struct_ops programs, their
 * maps and the struct_ops map, so they stay readable after the
 * scheduler's process has gone. When the scheduler fails, the agent
 * sends what they hold (KTSTR_MSG_SCHED_BPF): each program's name and run
 * statistics, each map's entries printed with their BTF types by libbpf's
 * btf_dump. Everything is bounded to one wire frame.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "agent.h"
#include "file.h"

#define MAX_ENTRIES_PER_MAP	64
#define MAP_TEXT_MAX		6144	/* per map, within the frame */
#define KEY_MAX			512
#define VALUE_MAX		(64 * 1024)	/* per-CPU values included */

static void release(struct bpf_state *b)
{
	for (unsigned int i = 0; i < b->nr_progs; i++)
		close(b->prog_fd[i]);
	for (unsigned int i = 0; i < b->nr_maps; i++)
		close(b->map_fd[i]);
	b->nr_progs = b->nr_maps = 0;
	b->sent = false;
}

void bpf_state_release(struct bpf_state *b)
{
	release(b);
}

static bool have_map(const struct bpf_state *b, __u32 id)
{
	for (unsigned int i = 0; i < b->nr_maps; i++)
		if (b->map_id[i] == id)
			return true;
	return false;
}

static void hold_map(struct bpf_state *b, __u32 id)
{
	int fd;

	if (have_map(b, id) || b->nr_maps >= BPF_STATE_MAX_MAPS)
		return;
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return;
	b->map_id[b->nr_maps] = id;
	b->map_fd[b->nr_maps++] = fd;
}

/* The maps a program uses, by id. */
static void hold_prog_maps(struct bpf_state *b, int fd, __u32 nr)
{
	__u32 ids[BPF_STATE_MAX_MAPS];
	struct bpf_prog_info info = {
		.nr_map_ids = nr < BPF_STATE_MAX_MAPS ? nr : BPF_STATE_MAX_MAPS,
		.map_ids = (__u64)(unsigned long)ids,
	};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return;
	for (__u32 i = 0; i < info.nr_map_ids && i < BPF_STATE_MAX_MAPS; i++)
		hold_map(b, ids[i]);
}

unsigned int bpf_state_hold(struct bpf_state *b)
{
	__u32 id = 0;

	release(b);
	/* The struct_ops maps first: the ops are worth more than any map. */
	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_map_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) &&
		    info.type == BPF_MAP_TYPE_STRUCT_OPS)
			hold_map(b, id);
		close(fd);
	}
	/* Then its struct_ops programs and the maps they use. */
	id = 0;
	while (!bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info = { 0 };
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) ||
		    info.type != BPF_PROG_TYPE_STRUCT_OPS ||
		    b->nr_progs >= BPF_STATE_MAX_PROGS) {
			close(fd);
			continue;
		}
		b->prog_fd[b->nr_progs++] = fd;
		hold_prog_maps(b, fd, info.nr_map_ids);
	}
	return b->nr_progs + b->nr_maps;
}

/* btf_dump prints through this into a bounded buffer. */
struct text {
	char *buf;
	size_t len, cap;
	bool full;
};

static void text_vprintf(void *ctx, const char *fmt, va_list ap)
{
	struct text *t = ctx;
	int n;

	if (t->full)
		return;
	n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	if (n < 0 || (size_t)n >= t->cap - t->len) {
		t->full = true;
		t->len = t->cap - 1;
		return;
	}
	t->len += (size_t)n;
}

static void text_printf(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void text_printf(struct text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vprintf(t, fmt, ap);
	va_end(ap);
}

static void dump_bytes(struct text *t, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n && !t->full; i++)
		text_printf(t, "%02x", p[i]);
}

/* One value with its BTF type, or in hex without one. */
static void dump_typed(struct text *t, struct btf_dump *d, __u32 type,
		       const void *data, size_t size)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, o, .compact = true);

	if (d && type && btf_dump__dump_type_data(d, type, data, size, &o) >= 0)
		return;
	dump_bytes(t, data, size);
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static bool is_percpu(__u32 type)
{
	return type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static bool is_array(__u32 type)
{
	return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_STRUCT_OPS;
}

/* A map's BTF: its program's, or vmlinux's for the struct_ops value. */
static struct btf *map_btf(const struct bpf_map_info *info, __u32 *vtype)
{
	if (info->type == BPF_MAP_TYPE_STRUCT_OPS) {
		*vtype = info->btf_vmlinux_value_type_id;
		return btf__load_vmlinux_btf();
	}
	*vtype = info->btf_value_type_id;
	return info->btf_id ? btf__load_from_kernel_by_id(info->btf_id) : NULL;
}

/* Every entry of one map, at most MAX_ENTRIES_PER_MAP of them. */
static void dump_map(int fd, const struct bpf_map_info *info,
		     struct ktstr_wire_bpf_map *m, struct text *t)
{
	int ncpus = libbpf_num_possible_cpus();
	size_t vsz = info->value_size, stride = (vsz + 7) & ~(size_t)7;
	size_t total = is_percpu(info->type) && ncpus > 0 ? stride * ncpus : vsz;
	unsigned char key[KEY_MAX], next[KEY_MAX], *val;
	struct btf_dump *d = NULL;
	unsigned int skipped_zero = 0, unreadable = 0;
	int lookup_errno = 0;
	__u32 vtype = 0;
	struct btf *btf;
	void *prev = NULL;
	int err;

	if (is_percpu(info->type) && ncpus <= 0) {
		m->flags |= KTSTR_BPF_MAP_NO_ITER;
		text_printf(t, "(per-CPU values, but the CPU count is unknown)\n");
		return;
	}
	if (info->key_size > KEY_MAX || total > VALUE_MAX) {
		m->flags |= KTSTR_BPF_MAP_NO_ITER;
		text_printf(t, "(key %u bytes, value %zu bytes: too large to dump)\n",
			    info->key_size, total);
		return;
	}
	val = malloc(total ? total : 1);
	if (!val)
		return;
	btf = map_btf(info, &vtype);
	if (btf && !libbpf_get_error(btf))
		d = btf_dump__new(btf, text_vprintf, t, NULL);
	else
		btf = NULL;
	if (d && libbpf_get_error(d))
		d = NULL;
	while (!(err = bpf_map_get_next_key(fd, prev, next))) {
		memcpy(key, next, info->key_size);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, val)) {
			unreadable++;
			lookup_errno = errno;
			continue;
		}
		if (is_array(info->type) && all_zero(val, total)) {
			skipped_zero++;
			continue;
		}
		if (m->nr_dumped >= MAX_ENTRIES_PER_MAP || t->full) {
			m->flags |= KTSTR_BPF_MAP_TRUNCATED;
			break;
		}
		m->nr_dumped++;
		text_printf(t, "[");
		dump_typed(t, d, info->btf_key_type_id, key, info->key_size);
		text_printf(t, "] ");
		if (is_percpu(info->type)) {
			for (int c = 0; c < ncpus && !t->full; c++) {
				text_printf(t, "%scpu%d=", c ? " " : "", c);
				dump_typed(t, d, vtype, val + c * stride, vsz);
			}
		} else {
			dump_typed(t, d, vtype, val, vsz);
		}
		text_printf(t, "\n");
	}
	if (err && errno != ENOENT) {
		m->flags |= KTSTR_BPF_MAP_NO_ITER;
		text_printf(t, "(entries not listable: %s)\n", strerror(errno));
	}
	if (unreadable)
		text_printf(t, "(%u entries not readable: %s)\n", unreadable,
			    strerror(lookup_errno));
	if (skipped_zero)
		text_printf(t, "(%u all-zero entries not shown)\n", skipped_zero);
	btf_dump__free(d);
	btf__free(btf);
	free(val);
}

static void put_name(char *dst, const char *src)
{
	size_t n = strnlen(src, KTSTR_BPF_NAME_LEN - 1);

	memset(dst, 0, KTSTR_BPF_NAME_LEN);
	memcpy(dst, src, n);
}

void bpf_state_send(struct port *p, struct bpf_state *b)
{
	static uint8_t buf[KTSTR_WIRE_MAX_PAYLOAD];
	static char text[MAP_TEXT_MAX];
	size_t off = 0;
	char *stats;

	if (b->sent)
		return;
	b->sent = true;
	stats = read_file("/proc/sys/kernel/bpf_stats_enabled", 16, NULL);
	if (!stats || stats[0] != '1')
		wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_BPF_NOTE,
				 "kernel.bpf_stats_enabled is 0: programs' run counts and times are not collected");
	free(stats);
	for (unsigned int i = 0; i < b->nr_progs; i++) {
		struct bpf_prog_info info = { 0 };
		struct ktstr_wire_bpf_prog w = { 0 };
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(b->prog_fd[i], &info, &len))
			continue;
		w.id = info.id;
		w.type = info.type;
		w.run_cnt = info.run_cnt;
		w.run_time_ns = info.run_time_ns;
		put_name(w.name, info.name);
		wire_tlv_put(buf, sizeof(buf), &off, KTSTR_TLV_BPF_PROG, &w,
			     sizeof(w));
	}
	for (unsigned int i = 0; i < b->nr_maps; i++) {
		struct bpf_map_info info = { 0 };
		struct ktstr_wire_bpf_map w = { 0 };
		struct text t = { .buf = text, .cap = sizeof(text) };
		size_t room = sizeof(buf) - off;
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(b->map_fd[i], &info, &len))
			continue;
		/* Leave room for the maps after this one. */
		if (room < 2 * sizeof(w) + 64) {
			wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_BPF_NOTE,
					 "more maps than fit in one report");
			break;
		}
		if (t.cap > room / 2)
			t.cap = room / 2;
		text[0] = '\0';
		w.id = info.id;
		w.type = info.type;
		w.key_size = info.key_size;
		w.value_size = info.value_size;
		w.max_entries = info.max_entries;
		put_name(w.name, info.name);
		dump_map(b->map_fd[i], &info, &w, &t);
		if (t.full)
			w.flags |= KTSTR_BPF_MAP_TRUNCATED;
		wire_tlv_put(buf, sizeof(buf), &off, KTSTR_TLV_BPF_MAP, &w,
			     sizeof(w));
		wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_BPF_MAP_TEXT,
				 text);
	}
	port_send(p, KTSTR_MSG_SCHED_BPF, buf, off);
}
