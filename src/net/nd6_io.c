/* Neighbor Discovery on the wire (RFC 4861 7): solicitations and
 * advertisements in and out around the cache of net/nd6.c, and our own
 * addresses: the link-local one formed as RFC 7217 asks and duplicate
 * address detection for each (RFC 4862 5.4). */
#include <errno.h>
#include <string.h>

#include "base/siphash.h"
#include "net/net.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ndp.h"

#define IDGEN_RETRIES 3 /* RFC 7217 6: new identifiers tried after a conflict */

static const uint8_t all_nodes[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t unspecified[16] = {0};

/* RFC 7217 5: RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter,
 * secret_key), F = SipHash-2-4, Net_Iface the MAC, no Network_ID. The
 * interface identifier is RID's low 64 bits; one that RFC 5453 reserves
 * (0, or fdff:ffff:ffff:ff80..ffff) is replaced by the next counter's. */
static void linklocal_form(tk_net *net, tk_ip6_addr *x) {
    for (;;) {
        uint8_t in[8 + 6 + 1] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0};
        memcpy(in + 8, net->cfg->mac, 6);
        in[14] = x->dad_count;
        uint64_t rid = tk_siphash24(net->ip6.secret, in, sizeof in);
        memcpy(x->a, in, 8);
        for (int i = 0; i < 8; i++)
            x->a[8 + i] = (uint8_t)(rid >> (56 - 8 * i));
        bool reserved = rid == 0 || (rid >> 7) == (0xfdffffffffffff80ull >> 7);
        if (!reserved)
            return;
        x->dad_count++;
    }
}

static void addr_start(tk_ip6_addr *x, uint8_t transmits) {
    x->state = transmits > 0 ? TK_IP6A_TENTATIVE : TK_IP6A_PREFERRED;
    x->dad_left = transmits;
    x->dad_at = 0;
}

void tk_net_ip6_init(tk_net *net, const uint8_t secret[16]) {
    tk_ip6 *x = &net->ip6;
    tk_nd6_cache nd = x->nd; /* its queue memory was carved with the stack's */
    memset(x, 0, sizeof(*x));
    x->nd = nd;
    x->on = net->cfg->ipv6;
    if (!x->on)
        return;
    memcpy(x->secret, secret, 16);
    tk_ip6_addr *ll = &x->addr[TK_IP6_LINKLOCAL];
    ll->prefix_len = 64;
    linklocal_form(net, ll);
    addr_start(ll, net->cfg->dad_transmits);
    if (!tk_ipv6_is_unspecified(net->cfg->addr6)) {
        tk_ip6_addr *gl = &x->addr[TK_IP6_GLOBAL];
        memcpy(gl->a, net->cfg->addr6, 16);
        gl->prefix_len = net->cfg->prefix6_len ? net->cfg->prefix6_len : 64;
        addr_start(gl, net->cfg->dad_transmits);
    }
    x->err_tokens = TK_ICMP6_ERR_BURST;
}

/* Sends an NDP message with hop limit 255 (RFC 4861 7.1). */
static void send_nd(tk_net *net, const tk_nd_msg *m, const uint8_t src[16], const uint8_t dst[16],
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
    (void)tk_net_output6(net, from, to, TK_IPPROTO_ICMPV6, TK_ND_HOP_LIMIT, (size_t)n, now);
}

/* A solicitation for target: to its solicited-node group, or to target
 * itself (a unicast probe). DAD's (from ::) carries no link-layer option. */
static void solicit(tk_net *net, const uint8_t target[16], const uint8_t *src, bool unicast,
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
    send_nd(net, &m, src != NULL ? src : unspecified, dst, now);
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
    solicit(c->net, target, src, unicast, c->now);
}

int tk_net_nd_resolve(tk_net *net, const uint8_t hop[16], size_t frame_len, tk_time now) {
    /* A queued frame is complete but for its destination MAC. */
    tk_eth_hdr eh;
    memset(&eh, 0, sizeof(eh));
    memcpy(eh.src, net->cfg->mac, 6);
    eh.type = TK_ETHERTYPE_IPV6;
    (void)tk_wire_eth_emit(&eh, net->frame, net->frame_cap);
    uint8_t target[16], mac[6];
    memcpy(target, hop, 16);
    int v = tk_nd6_resolve(&net->ip6.nd, target, net->frame, frame_len, now, mac);
    if (v == TK_ND6_SEND) {
        tk_net_emit(net, mac, TK_ETHERTYPE_IPV6, frame_len - TK_ETH_HLEN, now);
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
            solicit(net, target, src, false, now);
    }
    return 0;
}

/* Which of our addresses a is, in any state; NULL when none. */
static tk_ip6_addr *own(tk_net *net, const uint8_t a[16]) {
    for (int i = 0; i < TK_IP6_ADDRS; i++) {
        tk_ip6_addr *x = &net->ip6.addr[i];
        if (x->state != TK_IP6A_NONE && memcmp(x->a, a, 16) == 0)
            return x;
    }
    return NULL;
}

/* RFC 4862 5.4.5: a tentative address somebody else holds. A link-local
 * one is formed again with the next DAD_Counter (RFC 7217 6). */
static void dad_failed(tk_net *net, tk_ip6_addr *x) {
    net->stats->nd_dad_duplicates++;
    if (x == &net->ip6.addr[TK_IP6_LINKLOCAL] && x->dad_count < IDGEN_RETRIES) {
        x->dad_count++;
        linklocal_form(net, x);
        addr_start(x, net->cfg->dad_transmits);
        return;
    }
    x->state = TK_IP6A_DUPLICATE;
}

static int ns_in(tk_net *net, const tk_ipv6_hdr *ih, const tk_nd_msg *m, tk_time now) {
    tk_ip6_addr *x = own(net, m->target);
    if (x == NULL || x->state == TK_IP6A_DUPLICATE)
        return 0; /* 7.2.3: not a target of ours */
    bool dad = tk_ipv6_is_unspecified(ih->src);
    if (x->state == TK_IP6A_TENTATIVE) {
        if (dad)
            dad_failed(net, x); /* RFC 4862 5.4.3: another node's DAD for it */
        return 0;
    }
    nd_call c = {net, now};
    if (!dad && m->has_slla && tk_nd6_learn(&net->ip6.nd, ih->src, m->slla, now))
        (void)tk_nd6_flush(&net->ip6.nd, ih->src, send_queued, &c);
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
    send_nd(net, &na, from, to, now);
    return 0;
}

static int na_in(tk_net *net, const tk_nd_msg *m, tk_time now) {
    tk_ip6_addr *x = own(net, m->target);
    if (x != NULL) {
        if (x->state == TK_IP6A_TENTATIVE)
            dad_failed(net, x); /* RFC 4862 5.4.4 */
        else
            net->stats->nd_dad_duplicates++; /* a conflict for an address in use: logged */
        return 0;
    }
    nd_call c = {net, now};
    if (tk_nd6_advert(&net->ip6.nd, m->target, m->flags, m->has_tlla ? m->tlla : NULL, now))
        (void)tk_nd6_flush(&net->ip6.nd, m->target, send_queued, &c);
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
    default: /* RS is for routers; RA (router discovery, SLAAC) is not done yet */
        net->stats->nd_router_msgs_ignored++;
        return 0;
    }
}

static void dad_poll(tk_net *net, tk_time now) {
    for (int i = 0; i < TK_IP6_ADDRS; i++) {
        tk_ip6_addr *x = &net->ip6.addr[i];
        if (x->state != TK_IP6A_TENTATIVE || x->dad_at > now)
            continue;
        if (x->dad_left == 0) {
            x->state = TK_IP6A_PREFERRED; /* RFC 4862 5.4: no conflict in RetransTimer */
            continue;
        }
        x->dad_left--;
        x->dad_at = now + TK_ND6_RETRANS_TIMER;
        uint8_t target[16];
        memcpy(target, x->a, 16);
        solicit(net, target, NULL, false, now);
    }
}

void tk_net_ip6_poll(tk_net *net, tk_time now) {
    if (!net->ip6.on)
        return;
    net->ip6.started = true;
    dad_poll(net, now);
    nd_call c = {net, now};
    net->stats->nd_queue_drops += tk_nd6_poll(&net->ip6.nd, now, solicit_entry, &c);
}

tk_time tk_net_ip6_next_deadline(const tk_net *net) {
    if (!net->ip6.on)
        return TK_TIME_NEVER;
    if (!net->ip6.started)
        return 0;
    tk_time t = tk_nd6_next_deadline(&net->ip6.nd);
    for (int i = 0; i < TK_IP6_ADDRS; i++) {
        const tk_ip6_addr *x = &net->ip6.addr[i];
        if (x->state == TK_IP6A_TENTATIVE && x->dad_at < t)
            t = x->dad_at;
    }
    return t;
}
