"""Sends malformed IPv6, extension-header, fragment, ICMPv6 and NDP frames to
tcpkit over the TAP device (SPEC NET-4, NET-6, SEC-4). Every class but
`mutated` makes each of its frames count in known tcpkit counters; prints,
per class, `class frames counter:n,counter:n` with the counts expected
(`-` for none). Addresses: 2001:2::/48 only.

usage: garbage6.py IFACE TCPKIT_MAC KERNEL_MAC KERNEL_ADDR6 TCPKIT_ADDR6 TOTAL [SEED]"""
import random
import socket
import struct
import sys

from scapy.all import conf  # noqa: E402

HOPOPTS, ROUTING, FRAGMENT, ICMPV6, NONE, DSTOPTS = 0, 43, 44, 58, 59, 60
PADN4 = bytes([1, 4, 0, 0, 0, 0])
ALL_NODES = socket.inet_pton(socket.AF_INET6, "ff02::1")


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum((b[i] << 8) | b[i + 1] for i in range(0, len(b), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv6(next_hdr, payload, src=None, dst=None, hop=64, plen=None, version=6):
    src = SRC if src is None else src
    dst = DST if dst is None else dst
    plen = len(payload) if plen is None else plen
    return struct.pack(">IHBB", version << 28, plen, next_hdr, hop) + src + dst + payload


def icmp6(typ, code, rest, body=b"", src=None, dst=None):
    src = SRC if src is None else src
    dst = DST if dst is None else dst
    m = struct.pack(">BBHI", typ, code, 0, rest) + body
    c = csum(src + dst + struct.pack(">IxxxB", len(m), ICMPV6) + m)
    return m[:2] + struct.pack(">H", c) + m[4:]


def ext(next_hdr, body):
    return bytes([next_hdr, (len(body) + 2) // 8 - 1]) + body


def frag(next_hdr, off, more, ident):
    return struct.pack(">BBHI", next_hdr, 0, off | (1 if more else 0), ident)


def echo(n=24):
    return icmp6(128, 0, random.randrange(1 << 32), random.randbytes(n))


def ns(body=None, hop=255, code=0, target=None):
    target = DST if target is None else target
    body = target + bytes([1, 1]) + KMAC if body is None else body
    return ipv6(ICMPV6, icmp6(135, code, 0, body), hop=hop)


def rand_src():
    return SRC[:8] + random.randbytes(8)


def frag_pkt(ident, off, more, data, next_hdr=ICMPV6, src=None):
    return ipv6(FRAGMENT, frag(next_hdr, off, more, ident) + data, src=src)


def new_id():
    return random.randrange(1 << 32)


def mutate(p):
    p = bytearray(p)
    for _ in range(random.randrange(1, 5)):
        k = random.randrange(4)
        if k == 0:
            p[random.randrange(len(p))] ^= 1 << random.randrange(8)
        elif k == 1:
            p[random.randrange(len(p))] = random.randrange(256)
        elif k == 2:
            p = p[:random.randrange(1, len(p) + 1)]
        elif len(p) > 5:
            p[5] = (p[5] + random.randrange(-8, 9)) & 0xFF
    return bytes(p)


def valid_sample():
    return random.choice([
        ipv6(ICMPV6, echo()), ns(), ipv6(DSTOPTS, ext(ICMPV6, PADN4) + echo()),
        frag_pkt(new_id(), 0, True, echo(32)[:32]),
        ipv6(ICMPV6, icmp6(136, 0, 0x60000000, SRC + bytes([2, 1]) + KMAC)),
    ])


def bad_header():
    return ipv6(ICMPV6, echo(), plen=400)  # longer than the frame


def chain_long():
    return ipv6(DSTOPTS, b"".join(ext(DSTOPTS, PADN4) for _ in range(8)) + ext(ICMPV6, PADN4) + echo())


# class: (builder returning a list of IPv6 packets, {counter: count per instance})
CLASSES = {
    "ip6_short": (lambda: [bad_header()], {"drop_ip6_bad_header": 1}),
    "ip6_bad_version": (lambda: [ipv6(ICMPV6, echo(), version=4)], {"drop_ip6_bad_header": 1}),
    "ip6_not_for_us": (lambda: [ipv6(ICMPV6, echo(), dst=DST[:15] + b"\x99")],
                       {"drop_ip6_not_for_us": 1}),
    "ip6_mcast_src": (lambda: [ipv6(ICMPV6, echo(), src=ALL_NODES)], {"drop_ip6_bad_src": 1}),
    "opt_discard": (lambda: [ipv6(DSTOPTS, ext(ICMPV6, bytes([0x41, 4, 1, 2, 3, 4])) + echo())],
                    {"drop_ip6_unknown_option": 1}),
    "opt_report": (lambda: [ipv6(DSTOPTS, ext(ICMPV6, bytes([0x81, 4, 1, 2, 3, 4])) + echo())],
                   {"drop_ip6_unknown_option": 1}),
    "opt_overrun": (lambda: [ipv6(HOPOPTS, ext(ICMPV6, bytes([1, 9, 0, 0, 0, 0])) + echo())],
                    {"drop_ip6_bad_ext": 1}),
    "ext_short": (lambda: [ipv6(DSTOPTS, bytes([ICMPV6, 3]) + PADN4)], {"drop_ip6_bad_ext": 1}),
    "routing_left": (lambda: [ipv6(ROUTING, ext(ICMPV6, bytes([random.choice([0, 2, 4]), 1, 0, 0, 0, 0])
                                                + SRC) + echo())], {"drop_ip6_routing": 1}),
    "hbh_not_first": (lambda: [ipv6(DSTOPTS, ext(HOPOPTS, PADN4) + ext(ICMPV6, PADN4) + echo())],
                      {"drop_ip6_hbh_not_first": 1}),
    "chain_long": (lambda: [chain_long()], {"drop_ip6_chain_long": 1}),
    "no_next": (lambda: [ipv6(NONE, random.randbytes(8))], {"drop_ip6_no_next": 1}),
    "unknown_proto": (lambda: [ipv6(253, random.randbytes(16))], {"drop_ip6_proto": 1}),
    "icmp6_bad_csum": (lambda: [ipv6(ICMPV6, echo()[:2] + b"\x12\x34" + echo()[4:])],
                       {"drop_icmp6_bad": 1}),
    "icmp6_short": (lambda: [ipv6(ICMPV6, bytes([128, 0, 0, 0]))], {"drop_icmp6_bad": 1}),
    "icmp6_bad_quote": (lambda: [ipv6(ICMPV6, icmp6(1, 4, 0, ipv6(6, random.randbytes(20), src=rand_src(),
                                                                  dst=SRC)))],
                        {"drop_icmp6_bad_quote": 1}),
    "icmp6_unknown_type": (lambda: [ipv6(ICMPV6, icmp6(random.randrange(160, 256), 0, 0))],
                           {"icmp6_ignored": 1}),
    "nd_hop_limit": (lambda: [ns(hop=random.choice([1, 64, 254]))], {"drop_nd_hop_limit": 1}),
    "nd_code": (lambda: [ns(code=random.randrange(1, 256))], {"drop_nd_code": 1}),
    "nd_short": (lambda: [ns(body=DST[:random.randrange(0, 16)])], {"drop_nd_short": 1}),
    "nd_bad_option": (lambda: [ns(body=DST + random.choice([bytes([1, 0]) + KMAC,
                                                             bytes([1, 3]) + KMAC,
                                                             bytes([1, 2]) + KMAC + bytes(8)]))],
                      {"drop_nd_bad_option": 1}),
    "nd_bad_address": (lambda: [ns(target=ALL_NODES)], {"drop_nd_bad_address": 1}),
    "frag_bad_len": (lambda: [frag_pkt(new_id(), 0, True, echo(5))], {"drop_ip6_frag_len": 1}),
    "frag_no_chain": (lambda: [frag_pkt(new_id(), 0, True, ext(ICMPV6, PADN4), DSTOPTS)],
                      {"ip6_frags_in": 1, "drop_ip6_frag_chain": 1}),
    "frag_too_big": (lambda: [frag_pkt(new_id(), 65528, False, random.randbytes(16))],
                     {"ip6_frags_in": 1, "drop_ip6_frag_too_big": 1}),
    "frag_held": (lambda: [frag_pkt(new_id(), 8 * random.randrange(0, 64), True, random.randbytes(16),
                                    src=rand_src())], {"ip6_frags_in": 1}),
    "frag_overlap": (None, {"ip6_frags_in": 2, "drop_ip6_frag_overlap": 1}),
    "frag_dup": (None, {"ip6_frags_in": 2, "drop_ip6_frag_dup": 1}),
    "frag_nested": (None, {"ip6_frags_in": 2, "drop_ip6_fragment": 1}),
    "mutated": (lambda: [mutate(valid_sample())], {}),
}


def two_fragments(kind):
    ident, src, data = new_id(), rand_src(), echo(56)
    first = frag_pkt(ident, 0, True, data[:32], src=src)
    if kind == "frag_overlap":
        return [first, frag_pkt(ident, 24, False, data[24:], src=src)]
    if kind == "frag_dup":
        return [first, first]
    inner = frag(ICMPV6, 0, True, new_id()) + data[:24]  # a fragment inside the whole
    return [frag_pkt(ident, 0, True, inner, FRAGMENT, src), frag_pkt(ident, 32, False, data[24:32],
                                                                      FRAGMENT, src)]


def main():
    global SRC, DST, KMAC
    iface, mac, kmac, src, dst, total = sys.argv[1:7]
    random.seed(int(sys.argv[7]) if len(sys.argv) > 7 else 1)
    SRC = socket.inet_pton(socket.AF_INET6, src)
    DST = socket.inet_pton(socket.AF_INET6, dst)
    KMAC = bytes.fromhex(kmac.replace(":", ""))
    eth = bytes.fromhex(mac.replace(":", "")) + KMAC + b"\x86\xdd"
    sock = conf.L2socket(iface=iface)
    names = sorted(CLASSES)
    sent = {n: 0 for n in names}
    frames = 0
    i = 0
    while frames < int(total):
        n = names[i % len(names)]
        i += 1
        build = CLASSES[n][0]
        pkts = build() if build else two_fragments(n)
        if frames + len(pkts) > int(total):
            continue
        for p in pkts:
            f = eth + p
            sock.send(f + b"\0" * max(0, 60 - len(f)))
        frames += len(pkts)
        sent[n] += 1
    sock.close()
    for n in names:
        counters = ",".join("%s:%d" % (c, k * sent[n]) for c, k in CLASSES[n][1].items()) or "-"
        print(n, sent[n], counters)


if __name__ == "__main__":
    main()
