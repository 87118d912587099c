/* TCP over UDP on the harness (see tk_encap.h). */
#include <errno.h>
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

bool tkh_next_wire(tkh *h, tkh_seg *out, tkh_wire *w) {
    while (h->head < h->nframes) {
        const tkh_frame *fr = &h->frames[h->head++];
        tk_frame_tcp f;
        int rc = tk_frame_tcp_decode(fr->buf, fr->len, TK_FRAME_TCP_IN_UDP, &f);
        if (rc == -ENOENT)
            continue;
        assert_int_equal(rc, 0);
        tkh_seg_from_frame(&f, out);
        out->at = fr->at;
        memset(w, 0, sizeof(*w));
        w->udp_sport = f.udp_sport;
        w->udp_dport = f.udp_dport;
        w->ttl = f.ip.ttl;
        w->tos = f.ip.tos;
        return true;
    }
    return false;
}
