// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer entry point for lib/wire.c: the frame decoder and the TLV
 * parser both face bytes from an untrusted guest.
 *
 * Build and run with scripts/fuzz-host.sh wire (clang's fuzzer runtime
 * is the Debian package libclang-rt-16-dev). New inputs land in
 * build/fuzz/corpus-wire, so the seed corpus in tests/fuzz/wire (see
 * gen-wire-corpus.py) stays as generated.
 *
 * Besides memory safety it checks the decoder's contract: the result does
 * not depend on how the input is split, every byte is accounted for, and
 * what wire_encode() writes decodes back unchanged.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "wire.h"
#include "fuzz_stats.h"

struct result {
	uint64_t frames;
	uint64_t bytes;
	uint32_t digest;
	const uint8_t *want;	/* payload expected by the round trip */
	size_t want_len;
	int matched;
};

static void walk_tlv(const uint8_t *p, size_t len)
{
	const uint8_t *val;
	uint16_t tag, vlen;
	size_t off = 0;
	char str[64];
	uint32_t u;

	while (wire_tlv_next(p, len, &off, &tag, &val, &vlen) > 0) {
		if (off > len)
			abort();
		wire_tlv_str(val, vlen, str, sizeof(str));
		wire_tlv_u32(val, vlen, &u);
	}
}

static void on_frame(const struct wire_frame *f, void *ctx)
{
	struct result *r = ctx;
	uint8_t meta[10];

	if (f->type == 0 || f->type >= KTSTR_MSG_TYPE_MAX ||
	    f->len > KTSTR_WIRE_MAX_PAYLOAD)
		abort();
	meta[0] = f->type & 0xff;
	meta[1] = f->type >> 8;
	for (int i = 0; i < 4; i++) {
		meta[2 + i] = (f->seq >> (8 * i)) & 0xff;
		meta[6 + i] = (f->len >> (8 * i)) & 0xff;
	}
	r->digest = crc32(r->digest, meta, sizeof(meta));
	if (f->len)
		r->digest = crc32(r->digest, f->payload, f->len);
	r->frames++;
	r->bytes += KTSTR_WIRE_HDR_SIZE + f->len;
	if (r->want && f->len == r->want_len &&
	    !memcmp(f->payload, r->want, f->len))
		r->matched++;
	walk_tlv(f->payload, f->len);
}

static void same(const struct wire_decoder *a, const struct result *ra,
		 const struct wire_decoder *b, const struct result *rb)
{
	if (a->frames != b->frames || a->errors != b->errors ||
	    a->skipped != b->skipped || a->have != b->have ||
	    a->last_error != b->last_error || ra->digest != rb->digest ||
	    memcmp(a->buf, b->buf, a->have))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wire_decoder a, b;
	static uint8_t frame[KTSTR_WIRE_MAX_FRAME];
	struct result ra = { 0 }, rb = { 0 };
	size_t pos = 0, n, len;

	fuzz_stats_begin();
	/* the whole input at once */
	wire_decoder_init(&a);
	wire_decoder_feed(&a, data, size, on_frame, &ra);
	if (a.frames != ra.frames || a.have > KTSTR_WIRE_MAX_FRAME ||
	    size != ra.bytes + a.skipped + a.have)
		abort();

	/* again in chunks whose sizes come from the input itself */
	wire_decoder_init(&b);
	for (size_t i = 0; pos < size; i++) {
		n = 1 + data[i % size] % 37;
		if (n > size - pos)
			n = size - pos;
		wire_decoder_feed(&b, data + pos, n, on_frame, &rb);
		pos += n;
	}
	same(&a, &ra, &b, &rb);

	/* the raw input as a TLV payload */
	walk_tlv(data, size);

	/* and as the payload of a frame we encode: it must come back */
	len = size > KTSTR_WIRE_MAX_PAYLOAD ? KTSTR_WIRE_MAX_PAYLOAD : size;
	n = wire_encode(frame, sizeof(frame),
			KTSTR_MSG_HELLO + size % (KTSTR_MSG_TYPE_MAX - 1),
			(uint32_t)size, data, len);
	if (n != KTSTR_WIRE_HDR_SIZE + len)
		abort();
	memset(&ra, 0, sizeof(ra));
	ra.want = data;
	ra.want_len = len;
	wire_decoder_init(&a);
	wire_decoder_feed(&a, frame, n, on_frame, &ra);
	if (ra.frames != 1 || ra.matched != 1 || a.errors || a.have)
		abort();
	fuzz_stats_end(data, size);
	return 0;
}
