"""Writes DIR/lie.pcap: a handshake, then a pure ACK from the server whose
IPv4 total length claims 8 bytes more than the wire carried (a header
damaged on the way), then the server's first 10 bytes of data. The data is
new, not a retransmission: the damaged ACK carried no payload (SEC-4)."""
import struct
import sys

CLI, SRV = bytes([198, 18, 0, 1]), bytes([198, 18, 0, 2])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(from_cli, seq, ack, flags, payload=b"", ip_extra=0):
    src, dst = (CLI, SRV) if from_cli else (SRV, CLI)
    sport, dport = (40000, 80) if from_cli else (80, 40000)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    c = csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + ip_extra, 1, 0x4000, 64, 6, 0, src,
                     dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + b"\x08\x00"
    return eth + ip + tcp


frames = [
    frame(True, 100, 0, 0x02),
    frame(False, 500, 101, 0x12),
    frame(True, 101, 501, 0x10),
    frame(False, 501, 101, 0x10, ip_extra=8),
    frame(False, 501, 101, 0x18, b"0123456789"),
]
with open(sys.argv[1] + "/lie.pcap", "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1, 1000 * i, len(fr), len(fr)))
        f.write(fr)
