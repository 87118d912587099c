/* Layer finding for partial frames. With the whole frame the layers follow
 * from the headers; a dump that starts past the IPv4 header (the common
 * "bytes 0x22.." excerpt) is taken to hold Ethernet + a 20-byte IPv4 header,
 * so TCP starts at 34, unless the caller says where TCP starts. */
#include "decode_frame.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"

static bool known(const tk_dframe_in *in, size_t off) {
    if (off < in->lo || off >= in->hi)
        return false;
    return !in->known || (((unsigned)in->known[off / 8] >> (unsigned)(off % 8)) & 1u);
}

/* The first missing byte of [from, to), or `to` when all are there. */
static size_t first_missing(const tk_dframe_in *in, size_t from, size_t to) {
    for (size_t i = from; i < to; i++)
        if (!known(in, i))
            return i;
    return to;
}

static bool all_known(const tk_dframe_in *in, size_t from, size_t to) {
    return first_missing(in, from, to) == to;
}

static uint16_t be16_at(const uint8_t *p) {
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static int wire_fail(tk_dframe *out, int rc) {
    snprintf(out->why, sizeof out->why, "%s", tk_wire_strerror(rc));
    return rc;
}

/* Parses the IPv4 header at off. A datagram cut short by the capture (or the
 * dump) is still decoded: the length check runs on a copy of the header
 * whose total length is clamped to what is there. */
static int parse_ip(const tk_dframe_in *in, size_t off, tk_dframe *out) {
    size_t avail = first_missing(in, off, in->hi) - off;
    const uint8_t *p = in->data + off;
    int rc = tk_wire_ipv4_parse(p, avail, false, &out->ip);
    if (rc == TK_WIRE_IP_TOTLEN && avail >= TK_IPV4_HLEN && be16_at(p + 2) > avail) {
        uint8_t copy[60];
        size_t n = avail < sizeof copy ? avail : sizeof copy;
        memcpy(copy, p, n);
        copy[2] = (uint8_t)(n >> 8);
        copy[3] = (uint8_t)n;
        rc = tk_wire_ipv4_parse(copy, n, false, &out->ip);
        out->ip.total_len = be16_at(p + 2);
        out->ip_truncated = true;
    }
    if (rc < 0)
        return wire_fail(out, rc);
    out->ip_csum = tk_csum_finish(tk_csum_add(0, p, out->ip.hlen)) == 0 ? TK_CSUM_OK : TK_CSUM_BAD;
    out->has_ip = true;
    out->ip_off = off;
    return 0;
}

static int ip_version(const tk_dframe_in *in, size_t off) {
    return known(in, off) ? in->data[off] >> 4 : -1;
}

static bool is_ip(const tk_dframe_in *in, size_t off) {
    return ip_version(in, off) == 4 || ip_version(in, off) == 6;
}

/* Where the IPv4 or IPv6 header is, from the start of the frame; 0 with
 * is_tcp false and a note for frames that carry something else. */
static int find_ip(const tk_dframe_in *in, tk_dframe *out, size_t *ip_off) {
    if (in->ip_offset != TK_DFRAME_AUTO) {
        *ip_off = (size_t)in->ip_offset;
        if (is_ip(in, *ip_off))
            return 1;
        out->note = "not IPv4 or IPv6";
        return 0;
    }
    if (all_known(in, 0, TK_ETH_HLEN) && tk_wire_eth_parse(in->data, in->hi, &out->eth) > 0 &&
        (out->eth.type != TK_ETHERTYPE_IPV4 || ip_version(in, TK_ETH_HLEN) == 4)) {
        switch (out->eth.type) {
        case TK_ETHERTYPE_IPV4:
        case TK_ETHERTYPE_IPV6:
            out->has_eth = true;
            *ip_off = TK_ETH_HLEN;
            return 1;
        case TK_ETHERTYPE_ARP:
            out->has_eth = true;
            out->note = "ARP";
            return 0;
        default:
            break;
        }
    }
    if (is_ip(in, 0)) {
        *ip_off = 0;
        return 1;
    }
    if (known(in, 0)) {
        snprintf(out->why, sizeof out->why,
                 "no Ethernet/IPv4/IPv6 header at offset 0 (give --tcp-offset N)");
        return -EINVAL;
    }
    /* The start of the frame is not in the dump: assume Ethernet framing. */
    if (all_known(in, TK_ETH_HLEN, TK_ETH_HLEN + TK_IPV4_HLEN) &&
        ip_version(in, TK_ETH_HLEN) == 4) {
        *ip_off = TK_ETH_HLEN;
        return 1;
    }
    return 2;
}

static const char *ip6_note(uint8_t proto) {
    switch (proto) {
    case TK_IPPROTO_ICMPV6:
        return "ICMPv6";
    case TK_IPPROTO_UDP:
        return "UDP";
    case TK_IPPROTO_NONE:
        return "IPv6, no next header";
    default:
        return "IPv6, not TCP";
    }
}

/* The IPv6 header at off and its extension headers (RFC 8200 4). A
 * datagram cut short by the capture is walked as far as it is there. */
static int parse_ip6(const tk_dframe_in *in, size_t off, tk_dframe *out) {
    size_t avail = first_missing(in, off, in->hi) - off;
    const uint8_t *p = in->data + off;
    uint8_t hdr[TK_IPV6_HLEN];
    memcpy(hdr, p, sizeof hdr);
    hdr[4] = hdr[5] = 0; /* the payload length is checked against avail below */
    int rc = tk_wire_ipv6_parse(hdr, sizeof hdr, &out->ip6);
    if (rc < 0)
        return wire_fail(out, rc);
    out->ip6.payload_len = be16_at(p + 4);
    out->has_ip6 = true;
    out->ip_off = off;
    tk_ipv6_hdr walk = out->ip6;
    if ((size_t)walk.payload_len > avail - TK_IPV6_HLEN) {
        out->ip_truncated = true;
        walk.payload_len = (uint16_t)(avail - TK_IPV6_HLEN);
    }
    tk_ipv6_chain ch;
    rc = tk_wire_ipv6_chain(p, &walk, &ch);
    if (rc < 0)
        return wire_fail(out, rc);
    out->ip6_ext = ch.count;
    out->ip6_upper = ch.off;
    if (ch.fragment) {
        out->note = "IPv6 fragment (not reassembled)";
        return 0;
    }
    if (ch.proto != TK_IPPROTO_TCP) {
        out->note = ip6_note(ch.proto);
        return 0;
    }
    return 1;
}

/* TCP in the IPv6 datagram at ip_off. */
static int locate_tcp6(const tk_dframe_in *in, tk_dframe *out, size_t ip_off, size_t *tcp,
                       size_t *end) {
    if (!all_known(in, ip_off, ip_off + TK_IPV6_HLEN)) {
        snprintf(out->why, sizeof out->why,
                 "the IPv6 header at 0x%04zx is not all in the dump (give --tcp-offset N)", ip_off);
        return -EINVAL;
    }
    int rc = parse_ip6(in, ip_off, out);
    if (rc <= 0)
        return rc;
    *tcp = ip_off + out->ip6_upper;
    if (ip_off + tk_dframe_ip_len(out) < *end)
        *end = ip_off + tk_dframe_ip_len(out);
    return 1;
}

/* Where the TCP header starts and where the segment ends. */
static int locate_tcp(const tk_dframe_in *in, tk_dframe *out, size_t *tcp, size_t *end) {
    size_t ip_off = 0;
    int rc = find_ip(in, out, &ip_off);
    if (rc <= 0)
        return rc;
    *end = in->hi;
    if (rc == 1 && ip_version(in, ip_off) == 6)
        return locate_tcp6(in, out, ip_off, tcp, end);
    if (rc == 1 && all_known(in, ip_off, ip_off + TK_IPV4_HLEN)) {
        rc = parse_ip(in, ip_off, out);
        if (rc < 0)
            return rc;
        if (out->ip.proto != TK_IPPROTO_TCP) {
            out->note = out->ip.proto == TK_IPPROTO_ICMP  ? "ICMP"
                        : out->ip.proto == TK_IPPROTO_UDP ? "UDP"
                                                          : "IPv4, not TCP";
            return 0;
        }
        if (out->ip.frag & TK_IPV4_OFFMASK) {
            out->note = "IPv4 fragment (not the first)";
            return 0;
        }
        *tcp = ip_off + out->ip.hlen;
        if (ip_off + out->ip.total_len < *end)
            *end = ip_off + out->ip.total_len;
        return 1;
    }
    if (in->lo > TK_DFRAME_TCP_AFTER_ETH_IP) {
        snprintf(out->why, sizeof out->why,
                 "the dump starts at 0x%04zx, past offset 0x22 where TCP usually starts "
                 "(give --tcp-offset N)",
                 in->lo);
        return -EINVAL;
    }
    *tcp = TK_DFRAME_TCP_AFTER_ETH_IP;
    return 1;
}

/* The TCP checksum over the IPv4 or IPv6 (RFC 8200 8.1) pseudo-header,
 * when the whole segment is in the input. */
static void check_tcp_csum(const tk_dframe_in *in, tk_dframe *out, size_t end) {
    if (!tk_dframe_has_addr(out) || out->ip_truncated ||
        !all_known(in, out->tcp_off, out->ip_off + tk_dframe_ip_len(out)))
        return;
    if (out->has_ip6) {
        size_t len = end - out->tcp_off;
        uint32_t sum = tk_csum_pseudo6(out->ip6.src, out->ip6.dst, TK_IPPROTO_TCP, (uint32_t)len);
        bool ok = tk_csum_finish(tk_csum_add(sum, in->data + out->tcp_off, len)) == 0;
        out->tcp_csum = ok ? TK_CSUM_OK : TK_CSUM_BAD;
        return;
    }
    tk_tcp_hdr check;
    int rc = tk_wire_tcp_parse(in->data + out->tcp_off, end - out->tcp_off, out->ip.src,
                               out->ip.dst, true, &check);
    out->tcp_csum = rc == TK_WIRE_TCP_CSUM ? TK_CSUM_BAD : TK_CSUM_OK;
}

static int missing(tk_dframe *out, size_t off, size_t miss) {
    snprintf(out->why, sizeof out->why,
             "the TCP header at 0x%04zx is not all in the dump (byte 0x%04zx missing)", off, miss);
    return -EINVAL;
}

static int parse_tcp(const tk_dframe_in *in, tk_dframe *out, size_t end) {
    size_t off = out->tcp_off;
    size_t miss = first_missing(in, off, off + TK_TCP_HLEN);
    if (miss < off + TK_TCP_HLEN && miss < end)
        return missing(out, off, miss);
    if (end >= off + TK_TCP_HLEN) {
        size_t hlen = (size_t)(in->data[off + 12] >> 4) * 4;
        if (hlen > TK_TCP_HLEN && off + hlen <= end &&
            (miss = first_missing(in, off, off + hlen)) < off + hlen)
            return missing(out, off, miss);
    }
    int rc = tk_wire_tcp_parse(in->data + off, end > off ? end - off : 0, 0, 0, false, &out->tcp);
    if (rc < 0)
        return wire_fail(out, rc);
    memcpy(out->tcp_opts, in->data + off + TK_TCP_HLEN, out->tcp.hlen - TK_TCP_HLEN);
    if (tk_dframe_has_addr(out))
        out->payload_len =
            (uint32_t)(tk_dframe_ip_len(out) - tk_dframe_ip_hlen(out) - out->tcp.hlen);
    else
        out->payload_len = (uint32_t)(end - off - out->tcp.hlen);
    out->is_tcp = true;
    check_tcp_csum(in, out, end);
    return 0;
}

int tk_dframe_decode(const tk_dframe_in *in, tk_dframe *out) {
    memset(out, 0, sizeof *out);
    size_t tcp = 0, end = in->hi;
    int rc = locate_tcp(in, out, &tcp, &end);
    if (in->tcp_offset == TK_DFRAME_AUTO) {
        if (rc <= 0)
            return rc;
    } else if (rc <= 0 || (size_t)in->tcp_offset != tcp) {
        /* The caller knows better: the layers found do not lead there. */
        memset(out, 0, sizeof *out);
        tcp = (size_t)in->tcp_offset;
        end = in->hi;
    }
    out->tcp_off = tcp;
    return parse_tcp(in, out, end);
}

bool tk_dframe_has_addr(const tk_dframe *f) {
    return f->has_ip || f->has_ip6;
}

tk_taddr tk_dframe_src(const tk_dframe *f) {
    return f->has_ip6 ? tk_taddr_v6(f->ip6.src) : tk_taddr_v4(f->ip.src);
}

tk_taddr tk_dframe_dst(const tk_dframe *f) {
    return f->has_ip6 ? tk_taddr_v6(f->ip6.dst) : tk_taddr_v4(f->ip.dst);
}

size_t tk_dframe_ip_len(const tk_dframe *f) {
    if (f->has_ip6)
        return TK_IPV6_HLEN + (size_t)f->ip6.payload_len;
    return f->has_ip ? f->ip.total_len : 0;
}

size_t tk_dframe_ip_hlen(const tk_dframe *f) {
    if (f->has_ip6)
        return f->ip6_upper;
    return f->has_ip ? f->ip.hlen : 0;
}
