/* A tk_rp_seg from a whole captured frame (Ethernet, IPv4 or IPv6, TCP). */
#include <string.h>

#include "lib/capture/decode_out.h"
#include "lib/capture/frame_tcp.h"
#include "report.h"

void tk_rp_seg_from_tcp(const tk_tcp_hdr *t, const uint8_t *opts, size_t optlen,
                        uint32_t payload_len, tk_rp_seg *out) {
    memset(out, 0, sizeof *out);
    out->arrived_us = TK_RP_NO_TIME;
    out->seq = t->seq;
    out->ack = t->ack;
    out->flags = t->flags;
    out->win = t->win;
    out->len = payload_len;
    out->wscale = (t->opts.present & TK_OPT_WSCALE) ? (int8_t)t->opts.wscale : -1;
    out->nsack = t->opts.sack_count > 4 ? 4 : t->opts.sack_count;
    for (int b = 0; b < out->nsack; b++) {
        out->sack[b][0] = t->opts.sack[b].left;
        out->sack[b][1] = t->opts.sack[b].right;
    }
    tk_dout_options(opts, optlen, out->opts, sizeof out->opts);
}

int tk_rp_seg_from_frame(const uint8_t *frame, size_t len, tk_rp_seg *out, tk_rp_endpoints *ep) {
    tk_frame_tcp f;
    int rc = tk_frame_tcp_decode(frame, len, TK_FRAME_TCP_NO_CSUM | TK_FRAME_TCP_IPV6, &f);
    if (rc < 0)
        return rc;
    tk_rp_seg_from_tcp(&f.tcp, f.seg + TK_TCP_HLEN, f.tcp_hlen - TK_TCP_HLEN, f.payload_len, out);
    if (ep)
        *ep = (tk_rp_endpoints){f.v6 ? tk_taddr_v6(f.ip6.src) : tk_taddr_v4(f.ip.src),
                                f.v6 ? tk_taddr_v6(f.ip6.dst) : tk_taddr_v4(f.ip.dst), f.tcp.sport,
                                f.tcp.dport};
    return 0;
}
