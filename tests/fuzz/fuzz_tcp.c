/* Fuzz target: TCP segment parse and emit (SPEC SEC-4, OP-5).
 * Input: 4-byte source address, 4-byte destination address, the segment. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/tcp.h"
#include "tcpkit/wire/tcp_md5.h"

static uint32_t addr(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void same_header(const tk_tcp_hdr *a, const tk_tcp_hdr *b) {
    FUZZ_CHECK(a->sport == b->sport && a->dport == b->dport);
    FUZZ_CHECK(a->seq == b->seq && a->ack == b->ack);
    FUZZ_CHECK(a->flags == b->flags && a->win == b->win && a->urg == b->urg);
    FUZZ_CHECK(a->opts.present == b->opts.present);
    FUZZ_CHECK(a->opts.mss == b->opts.mss && a->opts.wscale == b->opts.wscale);
    FUZZ_CHECK(a->opts.ts_val == b->opts.ts_val && a->opts.ts_ecr == b->opts.ts_ecr);
    FUZZ_CHECK(a->opts.sack_count == b->opts.sack_count);
    FUZZ_CHECK(memcmp(a->opts.sack, b->opts.sack, sizeof a->opts.sack) == 0);
    FUZZ_CHECK(memcmp(a->opts.md5, b->opts.md5, sizeof a->opts.md5) == 0);
}

/* A segment with an MD5 option verifies once signed, and not with another
 * key (RFC 2385). */
static void sign_verify(const uint8_t *seg, size_t len, uint32_t src, uint32_t dst) {
    static const uint8_t key[] = "fuzz key";
    uint8_t *copy = malloc(len);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, seg, len);
    FUZZ_CHECK(tk_wire_tcp_md5_sign(copy, len, src, dst, key, sizeof key - 1) == 0);
    FUZZ_CHECK(tk_wire_tcp_md5_verify(copy, len, src, dst, key, sizeof key - 1) == 1);
    FUZZ_CHECK(tk_wire_tcp_md5_verify(copy, len, src, dst, key, sizeof key - 2) == 0);
    tk_tcp_hdr h;
    FUZZ_CHECK(tk_wire_tcp_parse(copy, len, src, dst, true, &h) >= TK_TCP_HLEN);
    free(copy);
}

/* parse(emit(h)) == h, and emit is stable on its own output. */
static void round_trip(const tk_tcp_hdr *h, const uint8_t *payload, size_t plen, uint32_t src,
                       uint32_t dst) {
    size_t cap = TK_TCP_MAX_HLEN + plen;
    uint8_t *buf = malloc(cap);
    uint8_t *again = malloc(cap);
    FUZZ_CHECK(buf != NULL && again != NULL);
    int n = tk_wire_tcp_emit(h, payload, plen, src, dst, buf, cap);
    if (n == TK_WIRE_INVAL) {
        FUZZ_CHECK(h->opts.wscale > TK_TCP_MAX_WSCALE ||
                   tk_wire_tcp_opts_size(&h->opts) > TK_TCP_MAX_OPTLEN);
    } else {
        FUZZ_CHECK(n >= TK_TCP_HLEN && (size_t)n <= cap);
        tk_tcp_hdr back;
        int hl = tk_wire_tcp_parse(buf, (size_t)n, src, dst, true, &back);
        FUZZ_CHECK(hl >= TK_TCP_HLEN && (size_t)hl + plen == (size_t)n);
        same_header(h, &back);
        FUZZ_CHECK(plen == 0 || memcmp(buf + hl, payload, plen) == 0);
        FUZZ_CHECK(tk_wire_tcp_emit(&back, payload, plen, src, dst, again, cap) == n);
        FUZZ_CHECK(memcmp(buf, again, (size_t)n) == 0);
    }
    free(buf);
    free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 8)
        return 0;
    uint32_t src = addr(data), dst = addr(data + 4);
    const uint8_t *seg = data + 8;
    size_t len = size - 8;
    tk_tcp_hdr h;
    int hl = tk_wire_tcp_parse(seg, len, src, dst, false, &h);
    tk_tcp_hdr hv;
    int hlv = tk_wire_tcp_parse(seg, len, src, dst, true, &hv);
    FUZZ_CHECK(hlv == hl || hlv == TK_WIRE_TCP_CSUM);
    if (hl < 0) {
        FUZZ_CHECK(hl <= TK_WIRE_TCP_SHORT && hl >= TK_WIRE_OPT_BADLEN);
        return 0;
    }
    FUZZ_CHECK(hl >= TK_TCP_HLEN && hl <= TK_TCP_MAX_HLEN && (size_t)hl <= len && hl % 4 == 0);
    FUZZ_CHECK(h.hlen == hl);
    round_trip(&h, seg + hl, len - (size_t)hl, src, dst);
    if (h.opts.present & TK_OPT_MD5)
        sign_verify(seg, len, src, dst);
    else
        FUZZ_CHECK(tk_wire_tcp_md5_find(seg, len) == TK_WIRE_INVAL);
    return 0;
}
