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
  lifecycle6.txt          the same connection over IPv6 (2001:2::1 and 2001:2::2), the
                          data segment behind a destination-options header (NET-4)
  lifecycle6-ip.txt       its IPv6 datagrams only (no Ethernet)
  other6.txt              over IPv6: an echo request, a fragment of a TCP segment, UDP,
                          a SYN with a bad checksum, one behind hop-by-hop + routing headers
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


CLI6 = bytes.fromhex("20010002000000000000000000000001")
SRV6 = bytes.fromhex("20010002000000000000000000000002")
DSTOPTS = 60


def ip6(src, dst, next_hdr, payload, ext=b"", flow=0):
    """Ethernet + IPv6 (hop limit 64) + ext (already chained) + payload."""
    body = ext + payload
    hdr = struct.pack(">IHBB", 6 << 28 | flow, len(body), next_hdr, 64) + src + dst
    return MAC_S + MAC_C + b"\x86\xdd" + hdr + body


def frame6(from_client, seq, ack, flags, opts=b"", payload=b"", ext=False, bad_csum=False):
    src, dst = (CLI6, SRV6) if from_client else (SRV6, CLI6)
    sp, dp = (CPORT, SPORT) if from_client else (SPORT, CPORT)
    doff = (20 + len(opts)) // 4
    tcp = struct.pack(">HHIIBBHHH", sp, dp, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, doff << 4,
                      flags, 64240, 0, 0) + opts + payload
    pseudo = src + dst + struct.pack(">IxxxB", len(tcp), 6)  # RFC 8200 8.1
    sum_ = csum(pseudo + tcp) ^ (0x1111 if bad_csum else 0)
    tcp = tcp[:16] + struct.pack(">H", sum_) + tcp[18:]
    # Destination options with one PadN option: 8 bytes.
    dstopts = bytes([6, 0, 1, 4, 0, 0, 0, 0])
    f = ip6(src, dst, DSTOPTS if ext else 6, tcp, dstopts if ext else b"")
    if not from_client:  # the server's frames go the other way on Ethernet
        f = MAC_C + MAC_S + f[12:]
    return f


FRAMES6 = [
    frame6(True, c, 0, S, SYN_OPTS),
    frame6(False, s, c + 1, S | A, SYN_OPTS),
    frame6(True, c + 1, s + 1, A),
    frame6(True, c + 1, s + 1, P | A, payload=b"hello", ext=True),
    frame6(False, s + 1, c + 6, A),
    frame6(True, c + 6, s + 1, F | A),
    frame6(False, s + 1, c + 7, A),
    frame6(False, s + 1, c + 7, F | A),
    frame6(True, c + 7, s + 2, A),
]


def echo6():
    icmp = struct.pack(">BBHHH", 128, 0, 0, 7, 1) + b"ping"
    pseudo = CLI6 + SRV6 + struct.pack(">IxxxB", len(icmp), 58)
    icmp = icmp[:2] + struct.pack(">H", csum(pseudo + icmp)) + icmp[4:]
    return ip6(CLI6, SRV6, 58, icmp)


def fragment6():
    """The first 16 bytes of a TCP segment, as a fragment (offset 0, M set)."""
    frag = struct.pack(">BBHI", 6, 0, 0x0001, 0x1234)
    return ip6(CLI6, SRV6, 44, frame6(True, 5, 0, S)[54:70], frag)


def udp6():
    u = struct.pack(">HHHH", 5353, 53, 12, 0) + b"ping"
    pseudo = CLI6 + SRV6 + struct.pack(">IxxxB", len(u), 17)
    u = u[:6] + struct.pack(">H", csum(pseudo + u)) + u[8:]
    return ip6(CLI6, SRV6, 17, u)


def hbh_routing6():
    """A SYN behind hop-by-hop options (PadN) and a routing header with no
    segments left: both walked to TCP."""
    tcp = frame6(True, 9, 0, S)[54:]
    hbh = bytes([43, 0, 1, 4, 0, 0, 0, 0])
    rh = bytes([6, 0, 4, 0, 0, 0, 0, 0])  # type 4, segments left 0
    return ip6(CLI6, SRV6, 0, tcp, hbh + rh)


OTHER6 = [echo6(), fragment6(), udp6(), frame6(True, 3, 0, S, bad_csum=True), hbh_routing6()]


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
    open(os.path.join(d, "lifecycle6.txt"), "w").write("\n".join(wireshark(f) for f in FRAMES6))
    open(os.path.join(d, "lifecycle6-ip.txt"), "w").write(
        "\n".join(wireshark(f[14:]) for f in FRAMES6))
    open(os.path.join(d, "other6.txt"), "w").write("\n".join(wireshark(f) for f in OTHER6))
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
