#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Write the seed corpus for the wire decoder into tests/fuzz/wire/.
#
# Each file is named NAME.fF-eE.bin: feeding it to a fresh decoder must
# deliver F frames and count E errors (tests/unit/test_wire.c checks it).
# libFuzzer also uses the directory as seeds for tests/fuzz/fuzz_wire.c.
#
#   python3 tests/fuzz/gen-wire-corpus.py [outdir]

import os
import struct
import sys
import zlib

MAGIC = 0x5254534B
VERSION = 1
MAX_PAYLOAD = 64 * 1024

def _message_types():
    """The KTSTR_MSG_* enum of lib/wire.h, in order, from HELLO = 1."""
    import os
    import re
    here = os.path.dirname(os.path.abspath(__file__))
    text = open(os.path.join(here, "..", "..", "lib", "wire.h")).read()
    body = text[text.index("enum ktstr_msg_type {"):]
    body = body[:body.index("};")]
    return re.findall(r"^\s*KTSTR_MSG_(\w+)", body, re.M)


_TYPES = _message_types()
(HELLO, RUN, STDOUT, STDERR, LOG, SCHED_EVENT, EXIT, ERROR, BYE) = (
    _TYPES.index(n) + 1 for n in ("HELLO", "RUN", "STDOUT", "STDERR", "LOG",
                                  "SCHED_EVENT", "EXIT", "ERROR", "BYE"))
TYPE_MAX = _TYPES.index("TYPE_MAX") + 1

TLV_AGENT_VERSION, TLV_KERNEL_RELEASE, TLV_NR_CPUS, TLV_COMMAND = 1, 2, 3, 4
TLV_EXIT_CODE, TLV_EXIT_SIGNAL = 13, 14


def frame(typ, seq, payload=b"", version=VERSION, length=None, crc=None,
          magic=MAGIC):
    """One frame; length/crc/magic/version may be forced to bad values."""
    if length is None:
        length = len(payload)
    hdr = struct.pack("<IHHIII", magic, version, typ, seq, length, 0)
    if crc is None:
        crc = zlib.crc32(hdr + payload) & 0xFFFFFFFF
    return struct.pack("<IHHIII", magic, version, typ, seq, length,
                       crc) + payload


def tlv(tag, val):
    if isinstance(val, int):
        val = struct.pack("<I", val)
    elif isinstance(val, str):
        val = val.encode()
    return struct.pack("<HH", tag, len(val)) + val


def hello(seq=0):
    return frame(HELLO, seq, tlv(TLV_AGENT_VERSION, "0.1") +
                 tlv(TLV_KERNEL_RELEASE, "6.12.0-ktstr") +
                 tlv(TLV_NR_CPUS, 4))


def exit_frame(seq):
    return frame(EXIT, seq, tlv(TLV_EXIT_CODE, 0) + tlv(TLV_EXIT_SIGNAL, 0))


def corpus():
    c = {}
    c["hello"] = (hello(), 1, 0)
    c["all-types"] = (b"".join(
        frame(t, t, b"payload %d" % t) for t in range(HELLO, TYPE_MAX)),
        TYPE_MAX - HELLO, 0)
    c["empty-payload"] = (frame(BYE, 7), 1, 0)
    c["run-tlv"] = (frame(RUN, 1, tlv(TLV_COMMAND, "echo hi") +
                          tlv(TLV_NR_CPUS, 2)) + exit_frame(2), 2, 0)
    c["garbage-before"] = (b"\x00\xffgarbage\r\nK" + hello(), 1, 1)
    c["garbage-between"] = (hello(1) + b"xxxxKSTxx" + exit_frame(2), 2, 1)
    c["bad-crc"] = (frame(LOG, 1, b"line", crc=0xDEADBEEF) + hello(2), 1, 1)
    c["bad-version"] = (frame(LOG, 1, b"line", version=2) + hello(2), 1, 1)
    c["len-too-big"] = (frame(STDOUT, 1, b"", length=MAX_PAYLOAD + 1) +
                        hello(2), 1, 1)
    c["len-ffffffff"] = (frame(STDOUT, 1, b"", length=0xFFFFFFFF) +
                         hello(2), 1, 1)
    c["type-zero"] = (frame(0, 1, b"unknown") + hello(2), 1, 1)
    c["type-max"] = (frame(TYPE_MAX, 1, b"KSTR inside") + hello(2), 1, 1)
    c["type-ffff"] = (frame(0xFFFF, 1) + frame(BYE, 2), 1, 1)
    c["truncated"] = (hello(1) + exit_frame(2)[:-3], 1, 0)
    c["partial-magic"] = (b"KST" + hello(), 1, 1)
    # Sixteen bare magics: every one but the last (undecided) fails its
    # version check; the bytes in between are part of the same resync.
    c["magic-run"] = (struct.pack("<I", MAGIC) * 16, 0, 15)
    c["magic-in-payload"] = (frame(STDOUT, 1, struct.pack("<I", MAGIC) * 4 +
                                   hello()) + exit_frame(2), 2, 0)
    # A corrupted frame hiding a valid one: resync must find the inner frame.
    c["frame-in-bad-frame"] = (frame(STDERR, 1, b"ab" + hello(5),
                                     crc=1) + exit_frame(6), 2, 1)
    c["bad-tlv"] = (frame(SCHED_EVENT, 1, tlv(TLV_AGENT_VERSION, "x") +
                          b"\x0a\x00\xff\xff" + b"short"), 1, 0)
    return c


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "wire")
    os.makedirs(out, exist_ok=True)
    for name, (data, frames, errors) in corpus().items():
        path = os.path.join(out, "%s.f%d-e%d.bin" % (name, frames, errors))
        with open(path, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
