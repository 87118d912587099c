#!/usr/bin/env python3
"""Writes the inputs of the decode tests: one whole TCP connection (handshake
with the client ISN at 2^32-1 so SYN+1 wraps, a data segment, its ACK and a
four-way close) between 198.18.0.1:49152 and 198.18.0.2:80, as frames, and
then as the hex dump formats `tcpkit decode` reads:
  lifecycle.txt           Wireshark "Copy as Hex Dump" (offset, bytes, ASCII)
  lifecycle-tcpdump.txt   tcpdump -xx -r (summary line + 0x0000: groups)
  lifecycle-xxd.txt       xxd, one dump per frame, blank line between
  lifecycle-od.txt        od -Ax -tx1 -v, one dump per frame
  lifecycle-hexdump.txt   hexdump -C, one dump per frame
  lifecycle-ip.txt        the IPv4 datagrams only (no Ethernet), Wireshark style
  other.txt               an ARP request, a UDP datagram and a RST, Wireshark style
The tcpdump/xxd/od/hexdump files come from the real tools (text2pcap, tcpdump,
xxd, od, hexdump must be installed). Deterministic; rerun after a change.

usage: make-inputs.py [DIR]   (default: the directory of this script)"""
import os
import re
import struct
import subprocess
import sys
import tempfile

CLI = bytes([198, 18, 0, 1])
SRV = bytes([198, 18, 0, 2])
MAC_C = bytes([2, 0, 0, 0, 0, 1])
MAC_S = bytes([2, 0, 0, 0, 0, 2])
CPORT, SPORT = 49152, 80
C_ISN, S_ISN = 0xFFFFFFFF, 1000
SYN_OPTS = bytes([2, 4, 5, 0xB4, 4, 2, 8, 10]) + struct.pack(">II", 100, 0) + bytes([1, 3, 3, 7])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum((b[i] << 8) | b[i + 1] for i in range(0, len(b), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def frame(from_client, seq, ack, flags, opts=b"", payload=b"", ip_id=0):
    src, dst = (CLI, SRV) if from_client else (SRV, CLI)
    sp, dp = (CPORT, SPORT) if from_client else (SPORT, CPORT)
    doff = (20 + len(opts)) // 4
    tcp = struct.pack(">HHIIBBHHH", sp, dp, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, doff << 4,
                      flags, 64240, 0, 0) + opts + payload
    pseudo = src + dst + struct.pack(">BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack(">H", csum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack(">BBHHHBBH", 0x45, 0, 20 + len(tcp), ip_id, 0x4000, 64, 6, 0) + src + dst
    ip = ip[:10] + struct.pack(">H", csum(ip)) + ip[12:]
    eth = (MAC_S if from_client else MAC_C) + (MAC_C if from_client else MAC_S) + b"\x08\x00"
    return eth + ip + tcp


S, A, F, P = 0x02, 0x10, 0x01, 0x08
c, s = C_ISN, S_ISN
FRAMES = [
    frame(True, c, 0, S, SYN_OPTS),
    frame(False, s, c + 1, S | A, SYN_OPTS),
    frame(True, c + 1, s + 1, A),
    frame(True, c + 1, s + 1, P | A, payload=b"hello"),
    frame(False, s + 1, c + 6, A),
    frame(True, c + 6, s + 1, F | A),
    frame(False, s + 1, c + 7, A),
    frame(False, s + 1, c + 7, F | A),
    frame(True, c + 7, s + 2, A),
]


def arp_request():
    body = struct.pack(">HHBBH", 1, 0x0800, 6, 4, 1) + MAC_C + CLI + bytes(6) + SRV
    return b"\xff" * 6 + MAC_C + b"\x08\x06" + body


def udp(payload):
    u = struct.pack(">HHHH", 5353, 53, 8 + len(payload), 0) + payload
    ip = struct.pack(">BBHHHBBH", 0x45, 0, 20 + len(u), 1, 0, 64, 17, 0) + CLI + SRV
    ip = ip[:10] + struct.pack(">H", csum(ip)) + ip[12:]
    return MAC_S + MAC_C + b"\x08\x00" + ip + u


OTHER = [arp_request(), udp(b"ping"), frame(True, 77, 0, 0x04)]


def wireshark(data):
    out = []
    for off in range(0, len(data), 16):
        chunk = data[off:off + 16]
        hexes = " ".join("%02x" % b for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        out.append("%04x   %-47s   %s" % (off, hexes, text))
    return "\n".join(out) + "\n"


def run(args, stdin=None):
    return subprocess.run(args, input=stdin, capture_output=True, check=True).stdout


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    ws = "\n".join(wireshark(f) for f in FRAMES)
    open(os.path.join(d, "lifecycle.txt"), "w").write(ws)
    ip_only = "\n".join(wireshark(f[14:]) for f in FRAMES)
    open(os.path.join(d, "lifecycle-ip.txt"), "w").write(ip_only)
    open(os.path.join(d, "other.txt"), "w").write("\n".join(wireshark(f) for f in OTHER))
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "l.pcap")
        run(["text2pcap", "-q", "-t", "%H:%M:%S.", os.path.join(d, "lifecycle.txt"), pcap])
        td = run(["tcpdump", "-nn", "-xx", "-r", pcap]).decode()
        # text2pcap stamps the frames with the current time: make it fixed.
        n = iter(range(1, 1000))
        td = re.sub(r"(?m)^\d\d:\d\d:\d\d\.\d+", lambda m: "12:00:00.%06d" % next(n), td)
        open(os.path.join(d, "lifecycle-tcpdump.txt"), "w").write(td)
        for name, cmd in (("xxd", ["xxd"]), ("od", ["od", "-Ax", "-tx1", "-v"]),
                          ("hexdump", ["hexdump", "-C"])):
            parts = [run(cmd, f) for f in FRAMES]
            open(os.path.join(d, "lifecycle-%s.txt" % name), "wb").write(b"\n".join(parts))


if __name__ == "__main__":
    main()
