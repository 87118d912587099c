/* Control segments without a connection's output path (SPEC RS-1): a
 * header alone, built from a tk_ctl (RSTs, TIME_WAIT and syncache ACKs,
 * cookie SYN-ACKs) and sent over IPv4 or IPv6, plain or inside UDP, signed
 * when the TCP-MD5 store has a key for the pair; and RS-1's reset in answer
 * to a segment nothing accepts. */
#include <errno.h>
#include <string.h>

#include "tcp/state.h"

int tk_tcp_send_hdr(tk_stack *s, const tk_tcp_hdr *h, uint32_t laddr, uint32_t raddr,
                    uint16_t encap, const tk_net_hdr_opts *o, tk_time now) {
    size_t cap;
    uint8_t *buf = tk_tcp_seg_area(s, false, encap, &cap);
    int n = tk_wire_tcp_emit(h, NULL, 0, laddr, raddr, buf, cap);
    if (n < 0)
        return n;
    if ((h->opts.present & TK_OPT_MD5) && tk_md5_sign(s, buf, (size_t)n, laddr, raddr) < 0)
        return -ENOENT; /* never unsigned; like a lost segment */
    s->stats.segs_out++;
    if (h->flags & TK_TCP_RST)
        s->stats.rsts_sent++;
    return tk_tcp_ip_output(s, laddr, raddr, encap, o, (size_t)n, now);
}

void tk_tcp_send_ctl(tk_stack *s, const tk_ctl *c, tk_time now) {
    tk_tcp_hdr h;
    memset(&h, 0, sizeof(h));
    h.sport = c->lport;
    h.dport = c->rport;
    h.seq = c->seq;
    h.ack = c->ack;
    h.flags = c->flags;
    h.win = c->win;
    if (c->ts) {
        h.opts.present = TK_OPT_TS;
        h.opts.ts_val = tk_tcp_ts_now(now);
        h.opts.ts_ecr = c->ts_ecr;
    }
    if (c->mss) {
        h.opts.present |= TK_OPT_MSS;
        h.opts.mss = c->mss;
    }
    tk_net_hdr_opts o = {c->ttl ? c->ttl : s->cfg.ip_ttl, c->tos};
    if (TK_WITH_IPV6 && c->l6 != NULL) {
        (void)tk_tcp_send_hdr6(s, &h, c->l6, c->r6, c->encap, &o, now);
        return;
    }
    /* Without a connection: signed when the store has a key for the pair. */
    if (tk_md5_key_find(s, c->laddr, c->raddr) != NULL)
        h.opts.present |= TK_OPT_MD5;
    (void)tk_tcp_send_hdr(s, &h, c->laddr, c->raddr, c->encap, &o, now);
}

void tk_tcp_reset_reply(tk_stack *s, const tk_seg *sg, uint8_t ttl, uint8_t tos, tk_time now) {
    const tk_tcp_hdr *h = &sg->h;
    if (h->flags & TK_TCP_RST)
        return;
    tk_ctl c;
    memset(&c, 0, sizeof(c));
    c.laddr = sg->dst;
    c.raddr = sg->src;
    c.lport = h->dport;
    c.rport = h->sport;
    c.encap = sg->encap;
    c.l6 = tk_seg_l6(sg);
    c.r6 = tk_seg_r6(sg);
    c.ttl = ttl;
    c.tos = tos;
    if (h->flags & TK_TCP_ACK) {
        c.seq = h->ack;
        c.flags = TK_TCP_RST;
    } else {
        c.ack = h->seq + sg->len + ((h->flags & TK_TCP_SYN) ? 1u : 0u) +
                ((h->flags & TK_TCP_FIN) ? 1u : 0u);
        c.flags = TK_TCP_RST | TK_TCP_ACK;
    }
    tk_tcp_send_ctl(s, &c, now);
}
