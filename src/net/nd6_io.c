/* Neighbor Discovery on the wire (RFC 4861 7): solicitations and
 * advertisements in and out around the cache of net/nd6.c; what they mean
 * for our own addresses (DAD) is net/ip6_addr.c's, router discovery
 * net/nd6_router.c's. */
#include "tcpkit/opts.h"

#if TK_WITH_IPV6 /* compiled out: no IPv6 state in tk_net, no code */
#include <errno.h>
#include <string.h>

#include "net/net.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ndp.h"

static const uint8_t all_nodes[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t unspecified[16] = {0};

/* Sends an NDP message with hop limit 255 (RFC 4861 7.1). */
void tk_net_nd_send(tk_net *net, const tk_nd_msg *m, const uint8_t src[16], const uint8_t dst[16],
                    tk_time now) {
    uint8_t from[16], to[16];
    memcpy(from, src, 16);
    memcpy(to, dst, 16);
    size_t cap;
    uint8_t *out = tk_net_payload6(net, &cap);
    int n = tk_wire_nd_emit(m, from, to, out, cap);
    if (n < 0)
        return;
    if (m->type == TK_ICMP6_ND_NS)
        net->stats->nd_ns_sent++;
    else if (m->type == TK_ICMP6_ND_NA)
        net->stats->nd_na_sent++;
    /* Link-scope control messages carry no flow label (as Linux's). */
    (void)tk_net_output6(net, from, to, TK_IPPROTO_ICMPV6, TK_ND_HOP_LIMIT, 0, (size_t)n, now);
}

/* A solicitation for target: to its solicited-node group, or to target
 * itself (a unicast probe). DAD's (from ::) carries no link-layer option. */
void tk_net_nd_solicit(tk_net *net, const uint8_t target[16], const uint8_t *src, bool unicast,
                       tk_time now) {
    tk_nd_msg m;
    memset(&m, 0, sizeof(m));
    m.type = TK_ICMP6_ND_NS;
    memcpy(m.target, target, 16);
    if (src != NULL) {
        m.has_slla = true;
        memcpy(m.slla, net->cfg->mac, 6);
    }
    uint8_t dst[16];
    if (unicast)
        memcpy(dst, target, 16);
    else
        tk_ipv6_solicited_node(target, dst);
    tk_net_nd_send(net, &m, src != NULL ? src : unspecified, dst, now);
}

typedef struct nd_call {
    tk_net *net;
    tk_time now;
} nd_call;

static void send_queued(void *ctx, uint8_t *frame, size_t len) {
    const nd_call *c = ctx;
    tk_net_emit_raw(c->net, frame, len, c->now);
}

static void solicit_entry(void *ctx, const tk_nd6_entry *e, bool unicast) {
    const nd_call *c = ctx;
    const uint8_t *src = tk_net_ip6_source(c->net, e->addr);
    if (src == NULL)
        return;
    uint8_t target[16];
    memcpy(target, e->addr, 16);
    tk_net_nd_solicit(c->net, target, src, unicast, c->now);
}

void tk_net_nd_learn(tk_net *net, const uint8_t addr[16], const uint8_t mac[6], tk_time now) {
    nd_call c = {net, now};
    if (tk_nd6_learn(net->ip6.nd, addr, mac, now))
        (void)tk_nd6_flush(net->ip6.nd, addr, send_queued, &c);
}

int tk_net_nd_resolve(tk_net *net, const uint8_t hop[16], size_t frame_len, tk_time now) {
    return tk_net_nd_resolve_tx(net, hop, frame_len, NULL, now);
}

int tk_net_nd_resolve_tx(tk_net *net, const uint8_t hop[16], size_t frame_len, const tk_link_tx *tx,
                         tk_time now) {
    if (tx != NULL) {
        const tk_nd6_entry *e = tk_nd6_find(net->ip6.nd, hop);
        if (e == NULL || e->state == TK_ND6_INCOMPLETE) { /* the frame would wait */
            if (tx->flags & TK_TX_TSO6) {
                net->stats->nd_queue_drops++;
                return -EHOSTUNREACH;
            }
            tk_net_tx_finish_csum(net->frame, frame_len, tx);
            tx = NULL;
        }
    }
    /* A queued frame is complete but for its destination MAC. */
    tk_eth_hdr eh;
    memset(&eh, 0, sizeof(eh));
    memcpy(eh.src, net->cfg->mac, 6);
    eh.type = TK_ETHERTYPE_IPV6;
    (void)tk_wire_eth_emit(&eh, net->frame, net->frame_cap);
    uint8_t target[16], mac[6];
    memcpy(target, hop, 16);
    int v = tk_nd6_resolve(net->ip6.nd, target, net->frame, frame_len, now, mac);
    if (v == TK_ND6_SEND) {
        tk_net_emit_tx(net, mac, TK_ETHERTYPE_IPV6, frame_len - TK_ETH_HLEN, tx, now);
        return 0;
    }
    if (v == TK_ND6_NO_ROOM) {
        net->stats->nd_queue_drops++;
        return -EHOSTUNREACH;
    }
    net->stats->out_no_neighbor++;
    net->stats->nd_queued++;
    if (v == TK_ND6_SOLICIT) {
        const uint8_t *src = tk_net_ip6_source(net, target);
        if (src != NULL)
            tk_net_nd_solicit(net, target, src, false, now);
    }
    return 0;
}

static int ns_in(tk_net *net, const tk_ipv6_hdr *ih, const tk_nd_msg *m, tk_time now) {
    tk_ip6_addr *x = tk_net_ip6_own(net, m->target);
    if (x == NULL || x->state == TK_IP6A_DUPLICATE)
        return 0; /* 7.2.3: not a target of ours */
    bool dad = tk_ipv6_is_unspecified(ih->src);
    if (x->state == TK_IP6A_TENTATIVE) {
        if (dad)
            tk_net_ip6_dad_failed(net, x); /* RFC 4862 5.4.3: another node's DAD for it */
        return 0;
    }
    if (!dad && m->has_slla)
        tk_net_nd_learn(net, ih->src, m->slla, now);
    tk_nd_msg na;
    memset(&na, 0, sizeof(na));
    na.type = TK_ICMP6_ND_NA;
    na.flags = TK_ND_NA_OVERRIDE | (dad ? 0 : TK_ND_NA_SOLICITED);
    memcpy(na.target, m->target, 16);
    na.has_tlla = true;
    memcpy(na.tlla, net->cfg->mac, 6);
    uint8_t to[16], from[16];
    memcpy(to, dad ? all_nodes : ih->src, 16);
    memcpy(from, m->target, 16);
    tk_net_nd_send(net, &na, from, to, now);
    return 0;
}

static int na_in(tk_net *net, const tk_nd_msg *m, tk_time now) {
    tk_ip6_addr *x = tk_net_ip6_own(net, m->target);
    if (x != NULL) {
        if (x->state == TK_IP6A_TENTATIVE)
            tk_net_ip6_dad_failed(net, x); /* RFC 4862 5.4.4 */
        else
            net->stats->nd_dad_duplicates++; /* a conflict for an address in use: logged */
        return 0;
    }
    nd_call c = {net, now};
    if (tk_nd6_advert(net->ip6.nd, m->target, m->flags, m->has_tlla ? m->tlla : NULL, now))
        (void)tk_nd6_flush(net->ip6.nd, m->target, send_queued, &c);
    return 0;
}

static void count_nd_error(tk_net *net, int rc, tk_time now) {
    switch (rc) {
    case TK_WIRE_ND_HOPLIMIT:
        TK_NET_DROP(net, drop_nd_hop_limit, now);
        break;
    case TK_WIRE_ND_CODE:
        TK_NET_DROP(net, drop_nd_code, now);
        break;
    case TK_WIRE_ND_SHORT:
        TK_NET_DROP(net, drop_nd_short, now);
        break;
    case TK_WIRE_ND_TARGET:
    case TK_WIRE_ND_SOURCE:
    case TK_WIRE_ND_DEST:
        TK_NET_DROP(net, drop_nd_bad_address, now);
        break;
    default: /* option length 0, overrun, wrong length */
        TK_NET_DROP(net, drop_nd_bad_option, now);
        break;
    }
}

int tk_net_nd_input(tk_net *net, const tk_ipv6_hdr *ih, const tk_icmp_hdr *h, tk_time now) {
    tk_nd_msg m;
    int rc = tk_wire_nd_parse(ih, h, &m);
    if (rc < 0) {
        count_nd_error(net, rc, now);
        return rc;
    }
    switch (m.type) {
    case TK_ICMP6_ND_NS:
        net->stats->nd_ns_in++;
        return ns_in(net, ih, &m, now);
    case TK_ICMP6_ND_NA:
        net->stats->nd_na_in++;
        return na_in(net, &m, now);
    case TK_ICMP6_ND_RA:
        return tk_net_ra_input(net, ih, &m, now);
    default: /* RS: for routers */
        net->stats->nd_router_msgs_ignored++;
        return 0;
    }
}

void tk_net_ip6_poll(tk_net *net, tk_time now) {
    if (!net->ip6.on)
        return;
    net->ip6.started = true;
    tk_net_mld_poll(net, now); /* joins before DAD solicits (RFC 4862 5.4.2) */
    tk_net_ip6_addr_poll(net, now);
    tk_net_router_poll(net, now);
    nd_call c = {net, now};
    net->stats->nd_queue_drops += tk_nd6_poll(net->ip6.nd, now, solicit_entry, &c);
    tk_net_ip6_frag_poll(net, now);
}

tk_time tk_net_ip6_next_deadline(const tk_net *net) {
    if (!net->ip6.on)
        return TK_TIME_NEVER;
    if (!net->ip6.started)
        return 0;
    tk_time t = tk_nd6_next_deadline(net->ip6.nd);
    tk_time a = tk_net_ip6_addr_deadline(net), r = tk_net_router_deadline(net);
    tk_time f = tk_net_ip6_frag_deadline(net);
    if (a < t)
        t = a;
    if (f < t)
        t = f;
    return r < t ? r : t;
}

#else
typedef int tk_nd6_io_compiled_out;
#endif
