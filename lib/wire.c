// SPDX-License-Identifier: GPL-2.0
/*
 * Framed host <-> guest protocol; see wire.h for the format.
 *
 * The decoder treats its input as hostile. Every decision about a
 * candidate frame is taken only once the bytes it depends on are present,
 * so the outcome (frames, counters) is the same however the stream is
 * split across wire_decoder_feed() calls.
 *
 * Error accounting:
 *  - a candidate with a good magic but a bad version, length or crc is
 *    one error; one byte is dropped and the search for a magic restarts;
 *  - a frame with a good crc but an unknown type is one error and is
 *    skipped whole, since its length is trustworthy;
 *  - a run of bytes that cannot start a frame is one WIRE_ERR_MAGIC error
 *    if the decoder was in sync, and part of the current resync otherwise.
 *
 * last_error therefore doubles as the resync state: it names the error
 * being recovered from and is reset to WIRE_OK when a good frame is
 * delivered (WIRE_ERR_TYPE leaves the decoder in sync).
 *
 * Every byte fed ends up in exactly one of: a delivered frame, skipped,
 * or the buffer (have).
 */
#include <string.h>
#include <zlib.h>

#include "wire.h"

#define WIRE_OFF_MAGIC		0
#define WIRE_OFF_VERSION	4
#define WIRE_OFF_TYPE		6
#define WIRE_OFF_SEQ		8
#define WIRE_OFF_LEN		12
#define WIRE_OFF_CRC		16

static const uint8_t wire_magic[4] = {
	KTSTR_WIRE_MAGIC & 0xff,
	(KTSTR_WIRE_MAGIC >> 8) & 0xff,
	(KTSTR_WIRE_MAGIC >> 16) & 0xff,
	(KTSTR_WIRE_MAGIC >> 24) & 0xff,
};

static inline void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = (v >> 8) & 0xff;
	p[2] = (v >> 16) & 0xff;
	p[3] = v >> 24;
}

static inline uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* crc of a frame whose header sits at @hdr, taken as if its crc were 0 */
static uint32_t wire_crc(const uint8_t *hdr, const uint8_t *payload,
			 uint32_t len)
{
	static const uint8_t zero[4];
	uLong crc = crc32(0L, Z_NULL, 0);

	crc = crc32(crc, hdr, WIRE_OFF_CRC);
	crc = crc32(crc, zero, sizeof(zero));
	if (len)
		crc = crc32(crc, payload, len);
	return (uint32_t)crc;
}

size_t wire_encode(uint8_t *buf, size_t cap, uint16_t type, uint32_t seq,
		   const void *payload, size_t len)
{
	if (!buf || len > KTSTR_WIRE_MAX_PAYLOAD ||
	    cap < KTSTR_WIRE_HDR_SIZE + len)
		return 0;

	/* memmove: callers may build the payload in place at buf + HDR */
	if (len)
		memmove(buf + KTSTR_WIRE_HDR_SIZE, payload, len);
	memcpy(buf + WIRE_OFF_MAGIC, wire_magic, sizeof(wire_magic));
	put_le16(buf + WIRE_OFF_VERSION, KTSTR_WIRE_VERSION);
	put_le16(buf + WIRE_OFF_TYPE, type);
	put_le32(buf + WIRE_OFF_SEQ, seq);
	put_le32(buf + WIRE_OFF_LEN, (uint32_t)len);
	put_le32(buf + WIRE_OFF_CRC,
		 wire_crc(buf, buf + KTSTR_WIRE_HDR_SIZE, (uint32_t)len));
	return KTSTR_WIRE_HDR_SIZE + len;
}

void wire_decoder_init(struct wire_decoder *d)
{
	/* buf beyond have is never read, so it need not be cleared */
	d->have = 0;
	d->frames = 0;
	d->errors = 0;
	d->skipped = 0;
	d->last_error = WIRE_OK;
}

static bool wire_in_sync(const struct wire_decoder *d)
{
	return d->last_error == WIRE_OK || d->last_error == WIRE_ERR_TYPE;
}

/* A bad candidate: its length cannot be trusted, so drop one byte only. */
static size_t wire_bad(struct wire_decoder *d, enum wire_error err)
{
	d->errors++;
	d->last_error = err;
	d->skipped++;
	return 1;
}

/*
 * Decide what to do with the bytes at @h. Returns how many to consume,
 * or 0 when more input is needed to decide.
 */
static size_t wire_step(struct wire_decoder *d, const uint8_t *h,
			size_t avail, wire_frame_fn fn, void *ctx)
{
	size_t m = avail < sizeof(wire_magic) ? avail : sizeof(wire_magic);
	struct wire_frame f;
	uint32_t len;
	size_t drop;

	if (memcmp(h, wire_magic, m)) {
		const uint8_t *k = NULL;

		if (wire_in_sync(d)) {
			d->errors++;
			d->last_error = WIRE_ERR_MAGIC;
		}
		/* skip straight to the next byte that could start a magic */
		if (avail > 1)
			k = memchr(h + 1, wire_magic[0], avail - 1);
		drop = k ? (size_t)(k - h) : avail;
		d->skipped += drop;
		return drop;
	}
	if (avail < WIRE_OFF_VERSION + 2)
		return 0;
	if (get_le16(h + WIRE_OFF_VERSION) != KTSTR_WIRE_VERSION)
		return wire_bad(d, WIRE_ERR_VERSION);
	if (avail < WIRE_OFF_LEN + 4)
		return 0;
	len = get_le32(h + WIRE_OFF_LEN);
	if (len > KTSTR_WIRE_MAX_PAYLOAD)
		return wire_bad(d, WIRE_ERR_LENGTH);
	if (avail < KTSTR_WIRE_HDR_SIZE + (size_t)len)
		return 0;
	if (get_le32(h + WIRE_OFF_CRC) !=
	    wire_crc(h, h + KTSTR_WIRE_HDR_SIZE, len))
		return wire_bad(d, WIRE_ERR_CRC);

	f.type = get_le16(h + WIRE_OFF_TYPE);
	if (f.type == 0 || f.type >= KTSTR_MSG_TYPE_MAX) {
		/* the crc vouches for len: skip the frame, stay in sync */
		d->errors++;
		d->last_error = WIRE_ERR_TYPE;
		d->skipped += KTSTR_WIRE_HDR_SIZE + len;
		return KTSTR_WIRE_HDR_SIZE + len;
	}
	f.seq = get_le32(h + WIRE_OFF_SEQ);
	f.len = len;
	f.payload = h + KTSTR_WIRE_HDR_SIZE;
	d->frames++;
	d->last_error = WIRE_OK;
	if (fn)
		fn(&f, ctx);
	return KTSTR_WIRE_HDR_SIZE + len;
}

/* Consume as much of @p as can be decided; returns the bytes consumed. */
static size_t wire_scan(struct wire_decoder *d, const uint8_t *p, size_t n,
			wire_frame_fn fn, void *ctx)
{
	size_t pos = 0;

	while (pos < n) {
		size_t step = wire_step(d, p + pos, n - pos, fn, ctx);

		if (!step)
			break;
		pos += step;
	}
	return pos;
}

void wire_decoder_feed(struct wire_decoder *d, const void *data, size_t len,
		       wire_frame_fn fn, void *ctx)
{
	const uint8_t *in = data;

	while (len) {
		size_t n, used;

		if (!d->have) {
			/*
			 * Nothing buffered: decode straight from the input and
			 * keep only the undecided tail. That tail is a prefix
			 * of one frame, so it always fits in buf.
			 */
			used = wire_scan(d, in, len, fn, ctx);
			in += used;
			len -= used;
			memcpy(d->buf, in, len);
			d->have = len;
			return;
		}

		/*
		 * Complete the buffered candidate. A full buf always holds a
		 * whole frame, so each round consumes something.
		 */
		n = sizeof(d->buf) - d->have;
		if (n > len)
			n = len;
		memcpy(d->buf + d->have, in, n);
		d->have += n;
		in += n;
		len -= n;

		used = wire_scan(d, d->buf, d->have, fn, ctx);
		d->have -= used;
		if (used && d->have)
			memmove(d->buf, d->buf + used, d->have);
	}
}

int wire_tlv_put(uint8_t *buf, size_t cap, size_t *off, uint16_t tag,
		 const void *val, size_t len)
{
	if (!buf || !off || len > UINT16_MAX || *off > cap ||
	    cap - *off < 4 + len)
		return -1;
	put_le16(buf + *off, tag);
	put_le16(buf + *off + 2, (uint16_t)len);
	if (len)
		memcpy(buf + *off + 4, val, len);
	*off += 4 + len;
	return 0;
}

int wire_tlv_put_str(uint8_t *buf, size_t cap, size_t *off, uint16_t tag,
		     const char *s)
{
	if (!s)
		return -1;
	return wire_tlv_put(buf, cap, off, tag, s, strlen(s));
}

int wire_tlv_put_u32(uint8_t *buf, size_t cap, size_t *off, uint16_t tag,
		     uint32_t v)
{
	uint8_t le[4];

	put_le32(le, v);
	return wire_tlv_put(buf, cap, off, tag, le, sizeof(le));
}

int wire_tlv_next(const uint8_t *p, size_t len, size_t *off, uint16_t *tag,
		  const uint8_t **val, uint16_t *vlen)
{
	size_t left;
	uint16_t l;

	if (*off == len)
		return 0;
	if (*off > len)
		return -1;
	left = len - *off;
	if (left < 4)
		return -1;
	l = get_le16(p + *off + 2);
	if (left - 4 < l)
		return -1;
	*tag = get_le16(p + *off);
	*vlen = l;
	*val = p + *off + 4;
	*off += 4 + (size_t)l;
	return 1;
}

bool wire_tlv_str(const uint8_t *val, uint16_t vlen, char *dst, size_t cap)
{
	if (!dst || !cap)
		return false;
	dst[0] = '\0';
	if (vlen >= cap || (vlen && memchr(val, '\0', vlen)))
		return false;
	if (vlen)
		memcpy(dst, val, vlen);
	dst[vlen] = '\0';
	return true;
}

bool wire_tlv_u32(const uint8_t *val, uint16_t vlen, uint32_t *out)
{
	if (vlen != 4)
		return false;
	*out = get_le32(val);
	return true;
}
