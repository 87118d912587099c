/* ICMP errors delivered to TCP. */
#include <errno.h>
#include <string.h>

#include "base/seq.h"
#include "net/icmp.h"
#include "stack_priv.h"
#include "tcpkit/wire/ipv4.h"

/* RFC 1122 4.2.3.9: protocol and port unreachable are hard; so are the
 * administratively prohibited codes (RFC 1812 5.2.7.1). Net/host
 * unreachable, source route failed and time exceeded are soft. */
int tk_icmp_hard_errno(uint8_t type, uint8_t code) {
    if (type != TK_ICMP_DEST_UNREACH)
        return 0;
    switch (code) {
    case TK_ICMP_PROTO_UNREACH:
        return -ENOPROTOOPT;
    case TK_ICMP_PORT_UNREACH:
        return -ECONNREFUSED;
    case 9:  /* network administratively prohibited */
    case 10: /* host administratively prohibited */
    case 13: /* communication administratively prohibited */
        return -EHOSTUNREACH;
    default:
        return 0;
    }
}

/* As Linux reports them: network unreachable codes ENETUNREACH, the rest of
 * destination unreachable and time exceeded EHOSTUNREACH, parameter problem
 * EPROTO; a hard code keeps its own errno. */
int tk_icmp_soft_errno(uint8_t type, uint8_t code) {
    if (type == TK_ICMP_TIME_EXCEEDED)
        return -EHOSTUNREACH;
    if (type == TK_ICMP_PARAM_PROBLEM)
        return -EPROTO;
    if (type != TK_ICMP_DEST_UNREACH)
        return 0;
    int hard = tk_icmp_hard_errno(type, code);
    if (hard != 0)
        return hard;
    if (code == TK_ICMP_NET_UNREACH || code == 6 /* net unknown */ || code == 11 /* net, TOS */)
        return -ENETUNREACH;
    return -EHOSTUNREACH;
}

/* RFC 5927 4.1 / RFC 1191: lower the MSS to fit the reported next-hop MTU,
 * never below the 68-byte IPv4 minimum less headers. */
static int pmtu_update(tk_tcb *tp, uint32_t rest) {
    uint32_t mtu = rest & 0xffffu;
    if (mtu < 68u + 40u)
        return TK_ICMP_SOFT;
    uint32_t mss = mtu - 40u;
    if (mss < tp->mss)
        tp->mss = (uint16_t)mss;
    return TK_ICMP_PMTU;
}

int tk_icmp_tcp_error(tk_stack *s, const tk_icmp_hdr *h, tk_time now) {
    tk_icmp_quote q;
    int rc = tk_wire_icmp_quote_parse(h, &q);
    if (rc < 0)
        return rc;
    if (q.proto != TK_IPPROTO_TCP || q.src != s->cfg.addr)
        return TK_ICMP_IGNORED;
    tk_tcb *tp = tk_demux_lookup(s, q.src, q.sport, q.dst, q.dport);
    /* A connection inside UDP sends no plain segment to quote (and quotes
     * of UDP are ignored above): as FreeBSD, its port must match. */
    if (tp == NULL || tp->state == TK_TCP_LISTEN || tp->encap_port != 0)
        return TK_ICMP_IGNORED;
    /* RFC 5927 4.1: only a quote of data in flight is believed,
     * SND.UNA <= SEG.SEQ < SND.NXT (the highest sent, SND.MAX, after a
     * retransmission pulled SND.NXT back). In SYN_SENT that is the ISS alone. */
    if (!tk_seq_in(q.seq, tp->snd_una, tp->snd_max))
        return TK_ICMP_IGNORED;
    if (h->type == TK_ICMP_DEST_UNREACH && h->code == TK_ICMP_FRAG_NEEDED)
        return pmtu_update(tp, h->rest);
    int err = tk_icmp_hard_errno(h->type, h->code);
    /* RFC 5927 4.1: in synchronized states hard errors are treated as soft,
     * so a forged message cannot reset a working connection. */
    if (err != 0 && tp->state == TK_TCP_SYN_SENT && s->cfg.icmp_may_rst) {
        s->now = now;
        tk_tcb_drop(s, tp, err, "rcv ICMP unreachable");
        return TK_ICMP_HARD;
    }
    /* RFC 1122 4.2.3.9: a soft error does not abort; it is remembered and
     * named if the connection times out (cleared by an ACK of new data). */
    tp->soft_error = tk_icmp_soft_errno(h->type, h->code);
    return TK_ICMP_SOFT;
}

int tk_net_icmp_error(tk_stack *s, const tk_icmp_hdr *h, tk_time now) {
    s->stats.icmp_errors_in++;
    int rc = tk_icmp_tcp_error(s, h, now);
    if (rc == TK_ICMP_HARD)
        s->stats.icmp_hard_errors++;
    else if (rc < 0 || rc == TK_ICMP_IGNORED)
        s->stats.icmp_errors_ignored++;
    return 0;
}
