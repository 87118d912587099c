"""Sends random and malformed frames to tcpkit over the TAP device (SPEC
SEC-4): bad IPv4 and TCP checksums, bad lengths, bad data offsets, bad
options, random flags, truncated and unknown frames. Prints, per class, how
many were sent, as `class count` lines."""
import random
import struct
import sys

from scapy.all import ARP, IP, TCP, Ether, Raw, conf  # noqa: E402


def tcp_frame(dst_mac, src_mac, **kw):
    ip = IP(src=SRC, dst=DST, id=random.randrange(65536))
    tcp = TCP(sport=random.randrange(1024, 65536), dport=PORT,
              seq=random.randrange(1 << 32), ack=random.randrange(1 << 32),
              flags=kw.get("flags", "A"), window=random.randrange(65536),
              options=kw.get("options", []))
    payload = Raw(bytes(random.randrange(256) for _ in range(random.randrange(6, 64))))
    return bytearray(bytes(Ether(dst=dst_mac, src=src_mac) / ip / tcp / payload))


def corrupt_ip_csum(f):
    f[24] ^= 0x5A
    return f


def corrupt_tcp_csum(f):
    f[14 + 20 + 16] ^= 0xA5
    return f


def fix_tcp_csum(f):
    ihl = (f[14] & 15) * 4
    seg = bytes(f[14 + ihl:14 + struct.unpack("!H", f[16:18])[0]])
    seg = seg[:16] + b"\0\0" + seg[18:]
    pseudo = bytes(f[26:34]) + struct.pack("!BBH", 0, 6, len(seg))
    data = pseudo + seg + (b"\0" if len(seg) % 2 else b"")
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    struct.pack_into("!H", f, 14 + ihl + 16, (~s) & 0xFFFF)
    return f


def fix_ip_csum(f):
    ihl = (f[14] & 15) * 4
    f[24:26] = b"\0\0"
    hdr = bytes(f[14:14 + ihl])
    s = sum(struct.unpack("!%dH" % (ihl // 2), hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    struct.pack_into("!H", f, 24, (~s) & 0xFFFF)
    return f


def bad_totlen(f):
    struct.pack_into("!H", f, 16, len(f) - 14 + random.randrange(1, 400))
    return fix_ip_csum(f)


def bad_ihl(f):
    f[14] = 0x40 | random.choice([0, 1, 2, 3, 4])
    return fix_ip_csum(f)


def bad_doff(f):
    off = 14 + 20 + 12
    f[off] = (random.choice([0, 1, 2, 3, 4]) << 4) | (f[off] & 15)
    return fix_tcp_csum(f)


def bad_option(f):
    # An option whose length is 0, 1 or runs past the header: MSS kind 2.
    base = tcp_frame(MAC, SRC_MAC, options=[("NOP", None)] * 4)
    opt = 14 + 20 + 20
    base[opt:opt + 4] = bytes([2, random.choice([0, 1, 9, 40]), 0, 0])
    return fix_tcp_csum(base)


def random_flags(f):
    flags_off = 14 + 20 + 13
    f[flags_off] = random.randrange(256)
    return fix_tcp_csum(f)


CLASSES = {
    # class: (expected tcpkit drop counter, builder)
    "ip_bad_csum": ("drop_ip_bad_csum", lambda: corrupt_ip_csum(tcp_frame(MAC, SRC_MAC))),
    "ip_bad_totlen": ("drop_ip_bad_header", lambda: bad_totlen(tcp_frame(MAC, SRC_MAC))),
    "ip_bad_ihl": ("drop_ip_bad_header", lambda: bad_ihl(tcp_frame(MAC, SRC_MAC))),
    "tcp_bad_csum": ("drop_tcp_bad_csum", lambda: corrupt_tcp_csum(tcp_frame(MAC, SRC_MAC))),
    "tcp_bad_doff": ("drop_tcp_bad_header", lambda: bad_doff(tcp_frame(MAC, SRC_MAC))),
    "tcp_bad_option": ("drop_tcp_bad_options", lambda: bad_option(None)),
    # The kernel pads what a packet socket sends to a whole Ethernet header,
    # so short frames are cut inside the IPv4 header instead.
    "ip_short": ("drop_ip_bad_header",
                 lambda: tcp_frame(MAC, SRC_MAC)[:14 + random.randrange(1, 20)]),
    "eth_type": ("drop_eth_type",
                 lambda: bytearray(bytes(Ether(dst=MAC, src=SRC_MAC, type=0x88B5)) + random.randbytes(40))),
    "arp_bad": ("drop_arp_bad",
                lambda: bytearray(bytes(Ether(dst=MAC, src=SRC_MAC, type=0x0806)) + random.randbytes(10))),
    "not_for_us": ("drop_eth_not_for_us", lambda: tcp_frame("02:00:00:00:00:99", SRC_MAC)),
    "random_flags": (None, lambda: random_flags(tcp_frame(MAC, SRC_MAC))),
}

if __name__ == "__main__":
    iface, MAC, SRC_MAC, SRC, DST, PORT, total = sys.argv[1:8]
    PORT, total = int(PORT), int(total)
    random.seed(int(sys.argv[8]) if len(sys.argv) > 8 else 1)
    sock = conf.L2socket(iface=iface)
    names = sorted(CLASSES)
    sent = {n: 0 for n in names}
    for i in range(total):
        n = names[i % len(names)]
        frame = CLASSES[n][1]()
        if len(frame) < 60 and n != "ip_short":
            frame += b"\0" * (60 - len(frame))
        sock.send(bytes(frame))
        sent[n] += 1
    sock.close()
    for n in names:
        print(n, sent[n], CLASSES[n][0] or "-")
