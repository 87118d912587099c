/* The IPv6 extension-header chain (RFC 8200 4): hop-by-hop and destination
 * options, routing and fragment headers, walked in order up to the upper
 * layer. Every header is bounded by the payload length; the walk is bounded
 * by TK_IPV6_CHAIN_MAX headers. */
#include <string.h>

#include "be.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/ipv4.h" /* TK_IPPROTO_TCP, TK_IPPROTO_UDP */
#include "tcpkit/wire/ipv6.h"

#define OPT_PAD1 0
#define OPT_PADN 1

static int report(tk_ipv6_chain *out, uint8_t code, size_t pointer, int err) {
    out->param_problem = true;
    out->pp_code = code;
    out->pp_pointer = (uint32_t)pointer;
    return err;
}

/* An unknown option: RFC 8200 4.2, the action in the two high bits. */
static int unknown_option(uint8_t type, size_t at, bool mcast_dst, tk_ipv6_chain *out) {
    switch (type >> 6) {
    case 0:
        return 0; /* skip over it */
    case 1:
        return TK_WIRE_IP6_OPT_UNKNOWN; /* discard silently */
    case 2:
        return report(out, 2, at, TK_WIRE_IP6_OPT_UNKNOWN);
    default:
        if (mcast_dst)
            return TK_WIRE_IP6_OPT_UNKNOWN;
        return report(out, 2, at, TK_WIRE_IP6_OPT_UNKNOWN);
    }
}

/* The options of a hop-by-hop or destination-options header in
 * pkt[start .. end). */
static int options(const uint8_t *pkt, size_t start, size_t end, bool mcast_dst,
                   tk_ipv6_chain *out) {
    size_t i = start;
    while (i < end) {
        uint8_t type = pkt[i];
        if (type == OPT_PAD1) {
            i++;
            continue;
        }
        if (i + 2 > end || i + 2 + (size_t)pkt[i + 1] > end)
            return TK_WIRE_IP6_OPT_OVERRUN;
        if (type != OPT_PADN) {
            int rc = unknown_option(type, i, mcast_dst, out);
            if (rc < 0)
                return rc;
        }
        i += 2 + (size_t)pkt[i + 1];
    }
    return 0;
}

/* A fragment header at off (RFC 8200 4.5). Returns 1 when the packet is a
 * real fragment (the walk stops), 0 for an atomic fragment (RFC 6946), or
 * an error. */
static int fragment(const uint8_t *pkt, size_t off, size_t end, tk_ipv6_chain *out) {
    uint16_t fo = tk_be16(pkt + off + 2);
    uint16_t offset = fo & 0xfff8u;
    bool more = (fo & 1u) != 0;
    if (offset == 0 && !more)
        return 0;
    if (more && (end - (off + 8)) % 8 != 0)
        return report(out, 0, 4, TK_WIRE_IP6_FRAG_LEN); /* points at the payload length */
    out->fragment = true;
    out->frag_off = offset;
    out->frag_more = more;
    out->frag_id = tk_be32(pkt + off + 4);
    return 1;
}

static bool is_extension(uint8_t next) {
    return next == TK_IPPROTO_HOPOPTS || next == TK_IPPROTO_DSTOPTS || next == TK_IPPROTO_ROUTING ||
           next == TK_IPPROTO_FRAGMENT;
}

int tk_wire_ipv6_chain(const uint8_t *pkt, const tk_ipv6_hdr *h, tk_ipv6_chain *out) {
    memset(out, 0, sizeof(*out));
    size_t end = TK_IPV6_HLEN + (size_t)h->payload_len;
    bool mcast = tk_ipv6_is_multicast(h->dst);
    uint8_t next = h->next;
    size_t off = TK_IPV6_HLEN;
    size_t nh_field = 6; /* the byte that names `next` */
    while (is_extension(next)) {
        if (next == TK_IPPROTO_HOPOPTS && off != TK_IPV6_HLEN)
            return report(out, 1, nh_field, TK_WIRE_IP6_HBH_PLACE); /* RFC 8200 4.1 */
        if (++out->count > TK_IPV6_CHAIN_MAX)
            return TK_WIRE_IP6_CHAIN_LONG;
        if (off + 8 > end)
            return TK_WIRE_IP6_EXT_SHORT;
        size_t elen = next == TK_IPPROTO_FRAGMENT ? 8 : ((size_t)pkt[off + 1] + 1) * 8;
        if (off + elen > end)
            return TK_WIRE_IP6_EXT_SHORT;
        int rc = 0;
        if (next == TK_IPPROTO_HOPOPTS || next == TK_IPPROTO_DSTOPTS)
            rc = options(pkt, off + 2, off + elen, mcast, out);
        else if (next == TK_IPPROTO_ROUTING && pkt[off + 3] != 0)
            rc = report(out, 0, off + 2, TK_WIRE_IP6_ROUTING); /* points at the type */
        else if (next == TK_IPPROTO_FRAGMENT)
            rc = fragment(pkt, off, end, out);
        if (rc < 0)
            return rc;
        nh_field = off;
        next = pkt[off];
        off += elen;
        if (rc == 1)
            break; /* a fragment: what follows is reassembled first */
    }
    out->proto = next;
    out->off = off;
    out->pp_pointer = (uint32_t)nh_field; /* for "unrecognized next header" */
    return 0;
}

static size_t upper_min(uint8_t proto) {
    switch (proto) {
    case TK_IPPROTO_TCP:
        return 20;
    case TK_IPPROTO_UDP:
        return 8;
    case TK_IPPROTO_ICMPV6:
        return 8;
    case TK_IPPROTO_NONE:
        return 0;
    default:
        return 1;
    }
}

bool tk_wire_ipv6_first_frag_whole(const uint8_t *pkt, const tk_ipv6_hdr *h,
                                   const tk_ipv6_chain *c) {
    size_t end = TK_IPV6_HLEN + (size_t)h->payload_len, off = c->off;
    uint8_t next = c->proto;
    for (int n = 0; is_extension(next); n++) {
        if (n >= TK_IPV6_CHAIN_MAX || off + 8 > end)
            return false;
        size_t elen = next == TK_IPPROTO_FRAGMENT ? 8 : ((size_t)pkt[off + 1] + 1) * 8;
        next = pkt[off];
        off += elen;
    }
    return off <= end && end - off >= upper_min(next);
}

int tk_wire_ipv6_frag_emit(uint8_t next, uint16_t off_bytes, bool more, uint32_t id, uint8_t *buf,
                           size_t cap) {
    if (cap < 8)
        return TK_WIRE_NOSPACE;
    if (off_bytes & 7u)
        return TK_WIRE_INVAL;
    buf[0] = next;
    buf[1] = 0;
    tk_put16(buf + 2, (uint16_t)(off_bytes | (more ? 1u : 0u)));
    tk_put32(buf + 4, id);
    return 8;
}
