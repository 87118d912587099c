/* ICMPv6 (RFC 4443): echo replies, errors received (counted; no transport
 * above IPv6 takes them yet), NDP handed to net/nd6_io.c, and errors sent
 * about packets we refuse, rate limited. */
#include "tcpkit/opts.h"

#if TK_WITH_IPV6 /* compiled out: no IPv6 state in tk_net, no code */
#include <errno.h>
#include <string.h>

#include "base/div.h"
#include "net/icmp.h"
#include "net/net.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/mld.h"

/* RFC 4443 2.4 (c): an error carries as much of the packet as fits in the
 * minimum MTU. */
#define ERR_QUOTE_MAX (TK_IPV6_MIN_MTU - TK_IPV6_HLEN - TK_ICMP6_HLEN)

static bool take_token(tk_net *net, tk_time now) {
    tk_ip6 *x = &net->ip6;
    if (now >= x->err_refill + TK_ICMP6_ERR_INTERVAL) {
        uint64_t add = tk_div64(now - x->err_refill, (uint32_t)TK_ICMP6_ERR_INTERVAL);
        uint64_t t = x->err_tokens + add;
        x->err_tokens = t > TK_ICMP6_ERR_BURST ? TK_ICMP6_ERR_BURST : (uint32_t)t;
        x->err_refill = now;
    }
    if (x->err_tokens == 0)
        return false;
    x->err_tokens--;
    return true;
}

/* RFC 4443 2.4 (e): never about an error message, a packet from a source
 * that names no single node, or one sent to a multicast address (except a
 * Parameter Problem for an option whose type asks for it). */
static bool may_report(const uint8_t *pkt, size_t len, uint8_t type, uint8_t code) {
    const uint8_t *src = pkt + 8, *dst = pkt + 24;
    if (tk_ipv6_is_unspecified(src) || tk_ipv6_is_multicast(src))
        return false;
    if (tk_ipv6_is_multicast(dst) &&
        !(type == TK_ICMP6_PARAM_PROBLEM && code == TK_ICMP6_PP_OPTION))
        return false;
    if (pkt[6] == TK_IPPROTO_ICMPV6 && len > TK_IPV6_HLEN && pkt[TK_IPV6_HLEN] < 128)
        return false; /* an ICMPv6 error */
    return true;
}

void tk_net_icmp6_error(tk_net *net, const uint8_t *pkt, size_t len, uint8_t type, uint8_t code,
                        uint32_t rest, tk_time now) {
    if (!may_report(pkt, len, type, code))
        return;
    if (!take_token(net, now)) {
        net->stats->icmp6_errors_limited++;
        return;
    }
    uint8_t src_of[16], to[16];
    memcpy(to, pkt + 8, 16);
    memcpy(src_of, pkt + 24, 16);
    const uint8_t *src = tk_net_ip6_is_ours(net, src_of) ? src_of : tk_net_ip6_source(net, to);
    if (src == NULL)
        return;
    uint8_t from[16];
    memcpy(from, src, 16);
    size_t cap;
    uint8_t *out = tk_net_payload6(net, &cap);
    size_t q = len < ERR_QUOTE_MAX ? len : ERR_QUOTE_MAX;
    if (q + TK_ICMP6_HLEN > cap)
        q = cap - TK_ICMP6_HLEN;
    tk_icmp_hdr h = {type, code, 0, rest, pkt, q};
    int n = tk_wire_icmp6_emit(&h, from, to, out, cap);
    if (n < 0)
        return;
    net->stats->icmp6_errors_sent++;
    uint32_t flow = tk_net_ip6_flow(net, from, to, TK_IPPROTO_ICMPV6, 0, 0);
    (void)tk_net_output6(net, from, to, TK_IPPROTO_ICMPV6, net->ip6.hop_limit, flow, (size_t)n,
                         now);
}

static int echo_reply(tk_net *net, const tk_ipv6_hdr *ih, const tk_icmp_hdr *h, tk_time now) {
    if (tk_ipv6_is_unspecified(ih->src))
        return 0;
    const uint8_t *src = tk_ipv6_is_multicast(ih->dst) ? tk_net_ip6_source(net, ih->src) : ih->dst;
    if (src == NULL)
        return 0;
    uint8_t from[16], to[16];
    memcpy(from, src, 16);
    memcpy(to, ih->src, 16);
    size_t cap;
    uint8_t *out = tk_net_payload6(net, &cap);
    if (h->data_len + TK_ICMP6_HLEN > cap) {
        net->stats->icmp6_echo_too_big++; /* a reassembled request: no fragments are sent */
        return 0;
    }
    /* The request's data is copied before the output buffer is written. */
    memmove(out + TK_ICMP6_HLEN, h->data, h->data_len);
    tk_icmp_hdr r = *h;
    r.type = TK_ICMP6_ECHO_REPLY;
    r.code = 0;
    r.data = out + TK_ICMP6_HLEN;
    int n = tk_wire_icmp6_emit(&r, from, to, out, cap);
    if (n < 0)
        return 0;
    net->stats->icmp6_echo_replies++;
    uint32_t flow = tk_net_ip6_flow(net, from, to, TK_IPPROTO_ICMPV6, 0, 0); /* RFC 6437 */
    return tk_net_output6(net, from, to, TK_IPPROTO_ICMPV6, net->ip6.hop_limit, flow, (size_t)n,
                          now);
}

/* An error about a packet we sent (RFC 4443 3): quoted correctly, it goes
 * to the transport that sent the quoted packet (TCP: tcp/ctlinput6.c),
 * and its effect is counted as for IPv4. */
static int error_in(tk_net *net, const tk_icmp_hdr *h, tk_time now) {
    net->stats->icmp6_errors_in++;
    tk_icmp6_quote q;
    if (tk_wire_icmp6_quote_parse(h, &q) < 0 || !tk_net_ip6_is_ours(net, q.src)) {
        TK_NET_DROP(net, drop_icmp6_bad_quote, now);
        return -EINVAL;
    }
    const tk_protosw *sw = tk_protosw_find(&net->protosw, q.proto);
    int rc =
        sw != NULL && sw->ctlinput6 != NULL ? sw->ctlinput6(sw->ctx, h, &q, now) : TK_ICMP_IGNORED;
    if (rc == TK_ICMP_HARD)
        net->stats->icmp_hard_errors++;
    else if (rc == TK_ICMP_IGNORED)
        net->stats->icmp_errors_ignored++;
    return 0;
}

int tk_net_icmp6_input(tk_net *net, const tk_ipv6_hdr *ih, const uint8_t *pkt, size_t off,
                       tk_time now) {
    size_t len = TK_IPV6_HLEN + (size_t)ih->payload_len - off;
    tk_icmp_hdr h;
    if (tk_wire_icmp6_parse(pkt + off, len, ih->src, ih->dst, true, &h) < 0) {
        TK_NET_DROP(net, drop_icmp6_bad, now);
        return -EINVAL;
    }
    switch (h.type) {
    case TK_ICMP6_ECHO_REQUEST:
        return echo_reply(net, ih, &h, now);
    case TK_ICMP6_ND_RS:
    case TK_ICMP6_ND_RA:
    case TK_ICMP6_ND_NS:
    case TK_ICMP6_ND_NA:
        return tk_net_nd_input(net, ih, &h, now);
    case TK_MLD_QUERY:
        /* RFC 3810 7.3.2 in short: every query is answered at once with
         * the current state of our groups (no random delay). */
        if (h.code != 0 || ih->hop_limit != 1 || h.data_len < 16) {
            TK_NET_DROP(net, drop_icmp6_bad, now);
            return -EINVAL;
        }
        tk_net_mld_report(net, TK_MLD2_IS_EXCLUDE, now);
        return 0;
    case TK_ICMP6_DEST_UNREACH:
    case TK_ICMP6_PKT_TOO_BIG:
    case TK_ICMP6_TIME_EXCEEDED:
    case TK_ICMP6_PARAM_PROBLEM:
        return error_in(net, &h, now);
    default:
        net->stats->icmp6_ignored++; /* RFC 4443 2.4 (a), (b) */
        return 0;
    }
}

#else
typedef int tk_icmp6_compiled_out;
#endif
