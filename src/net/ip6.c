/* IPv6 in and out (RFC 8200) beside IPv4: the destination check, the
 * extension-header walk with every refusal counted by its reason, the
 * dispatch to ICMPv6 and the protocol switch, and output through Neighbor
 * Discovery. Fragments are reassembled in net/ip6frag.c and the whole
 * packet goes the same way. */
#include "tcpkit/opts.h"

#if TK_WITH_IPV6 /* compiled out: no IPv6 state in tk_net, no code */
#include <errno.h>
#include <string.h>

#include "base/siphash.h"
#include "net/net.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv6.h"

static const uint8_t all_nodes[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

bool tk_net_ip6_is_ours(const tk_net *net, const uint8_t a[16]) {
    for (int i = 0; i < TK_IP6_ADDRS; i++) {
        const tk_ip6_addr *x = &net->ip6.addr[i];
        if (x->state == TK_IP6A_PREFERRED && memcmp(x->a, a, 16) == 0)
            return true;
    }
    return false;
}

/* The i-th group we listen to into g: all-nodes (i = 0), then the
 * solicited-node group of each of our addresses, tentative ones included
 * (DAD needs their NS, RFC 4862 5.4.2). 0 past the end, -1 for a slot
 * without a usable address, 1 when g was filled. */
static int joined_group(const tk_net *net, int i, uint8_t g[16]) {
    if (i == 0) {
        memcpy(g, all_nodes, 16);
        return 1;
    }
    if (i > TK_IP6_ADDRS)
        return 0;
    const tk_ip6_addr *x = &net->ip6.addr[i - 1];
    if (x->state != TK_IP6A_TENTATIVE && x->state != TK_IP6A_PREFERRED)
        return -1;
    tk_ipv6_solicited_node(x->a, g);
    return 1;
}

static bool group_wanted(const tk_net *net, const uint8_t g[16]) {
    uint8_t j[16];
    for (int i = 0, rc; (rc = joined_group(net, i, j)) != 0; i++)
        if (rc > 0 && memcmp(j, g, 16) == 0)
            return true;
    return false;
}

bool tk_net_ip6_mac_wanted(const tk_net *net, const uint8_t mac[6]) {
    if (!net->ip6.on || mac[0] != 0x33 || mac[1] != 0x33)
        return false;
    uint8_t j[16], m[6];
    for (int i = 0, rc; (rc = joined_group(net, i, j)) != 0; i++) {
        if (rc < 0)
            continue;
        tk_ipv6_mcast_mac(j, m);
        if (memcmp(m, mac, 6) == 0)
            return true;
    }
    return false;
}

const uint8_t *tk_net_ip6_source(const tk_net *net, const uint8_t dst[16]) {
    const tk_ip6_addr *ll = &net->ip6.addr[TK_IP6_LINKLOCAL];
    const tk_ip6_addr *gl = &net->ip6.addr[TK_IP6_GLOBAL];
    const tk_ip6_addr *sl = &net->ip6.addr[TK_IP6_SLAAC];
    bool local_scope = tk_ipv6_is_linklocal(dst) || tk_ipv6_is_multicast(dst);
    if (!local_scope && gl->state == TK_IP6A_PREFERRED)
        return gl->a;
    if (!local_scope && sl->state == TK_IP6A_PREFERRED)
        return sl->a;
    if (ll->state == TK_IP6A_PREFERRED)
        return ll->a;
    return gl->state == TK_IP6A_PREFERRED ? gl->a : NULL;
}

/* Counts the refusal of the extension-header walk by its reason. */
static void count_chain_error(tk_net *net, int rc, tk_time now) {
    switch (rc) {
    case TK_WIRE_IP6_OPT_UNKNOWN:
        TK_NET_DROP(net, drop_ip6_unknown_option, now);
        break;
    case TK_WIRE_IP6_ROUTING:
        TK_NET_DROP(net, drop_ip6_routing, now);
        break;
    case TK_WIRE_IP6_HBH_PLACE:
        TK_NET_DROP(net, drop_ip6_hbh_not_first, now);
        break;
    case TK_WIRE_IP6_CHAIN_LONG:
        TK_NET_DROP(net, drop_ip6_chain_long, now);
        break;
    case TK_WIRE_IP6_FRAG_LEN:
        TK_NET_DROP(net, drop_ip6_frag_len, now);
        break;
    default: /* EXT_SHORT, OPT_OVERRUN */
        TK_NET_DROP(net, drop_ip6_bad_ext, now);
        break;
    }
}

/* The extension-header walk of a packet; a refusal counted and, where
 * RFC 8200 asks, reported. */
static int walk(tk_net *net, const tk_ipv6_hdr *ih, const uint8_t *p, tk_ipv6_chain *c,
                tk_time now) {
    int rc = tk_wire_ipv6_chain(p, ih, c);
    if (rc < 0) {
        count_chain_error(net, rc, now);
        if (c->param_problem)
            tk_net_icmp6_error(net, p, TK_IPV6_HLEN + (size_t)ih->payload_len,
                               TK_ICMP6_PARAM_PROBLEM, c->pp_code, c->pp_pointer, now);
    }
    return rc;
}

static int deliver(tk_net *net, const tk_ipv6_hdr *ih, const uint8_t *p, const tk_ipv6_chain *c,
                   tk_time now);

/* RFC 8200 4.5: a fragment joins its datagram; the whole goes on as an
 * unfragmented packet would, except that a fragment inside it is dropped. */
static int reassemble(tk_net *net, const tk_ipv6_hdr *ih, const uint8_t *p, const tk_ipv6_chain *c,
                      tk_time now) {
    const uint8_t *whole;
    size_t len;
    int rc = tk_net_ip6_defrag(net, p, ih, c, now, &whole, &len);
    if (rc <= 0)
        return rc;
    tk_ipv6_hdr wh;
    tk_ipv6_chain wc;
    (void)tk_wire_ipv6_parse(whole, len, &wh); /* the first fragment's header, made whole */
    rc = walk(net, &wh, whole, &wc, now);
    if (rc < 0)
        return rc;
    if (wc.fragment) {
        TK_NET_DROP(net, drop_ip6_fragment, now);
        return -EMSGSIZE;
    }
    /* RFC 6980 5: Neighbor Discovery never comes in fragments. */
    uint8_t type = wc.off < len ? whole[wc.off] : 0;
    if (wc.proto == TK_IPPROTO_ICMPV6 && type >= TK_ICMP6_ND_RS && type <= TK_ICMP6_ND_REDIRECT) {
        TK_NET_DROP(net, drop_nd_fragmented, now);
        return -EINVAL;
    }
    return deliver(net, &wh, whole, &wc, now);
}

static int deliver(tk_net *net, const tk_ipv6_hdr *ih, const uint8_t *p, const tk_ipv6_chain *c,
                   tk_time now) {
    if (c->fragment)
        return reassemble(net, ih, p, c, now);
    if (c->proto == TK_IPPROTO_ICMPV6)
        return tk_net_icmp6_input(net, ih, p, c->off, now);
    if (c->proto == TK_IPPROTO_NONE) {
        TK_NET_DROP(net, drop_ip6_no_next, now);
        return -ENOMSG;
    }
    const tk_protosw *pr = tk_protosw_find(&net->protosw, c->proto);
    if (pr != NULL && pr->input6 != NULL) /* TCP (NET-4) */
        return pr->input6(pr->ctx, ih, p + c->off, TK_IPV6_HLEN + (size_t)ih->payload_len - c->off,
                          now);
    /* No transport for it: RFC 8200 4 asks for a Parameter Problem, code 1,
     * pointing at the unrecognized next header. */
    TK_NET_DROP(net, drop_ip6_proto, now);
    tk_net_icmp6_error(net, p, TK_IPV6_HLEN + (size_t)ih->payload_len, TK_ICMP6_PARAM_PROBLEM,
                       TK_ICMP6_PP_NEXT_HDR, c->pp_pointer, now);
    return -EPROTONOSUPPORT;
}

int tk_net_ip6_input(tk_net *net, const uint8_t *p, size_t len, bool l2_mcast, tk_time now) {
    tk_ipv6_hdr ih;
    if (tk_wire_ipv6_parse(p, len, &ih) < 0) {
        TK_NET_DROP(net, drop_ip6_bad_header, now);
        return -EINVAL;
    }
    net->stats->ip6_in++;
    bool for_us =
        tk_ipv6_is_multicast(ih.dst) ? group_wanted(net, ih.dst) : tk_net_ip6_is_ours(net, ih.dst);
    if (!for_us) {
        TK_NET_DROP(net, drop_ip6_not_for_us, now);
        return -EINVAL;
    }
    /* RFC 4291 2.7: a multicast source is never valid; a unicast packet
     * that came in a multicast frame is not ours to answer (RFC 1122
     * 3.3.6's rule, as Linux). */
    if (tk_ipv6_is_multicast(ih.src) || (l2_mcast && !tk_ipv6_is_multicast(ih.dst))) {
        TK_NET_DROP(net, drop_ip6_bad_src, now);
        return -EINVAL;
    }
    tk_ipv6_chain c;
    int rc = walk(net, &ih, p, &c, now);
    return rc < 0 ? rc : deliver(net, &ih, p, &c, now);
}

uint8_t *tk_net_payload6(tk_net *net, size_t *cap) {
    tk_net_frame_begin(net);
    *cap = net->frame_cap - TK_ETH_HLEN - TK_IPV6_HLEN;
    return net->frame + TK_ETH_HLEN + TK_IPV6_HLEN;
}

static bool in_prefix(const uint8_t a[16], const uint8_t p[16], uint8_t bits) {
    for (uint8_t i = 0; i < 16 && bits > 0; i++) {
        uint8_t m = (uint8_t)(bits >= 8 ? 0xffu : 0xffu << (8 - bits));
        if ((a[i] & m) != (p[i] & m))
            return false;
        bits = bits >= 8 ? (uint8_t)(bits - 8) : 0;
    }
    return true;
}

/* The next hop for dst (RFC 4861 5.2): dst itself when on-link (link-local,
 * multicast, or inside an on-link prefix of ours), else the default
 * router; NULL when there is none. */
static const uint8_t *next_hop(const tk_net *net, const uint8_t dst[16], tk_time now) {
    if (tk_ipv6_is_linklocal(dst) || tk_ipv6_is_multicast(dst))
        return dst;
    for (int i = 0; i < TK_IP6_ADDRS; i++) {
        const tk_ip6_addr *x = &net->ip6.addr[i];
        if (x->state != TK_IP6A_NONE && x->onlink && in_prefix(dst, x->a, x->prefix_len))
            return dst;
    }
    return tk_net_ip6_router(net, now);
}

uint32_t tk_net_ip6_flow(const tk_net *net, const uint8_t src[16], const uint8_t dst[16],
                         uint8_t proto, uint16_t sport, uint16_t dport) {
    uint8_t in[16 + 16 + 1 + 4];
    memcpy(in, src, 16);
    memcpy(in + 16, dst, 16);
    in[32] = proto;
    in[33] = (uint8_t)(sport >> 8);
    in[34] = (uint8_t)sport;
    in[35] = (uint8_t)(dport >> 8);
    in[36] = (uint8_t)dport;
    uint32_t flow = (uint32_t)tk_siphash24(net->ip6.secret, in, sizeof in) & 0xfffffu;
    return flow != 0 ? flow : 1u;
}

int tk_net_output6(tk_net *net, const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                   uint8_t hop_limit, uint32_t flow, size_t len, tk_time now) {
    return tk_net_output6_tc(net, src, dst, proto, hop_limit, 0, flow, len, now);
}

int tk_net_output6_tc(tk_net *net, const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                      uint8_t hop_limit, uint8_t tclass, uint32_t flow, size_t len, tk_time now) {
    return tk_net_output6_tx(net, src, dst, proto, hop_limit, tclass, flow, NULL, len, now);
}

/* NET-7: the transport's offload requests, placed in an IPv6 frame. */
static const tk_link_tx *link_tx6(const tk_net_l4_tx *l4, tk_link_tx *tx) {
    if (l4 == NULL || l4->flags == 0)
        return NULL;
    memset(tx, 0, sizeof(*tx));
    uint16_t l3 = TK_ETH_HLEN + TK_IPV6_HLEN;
    tx->flags = l4->flags;
    tx->csum_start = l3;
    tx->csum_offset = l4->csum_offset;
    tx->hdr_len = (uint16_t)(l3 + l4->l4_hlen);
    tx->seg_size = (l4->flags & TK_TX_TSO6) ? l4->seg_size : 0;
    return tx;
}

int tk_net_output6_tx(tk_net *net, const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                      uint8_t hop_limit, uint8_t tclass, uint32_t flow, const tk_net_l4_tx *l4,
                      size_t len, tk_time now) {
    const uint8_t *hop = next_hop(net, dst, now);
    if (hop == NULL) {
        net->stats->out6_no_route++;
        return -ENETUNREACH;
    }
    tk_ipv6_hdr ih;
    memset(&ih, 0, sizeof(ih));
    ih.payload_len = (uint16_t)len;
    ih.next = proto;
    ih.hop_limit = hop_limit;
    ih.tclass = tclass;
    ih.flow = flow & 0xfffffu;
    memcpy(ih.src, src, 16);
    memcpy(ih.dst, dst, 16);
    (void)tk_wire_ipv6_emit(&ih, net->frame + TK_ETH_HLEN, net->frame_cap - TK_ETH_HLEN);
    net->stats->ip6_out++;
    if (tk_ipv6_is_multicast(dst)) {
        uint8_t mac[6];
        tk_ipv6_mcast_mac(dst, mac);
        tk_net_emit(net, mac, TK_ETHERTYPE_IPV6, TK_IPV6_HLEN + len, now);
        return 0;
    }
    tk_link_tx tx;
    return tk_net_nd_resolve_tx(net, hop, TK_ETH_HLEN + TK_IPV6_HLEN + len, link_tx6(l4, &tx), now);
}

#else
typedef int tk_ip6_compiled_out;
#endif
