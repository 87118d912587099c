/* Our IPv6 addresses: the link-local one and SLAAC ones formed as RFC 7217
 * asks, the static one from the configuration, duplicate address detection
 * for each (RFC 4862 5.4), and the valid lifetime of SLAAC addresses. */
#include "tcpkit/opts.h"

#if TK_WITH_IPV6 /* compiled out: no IPv6 state in tk_net, no code */
#include <string.h>

#include "base/siphash.h"
#include "net/net.h"
#include "tcpkit/wire/ndp.h"

#define IDGEN_RETRIES 3 /* RFC 7217 6: new identifiers tried after a conflict */

static const uint8_t linklocal_prefix[8] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0};

/* RFC 7217 5: RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter,
 * secret_key), F = SipHash-2-4, Net_Iface the MAC, no Network_ID. The
 * interface identifier is RID's low 64 bits; one that RFC 5453 reserves
 * (0, or fdff:ffff:ffff:ff80..ffff) is replaced by the next counter's. */
void tk_net_ip6_form(tk_net *net, tk_ip6_addr *x, const uint8_t prefix[8]) {
    uint8_t p[8];
    memcpy(p, prefix, 8); /* prefix may be x->a itself */
    for (;;) {
        uint8_t in[8 + 6 + 1];
        memcpy(in, p, 8);
        memcpy(in + 8, net->cfg->mac, 6);
        in[14] = x->dad_count;
        uint64_t rid = tk_siphash24(net->ip6.secret, in, sizeof in);
        memcpy(x->a, p, 8);
        for (int i = 0; i < 8; i++)
            x->a[8 + i] = (uint8_t)(rid >> (56 - 8 * i));
        bool reserved = rid == 0 || (rid >> 7) == (0xfdffffffffffff80ull >> 7);
        if (!reserved)
            return;
        x->dad_count++;
    }
}

void tk_net_ip6_addr_start(tk_net *net, tk_ip6_addr *x) {
    uint8_t transmits = net->cfg->dad_transmits;
    x->state = transmits > 0 ? TK_IP6A_TENTATIVE : TK_IP6A_PREFERRED;
    x->dad_left = transmits;
    x->dad_at = 0;
    x->joined = false; /* a new address: its group is reported at the next poll */
}

void tk_net_ip6_init(tk_net *net, const uint8_t secret[16]) {
    tk_ip6 *x = &net->ip6;
    tk_nd6_cache *nd = x->nd;  /* carved with the stack's memory when cfg.ipv6 */
    tk_ip6frag frag = x->frag; /* likewise */
    memset(x, 0, sizeof(*x));
    x->nd = nd;
    x->frag = frag;
    x->on = net->cfg->ipv6;
    if (!x->on)
        return;
    memcpy(x->secret, secret, 16);
    for (int i = 0; i < TK_IP6_ADDRS; i++)
        x->addr[i].valid_until = TK_TIME_NEVER;
    tk_ip6_addr *ll = &x->addr[TK_IP6_LINKLOCAL];
    ll->prefix_len = 64;
    tk_net_ip6_form(net, ll, linklocal_prefix);
    tk_net_ip6_addr_start(net, ll);
    if (!tk_ipv6_is_unspecified(net->cfg->addr6)) {
        tk_ip6_addr *gl = &x->addr[TK_IP6_GLOBAL];
        memcpy(gl->a, net->cfg->addr6, 16);
        gl->prefix_len = net->cfg->prefix6_len ? net->cfg->prefix6_len : 64;
        gl->onlink = true;
        tk_net_ip6_addr_start(net, gl);
    }
    x->err_tokens = TK_ICMP6_ERR_BURST;
    x->hop_limit = net->cfg->ip_ttl;
    x->rs_left = TK_ND6_MAX_RTR_SOLICIT;
}

tk_ip6_addr *tk_net_ip6_own(tk_net *net, const uint8_t a[16]) {
    for (int i = 0; i < TK_IP6_ADDRS; i++) {
        tk_ip6_addr *x = &net->ip6.addr[i];
        if (x->state != TK_IP6A_NONE && memcmp(x->a, a, 16) == 0)
            return x;
    }
    return NULL;
}

/* RFC 4862 5.4.5: a tentative address somebody else holds. One formed by
 * RFC 7217 (link-local, SLAAC) is formed again with the next DAD_Counter
 * (RFC 7217 6); the static one is never used. */
void tk_net_ip6_dad_failed(tk_net *net, tk_ip6_addr *x) {
    net->stats->nd_dad_duplicates++;
    bool formed = x != &net->ip6.addr[TK_IP6_GLOBAL];
    if (formed && x->dad_count < IDGEN_RETRIES) {
        x->dad_count++;
        tk_net_ip6_form(net, x, x->a);
        tk_net_ip6_addr_start(net, x);
        return;
    }
    x->state = TK_IP6A_DUPLICATE;
}

void tk_net_ip6_addr_poll(tk_net *net, tk_time now) {
    for (int i = 0; i < TK_IP6_ADDRS; i++) {
        tk_ip6_addr *x = &net->ip6.addr[i];
        if (x->state != TK_IP6A_NONE && x->valid_until <= now) {
            memset(x, 0, sizeof(*x)); /* RFC 4862 5.5.4: valid lifetime over */
            x->valid_until = TK_TIME_NEVER;
            continue;
        }
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
        tk_net_nd_solicit(net, target, NULL, false, now);
    }
}

tk_time tk_net_ip6_addr_deadline(const tk_net *net) {
    tk_time t = TK_TIME_NEVER;
    for (int i = 0; i < TK_IP6_ADDRS; i++) {
        const tk_ip6_addr *x = &net->ip6.addr[i];
        if (x->state == TK_IP6A_TENTATIVE && x->dad_at < t)
            t = x->dad_at;
        if (x->state != TK_IP6A_NONE && x->valid_until < t)
            t = x->valid_until;
    }
    return t;
}

#else
typedef int tk_ip6_addr_compiled_out;
#endif
