/* TCP segments out over IPv6 (SPEC NET-4): the packet around a segment
 * written at tk_tcp_seg_area(s, true, ...), and control segments without a
 * connection. */
#include <errno.h>
#include <string.h>

#include "tcp/state.h"

#if TK_WITH_IPV6
int tk_tcp_ip6_output(tk_stack *s, tk_a6pair *a, uint16_t encap, const tk_net_hdr_opts *o,
                      const tk_net_l4_tx *l4, size_t len, tk_time now) {
    const uint8_t *l6 = a->l, *r6 = a->r;
    uint8_t proto = TK_IPPROTO_TCP;
#if TK_WITH_ENCAP
    if (encap != 0) { /* TCP over UDP (encap.c) */
        int n = tk_udp_wrap6(s, l6, r6, encap, len);
        if (n < 0)
            return n;
        proto = TK_IPPROTO_UDP;
        len = (size_t)n;
        l4 = NULL;
    }
#else
    (void)encap;
#endif
    if (a->flow == 0) { /* RFC 6437 3: the flow's label, a keyed hash (never 0) */
        const uint8_t *seg = tk_net_payload6(&s->net, &(size_t){0});
        uint16_t sport = (uint16_t)(seg[0] << 8 | seg[1]);
        uint16_t dport = (uint16_t)(seg[2] << 8 | seg[3]);
        a->flow = tk_net_ip6_flow(&s->net, l6, r6, proto, sport, dport);
    }
    uint32_t flow = a->flow;
    uint8_t hops = o->ttl != 0 && o->ttl != s->cfg.ip_ttl ? o->ttl : s->net.ip6.hop_limit;
    return tk_net_output6_tx(&s->net, l6, r6, proto, hops, o->tos, flow, l4, len, now);
}

int tk_tcp_send_hdr6(tk_stack *s, const tk_tcp_hdr *h, const uint8_t l6[16], const uint8_t r6[16],
                     uint16_t encap, const tk_net_hdr_opts *o, tk_time now) {
    size_t cap;
    uint8_t *buf = tk_tcp_seg_area(s, true, encap, &cap);
    uint32_t ps, pd;
    tk_addr6_pseudo(l6, r6, &ps, &pd);
    int n = tk_wire_tcp_emit(h, NULL, 0, ps, pd, buf, cap);
    if (n < 0)
        return n;
    s->stats.segs_out++;
    if (h->flags & TK_TCP_RST)
        s->stats.rsts_sent++;
    tk_a6pair a;
    memcpy(a.l, l6, 16);
    memcpy(a.r, r6, 16);
    a.flow = 0;
    return tk_tcp_ip6_output(s, &a, encap, o, NULL, (size_t)n, now);
}
#else
int tk_tcp_send_hdr6(tk_stack *s, const tk_tcp_hdr *h, const uint8_t l6[16], const uint8_t r6[16],
                     uint16_t encap, const tk_net_hdr_opts *o, tk_time now) {
    (void)s, (void)h, (void)l6, (void)r6, (void)encap, (void)o, (void)now;
    return -EAFNOSUPPORT;
}
#endif
