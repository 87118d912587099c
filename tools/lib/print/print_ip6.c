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

/* print_unknown_data's dump: "\n\t0x0000:  2f00 3e9e ...", no ASCII column. */
static void hex_words(tk_pbuf *b, const uint8_t *d, size_t n) {
    for (size_t off = 0; off < n; off += 16) {
        tk_pr_printf(b, "\n\t0x%04zx: ", off);
        for (size_t i = off; i < n && i < off + 16; i += 2) {
            if (i + 1 < n)
                tk_pr_printf(b, " %02x%02x", d[i], d[i + 1]);
            else
                tk_pr_printf(b, " %02x", d[i]);
        }
    }
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

/* " dst" of the quoted packet (its header at d + 8), or false. */
static bool quoted_dst(tk_pbuf *b, const uint8_t *d, size_t cap) {
    if (cap < 8 + TK_IPV6_HLEN)
        return false;
    tk_pr_puts(b, " ");
    print_target(b, d + 8 + 24);
    return true;
}

/* Destination unreachable (RFC 4443 3.1) as print-icmp6.c words it. */
static bool unreach6(tk_pbuf *b, const uint8_t *d, size_t cap) {
    static const char *const words[] = {"unreachable route", "unreachable prohibited",
                                        "beyond scope", "unreachable address"};
    uint8_t code = d[1];
    if (code < 4) {
        tk_pr_printf(b, ", %s", words[code]);
        return quoted_dst(b, d, cap);
    }
    if (code == TK_ICMP6_PORT_UNREACH) {
        const uint8_t *q = d + 8;
        tk_pr_puts(b, ", unreachable port");
        if (cap < 8 + TK_IPV6_HLEN + 4)
            return false;
        tk_pr_puts(b, ", ");
        print_target(b, q + 24);
        if (q[6] == TK_IPPROTO_TCP || q[6] == TK_IPPROTO_UDP)
            tk_pr_printf(b, " %s port %u", q[6] == TK_IPPROTO_TCP ? "tcp" : "udp",
                         tk_pr_be16(q + TK_IPV6_HLEN + 2));
        return true;
    }
    tk_pr_printf(b, ", unknown unreach code (%u)", code);
    hex_words(b, d, cap);
    return false; /* the line ends with the dump */
}

static const char *type_name(uint8_t type) {
    switch (type) {
    case TK_ICMP6_DEST_UNREACH:
        return "destination unreachable";
    case TK_ICMP6_PKT_TOO_BIG:
        return "packet too big";
    case TK_ICMP6_TIME_EXCEEDED:
        return "time exceeded in-transit";
    case TK_ICMP6_PARAM_PROBLEM:
        return "parameter problem";
    case TK_ICMP6_ECHO_REQUEST:
        return "echo request";
    case TK_ICMP6_ECHO_REPLY:
        return "echo reply";
    case TK_ICMP6_ND_RS:
        return "router solicitation";
    case TK_ICMP6_ND_RA:
        return "router advertisement";
    case TK_ICMP6_ND_NS:
        return "neighbor solicitation";
    case TK_ICMP6_ND_NA:
        return "neighbor advertisement";
    case TK_ICMP6_MLD2_REPORT:
        return "multicast listener report v2";
    default:
        return NULL;
    }
}

/* What follows the type's name; false when the message is cut short. */
static bool icmp6_details(tk_pbuf *b, const uint8_t *d, size_t cap) {
    static const char *const pp[] = {"erroneous", "next header", "option"};
    switch (d[0]) {
    case TK_ICMP6_ECHO_REQUEST:
    case TK_ICMP6_ECHO_REPLY:
        if (cap < 8)
            return false;
        tk_pr_printf(b, ", id %u, seq %u", tk_pr_be16(d + 4), tk_pr_be16(d + 6));
        return true;
    case TK_ICMP6_ND_NS:
    case TK_ICMP6_ND_NA:
        if (cap < 24)
            return false;
        tk_pr_puts(b, d[0] == TK_ICMP6_ND_NS ? ", who has " : ", tgt is ");
        print_target(b, d + 8);
        return true;
    case TK_ICMP6_MLD2_REPORT:
        if (cap < 8)
            return false;
        tk_pr_printf(b, ", %u group record(s)", tk_pr_be16(d + 6));
        return true;
    case TK_ICMP6_PKT_TOO_BIG:
        if (cap < 8)
            return false;
        tk_pr_printf(b, ", mtu %u", tk_pr_be32(d + 4));
        return true;
    case TK_ICMP6_DEST_UNREACH:
        return unreach6(b, d, cap);
    case TK_ICMP6_TIME_EXCEEDED:
        if (d[1] == 0) {
            if (cap < 8 + TK_IPV6_HLEN)
                return false;
            tk_pr_puts(b, " for");
            return quoted_dst(b, d, cap);
        }
        if (d[1] == 1)
            tk_pr_puts(b, " (reassembly)");
        else
            tk_pr_printf(b, ", unknown code (%u)", d[1]);
        return true;
    case TK_ICMP6_PARAM_PROBLEM:
        if (cap < 8 + TK_IPV6_HLEN)
            return false; /* tcpdump wants the quoted header first */
        if (d[1] < 3)
            tk_pr_printf(b, ", %s - octet %u", pp[d[1]], tk_pr_be32(d + 4));
        else
            tk_pr_printf(b, ", code-#%u", d[1]);
        return true;
    default:
        return true;
    }
}

static void print_icmp6(tk_pbuf *b, const uint8_t *d, size_t cap, uint32_t len) {
    if (len == 0) {
        tk_pr_puts(b, "ICMP6, length 0 (invalid)");
        return;
    }
    if (cap < 1) {
        tk_pr_trunc(b, "icmp6");
        return;
    }
    tk_pr_puts(b, "ICMP6, ");
    const char *name = type_name(d[0]);
    if (name != NULL)
        tk_pr_puts(b, name);
    else
        tk_pr_printf(b, "unknown icmp6 type (%u)", d[0]);
    if (cap < 2) { /* print-icmp6.c reads the code next */
        tk_pr_trunc(b, "icmp6");
        return;
    }
    if (!icmp6_details(b, d, cap)) {
        if (!(d[0] == TK_ICMP6_DEST_UNREACH && d[1] > TK_ICMP6_PORT_UNREACH))
            tk_pr_trunc(b, "icmp6");
        return;
    }
    tk_pr_printf(b, ", length %u", len);
    if (name == NULL) /* and the bytes of a type it does not know */
        hex_words(b, d, cap < len ? cap : len);
}

static void print_udp6(tk_pbuf *b, const uint8_t *ip, const uint8_t *d, size_t cap, uint32_t len) {
    if (cap < 4) {
        print_addrs(b, ip);
        tk_pr_trunc(b, "udp");
        return;
    }
    tk_pr_ip_port(b, ip, false, tk_pr_be16(d));
    tk_pr_puts(b, " > ");
    tk_pr_ip_port(b, ip, true, tk_pr_be16(d + 2));
    tk_pr_puts(b, ": ");
    if (cap < 8) {
        tk_pr_trunc(b, "udp");
        return;
    }
    uint16_t ulen = tk_pr_be16(d + 4);
    if (ulen < 8) {
        tk_pr_printf(b, "truncated-udplength %u", ulen);
        return;
    }
    if (ulen > len) {
        tk_pr_printf(b, "UDP, bad length %u > %u", ulen - 8u, len - 8u);
        return;
    }
    tk_pr_printf(b, "UDP, length %u", ulen - 8u);
}

/* True when the options (TLVs) end exactly at the end of their header. */
static bool options_fit(const uint8_t *o, size_t n) {
    size_t i = 0;
    while (i < n) {
        if (o[i] == 0) { /* Pad1 */
            i++;
            continue;
        }
        if (i + 2 > n || i + 2 + (size_t)o[i + 1] > n)
            return false;
        i += 2 + (size_t)o[i + 1];
    }
    return true;
}

/* One extension header's name (tcpdump's words); returns its length, 0
 * when the walk stops here, SIZE_MAX when the line ends with it. */
static size_t ext_header(tk_pbuf *b, uint8_t nh, const uint8_t *d, size_t cap, uint64_t left) {
    switch (nh) {
    case TK_IPPROTO_HOPOPTS:
    case TK_IPPROTO_DSTOPTS: {
        bool hbh = nh == TK_IPPROTO_HOPOPTS;
        size_t n = cap < 2 ? 0 : ((size_t)d[1] + 1) * 8;
        if (cap < 2 || cap < n) { /* the whole header, or nothing */
            tk_pr_trunc(b, hbh ? "hbhopt" : "dstopt");
            return SIZE_MAX;
        }
        tk_pr_puts(b, hbh ? "HBH " : "DSTOPT ");
        if (hbh && !options_fit(d + 2, n - 2)) { /* tcpdump walks only these (jumbograms) */
            tk_pr_trunc(b, hbh ? "hbhopt" : "dstopt");
            return SIZE_MAX;
        }
        return n;
    }
    case TK_IPPROTO_FRAGMENT: {
        if (cap < 4) {
            tk_pr_trunc(b, "frag6");
            return SIZE_MAX;
        }
        uint16_t fo = tk_pr_be16(d + 2);
        /* tcpdump's unsigned arithmetic, wrap included */
        tk_pr_printf(b, "frag (%u|%llu)", fo & 0xfff8u, (unsigned long long)(left - 8u));
        if (fo & 0xfff8u)
            return SIZE_MAX; /* a later fragment: nothing more to decode */
        tk_pr_puts(b, " ");
        return cap < 8 ? SIZE_MAX : 8;
    }
    case TK_IPPROTO_ROUTING: {
        if (cap < 4) {
            tk_pr_puts(b, "RT6");
            if (cap >= 2)
                tk_pr_printf(b, " (len=%u", d[1]);
            tk_pr_trunc(b, "rt6");
            return SIZE_MAX;
        }
        size_t n = ((size_t)d[1] + 1) * 8;
        tk_pr_printf(b, "RT6 (len=%u, type=%u%s, segleft=%u", d[1], d[2],
                     d[2] == 0 ? " [Deprecated]" : "", d[3]);
        if (d[2] != 0) {
            tk_pr_puts(b, " (unknown type) (invalid)"); /* types 2 and 4 not decoded here */
            return SIZE_MAX;
        }
        if (d[1] & 1u) { /* addresses come in 16-byte pairs of units */
            tk_pr_printf(b, " (invalid length %u) (invalid)", d[1]);
            return SIZE_MAX;
        }
        if (tk_pr_be32(d + 4) != 0)
            tk_pr_printf(b, ", rsv=0x%x", tk_pr_be32(d + 4));
        for (unsigned i = 0; i < d[1] / 2u; i++) {
            if (8 + 16 * (i + 1) > cap) {
                tk_pr_trunc(b, "rt6");
                return SIZE_MAX;
            }
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
    if (cap < TK_IPV6_HLEN) {
        tk_pr_trunc(b, "ip6"); /* tcpdump names nothing before the header is whole */
        return;
    }
    tk_pr_puts(b, "IP6 ");
    if (d[0] >> 4 != 6) {
        tk_pr_printf(b, "version error: %u != 6", d[0] >> 4);
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
        uint64_t left = (uint64_t)TK_IPV6_HLEN + plen - off;
        size_t n = ext_header(b, nh, d + off, cap - off, left);
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
