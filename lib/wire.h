/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host <-> guest agent wire protocol, carried over a virtio-serial port.
 *
 * A byte stream of frames. Each frame is a fixed 20-byte little-endian
 * header followed by at most KTSTR_WIRE_MAX_PAYLOAD payload bytes:
 *
 *   magic u32 | version u16 | type u16 | seq u32 | len u32 | crc u32
 *
 * crc is zlib's crc32 over the header (with crc set to 0) and the payload.
 * The peer is untrusted: the decoder bounds every length, checks magic,
 * version and crc, and on any error drops one byte and searches for the
 * next magic, so a corrupted stream resynchronises instead of stalling.
 *
 * Payloads that carry several values are a sequence of TLV records:
 *   tag u16 | len u16 | len bytes
 */
#ifndef KTSTR_LIB_WIRE_H
#define KTSTR_LIB_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Name of the virtio-serial port that carries the protocol. */
#define KTSTR_WIRE_PORT_NAME	"org.ktstr.ctl"

#define KTSTR_WIRE_MAGIC	0x5254534bu	/* "KSTR" as LE bytes */
#define KTSTR_WIRE_VERSION	1
#define KTSTR_WIRE_HDR_SIZE	20
#define KTSTR_WIRE_MAX_PAYLOAD	(64 * 1024)
#define KTSTR_WIRE_MAX_FRAME	(KTSTR_WIRE_HDR_SIZE + KTSTR_WIRE_MAX_PAYLOAD)

enum ktstr_msg_type {
	KTSTR_MSG_HELLO = 1,	/* guest: agent is up; TLV: AGENT_VERSION, KERNEL_RELEASE, NR_CPUS */
	KTSTR_MSG_RUN,		/* host: run a job; TLV, see enum ktstr_tlv */
	KTSTR_MSG_STDOUT,	/* guest: raw bytes of the job's stdout */
	KTSTR_MSG_STDERR,	/* guest: raw bytes of the job's stderr */
	KTSTR_MSG_LOG,		/* guest: one agent diagnostic line */
	KTSTR_MSG_SCHED_EVENT,	/* guest: the scheduler's lifecycle moved; TLV: SCHED_EVENT, SCHED_OPS, SCHED_DETAIL, SCHED_STATUS */
	KTSTR_MSG_EXIT,		/* guest: job finished; TLV: EXIT_CODE, EXIT_SIGNAL */
	KTSTR_MSG_ERROR,	/* guest: the job could not run; TLV: ERROR_TEXT */
	KTSTR_MSG_BYE,		/* guest: powering off */
	KTSTR_MSG_FILE,		/* guest: a chunk of an output file; TLV: FILE_NAME, FILE_OFFSET, FILE_DATA */
	KTSTR_MSG_LAYOUT,	/* guest: struct ktstr_info from the kmod, raw */
	KTSTR_MSG_CAPTURE,	/* guest: capture now; TLV: CAPTURE_TAG, REQUEST_ID */
	KTSTR_MSG_CAPTURE_DONE,	/* host: thawed; TLV: REQUEST_ID, CAPTURE_ID, RESULT */
	KTSTR_MSG_SCHED_OUTPUT,	/* guest: raw bytes the scheduler printed (stdout + stderr) */
	KTSTR_MSG_HEARTBEAT,	/* guest: the agent is alive; every KTSTR_HEARTBEAT_MS during the job */
	KTSTR_MSG_SCHED_BPF,	/* guest: the scheduler's BPF state at its failure; TLV: BPF_PROG, BPF_MAP + BPF_MAP_TEXT, BPF_NOTE */
	KTSTR_MSG_STEP,		/* guest: a scenario step began or ended; TLV: STEP_* */
	KTSTR_MSG_TYPE_MAX,
};

enum ktstr_tlv {
	KTSTR_TLV_AGENT_VERSION = 1,	/* string */
	KTSTR_TLV_KERNEL_RELEASE,	/* string */
	KTSTR_TLV_NR_CPUS,		/* u32 */
	KTSTR_TLV_COMMAND,		/* string: shell command line */
	KTSTR_TLV_ARGV,			/* string, repeatable: program argv */
	KTSTR_TLV_ENV,			/* string "K=V", repeatable */
	KTSTR_TLV_SCHED_PATH,		/* string: scheduler binary in the guest */
	KTSTR_TLV_SCHED_ARG,		/* string, repeatable */
	KTSTR_TLV_INTERACTIVE,		/* u32: 1 = shell on the console */
	KTSTR_TLV_SCHED_EVENT,		/* u32: enum ktstr_sched_event */
	KTSTR_TLV_SCHED_OPS,		/* string: /sys/kernel/sched_ext/root/ops */
	KTSTR_TLV_SCHED_DETAIL,		/* string: why, in words (and output tail) */
	KTSTR_TLV_EXIT_CODE,		/* u32 */
	KTSTR_TLV_EXIT_SIGNAL,		/* u32 */
	KTSTR_TLV_ERROR_TEXT,		/* string */
	KTSTR_TLV_ATTACH_TIMEOUT_MS,	/* u32 */
	KTSTR_TLV_FILE_NAME,		/* string: a plain file name, no '/' */
	KTSTR_TLV_FILE_OFFSET,		/* u32: where FILE_DATA goes in the file */
	KTSTR_TLV_FILE_DATA,		/* bytes */
	KTSTR_TLV_CAPTURE_TAG,		/* string */
	KTSTR_TLV_REQUEST_ID,		/* u32 */
	KTSTR_TLV_CAPTURE_ID,		/* u32 */
	KTSTR_TLV_RESULT,		/* u32: 0 ok, else a ktstr_reason */
	KTSTR_TLV_SCHED_STATUS,		/* u32: the scheduler's wait status */
	KTSTR_TLV_WATCHDOG_MS,		/* u32: sched_ext watchdog to set, 0: leave */
	KTSTR_TLV_BPF_PROG,		/* struct ktstr_wire_bpf_prog */
	KTSTR_TLV_BPF_MAP,		/* struct ktstr_wire_bpf_map */
	KTSTR_TLV_BPF_MAP_TEXT,		/* string: the preceding map's entries, one per line */
	KTSTR_TLV_BPF_NOTE,		/* string: what could not be read, and why */
	KTSTR_TLV_BPF_HELD,		/* u32, in ATTACHED: BPF objects the agent holds */
	KTSTR_TLV_WATCHDOG_EXACT,	/* u32: 1 = WATCHDOG_MS also replaces a shorter one */
	KTSTR_TLV_STEP_KIND,		/* u32: enum kt_event_kind (selftests/lib/agent_event.h) */
	KTSTR_TLV_STEP_INDEX,		/* u32: from 0 */
	KTSTR_TLV_STEP_COUNT,		/* u32: steps in the scenario */
	KTSTR_TLV_STEP_SCENARIO,	/* string */
	KTSTR_TLV_STEP_NAME,		/* string */
	KTSTR_TLV_MAX,
};

/*
 * What happened to the scheduler under test (KTSTR_MSG_SCHED_EVENT). The
 * agent owns the scheduler's process; a test may take it over through the
 * hand-off (selftests/lib/scheduler.h), which is not a death.
 */
enum ktstr_sched_event {
	KTSTR_SCHED_ATTACHED = 1,	/* sched_ext enabled with its ops (OPS) */
	KTSTR_SCHED_ATTACH_FAILED,	/* it never attached; the job is not run */
	KTSTR_SCHED_DIED,		/* its process ended during the job (STATUS) */
	KTSTR_SCHED_STOPPED,		/* the agent stopped it after the job */
	KTSTR_SCHED_RELEASED,		/* stopped because the test asked to */
	KTSTR_SCHED_EVENT_MAX,
};

/* How often the agent says it is alive; the host's --hang-timeout counts from the last word. */
#define KTSTR_HEARTBEAT_MS	1000

/*
 * The scheduler's BPF objects, as the agent read them with libbpf
 * (KTSTR_MSG_SCHED_BPF). Little-endian, fixed size; names are
 * NUL-padded and the host checks them like any guest string.
 */
#define KTSTR_BPF_NAME_LEN	16	/* BPF_OBJ_NAME_LEN */

struct ktstr_wire_bpf_prog {
	uint32_t id;
	uint32_t type;			/* enum bpf_prog_type */
	uint64_t run_cnt;		/* 0 unless kernel.bpf_stats_enabled */
	uint64_t run_time_ns;
	char name[KTSTR_BPF_NAME_LEN];
};

#define KTSTR_BPF_MAP_TRUNCATED	1u	/* more entries than were dumped */
#define KTSTR_BPF_MAP_NO_ITER	2u	/* a map type whose entries cannot be listed */

struct ktstr_wire_bpf_map {
	uint32_t id;
	uint32_t type;			/* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t nr_dumped;		/* entries in the BPF_MAP_TEXT that follows */
	uint32_t flags;			/* KTSTR_BPF_MAP_* */
	uint32_t reserved;
	char name[KTSTR_BPF_NAME_LEN];
};

_Static_assert(sizeof(struct ktstr_wire_bpf_prog) == 40, "wire layout");
_Static_assert(sizeof(struct ktstr_wire_bpf_map) == 48, "wire layout");

enum wire_error {
	WIRE_OK = 0,
	WIRE_ERR_MAGIC,		/* bytes that are not a frame start */
	WIRE_ERR_VERSION,	/* a frame of another protocol version */
	WIRE_ERR_LENGTH,	/* len above KTSTR_WIRE_MAX_PAYLOAD */
	WIRE_ERR_CRC,		/* header or payload corrupted */
	WIRE_ERR_TYPE,		/* unknown message type */
};

struct wire_frame {
	uint16_t type;
	uint32_t seq;
	uint32_t len;
	const uint8_t *payload;	/* valid only during the callback */
};

/*
 * Encode one frame into @buf. Returns the frame size, or 0 when @len is
 * above the maximum or @cap is too small.
 */
size_t wire_encode(uint8_t *buf, size_t cap, uint16_t type, uint32_t seq,
		   const void *payload, size_t len);

typedef void (*wire_frame_fn)(const struct wire_frame *f, void *ctx);

struct wire_decoder {
	uint8_t buf[KTSTR_WIRE_MAX_FRAME];
	size_t have;
	uint64_t frames;	/* good frames delivered */
	uint64_t errors;	/* bad frames / resync events */
	uint64_t skipped;	/* bytes discarded while resynchronising */
	enum wire_error last_error;
};

void wire_decoder_init(struct wire_decoder *d);
/*
 * Feed @len bytes of the stream. Calls @fn once per valid frame, in order.
 * Bytes of an incomplete frame are kept for the next call. Never fails:
 * bad input only advances the error counters.
 */
void wire_decoder_feed(struct wire_decoder *d, const void *data, size_t len,
		       wire_frame_fn fn, void *ctx);

/* TLV building: append one record at *off in @buf. Returns 0 or -1 if full. */
int wire_tlv_put(uint8_t *buf, size_t cap, size_t *off, uint16_t tag,
		 const void *val, size_t len);
int wire_tlv_put_str(uint8_t *buf, size_t cap, size_t *off, uint16_t tag,
		     const char *s);
int wire_tlv_put_u32(uint8_t *buf, size_t cap, size_t *off, uint16_t tag,
		     uint32_t v);

/*
 * TLV parsing: step through a payload. Returns 1 with the next record,
 * 0 at a clean end, -1 when a record runs past the payload.
 */
int wire_tlv_next(const uint8_t *p, size_t len, size_t *off, uint16_t *tag,
		  const uint8_t **val, uint16_t *vlen);
/* Copy a TLV string value into @dst (NUL-terminated); false if it does not fit or holds a NUL. */
bool wire_tlv_str(const uint8_t *val, uint16_t vlen, char *dst, size_t cap);
/* Decode a u32 value; false unless vlen == 4. */
bool wire_tlv_u32(const uint8_t *val, uint16_t vlen, uint32_t *out);

#endif
