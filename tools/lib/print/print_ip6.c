/* IPv6 lines as tcpdump -nn prints them (print-ip6.c, print-icmp6.c):
 * "IP6 src > dst: " and, after the names of the extension headers walked
 * (HBH, DSTOPT, srcrt, frag), TCP, UDP or ICMPv6 (SPEC NET-4, OBS-2). */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "print_int.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"

static bool is_v6(const uint8_t *ip) {
    return ip[0] >> 4 == 6;
}

void tk_pr_ip_addr(tk_pbuf *b, const uint8_t *ip, bool dst) {
    if (!is_v6(ip)) {
        tk_pr_ipv4(b, tk_pr_be32(ip + (dst ? 16 : 12)));
        return;
    }
    char text[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, ip + (dst ? 24 : 8), text, sizeof text) != NULL)
        tk_pr_puts(b, text);
}

void tk_pr_ip_port(tk_pbuf *b, const uint8_t *ip, bool dst, uint16_t port) {
    /* print-tcp.c / print-udp.c: behind IPv6 extension headers the
     * addresses were printed already, and only the ports follow. */
    if (!is_v6(ip) || ip[6] == TK_IPPROTO_TCP || ip[6] == TK_IPPROTO_UDP) {
        tk_pr_ip_addr(b, ip, dst);
        tk_pr_puts(b, ".");
    }
    tk_pr_printf(b, "%u", port);
}

uint32_t tk_pr_ip_key(const uint8_t *ip, bool dst) {
    if (!is_v6(ip))
        return tk_pr_be32(ip + (dst ? 16 : 12));
    const uint8_t *a = ip + (dst ? 24 : 8);
    uint32_t h = 2166136261u; /* FNV-1a */
    for (int i = 0; i < 16; i++)
        h = (h ^ a[i]) * 16777619u;
    return h;
}

int tk_pr_ip_cmp(const uint8_t *ip) {
    if (!is_v6(ip)) {
        uint32_t s = tk_pr_be32(ip + 12), d = tk_pr_be32(ip + 16);
        return s > d ? 1 : s < d ? -1 : 0;
    }
    return memcmp(ip + 8, ip + 24, 16);
}

static void print_addrs(tk_pbuf *b, const uint8_t *ip) {
    tk_pr_ip_addr(b, ip, false);
    tk_pr_puts(b, " > ");
    tk_pr_ip_addr(b, ip, true);
    tk_pr_puts(b, ": ");
}

static void print_target(tk_pbuf *b, const uint8_t *a) {
    char text[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, a, text, sizeof text) != NULL)
        tk_pr_puts(b, text);
}

/* The quoted packet's destination (its header at d + 8), or false. */
static bool quoted_dst(tk_pbuf *b, const uint8_t *d, size_t cap) {
    if (cap < 8 + TK_IPV6_HLEN)
        return false;
    print_target(b, d + 8 + 24);
    return true;
}

/* Destination unreachable (RFC 4443 3.1) as print-icmp6.c words it. */
static bool unreach6(tk_pbuf *b, const uint8_t *d, size_t cap) {
    static const char *const words[] = {"unreachable route", "unreachable prohibited",
                                        "beyond scope", "unreachable address"};
    uint8_t code = d[1];
    tk_pr_puts(b, "destination unreachable");
    if (code < 4) {
        tk_pr_printf(b, ", %s ", words[code]);
        return quoted_dst(b, d, cap);
    }
    if (code == TK_ICMP6_PORT_UNREACH) {
        const uint8_t *q = d + 8;
        if (cap < 8 + TK_IPV6_HLEN + 4)
            return false;
        tk_pr_puts(b, ", unreachable port, ");
        print_target(b, q + 24);
        if (q[6] == TK_IPPROTO_TCP || q[6] == TK_IPPROTO_UDP)
            tk_pr_printf(b, " %s port %u", q[6] == TK_IPPROTO_TCP ? "tcp" : "udp",
                         tk_pr_be16(q + TK_IPV6_HLEN + 2));
        return true;
    }
    tk_pr_printf(b, ", unknown unreach code (%u)", code);
    return true;
}

static bool errors6(tk_pbuf *b, const uint8_t *d, size_t cap) {
    static const char *const pp[] = {"erroneous", "next header", "option"};
    switch (d[0]) {
    case TK_ICMP6_DEST_UNREACH:
        return unreach6(b, d, cap);
    case TK_ICMP6_TIME_EXCEEDED:
        if (d[1] == 0) {
            tk_pr_puts(b, "time exceeded in-transit for ");
            return quoted_dst(b, d, cap);
        }
        tk_pr_puts(b, d[1] == 1 ? "time exceeded ip6 reassembly time exceeded"
                                : "time exceeded, unknown code");
        return true;
    default: /* parameter problem */
        if (cap < 8)
            return false;
        if (d[1] < 3)
            tk_pr_printf(b, "parameter problem, %s - octet %u", pp[d[1]], tk_pr_be32(d + 4));
        else
            tk_pr_printf(b, "parameter problem, code-#%u", d[1]);
        return true;
    }
}

/* The part of an ICMPv6 line between "ICMP6, " and ", length N"; false
 * when the message is cut short. */
static bool icmp6_what(tk_pbuf *b, const uint8_t *d, size_t cap) {
    uint8_t type = d[0];
    switch (type) {
    case TK_ICMP6_ECHO_REQUEST:
    case TK_ICMP6_ECHO_REPLY:
        if (cap < 8)
            return false;
        tk_pr_printf(b, "echo %s, id %u, seq %u",
                     type == TK_ICMP6_ECHO_REQUEST ? "request" : "reply", tk_pr_be16(d + 4),
                     tk_pr_be16(d + 6));
        return true;
    case TK_ICMP6_ND_NS:
        if (cap < 24)
            return false;
        tk_pr_puts(b, "neighbor solicitation, who has ");
        print_target(b, d + 8);
        return true;
    case TK_ICMP6_ND_NA:
        if (cap < 24)
            return false;
        tk_pr_puts(b, "neighbor advertisement, tgt is ");
        print_target(b, d + 8);
        return true;
    case TK_ICMP6_ND_RS:
        tk_pr_puts(b, "router solicitation");
        return true;
    case TK_ICMP6_ND_RA:
        tk_pr_puts(b, "router advertisement");
        return true;
    case TK_ICMP6_MLD2_REPORT:
        if (cap < 8)
            return false;
        tk_pr_printf(b, "multicast listener report v2, %u group record(s)", tk_pr_be16(d + 6));
        return true;
    case TK_ICMP6_PKT_TOO_BIG:
        if (cap < 8)
            return false;
        tk_pr_printf(b, "packet too big, mtu %u", tk_pr_be32(d + 4));
        return true;
    case TK_ICMP6_DEST_UNREACH:
    case TK_ICMP6_TIME_EXCEEDED:
    case TK_ICMP6_PARAM_PROBLEM:
        return cap >= 2 && errors6(b, d, cap);
    default:
        tk_pr_printf(b, "type-#%u", type);
        return true;
    }
}

static void print_icmp6(tk_pbuf *b, const uint8_t *d, size_t cap, uint32_t len) {
    tk_pr_puts(b, "ICMP6, ");
    if (cap < 1 || !icmp6_what(b, d, cap)) {
        tk_pr_trunc(b, "icmp6");
        return;
    }
    tk_pr_printf(b, ", length %u", len);
}

static void print_udp6(tk_pbuf *b, const uint8_t *ip, const uint8_t *d, size_t cap, uint32_t len) {
    if (cap < 8) {
        print_addrs(b, ip);
        tk_pr_trunc(b, "udp");
        return;
    }
    tk_pr_ip_port(b, ip, false, tk_pr_be16(d));
    tk_pr_puts(b, " > ");
    tk_pr_ip_port(b, ip, true, tk_pr_be16(d + 2));
    tk_pr_puts(b, ": ");
    uint16_t ulen = tk_pr_be16(d + 4);
    if (ulen < 8 || ulen > len) {
        tk_pr_printf(b, "UDP, bad length %u > %u", ulen, len);
        return;
    }
    tk_pr_printf(b, "UDP, length %u", ulen - 8u);
}

/* One extension header's name (tcpdump's words); returns its length, 0
 * when the walk stops here. */
static size_t ext_header(tk_pbuf *b, uint8_t nh, const uint8_t *d, size_t cap) {
    switch (nh) {
    case TK_IPPROTO_HOPOPTS:
        if (cap < 2)
            return 0;
        tk_pr_puts(b, "HBH ");
        return ((size_t)d[1] + 1) * 8;
    case TK_IPPROTO_DSTOPTS:
        if (cap < 2)
            return 0;
        tk_pr_puts(b, "DSTOPT ");
        return ((size_t)d[1] + 1) * 8;
    case TK_IPPROTO_FRAGMENT: {
        if (cap < 8)
            return 0;
        uint16_t fo = tk_pr_be16(d + 2);
        tk_pr_printf(b, "frag (%u|%zu)", fo & 0xfff8u, cap - 8);
        if (fo & 0xfff8u)
            return SIZE_MAX; /* a later fragment: nothing more to decode */
        tk_pr_puts(b, " ");
        return 8;
    }
    case TK_IPPROTO_ROUTING: {
        if (cap < 8)
            return 0;
        size_t n = ((size_t)d[1] + 1) * 8;
        tk_pr_printf(b, "RT6 (len=%u, type=%u%s, segleft=%u", d[1], d[2],
                     d[2] == 0 ? " [Deprecated]" : "", d[3]);
        for (unsigned i = 0; d[2] == 0 && i < d[1] / 2u && 8 + 16 * (i + 1) <= cap; i++) {
            tk_pr_printf(b, ", [%u]", i);
            print_target(b, d + 8 + 16 * i);
        }
        tk_pr_puts(b, ") ");
        return n;
    }
    default:
        return 0;
    }
}

void tk_pr_ipv6_dgram(tk_printer *p, tk_pbuf *b, const uint8_t *d, size_t cap, size_t len) {
    tk_pr_puts(b, "IP6 ");
    if (cap < TK_IPV6_HLEN) {
        tk_pr_trunc(b, "ip6");
        return;
    }
    uint32_t plen = tk_pr_be16(d + 4);
    if (len < TK_IPV6_HLEN + (size_t)plen)
        tk_pr_printf(b, "truncated-ip6 - %zu bytes missing!", TK_IPV6_HLEN + plen - len);
    if (cap > TK_IPV6_HLEN + (size_t)plen)
        cap = TK_IPV6_HLEN + plen; /* Ethernet padding is not the packet's */
    uint8_t nh = d[6];
    if (nh != TK_IPPROTO_TCP && nh != TK_IPPROTO_UDP)
        print_addrs(b, d);
    size_t off = TK_IPV6_HLEN;
    for (int i = 0; i < TK_IPV6_CHAIN_MAX; i++) {
        size_t n = ext_header(b, nh, d + off, cap - off);
        if (n == SIZE_MAX)
            return;
        if (n == 0 || off + n > cap)
            break;
        nh = d[off];
        off += n;
    }
    const uint8_t *pl = d + off;
    size_t pcap = cap - off;
    uint32_t l4len = TK_IPV6_HLEN + plen > off ? (uint32_t)(TK_IPV6_HLEN + plen - off) : 0;
    switch (nh) {
    case TK_IPPROTO_TCP:
        tk_pr_tcp(p, b, d, pl, pcap, l4len);
        break;
    case TK_IPPROTO_UDP:
        print_udp6(b, d, pl, pcap, l4len);
        break;
    case TK_IPPROTO_ICMPV6:
        print_icmp6(b, pl, pcap, l4len);
        break;
    case TK_IPPROTO_NONE:
        tk_pr_printf(b, "no next header");
        break;
    default:
        tk_pr_printf(b, " ip-proto-%u %u", nh, l4len);
        break;
    }
}
