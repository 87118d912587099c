/* Neighbor Discovery messages (RFC 4861 4, validation 6.1 and 7.1). */
#include "tcpkit/wire/ndp.h"

#include <string.h>

#include "be.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/icmp6.h"

/* Bytes of the body (after the 8-byte ICMPv6 header) before the options. */
static int fixed_len(uint8_t type) {
    switch (type) {
    case TK_ICMP6_ND_RS:
        return 0;
    case TK_ICMP6_ND_RA:
        return 8; /* reachable time, retrans timer */
    case TK_ICMP6_ND_NS:
    case TK_ICMP6_ND_NA:
        return 16; /* target */
    default:
        return -1;
    }
}

static int prefix_option(const uint8_t *o, tk_nd_msg *out) {
    if (out->nprefix >= TK_ND_PREFIX_MAX) {
        out->prefixes_skipped++;
        return 0;
    }
    tk_nd_prefix *p = &out->prefix[out->nprefix++];
    p->len = o[2];
    p->flags = o[3];
    p->valid = tk_be32(o + 4);
    p->preferred = tk_be32(o + 8);
    memcpy(p->prefix, o + 16, 16);
    return 0;
}

/* One option at o of 8 * o[1] bytes (non-zero, inside the message). */
static int option(const uint8_t *o, tk_nd_msg *out) {
    size_t units = o[1];
    switch (o[0]) {
    case TK_ND_OPT_SLLA:
    case TK_ND_OPT_TLLA:
        if (units != 1)
            return TK_WIRE_ND_OPT_BADLEN; /* an Ethernet address takes 8 bytes (RFC 2464 8) */
        memcpy(o[0] == TK_ND_OPT_SLLA ? out->slla : out->tlla, o + 2, 6);
        if (o[0] == TK_ND_OPT_SLLA)
            out->has_slla = true;
        else
            out->has_tlla = true;
        return 0;
    case TK_ND_OPT_PREFIX:
        if (units != 4)
            return TK_WIRE_ND_OPT_BADLEN;
        return prefix_option(o, out);
    case TK_ND_OPT_MTU:
        if (units != 1)
            return TK_WIRE_ND_OPT_BADLEN;
        out->has_mtu = true;
        out->mtu = tk_be32(o + 4);
        return 0;
    default:
        return 0; /* RFC 4861 4.6: unknown options are ignored */
    }
}

static int options(const uint8_t *p, size_t len, tk_nd_msg *out) {
    size_t i = 0;
    while (i < len) {
        if (len - i < 2)
            return TK_WIRE_ND_OPT_OVERRUN;
        size_t olen = (size_t)p[i + 1] * 8;
        if (olen == 0)
            return TK_WIRE_ND_OPT_LEN0;
        if (olen > len - i)
            return TK_WIRE_ND_OPT_OVERRUN;
        int rc = option(p + i, out);
        if (rc < 0)
            return rc;
        i += olen;
    }
    return 0;
}

/* The checks of RFC 4861 6.1.1, 6.1.2, 7.1.1 and 7.1.2 that depend on the
 * addresses and the options found. */
static int check_addresses(const tk_ipv6_hdr *ih, const tk_nd_msg *m) {
    bool unspec = tk_ipv6_is_unspecified(ih->src);
    switch (m->type) {
    case TK_ICMP6_ND_RS:
        return unspec && m->has_slla ? TK_WIRE_ND_SOURCE : 0;
    case TK_ICMP6_ND_RA:
        return tk_ipv6_is_linklocal(ih->src) ? 0 : TK_WIRE_ND_SOURCE;
    case TK_ICMP6_ND_NS: {
        if (tk_ipv6_is_multicast(m->target))
            return TK_WIRE_ND_TARGET;
        if (!unspec)
            return 0;
        uint8_t sn[16];
        tk_ipv6_solicited_node(m->target, sn);
        if (memcmp(ih->dst, sn, 16) != 0)
            return TK_WIRE_ND_DEST;
        return m->has_slla ? TK_WIRE_ND_SOURCE : 0;
    }
    default: /* NA */
        if (tk_ipv6_is_multicast(m->target))
            return TK_WIRE_ND_TARGET;
        if (tk_ipv6_is_multicast(ih->dst) && (m->flags & TK_ND_NA_SOLICITED))
            return TK_WIRE_ND_DEST;
        return 0;
    }
}

int tk_wire_nd_parse(const tk_ipv6_hdr *ih, const tk_icmp_hdr *h, tk_nd_msg *out) {
    memset(out, 0, sizeof(*out));
    int fixed = fixed_len(h->type);
    if (fixed < 0)
        return TK_WIRE_INVAL;
    if (ih->hop_limit != TK_ND_HOP_LIMIT)
        return TK_WIRE_ND_HOPLIMIT;
    if (h->code != 0)
        return TK_WIRE_ND_CODE;
    if (h->data_len < (size_t)fixed)
        return TK_WIRE_ND_SHORT;
    out->type = h->type;
    const uint8_t *d = h->data;
    if (h->type == TK_ICMP6_ND_RA) {
        out->cur_hop_limit = (uint8_t)(h->rest >> 24);
        out->flags = (h->rest >> 16) & 0xffu;
        out->router_lifetime = (uint16_t)h->rest;
        out->reachable_time = tk_be32(d);
        out->retrans_timer = tk_be32(d + 4);
    } else if (h->type == TK_ICMP6_ND_NS || h->type == TK_ICMP6_ND_NA) {
        memcpy(out->target, d, 16);
        if (h->type == TK_ICMP6_ND_NA)
            out->flags = h->rest & 0xe0000000u;
    }
    int rc = options(d + fixed, h->data_len - (size_t)fixed, out);
    if (rc < 0)
        return rc;
    return check_addresses(ih, out);
}

static size_t put_lla(uint8_t *p, uint8_t type, const uint8_t mac[6]) {
    p[0] = type;
    p[1] = 1;
    memcpy(p + 2, mac, 6);
    return 8;
}

static size_t put_prefix(uint8_t *p, const tk_nd_prefix *x) {
    memset(p, 0, 32);
    p[0] = TK_ND_OPT_PREFIX;
    p[1] = 4;
    p[2] = x->len;
    p[3] = x->flags;
    tk_put32(p + 4, x->valid);
    tk_put32(p + 8, x->preferred);
    memcpy(p + 16, x->prefix, 16);
    return 32;
}

/* The body after the ICMPv6 header: the fixed part, then the options. */
static size_t body(const tk_nd_msg *m, uint8_t *p) {
    size_t n = 0;
    if (m->type == TK_ICMP6_ND_RA) {
        tk_put32(p, m->reachable_time);
        tk_put32(p + 4, m->retrans_timer);
        n = 8;
    } else if (m->type == TK_ICMP6_ND_NS || m->type == TK_ICMP6_ND_NA) {
        memcpy(p, m->target, 16);
        n = 16;
    }
    if (m->has_slla)
        n += put_lla(p + n, TK_ND_OPT_SLLA, m->slla);
    if (m->has_tlla)
        n += put_lla(p + n, TK_ND_OPT_TLLA, m->tlla);
    if (m->has_mtu) {
        p[n] = TK_ND_OPT_MTU;
        p[n + 1] = 1;
        tk_put16(p + n + 2, 0);
        tk_put32(p + n + 4, m->mtu);
        n += 8;
    }
    for (uint8_t i = 0; i < m->nprefix && i < TK_ND_PREFIX_MAX; i++)
        n += put_prefix(p + n, &m->prefix[i]);
    return n;
}

int tk_wire_nd_emit(const tk_nd_msg *m, const uint8_t src[16], const uint8_t dst[16], uint8_t *buf,
                    size_t cap) {
    if (fixed_len(m->type) < 0)
        return TK_WIRE_INVAL;
    uint8_t tmp[TK_ICMP6_HLEN + 16 + 8 + 8 + 8 + 32u * TK_ND_PREFIX_MAX];
    size_t blen = body(m, tmp);
    if (cap < TK_ICMP6_HLEN + blen)
        return TK_WIRE_NOSPACE;
    tk_icmp_hdr h;
    memset(&h, 0, sizeof(h));
    h.type = m->type;
    if (m->type == TK_ICMP6_ND_RA)
        h.rest = (uint32_t)m->cur_hop_limit << 24 | (m->flags & 0xffu) << 16 | m->router_lifetime;
    else if (m->type == TK_ICMP6_ND_NA)
        h.rest = m->flags & 0xe0000000u;
    h.data = tmp;
    h.data_len = blen;
    return tk_wire_icmp6_emit(&h, src, dst, buf, cap);
}
