/* The script peer's side of IPv6 Neighbor Discovery (RFC 4861): the stack
 * resolves the peer's address with a Neighbor Solicitation before its
 * first IPv6 segment, as it would with ARP over IPv4 (where the runner
 * adds a static neighbour instead). The peer answers each solicitation
 * for its address with a solicited Neighbor Advertisement carrying its MAC
 * (RFC 4861 7.2.4) at the same virtual time. NDP and MLD frames (RFC 4861,
 * RFC 3810) are the link's business, never the script's: they are not
 * queued for `>` lines. */
#include <string.h>

#include "runner.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/ndp.h"

/* ICMPv6 types of MLD (RFC 2710, RFC 3810) and Neighbor Discovery. */
static bool is_link_message(uint8_t type) {
    return (type >= 130 && type <= 132) || type == TK_ICMP6_MLD2_REPORT ||
           (type >= TK_ICMP6_ND_RS && type <= TK_ICMP6_ND_REDIRECT);
}

/* A solicitation for the peer's address: remember whom to answer. */
static void note_solicitation(tk_run *r, const tk_ipv6_hdr *ip, const uint8_t *msg, size_t len) {
    tk_icmp_hdr h;
    tk_nd_msg m;
    if (tk_wire_icmp6_parse(msg, len, ip->src, ip->dst, true, &h) < 0 ||
        tk_wire_nd_parse(ip, &h, &m) < 0 || m.type != TK_ICMP6_ND_NS ||
        memcmp(m.target, r->conn.raddr6, 16) != 0 || tk_ipv6_is_unspecified(ip->src))
        return; /* duplicate address detection gets no answer: no conflict */
    r->nd.pending = true;
    memcpy(r->nd.to, ip->src, 16);
}

/* The ICMPv6 message in an IPv6 frame: its offset in the packet (past the
 * extension headers), or 0 when the frame carries none. */
static size_t icmp6_at(const uint8_t *frame, size_t len, tk_ipv6_hdr *ip) {
    tk_eth_hdr eth;
    tk_ipv6_chain ch;
    if (tk_wire_eth_parse(frame, len, &eth) < 0 || eth.type != TK_ETHERTYPE_IPV6)
        return 0;
    const uint8_t *pkt = frame + TK_ETH_HLEN;
    if (tk_wire_ipv6_parse(pkt, len - TK_ETH_HLEN, ip) < 0 ||
        tk_wire_ipv6_chain(pkt, ip, &ch) < 0 || ch.fragment || ch.proto != TK_IPPROTO_ICMPV6 ||
        ch.off + TK_ICMP6_HLEN > TK_IPV6_HLEN + (size_t)ip->payload_len)
        return 0;
    return ch.off;
}

int tk_run_icmp6_type(const uint8_t *frame, size_t len) {
    tk_ipv6_hdr ip;
    size_t off = icmp6_at(frame, len, &ip);
    return off ? frame[TK_ETH_HLEN + off] : -1;
}

bool tk_run_nd_frame(tk_run *r, const uint8_t *frame, size_t len) {
    tk_ipv6_hdr ip;
    size_t off = icmp6_at(frame, len, &ip);
    const uint8_t *msg = frame + TK_ETH_HLEN + off;
    if (off == 0 || !is_link_message(msg[0]))
        return false;
    r->nd.skipped++;
    note_solicitation(r, &ip, msg, TK_IPV6_HLEN + (size_t)ip.payload_len - off);
    return true;
}

void tk_run_nd_answer(tk_run *r) {
    if (!r->nd.pending || !r->stack)
        return;
    r->nd.pending = false;
    tk_nd_msg m = {
        .type = TK_ICMP6_ND_NA, .flags = TK_ND_NA_SOLICITED | TK_ND_NA_OVERRIDE, .has_tlla = true};
    memcpy(m.target, r->conn.raddr6, 16);
    memcpy(m.tlla, r->conn.rmac, 6);
    uint8_t frame[TK_ETH_HLEN + TK_IPV6_HLEN + 64];
    uint8_t *icmp = frame + TK_ETH_HLEN + TK_IPV6_HLEN;
    int n = tk_wire_nd_emit(&m, r->conn.raddr6, r->nd.to, icmp, 64);
    tk_ipv6_hdr ip = {
        .payload_len = (uint16_t)n, .next = TK_IPPROTO_ICMPV6, .hop_limit = TK_ND_HOP_LIMIT};
    memcpy(ip.src, r->conn.raddr6, 16);
    memcpy(ip.dst, r->nd.to, 16);
    tk_eth_hdr eth = {.type = TK_ETHERTYPE_IPV6};
    memcpy(eth.dst, r->conn.lmac, 6);
    memcpy(eth.src, r->conn.rmac, 6);
    if (n < 0 || tk_wire_ipv6_emit(&ip, frame + TK_ETH_HLEN, TK_IPV6_HLEN) < 0 ||
        tk_wire_eth_emit(&eth, frame, sizeof frame) < 0)
        return;
    r->nd.answered++;
    (void)tk_stack_input(r->stack, frame, TK_ETH_HLEN + TK_IPV6_HLEN + (size_t)n, r->now);
}
