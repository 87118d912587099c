/* TCP-MD5 signatures on the way in and out (RFC 2385). */
#include <errno.h>

#include "tcp/md5.h"
#include "tcp/state.h"

bool tk_md5_accept(tk_stack *s, const tk_seg *sg, tk_md5_policy policy, tk_time now) {
    if (!(sg->h.opts.present & TK_OPT_MD5)) {
        /* RFC 2385 2.0, 3.0: every segment of a protected connection
         * carries the signature; one without it is not from the peer. */
        if (policy != TK_MD5_REQUIRE)
            return true;
        TK_DROP(s, drop_md5_missing, now);
        return false;
    }
    /* Keys are IPv4 only: no IPv6 segment is signed by one. */
    const tk_md5_key *k = tk_seg_r6(sg) == NULL ? tk_md5_key_find(s, sg->dst, sg->src) : NULL;
    if (!TK_WITH_MD5 || policy == TK_MD5_REFUSE || k == NULL) {
        /* A signature nobody here can check is treated as one that fails
         * (RFC 2385 2.0: dropped, no response), as Linux does. */
        if (policy == TK_MD5_REQUIRE)
            TK_DROP(s, drop_md5_no_key, now);
        else
            TK_DROP(s, drop_md5_unexpected, now);
        return false;
    }
    const uint8_t *seg = sg->data - sg->h.hlen;
    size_t len = (size_t)sg->h.hlen + sg->len;
    if (tk_wire_tcp_md5_verify(seg, len, sg->src, sg->dst, k->key, k->len) != 1) {
        /* RFC 2385 2.0: a failing comparison drops the segment silently. */
        TK_DROP(s, drop_md5_bad, now);
        return false;
    }
    return true;
}

int tk_md5_sign(tk_stack *s, uint8_t *seg, size_t len, uint32_t laddr, uint32_t raddr) {
    const tk_md5_key *k = tk_md5_key_find(s, laddr, raddr);
    if (!TK_WITH_MD5 || k == NULL ||
        tk_wire_tcp_md5_sign(seg, len, laddr, raddr, k->key, k->len) < 0) {
        s->stats.md5_out_no_key++;
        return -ENOENT;
    }
    return 0;
}
