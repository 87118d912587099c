/* Link offloads in TCP output (SPEC NET-7): a segment whose checksum the
 * link completes, and TSO super-segments the link cuts into MSS-sized
 * segments, when tk_config.link_caps offers them (as FreeBSD's
 * if_hwassist decides CSUM_TCP and CSUM_TSO in tcp_output). The choice per
 * segment is made here so that output.c only asks how long a segment may
 * be and how to write it. */
#include <string.h>

#include "tcp/state.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/tcp.h"

/* Checksum offload for this connection: not inside UDP (the link would
 * finish the wrong header) and not with TCP-MD5, whose signing sums the
 * segment itself (RFC 2385). */
static bool csum_ok(const tk_stack *s, const tk_tcb *tp) {
    return (s->cfg.link_caps & TK_LINK_CSUM_TCP) && tp->encap_port == 0 &&
           !tk_cold(tp)->opts.md5sig;
}

/* The link's TSO capability for tp's family. */
static uint32_t tso_cap(const tk_tcb *tp) {
    return (tp->flags & TK_TF_V6) ? TK_LINK_TSO6 : TK_LINK_TSO4;
}

/* TSO: a synchronized connection outside loss recovery (repairs go one
 * segment at a time, as they are chosen one at a time). */
static bool tso_ok(const tk_stack *s, const tk_tcb *tp) {
    return (s->cfg.link_caps & tso_cap(tp)) && csum_ok(s, tp) && !tp->cc.in_recovery &&
           tp->state >= TK_TCP_ESTABLISHED;
}

static uint32_t tso_max(const tk_stack *s) {
    return s->cfg.link_tso_max != 0 ? s->cfg.link_tso_max : 65535u;
}

uint32_t tk_tcp_tso_len(const tk_stack *s, const tk_tcb *tp, uint32_t maxseg, uint32_t room) {
    if (room <= maxseg || !tso_ok(s, tp))
        return room < maxseg ? room : maxseg;
    /* Whole segments only: a short tail goes alone, so Nagle and TCP_CORK
     * judge it as they would without TSO (Linux's tcp_mss_split_point). */
    uint32_t ip = (tp->flags & TK_TF_V6) ? TK_IPV6_HLEN : TK_IPV4_HLEN;
    uint32_t hlen = ip + TK_TCP_HLEN + (tp->mss - maxseg);
    uint32_t most = (tso_max(s) - hlen) / maxseg * maxseg;
    uint32_t len = room < most ? room : most;
    return len - len % maxseg;
}

int tk_tcp_seg_emit(tk_stack *s, const tk_tcb *tp, const tk_tcp_hdr *h, const uint8_t *payload,
                    size_t plen, uint8_t *buf, size_t cap) {
#if TK_WITH_IPV6
    if (tp->flags & TK_TF_V6) {
        const tk_a6pair *a = tk_tcb_a6(s, tp);
        uint32_t ps, pd;
        tk_addr6_pseudo(a->l, a->r, &ps, &pd);
        if (!csum_ok(s, tp))
            return tk_wire_tcp_emit(h, payload, plen, ps, pd, buf, cap);
        return tk_wire_tcp_emit_partial(h, payload, plen, ps, pd, buf, cap);
    }
#endif
    if (!csum_ok(s, tp))
        return tk_wire_tcp_emit(h, payload, plen, tp->laddr, tp->raddr, buf, cap);
    return tk_wire_tcp_emit_partial(h, payload, plen, tp->laddr, tp->raddr, buf, cap);
}

/* The offload requests for the len-byte segment at tk_tcp_seg_area():
 * NULL when it is complete. A TSO segment carries more payload than one
 * segment of the connection holds with these options (gso_size). */
static const tk_net_l4_tx *offload_req(tk_stack *s, const tk_tcb *tp, size_t len,
                                       tk_net_l4_tx *l4) {
    if (!csum_ok(s, tp))
        return NULL;
    size_t cap;
    const uint8_t *seg = tk_tcp_seg_area(s, (tp->flags & TK_TF_V6) != 0, 0, &cap);
    uint8_t hlen = (uint8_t)((seg[12] >> 4) * 4u);
    memset(l4, 0, sizeof(*l4));
    l4->flags = TK_TX_CSUM_PARTIAL;
    l4->csum_offset = 16;
    l4->l4_hlen = hlen;
    uint32_t per_seg = tp->mss - (uint32_t)(hlen - TK_TCP_HLEN);
    if (len - hlen > per_seg && (s->cfg.link_caps & tso_cap(tp))) {
        l4->flags |= (tp->flags & TK_TF_V6) ? TK_TX_TSO6 : TK_TX_TSO4;
        l4->seg_size = (uint16_t)per_seg;
    }
    s->stats.csum_offload_out++;
    return l4;
}

int tk_tcb_ip_output(tk_stack *s, const tk_tcb *tp, bool ect, size_t len, tk_time now) {
    tk_net_hdr_opts o = {tk_cold(tp)->opts.ip_ttl, tk_cold(tp)->opts.ip_tos};
    if (tp->ecn & TK_ECN_ON) /* TCP owns the ECN field of its packets */
        o.tos = (uint8_t)((o.tos & ~TK_IP_ECN_MASK) | (ect ? TK_IP_ECN_ECT0 : TK_IP_ECN_NOT_ECT));
    tk_net_l4_tx l4;
    const tk_net_l4_tx *req = offload_req(s, tp, len, &l4);
#if TK_WITH_IPV6
    if (tp->flags & TK_TF_V6) {
        return tk_tcp_ip6_output(s, tk_tcb_a6(s, tp), tp->encap_port, &o, req, len, now);
    }
#endif
    if (tp->encap_port != 0)
        return tk_tcp_ip_output(s, tp->laddr, tp->raddr, tp->encap_port, &o, len, now);
    return tk_net_output_tx(&s->net, tp->laddr, tp->raddr, TK_IPPROTO_TCP, &o, req, len, now);
}
