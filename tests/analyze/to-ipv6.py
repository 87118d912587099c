#!/usr/bin/env python3
"""Rewrites an IPv4 capture (Ethernet pcap) as its IPv6 twin (NET-4): every
IPv4 datagram becomes an IPv6 one with the same payload, 198.18.0.N becoming
2001:2::N, hop limit = TTL, traffic class = TOS, and the TCP checksum
recomputed over RFC 8200 8.1's pseudo-header; the TCP bytes are unchanged,
so `tcpkit analyze` must report the same, addresses aside.
usage: to-ipv6.py IN OUT [--raw] [--ext]
  --raw  write LINKTYPE_IPV6 (229): bare IPv6 datagrams, no Ethernet
  --ext  put a destination-options header (PadN) in front of TCP"""
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def v6addr(v4):
    return bytes.fromhex("20010002000000000000000000000000")[:12] + b"\0" * 3 + v4[3:4]


def convert(frame, ext):
    """(new frame without Ethernet, ok) for an Ethernet frame."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 15) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    proto, ttl, tos = ip[9], ip[8], ip[1]
    src, dst = v6addr(ip[12:16]), v6addr(ip[16:20])
    payload = bytearray(ip[ihl:total])
    if proto == 6:
        payload[16:18] = b"\0\0"
        pseudo = src + dst + struct.pack("!I3xB", len(payload), 6)
        payload[16:18] = struct.pack("!H", csum(pseudo + bytes(payload)))
    head = b""
    nxt = proto
    if ext:  # destination options, 8 bytes: a PadN option of 4 bytes of padding
        head = bytes([proto, 0, 1, 4, 0, 0, 0, 0])
        nxt = 60
    body = head + bytes(payload)
    hdr = struct.pack("!IHBB", 6 << 28 | tos << 20, len(body), nxt, ttl) + src + dst
    return hdr + body


def main(args):
    raw, ext = "--raw" in args, "--ext" in args
    src, dst = [a for a in args if not a.startswith("--")]
    data = open(src, "rb").read()
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    ghdr = bytearray(data[:24])
    if raw:
        ghdr[20:24] = struct.pack(endian + "I", 229)
    out, pos = [bytes(ghdr)], 24
    while pos + 16 <= len(data):
        sec, usec, caplen, wirelen = struct.unpack(endian + "IIII", data[pos:pos + 16])
        frame = data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen
        ip6 = convert(frame, ext)
        if ip6 is None:
            if raw:
                continue
            new = frame
        else:
            new = ip6 if raw else frame[:12] + b"\x86\xdd" + ip6
        out.append(struct.pack(endian + "IIII", sec, usec, len(new), len(new)) + new)
    open(dst, "wb").write(b"".join(out))


if __name__ == "__main__":
    main(sys.argv[1:])
