/* Fuzz target: the whole input path (SPEC SEC-4, DESIGN "fuzzing on the
 * whole input path"). A stack with a listener, an accepting application and
 * an active open receives a sequence of segments described by the input.
 * Frames are built with valid checksums so the state machine is reached;
 * one chunk in eight goes in as raw bytes instead. Nothing may crash, read
 * out of bounds or leak, and the connection table must stay readable.
 *
 * Input: chunks of
 *   mode(1) flags(1) seq_off(2) ack_off(2) win(2) dt_ms(1) port_sel(1)
 *   optlen(1) opts(optlen % 41) plen(1) payload(plen)
 * mode % 8 == 0 sends the rest of the chunk bytes as a raw frame. port_sel
 * bit 3 sends the segment inside UDP to the tunnel port (TCP over UDP),
 * from one of three UDP ports (bits 4-5); bit 6 sends it over IPv6 instead
 * (SPEC NET-4: the dual-stack listener and an IPv6 active open on port
 * 40001), from one of two addresses (bit 7). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "tcpkit/opts.h"
#include "tcpkit/socket.h"
#include "tcpkit/stack.h"
#include "tcpkit/stats.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/tcp.h"
#include "tcpkit/wire/udp.h"

#define LOCAL  0xc6120001u /* 198.18.0.1 */
#define REMOTE 0xc6120002u /* 198.18.0.2 */
#define ISS    0xfffff000u /* near 2^32: wrap-around paths too (DT-10) */
#define IRS    0x7ffffff0u
#define TUNNEL 9811

static const uint8_t local6[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t remote6[2][16] = {{0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2},
                                       {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9}};
static const uint8_t local_mac[6] = {0x02, 0, 0, 0, 0, 1};
static const uint8_t remote_mac[6] = {0x02, 0, 0, 0, 0, 2};

typedef struct reader {
    const uint8_t *p;
    size_t len;
} reader;

static bool take(reader *r, void *out, size_t n) {
    if (r->len < n)
        return false;
    memcpy(out, r->p, n);
    r->p += n;
    r->len -= n;
    return true;
}

static uint16_t be16(const uint8_t *p) {
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The driver: every frame the stack offers is whole (ours, an IPv4 header
 * that checks), including one that waited in the output buffer (a backlog
 * of one frame, tx_backlog_frames 1); every fourth offer finds the ring
 * full. */
typedef struct driver {
    size_t sent;
    uint32_t calls;
} driver;

static int out_frame(void *ctx, const uint8_t *f, size_t n) {
    driver *d = ctx;
    FUZZ_CHECK(n >= TK_ETH_HLEN && memcmp(f + 6, local_mac, 6) == 0);
    if (f[12] == 0x08 && f[13] == 0x00) {
        tk_ipv4_hdr ih;
        FUZZ_CHECK(tk_wire_ipv4_parse(f + TK_ETH_HLEN, n - TK_ETH_HLEN, true, &ih) >= 0);
    }
    if (++d->calls % 4 == 0)
        return -EBUSY;
    d->sent += n;
    return 0;
}

static uint32_t fixed_random(void *ctx) {
    (void)ctx;
    return 0x12345678u;
}

/* Ethernet + IPv4 + a TCP header with raw options and payload, checksummed. */
static size_t build(uint8_t *f, const uint8_t *hdr, const uint8_t *opts, size_t olen,
                    const uint8_t *data, size_t dlen, uint16_t sport, uint16_t dport) {
    size_t ohl = (olen + 3u) & ~(size_t)3u;
    size_t tl = TK_TCP_HLEN + ohl + dlen;
    uint8_t *t = f + TK_ETH_HLEN + TK_IPV4_HLEN;
    memset(t, 0, TK_TCP_HLEN + ohl);
    t[0] = (uint8_t)(sport >> 8), t[1] = (uint8_t)sport;
    t[2] = (uint8_t)(dport >> 8), t[3] = (uint8_t)dport;
    uint32_t seq = IRS + be16(hdr + 1), ack = ISS + be16(hdr + 3);
    for (int i = 0; i < 4; i++) {
        t[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
        t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
    }
    t[12] = (uint8_t)(((TK_TCP_HLEN + ohl) / 4) << 4);
    t[13] = hdr[0];
    t[14] = hdr[5], t[15] = hdr[6];
    memcpy(t + TK_TCP_HLEN, opts, olen);
    memcpy(t + TK_TCP_HLEN + ohl, data, dlen);
    uint32_t sum = tk_csum_pseudo(REMOTE, LOCAL, TK_IPPROTO_TCP, (uint16_t)tl);
    uint16_t c = tk_csum_finish(tk_csum_add(sum, t, tl));
    t[16] = (uint8_t)(c >> 8), t[17] = (uint8_t)c;
    tk_ipv4_hdr ip = {.total_len = (uint16_t)(TK_IPV4_HLEN + tl),
                      .ttl = 64,
                      .proto = TK_IPPROTO_TCP,
                      .src = REMOTE,
                      .dst = LOCAL};
    tk_wire_ipv4_emit(&ip, f + TK_ETH_HLEN, TK_IPV4_HLEN);
    tk_eth_hdr eh = {.type = TK_ETHERTYPE_IPV4};
    memcpy(eh.dst, local_mac, 6);
    memcpy(eh.src, remote_mac, 6);
    tk_wire_eth_emit(&eh, f, TK_ETH_HLEN);
    return TK_ETH_HLEN + TK_IPV4_HLEN + tl;
}

/* Rewrites a frame from build() as the same segment over IPv6 from
 * remote6[which]: the checksum is summed again over RFC 8200 8.1's
 * pseudo-header; f has room for the 20 more bytes. */
static size_t to_ipv6(uint8_t *f, size_t n, int which) {
    size_t off = TK_ETH_HLEN + TK_IPV4_HLEN, seg = n - off;
    memmove(f + TK_ETH_HLEN + TK_IPV6_HLEN, f + off, seg);
    uint8_t *t = f + TK_ETH_HLEN + TK_IPV6_HLEN;
    t[16] = t[17] = 0;
    if (be16(t + 2) == 40000)
        t[3] = 40001 & 0xff; /* the IPv6 active open's port */
    uint8_t ph[40] = {0};
    memcpy(ph, remote6[which], 16);
    memcpy(ph + 16, local6, 16);
    ph[34] = (uint8_t)(seg >> 8), ph[35] = (uint8_t)seg, ph[39] = TK_IPPROTO_TCP;
    uint16_t c = tk_csum_finish(tk_csum_add(tk_csum_add(0, ph, sizeof ph), t, seg));
    t[16] = (uint8_t)(c >> 8), t[17] = (uint8_t)c;
    tk_ipv6_hdr ih = {.payload_len = (uint16_t)seg, .next = TK_IPPROTO_TCP, .hop_limit = 64};
    memcpy(ih.src, remote6[which], 16);
    memcpy(ih.dst, local6, 16);
    FUZZ_CHECK(tk_wire_ipv6_emit(&ih, f + TK_ETH_HLEN, TK_IPV6_HLEN) == TK_IPV6_HLEN);
    f[12] = 0x86, f[13] = 0xdd;
    return TK_ETH_HLEN + TK_IPV6_HLEN + seg;
}

/* Moves the segment of a frame from build() into a UDP datagram from uport
 * to the tunnel port; f has room for the 8 more bytes. */
static size_t wrap_udp(uint8_t *f, size_t n, uint16_t uport) {
    size_t off = TK_ETH_HLEN + TK_IPV4_HLEN, seg = n - off;
    memmove(f + off + TK_UDP_HLEN, f + off, seg);
    tk_udp_hdr uh = {.sport = uport, .dport = TUNNEL};
    uint32_t sum = tk_csum_add(0, f + off + TK_UDP_HLEN, seg);
    int dg = tk_wire_udp_emit(&uh, seg, sum, REMOTE, LOCAL, f + off, seg + TK_UDP_HLEN);
    FUZZ_CHECK(dg == (int)(seg + TK_UDP_HLEN));
    tk_ipv4_hdr ip = {.total_len = (uint16_t)(TK_IPV4_HLEN + (size_t)dg),
                      .ttl = 64,
                      .proto = TK_IPPROTO_UDP,
                      .src = REMOTE,
                      .dst = LOCAL};
    tk_wire_ipv4_emit(&ip, f + TK_ETH_HLEN, TK_IPV4_HLEN);
    return n + TK_UDP_HLEN;
}

static tk_stack *setup(driver *drv) {
    tk_config cfg;
    tk_config_default(&cfg);
    cfg.addr = LOCAL;
    cfg.netmask = 0xffff0000u;
    memcpy(cfg.mac, local_mac, 6);
    cfg.max_sockets = 8;
    cfg.max_time_wait = 8;
    cfg.rcvbuf = cfg.sndbuf = 4096;
    cfg.isn_fixed = true;
    cfg.isn_value = ISS;
    cfg.udp_tunnel_port = TUNNEL;
    cfg.tx_backlog_frames = 1; /* waits in place: the output buffer */
    cfg.ipv6 = TK_WITH_IPV6;   /* IPv6 frames are dropped as an unknown type without it */
    cfg.dad_transmits = 0;
    memcpy(cfg.addr6, local6, 16);
    tk_stack_io io = {.output = out_frame, .random = fixed_random, .ctx = drv};
    tk_stack *s = NULL;
    FUZZ_CHECK(tk_stack_create(&s, &cfg, &io) == 0);
    FUZZ_CHECK(tk_stack_add_neighbor(s, REMOTE, remote_mac) == 0);
    int l = tk_socket(s);
    tk_sockaddr any = tk_sockaddr_in4(0, 80);
    FUZZ_CHECK(tk_bind(s, l, &any) == 0 && tk_listen(s, l, 2) == 0);
    int c = tk_socket(s);
    tk_sockaddr me = tk_sockaddr_in4(0, 40000), peer = tk_sockaddr_in4(REMOTE, 5000);
    FUZZ_CHECK(tk_bind(s, c, &me) == 0);
    FUZZ_CHECK(tk_connect(s, c, &peer) == -EINPROGRESS);
    if (!TK_WITH_IPV6)
        return s;
    int c6 = tk_socket(s);
    tk_sockaddr me6 = tk_sockaddr_in6(local6, 40001, 0),
                peer6 = tk_sockaddr_in6(remote6[0], 5000, 0);
    FUZZ_CHECK(tk_bind(s, c6, &me6) == 0);
    FUZZ_CHECK(tk_connect(s, c6, &peer6) == -EINPROGRESS);
    return s;
}

/* The application: accept, read everything, answer a little, close some. */
static void app(tk_stack *s, uint8_t mode) {
    tk_sockaddr peer;
    int a = tk_accept(s, 0, &peer);
    if (a >= 0 && (mode & 0x10))
        tk_close(s, a);
    uint8_t buf[512];
    for (int sd = 1; sd < 8; sd++) {
        while (tk_recv(s, sd, buf, sizeof buf) > 0) {
        }
        if (mode & 0x20)
            (void)tk_send(s, sd, "hello", 5);
        if ((mode & 0xc0) == 0xc0)
            (void)tk_shutdown(s, sd, TK_SHUT_WR);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    driver drv = {0, 0};
    tk_stack *s = setup(&drv);
    tk_time now = 0;
    tk_stack_poll(s, now);
    reader r = {data, size};
    uint8_t hdr[10];
    static const uint16_t ports[] = {5000, 6000, 1234, 5001};
    while (take(&r, hdr, sizeof hdr)) {
        uint8_t olen = (uint8_t)(hdr[9] % 41), opts[40], plen, payload[255];
        if (!take(&r, opts, olen) || !take(&r, &plen, 1) || !take(&r, payload, plen))
            break;
        uint8_t f[TK_ETH_HLEN + TK_IPV6_HLEN + TK_UDP_HLEN + TK_TCP_MAX_HLEN + 255];
        size_t n;
        if (hdr[0] % 8 == 0) {
            n = plen; /* at most 255 bytes: fits f */
            memcpy(f, payload, n);
        } else {
            uint16_t dport = (hdr[8] & 1) ? 80 : 40000;
            n = build(f, hdr + 1, opts, olen, payload, plen, ports[(hdr[8] >> 1) % 4], dport);
            if (hdr[8] & 0x40)
                n = to_ipv6(f, n, hdr[8] >> 7);
            else if (hdr[8] & 0x08)
                n = wrap_udp(f, n, (uint16_t)(4000 + (hdr[8] >> 4) % 3));
        }
        now += TK_MS(hdr[7]) * ((hdr[0] & 0x08) ? 1000u : 1u);
        (void)tk_stack_input(s, f, n, now);
        app(s, hdr[0]);
        tk_stack_poll(s, now);
        tk_conn_info info[16];
        FUZZ_CHECK(tk_stack_conn_table(s, info, 16) >= 0);
    }
    tk_stack_destroy(s, now);
    return 0;
}
