#!/usr/bin/env python3
"""Keeps the TCP frames of a pcap (Ethernet; IPv4, or IPv6 with TCP as the
next header or after hop-by-hop/destination options), for comparing the
analysis of an IPv6 capture with its IPv4 twin (NET-4): the IPv6 capture
also holds Neighbour Discovery and MLD frames that the IPv4 one has no
counterpart for. usage: tcp-only.py IN OUT"""
import struct
import sys

EXT = (0, 60)  # hop-by-hop, destination options (RFC 8200 4.3, 4.6)


def is_tcp(frame):
    if len(frame) < 14:
        return False
    etype = struct.unpack(">H", frame[12:14])[0]
    ip = frame[14:]
    if etype == 0x0800:
        return len(ip) >= 20 and ip[9] == 6
    if etype != 0x86DD or len(ip) < 40:
        return False
    nxt, off = ip[6], 40
    while nxt in EXT and off + 8 <= len(ip):
        nxt, off = ip[off], off + (ip[off + 1] + 1) * 8
    return nxt == 6


def main(src, dst):
    data = open(src, "rb").read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    out, pos = [data[:24]], 24
    while pos + 16 <= len(data):
        caplen = struct.unpack(endian + "I", data[pos + 8:pos + 12])[0]
        rec = data[pos:pos + 16 + caplen]
        if is_tcp(rec[16:]):
            out.append(rec)
        pos += 16 + caplen
    open(dst, "wb").write(b"".join(out))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
