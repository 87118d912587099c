/* ICMPv6 errors for TCP (RFC 4443 3, RFC 5927 as for IPv4 in ctlinput.c):
 * the quote finds its connection by the full addresses; a Packet Too Big
 * lowers the MSS (RFC 8201, SPEC NET-5), a hard error fails a connection in
 * SYN_SENT, anything else is remembered as a soft error. */
#include <errno.h>

#include "base/seq.h"
#include "net/icmp.h"
#include "tcp/demux.h"
#include "tcp/state.h"
#include "tcpkit/wire/icmp6.h"

#if TK_WITH_IPV6
/* RFC 4443 3.1 codes as Linux reports them (icmpv6_err_convert); a hard
 * one (port unreachable, administratively prohibited, policy, reject
 * route) fails a connection that is still opening, as for IPv4. */
static int unreach_errno(uint8_t code, bool *hard) {
    switch (code) {
    case TK_ICMP6_PORT_UNREACH:
        *hard = true;
        return -ECONNREFUSED;
    case TK_ICMP6_ADMIN_PROHIB:
    case TK_ICMP6_POLICY_FAIL:
    case TK_ICMP6_REJECT_ROUTE:
        *hard = true;
        return -EACCES;
    case TK_ICMP6_NO_ROUTE:
        return -ENETUNREACH;
    default:
        return -EHOSTUNREACH;
    }
}

static int error_errno(const tk_icmp_hdr *h, bool *hard) {
    *hard = false;
    if (h->type == TK_ICMP6_DEST_UNREACH)
        return unreach_errno(h->code, hard);
    if (h->type == TK_ICMP6_PARAM_PROBLEM) {
        *hard = h->code == 1; /* unrecognized next header: no TCP there */
        return -EPROTO;
    }
    return -EHOSTUNREACH; /* time exceeded */
}

/* RFC 8201 4: an MTU below 1280 is taken as 1280 (IPv6's minimum link
 * MTU); a TCP segment then fits in MTU - 60. */
static int pmtu6(tk_stack *s, tk_tcb *tp, uint32_t mtu, tk_time now) {
    if (mtu < 1280u) {
        mtu = 1280u;
        s->stats.pmtu_clamped++;
    }
    return tk_tcp_pmtu_lower(s, tp, mtu - 60u, now);
}

int tk_tcp_ctlinput6(void *ctx, const tk_icmp_hdr *h, const tk_icmp6_quote *q, tk_time now) {
    tk_stack *s = ctx;
    uint32_t lf = tk_addr6_fold(s, q->src), rf = tk_addr6_fold(s, q->dst);
    tk_tcb *tp = tk_demux_lookup(s, lf, q->sport, rf, q->dport, q->src, q->dst);
    /* RFC 5927 4.1: only a quote of data in flight is believed. */
    if (tp == NULL || tp->state == TK_TCP_LISTEN || !tk_seq_in(q->seq, tp->snd_una, tp->snd_max))
        return TK_ICMP_IGNORED;
    if (h->type == TK_ICMP6_PKT_TOO_BIG)
        return pmtu6(s, tp, h->rest, now);
    bool hard;
    int err = error_errno(h, &hard);
    if (hard && tp->state == TK_TCP_SYN_SENT && s->cfg.icmp_may_rst) {
        s->now = now;
        tk_tcb_drop(s, tp, s->cfg.icmp_errno_refused ? -ECONNREFUSED : err, "rcv ICMPv6 error");
        return TK_ICMP_HARD;
    }
    tk_cold(tp)->soft_error = err;
    return TK_ICMP_SOFT;
}
#endif
