/* IPv4, ICMP and UDP lines as tcpdump -nn prints them (print-ip.c,
 * print-icmp.c, print-udp.c) in non-verbose mode. */
#include <stdio.h>

#include "print_int.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"

#define ICMP_QUOTE 8u /* the quoted datagram starts after the ICMP header */

static void print_addrs(tk_pbuf *b, const uint8_t *ip) {
    tk_pr_ipv4(b, tk_pr_be32(ip + 12));
    tk_pr_puts(b, " > ");
    tk_pr_ipv4(b, tk_pr_be32(ip + 16));
}

/* The other destination-unreachable codes: text before and after the
 * address, as in tcpdump's print-icmp.c (NULL: code has its own format). */
typedef struct unreach_text {
    const char *pre, *post;
} unreach_text;

static const unreach_text *unreach_fmt(uint8_t code) {
    static const unreach_text text[] = {
        {"net ", " unreachable"},
        {"host ", " unreachable"},
        {NULL, NULL}, /* protocol */
        {NULL, NULL}, /* port */
        {NULL, NULL}, /* need to frag */
        {"", " unreachable - source route failed"},
        {"net ", " unreachable - unknown"},
        {"host ", " unreachable - unknown"},
        {"", " unreachable - source host isolated"},
        {"net ", " unreachable - admin prohibited"},
        {"host ", " unreachable - admin prohibited"},
        {"net ", " unreachable - tos prohibited"},
        {"host ", " unreachable - tos prohibited"},
        {"host ", " unreachable - admin prohibited filter"},
        {"host ", " unreachable - host precedence violation"},
        {"host ", " unreachable - precedence cutoff"},
    };
    return code < sizeof text / sizeof text[0] && text[code].pre ? &text[code] : NULL;
}

/* Destination unreachable: the text names the quoted datagram's destination.
 * Returns false when the needed quoted bytes were not captured. */
static bool print_unreach(tk_pbuf *b, const uint8_t *d, size_t cap, uint8_t code) {
    const uint8_t *q = d + ICMP_QUOTE;
    if (cap < ICMP_QUOTE + 20u)
        return false;
    char dst[16];
    uint32_t a = tk_pr_be32(q + 16);
    snprintf(dst, sizeof dst, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xffu, (a >> 8) & 0xffu,
             a & 0xffu);
    if (code == TK_ICMP_PORT_UNREACH) {
        size_t qhl = (size_t)(q[0] & 0x0f) * 4u;
        if (cap < ICMP_QUOTE + qhl + 4u)
            return false;
        uint16_t dport = tk_pr_be16(q + qhl + 2);
        if (q[9] == TK_IPPROTO_TCP)
            tk_pr_printf(b, "ICMP %s tcp port %u unreachable", dst, dport);
        else if (q[9] == TK_IPPROTO_UDP)
            tk_pr_printf(b, "ICMP %s udp port %u unreachable", dst, dport);
        else
            tk_pr_printf(b, "ICMP %s protocol %u port %u unreachable", dst, q[9], dport);
    } else if (code == TK_ICMP_PROTO_UNREACH) {
        tk_pr_printf(b, "ICMP %s protocol %u unreachable", dst, q[9]);
    } else if (code == TK_ICMP_FRAG_NEEDED) {
        uint16_t mtu = tk_pr_be16(d + 6);
        if (mtu)
            tk_pr_printf(b, "ICMP %s unreachable - need to frag (mtu %u)", dst, mtu);
        else
            tk_pr_printf(b, "ICMP %s unreachable - need to frag", dst);
    } else if (unreach_fmt(code)) {
        tk_pr_printf(b, "ICMP %s%s%s", unreach_fmt(code)->pre, dst, unreach_fmt(code)->post);
    } else {
        tk_pr_printf(b, "ICMP %s unreachable - #%u", dst, code);
    }
    return true;
}

static void print_redirect(tk_pbuf *b, const uint8_t *d, uint8_t code) {
    static const char *const kind[] = {"redirect", "redirect", "redirect-tos", "redirect-tos"};
    static const char *const to[] = {" to net ", " to host ", " to net ", " to host "};
    if (code < 4)
        tk_pr_printf(b, "ICMP %s ", kind[code]);
    else
        tk_pr_printf(b, "ICMP redirect-#%u ", code);
    tk_pr_ipv4(b, tk_pr_be32(d + ICMP_QUOTE + 16));
    tk_pr_puts(b, code < 4 ? to[code] : " to ");
    tk_pr_ipv4(b, tk_pr_be32(d + 4));
}

/* RFC 792 timestamps: milliseconds since midnight UTC. */
static void print_ms_of_day(tk_pbuf *b, uint32_t ms) {
    uint32_t s = ms / 1000u;
    tk_pr_printf(b, "%02u:%02u:%02u.%03u", s / 3600u, s / 60u % 60u, s % 60u, ms % 1000u);
}

/* RFC 1256 router advertisement: lifetime, then {address preference}. */
static bool print_router_adv(tk_pbuf *b, const uint8_t *d, size_t cap) {
    if (cap < 8)
        return false;
    unsigned num = d[4], size = d[5], life = tk_pr_be16(d + 6);
    tk_pbuf tmp = *b; /* tcpdump prints nothing of a message it cannot finish */
    tk_pr_puts(b, "ICMP router advertisement lifetime ");
    if (life < 60)
        tk_pr_printf(b, "%u", life);
    else if (life < 3600)
        tk_pr_printf(b, "%u:%02u", life / 60, life % 60);
    else
        tk_pr_printf(b, "%u:%02u:%02u", life / 3600, life % 3600 / 60, life % 60);
    tk_pr_printf(b, " %u:", num);
    if (size != 2) {
        tk_pr_printf(b, " [size %u]", size);
        return true;
    }
    for (unsigned i = 0; i < num; i++) {
        const uint8_t *e = d + 8 + 8 * i;
        if (cap < 16 + 8 * (size_t)i) {
            *b = tmp;
            if (b->len < b->cap)
                b->out[b->len] = '\0';
            return false;
        }
        tk_pr_puts(b, " {");
        tk_pr_ipv4(b, tk_pr_be32(e));
        tk_pr_printf(b, " %u}", tk_pr_be32(e + 4));
    }
    return true;
}

static const char *icmp_simple_name(uint8_t type) {
    switch (type) {
    case 4:
        return "source quench";
    case 10:
        return "router solicitation";
    case 15:
        return "information request";
    case 16:
        return "information reply";
    case 17:
        return "address mask request";
    default:
        return NULL;
    }
}

/* Writes "ICMP <what>" for the message; false when truncated. */
static bool print_icmp_what(tk_pbuf *b, const uint8_t *d, size_t cap) {
    uint8_t type = d[0], code = d[1];
    switch (type) {
    case TK_ICMP_ECHO_REQUEST:
    case TK_ICMP_ECHO_REPLY:
        if (cap < 8)
            return false;
        tk_pr_printf(b, "ICMP echo %s, id %u, seq %u",
                     type == TK_ICMP_ECHO_REQUEST ? "request" : "reply", tk_pr_be16(d + 4),
                     tk_pr_be16(d + 6));
        return true;
    case TK_ICMP_DEST_UNREACH:
        return print_unreach(b, d, cap, code);
    case TK_ICMP_TIME_EXCEEDED:
        if (cap < ICMP_QUOTE + 20u)
            return false;
        if (code == 0)
            tk_pr_puts(b, "ICMP time exceeded in-transit");
        else if (code == 1)
            tk_pr_puts(b, "ICMP ip reassembly time exceeded");
        else
            tk_pr_printf(b, "ICMP time exceeded-#%u", code);
        return true;
    case 5: /* redirect */
        if (cap < ICMP_QUOTE + 20u)
            return false;
        print_redirect(b, d, code);
        return true;
    case 9:
        return print_router_adv(b, d, cap);
    case 12: /* parameter problem */
        if (code) {
            tk_pr_printf(b, "ICMP parameter problem - code %u", code);
            return true;
        }
        if (cap < 5)
            return false;
        tk_pr_printf(b, "ICMP parameter problem - octet %u", d[4]);
        return true;
    case 13: /* timestamp request */
        if (cap < 8)
            return false;
        tk_pr_printf(b, "ICMP time stamp query id %u seq %u", tk_pr_be16(d + 4), tk_pr_be16(d + 6));
        return true;
    case 14: /* timestamp reply */
        if (cap < 20)
            return false;
        tk_pr_printf(b, "ICMP time stamp reply id %u seq %u: org ", tk_pr_be16(d + 4),
                     tk_pr_be16(d + 6));
        print_ms_of_day(b, tk_pr_be32(d + 8));
        tk_pr_puts(b, ", recv ");
        print_ms_of_day(b, tk_pr_be32(d + 12));
        tk_pr_puts(b, ", xmit ");
        print_ms_of_day(b, tk_pr_be32(d + 16));
        return true;
    case 18: /* address mask reply */
        if (cap < 12)
            return false;
        tk_pr_printf(b, "ICMP address mask is 0x%08x", tk_pr_be32(d + 8));
        return true;
    default:
        if (icmp_simple_name(type))
            tk_pr_printf(b, "ICMP %s", icmp_simple_name(type));
        else
            tk_pr_printf(b, "ICMP type-#%u", type);
        return true;
    }
}

void tk_pr_icmp(tk_pbuf *b, const uint8_t *d, size_t cap, uint32_t len) {
    if (cap < 2 || !print_icmp_what(b, d, cap)) {
        tk_pr_trunc(b, "icmp");
        return;
    }
    tk_pr_printf(b, ", length %u", len);
}

static void print_udp(tk_printer *p, tk_pbuf *b, const uint8_t *ip, const uint8_t *d, size_t cap,
                      uint32_t len, bool fragmented) {
    if (cap < 4) {
        print_addrs(b, ip);
        tk_pr_puts(b, ": ");
        tk_pr_trunc(b, "udp");
        return;
    }
    uint16_t sport = tk_pr_be16(d), dport = tk_pr_be16(d + 2);
    tk_pr_ipv4(b, tk_pr_be32(ip + 12));
    tk_pr_printf(b, ".%u > ", sport);
    tk_pr_ipv4(b, tk_pr_be32(ip + 16));
    tk_pr_printf(b, ".%u: ", dport);
    if (len < 8) {
        tk_pr_printf(b, "truncated-udp %u", len);
        return;
    }
    if (cap < 6) {
        tk_pr_trunc(b, "udp");
        return;
    }
    uint16_t ulen = tk_pr_be16(d + 4);
    if (ulen < 8) {
        tk_pr_printf(b, "truncated-udplength %u", ulen);
        return;
    }
    if (cap < 8) {
        tk_pr_trunc(b, "udp");
        return;
    }
    if (ulen > len && !fragmented) {
        tk_pr_printf(b, "UDP, bad length %u > %u", ulen - 8u, len - 8u);
        return;
    }
    tk_pr_printf(b, "UDP, length %u", ulen - 8u);
    /* TCP over UDP: the segment, as its own line would show it. */
    if (p->udp_tunnel_port != 0 && (sport == p->udp_tunnel_port || dport == p->udp_tunnel_port) &&
        !fragmented) {
        size_t seg_cap = cap - 8 < ulen - 8u ? cap - 8 : ulen - 8u;
        tk_pr_puts(b, ": ");
        tk_pr_tcp(p, b, ip, d + 8, seg_cap, ulen - 8u);
    }
}

void tk_pr_ipv4_dgram(tk_printer *p, tk_pbuf *b, const uint8_t *d, size_t cap, size_t len) {
    if (cap < 1) {
        tk_pr_trunc(b, "ip");
        return;
    }
    unsigned version = d[0] >> 4;
    if (version != 4) {
        if (version == 6)
            tk_pr_puts(b, "IP6, wrong link-layer encapsulation (invalid)");
        else
            tk_pr_printf(b, "IP%u (invalid)", version);
        return;
    }
    tk_pr_puts(b, "IP ");
    if (cap < TK_IPV4_HLEN) {
        tk_pr_trunc(b, "ip");
        return;
    }
    uint32_t hlen = (uint32_t)(d[0] & 0x0f) * 4u;
    if (hlen < TK_IPV4_HLEN) {
        tk_pr_printf(b, "bad-hlen %u", hlen);
        return;
    }
    uint32_t total = tk_pr_be16(d + 2);
    if (len < total)
        tk_pr_printf(b, "truncated-ip - %zu bytes missing! ", total - len);
    if (total < hlen) {
        tk_pr_printf(b, "bad-len %u", total);
        return;
    }
    if (cap > total)
        cap = total; /* bytes past the datagram (Ethernet padding) are not its own */
    uint16_t frag = tk_pr_be16(d + 6);
    uint8_t proto = d[9];
    uint32_t plen = total - hlen;
    if (frag & TK_IPV4_OFFMASK) {
        print_addrs(b, d);
        tk_pr_printf(b, ": ip-proto-%u", proto);
        return;
    }
    if (proto != TK_IPPROTO_TCP && proto != TK_IPPROTO_UDP) {
        print_addrs(b, d);
        tk_pr_puts(b, ": ");
    }
    if (cap < hlen) {
        tk_pr_printf(b, " [remaining caplen(%zu) < header length(%u)]", cap, hlen);
        tk_pr_trunc(b, "ip");
        return;
    }
    const uint8_t *pl = d + hlen;
    size_t pcap = cap - hlen;
    switch (proto) {
    case TK_IPPROTO_TCP:
        tk_pr_tcp(p, b, d, pl, pcap, plen);
        break;
    case TK_IPPROTO_UDP:
        print_udp(p, b, d, pl, pcap, plen, (frag & TK_IPV4_MF) != 0);
        break;
    case TK_IPPROTO_ICMP:
        tk_pr_icmp(b, pl, pcap, plen);
        break;
    default:
        tk_pr_printf(b, " ip-proto-%u %u", proto, plen);
        break;
    }
}
