/* Inbound script packets -> frames: Ethernet, IPv4 or IPv6 (pkt_ip.c) and a
 * TCP header whose options keep the script's order, or an ICMP error
 * quoting a segment (pkt_icmp.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pkt_build_priv.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/tcp.h"
#include "tcpkit/wire/tcp_md5.h"
#include "tcpkit/wire/udp.h"

static void put16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v) {
    put16(p, v >> 16);
    put16(p + 2, v);
}

static int fail(char *msg, size_t cap, int rc, const char *text) {
    snprintf(msg, cap, "%s", text);
    return rc;
}

/* Sequence numbers in options: SACK blocks name the receiver's view of the
 * other side's sequence space. */
static uint32_t sack_base(const tk_pkt_conn *c, bool inbound) {
    return inbound ? c->local_isn : c->remote_isn;
}

static size_t put_opt(const tk_pkt_conn *c, bool inbound, const tk_pkt_opt *o, uint8_t *p) {
    switch (o->kind) {
    case TK_PKT_OPT_NOP:
        p[0] = TK_TCPOPT_NOP;
        return 1;
    case TK_PKT_OPT_EOL:
        p[0] = TK_TCPOPT_EOL;
        return 1;
    case TK_PKT_OPT_MSS:
        p[0] = TK_TCPOPT_MSS, p[1] = 4;
        put16(p + 2, o->a);
        return 4;
    case TK_PKT_OPT_WSCALE:
        p[0] = TK_TCPOPT_WSCALE, p[1] = 3, p[2] = (uint8_t)o->a;
        return 3;
    case TK_PKT_OPT_SACK_PERM:
        p[0] = TK_TCPOPT_SACK_PERM, p[1] = 2;
        return 2;
    case TK_PKT_OPT_SACK:
        p[0] = TK_TCPOPT_SACK, p[1] = (uint8_t)(2 + 8 * o->nsack);
        for (size_t i = 0; i < o->nsack; i++) {
            put32(p + 2 + 8 * i, sack_base(c, inbound) + o->sack[i][0]);
            put32(p + 6 + 8 * i, sack_base(c, inbound) + o->sack[i][1]);
        }
        return 2 + 8u * o->nsack;
    case TK_PKT_OPT_TS: {
        uint32_t val = o->a, ecr = o->b;
        if (c->ts_known && !inbound)
            val += c->ts_offset;
        if (c->ts_known && inbound && ecr != 0)
            ecr += c->ts_offset;
        p[0] = TK_TCPOPT_TS, p[1] = 10;
        put32(p + 2, val);
        put32(p + 6, ecr);
        return 10;
    }
    case TK_PKT_OPT_MD5:
        /* The digest is filled in once the segment is complete. */
        p[0] = TK_TCPOPT_MD5, p[1] = 2 + TK_TCP_MD5_LEN;
        memset(p + 2, 0, TK_TCP_MD5_LEN);
        return 2 + TK_TCP_MD5_LEN;
    case TK_PKT_OPT_FO:
        p[0] = TK_PKT_TCPOPT_FO, p[1] = (uint8_t)(2 + o->cookie_len);
        memcpy(p + 2, o->cookie, o->cookie_len);
        return 2u + o->cookie_len;
    case TK_PKT_OPT_FOEXP:
        p[0] = TK_PKT_TCPOPT_EXP, p[1] = (uint8_t)(4 + o->cookie_len);
        put16(p + 2, TK_PKT_FO_MAGIC);
        memcpy(p + 4, o->cookie, o->cookie_len);
        return 4u + o->cookie_len;
    }
    return 0;
}

static size_t opt_size(const tk_pkt_opt *o) {
    static const size_t sizes[] = {4, 1, 1, 3, 2, 0, 10, 18, 2, 4};
    size_t extra = o->kind == TK_PKT_OPT_SACK ? 8u * o->nsack : o->cookie_len;
    return sizes[o->kind] + (o->kind == TK_PKT_OPT_SACK ? 2 : 0) + extra;
}

int tk_pkt_opts_bytes(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t out[40]) {
    size_t n = 0;
    for (size_t i = 0; i < p->nopts; i++) {
        if (n + opt_size(&p->opts[i]) > TK_TCP_MAX_OPTLEN)
            return -EINVAL;
        n += put_opt(c, p->inbound, &p->opts[i], out + n);
    }
    while (n % 4)
        out[n++] = TK_TCPOPT_EOL;
    return (int)n;
}

/* The md5 option the script wrote (1 valid, 0 invalid), or -1. */
static int md5_wanted(const tk_pkt_packet *p) {
    for (size_t i = 0; i < p->nopts; i++)
        if (p->opts[i].kind == TK_PKT_OPT_MD5)
            return p->opts[i].a == 1;
    return -1;
}

/* RFC 2385: signs the finished segment with the script's secret; an
 * `md5 invalid` option gets the signature with one byte changed. */
static int sign_tcp(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t *seg, size_t len,
                    char *msg, size_t msgcap) {
    int want = md5_wanted(p);
    if (want < 0)
        return 0;
    if (c->md5_key == NULL)
        return fail(msg, msgcap, -EINVAL, "an md5 option needs --tcp_md5_secret");
    if (tk_pkt_conn_v6(c))
        return fail(msg, msgcap, -ENOTSUP, "md5 options over IPv6 are not supported yet");
    if (tk_wire_tcp_md5_sign(seg, len, c->raddr, c->laddr, (const uint8_t *)c->md5_key,
                             strlen(c->md5_key)) < 0)
        return fail(msg, msgcap, -EINVAL, "cannot sign the segment");
    if (want == 0) {
        seg[tk_wire_tcp_md5_find(seg, len)] ^= 0xff;
        uint32_t sum = tk_pkt_pseudo_in(c, TK_IPPROTO_TCP, len);
        put16(seg + 16, 0);
        put16(seg + 16, tk_csum_finish(tk_csum_add(sum, seg, len)));
    }
    return 0;
}

static int build_tcp(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t *buf, size_t cap,
                     char *msg, size_t msgcap) {
    uint8_t opts[40];
    int olen = tk_pkt_opts_bytes(c, p, opts);
    if (olen < 0)
        return fail(msg, msgcap, -EINVAL, "TCP options longer than 40 bytes");
    size_t udp = p->udp_encap ? TK_UDP_HLEN : 0;
    size_t iphlen = tk_pkt_ip_hlen(c);
    size_t off = TK_ETH_HLEN + iphlen + udp, hlen = TK_TCP_HLEN + (size_t)olen;
    /* IPv4's total length, IPv6's payload length: both 16 bits. */
    size_t limit = 65535 - hlen - udp - (tk_pkt_conn_v6(c) ? 0 : TK_IPV4_HLEN);
    if (p->len > limit || off + hlen + p->len > cap)
        return fail(msg, msgcap, -ENOSPC, "packet too large");
    uint8_t *t = buf + off;
    memset(t, 0, hlen + p->len);
    put16(t, c->rport);
    put16(t + 2, c->lport);
    put32(t + 4, p->seq_absolute ? p->seq : c->remote_isn + p->seq);
    /* As packetdrill: with the ACK flag an ack the script leaves out is 0,
     * relative to the stack's ISN like any other. */
    bool ack = p->has_ack || (p->flags & TK_TCP_ACK);
    put32(t + 8, ack ? c->local_isn + p->ack : 0);
    t[12] = (uint8_t)(hlen / 4 << 4);
    t[13] = p->flags;
    put16(t + 14, p->has_win ? p->win : 0);
    put16(t + 18, p->has_urg ? p->urg : 0);
    memcpy(t + TK_TCP_HLEN, opts, (size_t)olen);
    size_t seglen = hlen + p->len;
    uint32_t sum = tk_pkt_pseudo_in(c, TK_IPPROTO_TCP, seglen);
    put16(t + 16, tk_csum_finish(tk_csum_add(sum, t, seglen)));
    int rc = sign_tcp(c, p, t, seglen, msg, msgcap);
    if (rc < 0)
        return rc;
    if (!p->udp_encap)
        return tk_pkt_wrap_ip(c, p, TK_IPPROTO_TCP, seglen, buf, cap);
    int n = tk_pkt_udp_wrap(c, p->udp_sport, p->udp_dport, t, seglen);
    if (n < 0)
        return fail(msg, msgcap, -ENOSPC, "packet too large");
    return tk_pkt_wrap_ip(c, p, TK_IPPROTO_UDP, (size_t)n, buf, cap);
}

int tk_pkt_build(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t *buf, size_t cap, char *msg,
                 size_t msgcap) {
    return p->is_icmp ? tk_pkt_build_icmp(c, p, buf, cap, msg, msgcap)
                      : build_tcp(c, p, buf, cap, msg, msgcap);
}
