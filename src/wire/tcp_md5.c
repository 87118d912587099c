/* TCP MD5 signatures (RFC 2385 2.0): digest, sign, verify. */
#include "tcpkit/wire/tcp_md5.h"

#include "base/md5.h"
#include "be.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/ipv4.h"

static int header_len(const uint8_t *seg, size_t len) {
    if (len < TK_TCP_HLEN)
        return TK_WIRE_TCP_SHORT;
    size_t hlen = (size_t)(seg[12] >> 4) * 4;
    if (hlen < TK_TCP_HLEN)
        return TK_WIRE_TCP_DOFF;
    if (hlen > len)
        return TK_WIRE_TCP_DOFF_BIG;
    return (int)hlen;
}

int tk_wire_tcp_md5_digest(const uint8_t *seg, size_t len, uint32_t src, uint32_t dst,
                           const uint8_t *key, size_t keylen, uint8_t out[TK_TCP_MD5_LEN]) {
    int hlen = header_len(seg, len);
    if (hlen < 0)
        return hlen;
    /* 1. The pseudo-header: src, dst, zero, protocol, segment length. */
    uint8_t ph[12];
    tk_put32(ph, src);
    tk_put32(ph + 4, dst);
    ph[8] = 0;
    ph[9] = TK_IPPROTO_TCP;
    tk_put16(ph + 10, (uint16_t)len);
    /* 2. The header without options, its checksum taken as zero. */
    uint8_t th[TK_TCP_HLEN];
    for (size_t i = 0; i < TK_TCP_HLEN; i++)
        th[i] = seg[i];
    th[16] = th[17] = 0;
    tk_md5 c;
    tk_md5_init(&c);
    tk_md5_update(&c, ph, sizeof ph);
    tk_md5_update(&c, th, sizeof th);
    /* 3. The data, 4. the key. */
    tk_md5_update(&c, seg + hlen, len - (size_t)hlen);
    tk_md5_update(&c, key, keylen);
    tk_md5_final(&c, out);
    return 0;
}

int tk_wire_tcp_md5_find(const uint8_t *seg, size_t len) {
    int hlen = header_len(seg, len);
    if (hlen < 0)
        return hlen;
    tk_tcp_opt_iter it;
    tk_tcp_opt o;
    int rc;
    tk_wire_tcp_opt_iter_init(&it, seg + TK_TCP_HLEN, (size_t)hlen - TK_TCP_HLEN);
    while ((rc = tk_wire_tcp_opt_next(&it, &o)) > 0) {
        if (o.kind != TK_TCPOPT_MD5)
            continue;
        if (o.len != 2 + TK_TCP_MD5_LEN)
            return TK_WIRE_OPT_BADLEN;
        return (int)(o.data - seg);
    }
    return rc < 0 ? rc : TK_WIRE_INVAL;
}

int tk_wire_tcp_md5_sign(uint8_t *seg, size_t len, uint32_t src, uint32_t dst, const uint8_t *key,
                         size_t keylen) {
    int at = tk_wire_tcp_md5_find(seg, len);
    if (at < 0)
        return at;
    uint8_t d[TK_TCP_MD5_LEN];
    (void)tk_wire_tcp_md5_digest(seg, len, src, dst, key, keylen, d);
    for (size_t i = 0; i < TK_TCP_MD5_LEN; i++)
        seg[(size_t)at + i] = d[i];
    /* The checksum covers the digest: compute it again. */
    tk_put16(seg + 16, 0);
    uint32_t sum = tk_csum_pseudo(src, dst, TK_IPPROTO_TCP, (uint16_t)len);
    tk_put16(seg + 16, tk_csum_finish(tk_csum_add(sum, seg, len)));
    return 0;
}

int tk_wire_tcp_md5_verify(const uint8_t *seg, size_t len, uint32_t src, uint32_t dst,
                           const uint8_t *key, size_t keylen) {
    int at = tk_wire_tcp_md5_find(seg, len);
    if (at < 0)
        return at;
    uint8_t d[TK_TCP_MD5_LEN];
    (void)tk_wire_tcp_md5_digest(seg, len, src, dst, key, keylen, d);
    /* No early exit: the time taken does not tell how many bytes matched. */
    uint8_t diff = 0;
    for (size_t i = 0; i < TK_TCP_MD5_LEN; i++)
        diff |= (uint8_t)(seg[(size_t)at + i] ^ d[i]);
    return diff == 0 ? 1 : 0;
}
