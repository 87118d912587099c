/* TCP over UDP on the harness (see tk_encap.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_encap.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/udp.h"

static const uint8_t mac_local[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t mac_remote[6] = {0x02, 0, 0, 0, 0, 0x02};

int tkh_inject_udp(tkh *h, const tkh_udp *u, uint8_t flags, uint32_t seq, uint32_t ack,
                   uint16_t win, const tk_tcp_opts *opts, const void *data, size_t len) {
    static uint8_t buf[TKH_FRAME_MAX];
    tk_tcp_hdr th = tkh_hdr(h->rport, h->lport, flags, seq, ack, win, opts);
    size_t off = TK_ETH_HLEN + TK_IPV4_HLEN;
    uint8_t *seg = buf + off + TK_UDP_HLEN;
    int n = tk_wire_tcp_emit(&th, data, len, TKH_REMOTE_ADDR, TKH_LOCAL_ADDR, seg,
                             sizeof(buf) - off - TK_UDP_HLEN);
    assert_true(n > 0);
    if (u->tcp_csum_zero)
        seg[16] = seg[17] = 0;
    tk_udp_hdr uh = {.sport = u->sport, .dport = u->dport};
    int dg = tk_wire_udp_emit(&uh, (size_t)n, tk_csum_add(0, seg, (size_t)n), TKH_REMOTE_ADDR,
                              TKH_LOCAL_ADDR, buf + off, sizeof(buf) - off);
    assert_int_equal(dg, n + TK_UDP_HLEN);
    if (u->csum == TKH_UDP_NOCSUM)
        buf[off + 6] = buf[off + 7] = 0;
    if (u->csum == TKH_UDP_BADCSUM)
        buf[off + 7] ^= 0x01;
    tk_eth_hdr eh;
    memcpy(eh.dst, mac_local, 6);
    memcpy(eh.src, mac_remote, 6);
    eh.type = TK_ETHERTYPE_IPV4;
    assert_int_equal(tk_wire_eth_emit(&eh, buf, sizeof(buf)), TK_ETH_HLEN);
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof(ih));
    ih.total_len = (uint16_t)(TK_IPV4_HLEN + (size_t)dg);
    ih.ttl = 64;
    ih.proto = TK_IPPROTO_UDP;
    ih.src = TKH_REMOTE_ADDR;
    ih.dst = TKH_LOCAL_ADDR;
    assert_int_equal(tk_wire_ipv4_emit(&ih, buf + TK_ETH_HLEN, sizeof(buf) - TK_ETH_HLEN),
                     TK_IPV4_HLEN);
    return tk_stack_input(h->s, buf, off + (size_t)dg, h->now);
}

/* The TCP segment of an IPv4 frame (inside UDP or not) into out/w. */
static void decode(const tkh_frame *f, const tk_ipv4_hdr *ih, const uint8_t *l4, tkh_seg *out,
                   tkh_wire *w) {
    size_t slen = (size_t)ih->total_len - ih->hlen;
    const uint8_t *seg = l4;
    memset(w, 0, sizeof(*w));
    w->ttl = ih->ttl;
    w->tos = ih->tos;
    if (ih->proto == TK_IPPROTO_UDP) {
        tk_udp_hdr uh;
        assert_int_equal(tk_wire_udp_parse(l4, slen, ih->src, ih->dst, true, &uh), TK_UDP_HLEN);
        assert_true(uh.csum != 0);
        w->udp_sport = uh.sport;
        w->udp_dport = uh.dport;
        seg = l4 + TK_UDP_HLEN;
        slen = uh.len - TK_UDP_HLEN;
    }
    tk_tcp_hdr th;
    int thl = tk_wire_tcp_parse(seg, slen, ih->src, ih->dst, true, &th);
    assert_true(thl > 0);
    memset(out, 0, offsetof(tkh_seg, data));
    out->sport = th.sport;
    out->dport = th.dport;
    out->seq = th.seq;
    out->ack = th.ack;
    out->flags = th.flags;
    out->win = th.win;
    out->opts = th.opts;
    out->len = (uint32_t)(slen - (size_t)thl);
    memcpy(out->data, seg + thl, out->len);
    out->at = f->at;
}

bool tkh_next_wire(tkh *h, tkh_seg *out, tkh_wire *w) {
    while (h->head < h->nframes) {
        const tkh_frame *f = &h->frames[h->head++];
        tk_eth_hdr eh;
        tk_ipv4_hdr ih;
        if (tk_wire_eth_parse(f->buf, f->len, &eh) < 0 || eh.type != TK_ETHERTYPE_IPV4)
            continue;
        const uint8_t *ip = f->buf + TK_ETH_HLEN;
        int hl = tk_wire_ipv4_parse(ip, f->len - TK_ETH_HLEN, true, &ih);
        assert_true(hl > 0);
        if (ih.proto != TK_IPPROTO_TCP && ih.proto != TK_IPPROTO_UDP)
            continue;
        decode(f, &ih, ip + hl, out, w);
        return true;
    }
    return false;
}
