#!/usr/bin/env python3
"""Writes the canonical byte vectors of the virtio-accel protocol.

Encodes requests with Python's struct module straight from the spec's tables,
independently of include/virtio_accel.h, so that a layout mistake in the
header cannot hide behind an identical mistake in the test encoder.

Each vector file is a sequence of steps on a freshly reset device:
    req  <hex>            device-readable bytes
    wlen <n>              size of the device-writable part
    used <n>              expected used length
    resp <hex>            expected first bytes of the writable part;
                          '??' matches any byte (execution times, plugin names)
Run it from anywhere; it rewrites the *.vec files beside itself.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

REQ = dict(SESSION_CREATE=0x1, SESSION_DESTROY=0x2, RESOURCE_REGISTER=0x10,
           RESOURCE_UNREGISTER=0x11, RUN=0x20, TIMERS_GET=0x30, STATS_GET=0x31)
S = dict(OK=0, MALFORMED=1, UNSUPPORTED=2, NO_SESSION=3, NO_RESOURCE=4, QUOTA=5,
         RESP_TOO_SMALL=6, OP_FAILED=7, DENIED=8, NO_MEMORY=9, BAD_ARGS=10)
OP = dict(NOOP=1, SGEMM=4, MINMAX=5, TORCH_MODEL_RUN=22)
RES_DATA = 2
RES_MODEL = 3
FIRST_ID = 1 << 32  # generation 1, slot 0


def hdr(rtype, req_id, session, payload, flags=0, reserved=0):
    return struct.pack('<IIQQII', rtype, flags, req_id, session, len(payload), reserved) + payload


def resp(status, req_id, payload=b'', detail=0):
    return struct.pack('<IIQII', status, detail, req_id, len(payload), 0) + payload


def run_req(op, ins, outs, resource=0):
    """ins: list of bytes; outs: list of capacities."""
    body = struct.pack('<IIIIQ', op, len(ins), len(outs), 0, resource)
    for b in ins:
        body += struct.pack('<QII', len(b), 0, 0)
    for cap in outs:
        body += struct.pack('<QII', cap, 0, 0)
    return body + b''.join(ins)


def wild(n):
    return '??' * n


class Vec:
    def __init__(self, name, doc):
        self.name, self.lines = name, ['# ' + doc]

    def step(self, readable, wlen, used, expect):
        """expect: bytes, or a str of hex with '??' wildcards."""
        if isinstance(expect, bytes):
            expect = expect.hex()
        self.lines += ['req  ' + readable.hex(), f'wlen {wlen}', f'used {used}', 'resp ' + expect]

    def write(self):
        with open(os.path.join(HERE, self.name + '.vec'), 'w') as f:
            f.write('\n'.join(self.lines) + '\n')


def create_step(v, req_id=1):
    v.step(hdr(REQ['SESSION_CREATE'], req_id, 0, struct.pack('<II', 0, 0)), 32, 32,
           resp(S['OK'], req_id, struct.pack('<Q', FIRST_ID)))


def floats(*xs):
    return struct.pack('<%df' % len(xs), *xs)


def main():
    v = Vec('session_lifecycle', 'create, destroy, destroy again (stale id)')
    create_step(v, 0x1122334455667788)
    v.step(hdr(REQ['SESSION_DESTROY'], 2, FIRST_ID, b''), 24, 24, resp(S['OK'], 2))
    v.step(hdr(REQ['SESSION_DESTROY'], 3, FIRST_ID, b''), 24, 24, resp(S['NO_SESSION'], 3))
    v.write()

    v = Vec('noop', 'a session, then RUN NOOP: run_resp carries executor and time')
    create_step(v)
    v.step(hdr(REQ['RUN'], 7, FIRST_ID, run_req(OP['NOOP'], [], [])), 56, 56,
           resp(S['OK'], 7, b'').hex()[:32] + struct.pack('<I', 32).hex() + '00000000' + wild(32))
    v.write()

    v = Vec('sgemm_2x2', 'C = A*B for 2x2 matrices, row-major, no C input')
    create_step(v)
    params = struct.pack('<QQQQQQff', 2, 2, 2, 2, 2, 2, 1.0, 0.0)
    a, b = floats(1, 2, 3, 4), floats(5, 6, 7, 8)
    body = run_req(OP['SGEMM'], [params, a, b, b''], [16])
    c = floats(19, 22, 43, 50)
    v.step(hdr(REQ['RUN'], 8, FIRST_ID, body), 24 + 32 + 16, 24 + 32 + 16,
           resp(S['OK'], 8).hex()[:32] + struct.pack('<I', 48).hex() + '00000000' + wild(32) + c.hex())
    # lda < k: the host must refuse before any plugin reads A.
    bad = struct.pack('<QQQQQQff', 2, 2, 2, 1, 2, 2, 1.0, 0.0)
    v.step(hdr(REQ['RUN'], 9, FIRST_ID, run_req(OP['SGEMM'], [bad, a, b, b''], [16])), 72, 24,
           resp(S['BAD_ARGS'], 9))
    v.write()

    v = Vec('resource', 'register a DATA blob, unregister it, unregister again')
    create_step(v)
    name, data = b'input.bin', b'\x01\x02\x03\x04'
    body = struct.pack('<II', RES_DATA, 1) + struct.pack('<QII', len(data), len(name), 0) + name + data
    v.step(hdr(REQ['RESOURCE_REGISTER'], 4, FIRST_ID, body), 32, 32,
           resp(S['OK'], 4, struct.pack('<Q', FIRST_ID)))
    v.step(hdr(REQ['RESOURCE_UNREGISTER'], 5, FIRST_ID, struct.pack('<Q', FIRST_ID)), 24, 24,
           resp(S['OK'], 5))
    v.step(hdr(REQ['RESOURCE_UNREGISTER'], 6, FIRST_ID, struct.pack('<Q', FIRST_ID)), 24, 24,
           resp(S['NO_RESOURCE'], 6))
    bad_name = b'../etc'
    body = struct.pack('<II', RES_DATA, 1) + struct.pack('<QII', 1, len(bad_name), 0) + bad_name + b'x'
    v.step(hdr(REQ['RESOURCE_REGISTER'], 7, FIRST_ID, body), 32, 24, resp(S['MALFORMED'], 7))
    v.write()

    v = Vec('malformed', 'structural errors, each answered with a status')
    v.step(b'\x01\x00\x00\x00' * 4, 24, 24, resp(S['MALFORMED'], 0))  # truncated header
    v.step(hdr(REQ['SESSION_CREATE'], 11, 0, struct.pack('<II', 0, 0), reserved=1), 32, 24,
           resp(S['MALFORMED'], 11))
    v.step(hdr(REQ['SESSION_CREATE'], 12, 0, struct.pack('<II', 0, 0), flags=1), 32, 24,
           resp(S['MALFORMED'], 12))
    # payload_len says 8, the chain carries 12 bytes of payload
    raw = hdr(REQ['SESSION_CREATE'], 13, 0, struct.pack('<II', 0, 0)) + b'\0\0\0\0'
    v.step(raw, 32, 24, resp(S['MALFORMED'], 13))
    v.step(hdr(0x99, 14, 0, b''), 24, 24, resp(S['UNSUPPORTED'], 14))
    v.step(hdr(REQ['RUN'], 15, FIRST_ID, run_req(200, [], [])), 56, 24, resp(S['UNSUPPORTED'], 15))
    # session-create response needs 8 payload bytes: 24 is too small
    v.step(hdr(REQ['SESSION_CREATE'], 16, 0, struct.pack('<II', 0, 0)), 24, 24,
           resp(S['RESP_TOO_SMALL'], 16))
    # an argument length that would wrap a 64-bit sum
    body = struct.pack('<IIIIQ', OP['NOOP'], 2, 0, 0, 0) + struct.pack('<QII', 2**64 - 1, 0, 0) * 2
    v.step(hdr(REQ['RUN'], 17, FIRST_ID, body), 56, 24, resp(S['MALFORMED'], 17))
    v.step(hdr(REQ['RUN'], 18, 0xdead, run_req(OP['NOOP'], [], [])), 56, 24, resp(S['NO_SESSION'], 18))
    v.write()

    v = Vec('tensors', 'TORCH_MODEL_RUN with one float tensor; then a shape with 9 dims')
    create_step(v)
    name, data = b'm.pt', b'MODL'
    body = struct.pack('<II', RES_MODEL, 1) + struct.pack('<QII', len(data), len(name), 0) + name + data
    v.step(hdr(REQ['RESOURCE_REGISTER'], 2, FIRST_ID, body), 32, 32,
           resp(S['OK'], 2, struct.pack('<Q', FIRST_ID)))

    def tensor_run(req_id, nr_dims, dims):
        desc = struct.pack('<II8q', 7, nr_dims, *(dims + [0] * (8 - len(dims))))
        ins = [struct.pack('<II', 1, 1), b'', b'', desc, floats(1, 2, 3, 4, 5, 6), b'']
        return hdr(REQ['RUN'], req_id, FIRST_ID, run_req(OP['TORCH_MODEL_RUN'], ins, [80, 24], FIRST_ID))
    v.step(tensor_run(3, 2, [2, 3]), 24 + 32 + 104, 24 + 32 + 104,
           resp(S['OK'], 3).hex()[:32] + struct.pack('<I', 32 + 104).hex() + '00000000' + wild(32))
    v.step(tensor_run(4, 9, [1] * 8), 24 + 32 + 104, 24, resp(S['BAD_ARGS'], 4))
    v.write()

    v = Vec('stats', 'STATS_GET on a fresh device counts only itself')
    v.step(hdr(REQ['STATS_GET'], 21, 0, b''), 24 + 64, 24 + 64,
           resp(S['OK'], 21, struct.pack('<8Q', 1, 0, 0, 0, 0, 0, 0, 0)))
    v.write()


if __name__ == '__main__':
    main()
