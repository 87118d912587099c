/* Ethernet II input and IPv4 in and out (Ethernet output is net/link.c),
 * a small table of static neighbours (the ARP cache in net/arp.c holds
 * learned ones, net/arp_input.c fills it) and ICMP echo replies. No
 * fragments are sent; received fragments are reassembled within a budget
 * (net/ipfrag.c) or dropped and counted. */
#include <errno.h>
#include <string.h>

#include "net/icmp.h"
#include "net/ipfrag.h"
#include "net/net.h"
#include "net/protosw.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static tk_neigh *neigh_find(tk_net *net, uint32_t addr) {
    for (int i = 0; i < TK_NEIGH_MAX; i++)
        if (net->neigh[i].used && net->neigh[i].addr == addr)
            return &net->neigh[i];
    return NULL;
}

uint8_t *tk_net_payload(tk_net *net, size_t *cap) {
    tk_net_frame_begin(net);
    *cap = net->frame_cap - TK_ETH_HLEN - TK_IPV4_HLEN;
    return net->frame + TK_ETH_HLEN + TK_IPV4_HLEN;
}

/* NET-7: the transport's offload requests, placed in the frame. */
static void link_tx(const tk_net_l4_tx *l4, tk_link_tx *tx) {
    memset(tx, 0, sizeof(*tx));
    if (l4 == NULL || l4->flags == 0)
        return;
    uint16_t l3 = TK_ETH_HLEN + TK_IPV4_HLEN;
    tx->flags = l4->flags;
    tx->csum_start = l3;
    tx->csum_offset = l4->csum_offset;
    tx->hdr_len = (uint16_t)(l3 + l4->l4_hlen);
    tx->seg_size = (l4->flags & TK_TX_TSO4) ? l4->seg_size : 0;
}

int tk_net_output(tk_net *net, uint32_t src, uint32_t dst, uint8_t proto, size_t len, tk_time now) {
    tk_net_hdr_opts o = {net->cfg->ip_ttl, 0};
    return tk_net_output_opts(net, src, dst, proto, &o, len, now);
}

int tk_net_output_opts(tk_net *net, uint32_t src, uint32_t dst, uint8_t proto,
                       const tk_net_hdr_opts *o, size_t len, tk_time now) {
    return tk_net_output_tx(net, src, dst, proto, o, NULL, len, now);
}

int tk_net_output_tx(tk_net *net, uint32_t src, uint32_t dst, uint8_t proto,
                     const tk_net_hdr_opts *o, const tk_net_l4_tx *l4, size_t len, tk_time now) {
    uint32_t hop = dst;
    if (((dst ^ net->cfg->addr) & net->cfg->netmask) != 0 && net->cfg->gateway != 0)
        hop = net->cfg->gateway;
    tk_neigh *n = neigh_find(net, hop);
    uint8_t mac[6];
    bool resolved = n != NULL || tk_net_arp_lookup(net, hop, now, mac);
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof(ih));
    ih.total_len = (uint16_t)(TK_IPV4_HLEN + len);
    ih.id = net->ip_id++;
    ih.frag = TK_IPV4_DF;
    ih.tos = o->tos;
    ih.ttl = o->ttl;
    ih.proto = proto;
    ih.src = src;
    ih.dst = dst;
    (void)tk_wire_ipv4_emit(&ih, net->frame + TK_ETH_HLEN, net->frame_cap - TK_ETH_HLEN);
    tk_link_tx tx;
    link_tx(l4, &tx);
    if (!resolved) {
        /* The ARP queue keeps bare frames: finish what the link would. */
        tk_net_tx_finish_csum(net->frame, TK_ETH_HLEN + TK_IPV4_HLEN + len, &tx);
        /* The whole frame waits; ARP fills in the destination MAC. */
        net->stats->out_no_neighbor++;
        tk_eth_hdr eh;
        memset(&eh, 0, sizeof(eh));
        memcpy(eh.src, net->cfg->mac, 6);
        eh.type = TK_ETHERTYPE_IPV4;
        (void)tk_wire_eth_emit(&eh, net->frame, net->frame_cap);
        return tk_net_arp_queue(net, hop, TK_ETH_HLEN + TK_IPV4_HLEN + len, now);
    }
    if (n != NULL) {
        tk_net_emit_tx(net, n->mac, TK_ETHERTYPE_IPV4, TK_IPV4_HLEN + len, &tx, now);
        return 0;
    }
    tk_net_emit_tx(net, mac, TK_ETHERTYPE_IPV4, TK_IPV4_HLEN + len, &tx, now);
    tk_net_arp_refresh(net, hop, mac, now);
    return 0;
}

static int icmp_input(tk_net *net, const tk_ipv4_hdr *ih, const uint8_t *p, size_t len,
                      tk_time now) {
    tk_icmp_hdr h;
    if (tk_wire_icmp_parse(p, len, true, &h) < 0) {
        TK_NET_DROP(net, drop_icmp_bad, now);
        return -EINVAL;
    }
    if (h.type == TK_ICMP_DEST_UNREACH || h.type == TK_ICMP_TIME_EXCEEDED)
        return tk_net_icmp_error(net, &h, now);
    if (h.type != TK_ICMP_ECHO_REQUEST)
        return 0;
    size_t cap;
    uint8_t *out = tk_net_payload(net, &cap);
    if (h.data_len + TK_ICMP_HLEN > cap)
        return 0;
    /* The request's data is copied before the output buffer is written. */
    memmove(out + TK_ICMP_HLEN, h.data, h.data_len);
    tk_icmp_hdr r = h;
    r.type = TK_ICMP_ECHO_REPLY;
    r.code = 0;
    r.data = out + TK_ICMP_HLEN;
    int n = tk_wire_icmp_emit(&r, out, cap);
    if (n < 0)
        return 0;
    net->stats->icmp_echo_replies++;
    return tk_net_output(net, net->cfg->addr, ih->src, TK_IPPROTO_ICMP, (size_t)n, now);
}

static int ipv4_input(tk_net *net, const uint8_t *p, size_t len, tk_time now) {
    tk_ipv4_hdr ih;
    int hl = tk_wire_ipv4_parse(p, len, true, &ih);
    if (hl == TK_WIRE_IP_CSUM) {
        TK_NET_DROP(net, drop_ip_bad_csum, now);
        return hl;
    }
    if (hl < 0) {
        TK_NET_DROP(net, drop_ip_bad_header, now);
        return hl;
    }
    if (ih.dst != net->cfg->addr) {
        TK_NET_DROP(net, drop_ip_not_for_us, now);
        return -EINVAL;
    }
    /* SEC-11: the link-layer source of IPv4 is never learned (RFC 826:
     * only ARP fills the cache), so a forged frame cannot redirect us. */
    const uint8_t *payload = p + hl;
    size_t plen = (size_t)ih.total_len - (size_t)hl;
    if (tk_wire_ipv4_is_fragment(&ih)) {
        net->rx_csum_valid = false; /* the link's word covers this frame only */
        int rc = tk_net_defrag(net, &ih, &payload, &plen, now);
        if (rc <= 0)
            return rc;
    }
    if (ih.proto == TK_IPPROTO_ICMP)
        return icmp_input(net, &ih, payload, plen, now);
    const tk_protosw *sw = tk_protosw_find(&net->protosw, ih.proto);
    if (sw != NULL && sw->input != NULL)
        return sw->input(sw->ctx, &ih, payload, plen, now);
    TK_NET_DROP(net, drop_ip_proto, now);
    return -EPROTONOSUPPORT;
}

static bool ip6_mac_wanted(const tk_net *net, const uint8_t mac[6]) {
#if TK_WITH_IPV6
    return tk_net_ip6_mac_wanted(net, mac);
#else
    (void)net, (void)mac;
    return false;
#endif
}

int tk_net_input(tk_net *net, const uint8_t *frame, size_t len, tk_time now) {
    tk_eth_hdr eh;
    if (tk_wire_eth_parse(frame, len, &eh) < 0) {
        TK_NET_DROP(net, drop_eth_short, now);
        return TK_WIRE_ETH_SHORT;
    }
    bool l2_mcast = (eh.dst[0] & 1u) != 0;
    if (memcmp(eh.dst, net->cfg->mac, 6) != 0 && memcmp(eh.dst, bcast, 6) != 0 &&
        !ip6_mac_wanted(net, eh.dst)) {
        tk_obs_drop(&net->obs, &net->stats->drop_eth_not_for_us, "drop_eth_not_for_us", frame, len,
                    now);
        return -EINVAL;
    }
    const uint8_t *p = frame + TK_ETH_HLEN;
    size_t plen = len - TK_ETH_HLEN;
    if (eh.type == TK_ETHERTYPE_IPV4)
        return ipv4_input(net, p, plen, now);
    if (eh.type == TK_ETHERTYPE_ARP)
        return tk_net_arp_input(net, p, plen, now);
#if TK_WITH_IPV6
    if (eh.type == TK_ETHERTYPE_IPV6 && net->ip6.on)
        return tk_net_ip6_input(net, p, plen, l2_mcast, now);
#else
    (void)l2_mcast; /* IPv6 compiled out: its frames are an unknown EtherType */
#endif
    TK_NET_DROP(net, drop_eth_type, now);
    return -EPROTONOSUPPORT;
}
