/* TCP options (RFC 9293 3.2, RFC 7323, RFC 2018, RFC 2385): iterate, parse, emit.
 * A malformed length drops the whole segment (SPEC OP-5); nothing past the
 * options area is ever read. */
#include <string.h>

#include "be.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/tcp.h"

const tk_tcp_opts tk_tcp_opts_none = {0};

#define OPTLEN_MSS        4
#define OPTLEN_WSCALE     3
#define OPTLEN_SACK_PERM  2
#define OPTLEN_TS         10
#define OPTLEN_SACK_BASE  2
#define OPTLEN_SACK_BLOCK 8
#define OPTLEN_MD5        (2 + TK_TCP_MD5_LEN)

void tk_wire_tcp_opt_iter_init(tk_tcp_opt_iter *it, const uint8_t *opts, size_t len) {
    it->p = opts;
    it->len = len;
    it->off = 0;
    it->done = false;
}

int tk_wire_tcp_opt_next(tk_tcp_opt_iter *it, tk_tcp_opt *out) {
    if (it->done || it->off >= it->len) {
        it->done = true;
        return 0;
    }
    size_t left = it->len - it->off;
    const uint8_t *p = it->p + it->off;
    out->kind = p[0];
    out->data = NULL;
    if (p[0] == TK_TCPOPT_EOL || p[0] == TK_TCPOPT_NOP) {
        out->len = 1;
        it->off++;
        it->done = p[0] == TK_TCPOPT_EOL; /* the rest is padding */
        return 1;
    }
    it->done = true; /* sticky on error: a bad length drops the segment */
    if (left < 2)
        return TK_WIRE_OPT_OVERRUN;
    if (p[1] == 0)
        return TK_WIRE_OPT_LEN0;
    if (p[1] == 1)
        return TK_WIRE_OPT_LEN1;
    if (p[1] > left)
        return TK_WIRE_OPT_OVERRUN;
    it->done = false;
    out->len = p[1];
    out->data = p + 2;
    it->off += p[1];
    return 1;
}

/* RFC 7413 4.1.1: an empty option asks for a cookie; a cookie is 4 to 16
 * bytes, an even number. Any other length is no cookie at all: the option
 * is skipped like an unknown one (the SYN still opens a connection). */
static int store_fastopen(const tk_tcp_opt *o, tk_tcp_opts *out) {
    size_t n = (size_t)o->len - 2u;
    if (n != 0 && (n < TK_TCP_FO_MIN || n > TK_TCP_FO_MAX || n % 2u != 0)) {
        if (out->unknown < UINT8_MAX)
            out->unknown++;
        return 0;
    }
    out->fo_len = (uint8_t)n;
    memcpy(out->fo_cookie, o->data, n);
    out->present |= TK_OPT_FASTOPEN;
    return 0;
}

/* Stores one known option; an unknown kind is only counted. */
static int store_opt(const tk_tcp_opt *o, tk_tcp_opts *out) {
    switch (o->kind) {
    case TK_TCPOPT_MSS:
        if (o->len != OPTLEN_MSS)
            return TK_WIRE_OPT_BADLEN;
        out->mss = tk_be16(o->data);
        out->present |= TK_OPT_MSS;
        return 0;
    case TK_TCPOPT_WSCALE:
        if (o->len != OPTLEN_WSCALE)
            return TK_WIRE_OPT_BADLEN;
        out->wscale = o->data[0];
        out->present |= TK_OPT_WSCALE;
        return 0;
    case TK_TCPOPT_SACK_PERM:
        if (o->len != OPTLEN_SACK_PERM)
            return TK_WIRE_OPT_BADLEN;
        out->present |= TK_OPT_SACK_PERM;
        return 0;
    case TK_TCPOPT_TS:
        if (o->len != OPTLEN_TS)
            return TK_WIRE_OPT_BADLEN;
        out->ts_val = tk_be32(o->data);
        out->ts_ecr = tk_be32(o->data + 4);
        out->present |= TK_OPT_TS;
        return 0;
    case TK_TCPOPT_MD5:
        if (o->len != OPTLEN_MD5)
            return TK_WIRE_OPT_BADLEN;
        memcpy(out->md5, o->data, TK_TCP_MD5_LEN);
        out->present |= TK_OPT_MD5;
        return 0;
    case TK_TCPOPT_FASTOPEN:
        return store_fastopen(o, out);
    case TK_TCPOPT_SACK: {
        size_t body = (size_t)o->len - OPTLEN_SACK_BASE;
        size_t n = body / OPTLEN_SACK_BLOCK;
        if (n == 0 || n > TK_TCP_MAX_SACK || body % OPTLEN_SACK_BLOCK != 0)
            return TK_WIRE_OPT_BADLEN;
        memset(out->sack, 0, sizeof out->sack); /* a repeated SACK replaces all blocks */
        for (size_t i = 0; i < n; i++) {
            out->sack[i].left = tk_be32(o->data + i * OPTLEN_SACK_BLOCK);
            out->sack[i].right = tk_be32(o->data + i * OPTLEN_SACK_BLOCK + 4);
        }
        out->sack_count = (uint8_t)n;
        out->present |= TK_OPT_SACK;
        return 0;
    }
    default:
        if (out->unknown < UINT8_MAX)
            out->unknown++;
        return 0;
    }
}

/* RFC 7323 Appendix A's layout, NOP NOP TS, on nearly every segment of a
 * connection with timestamps: read it without the general walk. */
static bool aligned_timestamp(const uint8_t *opts, size_t len, tk_tcp_opts *out) {
    if (len != 12 || opts[0] != TK_TCPOPT_NOP || opts[1] != TK_TCPOPT_NOP ||
        opts[2] != TK_TCPOPT_TS || opts[3] != OPTLEN_TS)
        return false;
    out->ts_val = tk_be32(opts + 4);
    out->ts_ecr = tk_be32(opts + 8);
    out->present = TK_OPT_TS;
    return true;
}

int tk_wire_tcp_opts_parse(const uint8_t *opts, size_t len, tk_tcp_opts *out) {
    memset(out, 0, sizeof *out);
    if (aligned_timestamp(opts, len, out))
        return 0;
    tk_tcp_opt_iter it;
    tk_tcp_opt o;
    int rc;
    tk_wire_tcp_opt_iter_init(&it, opts, len);
    while ((rc = tk_wire_tcp_opt_next(&it, &o)) > 0) {
        if (o.kind == TK_TCPOPT_EOL || o.kind == TK_TCPOPT_NOP)
            continue;
        int err = store_opt(&o, out);
        if (err < 0)
            return err;
    }
    return rc;
}

/* Bytes each part of the fixed layout takes (see tk_wire_tcp_opts_emit). */
static size_t sack_blocks(const tk_tcp_opts *o) {
    return (o->present & TK_OPT_SACK) ? o->sack_count : 0;
}

/* The option and its NOP padding to a multiple of 4. */
static size_t fastopen_size(const tk_tcp_opts *o) {
    return (2u + o->fo_len + 3u) & ~(size_t)3u;
}

static bool fastopen_bad(const tk_tcp_opts *o) {
    uint8_t n = o->fo_len;
    return (o->present & TK_OPT_FASTOPEN) && n != 0 &&
           (n < TK_TCP_FO_MIN || n > TK_TCP_FO_MAX || n % 2u != 0);
}

static uint8_t *put_fastopen(uint8_t *p, const tk_tcp_opts *o) {
    p[0] = TK_TCPOPT_FASTOPEN;
    p[1] = (uint8_t)(2u + o->fo_len);
    memcpy(p + 2, o->fo_cookie, o->fo_len);
    size_t used = 2u + o->fo_len;
    for (size_t i = used; i < fastopen_size(o); i++)
        p[i] = TK_TCPOPT_NOP;
    return p + fastopen_size(o);
}

size_t tk_wire_tcp_opts_size(const tk_tcp_opts *o) {
    size_t n = 0;
    if (o->present & TK_OPT_MSS)
        n += 4;
    if (o->present & TK_OPT_TS)
        n += 12; /* SACK_PERM,TS or NOP,NOP,TS */
    else if (o->present & TK_OPT_SACK_PERM)
        n += 4;
    if (o->present & TK_OPT_WSCALE)
        n += 4;
    if (o->present & TK_OPT_FASTOPEN)
        n += fastopen_size(o);
    if (o->present & TK_OPT_MD5)
        n += 2 + OPTLEN_MD5; /* NOP,NOP,MD5 */
    if (sack_blocks(o) > 0)
        n += 4 + OPTLEN_SACK_BLOCK * sack_blocks(o);
    return n;
}

static uint8_t *put_ts(uint8_t *p, const tk_tcp_opts *o) {
    if (o->present & TK_OPT_SACK_PERM) {
        p[0] = TK_TCPOPT_SACK_PERM;
        p[1] = OPTLEN_SACK_PERM;
    } else {
        p[0] = TK_TCPOPT_NOP;
        p[1] = TK_TCPOPT_NOP;
    }
    p[2] = TK_TCPOPT_TS;
    p[3] = OPTLEN_TS;
    tk_put32(p + 4, o->ts_val);
    tk_put32(p + 8, o->ts_ecr);
    return p + 12;
}

static uint8_t *put_sack(uint8_t *p, const tk_tcp_opts *o) {
    size_t n = sack_blocks(o);
    p[0] = TK_TCPOPT_NOP;
    p[1] = TK_TCPOPT_NOP;
    p[2] = TK_TCPOPT_SACK;
    p[3] = (uint8_t)(OPTLEN_SACK_BASE + OPTLEN_SACK_BLOCK * n);
    p += 4;
    for (size_t i = 0; i < n; i++, p += OPTLEN_SACK_BLOCK) {
        tk_put32(p, o->sack[i].left);
        tk_put32(p + 4, o->sack[i].right);
    }
    return p;
}

int tk_wire_tcp_opts_emit(const tk_tcp_opts *o, uint8_t *buf, size_t cap) {
    if (sack_blocks(o) > TK_TCP_MAX_SACK ||
        ((o->present & TK_OPT_WSCALE) && o->wscale > TK_TCP_MAX_WSCALE) || fastopen_bad(o))
        return TK_WIRE_INVAL;
    size_t size = tk_wire_tcp_opts_size(o);
    if (size > TK_TCP_MAX_OPTLEN)
        return TK_WIRE_INVAL;
    if (size > cap)
        return TK_WIRE_NOSPACE;
    uint8_t *p = buf;
    if (o->present & TK_OPT_MSS) {
        p[0] = TK_TCPOPT_MSS;
        p[1] = OPTLEN_MSS;
        tk_put16(p + 2, o->mss);
        p += 4;
    }
    if (o->present & TK_OPT_TS) {
        p = put_ts(p, o);
    } else if (o->present & TK_OPT_SACK_PERM) {
        p[0] = TK_TCPOPT_NOP;
        p[1] = TK_TCPOPT_NOP;
        p[2] = TK_TCPOPT_SACK_PERM;
        p[3] = OPTLEN_SACK_PERM;
        p += 4;
    }
    if (o->present & TK_OPT_WSCALE) {
        p[0] = TK_TCPOPT_NOP;
        p[1] = TK_TCPOPT_WSCALE;
        p[2] = OPTLEN_WSCALE;
        p[3] = o->wscale;
        p += 4;
    }
    if (o->present & TK_OPT_FASTOPEN)
        p = put_fastopen(p, o);
    if (o->present & TK_OPT_MD5) {
        p[0] = TK_TCPOPT_NOP;
        p[1] = TK_TCPOPT_NOP;
        p[2] = TK_TCPOPT_MD5;
        p[3] = OPTLEN_MD5;
        memcpy(p + 4, o->md5, TK_TCP_MD5_LEN);
        p += 2 + OPTLEN_MD5;
    }
    if (sack_blocks(o) > 0)
        p = put_sack(p, o);
    return (int)(p - buf);
}
