// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for lib/wire.c: framing, resync after corruption, split
 * input, TLV records, the seed corpus and a randomised mutation run.
 * Run from tests/unit (the corpus is at ../fuzz/wire).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kselftest_harness.h"
#include "wire.h"

#define CORPUS_DIR	"../fuzz/wire"

/* enum constants are int, the enum itself unsigned: compare as int */
#define ASSERT_LAST_ERROR(err, d) ASSERT_EQ((int)(err), (int)(d)->last_error)
#define SINK_FRAMES	64

/* Everything the decoder delivered, condensed so two runs can be compared. */
struct sink {
	unsigned int n;
	uint32_t digest;	/* crc32 over type, seq, len and payload */
	uint64_t bytes;		/* header + payload bytes delivered */
	unsigned int tlv_bad;	/* payloads whose TLV walk hit -1 */
	struct {
		uint16_t type;
		uint32_t seq;
		uint32_t len;
	} f[SINK_FRAMES];
	const uint8_t *last_payload;
	uint8_t last[KTSTR_WIRE_MAX_PAYLOAD];	/* copy of the last payload */
};

static void sink_fn(const struct wire_frame *fr, void *ctx)
{
	struct sink *s = ctx;
	uint8_t meta[10];
	const uint8_t *val;
	uint16_t tag, vlen;
	size_t off = 0;
	char str[128];
	uint32_t u;
	int r;

	meta[0] = fr->type & 0xff;
	meta[1] = fr->type >> 8;
	for (int i = 0; i < 4; i++) {
		meta[2 + i] = (fr->seq >> (8 * i)) & 0xff;
		meta[6 + i] = (fr->len >> (8 * i)) & 0xff;
	}
	s->digest = crc32(s->digest, meta, sizeof(meta));
	if (fr->len)
		s->digest = crc32(s->digest, fr->payload, fr->len);
	if (s->n < SINK_FRAMES) {
		s->f[s->n].type = fr->type;
		s->f[s->n].seq = fr->seq;
		s->f[s->n].len = fr->len;
	}
	s->n++;
	s->bytes += KTSTR_WIRE_HDR_SIZE + fr->len;
	s->last_payload = fr->payload;
	memcpy(s->last, fr->payload, fr->len);

	/* Every payload is untrusted too: walk it as TLV whatever it is. */
	while ((r = wire_tlv_next(fr->payload, fr->len, &off, &tag, &val,
				  &vlen)) > 0) {
		wire_tlv_str(val, vlen, str, sizeof(str));
		wire_tlv_u32(val, vlen, &u);
	}
	if (r < 0)
		s->tlv_bad++;
}

static void sink_reset(struct sink *s)
{
	s->n = 0;
	s->digest = 0;
	s->bytes = 0;
	s->tlv_bad = 0;
	s->last_payload = NULL;
}

static struct sink *sink_new(void)
{
	struct sink *s = malloc(sizeof(*s));

	if (s)
		sink_reset(s);
	return s;
}

static struct wire_decoder *dec_new(void)
{
	struct wire_decoder *d = malloc(sizeof(*d));

	if (d)
		wire_decoder_init(d);
	return d;
}

/* Feed in chunks of @chunk bytes (the last may be shorter). */
static void feed_chunks(struct wire_decoder *d, const uint8_t *p, size_t len,
			size_t chunk, struct sink *s)
{
	while (len) {
		size_t n = len < chunk ? len : chunk;

		wire_decoder_feed(d, p, n, sink_fn, s);
		p += n;
		len -= n;
	}
}

static uint64_t rng_state;

/* xorshift64*: fixed seed, same sequence on every libc */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t rnd_below(size_t n)
{
	return n ? rnd() % n : 0;
}

static void fill_pattern(uint8_t *p, size_t len, unsigned int salt)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 31 + salt);
}

/*
 * A HELLO and a STDOUT frame: the stream most split tests work on.
 * *first gets the size of the HELLO frame.
 */
static size_t two_frames(uint8_t *buf, size_t cap, size_t *first)
{
	uint8_t pl[256];
	size_t off = 0, n, m;

	wire_tlv_put_str(pl, sizeof(pl), &off, KTSTR_TLV_AGENT_VERSION, "1.0");
	wire_tlv_put_str(pl, sizeof(pl), &off, KTSTR_TLV_KERNEL_RELEASE,
			 "6.12.0");
	wire_tlv_put_u32(pl, sizeof(pl), &off, KTSTR_TLV_NR_CPUS, 8);
	n = wire_encode(buf, cap, KTSTR_MSG_HELLO, 1, pl, off);
	*first = n;
	fill_pattern(pl, 100, 0x4b);	/* 0x4b: plenty of magic bytes */
	m = wire_encode(buf + n, cap - n, KTSTR_MSG_STDOUT, 2, pl, 100);
	return n && m ? n + m : 0;
}

/* Patch a header field, then make the crc valid again. */
static void patch16(uint8_t *f, size_t off, uint16_t v)
{
	f[off] = v & 0xff;
	f[off + 1] = v >> 8;
}

static void patch32(uint8_t *f, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		f[off + i] = (v >> (8 * i)) & 0xff;
}

static void fix_crc(uint8_t *f, size_t payload_len)
{
	patch32(f, 16, 0);
	patch32(f, 16, (uint32_t)crc32(0, f, KTSTR_WIRE_HDR_SIZE +
				       payload_len));
}

TEST(roundtrip_all_types)
{
	struct wire_decoder *d = dec_new();
	struct sink *s = sink_new();
	static uint8_t buf[KTSTR_WIRE_MAX_FRAME];
	uint8_t pl[2048];

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, s);
	for (unsigned int t = KTSTR_MSG_HELLO; t < KTSTR_MSG_TYPE_MAX; t++) {
		size_t len = t * 97, n;

		fill_pattern(pl, len, t);
		n = wire_encode(buf, sizeof(buf), t, 0x01020304u * t, pl, len);
		ASSERT_EQ(KTSTR_WIRE_HDR_SIZE + len, n);
		/* little-endian header, byte by byte */
		ASSERT_EQ(0, memcmp(buf, "KSTR\x01\x00", 6));
		ASSERT_EQ(t, buf[6]);
		ASSERT_EQ(0, buf[7]);
		ASSERT_EQ(len & 0xff, buf[12]);

		sink_reset(s);
		wire_decoder_feed(d, buf, n, sink_fn, s);
		ASSERT_EQ(t, d->frames);
		ASSERT_EQ(1u, s->n);
		ASSERT_EQ(t, s->f[0].type);
		ASSERT_EQ(0x01020304u * t, s->f[0].seq);
		ASSERT_EQ(len, s->f[0].len);
		ASSERT_EQ(0, memcmp(s->last, pl, len));
	}
	ASSERT_EQ(0u, d->errors);
	ASSERT_EQ(0u, d->skipped);
	ASSERT_EQ(0u, d->have);
	ASSERT_LAST_ERROR(WIRE_OK, d);
	free(d);
	free(s);
}

TEST(split_every_point)
{
	struct wire_decoder *d = dec_new(), *ref = dec_new();
	struct sink *s = sink_new(), *rs = sink_new();
	uint8_t buf[512];
	size_t f1, len = two_frames(buf, sizeof(buf), &f1);

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, ref);
	ASSERT_NE(NULL, s);
	ASSERT_NE(NULL, rs);
	ASSERT_NE(0u, len);
	wire_decoder_feed(ref, buf, len, sink_fn, rs);
	ASSERT_EQ(2u, rs->n);
	ASSERT_EQ(KTSTR_MSG_HELLO, rs->f[0].type);
	ASSERT_EQ(KTSTR_MSG_STDOUT, rs->f[1].type);
	ASSERT_EQ(0u, ref->errors);

	/* every single split point, then every pair of split points */
	for (size_t i = 0; i <= len; i++) {
		for (size_t j = i; j <= len; j++) {
			wire_decoder_init(d);
			sink_reset(s);
			wire_decoder_feed(d, buf, i, sink_fn, s);
			wire_decoder_feed(d, buf + i, j - i, sink_fn, s);
			wire_decoder_feed(d, buf + j, len - j, sink_fn, s);
			ASSERT_EQ(2u, s->n) TH_LOG("split %zu/%zu", i, j);
			ASSERT_EQ(rs->digest, s->digest);
			ASSERT_EQ(0u, d->errors);
			ASSERT_EQ(0u, d->skipped);
			ASSERT_EQ(0u, d->have);
		}
	}

	/* and one byte at a time */
	wire_decoder_init(d);
	sink_reset(s);
	feed_chunks(d, buf, len, 1, s);
	ASSERT_EQ(2u, s->n);
	ASSERT_EQ(rs->digest, s->digest);
	free(d);
	free(ref);
	free(s);
	free(rs);
}

TEST(garbage_resync)
{
	struct wire_decoder *d = dec_new();
	struct sink *s = sink_new();
	uint8_t frames[512], buf[1024];
	size_t f1, flen = two_frames(frames, sizeof(frames), &f1);
	static const char g1[] = "\x00\xff junk KST KSTX \x4b\x4b";
	static const char g2[] = "more junk \r\n";
	static const char g3[] = "tail";
	size_t n = 0;

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, memcmp(frames + f1, "KSTR", 4));

	memcpy(buf + n, g1, sizeof(g1) - 1);
	n += sizeof(g1) - 1;
	memcpy(buf + n, frames, f1);
	n += f1;
	memcpy(buf + n, g2, sizeof(g2) - 1);
	n += sizeof(g2) - 1;
	memcpy(buf + n, frames + f1, flen - f1);
	n += flen - f1;
	memcpy(buf + n, g3, sizeof(g3) - 1);
	n += sizeof(g3) - 1;

	for (size_t chunk = 1; chunk <= n; chunk++) {
		wire_decoder_init(d);
		sink_reset(s);
		feed_chunks(d, buf, n, chunk, s);
		ASSERT_EQ(2u, s->n) TH_LOG("chunk %zu", chunk);
		ASSERT_EQ(3u, d->errors);	/* one per garbage run */
		ASSERT_EQ(sizeof(g1) + sizeof(g2) + sizeof(g3) - 3,
			  d->skipped);
		ASSERT_EQ(0u, d->have);
		ASSERT_LAST_ERROR(WIRE_ERR_MAGIC, d);
	}

	/* a possible magic prefix at the end is kept, not skipped */
	wire_decoder_init(d);
	wire_decoder_feed(d, "xyzKST", 6, sink_fn, s);
	ASSERT_EQ(3u, d->have);
	ASSERT_EQ(3u, d->skipped);
	ASSERT_EQ(1u, d->errors);
	wire_decoder_feed(d, "x", 1, sink_fn, s);
	ASSERT_EQ(0u, d->have);
	ASSERT_EQ(7u, d->skipped);
	ASSERT_EQ(1u, d->errors);	/* still the same resync */

	/* a good frame ends the resync: the next garbage is a new error */
	wire_decoder_feed(d, frames, flen, sink_fn, s);
	ASSERT_LAST_ERROR(WIRE_OK, d);
	wire_decoder_feed(d, "?", 1, sink_fn, s);
	ASSERT_EQ(2u, d->errors);
	free(d);
	free(s);
}

TEST(bad_crc)
{
	struct wire_decoder *d = dec_new();
	struct sink *s = sink_new();
	uint8_t good[512], bad[512];
	size_t f1, len = two_frames(good, sizeof(good), &f1);

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, s);
	/*
	 * Corrupt each byte past the magic and version in turn, except len:
	 * a bad len is caught by the crc only once that many bytes arrive.
	 */
	for (size_t i = 6; i < f1; i++) {
		if (i >= 12 && i < 16)
			continue;
		memcpy(bad, good, len);
		bad[i] ^= 0x01;
		wire_decoder_init(d);
		sink_reset(s);
		wire_decoder_feed(d, bad, len, sink_fn, s);
		/* the HELLO is lost, the STDOUT behind it survives */
		ASSERT_EQ(1u, s->n) TH_LOG("byte %zu", i);
		ASSERT_EQ(KTSTR_MSG_STDOUT, s->f[0].type);
		ASSERT_EQ(1u, d->errors);
		ASSERT_EQ(f1, d->skipped);
		ASSERT_EQ(0u, d->have);
		ASSERT_LAST_ERROR(WIRE_OK, d);

		/* the error alone leaves last_error set */
		wire_decoder_init(d);
		wire_decoder_feed(d, bad, f1, NULL, NULL);
		ASSERT_LAST_ERROR(WIRE_ERR_CRC, d) TH_LOG("byte %zu", i);
	}
	free(d);
	free(s);
}

TEST(bad_version)
{
	struct wire_decoder *d = dec_new();
	struct sink *s = sink_new();
	uint8_t buf[512];
	size_t f1, len = two_frames(buf, sizeof(buf), &f1);
	static const uint16_t versions[] = { 0, 2, 0x100, 0xffff };

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, s);
	for (size_t i = 0; i < ARRAY_SIZE(versions); i++) {
		patch16(buf, 4, versions[i]);
		fix_crc(buf, f1 - KTSTR_WIRE_HDR_SIZE);
		wire_decoder_init(d);
		sink_reset(s);
		/* decided from the first 6 bytes, no need to wait */
		wire_decoder_feed(d, buf, 6, sink_fn, s);
		ASSERT_EQ(1u, d->errors);
		ASSERT_LAST_ERROR(WIRE_ERR_VERSION, d);
		wire_decoder_feed(d, buf + 6, len - 6, sink_fn, s);
		ASSERT_EQ(1u, s->n);
		ASSERT_EQ(KTSTR_MSG_STDOUT, s->f[0].type);
		ASSERT_EQ(1u, d->errors);
	}
	free(d);
	free(s);
}

TEST(oversized_len)
{
	struct wire_decoder *d = dec_new();
	struct sink *s = sink_new();
	uint8_t buf[512];
	size_t f1, len = two_frames(buf, sizeof(buf), &f1);
	static const uint32_t lens[] = {
		KTSTR_WIRE_MAX_PAYLOAD + 1, 0x80000000u, 0xffffffffu,
	};

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, s);
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		patch32(buf, 12, lens[i]);
		fix_crc(buf, f1 - KTSTR_WIRE_HDR_SIZE);
		wire_decoder_init(d);
		sink_reset(s);
		/* rejected from the header alone, without waiting for len */
		wire_decoder_feed(d, buf, 16, sink_fn, s);
		ASSERT_EQ(1u, d->errors);
		ASSERT_LAST_ERROR(WIRE_ERR_LENGTH, d);
		wire_decoder_feed(d, buf + 16, len - 16, sink_fn, s);
		ASSERT_EQ(1u, s->n);
		ASSERT_EQ(1u, d->errors);
	}

	/* exactly the maximum is legal: the decoder waits for the payload */
	patch32(buf, 12, KTSTR_WIRE_MAX_PAYLOAD);
	wire_decoder_init(d);
	wire_decoder_feed(d, buf, KTSTR_WIRE_HDR_SIZE, sink_fn, s);
	ASSERT_EQ(0u, d->errors);
	ASSERT_EQ((size_t)KTSTR_WIRE_HDR_SIZE, d->have);
	free(d);
	free(s);
}

TEST(unknown_type)
{
	struct wire_decoder *d = dec_new();
	struct sink *s = sink_new();
	static const uint16_t types[] = { 0, KTSTR_MSG_TYPE_MAX, 0xffff };
	uint8_t inner[64], buf[512];
	size_t ilen = wire_encode(inner, sizeof(inner), KTSTR_MSG_BYE, 9,
				  NULL, 0);

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, s);
	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		/* a valid frame hidden in the payload must not surface */
		size_t n = wire_encode(buf, sizeof(buf), types[i], 1, inner,
				       ilen);
		size_t m = wire_encode(buf + n, sizeof(buf) - n,
				       KTSTR_MSG_LOG, 2, "hi", 2);

		wire_decoder_init(d);
		sink_reset(s);
		wire_decoder_feed(d, buf, n, sink_fn, s);
		ASSERT_EQ(0u, s->n);
		ASSERT_EQ(1u, d->errors);
		ASSERT_EQ(n, d->skipped);
		ASSERT_LAST_ERROR(WIRE_ERR_TYPE, d);
		/* still in sync: garbage after it is an error of its own */
		wire_decoder_feed(d, "!", 1, sink_fn, s);
		ASSERT_EQ(2u, d->errors);
		ASSERT_LAST_ERROR(WIRE_ERR_MAGIC, d);
		wire_decoder_feed(d, buf + n, m, sink_fn, s);
		ASSERT_EQ(1u, s->n);
		ASSERT_EQ(KTSTR_MSG_LOG, s->f[0].type);
		ASSERT_EQ(2u, s->f[0].seq);
	}
	free(d);
	free(s);
}

TEST(zero_length_payload)
{
	struct wire_decoder *d = dec_new();
	struct sink *s = sink_new();
	uint8_t buf[KTSTR_WIRE_HDR_SIZE];
	size_t n = wire_encode(buf, sizeof(buf), KTSTR_MSG_BYE, 42, NULL, 0);

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, s);
	ASSERT_EQ((size_t)KTSTR_WIRE_HDR_SIZE, n);
	feed_chunks(d, buf, n, 1, s);
	ASSERT_EQ(1u, s->n);
	ASSERT_EQ(KTSTR_MSG_BYE, s->f[0].type);
	ASSERT_EQ(42u, s->f[0].seq);
	ASSERT_EQ(0u, s->f[0].len);
	ASSERT_NE(NULL, s->last_payload);
	ASSERT_EQ(0u, s->tlv_bad);	/* empty payload = zero TLVs */
	free(d);
	free(s);
}

TEST(max_payload)
{
	struct wire_decoder *d = dec_new();
	struct sink *s = sink_new();
	static uint8_t pl[KTSTR_WIRE_MAX_PAYLOAD];
	static uint8_t buf[2 * KTSTR_WIRE_MAX_FRAME + 1];
	size_t n, len;

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, s);
	fill_pattern(pl, sizeof(pl), 7);
	n = wire_encode(buf, sizeof(buf), KTSTR_MSG_STDERR, 1, pl, sizeof(pl));
	ASSERT_EQ((size_t)KTSTR_WIRE_MAX_FRAME, n);
	ASSERT_EQ(n, wire_encode(buf + n, sizeof(buf) - n, KTSTR_MSG_STDOUT,
				 2, pl, sizeof(pl)));
	len = 2 * n;

	/* one go, odd chunks, and 1 byte + rest (a full buffer) */
	for (size_t chunk = 0; chunk < 3; chunk++) {
		wire_decoder_init(d);
		sink_reset(s);
		if (chunk == 0) {
			wire_decoder_feed(d, buf, len, sink_fn, s);
		} else if (chunk == 1) {
			feed_chunks(d, buf, len, 4093, s);
		} else {
			wire_decoder_feed(d, buf, 1, sink_fn, s);
			wire_decoder_feed(d, buf + 1, len - 1, sink_fn, s);
		}
		ASSERT_EQ(2u, s->n);
		ASSERT_EQ((uint32_t)KTSTR_WIRE_MAX_PAYLOAD, s->f[1].len);
		ASSERT_EQ(0, memcmp(s->last, pl, sizeof(pl)));
		ASSERT_EQ(0u, d->errors);
		ASSERT_EQ(0u, d->have);
	}

	/* the longest undecided candidate still fits in the buffer */
	wire_decoder_init(d);
	wire_decoder_feed(d, buf, n - 1, sink_fn, s);
	ASSERT_EQ(n - 1, d->have);
	free(d);
	free(s);
}

TEST(encode_rejects)
{
	static uint8_t buf[KTSTR_WIRE_MAX_FRAME + 16];
	static uint8_t pl[KTSTR_WIRE_MAX_PAYLOAD + 1];

	ASSERT_EQ(0u, wire_encode(buf, sizeof(buf), KTSTR_MSG_LOG, 0, pl,
				  KTSTR_WIRE_MAX_PAYLOAD + 1));
	ASSERT_EQ(0u, wire_encode(buf, sizeof(buf), KTSTR_MSG_LOG, 0, pl,
				  SIZE_MAX));
	ASSERT_EQ(0u, wire_encode(buf, 0, KTSTR_MSG_BYE, 0, NULL, 0));
	ASSERT_EQ(0u, wire_encode(buf, KTSTR_WIRE_HDR_SIZE - 1,
				  KTSTR_MSG_BYE, 0, NULL, 0));
	ASSERT_EQ(0u, wire_encode(buf, KTSTR_WIRE_HDR_SIZE + 9,
				  KTSTR_MSG_LOG, 0, pl, 10));
	ASSERT_EQ(KTSTR_WIRE_HDR_SIZE + 10u,
		  wire_encode(buf, KTSTR_WIRE_HDR_SIZE + 10, KTSTR_MSG_LOG, 0,
			      pl, 10));
	ASSERT_EQ((size_t)KTSTR_WIRE_MAX_FRAME,
		  wire_encode(buf, KTSTR_WIRE_MAX_FRAME, KTSTR_MSG_LOG, 0, pl,
			      KTSTR_WIRE_MAX_PAYLOAD));
}

TEST(encode_in_place)
{
	struct wire_decoder *d = dec_new();
	struct sink *s = sink_new();
	uint8_t buf[256];
	size_t off = 0, n;

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, s);
	/* TLVs built right after the header, then framed in place */
	ASSERT_EQ(0, wire_tlv_put_u32(buf + KTSTR_WIRE_HDR_SIZE,
				      sizeof(buf) - KTSTR_WIRE_HDR_SIZE, &off,
				      KTSTR_TLV_EXIT_CODE, 3));
	n = wire_encode(buf, sizeof(buf), KTSTR_MSG_EXIT, 5,
			buf + KTSTR_WIRE_HDR_SIZE, off);
	ASSERT_EQ(KTSTR_WIRE_HDR_SIZE + off, n);
	wire_decoder_feed(d, buf, n, sink_fn, s);
	ASSERT_EQ(1u, s->n);
	ASSERT_EQ(0, memcmp(s->last, "\x0d\x00\x04\x00\x03\x00\x00\x00", 8));
	free(d);
	free(s);
}

TEST(tlv_roundtrip)
{
	uint8_t buf[256], raw[3] = { 1, 2, 3 };
	const uint8_t *val;
	uint16_t tag, vlen;
	size_t off = 0;
	char str[32];
	uint32_t u;

	ASSERT_EQ(0, wire_tlv_put_str(buf, sizeof(buf), &off,
				      KTSTR_TLV_COMMAND, "echo hi"));
	ASSERT_EQ(0, wire_tlv_put_u32(buf, sizeof(buf), &off,
				      KTSTR_TLV_ATTACH_TIMEOUT_MS,
				      0xa1b2c3d4u));
	ASSERT_EQ(0, wire_tlv_put(buf, sizeof(buf), &off, KTSTR_TLV_ENV,
				  raw, sizeof(raw)));
	ASSERT_EQ(0, wire_tlv_put_str(buf, sizeof(buf), &off,
				      KTSTR_TLV_ARGV, ""));
	ASSERT_EQ(4 + 7 + 4 + 4 + 4 + 3 + 4u, off);
	/* u32 is little-endian on the wire */
	ASSERT_EQ(0, memcmp(buf + 11, "\x10\x00\x04\x00\xd4\xc3\xb2\xa1", 8));

	size_t len = off;

	off = 0;
	ASSERT_EQ(1, wire_tlv_next(buf, len, &off, &tag, &val, &vlen));
	ASSERT_EQ(KTSTR_TLV_COMMAND, tag);
	ASSERT_TRUE(wire_tlv_str(val, vlen, str, sizeof(str)));
	ASSERT_STREQ("echo hi", str);
	ASSERT_EQ(1, wire_tlv_next(buf, len, &off, &tag, &val, &vlen));
	ASSERT_EQ(KTSTR_TLV_ATTACH_TIMEOUT_MS, tag);
	ASSERT_TRUE(wire_tlv_u32(val, vlen, &u));
	ASSERT_EQ(0xa1b2c3d4u, u);
	ASSERT_EQ(1, wire_tlv_next(buf, len, &off, &tag, &val, &vlen));
	ASSERT_EQ(KTSTR_TLV_ENV, tag);
	ASSERT_EQ(3, vlen);
	ASSERT_EQ(0, memcmp(val, raw, 3));
	ASSERT_EQ(1, wire_tlv_next(buf, len, &off, &tag, &val, &vlen));
	ASSERT_EQ(KTSTR_TLV_ARGV, tag);
	ASSERT_EQ(0, vlen);
	ASSERT_TRUE(wire_tlv_str(val, vlen, str, sizeof(str)));
	ASSERT_STREQ("", str);
	ASSERT_EQ(0, wire_tlv_next(buf, len, &off, &tag, &val, &vlen));
	ASSERT_EQ(0, wire_tlv_next(buf, len, &off, &tag, &val, &vlen));
	ASSERT_EQ(len, off);
}

TEST(tlv_put_full)
{
	static uint8_t big[UINT16_MAX + 1];
	uint8_t buf[16];
	size_t off = 0;

	ASSERT_EQ(0, wire_tlv_put(buf, sizeof(buf), &off, 1, big, 12));
	ASSERT_EQ(16u, off);
	ASSERT_EQ(-1, wire_tlv_put(buf, sizeof(buf), &off, 1, NULL, 0));
	ASSERT_EQ(16u, off);	/* unchanged on failure */
	off = 9;
	ASSERT_EQ(-1, wire_tlv_put_u32(buf, sizeof(buf), &off, 1, 0));
	ASSERT_EQ(9u, off);
	off = 17;	/* past cap */
	ASSERT_EQ(-1, wire_tlv_put(buf, sizeof(buf), &off, 1, NULL, 0));
	ASSERT_EQ(17u, off);

	/* a value needs a u16 length */
	static uint8_t huge[UINT16_MAX + 8];

	off = 0;
	ASSERT_EQ(-1, wire_tlv_put(huge, sizeof(huge), &off, 1, big,
				   UINT16_MAX + 1));
	ASSERT_EQ(0, wire_tlv_put(huge, sizeof(huge), &off, 1, big,
				  UINT16_MAX));
	ASSERT_EQ(UINT16_MAX + 4u, off);
}

TEST(tlv_truncated)
{
	uint8_t buf[64];
	const uint8_t *val;
	uint16_t tag, vlen;
	size_t off = 0, len;

	ASSERT_EQ(0, wire_tlv_put_str(buf, sizeof(buf), &off, 1, "abcdef"));
	len = off;
	/* every truncation of a one-record payload is an error */
	for (size_t cut = 1; cut < len; cut++) {
		off = 0;
		ASSERT_EQ(-1, wire_tlv_next(buf, cut, &off, &tag, &val,
					    &vlen)) TH_LOG("cut %zu", cut);
		ASSERT_EQ(0u, off);
	}
	off = 0;
	ASSERT_EQ(0, wire_tlv_next(buf, 0, &off, &tag, &val, &vlen));

	/* a good record followed by one claiming 0xffff bytes */
	off = len;
	memcpy(buf + off, "\x02\x00\xff\xffxyz", 7);
	len += 7;
	off = 0;
	ASSERT_EQ(1, wire_tlv_next(buf, len, &off, &tag, &val, &vlen));
	ASSERT_EQ(-1, wire_tlv_next(buf, len, &off, &tag, &val, &vlen));
	ASSERT_EQ(-1, wire_tlv_next(buf, len, &off, &tag, &val, &vlen));
	ASSERT_EQ(10u, off);
	off = len + 1;
	ASSERT_EQ(-1, wire_tlv_next(buf, len, &off, &tag, &val, &vlen));
}

TEST(tlv_str)
{
	char dst[8];

	ASSERT_TRUE(wire_tlv_str((const uint8_t *)"1234567", 7, dst,
				 sizeof(dst)));
	ASSERT_STREQ("1234567", dst);
	/* no room for the NUL */
	ASSERT_FALSE(wire_tlv_str((const uint8_t *)"12345678", 8, dst,
				  sizeof(dst)));
	ASSERT_STREQ("", dst);
	ASSERT_FALSE(wire_tlv_str((const uint8_t *)"123456789", 9, dst,
				  sizeof(dst)));
	/* an embedded NUL would silently truncate the string */
	ASSERT_FALSE(wire_tlv_str((const uint8_t *)"ab\0cd", 5, dst,
				  sizeof(dst)));
	ASSERT_FALSE(wire_tlv_str((const uint8_t *)"ab\0", 3, dst,
				  sizeof(dst)));
	ASSERT_FALSE(wire_tlv_str((const uint8_t *)"", 0, dst, 0));
	ASSERT_TRUE(wire_tlv_str((const uint8_t *)"", 0, dst, 1));
	ASSERT_STREQ("", dst);
}

TEST(tlv_u32)
{
	uint32_t u = 7;

	ASSERT_FALSE(wire_tlv_u32((const uint8_t *)"\1\2\3", 3, &u));
	ASSERT_FALSE(wire_tlv_u32((const uint8_t *)"\1\2\3\4\5", 5, &u));
	ASSERT_FALSE(wire_tlv_u32((const uint8_t *)"", 0, &u));
	ASSERT_EQ(7u, u);
	ASSERT_TRUE(wire_tlv_u32((const uint8_t *)"\1\2\3\4", 4, &u));
	ASSERT_EQ(0x04030201u, u);
}

/* Feed @p in one go and by single bytes; both must agree. */
static void check_split_invariance(struct __test_metadata *_metadata,
				   const uint8_t *p, size_t len,
				   const char *what)
{
	static struct wire_decoder a, b;
	static struct sink sa, sb;

	wire_decoder_init(&a);
	wire_decoder_init(&b);
	sink_reset(&sa);
	sink_reset(&sb);
	wire_decoder_feed(&a, p, len, sink_fn, &sa);
	feed_chunks(&b, p, len, 1, &sb);
	ASSERT_EQ(a.frames, b.frames) TH_LOG("%s", what);
	ASSERT_EQ(sa.n, a.frames);
	ASSERT_EQ(a.errors, b.errors) TH_LOG("%s", what);
	ASSERT_EQ(a.skipped, b.skipped) TH_LOG("%s", what);
	ASSERT_EQ(a.have, b.have);
	ASSERT_EQ((int)a.last_error, (int)b.last_error);
	ASSERT_EQ(sa.digest, sb.digest) TH_LOG("%s", what);
	ASSERT_EQ(0, memcmp(a.buf, b.buf, a.have));
	ASSERT_EQ(len, sa.bytes + a.skipped + a.have) TH_LOG("%s", what);
}

TEST(corpus)
{
	static uint8_t data[4 * KTSTR_WIRE_MAX_FRAME];
	struct wire_decoder *d = dec_new();
	DIR *dir = opendir(CORPUS_DIR);
	unsigned int files = 0, checked = 0;
	struct dirent *de;

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, dir) TH_LOG("run from tests/unit: %s", CORPUS_DIR);
	while ((de = readdir(dir))) {
		unsigned int ef, ee;
		char path[512];
		const char *tag;
		size_t len;
		FILE *f;
		int end = 0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, de->d_name);
		f = fopen(path, "rb");
		ASSERT_NE(NULL, f) TH_LOG("%s", path);
		len = fread(data, 1, sizeof(data), f);
		fclose(f);
		files++;

		check_split_invariance(_metadata, data, len, de->d_name);

		/* NAME.fF-eE.bin carries the expected frame/error counts */
		tag = strrchr(de->d_name, '.');
		while (tag && tag > de->d_name && *(tag - 1) != '.')
			tag--;
		if (!tag || sscanf(tag, "f%u-e%u.bin%n", &ef, &ee, &end) != 2 ||
		    tag[end])
			continue;
		wire_decoder_init(d);
		wire_decoder_feed(d, data, len, NULL, NULL);
		ASSERT_EQ(ef, d->frames) TH_LOG("%s", de->d_name);
		ASSERT_EQ(ee, d->errors) TH_LOG("%s", de->d_name);
		checked++;
	}
	closedir(dir);
	ASSERT_GE(files, 15u);
	ASSERT_GE(checked, 15u);
	free(d);
}

/* A valid stream of 1..5 frames; returns its length. */
static size_t random_stream(uint8_t *buf, size_t cap, unsigned int *valid,
			    unsigned int *invalid)
{
	uint8_t pl[4096];
	size_t n = 0, frames = 1 + rnd_below(5);

	*valid = *invalid = 0;
	for (size_t i = 0; i < frames; i++) {
		uint16_t type = 1 + rnd_below(KTSTR_MSG_TYPE_MAX - 1);
		size_t len = 0, r = rnd_below(100), m;

		if (r < 5) {
			type = rnd_below(2) ? 0 : KTSTR_MSG_TYPE_MAX +
						  rnd_below(4);
		}
		if (r < 40) {
			/* TLV payload, maybe with a strange last record */
			size_t recs = rnd_below(6);

			for (size_t k = 0; k < recs; k++) {
				uint8_t v[40];
				size_t vl = rnd_below(sizeof(v));

				for (size_t j = 0; j < vl; j++)
					v[j] = 'a' + rnd_below(26);
				wire_tlv_put(pl, sizeof(pl), &len,
					     1 + rnd_below(KTSTR_TLV_MAX), v, vl);
			}
		} else {
			len = r < 98 ? rnd_below(300) : rnd_below(sizeof(pl));
			for (size_t j = 0; j < len; j++)
				pl[j] = rnd_below(8) ? rnd() : 0x4b;
		}
		m = wire_encode(buf + n, cap - n, type, rnd(), pl, len);
		if (!m)
			break;
		n += m;
		if (type == 0 || type >= KTSTR_MSG_TYPE_MAX)
			(*invalid)++;
		else
			(*valid)++;
	}
	return n;
}

static size_t mutate(uint8_t *buf, size_t len, size_t cap)
{
	size_t ops = 1 + rnd_below(4);

	for (size_t i = 0; i < ops && len; i++) {
		size_t at = rnd_below(len);

		switch (rnd_below(6)) {
		case 0:		/* flip a bit */
			buf[at] ^= 1u << rnd_below(8);
			break;
		case 1:		/* insert a byte */
			if (len < cap) {
				memmove(buf + at + 1, buf + at, len - at);
				buf[at] = rnd();
				len++;
			}
			break;
		case 2:		/* delete a run */
		{
			size_t k = 1 + rnd_below(len - at < 8 ? len - at : 8);

			memmove(buf + at, buf + at + k, len - at - k);
			len -= k;
			break;
		}
		case 3:		/* a stray magic */
			if (len + 4 <= cap) {
				memmove(buf + at + 4, buf + at, len - at);
				memcpy(buf + at, "KSTR", 4);
				len += 4;
			}
			break;
		case 4:		/* random byte */
			buf[at] = rnd();
			break;
		case 5:		/* truncate */
			len = at;
			break;
		}
	}
	return len;
}

TEST(mutation)
{
	static uint8_t buf[5 * (KTSTR_WIRE_HDR_SIZE + 4096) + 256];
	static struct wire_decoder a, b, all;
	static struct sink sa, sb, sall;
	unsigned int clean = 0, dirty = 0;
	uint64_t total = 0;

	rng_state = 0x6b74737472ull;	/* "ktstr": fixed, reproducible */
	/* @all sees every stream back to back, leftovers and all */
	wire_decoder_init(&all);
	sink_reset(&sall);
	for (unsigned int it = 0; it < 20000; it++) {
		unsigned int valid, invalid;
		size_t len = random_stream(buf, sizeof(buf) - 64, &valid,
					   &invalid);
		bool mutated = rnd_below(10) != 0;

		if (mutated) {
			len = mutate(buf, len, sizeof(buf));
			dirty++;
		} else {
			clean++;
		}

		wire_decoder_init(&a);
		wire_decoder_init(&b);
		sink_reset(&sa);
		sink_reset(&sb);
		wire_decoder_feed(&a, buf, len, sink_fn, &sa);
		for (size_t pos = 0; pos < len;) {
			size_t n = rnd_below(4) ? 1 + rnd_below(64) :
						  1 + rnd_below(len - pos);

			if (n > len - pos)
				n = len - pos;
			wire_decoder_feed(&b, buf + pos, n, sink_fn, &sb);
			pos += n;
		}
		wire_decoder_feed(&all, buf, len, sink_fn, &sall);
		total += len;

		ASSERT_EQ(a.frames, b.frames) TH_LOG("iteration %u", it);
		ASSERT_EQ(a.errors, b.errors) TH_LOG("iteration %u", it);
		ASSERT_EQ(a.skipped, b.skipped) TH_LOG("iteration %u", it);
		ASSERT_EQ(a.have, b.have) TH_LOG("iteration %u", it);
		ASSERT_EQ((int)a.last_error, (int)b.last_error);
		ASSERT_EQ(sa.digest, sb.digest) TH_LOG("iteration %u", it);
		ASSERT_EQ(0, memcmp(a.buf, b.buf, a.have));
		ASSERT_LE(a.have, (size_t)KTSTR_WIRE_MAX_FRAME);
		ASSERT_EQ(len, sa.bytes + a.skipped + a.have)
			TH_LOG("iteration %u", it);
		for (unsigned int i = 0; i < sa.n && i < SINK_FRAMES; i++) {
			ASSERT_NE(0, sa.f[i].type);
			ASSERT_GT(KTSTR_MSG_TYPE_MAX, sa.f[i].type);
		}
		if (!mutated) {
			ASSERT_EQ(valid, a.frames) TH_LOG("iteration %u", it);
			ASSERT_EQ(invalid, a.errors);
			ASSERT_EQ(0u, a.have);
		}
	}
	ASSERT_EQ(total, sall.bytes + all.skipped + all.have);
	ASSERT_LT(10000u, all.frames);
	ASSERT_LT(1000u, clean);
	ASSERT_LT(10000u, dirty);
}

TEST_HARNESS_MAIN
