"""Writes DIR/huge.pcap and DIR/huge.pcapng: a SYN and a SYN-ACK with
timestamps at the edge of what the formats can hold (SEC-4)."""
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(flags, ack):
    src, dst = bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])
    sport, dport = (40000, 80) if flags == 0x02 else (80, 40000)
    if flags != 0x02:
        src, dst = dst, src
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 100, ack, 5 << 4, flags, 65535, 0, 0)
    c = csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = (b"\x02\0\0\0\0\x02" if flags == 0x02 else b"\x02\0\0\0\0\x01") + (
        b"\x02\0\0\0\0\x01" if flags == 0x02 else b"\x02\0\0\0\0\x02") + b"\x08\x00"
    return eth + ip + tcp


def pcap(path):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for fr in (frame(0x02, 0), frame(0x12, 101)):
            f.write(struct.pack("<IIII", 0xFFFFFFFF, 0xFFFFFFFF, len(fr), len(fr)))
            f.write(fr)


def block(kind, body):
    n = 12 + len(body)
    return struct.pack("<II", kind, n) + body + struct.pack("<I", n)


def epb(ticks, fr):
    pad = b"\0" * ((4 - len(fr) % 4) % 4)
    body = struct.pack("<IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(fr), len(fr))
    return block(6, body + fr + pad)


def pcapng(path):
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    idb = block(1, struct.pack("<HHI", 1, 0, 65535))
    with open(path, "wb") as f:
        f.write(shb + idb + epb(1, frame(0x02, 0)) + epb(2**64 - 1, frame(0x12, 101)))


pcap(sys.argv[1] + "/huge.pcap")
pcapng(sys.argv[1] + "/huge.pcapng")
