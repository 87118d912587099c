/* Writes varied frames to pcap files and, next to each, the lines the printer
 * makes of them, so that print_vs_tcpdump.sh can compare them with tcpdump
 * and tshark (SPEC OBS-1, OBS-2).
 *
 *   gen_frames DIR   ->  DIR/good.pcap DIR/good.txt   well-formed frames
 *                        DIR/good_ns.pcap              same, nanosecond stamps
 *                        DIR/odd.pcap  DIR/odd.txt     malformed / cut frames
 *                        DIR/ipv6.pcap DIR/ipv6.txt    IPv6 frames (gen_ipv6.c)
 *                        DIR/ipv6_mutants.pcap, .txt   3000 seeded mutants of them
 *
 * Each .txt line is "HH:MM:SS.uuuuuu <printer text>", as tcpdump -nn -r shows
 * the pcap with TZ=UTC. Frames are built with the wire emit functions. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_ipv6.h"
#include "lib/print/print.h"
#include "pcap_writer.h"
#include "tcpkit/wire/arp.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/tcp.h"
#include "tcpkit/wire/tcp_md5.h"

#define CLIENT    0xc6120001u /* 198.18.0.1 */
#define SERVER    0xc6120002u /* 198.18.0.2 */
#define ROUTER    0xc6130001u /* 198.19.0.1 */
#define FRAME_MAX 1600
#define ETH_MIN   60

static const uint8_t mac_client[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t mac_server[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* One output: a pcap (or two) and the printer's lines for it. */
typedef struct sink {
    tk_pcap_writer us, ns;
    bool has_ns;
    FILE *txt;
    tk_printer printer;
    tk_time now;
    int frames;
} sink;

static void die(const char *what, int rc) {
    fprintf(stderr, "gen_frames: %s failed (%d)\n", what, rc);
    exit(1);
}

static void emit(sink *s, const uint8_t *f, size_t len) {
    static char text[TK_PRINT_LINE_MAX];
    char stamp[TK_PRINT_TIME_LEN];
    s->now += 1000 + (tk_time)s->frames * 37; /* distinct sub-second parts */
    int rc = tk_pcap_write(&s->us, s->now, f, len);
    if (rc == 0 && s->has_ns)
        rc = tk_pcap_write(&s->ns, s->now, f, len);
    if (rc != 0)
        die("tk_pcap_write", rc);
    rc = tk_print_frame(&s->printer, f, len, text, sizeof text);
    if (rc < 0)
        die("tk_print_frame", rc);
    tk_print_time(s->now, stamp, sizeof stamp);
    fprintf(s->txt, "%s %s\n", stamp, text);
    s->frames++;
}

/* Ethernet header; pads the frame to the 60-byte minimum like a NIC. */
static size_t eth_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type,
                        size_t payload) {
    tk_eth_hdr h = {.type = type};
    memcpy(h.dst, dst, 6);
    memcpy(h.src, src, 6);
    if (tk_wire_eth_emit(&h, f, FRAME_MAX) != TK_ETH_HLEN)
        die("eth emit", -1);
    size_t len = TK_ETH_HLEN + payload;
    if (len < ETH_MIN) {
        memset(f + len, 0, ETH_MIN - len);
        len = ETH_MIN;
    }
    return len;
}

static void ipv4_hdr(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto, size_t l4len) {
    tk_ipv4_hdr ip = {.total_len = (uint16_t)(TK_IPV4_HLEN + l4len),
                      .id = 0x1234,
                      .frag = TK_IPV4_DF,
                      .ttl = 64,
                      .proto = proto,
                      .src = src,
                      .dst = dst};
    if (tk_wire_ipv4_emit(&ip, f + TK_ETH_HLEN, FRAME_MAX - TK_ETH_HLEN) != TK_IPV4_HLEN)
        die("ipv4 emit", -1);
}

typedef struct tcp_seg {
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win, urg;
    tk_tcp_opts opts;
    const uint8_t *raw_opts; /* replaces the emitted options: `opts` must emit
                                the same number of bytes (MSS+WSCALE: 8) */
    const char *payload;
    size_t plen; /* 0: strlen(payload) */
} tcp_seg;

static void tcp_recsum(uint8_t *seg, size_t len, uint32_t src, uint32_t dst) {
    seg[16] = seg[17] = 0;
    uint32_t sum = tk_csum_pseudo(src, dst, TK_IPPROTO_TCP, (uint16_t)len);
    uint16_t c = tk_csum_finish(tk_csum_add(sum, seg, len));
    seg[16] = (uint8_t)(c >> 8);
    seg[17] = (uint8_t)c;
}

static size_t tcp_frame(uint8_t *f, const tcp_seg *t) {
    static const char filler[] = "the quick brown fox jumps over the lazy dog. ";
    uint8_t payload[1400];
    size_t plen = t->plen ? t->plen : (t->payload ? strlen(t->payload) : 0);
    for (size_t i = 0; i < plen; i++)
        payload[i] = t->payload && !t->plen ? (uint8_t)t->payload[i]
                                            : (uint8_t)filler[i % (sizeof filler - 1)];
    tk_tcp_hdr h = {.sport = t->sport,
                    .dport = t->dport,
                    .seq = t->seq,
                    .ack = t->ack,
                    .flags = t->flags,
                    .win = t->win,
                    .urg = t->urg,
                    .opts = t->opts};
    uint8_t *seg = f + TK_ETH_HLEN + TK_IPV4_HLEN;
    int n = tk_wire_tcp_emit(&h, payload, plen, t->src, t->dst, seg,
                             FRAME_MAX - TK_ETH_HLEN - TK_IPV4_HLEN);
    if (n < 0)
        die("tcp emit", n);
    if (t->raw_opts) {
        memcpy(seg + TK_TCP_HLEN, t->raw_opts, (size_t)(seg[12] >> 4) * 4u - TK_TCP_HLEN);
        tcp_recsum(seg, (size_t)n, t->src, t->dst);
    }
    ipv4_hdr(f, t->src, t->dst, TK_IPPROTO_TCP, (size_t)n);
    bool to_server = t->dst == SERVER;
    return eth_frame(f, to_server ? mac_server : mac_client, to_server ? mac_client : mac_server,
                     TK_ETHERTYPE_IPV4, TK_IPV4_HLEN + (size_t)n);
}

static void put_tcp(sink *s, const tcp_seg *t) {
    uint8_t f[FRAME_MAX];
    emit(s, f, tcp_frame(f, t));
}

/* A segment with the MD5 option, signed with key (RFC 2385) as the stack
 * signs it: tcpdump without -M prints the digest in hex. */
static void put_signed_tcp(sink *s, const tcp_seg *t, const char *key) {
    uint8_t f[FRAME_MAX];
    size_t n = tcp_frame(f, t);
    size_t off = TK_ETH_HLEN + TK_IPV4_HLEN;
    int rc =
        tk_wire_tcp_md5_sign(f + off, n - off, t->src, t->dst, (const uint8_t *)key, strlen(key));
    if (rc < 0)
        die("md5 sign", rc);
    emit(s, f, n);
}

static void put_arp(sink *s, uint16_t op) {
    uint8_t f[FRAME_MAX];
    tk_arp_pkt a = {.op = op,
                    .spa = op == TK_ARP_REQUEST ? CLIENT : SERVER,
                    .tpa = op == TK_ARP_REQUEST ? SERVER : CLIENT};
    memcpy(a.sha, op == TK_ARP_REQUEST ? mac_client : mac_server, 6);
    if (op == TK_ARP_REPLY)
        memcpy(a.tha, mac_client, 6);
    if (tk_wire_arp_emit(&a, f + TK_ETH_HLEN, FRAME_MAX - TK_ETH_HLEN) != TK_ARP_LEN)
        die("arp emit", -1);
    size_t len =
        eth_frame(f, op == TK_ARP_REQUEST ? mac_bcast : mac_client,
                  op == TK_ARP_REQUEST ? mac_client : mac_server, TK_ETHERTYPE_ARP, TK_ARP_LEN);
    emit(s, f, len);
}

static void put_icmp(sink *s, uint32_t src, uint32_t dst, uint8_t type, uint8_t code, uint32_t rest,
                     const uint8_t *data, size_t dlen) {
    uint8_t f[FRAME_MAX];
    tk_icmp_hdr h = {.type = type, .code = code, .rest = rest, .data = data, .data_len = dlen};
    int n = tk_wire_icmp_emit(&h, f + TK_ETH_HLEN + TK_IPV4_HLEN,
                              FRAME_MAX - TK_ETH_HLEN - TK_IPV4_HLEN);
    if (n < 0)
        die("icmp emit", n);
    ipv4_hdr(f, src, dst, TK_IPPROTO_ICMP, (size_t)n);
    bool to_server = dst == SERVER;
    emit(s, f,
         eth_frame(f, to_server ? mac_server : mac_client, to_server ? mac_client : mac_server,
                   TK_ETHERTYPE_IPV4, TK_IPV4_HLEN + (size_t)n));
}

/* An ICMP error quoting the IPv4 header and first 8 bytes of `t`. */
static void put_icmp_error(sink *s, uint32_t from, uint8_t type, uint8_t code, uint32_t rest,
                           const tcp_seg *t) {
    uint8_t f[FRAME_MAX];
    tcp_frame(f, t);
    put_icmp(s, from, t->src, type, code, rest, f + TK_ETH_HLEN, TK_IPV4_HLEN + 8);
}

static tk_tcp_opts syn_opts(uint16_t mss, uint8_t ws, uint32_t tsval, uint32_t tsecr) {
    return (tk_tcp_opts){.present = TK_OPT_MSS | TK_OPT_WSCALE | TK_OPT_SACK_PERM | TK_OPT_TS,
                         .mss = mss,
                         .wscale = ws,
                         .ts_val = tsval,
                         .ts_ecr = tsecr};
}

static tk_tcp_opts ts_opts(uint32_t tsval, uint32_t tsecr) {
    return (tk_tcp_opts){.present = TK_OPT_TS, .ts_val = tsval, .ts_ecr = tsecr};
}

/* A web fetch whose client ISN sits just below 2^32, so relative numbers
 * wrap (SPEC DT-10): handshake, request, response, SACK, window probe, close. */
static void web_conversation(sink *s) {
    const uint32_t c = 0xffffffe0u, v = 0xfffff000u; /* ISNs */
    /* Linux writes mss,sackOK,TS,nop,wscale: not the emit order, so raw. */
    static const uint8_t linux_syn[20] = {2, 4,   0x05, 0xb4, 4, 2, 8, 10, 0, 0,
                                          0, 100, 0,    0,    0, 0, 1, 3,  3, 7};
    put_tcp(s, &(tcp_seg){CLIENT, SERVER, 49152, 80, c, 0, TK_TCP_SYN, 64240, 0,
                          syn_opts(1460, 7, 100, 0), linux_syn, NULL, 0});
    put_tcp(s, &(tcp_seg){SERVER, CLIENT, 80, 49152, v, c + 1, TK_TCP_SYN | TK_TCP_ACK, 65160, 0,
                          syn_opts(1460, 9, 5000, 100), NULL, NULL, 0});
    put_tcp(s, &(tcp_seg){CLIENT, SERVER, 49152, 80, c + 1, v + 1, TK_TCP_ACK, 502, 0,
                          ts_opts(101, 5000), NULL, NULL, 0});
    const char *req = "GET /index.html HTTP/1.1\r\nHost: 198.18.0.2\r\nAccept: */*\r\n\r\n";
    uint32_t rl = (uint32_t)strlen(req);
    put_tcp(s, &(tcp_seg){CLIENT, SERVER, 49152, 80, c + 1, v + 1, TK_TCP_PSH | TK_TCP_ACK, 502, 0,
                          ts_opts(102, 5000), NULL, req, 0});
    put_tcp(s, &(tcp_seg){SERVER, CLIENT, 80, 49152, v + 1, c + 1 + rl, TK_TCP_ACK, 509, 0,
                          ts_opts(5001, 102), NULL, NULL, 0});
    const char *resp = "HTTP/1.1 200 OK\r\nContent-Length: 2400\r\n\r\n";
    uint32_t hl = (uint32_t)strlen(resp);
    put_tcp(s, &(tcp_seg){SERVER, CLIENT, 80, 49152, v + 1, c + 1 + rl, TK_TCP_PSH | TK_TCP_ACK,
                          509, 0, ts_opts(5002, 102), NULL, resp, 0});
    /* Two body segments; the first is lost, the second is SACKed. */
    uint32_t b1 = v + 1 + hl, b2 = b1 + 1200;
    put_tcp(s, &(tcp_seg){SERVER, CLIENT, 80, 49152, b2, c + 1 + rl, TK_TCP_ACK, 509, 0,
                          ts_opts(5003, 102), NULL, "x", 1200});
    tk_tcp_opts sack = ts_opts(103, 5003);
    sack.present |= TK_OPT_SACK;
    sack.sack_count = 1;
    sack.sack[0] = (tk_sack_block){b2, b2 + 1200};
    put_tcp(s, &(tcp_seg){CLIENT, SERVER, 49152, 80, c + 1 + rl, b1, TK_TCP_ACK, 502, 0, sack, NULL,
                          NULL, 0});
    put_tcp(s, &(tcp_seg){SERVER, CLIENT, 80, 49152, b1, c + 1 + rl, TK_TCP_ACK, 509, 0,
                          ts_opts(5010, 103), NULL, "x", 1200});
    /* The client's buffer fills: zero window, then a one-byte probe. */
    uint32_t end = b2 + 1200;
    put_tcp(s, &(tcp_seg){CLIENT, SERVER, 49152, 80, c + 1 + rl, end, TK_TCP_ACK, 0, 0,
                          ts_opts(104, 5010), NULL, NULL, 0});
    put_tcp(s, &(tcp_seg){SERVER, CLIENT, 80, 49152, end, c + 1 + rl, TK_TCP_ACK, 509, 0,
                          ts_opts(5210, 104), NULL, "z", 0});
    put_tcp(s, &(tcp_seg){CLIENT, SERVER, 49152, 80, c + 1 + rl, end, TK_TCP_ACK, 1024, 0,
                          ts_opts(105, 5210), NULL, NULL, 0});
    /* Close: FIN from the client, FIN+ACK from the server, last ACK. */
    put_tcp(s, &(tcp_seg){CLIENT, SERVER, 49152, 80, c + 1 + rl, end, TK_TCP_FIN | TK_TCP_ACK, 1024,
                          0, ts_opts(106, 5210), NULL, NULL, 0});
    put_tcp(s, &(tcp_seg){SERVER, CLIENT, 80, 49152, end, c + 2 + rl, TK_TCP_FIN | TK_TCP_ACK, 509,
                          0, ts_opts(5220, 106), NULL, NULL, 0});
    put_tcp(s, &(tcp_seg){CLIENT, SERVER, 49152, 80, c + 2 + rl, end + 1, TK_TCP_ACK, 1024, 0,
                          ts_opts(107, 5220), NULL, NULL, 0});
}

/* A SYN to a closed port: RST+ACK (SPEC RS-1), then an ICMP port
 * unreachable quoting the same SYN (as a router or host might send). */
static void refused_and_icmp(sink *s) {
    tcp_seg syn = {
        CLIENT, SERVER,     49153, 5000, 4000000000u,
        0,      TK_TCP_SYN, 64240, 0,    (tk_tcp_opts){.present = TK_OPT_MSS, .mss = 1460},
        NULL,   NULL,       0};
    put_tcp(s, &syn);
    put_tcp(s, &(tcp_seg){SERVER,
                          CLIENT,
                          5000,
                          49153,
                          0,
                          4000000001u,
                          TK_TCP_RST | TK_TCP_ACK,
                          0,
                          0,
                          {0},
                          NULL,
                          NULL,
                          0});
    put_icmp_error(s, SERVER, TK_ICMP_DEST_UNREACH, TK_ICMP_PORT_UNREACH, 0, &syn);
    put_icmp_error(s, ROUTER, TK_ICMP_DEST_UNREACH, TK_ICMP_HOST_UNREACH, 0, &syn);
    put_icmp_error(s, ROUTER, TK_ICMP_DEST_UNREACH, TK_ICMP_FRAG_NEEDED, 1400, &syn);
    put_icmp_error(s, ROUTER, TK_ICMP_TIME_EXCEEDED, 0, 0, &syn);
    static const uint8_t ping[24] = "tcpkit echo payload 123";
    put_icmp(s, CLIENT, SERVER, TK_ICMP_ECHO_REQUEST, 0, 0x4b1d0001u, ping, sizeof ping);
    put_icmp(s, SERVER, CLIENT, TK_ICMP_ECHO_REPLY, 0, 0x4b1d0001u, ping, sizeof ping);
}

/* Simultaneous open on equal ports (tcpdump then orders the conversation by
 * address), data both ways, an abort with a bare RST. */
static void equal_ports_and_reset(sink *s) {
    const uint32_t a = 100, b = 900000;
    put_tcp(s,
            &(tcp_seg){CLIENT, SERVER, 7000, 7000, a, 0, TK_TCP_SYN, 8192, 0, {0}, NULL, NULL, 0});
    put_tcp(s,
            &(tcp_seg){SERVER, CLIENT, 7000, 7000, b, 0, TK_TCP_SYN, 8192, 0, {0}, NULL, NULL, 0});
    put_tcp(s, &(tcp_seg){CLIENT,
                          SERVER,
                          7000,
                          7000,
                          a,
                          b + 1,
                          TK_TCP_SYN | TK_TCP_ACK,
                          8192,
                          0,
                          {0},
                          NULL,
                          NULL,
                          0});
    put_tcp(s, &(tcp_seg){SERVER,
                          CLIENT,
                          7000,
                          7000,
                          b,
                          a + 1,
                          TK_TCP_SYN | TK_TCP_ACK,
                          8192,
                          0,
                          {0},
                          NULL,
                          NULL,
                          0});
    put_tcp(s, &(tcp_seg){CLIENT,
                          SERVER,
                          7000,
                          7000,
                          a + 1,
                          b + 1,
                          TK_TCP_PSH | TK_TCP_ACK,
                          8192,
                          0,
                          {0},
                          NULL,
                          "ping\n",
                          0});
    put_tcp(s, &(tcp_seg){SERVER,
                          CLIENT,
                          7000,
                          7000,
                          b + 1,
                          a + 6,
                          TK_TCP_PSH | TK_TCP_ACK,
                          8192,
                          0,
                          {0},
                          NULL,
                          "pong\n",
                          0});
    put_tcp(s,
            &(tcp_seg){CLIENT, SERVER, 7000, 7000, a + 6, 0, TK_TCP_RST, 0, 0, {0}, NULL, NULL, 0});
}

/* ECN SYN, urgent data, a keep-alive probe, an unknown option. */
static void assorted_segments(sink *s) {
    put_tcp(s,
            &(tcp_seg){CLIENT, SERVER, 40000, 6000, 77, 0, TK_TCP_SYN | TK_TCP_ECE | TK_TCP_CWR,
                       65535, 0, (tk_tcp_opts){.present = TK_OPT_MSS, .mss = 1460}, NULL, NULL, 0});
    put_tcp(s,
            &(tcp_seg){SERVER, CLIENT, 6000, 40000, 5000, 78, TK_TCP_SYN | TK_TCP_ACK | TK_TCP_ECE,
                       65535, 0, (tk_tcp_opts){.present = TK_OPT_MSS, .mss = 1400}, NULL, NULL, 0});
    put_tcp(s, &(tcp_seg){CLIENT,
                          SERVER,
                          40000,
                          6000,
                          78,
                          5001,
                          TK_TCP_URG | TK_TCP_PSH | TK_TCP_ACK,
                          1000,
                          3,
                          {0},
                          NULL,
                          "!!!",
                          0});
    /* Keep-alive: SEG.SEQ = SND.NXT - 1 with no data (SPEC TM-1). */
    put_tcp(s, &(tcp_seg){
                   CLIENT, SERVER, 40000, 6000, 80, 5001, TK_TCP_ACK, 1000, 0, {0}, NULL, NULL, 0});
    static const uint8_t unknown[8] = {99, 6, 0xde, 0xad, 0xbe, 0xef, 1, 0};
    put_tcp(s, &(tcp_seg){SERVER, CLIENT, 6000, 40000, 5001, 81, TK_TCP_ACK, 1000, 0,
                          (tk_tcp_opts){.present = TK_OPT_MSS | TK_OPT_WSCALE}, unknown, NULL, 0});
    /* TCP-MD5: a signed SYN, and an ACK with the signature and SACK blocks. */
    put_signed_tcp(s,
                   &(tcp_seg){CLIENT, SERVER, 40001, 179, 900, 0, TK_TCP_SYN, 65535, 0,
                              (tk_tcp_opts){.present = TK_OPT_MSS | TK_OPT_MD5, .mss = 1460}, NULL,
                              NULL, 0},
                   "bgp-secret");
    put_signed_tcp(s,
                   &(tcp_seg){SERVER, CLIENT, 179, 40001, 7000, 901, TK_TCP_ACK, 1000, 0,
                              (tk_tcp_opts){.present = TK_OPT_MD5 | TK_OPT_SACK,
                                            .sack_count = 2,
                                            .sack = {{950, 960}, {920, 930}}},
                              NULL, NULL, 0},
                   "bgp-secret");
    put_tcp(s, &(tcp_seg){CLIENT,
                          SERVER,
                          40000,
                          6000,
                          81,
                          5001,
                          TK_TCP_FIN | TK_TCP_PSH | TK_TCP_ACK,
                          1000,
                          0,
                          {0},
                          NULL,
                          "bye",
                          0});
}

static void other_ethertype(sink *s) {
    uint8_t f[FRAME_MAX];
    static const char text[] = "local experimental ethertype, 0123456789";
    size_t n = eth_frame(f, mac_bcast, mac_client, 0x88b5, sizeof text - 1);
    memcpy(f + TK_ETH_HLEN, text, sizeof text - 1);
    emit(s, f, n);
}

/* Frames tcpdump flags: cut captures, bad header and option lengths. These
 * are not valid packets, so only tcpdump (not tshark) reads this file. */
static void odd_frames(sink *s) {
    uint8_t f[FRAME_MAX];
    tcp_seg syn = {CLIENT, SERVER, 49200, 5000, 1, 0, TK_TCP_SYN, 8192, 0, syn_opts(1460, 7, 1, 0),
                   NULL,   NULL,   0};
    size_t n = tcp_frame(f, &syn);
    static const size_t cuts[] = {10, 20, 30, 40, 50, 60, 64, 70};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++)
        emit(s, f, cuts[i] < n ? cuts[i] : n);
    static const uint8_t bad_opts[][8] = {
        {2, 3, 5, 0, 1, 1, 1, 0},          /* MSS with length 3 */
        {1, 1, 9, 0, 0, 0, 0, 0},          /* length 0 */
        {8, 12, 0, 0, 0, 1, 0, 0},         /* runs past the header */
        {4, 3, 0, 0, 3, 2, 7, 0},          /* sackOK and wscale with odd lengths */
        {5, 6, 0, 0, 0, 1, 0, 0},          /* SACK with a partial block */
        {254, 4, 0xf9, 0x89, 34, 2, 1, 0}, /* fast open cookie requests */
        {28, 4, 0x80, 0x0b, 0, 0, 0, 0},   /* user timeout */
    };
    for (size_t i = 0; i < sizeof bad_opts / sizeof bad_opts[0]; i++) {
        tcp_seg t = {CLIENT,
                     SERVER,
                     49201,
                     5001,
                     1000,
                     2000,
                     TK_TCP_ACK,
                     100,
                     0,
                     (tk_tcp_opts){.present = TK_OPT_MSS | TK_OPT_WSCALE},
                     bad_opts[i],
                     NULL,
                     0};
        emit(s, f, tcp_frame(f, &t));
    }
    n = tcp_frame(
        f, &(tcp_seg){CLIENT, SERVER, 49202, 5002, 1, 1, TK_TCP_ACK, 100, 0, {0}, NULL, NULL, 0});
    f[TK_ETH_HLEN + TK_IPV4_HLEN + 12] = 4 << 4; /* data offset below 5 */
    emit(s, f, n);
    f[TK_ETH_HLEN + TK_IPV4_HLEN + 12] = 11 << 4; /* data offset past the end */
    emit(s, f, n);
}

static void sink_open(sink *s, const char *dir, const char *name, bool with_ns) {
    char path[4096];
    memset(s, 0, sizeof *s);
    tk_printer_init(&s->printer, false);
    snprintf(path, sizeof path, "%s/%s.pcap", dir, name);
    int rc = tk_pcap_open(&s->us, path, false);
    if (rc != 0)
        die(path, rc);
    if (with_ns) {
        snprintf(path, sizeof path, "%s/%s_ns.pcap", dir, name);
        if ((rc = tk_pcap_open(&s->ns, path, true)) != 0)
            die(path, rc);
        s->has_ns = true;
    }
    snprintf(path, sizeof path, "%s/%s.txt", dir, name);
    s->txt = fopen(path, "w");
    if (!s->txt)
        die(path, -errno);
}

static void sink_close(sink *s) {
    if (tk_pcap_close(&s->us) != 0 || (s->has_ns && tk_pcap_close(&s->ns) != 0) ||
        fclose(s->txt) != 0)
        die("close", -EIO);
}

static void emit_cb(void *ctx, const uint8_t *f, size_t len) {
    emit(ctx, f, len);
}

/* A mutant the printer decodes as tcpdump does: no protocol or ICMPv6
 * type it leaves undecoded (tcpdump knows many more). */
static int decodable(void *ctx, const uint8_t *f, size_t len) {
    static char text[TK_PRINT_LINE_MAX];
    tk_printer scratch;
    (void)ctx;
    tk_printer_init(&scratch, false);
    if (tk_print_frame(&scratch, f, len, text, sizeof text) < 0)
        return 0;
    return strstr(text, "ip-proto-") == NULL && strstr(text, "unknown icmp6 type") == NULL &&
           strstr(text, "type-#") == NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: gen_frames DIR\n");
        return 2;
    }
    static sink good, odd;
    sink_open(&good, argv[1], "good", true);
    put_arp(&good, TK_ARP_REQUEST);
    put_arp(&good, TK_ARP_REPLY);
    web_conversation(&good);
    refused_and_icmp(&good);
    equal_ports_and_reset(&good);
    assorted_segments(&good);
    other_ethertype(&good);
    printf("good: %d frames\n", good.frames);
    sink_close(&good);

    sink_open(&odd, argv[1], "odd", false);
    odd_frames(&odd);
    printf("odd: %d frames\n", odd.frames);
    sink_close(&odd);

    static sink v6;
    sink_open(&v6, argv[1], "ipv6", false);
    gen_ipv6_frames(emit_cb, &v6);
    printf("ipv6: %d frames\n", v6.frames);
    sink_close(&v6);

    static sink m6;
    sink_open(&m6, argv[1], "ipv6_mutants", false);
    gen_ipv6_mutants(emit_cb, decodable, &m6, 6, 3000);
    printf("ipv6_mutants: %d frames\n", m6.frames);
    sink_close(&m6);
    return 0;
}
