/* IPv6 frames for the printer's comparison with tcpdump (SPEC NET-4,
 * OBS-2): a TCP conversation with options, UDP, ICMPv6 echo and errors,
 * Neighbor Discovery with options, an MLDv2 report behind a hop-by-hop
 * header, destination options, fragments and unknown next headers. Built
 * with the wire emit functions; checksums are right, so tshark finds
 * nothing to flag either. */
#include "gen_ipv6.h"

#include <string.h>

#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/ndp.h"
#include "tcpkit/wire/tcp.h"

#define FRAME_MAX 1600

static const uint8_t C6[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t S6[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t LL1[16] = {0xfe, 0x80, 0,    0,    0,    0, 0,    0,
                                0x6e, 0xab, 0x17, 0x24, 0xb4, 0, 0xbf, 0xc4};
static const uint8_t LL2[16] = {0xfe, 0x80, 0,    0,    0,    0,    0,    0,
                                0,    0xa4, 0x69, 0xff, 0xfe, 0xbf, 0x20, 0xfe};
static const uint8_t ALL[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t ROUTERS[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t MLDV2[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16};
static const uint8_t UNSPEC[16] = {0};
static const uint8_t MAC1[6] = {2, 0, 0, 0, 0, 1};
static const uint8_t MAC2[6] = {2, 0, 0, 0, 0, 2};

typedef struct gen {
    gen_emit_fn emit;
    void *ctx;
} gen;

/* Ethernet + IPv6 header around the payload already at f + 54. */
static void send6(const gen *g, uint8_t *f, const uint8_t src[16], const uint8_t dst[16],
                  uint8_t next, uint8_t hop, size_t plen) {
    tk_eth_hdr eh = {.type = TK_ETHERTYPE_IPV6};
    if (tk_ipv6_is_multicast(dst))
        tk_ipv6_mcast_mac(dst, eh.dst);
    else
        memcpy(eh.dst, memcmp(dst, C6, 16) == 0 || memcmp(dst, LL1, 16) == 0 ? MAC1 : MAC2, 6);
    memcpy(eh.src, memcmp(eh.dst, MAC1, 6) == 0 ? MAC2 : MAC1, 6);
    (void)tk_wire_eth_emit(&eh, f, 14);
    tk_ipv6_hdr ih = {.payload_len = (uint16_t)plen, .next = next, .hop_limit = hop};
    memcpy(ih.src, src, 16);
    memcpy(ih.dst, dst, 16);
    (void)tk_wire_ipv6_emit(&ih, f + 14, 40);
    g->emit(g->ctx, f, 54 + plen);
}

static size_t tcp6(uint8_t *at, const uint8_t src[16], const uint8_t dst[16], uint16_t sport,
                   uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                   const tk_tcp_opts *opts, size_t dlen) {
    uint8_t data[1200];
    for (size_t i = 0; i < dlen; i++)
        data[i] = (uint8_t)('a' + i % 26);
    tk_tcp_hdr h = {
        .sport = sport, .dport = dport, .seq = seq, .ack = ack, .flags = flags, .win = 64800};
    if (opts)
        h.opts = *opts;
    int n = tk_wire_tcp_emit(&h, data, dlen, 0, 0, at, FRAME_MAX - 54);
    at[16] = at[17] = 0;
    uint16_t c = tk_csum_finish(
        tk_csum_add(tk_csum_pseudo6(src, dst, TK_IPPROTO_TCP, (uint32_t)n), at, (size_t)n));
    at[16] = (uint8_t)(c >> 8);
    at[17] = (uint8_t)c;
    return (size_t)n;
}

static void put_tcp6(const gen *g, bool from_client, uint32_t seq, uint32_t ack, uint8_t flags,
                     const tk_tcp_opts *o, size_t dlen) {
    uint8_t f[FRAME_MAX];
    const uint8_t *src = from_client ? C6 : S6, *dst = from_client ? S6 : C6;
    size_t n = tcp6(f + 54, src, dst, from_client ? 40000 : 80, from_client ? 80 : 40000, seq, ack,
                    flags, o, dlen);
    send6(g, f, src, dst, TK_IPPROTO_TCP, 64, n);
}

static void conversation(const gen *g) {
    tk_tcp_opts syn = {.present = TK_OPT_MSS | TK_OPT_WSCALE | TK_OPT_SACK_PERM | TK_OPT_TS,
                       .mss = 1440,
                       .wscale = 7,
                       .ts_val = 1000,
                       .ts_ecr = 0};
    tk_tcp_opts ts = {.present = TK_OPT_TS, .ts_val = 1001, .ts_ecr = 7000};
    const uint32_t c = 1000, v = 900000;
    put_tcp6(g, true, c, 0, TK_TCP_SYN, &syn, 0);
    syn.ts_val = 7000;
    syn.ts_ecr = 1000;
    put_tcp6(g, false, v, c + 1, TK_TCP_SYN | TK_TCP_ACK, &syn, 0);
    put_tcp6(g, true, c + 1, v + 1, TK_TCP_ACK, &ts, 0);
    put_tcp6(g, true, c + 1, v + 1, TK_TCP_PSH | TK_TCP_ACK, &ts, 100);
    put_tcp6(g, false, v + 1, c + 101, TK_TCP_ACK, &ts, 1200);
    tk_tcp_opts sack = ts;
    sack.present |= TK_OPT_SACK;
    sack.sack_count = 1;
    sack.sack[0] = (tk_sack_block){v + 2401, v + 3601};
    put_tcp6(g, true, c + 101, v + 1201, TK_TCP_ACK, &sack, 0);
    put_tcp6(g, false, v + 1201, c + 101, TK_TCP_FIN | TK_TCP_ACK, NULL, 0);
    put_tcp6(g, true, c + 101, v + 1202, TK_TCP_RST | TK_TCP_ACK, NULL, 0);
}

static void put_icmp6(const gen *g, const uint8_t src[16], const uint8_t dst[16], uint8_t hop,
                      const tk_icmp_hdr *h) {
    uint8_t f[FRAME_MAX];
    int n = tk_wire_icmp6_emit(h, src, dst, f + 54, FRAME_MAX - 54);
    send6(g, f, src, dst, TK_IPPROTO_ICMPV6, hop, (size_t)n);
}

static void put_nd(const gen *g, const tk_nd_msg *m, const uint8_t src[16], const uint8_t dst[16]) {
    uint8_t f[FRAME_MAX];
    int n = tk_wire_nd_emit(m, src, dst, f + 54, FRAME_MAX - 54);
    send6(g, f, src, dst, TK_IPPROTO_ICMPV6, 255, (size_t)n);
}

static void icmp_and_nd(const gen *g) {
    static const uint8_t ping[56] = "0123456789abcdefghijklmnopqrstuvwxyz";
    tk_icmp_hdr e = {TK_ICMP6_ECHO_REQUEST, 0, 0, 0x23160001u, ping, sizeof ping};
    put_icmp6(g, C6, S6, 64, &e);
    e.type = TK_ICMP6_ECHO_REPLY;
    put_icmp6(g, S6, C6, 64, &e);
    e.type = TK_ICMP6_ECHO_REQUEST;
    e.rest = 0x00070003u;
    put_icmp6(g, LL2, LL1, 64, &e);
    tk_nd_msg m = {.type = TK_ICMP6_ND_NS};
    memcpy(m.target, S6, 16);
    m.has_slla = true;
    memcpy(m.slla, MAC1, 6);
    uint8_t sn[16];
    tk_ipv6_solicited_node(S6, sn);
    put_nd(g, &m, C6, sn);
    m.has_slla = false; /* DAD */
    put_nd(g, &m, UNSPEC, sn);
    memset(&m, 0, sizeof m);
    m.type = TK_ICMP6_ND_NA;
    m.flags = TK_ND_NA_SOLICITED | TK_ND_NA_OVERRIDE;
    memcpy(m.target, S6, 16);
    m.has_tlla = true;
    memcpy(m.tlla, MAC2, 6);
    put_nd(g, &m, S6, C6);
    m.flags = TK_ND_NA_OVERRIDE;
    put_nd(g, &m, S6, ALL);
    memset(&m, 0, sizeof m);
    m.type = TK_ICMP6_ND_RS;
    m.has_slla = true;
    memcpy(m.slla, MAC2, 6);
    put_nd(g, &m, LL2, ROUTERS);
    memset(&m, 0, sizeof m);
    m.type = TK_ICMP6_ND_RA;
    m.cur_hop_limit = 64;
    m.router_lifetime = 1800;
    m.has_slla = true;
    memcpy(m.slla, MAC1, 6);
    m.has_mtu = true;
    m.mtu = 1500;
    m.nprefix = 1;
    m.prefix[0] = (tk_nd_prefix){64, TK_ND_PREFIX_ONLINK | TK_ND_PREFIX_AUTO, 86400, 14400, {0}};
    memcpy(m.prefix[0].prefix, C6, 8);
    put_nd(g, &m, LL1, ALL);
    /* A Packet Too Big quoting the start of a full-size segment. */
    uint8_t q[40 + 60];
    tk_ipv6_hdr qh = {.payload_len = 1440, .next = TK_IPPROTO_TCP, .hop_limit = 64};
    memcpy(qh.src, S6, 16);
    memcpy(qh.dst, C6, 16);
    (void)tk_wire_ipv6_emit(&qh, q, 40);
    (void)tcp6(q + 40, S6, C6, 80, 40000, 1, 1, TK_TCP_ACK, NULL, 40);
    tk_icmp_hdr ptb = {TK_ICMP6_PKT_TOO_BIG, 0, 0, 1280, q, sizeof q};
    put_icmp6(g, C6, S6, 64, &ptb);
}

/* An MLDv2 report behind a hop-by-hop header with a router alert, as the
 * kernel sends them. */
static void mld_report(const gen *g) {
    uint8_t f[FRAME_MAX];
    const uint8_t hbh[8] = {58, 0, 5, 2, 0, 0, 1, 0};
    memcpy(f + 54, hbh, 8);
    uint8_t rec[20] = {4, 0, 0, 0, 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 2};
    tk_icmp_hdr h = {TK_ICMP6_MLD2_REPORT, 0, 0, 1, rec, sizeof rec};
    int n = tk_wire_icmp6_emit(&h, LL2, MLDV2, f + 62, FRAME_MAX - 62);
    send6(g, f, LL2, MLDV2, TK_IPPROTO_HOPOPTS, 1, 8 + (size_t)n);
}

static void extension_headers(const gen *g) {
    uint8_t f[FRAME_MAX];
    /* Destination options (PadN), then an echo request. */
    const uint8_t dst[8] = {58, 0, 1, 4, 0, 0, 0, 0};
    memcpy(f + 54, dst, 8);
    static const uint8_t d8[8] = "abcdefgh";
    tk_icmp_hdr e = {TK_ICMP6_ECHO_REQUEST, 0, 0, 0x00090001u, d8, 8};
    int n = tk_wire_icmp6_emit(&e, C6, S6, f + 62, FRAME_MAX - 62);
    send6(g, f, C6, S6, TK_IPPROTO_DSTOPTS, 64, 8 + (size_t)n);
    /* No next header; an unknown one. */
    send6(g, f, C6, S6, TK_IPPROTO_NONE, 64, 0);
    memset(f + 54, 0, 12);
    send6(g, f, C6, S6, 253, 64, 12);
    /* UDP. */
    uint8_t *u = f + 54;
    memset(u, 0, 8 + 20);
    u[0] = 0x9c;
    u[1] = 0x40;
    u[3] = 0x88; /* 5000: a port tcpdump decodes nothing on */
    u[2] = 0x13;
    u[5] = 28;
    uint16_t c = tk_csum_finish(tk_csum_add(tk_csum_pseudo6(C6, S6, TK_IPPROTO_UDP, 28), u, 28));
    u[6] = (uint8_t)(c >> 8);
    u[7] = (uint8_t)c;
    send6(g, f, C6, S6, TK_IPPROTO_UDP, 64, 28);
}

/* Errors quoting a segment, and more headers. */
static void more(const gen *g) {
    uint8_t q[40 + 28];
    tk_ipv6_hdr qh = {.payload_len = 28, .next = TK_IPPROTO_TCP, .hop_limit = 1};
    memcpy(qh.src, C6, 16);
    memcpy(qh.dst, S6, 16);
    (void)tk_wire_ipv6_emit(&qh, q, 40);
    (void)tcp6(q + 40, C6, S6, 40000, 80, 5, 0, TK_TCP_SYN, NULL, 8);
    const struct {
        uint8_t type, code;
        uint32_t rest;
    } errs[] = {{TK_ICMP6_TIME_EXCEEDED, 0, 0}, {TK_ICMP6_DEST_UNREACH, 4, 0},
                {TK_ICMP6_DEST_UNREACH, 0, 0},  {TK_ICMP6_DEST_UNREACH, 3, 0},
                {TK_ICMP6_PARAM_PROBLEM, 1, 6}, {TK_ICMP6_PARAM_PROBLEM, 2, 42}};
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        tk_icmp_hdr h = {errs[i].type, errs[i].code, 0, errs[i].rest, q, sizeof q};
        put_icmp6(g, S6, C6, 64, &h);
    }
    uint8_t f[FRAME_MAX];
    /* Fragments of a TCP segment: the first with the header, a later one. */
    uint8_t fh[8];
    uint8_t whole[48]; /* 20 bytes of header and 28 of data, split at 32 */
    (void)tcp6(whole, C6, S6, 40000, 80, 7, 1, TK_TCP_ACK, NULL, 28);
    (void)tk_wire_ipv6_frag_emit(TK_IPPROTO_TCP, 0, true, 0x1234, fh, 8);
    memcpy(f + 54, fh, 8);
    memcpy(f + 62, whole, 32);
    send6(g, f, C6, S6, TK_IPPROTO_FRAGMENT, 64, 8 + 32);
    (void)tk_wire_ipv6_frag_emit(TK_IPPROTO_TCP, 32, false, 0x1234, fh, 8);
    memcpy(f + 54, fh, 8);
    memcpy(f + 62, whole + 32, 16);
    send6(g, f, C6, S6, TK_IPPROTO_FRAGMENT, 64, 24);
    size_t n;
    /* A routing header with no segments left, then TCP. */
    const uint8_t rh[24] = {TK_IPPROTO_TCP, 2, 0, 0};
    memcpy(f + 54, rh, 24);
    n = tcp6(f + 78, C6, S6, 40000, 80, 7, 1, TK_TCP_ACK, NULL, 0);
    send6(g, f, C6, S6, TK_IPPROTO_ROUTING, 64, 24 + n);
    /* A router's NA for its link-local address. */
    tk_nd_msg m = {.type = TK_ICMP6_ND_NA, .flags = TK_ND_NA_ROUTER | TK_ND_NA_SOLICITED};
    memcpy(m.target, LL1, 16);
    put_nd(g, &m, LL1, LL2);
}

void gen_ipv6_frames(gen_emit_fn emit, void *ctx) {
    gen g = {emit, ctx};
    conversation(&g);
    icmp_and_nd(&g);
    mld_report(&g);
    extension_headers(&g);
    more(&g);
}

static uint64_t mut_state;

static uint32_t mut_rnd(void) { /* splitmix64, as gen_mutants.c */
    uint64_t z = (mut_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

typedef struct collect {
    uint8_t frames[40][FRAME_MAX];
    size_t len[40];
    int n;
} collect;

static void keep(void *ctx, const uint8_t *f, size_t len) {
    collect *c = ctx;
    if (c->n < 40) {
        memcpy(c->frames[c->n], f, len);
        c->len[c->n++] = len;
    }
}

/* One mutant of a frame: cut short, or 1-3 random bytes past the IPv6
 * addresses (payload length and hop limit included); the addresses and the
 * first next header stay, so tcpdump's conversation table and protocol
 * choice stay comparable. */
static size_t mutate(uint8_t *f, size_t len) {
    if (mut_rnd() % 5 < 2)
        return 14 + mut_rnd() % (uint32_t)(len - 14 + 1);
    int k = 1 + (int)(mut_rnd() % 3);
    for (int i = 0; i < k; i++) {
        uint32_t r = len > 54 ? mut_rnd() % 8 : mut_rnd() % 2;
        size_t at = r == 0   ? 14 + 4 + mut_rnd() % 2
                    : r == 1 ? 14 + 7
                             : 54 + mut_rnd() % (uint32_t)(len - 54);
        if (at < len)
            f[at] = (uint8_t)mut_rnd();
    }
    return len;
}

void gen_ipv6_mutants(gen_emit_fn emit, gen_accept_fn accept, void *ctx, uint64_t seed, int count) {
    static collect c;
    c.n = 0;
    gen_ipv6_frames(keep, &c);
    mut_state = seed;
    for (int made = 0; made < count;) {
        uint8_t f[FRAME_MAX];
        int i = (int)(mut_rnd() % (uint32_t)c.n);
        memcpy(f, c.frames[i], c.len[i]);
        size_t len = mutate(f, c.len[i]);
        if (!accept(ctx, f, len))
            continue;
        emit(ctx, f, len);
        made++;
    }
}
