#!/usr/bin/env python3
"""Seeds for fuzz_stack: chunks of
mode flags seq_off(2) ack_off(2) win(2) dt_ms port_sel optlen opts plen payload."""
import os, struct, sys

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "stack")
os.makedirs(out, exist_ok=True)
SYN, ACK, PSH, FIN, RST = 0x02, 0x10, 0x08, 0x01, 0x04
MSS = bytes([2, 4, 5, 0xb4])
SYNOPTS = MSS + bytes([4, 2, 8, 10]) + bytes(8) + bytes([1, 3, 3, 7])

def chunk(mode, flags, seq, ack, win=0xffff, dt=1, port=1, opts=b"", data=b""):
    return (bytes([mode, flags]) + struct.pack(">HHH", seq, ack, win) + bytes([dt, port, len(opts)])
            + opts + bytes([len(data)]) + data)

seeds = {
    "passive-open-data-close": chunk(0x21, SYN, 0, 0, opts=MSS)
    + chunk(0x21, ACK, 1, 1) + chunk(0x21, ACK | PSH, 1, 1, data=b"GET / HTTP/1.0\r\n\r\n")
    + chunk(0x21, ACK | FIN, 19, 6) + chunk(0x09, ACK, 20, 7, dt=70),
    "active-open-answered": chunk(0x01, SYN | ACK, 0, 1, port=0, opts=SYNOPTS)
    + chunk(0x21, ACK | PSH, 1, 1, port=0, data=b"x" * 100) + chunk(0x01, RST, 101, 0, port=0),
    "syn-options-wscale-ts": chunk(0x41, SYN, 0, 0, opts=SYNOPTS) + chunk(0x41, ACK, 1, 1),
    "rst-and-challenge": chunk(0x21, SYN, 0, 0) + chunk(0x21, ACK, 1, 1)
    + chunk(0x21, RST, 5, 0) + chunk(0x21, SYN, 9, 0) + chunk(0x21, RST, 1, 0),
    "zero-window-probes": chunk(0x21, SYN, 0, 0) + chunk(0x21, ACK, 1, 1, win=0)
    + chunk(0x29, ACK, 1, 1, win=0, dt=30) + chunk(0x21, ACK, 1, 1, win=4096),
    "out-of-order-sack": chunk(0x01, SYN, 0, 0, opts=bytes([4, 2])) + chunk(0x01, ACK, 1, 1)
    + chunk(0x01, ACK, 200, 1, data=b"b" * 50) + chunk(0x01, ACK, 1, 1, data=b"a" * 199),
    "garbage-frame": chunk(0x08, 0, 0, 0, data=bytes(range(60))),
    "bad-options": chunk(0x21, SYN, 0, 0, opts=bytes([2, 0, 1, 1])) + chunk(0x21, SYN, 0, 0, opts=bytes([8, 1])),
    # port_sel bit 3: inside UDP to the tunnel port, from UDP port 4000 + bits 4-5.
    "udp-open-data-mismatch": chunk(0x21, SYN, 0, 0, port=0x09, opts=MSS)
    + chunk(0x21, ACK, 1, 1, port=0x09) + chunk(0x21, ACK | PSH, 1, 1, port=0x09, data=b"y" * 40)
    + chunk(0x21, ACK, 41, 1, port=0x19) + chunk(0x21, SYN, 41, 0, port=0x01)
    + chunk(0x21, ACK | FIN, 41, 6, port=0x09) + chunk(0x09, ACK | FIN, 41, 7, port=0x29, dt=70),
}
for name, blob in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(blob)
