/* MLDv2 reports for our solicited-node groups (RFC 3810, RFC 4861 7.2.1),
 * so that a snooping switch delivers the solicitations meant for us: one
 * when the groups change (before DAD's first solicitation, RFC 4862
 * 5.4.2), and one answering each query. */
#include "tcpkit/opts.h"

#if TK_WITH_IPV6 /* compiled out: no IPv6 state in tk_net, no code */
#include <string.h>

#include "net/net.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/mld.h"

static const uint8_t mld2_routers[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16};

/* The distinct solicited-node groups of our addresses in use. */
static size_t groups(const tk_net *net, uint8_t (*g)[16]) {
    size_t n = 0;
    for (int i = 0; i < TK_IP6_ADDRS; i++) {
        const tk_ip6_addr *x = &net->ip6.addr[i];
        if (x->state != TK_IP6A_TENTATIVE && x->state != TK_IP6A_PREFERRED)
            continue;
        uint8_t sn[16];
        tk_ipv6_solicited_node(x->a, sn);
        bool seen = false;
        for (size_t k = 0; k < n; k++)
            seen = seen || memcmp(g[k], sn, 16) == 0;
        if (!seen)
            memcpy(g[n++], sn, 16);
    }
    return n;
}

void tk_net_mld_report(tk_net *net, uint8_t record_type, tk_time now) {
    uint8_t g[TK_IP6_ADDRS][16];
    size_t n = groups(net, g);
    if (n == 0)
        return;
    /* RFC 3590 4: from the link-local address, or :: while it is tentative. */
    const tk_ip6_addr *ll = &net->ip6.addr[TK_IP6_LINKLOCAL];
    uint8_t src[16] = {0};
    if (ll->state == TK_IP6A_PREFERRED)
        memcpy(src, ll->a, 16);
    size_t cap;
    uint8_t *out = tk_net_payload6(net, &cap);
    int h = tk_wire_mld_hbh_emit(out, cap);
    int m =
        h < 0 ? h : tk_wire_mld2_report_emit(g[0], n, record_type, src, out + h, cap - (size_t)h);
    if (m < 0)
        return;
    net->stats->mld_reports_sent++;
    (void)tk_net_output6(net, src, mld2_routers, TK_IPPROTO_HOPOPTS, 1, 0, (size_t)(h + m), now);
}

/* Groups whose addresses were added since the last report. */
void tk_net_mld_poll(tk_net *net, tk_time now) {
    bool changed = false;
    for (int i = 0; i < TK_IP6_ADDRS; i++) {
        tk_ip6_addr *x = &net->ip6.addr[i];
        bool in_use = x->state == TK_IP6A_TENTATIVE || x->state == TK_IP6A_PREFERRED;
        if (in_use && !x->joined) {
            x->joined = true;
            changed = true;
        }
    }
    if (changed)
        tk_net_mld_report(net, TK_MLD2_TO_EXCLUDE, now);
}

#else
typedef int tk_mld_compiled_out;
#endif
