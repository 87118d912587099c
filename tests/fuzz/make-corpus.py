#!/usr/bin/env python3
"""Writes the seed corpora for the wire fuzz targets: valid frames of every
kind the stack meets, and one malformed variant per validation rule
(SPEC SEC-4, OP-5). Deterministic; rerun after changing a seed.

usage: make-corpus.py [CORPUS_DIR]   (default: corpus/ next to this script)"""
import os
import struct
import sys

SRC = bytes([198, 18, 0, 1])
DST = bytes([198, 18, 0, 2])
MAC_A = bytes([2, 0, 0, 0, 0, 1])
MAC_B = bytes([2, 0, 0, 0, 0, 2])


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum((b[i] << 8) | b[i + 1] for i in range(0, len(b), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def put_csum(b, at, value):
    return b[:at] + struct.pack(">H", value) + b[at + 2:]


# ---- TCP options -----------------------------------------------------------
MSS = bytes([2, 4, 0x05, 0xB4])
SACKOK_TS = bytes([4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0])
NOP_TS = bytes([1, 1, 8, 10, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0])
WS7 = bytes([1, 3, 3, 7])


def sack(*blocks):
    body = b"".join(struct.pack(">II", l, r) for l, r in blocks)
    return bytes([1, 1, 5, 2 + len(body)]) + body


OPTS = {
    "syn_linux": MSS + SACKOK_TS + WS7,
    "syn_no_ts": MSS + bytes([1, 1, 4, 2]) + WS7,
    "syn_bsd": MSS + bytes([1, 3, 3, 6, 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 0, 4, 2, 0, 0]),
    "ack_ts": NOP_TS,
    "ack_ts_sack1": NOP_TS + sack((0xFFFFFF00, 0x10)),
    "ack_ts_sack3": NOP_TS + sack((1, 2), (3, 4), (5, 6)),
    "sack4": sack((10, 20), (30, 40), (50, 60), (70, 80)),
    "mss_only": MSS,
    "nop_eol": bytes([1, 1, 1, 0, 0, 0, 0, 0]),
    "unknown_kinds": bytes([30, 6, 1, 2, 3, 4, 254, 4, 0xF9, 0x89, 34, 2]) + WS7,
    "wscale_15": bytes([3, 3, 15, 0]),
    "bad_len0": bytes([1, 30, 0, 1]),
    "bad_len1": bytes([30, 1, 1, 1]),
    "bad_overrun": bytes([1, 1, 8, 10, 0, 0]),
    "bad_no_len_byte": bytes([1, 1, 1, 2]),
    "bad_mss_len": bytes([2, 3, 5, 1]),
    "bad_ws_len": bytes([3, 4, 7, 0]),
    "bad_sackok_len": bytes([4, 3, 0, 1]),
    "bad_ts_len": bytes([8, 8, 0, 0, 0, 1, 0, 0]),
    "bad_sack_len": bytes([5, 11]) + bytes(10),
    "bad_sack_empty": bytes([5, 2, 1, 1]),
    "sack_5_blocks": bytes([5, 42]) + bytes(40),
    "md5": bytes([1, 1, 19, 18]) + bytes(range(16)),
    "md5_sack2": bytes([1, 1, 19, 18]) + bytes(16) + sack((1, 2), (3, 4)),
    "bad_md5_len": bytes([19, 6, 0, 0, 0, 0, 0, 0]),
    "empty": b"",
}


# ---- TCP segments ----------------------------------------------------------
def tcp(sport, dport, seq, ack, flags, win, opts=b"", payload=b"", src=SRC, dst=DST, doff=None):
    if doff is None:
        doff = (20 + len(opts)) // 4
    h = struct.pack(">HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, win, 0, 0)
    seg = h + opts + payload
    ph = src + dst + struct.pack(">BBH", 0, 6, len(seg))
    return put_csum(seg, 16, csum(ph + seg))


SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08
TCP = {
    "syn": tcp(40000, 80, 0xFFFFFFF0, 0, SYN, 64240, OPTS["syn_linux"]),
    "synack": tcp(80, 40000, 0x7FFFFFFF, 0xFFFFFFF1, SYN | ACK, 65160, OPTS["syn_linux"],
                  src=DST, dst=SRC),
    "ack": tcp(40000, 80, 0xFFFFFFF1, 0x80000000, ACK, 502, NOP_TS),
    "data": tcp(40000, 80, 0xFFFFFFF1, 0x80000000, PSH | ACK, 502, NOP_TS, b"GET / HTTP/1.0\r\n\r\n"),
    "sack_ack": tcp(80, 40000, 1, 2, ACK, 1000, OPTS["ack_ts_sack3"], src=DST, dst=SRC),
    "fin": tcp(40000, 80, 5, 6, FIN | ACK, 502),
    "rst": tcp(40000, 80, 5, 0, RST, 0),
    "rst_ack": tcp(80, 40000, 0, 0xFFFFFFFF, RST | ACK, 0, src=DST, dst=SRC),
    "all_flags": tcp(1, 2, 3, 4, 0xFF, 5, b"", b"x"),
    "max_hlen": tcp(1, 2, 3, 4, ACK, 5, bytes([1]) * 40),
    "unknown_opts": tcp(1, 2, 3, 4, ACK, 5, OPTS["unknown_kinds"]),
    "bad_doff_4": tcp(1, 2, 3, 4, ACK, 5, doff=4),
    "bad_doff_big": tcp(1, 2, 3, 4, ACK, 5, doff=15),
    "bad_opt_len0": tcp(1, 2, 3, 4, ACK, 5, OPTS["bad_len0"]),
    "bad_opt_overrun": tcp(1, 2, 3, 4, ACK, 5, bytes([1, 1, 8, 10])),
    "bad_mss_len": tcp(1, 2, 3, 4, SYN, 5, OPTS["bad_mss_len"]),
    "md5_data": tcp(40000, 80, 7, 8, PSH | ACK, 502, OPTS["md5"], b"signed"),
    "bad_md5_len": tcp(1, 2, 3, 4, ACK, 5, OPTS["bad_md5_len"]),
}
TCP["bad_csum"] = put_csum(TCP["syn"], 16, 0x1234)
TCP["short"] = TCP["syn"][:19]


def tcp_input(seg, src=SRC, dst=DST):
    return src + dst + seg


# ---- IPv4 and ICMP ---------------------------------------------------------
def ipv4(proto, payload, src=SRC, dst=DST, ttl=64, frag=0x4000, ident=1, opts=b"", tot=None,
         ver_ihl=None):
    ihl = (20 + len(opts)) // 4
    total = 20 + len(opts) + len(payload) if tot is None else tot
    first = (4 << 4 | ihl) if ver_ihl is None else ver_ihl
    h = struct.pack(">BBHHHBBH4s4s", first, 0, total, ident, frag, ttl, proto, 0, src, dst)
    h += opts
    return put_csum(h, 10, csum(h)) + payload


def icmp(typ, code, rest, data=b""):
    m = struct.pack(">BBHI", typ, code, 0, rest) + data
    return put_csum(m, 2, csum(m))


quoted = ipv4(6, TCP["syn"][:8], tot=60)
IPV4 = {
    "tcp_syn": ipv4(6, TCP["syn"]),
    "tcp_data": ipv4(6, TCP["data"]),
    "udp": ipv4(17, struct.pack(">HHHH", 53, 53, 12, 0) + b"dns!"),
    "icmp_echo": ipv4(1, icmp(8, 0, 0x12340001, b"abcdefgh")),
    "icmp_echo_reply": ipv4(1, icmp(0, 0, 0x12340001, b"abcdefgh"), src=DST, dst=SRC),
    "icmp_port_unreach": ipv4(1, icmp(3, 3, 0, quoted), src=DST, dst=SRC),
    "icmp_frag_needed": ipv4(1, icmp(3, 4, 1400, quoted), src=DST, dst=SRC),
    "icmp_time_exceeded": ipv4(1, icmp(11, 0, 0, quoted), src=DST, dst=SRC),
    "icmp_short": ipv4(1, bytes([8, 0, 0xF7])),
    "icmp_quote_short": ipv4(1, icmp(3, 3, 0, quoted[:24])),
    "fragment_mf": ipv4(6, TCP["syn"][:16], frag=0x2000),
    "fragment_tail": ipv4(6, TCP["syn"][16:], frag=2),
    "ip_options": ipv4(6, TCP["ack"], opts=bytes([0x94, 4, 0, 0])),
    "padded": ipv4(6, TCP["rst"]) + bytes(6),
    "bad_version": ipv4(6, TCP["ack"], ver_ihl=0x65),
    "bad_ihl_4": ipv4(6, TCP["ack"], ver_ihl=0x44),
    "bad_ihl_big": ipv4(6, b"", ver_ihl=0x4F),
    "bad_totlen_small": ipv4(6, TCP["ack"], tot=19),
    "bad_totlen_big": ipv4(6, TCP["ack"], tot=1500),
    "short": ipv4(6, b"")[:19],
}
IPV4["bad_csum"] = put_csum(IPV4["tcp_syn"], 10, 0)


def udp(sport, dport, payload, src=SRC, dst=DST):
    d = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    return put_csum(d, 6, csum(src + dst + struct.pack(">BBH", 0, 17, len(d)) + d) or 0xFFFF)


# TCP over UDP (the tunnel port 9811), as tcp/encap.c reads it.
IPV4["udp_tcp_syn"] = ipv4(17, udp(4000, 9811, TCP["syn"]))
IPV4["udp_tcp_bad_len"] = ipv4(17, put_csum(udp(4000, 9811, TCP["ack"]), 4, 200))


# ---- Ethernet and ARP ------------------------------------------------------
def eth(dst, src, typ, payload):
    return dst + src + struct.pack(">H", typ) + payload


def arp(op, sha, spa, tha, tpa, htype=1, ptype=0x0800, hlen=6, plen=4):
    return struct.pack(">HHBBH", htype, ptype, hlen, plen, op) + sha + spa + tha + tpa


BCAST = bytes([0xFF] * 6)
ETH = {
    "arp_request": eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, SRC, bytes(6), DST) + bytes(18)),
    "arp_reply": eth(MAC_A, MAC_B, 0x0806, arp(2, MAC_B, DST, MAC_A, SRC)),
    "arp_short": eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, SRC, bytes(6), DST)[:27]),
    "arp_bad_htype": eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, SRC, bytes(6), DST, htype=6)),
    "arp_bad_plen": eth(BCAST, MAC_A, 0x0806, arp(1, MAC_A, SRC, bytes(6), DST, plen=16)),
    "ipv6": eth(MAC_B, MAC_A, 0x86DD, bytes(40)),
    "short": eth(MAC_B, MAC_A, 0x0800, b"")[:13],
    "header_only": eth(MAC_B, MAC_A, 0x0800, b""),
}
for k, v in IPV4.items():
    ETH["ip_" + k] = eth(MAC_B, MAC_A, 0x0800, v)


# ---- IPv6, extension headers, ICMPv6, NDP, fragments ------------------------
A1 = bytes.fromhex("20010002000000000000000000000001")
A2 = bytes.fromhex("20010002000000000000000000000002")
LL1 = bytes.fromhex("fe800000000000000000000000000001")
ALL_NODES = bytes.fromhex("ff020000000000000000000000000001")
ALL_ROUTERS = bytes.fromhex("ff020000000000000000000000000002")
SOL_A2 = bytes.fromhex("ff0200000000000000000001ff000002")
HOPOPTS, ROUTING, FRAGMENT, ICMPV6, NONE, DSTOPTS = 0, 43, 44, 58, 59, 60


def ipv6(next_hdr, payload, src=A1, dst=A2, hop=64, tclass=0, plen=None):
    plen = len(payload) if plen is None else plen
    first = struct.pack(">I", 6 << 28 | tclass << 20)
    return first + struct.pack(">HBB", plen, next_hdr, hop) + src + dst + payload


def icmp6(typ, code, rest, body=b"", src=A1, dst=A2):
    m = struct.pack(">BBHI", typ, code, 0, rest) + body
    ph = src + dst + struct.pack(">IxxxB", len(m), ICMPV6)
    return put_csum(m, 2, csum(ph + m))


def ext(next_hdr, body):
    """An options or routing header: body is what follows the 2 first bytes."""
    assert (len(body) + 2) % 8 == 0
    return bytes([next_hdr, (len(body) + 2) // 8 - 1]) + body


def frag(next_hdr, off, more, ident):
    return struct.pack(">BBHI", next_hdr, 0, off | (1 if more else 0), ident)


def nd_opt(typ, body):
    assert (len(body) + 2) % 8 == 0
    return bytes([typ, (len(body) + 2) // 8]) + body


PADN4 = bytes([1, 4, 0, 0, 0, 0])
ECHO = icmp6(128, 0, 0x00070001, bytes(range(32)))
SLLA = nd_opt(1, MAC_A)
TLLA = nd_opt(2, MAC_A)
PREFIX = nd_opt(3, struct.pack(">BBII4x", 64, 0xC0, 86400, 14400) + bytes.fromhex("2001000200010000") + bytes(8))
MTU_OPT = nd_opt(5, struct.pack(">xxI", 1500))
QUOTE_TCP = ipv6(6, TCP["syn"][:20], src=A2, dst=A1)


def nd(typ, rest, body, src=A1, dst=A2, hop=255, code=0):
    return ipv6(ICMPV6, icmp6(typ, code, rest, body, src, dst), src=src, dst=dst, hop=hop)


IPV6 = {
    "echo_req": ipv6(ICMPV6, ECHO),
    "echo_reply": ipv6(ICMPV6, icmp6(129, 0, 0x00070001, b"x" * 8)),
    "icmp6_unknown_info": ipv6(ICMPV6, icmp6(200, 0, 0)),
    "icmp6_bad_csum": ipv6(ICMPV6, put_csum(ECHO, 2, 0x1234)),
    "icmp6_short": ipv6(ICMPV6, ECHO[:6]),
    "icmp6_unreach_quote": ipv6(ICMPV6, icmp6(1, 4, 0, QUOTE_TCP)),
    "icmp6_too_big": ipv6(ICMPV6, icmp6(2, 0, 1280, QUOTE_TCP)),
    "icmp6_time_exceeded": ipv6(ICMPV6, icmp6(3, 1, 0, QUOTE_TCP)),
    "icmp6_param_problem": ipv6(ICMPV6, icmp6(4, 0, 6, QUOTE_TCP)),
    "icmp6_quote_short": ipv6(ICMPV6, icmp6(1, 4, 0, QUOTE_TCP[:30])),
    "hbh_padn_echo": ipv6(HOPOPTS, ext(ICMPV6, PADN4) + ECHO),
    "dstopt_pad1_echo": ipv6(DSTOPTS, ext(ICMPV6, bytes(6)) + ECHO),
    "dstopt_skip_echo": ipv6(DSTOPTS, ext(ICMPV6, bytes([0x1E, 4, 1, 2, 3, 4])) + ECHO),
    "dstopt_discard": ipv6(DSTOPTS, ext(ICMPV6, bytes([0x41, 4, 1, 2, 3, 4])) + ECHO),
    "dstopt_report": ipv6(DSTOPTS, ext(ICMPV6, bytes([0x81, 4, 1, 2, 3, 4])) + ECHO),
    "dstopt_report_mcast": ipv6(DSTOPTS, ext(ICMPV6, bytes([0xC1, 4, 1, 2, 3, 4])) + ECHO,
                                dst=ALL_NODES),
    "opt_overrun": ipv6(DSTOPTS, ext(ICMPV6, bytes([1, 9, 0, 0, 0, 0])) + ECHO),
    "ext_short": ipv6(DSTOPTS, bytes([ICMPV6, 3, 1, 4])),
    "routing_left0": ipv6(ROUTING, ext(ICMPV6, bytes([2, 0, 0, 0, 0, 0]) + A1[:8] + bytes(8)) + ECHO),
    "routing_left1": ipv6(ROUTING, ext(ICMPV6, bytes([2, 1, 0, 0, 0, 0]) + A1) + ECHO),
    "routing_type0": ipv6(ROUTING, ext(ICMPV6, bytes([0, 1, 0, 0, 0, 0]) + A1) + ECHO),
    "hbh_not_first": ipv6(DSTOPTS, ext(HOPOPTS, PADN4) + ext(ICMPV6, PADN4) + ECHO),
    "chain_9": ipv6(DSTOPTS, b"".join(ext(DSTOPTS, PADN4) for _ in range(8)) + ext(ICMPV6, PADN4) + ECHO),
    "no_next": ipv6(NONE, b""),
    "unknown_next": ipv6(253, b"abcdefgh"),
    "nd_ns_slla": nd(135, 0, A2 + SLLA, dst=SOL_A2),
    "nd_ns_dad": nd(135, 0, A2, src=bytes(16), dst=SOL_A2),
    "nd_na_tlla": nd(136, 0x60000000, A1 + TLLA, dst=A2),
    "nd_rs_slla": nd(133, 0, SLLA, src=LL1, dst=ALL_ROUTERS),
    "nd_ra_prefix_mtu": nd(134, 0x40000708, struct.pack(">II", 30000, 1000) + SLLA + MTU_OPT + PREFIX,
                           src=LL1, dst=ALL_NODES),
    "nd_redirect": nd(137, 0, A1 + A2 + TLLA, src=LL1),
    "nd_hop_64": nd(135, 0, A2 + SLLA, hop=64),
    "nd_code_1": nd(135, 0, A2 + SLLA, code=1),
    "nd_short": nd(135, 0, A2[:8]),
    "nd_opt_len0": nd(135, 0, A2 + bytes([1, 0]) + MAC_A),
    "nd_opt_overrun": nd(135, 0, A2 + bytes([1, 3]) + MAC_A),
    "nd_mcast_target": nd(135, 0, ALL_NODES + SLLA),
    "frag_first_echo": ipv6(FRAGMENT, frag(ICMPV6, 0, True, 7) + ECHO[:24]),
    "frag_middle": ipv6(FRAGMENT, frag(ICMPV6, 24, True, 7) + ECHO[24:32]),
    "frag_last": ipv6(FRAGMENT, frag(ICMPV6, 32, False, 7) + ECHO[32:]),
    "frag_bad_len": ipv6(FRAGMENT, frag(ICMPV6, 0, True, 8) + ECHO[:13]),
    "frag_no_chain": ipv6(FRAGMENT, frag(DSTOPTS, 0, True, 9) + ext(ICMPV6, PADN4)),
    "frag_too_big": ipv6(FRAGMENT, frag(ICMPV6, 65528, False, 10) + bytes(16)),
    "frag_after_hbh": ipv6(HOPOPTS, ext(FRAGMENT, PADN4) + frag(DSTOPTS, 0, True, 11)
                           + ext(ICMPV6, PADN4) + ECHO[:16]),
    "frag_nested": ipv6(FRAGMENT, frag(FRAGMENT, 0, True, 12) + frag(ICMPV6, 0, True, 13) + ECHO[:8]),
    "frag_atomic": ipv6(FRAGMENT, frag(ICMPV6, 0, False, 14) + ECHO),
}

# The fuzz_frag6 target: chunks ctl(1) id(1) off(2) dt(1) dlen(1) data, from
# 2001:2::10 (source 0) to 2001:2::2 (see fuzz_frag6.c).
F6_SRC = bytes.fromhex("20010002000000000000000000000010")
F6_ECHO = icmp6(128, 0, 0x00070002, bytes(i & 0xFF for i in range(300)), src=F6_SRC, dst=A2)


def chunk(ctl, ident, off, data, dt=0):
    return struct.pack(">BBHBB", ctl, ident, off, dt, len(data)) + data


def parts(ident, cuts, ctl_extra=0, dt=0, data=F6_ECHO):
    out = b""
    for i, (a, b) in enumerate(cuts):
        more = 1 if b < len(data) else 0
        out += chunk(0x02 | more | ctl_extra, ident, a, data[a:b], dt)
    return out


THIRDS = [(0, 104), (104, 208), (208, len(F6_ECHO))]
FRAG6 = {
    "in_order": parts(1, THIRDS),
    "out_of_order": parts(2, THIRDS[::-1]),
    "duplicate": parts(3, [THIRDS[0], THIRDS[0], THIRDS[2], THIRDS[1]]),
    "overlap": parts(4, [(0, 104), (96, 208), (208, len(F6_ECHO))]),
    "timeout": parts(5, THIRDS[:1], dt=250) + parts(5, THIRDS[1:], dt=250),
    "eviction": b"".join(chunk(0x03 | (s << 3), 0x40 + s, 0, bytes(8)) for s in range(4))
                + chunk(0x03, 0x50, 0, bytes(8)) + parts(1, THIRDS),
    "bad_lengths": chunk(0x03, 6, 0, bytes(13)) + chunk(0x02, 6, 8, b"") + chunk(0x02, 7, 64, bytes(8))
                   + chunk(0x02, 7, 72, bytes(8)),
    "no_chain": chunk(0x83, 8, 0, ext(ICMPV6, PADN4)),
    "hbh_dstopts": parts(9, [(0, 112), (112, 8 + len(F6_ECHO))], ctl_extra=0xA0,
                         data=ext(ICMPV6, PADN4) + F6_ECHO),
    "ecn_ce_mix": parts(10, THIRDS[:2]) + parts(10, THIRDS[2:], ctl_extra=0x40),
    "too_big": chunk(0x02, 11, 65528, bytes(16)) + chunk(0x03, 12, 2048, bytes(8)),
    "raw_packets": chunk(0x00, 0, 0, ipv6(ICMPV6, icmp6(128, 0, 5, b"raw", F6_SRC, A2), src=F6_SRC))
                   + chunk(0x00, 0, 0, IPV6["frag_first_echo"][:255]),
}


def write(root, name, files):
    d = os.path.join(root, name)
    os.makedirs(d, exist_ok=True)
    for k, v in files.items():
        with open(os.path.join(d, k), "wb") as f:
            f.write(v)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus")
    write(root, "tcp_opts", OPTS)
    swapped = {"synack", "sack_ack", "rst_ack"}  # sent from DST to SRC
    write(root, "tcp", {k: tcp_input(v, *((DST, SRC) if k in swapped else (SRC, DST)))
                        for k, v in TCP.items()})
    write(root, "ipv4", IPV4)
    write(root, "eth", ETH)
    write(root, "ipv6", IPV6)
    write(root, "frag6", FRAG6)


if __name__ == "__main__":
    main()
