/* Router discovery (RFC 4861 6.3) and stateless address autoconfiguration
 * (RFC 4862 5.5) for a host: router solicitations at start, one default
 * router from advertisements, its hop limit and MTU, and one SLAAC address
 * from an autonomous /64 prefix, formed by RFC 7217 and checked by DAD. */
#include "tcpkit/opts.h"

#if TK_WITH_IPV6 /* compiled out: no IPv6 state in tk_net, no code */
#include <string.h>

#include "net/net.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ndp.h"

static const uint8_t all_routers[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
#define TWO_HOURS TK_SEC(7200)

static tk_time lifetime_end(uint32_t secs, tk_time now) {
    return secs == 0xffffffffu ? TK_TIME_NEVER : now + TK_SEC((tk_time)secs);
}

/* RFC 4862 5.5.3 (e): an advertised valid lifetime shortens the address's
 * only down to two hours, so a forged RA cannot end it at once. */
static void refresh(tk_ip6_addr *x, uint32_t valid, tk_time now) {
    tk_time remaining = x->valid_until == TK_TIME_NEVER ? TK_TIME_NEVER : x->valid_until - now;
    tk_time offered = valid == 0xffffffffu ? TK_TIME_NEVER : TK_SEC((tk_time)valid);
    if (offered > TWO_HOURS || offered > remaining)
        x->valid_until = lifetime_end(valid, now);
    else if (remaining > TWO_HOURS)
        x->valid_until = now + TWO_HOURS;
}

static void prefix_in(tk_net *net, const tk_nd_prefix *p, tk_time now) {
    tk_ip6_addr *x = &net->ip6.addr[TK_IP6_SLAAC];
    bool ours = x->state != TK_IP6A_NONE && memcmp(x->a, p->prefix, 8) == 0;
    if (ours && (p->flags & TK_ND_PREFIX_ONLINK))
        x->onlink = true;
    /* 5.5.3 (a)-(d): autonomous, not link-local, preferred <= valid, and a
     * /64 for our 64-bit interface identifiers. */
    if (!(p->flags & TK_ND_PREFIX_AUTO) || tk_ipv6_is_linklocal(p->prefix) ||
        p->preferred > p->valid || p->len != 64) {
        net->stats->nd_prefixes_ignored++;
        return;
    }
    if (ours) {
        refresh(x, p->valid, now);
        return;
    }
    if (x->state != TK_IP6A_NONE || p->valid == 0) {
        net->stats->nd_prefixes_ignored++; /* one SLAAC address at a time */
        return;
    }
    memset(x, 0, sizeof(*x));
    x->prefix_len = 64;
    x->onlink = (p->flags & TK_ND_PREFIX_ONLINK) != 0;
    x->valid_until = lifetime_end(p->valid, now);
    tk_net_ip6_form(net, x, p->prefix);
    tk_net_ip6_addr_start(net, x);
    net->stats->nd_slaac_addrs++;
}

int tk_net_ra_input(tk_net *net, const tk_ipv6_hdr *ih, const tk_nd_msg *m, tk_time now) {
    tk_ip6 *x = &net->ip6;
    net->stats->nd_ra_in++;
    x->rs_left = 0; /* 6.3.7: an answer stops the solicitations */
    if (m->has_slla) {
        tk_net_nd_learn(net, ih->src, m->slla, now);
        tk_nd6_entry *e = tk_nd6_find(x->nd, ih->src);
        if (e != NULL)
            e->router = true;
    }
    if (m->router_lifetime > 0) {
        x->has_router = true;
        memcpy(x->router, ih->src, 16);
        x->router_until = now + TK_SEC((tk_time)m->router_lifetime);
    } else if (x->has_router && memcmp(x->router, ih->src, 16) == 0) {
        x->has_router = false; /* 6.3.4: lifetime 0, no longer a default router */
    }
    if (m->cur_hop_limit != 0)
        x->hop_limit = m->cur_hop_limit;
    if (m->has_mtu && m->mtu >= TK_IPV6_MIN_MTU && m->mtu <= net->cfg->mtu)
        x->link_mtu = m->mtu;
    for (uint8_t i = 0; i < m->nprefix; i++)
        prefix_in(net, &m->prefix[i], now);
    return 0;
}

const uint8_t *tk_net_ip6_router(const tk_net *net, tk_time now) {
    const tk_ip6 *x = &net->ip6;
    return x->has_router && x->router_until > now ? x->router : NULL;
}

void tk_net_router_poll(tk_net *net, tk_time now) {
    tk_ip6 *x = &net->ip6;
    if (x->has_router && x->router_until <= now)
        x->has_router = false;
    const tk_ip6_addr *ll = &x->addr[TK_IP6_LINKLOCAL];
    if (x->rs_left == 0 || x->rs_at > now || ll->state != TK_IP6A_PREFERRED)
        return;
    x->rs_left--;
    x->rs_at = now + TK_ND6_RTR_SOLICIT_INTERVAL;
    tk_nd_msg m;
    memset(&m, 0, sizeof(m));
    m.type = TK_ICMP6_ND_RS;
    m.has_slla = true;
    memcpy(m.slla, net->cfg->mac, 6);
    uint8_t from[16];
    memcpy(from, ll->a, 16);
    net->stats->nd_rs_sent++;
    tk_net_nd_send(net, &m, from, all_routers, now);
}

tk_time tk_net_router_deadline(const tk_net *net) {
    const tk_ip6 *x = &net->ip6;
    tk_time t = x->has_router ? x->router_until : TK_TIME_NEVER;
    if (x->rs_left > 0 && x->addr[TK_IP6_LINKLOCAL].state == TK_IP6A_PREFERRED && x->rs_at < t)
        t = x->rs_at;
    return t;
}

#else
typedef int tk_nd6_router_compiled_out;
#endif
