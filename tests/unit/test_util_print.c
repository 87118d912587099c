/* The tcpdump-style printer: exact lines for each kind of frame (SPEC OBS-2).
 * Every expected string below is what tcpdump 4.99 -nn prints for the same
 * bytes; tests/print/ checks the printer against tcpdump itself. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "lib/print/print.h"

#define A1 0xc6120001u /* 198.18.0.1 */
#define A2 0xc6120002u /* 198.18.0.2 */

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10
#define F_URG 0x20
#define F_ECE 0x40
#define F_CWR 0x80

typedef struct seg {
    uint32_t src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win, urg;
    const uint8_t *opts;
    size_t optlen; /* a multiple of 4 */
    const char *payload;
} seg;

static void put16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v) {
    put16(p, v >> 16);
    put16(p + 2, v & 0xffffu);
}

/* Ethernet + 20-byte IPv4 header for `l4len` bytes of `proto`. */
static size_t eth_ipv4(uint8_t *f, uint32_t src, uint32_t dst, uint8_t proto, size_t l4len) {
    static const uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
    memcpy(f, macs, sizeof macs);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint32_t)(20 + l4len));
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    return 34;
}

static size_t tcp_frame(uint8_t *f, const seg *s) {
    size_t plen = s->payload ? strlen(s->payload) : 0;
    size_t hlen = 20 + s->optlen;
    size_t off = eth_ipv4(f, s->src, s->dst, 6, hlen + plen);
    uint8_t *t = f + off;
    memset(t, 0, 20);
    put16(t, s->sport);
    put16(t + 2, s->dport);
    put32(t + 4, s->seq);
    put32(t + 8, s->ack);
    t[12] = (uint8_t)(hlen / 4 << 4);
    t[13] = s->flags;
    put16(t + 14, s->win);
    put16(t + 18, s->urg);
    if (s->optlen)
        memcpy(t + 20, s->opts, s->optlen);
    if (plen)
        memcpy(t + hlen, s->payload, plen);
    return off + hlen + plen;
}

static char line[TK_PRINT_LINE_MAX];

static const char *print_seg(tk_printer *p, const seg *s) {
    uint8_t f[2048];
    size_t n = tcp_frame(f, s);
    int rc = tk_print_frame(p, f, n, line, sizeof line);
    assert_int_equal(rc, (int)strlen(line));
    return line;
}

static const char *print_bytes(tk_printer *p, const uint8_t *f, size_t n) {
    int rc = tk_print_frame(p, f, n, line, sizeof line);
    assert_int_equal(rc, (int)strlen(line));
    return line;
}

static const uint8_t linux_syn_opts[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
                                           0, 1, 0,    0,    0, 0, 1, 3,  3, 7};

static void test_OBS_02_syn_with_options(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, false);
    seg s = {A1, A2, 49152, 80, 1000, 0, F_SYN, 65535, 0, linux_syn_opts, 20, NULL};
    assert_string_equal(print_seg(&p, &s),
                        "IP 198.18.0.1.49152 > 198.18.0.2.80: Flags [S], seq 1000, win 65535, "
                        "options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0");
}

/* tcpdump prints the SYN and the SYN-ACK absolute (the SYN-ACK records the
 * bases) and everything after relative to them. */
static void test_OBS_02_handshake_relative_seq(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, false);
    seg c = {A1, A2, 49152, 5000, 1000, 0, F_SYN, 65535, 0, NULL, 0, NULL};
    seg sv = {A2, A1, 5000, 49152, 7000, 1001, F_SYN | F_ACK, 65535, 0, NULL, 0, NULL};
    assert_string_equal(print_seg(&p, &c),
                        "IP 198.18.0.1.49152 > 198.18.0.2.5000: Flags [S], seq 1000, win 65535, "
                        "length 0");
    assert_string_equal(print_seg(&p, &sv), "IP 198.18.0.2.5000 > 198.18.0.1.49152: Flags [S.], "
                                            "seq 7000, ack 1001, win 65535, length 0");
    c = (seg){A1, A2, 49152, 5000, 1001, 7001, F_ACK, 502, 0, NULL, 0, NULL};
    assert_string_equal(print_seg(&p, &c), "IP 198.18.0.1.49152 > 198.18.0.2.5000: Flags [.], "
                                           "ack 1, win 502, length 0");
    c.flags = F_PSH | F_ACK;
    c.payload = "hello";
    assert_string_equal(print_seg(&p, &c), "IP 198.18.0.1.49152 > 198.18.0.2.5000: Flags [P.], "
                                           "seq 1:6, ack 1, win 502, length 5");
    sv = (seg){A2, A1, 5000, 49152, 7001, 1006, F_PSH | F_ACK, 509, 0, NULL, 0, "0123456789"};
    assert_string_equal(print_seg(&p, &sv), "IP 198.18.0.2.5000 > 198.18.0.1.49152: Flags [P.], "
                                            "seq 1:11, ack 6, win 509, length 10");
    c = (seg){A1, A2, 49152, 5000, 1006, 7011, F_FIN | F_ACK, 502, 0, NULL, 0, NULL};
    assert_string_equal(print_seg(&p, &c), "IP 198.18.0.1.49152 > 198.18.0.2.5000: Flags [F.], "
                                           "seq 6, ack 11, win 502, length 0");
    sv = (seg){A2, A1, 5000, 49152, 7011, 1007, F_RST | F_ACK, 0, 0, NULL, 0, NULL};
    assert_string_equal(print_seg(&p, &sv), "IP 198.18.0.2.5000 > 198.18.0.1.49152: Flags [R.], "
                                            "seq 11, ack 7, win 0, length 0");
}

/* SPEC DT-10: ISNs just below 2^32; relative numbers wrap like tcpdump's. */
static void test_OBS_02_DT_10_relative_seq_wraps(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, false);
    seg sv = {A2, A1, 80, 40000, 0xfffffff0u, 0xfffffffbu, F_SYN | F_ACK, 65535, 0, NULL, 0, NULL};
    assert_string_equal(print_seg(&p, &sv), "IP 198.18.0.2.80 > 198.18.0.1.40000: Flags [S.], "
                                            "seq 4294967280, ack 4294967291, win 65535, length 0");
    sv = (seg){A2,    A1,  80, 40000, 0xfffffff1u, 0xfffffffbu,
               F_ACK, 512, 0,  NULL,  0,           "abcdefghijklmnopqrstuvwxyz"};
    assert_string_equal(print_seg(&p, &sv),
                        "IP 198.18.0.2.80 > 198.18.0.1.40000: Flags [.], seq 1:27, ack 1, win "
                        "512, length 26: HTTP");
    seg c = {A1, A2, 40000, 80, 0xfffffffbu, 0x0000000bu, F_ACK, 512, 0, NULL, 0, NULL};
    assert_string_equal(print_seg(&p, &c), "IP 198.18.0.1.40000 > 198.18.0.2.80: Flags [.], "
                                           "ack 27, win 512, length 0");
}

static void test_OBS_02_absolute_seq_mode(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, true);
    seg sv = {A2, A1, 5000, 49152, 7000, 1001, F_SYN | F_ACK, 65535, 0, NULL, 0, NULL};
    print_seg(&p, &sv);
    sv = (seg){A2, A1, 5000, 49152, 7001, 1001, F_PSH | F_ACK, 100, 0, NULL, 0, "abc"};
    assert_string_equal(print_seg(&p, &sv), "IP 198.18.0.2.5000 > 198.18.0.1.49152: Flags [P.], "
                                            "seq 7001:7004, ack 1001, win 100, length 3");
}

static void test_OBS_02_OP_3_sack_blocks_relative(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, false);
    seg sv = {A2, A1, 5000, 49152, 7000, 1001, F_SYN | F_ACK, 65535, 0, NULL, 0, NULL};
    print_seg(&p, &sv);
    /* The client acknowledges 7001 and SACKs two blocks of the server's data. */
    uint8_t sack[20] = {1, 1, 5, 18};
    put32(sack + 4, 7101);
    put32(sack + 8, 7201);
    put32(sack + 12, 7301);
    put32(sack + 16, 7401);
    seg c = {A1, A2, 49152, 5000, 1001, 7001, F_ACK, 502, 0, sack, 20, NULL};
    assert_string_equal(print_seg(&p, &c),
                        "IP 198.18.0.1.49152 > 198.18.0.2.5000: Flags [.], ack 1, win 502, "
                        "options [nop,nop,sack 2 {101:201}{301:401}], length 0");
}

static void test_OBS_02_flag_combinations(void **state) {
    (void)state;
    static const struct {
        uint8_t flags;
        const char *text;
    } cases[] = {
        {F_SYN, "Flags [S], seq 1, win 100, length 0"},
        {F_SYN | F_ECE | F_CWR, "Flags [SEW], seq 1, win 100, length 0"},
        {F_RST, "Flags [R], seq 1, win 100, length 0"},
        {F_FIN, "Flags [F], seq 1, win 100, length 0"},
        {F_PSH, "Flags [P], win 100, length 0"},
        {0, "Flags [none], win 100, length 0"},
        {F_FIN | F_PSH | F_ACK, "Flags [FP.], seq 1, ack 1, win 100, length 0"},
        {0xff, "Flags [FSRP.UEW], seq 1, ack 1, win 100, urg 0, length 0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tk_printer p;
        tk_printer_init(&p, true);
        seg s = {A1, A2, 1024, 2048, 1, 1, cases[i].flags, 100, 0, NULL, 0, NULL};
        const char *out = print_seg(&p, &s);
        const char *prefix = "IP 198.18.0.1.1024 > 198.18.0.2.2048: ";
        assert_memory_equal(out, prefix, strlen(prefix));
        assert_string_equal(out + strlen(prefix), cases[i].text);
    }
}

static void test_OBS_02_urgent_pointer(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, true);
    seg s = {A1, A2, 1024, 2048, 10, 20, F_URG | F_ACK | F_PSH, 100, 3, NULL, 0, "abc"};
    assert_string_equal(print_seg(&p, &s), "IP 198.18.0.1.1024 > 198.18.0.2.2048: Flags [P.U], "
                                           "seq 10:13, ack 20, win 100, urg 3, length 3");
}

static void test_OBS_02_OP_5_unknown_and_odd_options(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, true);
    static const uint8_t unknown[8] = {200, 6, 1, 2, 3, 4, 1, 0};
    seg s = {A1, A2, 1024, 2048, 1, 1, F_ACK, 100, 0, unknown, 8, NULL};
    assert_string_equal(print_seg(&p, &s),
                        "IP 198.18.0.1.1024 > 198.18.0.2.2048: Flags [.], ack 1, win 100, "
                        "options [unknown-200 0x01020304,nop,eol], length 0");
    static const uint8_t mss_len3[4] = {2, 3, 5, 0};
    s.opts = mss_len3;
    s.optlen = 4;
    assert_string_equal(print_seg(&p, &s), "IP 198.18.0.1.1024 > 198.18.0.2.2048: Flags [.], ack "
                                           "1, win 100, options [mss 1280[len 3]], length 0");
    static const uint8_t len0[4] = {1, 1, 9, 0};
    s.opts = len0;
    assert_string_equal(print_seg(&p, &s), "IP 198.18.0.1.1024 > 198.18.0.2.2048: Flags [.], ack "
                                           "1, win 100, options [nop,nop,[bad opt]]");
    static const uint8_t overrun[4] = {8, 10, 0, 0};
    s.opts = overrun;
    assert_string_equal(print_seg(&p, &s), "IP 198.18.0.1.1024 > 198.18.0.2.2048: Flags [.], ack "
                                           "1, win 100, options [[bad opt]");
    static const uint8_t tfo[4] = {254, 4, 0xf9, 0x89};
    s.opts = tfo;
    assert_string_equal(print_seg(&p, &s), "IP 198.18.0.1.1024 > 198.18.0.2.2048: Flags [.], ack "
                                           "1, win 100, options [exp-tfo cookiereq], length 0");
    static const uint8_t uto[4] = {28, 4, 0, 0x10};
    s.opts = uto;
    assert_string_equal(print_seg(&p, &s), "IP 198.18.0.1.1024 > 198.18.0.2.2048: Flags [.], ack "
                                           "1, win 100, options [uto 0x10 8], length 0");
}

static void test_OBS_02_bad_header_lengths(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, true);
    uint8_t f[128];
    seg s = {A1, A2, 1024, 2048, 1, 1, F_ACK, 100, 0, NULL, 0, NULL};
    size_t n = tcp_frame(f, &s);
    f[34 + 12] = 4 << 4; /* data offset 4 */
    assert_string_equal(print_bytes(&p, f, n), "IP 198.18.0.1.1024 > 198.18.0.2.2048:  tcp 4 "
                                               "[bad hdr length 16 - too short, < 20]");
    f[34 + 12] = 10 << 4; /* 40 bytes claimed, 20 present */
    assert_string_equal(print_bytes(&p, f, n), "IP 198.18.0.1.1024 > 198.18.0.2.2048: Flags [.] "
                                               "[bad hdr length 40 - too long, > 20]");
}

static void test_OBS_02_truncated_frames(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, true);
    uint8_t f[256];
    seg s = {A1, A2, 1024, 2048, 1, 0, F_SYN, 100, 0, linux_syn_opts, 20, NULL};
    size_t n = tcp_frame(f, &s);
    assert_int_equal(n, 74);
    assert_string_equal(print_bytes(&p, f, 10), " [|ether]");
    assert_string_equal(print_bytes(&p, f, 24), "IP  [|ip]");
    assert_string_equal(print_bytes(&p, f, 44), "IP truncated-ip - 30 bytes missing! "
                                                "198.18.0.1.1024 > 198.18.0.2.2048:  [|tcp]");
    assert_string_equal(print_bytes(&p, f, 60),
                        "IP truncated-ip - 14 bytes missing! 198.18.0.1.1024 > 198.18.0.2.2048: "
                        "Flags [S], seq 1, win 100, options [mss 1460,sackOK, [|tcp]");
    assert_string_equal(print_bytes(&p, f, 64),
                        "IP truncated-ip - 10 bytes missing! 198.18.0.1.1024 > 198.18.0.2.2048: "
                        "Flags [S], seq 1, win 100, options [mss 1460,sackOK,TS [|tcp]>");
}

static void test_OBS_02_http_first_line(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, true);
    seg s = {A1,
             A2,
             40000,
             80,
             1,
             1,
             F_PSH | F_ACK,
             100,
             0,
             NULL,
             0,
             "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"};
    assert_string_equal(print_seg(&p, &s),
                        "IP 198.18.0.1.40000 > 198.18.0.2.80: Flags [P.], seq 1:38, ack 1, win "
                        "100, length 37: HTTP: GET /index.html HTTP/1.1");
    s.payload = "GET /x";
    assert_string_equal(print_seg(&p, &s), "IP 198.18.0.1.40000 > 198.18.0.2.80: Flags [P.], seq "
                                           "1:7, ack 1, win 100, length 6: HTTP: GET /x [|http]");
    s = (seg){A2, A1, 80, 40000, 1, 1, F_PSH | F_ACK, 100, 0, NULL, 0, "HTTP/1.1 404 Not Found\n"};
    assert_string_equal(print_seg(&p, &s),
                        "IP 198.18.0.2.80 > 198.18.0.1.40000: Flags [P.], seq 1:24, ack 1, win "
                        "100, length 23: HTTP: HTTP/1.1 404 Not Found");
    s.payload = "\x01\x02"
                "binary";
    assert_string_equal(print_seg(&p, &s), "IP 198.18.0.2.80 > 198.18.0.1.40000: Flags [P.], seq "
                                           "1:9, ack 1, win 100, length 8: HTTP");
}

static size_t arp_frame(uint8_t *f, uint16_t op, const uint8_t tha[6]) {
    static const uint8_t sha[6] = {2, 0, 0, 0, 0, 1};
    memset(f, 0, 60); /* padded to the Ethernet minimum like a real link */
    memset(f, 0xff, 6);
    memcpy(f + 6, sha, 6);
    put16(f + 12, 0x0806);
    uint8_t *a = f + 14;
    put16(a, 1);
    put16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, op);
    memcpy(a + 8, sha, 6);
    put32(a + 14, A1);
    memcpy(a + 18, tha, 6);
    put32(a + 24, A2);
    return 60;
}

static void test_OBS_02_NET_1_arp(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, false);
    uint8_t f[64];
    static const uint8_t zero[6] = {0};
    static const uint8_t mac2[6] = {2, 0, 0, 0, 0, 2};
    size_t n = arp_frame(f, 1, zero);
    assert_string_equal(print_bytes(&p, f, n),
                        "ARP, Request who-has 198.18.0.2 tell 198.18.0.1, length 46");
    n = arp_frame(f, 1, mac2);
    assert_string_equal(print_bytes(&p, f, n), "ARP, Request who-has 198.18.0.2 "
                                               "(02:00:00:00:00:02) tell 198.18.0.1, length 46");
    n = arp_frame(f, 2, mac2);
    assert_string_equal(print_bytes(&p, f, n),
                        "ARP, Reply 198.18.0.1 is-at 02:00:00:00:00:01, length 46");
    assert_string_equal(print_bytes(&p, f, 14 + 20), " [|arp]");
}

static size_t icmp_frame(uint8_t *f, uint8_t type, uint8_t code, uint32_t rest, const uint8_t *data,
                         size_t dlen) {
    size_t off = eth_ipv4(f, A2, A1, 1, 8 + dlen);
    uint8_t *m = f + off;
    m[0] = type;
    m[1] = code;
    put16(m + 2, 0);
    put32(m + 4, rest);
    memcpy(m + 8, data, dlen);
    return off + 8 + dlen;
}

static void test_OBS_02_icmp(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, false);
    uint8_t f[256];
    static const uint8_t ping[8] = "abcdefg";
    size_t n = icmp_frame(f, 8, 0, 0x12340007u, ping, 8);
    assert_string_equal(print_bytes(&p, f, n),
                        "IP 198.18.0.2 > 198.18.0.1: ICMP echo request, id 4660, seq 7, length 16");
    n = icmp_frame(f, 0, 0, 0x12340007u, ping, 8);
    assert_string_equal(print_bytes(&p, f, n),
                        "IP 198.18.0.2 > 198.18.0.1: ICMP echo reply, id 4660, seq 7, length 16");
    /* The quoted datagram: a SYN from 198.18.0.1:49152 to 198.18.0.2:81. */
    uint8_t q[28] = {0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6};
    put32(q + 12, A1);
    put32(q + 16, A2);
    put16(q + 20, 49152);
    put16(q + 22, 81);
    n = icmp_frame(f, 3, 3, 0, q, sizeof q);
    assert_string_equal(print_bytes(&p, f, n),
                        "IP 198.18.0.2 > 198.18.0.1: ICMP 198.18.0.2 tcp port 81 unreachable, "
                        "length 36");
    n = icmp_frame(f, 3, 4, 1400, q, sizeof q);
    assert_string_equal(print_bytes(&p, f, n), "IP 198.18.0.2 > 198.18.0.1: ICMP 198.18.0.2 "
                                               "unreachable - need to frag (mtu 1400), length 36");
    n = icmp_frame(f, 3, 1, 0, q, sizeof q);
    assert_string_equal(print_bytes(&p, f, n),
                        "IP 198.18.0.2 > 198.18.0.1: ICMP host 198.18.0.2 unreachable, length 36");
    n = icmp_frame(f, 11, 0, 0, q, sizeof q);
    assert_string_equal(print_bytes(&p, f, n),
                        "IP 198.18.0.2 > 198.18.0.1: ICMP time exceeded in-transit, length 36");
    n = icmp_frame(f, 3, 3, 0, q, 10);
    assert_string_equal(print_bytes(&p, f, n), "IP 198.18.0.2 > 198.18.0.1:  [|icmp]");
}

static void test_OBS_02_other_ethertype_hexdump(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, false);
    uint8_t f[14 + 18] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x88, 0xb5};
    memcpy(f + 14, "hello world 012345", 18);
    assert_string_equal(print_bytes(&p, f, sizeof f),
                        "02:00:00:00:00:01 > ff:ff:ff:ff:ff:ff, ethertype Unknown (0x88b5), "
                        "length 32: \n\t0x0000:  6865 6c6c 6f20 776f 726c 6420 3031 3233  "
                        "hello.world.0123\n\t0x0010:  3435                                     45");
}

static void test_OBS_02_udp_and_other_protocols(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, false);
    uint8_t f[64];
    size_t n = eth_ipv4(f, A1, A2, 17, 10);
    put16(f + 34, 1234);
    put16(f + 36, 5678);
    put16(f + 38, 10);
    put16(f + 40, 0);
    f[42] = 'x';
    f[43] = 'y';
    assert_string_equal(print_bytes(&p, f, n + 10),
                        "IP 198.18.0.1.1234 > 198.18.0.2.5678: UDP, length 2");
    n = eth_ipv4(f, A1, A2, 250, 4);
    assert_string_equal(print_bytes(&p, f, n + 4), "IP 198.18.0.1 > 198.18.0.2:  ip-proto-250 4");
    f[14 + 6] = 0x00;
    f[14 + 7] = 0x10; /* fragment offset 16 */
    assert_string_equal(print_bytes(&p, f, n + 4), "IP 198.18.0.1 > 198.18.0.2: ip-proto-250");
}

/* The table holds TK_PRINTER_CONNS conversations and forgets the least
 * recently used one. */
static void test_OBS_02_table_evicts_least_recently_used(void **state) {
    (void)state;
    static tk_printer p;
    tk_printer_init(&p, false);
    for (uint16_t i = 0; i < TK_PRINTER_CONNS; i++) {
        seg s = {A1, A2, (uint16_t)(10000 + i), 80, 500, 900, F_ACK, 1, 0, NULL, 0, NULL};
        print_seg(&p, &s);
    }
    seg first = {A1, A2, 10000, 80, 501, 901, F_ACK, 1, 0, NULL, 0, NULL};
    assert_string_equal(print_seg(&p, &first), "IP 198.18.0.1.10000 > 198.18.0.2.80: Flags [.], "
                                               "ack 2, win 1, length 0");
    /* A new conversation replaces port 10001 (now the least recently used). */
    seg extra = {A1, A2, 20000, 80, 5, 9, F_ACK, 1, 0, NULL, 0, NULL};
    assert_string_equal(print_seg(&p, &extra), "IP 198.18.0.1.20000 > 198.18.0.2.80: Flags [.], "
                                               "ack 9, win 1, length 0");
    seg second = {A1, A2, 10001, 80, 501, 901, F_ACK, 1, 0, NULL, 0, NULL};
    assert_string_equal(print_seg(&p, &second), "IP 198.18.0.1.10001 > 198.18.0.2.80: Flags [.], "
                                                "ack 901, win 1, length 0");
    assert_string_equal(print_seg(&p, &first), "IP 198.18.0.1.10000 > 198.18.0.2.80: Flags [.], "
                                               "ack 2, win 1, length 0");
    tk_printer_reset(&p);
    assert_string_equal(print_seg(&p, &first), "IP 198.18.0.1.10000 > 198.18.0.2.80: Flags [.], "
                                               "ack 901, win 1, length 0");
}

/* SPEC SEC-4 for the printer: no frame, however cut or garbled, makes it
 * read outside the frame (ASan) or return an error for a big enough buffer;
 * a cut frame never claims more bytes than it has. */
static void test_OBS_02_SEC_4_every_prefix_and_random_bytes(void **state) {
    (void)state;
    static tk_printer p;
    tk_printer_init(&p, false);
    uint8_t f[256];
    static const char *const payloads[] = {NULL, "GET / HTTP/1.1\r\n", "z"};
    for (size_t k = 0; k < 3; k++) {
        seg s = {A1, A2, 40000, 80, 1, 1, F_PSH | F_ACK, 100, 0, linux_syn_opts, 20, payloads[k]};
        size_t n = tcp_frame(f, &s);
        for (size_t cut = 0; cut <= n; cut++) {
            int rc = tk_print_frame(&p, f, cut, line, sizeof line);
            assert_int_equal(rc, (int)strlen(line));
            if (cut < n && cut >= 34 + 20)
                assert_non_null(strstr(line, "truncated-ip - "));
        }
    }
    uint32_t x = 12345;
    for (int i = 0; i < 20000; i++) {
        size_t n = 14 + (size_t)(i % 90);
        for (size_t j = 0; j < n; j++) {
            x = x * 1103515245u + 12345u;
            f[j] = (uint8_t)(x >> 16);
        }
        f[12] = 0x08;
        f[13] = (i & 3) == 0 ? 0x06 : 0x00; /* mostly IPv4, some ARP */
        if (f[13] == 0) {
            f[14] = (uint8_t)(0x45 + (i & 1));
            f[23] = (uint8_t)((i & 6) == 2 ? 1 : (i & 6) == 4 ? 17 : 6);
        }
        int rc = tk_print_frame(&p, f, n, line, sizeof line);
        assert_int_equal(rc, (int)strlen(line));
        assert_true(rc > 0);
    }
}

static void test_OBS_02_time_prefix(void **state) {
    (void)state;
    char t[TK_PRINT_TIME_LEN];
    assert_int_equal(tk_print_time(0, t, sizeof t), 15);
    assert_string_equal(t, "00:00:00.000000");
    assert_int_equal(tk_print_time(TK_SEC(3723) + 45, t, sizeof t), 15);
    assert_string_equal(t, "01:02:03.000045");
    assert_int_equal(tk_print_time(TK_SEC(86400 + 59) + 999999, t, sizeof t), 15);
    assert_string_equal(t, "00:00:59.999999");
    assert_int_equal(tk_print_time(0, t, sizeof t - 1), -ENOSPC);
    assert_int_equal(tk_print_time(0, NULL, 16), -EINVAL);
}

static void test_OBS_02_argument_errors(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, false);
    uint8_t f[64];
    size_t n = arp_frame(f, 1, (const uint8_t[6]){0});
    char small[12];
    assert_int_equal(tk_print_frame(&p, f, n, small, sizeof small), -ENOSPC);
    assert_string_equal(small, "ARP, Reques");
    assert_int_equal(tk_print_frame(NULL, f, n, line, sizeof line), -EINVAL);
    assert_int_equal(tk_print_frame(&p, NULL, n, line, sizeof line), -EINVAL);
    assert_int_equal(tk_print_frame(&p, f, n, NULL, 10), -EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OBS_02_syn_with_options),
        cmocka_unit_test(test_OBS_02_handshake_relative_seq),
        cmocka_unit_test(test_OBS_02_DT_10_relative_seq_wraps),
        cmocka_unit_test(test_OBS_02_absolute_seq_mode),
        cmocka_unit_test(test_OBS_02_OP_3_sack_blocks_relative),
        cmocka_unit_test(test_OBS_02_flag_combinations),
        cmocka_unit_test(test_OBS_02_urgent_pointer),
        cmocka_unit_test(test_OBS_02_OP_5_unknown_and_odd_options),
        cmocka_unit_test(test_OBS_02_bad_header_lengths),
        cmocka_unit_test(test_OBS_02_truncated_frames),
        cmocka_unit_test(test_OBS_02_http_first_line),
        cmocka_unit_test(test_OBS_02_NET_1_arp),
        cmocka_unit_test(test_OBS_02_icmp),
        cmocka_unit_test(test_OBS_02_other_ethertype_hexdump),
        cmocka_unit_test(test_OBS_02_udp_and_other_protocols),
        cmocka_unit_test(test_OBS_02_table_evicts_least_recently_used),
        cmocka_unit_test(test_OBS_02_SEC_4_every_prefix_and_random_bytes),
        cmocka_unit_test(test_OBS_02_time_prefix),
        cmocka_unit_test(test_OBS_02_argument_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
