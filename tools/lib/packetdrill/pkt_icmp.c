/* Inbound ICMP errors the script sends about the stack's own segment:
 * ICMP (RFC 792) quoting the IPv4 header and 8 bytes of TCP, or ICMPv6
 * (RFC 4443) quoting the IPv6 header and 8 bytes of TCP, by packetdrill's
 * type and code names (or code_N). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pkt_build_priv.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/tcp.h"

typedef struct icmp_name {
    const char *name;
    uint8_t type; /* codes: the type they belong to */
    uint8_t value;
} icmp_name;

#define COUNT(a) (sizeof(a) / sizeof(a)[0])

static const icmp_name icmp_types[] = {{"unreachable", 3, 3},
                                       {"source_quench", 4, 4},
                                       {"redirect", 5, 5},
                                       {"time_exceeded", 11, 11},
                                       {"parameter_problem", 12, 12}};
/* packetdrill's code names, per type; `code_N` gives any code by number. */
static const icmp_name icmp_codes[] = {{"net_unreachable", 3, 0},
                                       {"host_unreachable", 3, 1},
                                       {"protocol_unreachable", 3, 2},
                                       {"port_unreachable", 3, 3},
                                       {"frag_needed", 3, 4},
                                       {"source_route_failed", 3, 5},
                                       {"net_unknown", 3, 6},
                                       {"host_unknown", 3, 7},
                                       {"source_host_isolated", 3, 8},
                                       {"net_prohibited", 3, 9},
                                       {"host_prohibited", 3, 10},
                                       {"net_tos", 3, 11},
                                       {"net_unreachable_for_tos", 3, 11},
                                       {"host_tos", 3, 12},
                                       {"host_unreachable_for_tos", 3, 12},
                                       {"packet_filtered", 3, 13},
                                       {"precedence_violation", 3, 14},
                                       {"precedence_cutoff", 3, 15},
                                       {"ttl_exceeded_in_transit", 11, 0},
                                       {"ttl_exceeded", 11, 0},
                                       {"frag_reass_exceeded", 11, 1}};

/* RFC 4443 2.1 / 3: the error types and their codes, as packetdrill
 * names them. */
static const icmp_name icmp6_types[] = {{"unreachable", TK_ICMP6_DEST_UNREACH, 1},
                                        {"packet_too_big", TK_ICMP6_PKT_TOO_BIG, 2},
                                        {"time_exceeded", TK_ICMP6_TIME_EXCEEDED, 3},
                                        {"parameter_problem", TK_ICMP6_PARAM_PROBLEM, 4}};
static const icmp_name icmp6_codes[] = {{"no_route", 1, TK_ICMP6_NO_ROUTE},
                                        {"admin_prohibited", 1, TK_ICMP6_ADMIN_PROHIB},
                                        {"not_neighbour", 1, TK_ICMP6_BEYOND_SCOPE},
                                        {"beyond_scope", 1, TK_ICMP6_BEYOND_SCOPE},
                                        {"address_unreachable", 1, TK_ICMP6_ADDR_UNREACH},
                                        {"port_unreachable", 1, TK_ICMP6_PORT_UNREACH},
                                        {"policy_failed", 1, TK_ICMP6_POLICY_FAIL},
                                        {"reject_route", 1, TK_ICMP6_REJECT_ROUTE},
                                        {"exceeded_hop_limit", 3, 0},
                                        {"hop_limit_exceeded", 3, 0},
                                        {"exceeded_frag_time", 3, 1},
                                        {"fragment_reassembly_time_exceeded", 3, 1},
                                        {"header_field", 4, TK_ICMP6_PP_FIELD},
                                        {"unknown_next_header", 4, TK_ICMP6_PP_NEXT_HDR},
                                        {"unknown_option", 4, TK_ICMP6_PP_OPTION}};

static int lookup(const icmp_name *t, size_t n, int type, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i].name, name) && (type < 0 || t[i].type == type))
            return t[i].value;
    if (strncmp(name, "code_", 5) != 0 || !name[5])
        return -1;
    int v = 0;
    for (const char *d = name + 5; *d; d++) {
        if (*d < '0' || *d > '9' || v > 25)
            return -1;
        v = v * 10 + (*d - '0');
    }
    return v <= 255 ? v : -1;
}

static void put16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v) {
    put16(p, v >> 16);
    put16(p + 2, v);
}

/* The first 8 bytes of the quoted segment: ports and sequence number. */
static void quote_tcp(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t *t) {
    put16(t, c->lport);
    put16(t + 2, c->rport);
    put32(t + 4, p->seq_absolute ? p->seq : c->local_isn + p->seq);
}

/* The quoted IPv4 or IPv6 header and 8 TCP bytes; returns the length. */
static size_t quote(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t *q) {
    size_t seglen = TK_TCP_HLEN + p->len;
    if (tk_pkt_conn_v6(c)) {
        tk_ipv6_hdr h = {.payload_len = (uint16_t)seglen,
                         .next = TK_IPPROTO_TCP,
                         .hop_limit = TK_PKT_DEFAULT_TTL};
        memcpy(h.src, c->laddr6, 16);
        memcpy(h.dst, c->raddr6, 16);
        (void)tk_wire_ipv6_emit(&h, q, TK_IPV6_HLEN);
        quote_tcp(c, p, q + TK_IPV6_HLEN);
        return TK_IPV6_HLEN + 8;
    }
    tk_ipv4_hdr h = {.total_len = (uint16_t)(TK_IPV4_HLEN + seglen),
                     .frag = TK_IPV4_DF,
                     .ttl = TK_PKT_DEFAULT_TTL,
                     .proto = TK_IPPROTO_TCP,
                     .src = c->laddr,
                     .dst = c->raddr};
    (void)tk_wire_ipv4_emit(&h, q, TK_IPV4_HLEN);
    quote_tcp(c, p, q + TK_IPV4_HLEN);
    return TK_IPV4_HLEN + 8;
}

int tk_pkt_build_icmp(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t *buf, size_t cap,
                      char *msg, size_t msgcap) {
    bool v6 = tk_pkt_conn_v6(c);
    const icmp_name *types = v6 ? icmp6_types : icmp_types;
    const icmp_name *codes = v6 ? icmp6_codes : icmp_codes;
    int type = lookup(types, v6 ? COUNT(icmp6_types) : COUNT(icmp_types), -1, p->icmp.type);
    int code = p->icmp.code[0] && type >= 0
                   ? lookup(codes, v6 ? COUNT(icmp6_codes) : COUNT(icmp_codes), type, p->icmp.code)
                   : 0;
    if (type < 0 || code < 0) {
        snprintf(msg, msgcap, "unknown %s type or code", v6 ? "ICMPv6" : "ICMP");
        return -ENOTSUP;
    }
    if (p->len > 65535 - TK_TCP_HLEN - TK_IPV4_HLEN)
        return -ENOSPC;
    uint8_t q[TK_IPV6_HLEN + 8];
    /* RFC 4443 3.2: a Packet Too Big carries the whole 32-bit MTU. */
    tk_icmp_hdr h = {.type = (uint8_t)type,
                     .code = (uint8_t)code,
                     .rest = p->icmp.has_mtu ? (v6 ? p->icmp.mtu : p->icmp.mtu & 0xffffu) : 0,
                     .data = q,
                     .data_len = quote(c, p, q)};
    size_t off = TK_ETH_HLEN + tk_pkt_ip_hlen(c);
    if (cap < off)
        return -ENOSPC;
    int n = v6 ? tk_wire_icmp6_emit(&h, c->raddr6, c->laddr6, buf + off, cap - off)
               : tk_wire_icmp_emit(&h, buf + off, cap - off);
    if (n < 0)
        return -ENOSPC;
    return tk_pkt_wrap_ip(c, p, v6 ? TK_IPPROTO_ICMPV6 : TK_IPPROTO_ICMP, (size_t)n, buf, cap);
}
