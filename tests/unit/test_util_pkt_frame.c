/* Script packets <-> frames: inbound frames carry exact bytes (relative
 * sequence numbers resolved, options in script order, valid checksums), and
 * outbound frames are matched field by field with exact messages. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/packetdrill/pkt_frame.h"
#include "lib/packetdrill/pkt_parse.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/tcp.h"
#include "tcpkit/wire/tcp_md5.h"
#include "tcpkit/wire/udp.h"

#define LADDR   0xc6120001u
#define RADDR   0xc6120002u
#define IP_OFF  TK_ETH_HLEN
#define TCP_OFF (TK_ETH_HLEN + TK_IPV4_HLEN)

static tk_pkt_conn conn(void) {
    tk_pkt_conn c = {.laddr = LADDR,
                     .raddr = RADDR,
                     .lport = 8080,
                     .rport = 50000,
                     .lmac = {2, 0, 0, 0, 0, 1},
                     .rmac = {2, 0, 0, 0, 0, 2},
                     .remote_isn = 1000000};
    return c;
}

static void packet(const char *line, tk_pkt_packet *p) {
    tk_pkt_lex lx;
    tk_pkt_error err;
    tk_pkt_lex_init(&lx, line);
    assert_int_equal(tk_pkt_parse_packet(&lx, p, &err), 0);
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_build_syn_keeps_option_order(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    tk_pkt_packet p;
    packet("< S 0:0(0) win 32767 <mss 1460,sackOK,eol,eol>", &p);
    uint8_t f[200];
    char msg[100];
    int n = tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg);
    assert_int_equal(n, 14 + 20 + 28);
    static const uint8_t eth[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00};
    assert_memory_equal(f, eth, 14);
    tk_ipv4_hdr ip;
    assert_int_equal(tk_wire_ipv4_parse(f + IP_OFF, (size_t)n - IP_OFF, true, &ip), 20);
    assert_int_equal(ip.src, RADDR);
    assert_int_equal(ip.dst, LADDR);
    assert_int_equal(ip.ttl, 64);
    assert_int_equal(ip.total_len, 48);
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(f + TCP_OFF, 28, RADDR, LADDR, true, &h), 28);
    assert_int_equal(h.sport, 50000);
    assert_int_equal(h.dport, 8080);
    assert_int_equal(h.seq, 1000000);
    assert_int_equal(h.ack, 0);
    assert_int_equal(h.flags, TK_TCP_SYN);
    assert_int_equal(h.win, 32767);
    static const uint8_t opts[8] = {2, 4, 0x05, 0xb4, 4, 2, 0, 0};
    assert_memory_equal(f + TCP_OFF + 20, opts, 8);
}

static void test_build_relative_ack_data_and_ts_ecr(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    c.local_isn = 0xfffffff0u;
    c.local_isn_known = true;
    c.ts_known = true;
    c.ts_offset = 5000;
    tk_pkt_packet p;
    packet("< P. 1:11(10) ack 20 win 257 <nop,nop,TS val 7 ecr 100>", &p);
    uint8_t f[200];
    char msg[100];
    int n = tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg);
    assert_int_equal(n, 14 + 20 + 32 + 10);
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(f + TCP_OFF, 42, RADDR, LADDR, true, &h), 32);
    assert_int_equal(h.seq, 1000001);
    assert_int_equal(h.ack, 4); /* 0xfffffff0 + 20 wraps */
    assert_int_equal(h.flags, TK_TCP_PSH | TK_TCP_ACK);
    assert_int_equal(h.opts.ts_val, 7);
    assert_int_equal(h.opts.ts_ecr, 5100);
}

static void test_build_absolute_seq(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    tk_pkt_packet p;
    packet("< R 77:77(0)! win 0", &p);
    uint8_t f[200];
    char msg[100];
    assert_int_equal(tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg), 54);
    assert_int_equal(get32(f + TCP_OFF + 4), 77);
}

static void test_build_icmp_quotes_segment(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    c.local_isn = 500;
    tk_pkt_packet p;
    packet("< icmp unreachable frag_needed mtu 1200 [1:1(0)]", &p);
    uint8_t f[200];
    char msg[100];
    int n = tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg);
    assert_int_equal(n, 14 + 20 + 8 + 28);
    tk_ipv4_hdr ip;
    assert_int_equal(tk_wire_ipv4_parse(f + IP_OFF, (size_t)n - IP_OFF, true, &ip), 20);
    assert_int_equal(ip.proto, TK_IPPROTO_ICMP);
    tk_icmp_hdr ih;
    assert_int_equal(tk_wire_icmp_parse(f + TCP_OFF, 36, true, &ih), 8);
    assert_int_equal(ih.type, 3);
    assert_int_equal(ih.code, 4);
    assert_int_equal(ih.rest, 1200);
    tk_icmp_quote q;
    assert_int_equal(tk_wire_icmp_quote_parse(&ih, &q), 0);
    assert_int_equal(q.src, LADDR);
    assert_int_equal(q.dst, RADDR);
    assert_int_equal(q.sport, 8080);
    assert_int_equal(q.dport, 50000);
    assert_int_equal(q.seq, 501);
}

/* Type and code of an ICMP line as built, or -1 when it does not build. */
static int icmp_type_code(const char *line) {
    tk_pkt_conn c = conn();
    tk_pkt_packet p;
    packet(line, &p);
    uint8_t f[200];
    char msg[100];
    int n = tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg);
    if (n < 0) {
        assert_int_equal(n, -ENOTSUP);
        assert_string_equal(msg, "unknown ICMP type or code");
        return -1;
    }
    assert_int_equal(n, 14 + 20 + 8 + 28);
    return f[TCP_OFF] << 8 | f[TCP_OFF + 1];
}

static void test_build_icmp_names_per_type(void **state) {
    (void)state;
    assert_int_equal(icmp_type_code("< icmp time_exceeded ttl_exceeded_in_transit [0:0(0)]"),
                     11 << 8 | 0);
    assert_int_equal(icmp_type_code("< icmp time_exceeded frag_reass_exceeded [0:0(0)]"),
                     11 << 8 | 1);
    assert_int_equal(icmp_type_code("< icmp redirect [0:0(0)]"), 5 << 8 | 0);
    assert_int_equal(icmp_type_code("< icmp source_quench [0:0(0)]"), 4 << 8 | 0);
    assert_int_equal(icmp_type_code("< icmp unreachable host_unreachable_for_tos [0:0(0)]"),
                     3 << 8 | 12);
    assert_int_equal(icmp_type_code("< icmp unreachable packet_filtered [0:0(0)]"), 3 << 8 | 13);
    assert_int_equal(icmp_type_code("< icmp parameter_problem code_2 [0:0(0)]"), 12 << 8 | 2);
    /* A code name of another type is not accepted. */
    assert_int_equal(icmp_type_code("< icmp unreachable ttl_exceeded_in_transit [0:0(0)]"), -1);
    assert_int_equal(icmp_type_code("< icmp time_exceeded port_unreachable [0:0(0)]"), -1);
    assert_int_equal(icmp_type_code("< icmp echo_request [0:0(0)]"), -1);
}

/* Inbound md5 options are signed with the script's secret (RFC 2385) once
 * the segment is complete; `md5 invalid` carries a wrong signature. */
static void test_build_signs_md5(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    tk_pkt_packet p;
    uint8_t f[200];
    char msg[100] = "";
    packet("< S 0:0(0) win 1 <mss 1460,sackOK,md5 valid>", &p);
    assert_int_equal(tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg), -EINVAL);
    assert_string_equal(msg, "an md5 option needs --tcp_md5_secret");
    c.md5_key = "secret";
    int n = tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg);
    assert_int_equal(n, TCP_OFF + 20 + 24);
    const uint8_t *seg = f + TCP_OFF;
    size_t len = (size_t)n - TCP_OFF;
    static const uint8_t opts[6] = {2, 4, 0x05, 0xb4, 4, 2};
    assert_memory_equal(seg + 20, opts, 6);
    assert_int_equal(seg[26], TK_TCPOPT_MD5);
    assert_int_equal(seg[27], 18);
    assert_int_equal(tk_wire_tcp_md5_verify(seg, len, RADDR, LADDR, (const uint8_t *)"secret", 6),
                     1);
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(seg, len, RADDR, LADDR, true, &h), 44);
    packet("< . 1:1(0) ack 1 win 1 <nop,nop,md5 invalid>", &p);
    n = tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg);
    assert_int_equal(n, TCP_OFF + 20 + 20);
    len = (size_t)n - TCP_OFF;
    assert_int_equal(tk_wire_tcp_md5_verify(seg, len, RADDR, LADDR, (const uint8_t *)"secret", 6),
                     0);
    assert_int_equal(tk_wire_tcp_parse(seg, len, RADDR, LADDR, true, &h), 40);
}

/* /udp(a > b): the same TCP segment inside a UDP datagram between the
 * script's ports, both checksums valid (as packetdrill builds it). */
static void test_build_udp_encapsulated(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    c.local_isn = 5000;
    tk_pkt_packet p;
    packet("< F. 1:1(0) ack 1 win 32767 <nop,nop>/udp(1 > 9811)", &p);
    uint8_t f[200];
    char msg[100];
    int n = tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg);
    assert_int_equal(n, 14 + 20 + 8 + 24);
    tk_ipv4_hdr ip;
    assert_int_equal(tk_wire_ipv4_parse(f + IP_OFF, (size_t)n - IP_OFF, true, &ip), 20);
    assert_int_equal(ip.proto, TK_IPPROTO_UDP);
    assert_int_equal(ip.total_len, 20 + 8 + 24);
    tk_udp_hdr u;
    assert_int_equal(tk_wire_udp_parse(f + TCP_OFF, 32, RADDR, LADDR, true, &u), 8);
    assert_int_equal(u.sport, 1);
    assert_int_equal(u.dport, 9811);
    assert_int_equal(u.len, 32);
    assert_true(u.csum != 0);
    tk_tcp_hdr t;
    assert_int_equal(tk_wire_tcp_parse(f + TCP_OFF + 8, 24, RADDR, LADDR, true, &t), 24);
    assert_int_equal(t.sport, 50000);
    assert_int_equal(t.dport, 8080);
    assert_int_equal(t.seq, 1000001);
    assert_int_equal(t.ack, 5001);
    assert_int_equal(t.flags, TK_TCP_FIN | TK_TCP_ACK);
    assert_int_equal(t.win, 32767);
}

/* A frame as the stack would send it. */
static size_t stack_frame(const tk_tcp_hdr *h, size_t plen, uint8_t *f) {
    tk_eth_hdr eth = {.dst = {2, 0, 0, 0, 0, 2}, .src = {2, 0, 0, 0, 0, 1}, .type = 0x0800};
    uint8_t payload[100] = {0};
    int seg = tk_wire_tcp_emit(h, payload, plen, LADDR, RADDR, f + TCP_OFF, 200);
    assert_true(seg > 0);
    tk_ipv4_hdr ip = {
        .total_len = (uint16_t)(20 + seg), .ttl = 64, .proto = 6, .src = LADDR, .dst = RADDR};
    assert_int_equal(tk_wire_eth_emit(&eth, f, 14), 14);
    assert_int_equal(tk_wire_ipv4_emit(&ip, f + IP_OFF, 20), 20);
    return TCP_OFF + (size_t)seg;
}

static void seen(const tk_tcp_hdr *h, size_t plen, tk_pkt_seen *out) {
    static uint8_t f[300]; /* out->seg points into it */
    size_t n = stack_frame(h, plen, f);
    assert_int_equal(tk_pkt_decode(f, n, out), 0);
}

/* The same segment inside UDP from sport to dport; udp_csum 0 (none) is
 * refused by the decoder, which wants both checksums. */
static size_t stack_udp_frame(const tk_tcp_hdr *h, uint16_t sport, uint16_t dport, bool udp_csum,
                              uint8_t *f) {
    tk_eth_hdr eth = {.dst = {2, 0, 0, 0, 0, 2}, .src = {2, 0, 0, 0, 0, 1}, .type = 0x0800};
    int seg = tk_wire_tcp_emit(h, NULL, 0, LADDR, RADDR, f + TCP_OFF + 8, 200);
    assert_true(seg > 0);
    tk_udp_hdr u = {.sport = sport, .dport = dport};
    int dg = tk_wire_udp_emit(&u, (size_t)seg, tk_csum_add(0, f + TCP_OFF + 8, (size_t)seg), LADDR,
                              RADDR, f + TCP_OFF, 208);
    assert_int_equal(dg, seg + 8);
    if (!udp_csum)
        f[TCP_OFF + 6] = f[TCP_OFF + 7] = 0;
    tk_ipv4_hdr ip = {
        .total_len = (uint16_t)(20 + dg), .ttl = 64, .proto = 17, .src = LADDR, .dst = RADDR};
    assert_int_equal(tk_wire_eth_emit(&eth, f, 14), 14);
    assert_int_equal(tk_wire_ipv4_emit(&ip, f + IP_OFF, 20), 20);
    return TCP_OFF + (size_t)dg;
}

/* The encapsulation is matched exactly, whatever is relaxed, and shown in
 * the rendering the way scripts write it. */
static void test_match_udp_encapsulation(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    c.local_isn = 100;
    tk_tcp_hdr h = {.sport = 8080, .dport = 50000, .seq = 101, .flags = TK_TCP_RST, .win = 0};
    uint8_t f[300];
    tk_pkt_seen got;
    assert_int_equal(tk_pkt_decode(f, stack_udp_frame(&h, 9811, 1, true, f), &got), 0);
    assert_true(got.udp);
    assert_int_equal(got.udp_sport, 9811);
    assert_int_equal(got.udp_dport, 1);
    tk_pkt_match_cfg relax = {.relax_options = true, .relax_win = true};
    char msg[300];
    static const struct {
        const char *line, *msg;
    } cases[] = {
        {"> R 1:1(0) win 0/udp(9811 > 1)", ""},
        {"> R 1:1(0) win 0/udp(9811 > 2)", "expected UDP 9811 > 2, got UDP 9811 > 1"},
        {"> R 1:1(0) win 0/udp(9812 > 1)", "expected UDP 9812 > 1, got UDP 9811 > 1"},
        {"> R 1:1(0) win 0", "expected plain TCP, got UDP 9811 > 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tk_pkt_packet p;
        packet(cases[i].line, &p);
        msg[0] = '\0';
        assert_int_equal(tk_pkt_match(&c, &p, &got, &relax, msg, sizeof msg), cases[i].msg[0] != 0);
        assert_string_equal(msg, cases[i].msg);
    }
    char buf[200];
    tk_pkt_render(&c, &got, buf, sizeof buf);
    assert_string_equal(buf, "R 1:1(0) win 0/udp(9811 > 1)");
    /* A plain segment where the script wants UDP. */
    seen(&h, 0, &got);
    tk_pkt_packet p;
    packet("> R 1:1(0) win 0/udp(9811 > 1)", &p);
    assert_int_equal(tk_pkt_match(&c, &p, &got, &relax, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected UDP 9811 > 1, got plain TCP");
    /* Without a UDP checksum the decoder refuses the frame. */
    assert_int_equal(tk_pkt_decode(f, stack_udp_frame(&h, 9811, 1, false, f), &got), -EINVAL);
}

static void test_match_learns_isn_and_ts(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    tk_tcp_hdr h = {.sport = 8080,
                    .dport = 50000,
                    .seq = 777,
                    .ack = 1000001,
                    .flags = TK_TCP_SYN | TK_TCP_ACK,
                    .win = 65535};
    h.opts.present = TK_OPT_MSS | TK_OPT_TS;
    h.opts.mss = 1460;
    h.opts.ts_val = 9000;
    h.opts.ts_ecr = 5;
    tk_pkt_seen got;
    seen(&h, 0, &got);
    tk_pkt_packet p;
    packet("> S. 0:0(0) ack 1 win 65535 <mss 1460,nop,nop,TS val 100 ecr 5>", &p);
    tk_pkt_match_cfg cfg = {.ts_slack = 0};
    char msg[300] = "";
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 0);
    assert_true(c.local_isn_known);
    assert_int_equal(c.local_isn, 777);
    assert_true(c.ts_known);
    assert_int_equal(c.ts_offset, 8900);
}

static void test_match_reports_each_field(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    c.local_isn = 100;
    tk_tcp_hdr h = {.sport = 8080,
                    .dport = 50000,
                    .seq = 101,
                    .ack = 1000002,
                    .flags = TK_TCP_ACK | TK_TCP_FIN,
                    .win = 500};
    tk_pkt_seen got;
    seen(&h, 0, &got);
    tk_pkt_match_cfg cfg = {0};
    char msg[300];
    static const struct {
        const char *line, *msg;
    } cases[] = {
        {"> R. 1:1(0) ack 2 win 500", "expected flags R., got flags F."},
        {"> F. 2:2(0) ack 2 win 500", "expected seq 2, got seq 1"},
        {"> F. 1:2(1) ack 2 win 500", "expected len 1, got len 0"},
        {"> F. 1:1(0) ack 3 win 500", "expected ack 3, got ack 2"},
        {"> F. 1:1(0) ack 2 win 501", "expected win 501, got win 500"},
        {"> F. 1:1(0) ack 2 win 500 <nop>", "expected options <nop,eol,eol,eol>, got <>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tk_pkt_packet p;
        packet(cases[i].line, &p);
        assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 1);
        assert_string_equal(msg, cases[i].msg);
    }
}

static void test_match_relaxations_only_skip_their_field(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    tk_tcp_hdr h = {
        .sport = 8080, .dport = 50000, .seq = 1, .ack = 1000001, .flags = TK_TCP_ACK, .win = 500};
    h.opts.present = TK_OPT_MSS;
    h.opts.mss = 1;
    tk_pkt_seen got;
    seen(&h, 0, &got);
    tk_pkt_packet p;
    char msg[300];
    packet("> . 1:1(0) ack 1 win 9", &p);
    tk_pkt_match_cfg relax = {.relax_options = true, .relax_win = true};
    assert_int_equal(tk_pkt_match(&c, &p, &got, &relax, msg, sizeof msg), 0);
    packet("> . 1:1(0) ack 2 win 9", &p);
    assert_int_equal(tk_pkt_match(&c, &p, &got, &relax, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected ack 2, got ack 1");
    packet("> . 1:1(0) ack 1 win 500", &p);
    tk_pkt_match_cfg strict = {0};
    assert_int_equal(tk_pkt_match(&c, &p, &got, &strict, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected options <>, got <mss 1>");
}

/* A signed outbound segment (as the stack signs it). */
static void seen_signed(const char *key, tk_pkt_seen *out) {
    tk_tcp_hdr h = {
        .sport = 8080, .dport = 50000, .seq = 1, .ack = 1000001, .flags = TK_TCP_ACK, .win = 500};
    h.opts.present = TK_OPT_MD5;
    static uint8_t f[300]; /* out->seg points into it */
    size_t n = stack_frame(&h, 0, f);
    assert_int_equal(tk_wire_tcp_md5_sign(f + TCP_OFF, n - TCP_OFF, LADDR, RADDR,
                                          (const uint8_t *)key, strlen(key)),
                     0);
    assert_int_equal(tk_pkt_decode(f, n, out), 0);
}

/* Outbound md5 options: the bytes around the digest must match, and the
 * signature must verify with the script's secret (or not, for `invalid`). */
static void test_match_md5(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    tk_pkt_seen got;
    tk_pkt_packet p;
    tk_pkt_match_cfg cfg = {0};
    char msg[300] = "";
    seen_signed("secret", &got);
    packet("> . 1:1(0) ack 1 win 500 <nop,nop,md5 valid>", &p);
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "cannot check options: an md5 option needs --tcp_md5_secret");
    c.md5_key = "secret";
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 0);
    packet("> . 1:1(0) ack 1 win 500 <nop,nop,md5 invalid>", &p);
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected options <nop,nop,md5 invalid>, got <nop,nop,md5 valid>");
    packet("> . 1:1(0) ack 1 win 500", &p);
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected options <>, got <nop,nop,md5 valid>");
    char text[200];
    tk_pkt_render(&c, &got, text, sizeof text);
    assert_string_equal(text, ". 1:1(0) ack 1 win 500 <nop,nop,md5 valid>");
    seen_signed("other", &got);
    packet("> . 1:1(0) ack 1 win 500 <nop,nop,md5 valid>", &p);
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected options <nop,nop,md5 valid>, got <nop,nop,md5 invalid>");
    packet("> . 1:1(0) ack 1 win 500 <nop,nop,md5 invalid>", &p);
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 0);
    /* --relax-options ignores them like every outbound option. */
    packet("> . 1:1(0) ack 1 win 500 <nop,nop,md5 valid>", &p);
    tk_pkt_match_cfg relax = {.relax_options = true};
    assert_int_equal(tk_pkt_match(&c, &p, &got, &relax, msg, sizeof msg), 0);
    /* The option must sit where the script puts it. */
    seen_signed("secret", &got);
    packet("> . 1:1(0) ack 1 win 500 <md5 valid,nop,nop>", &p);
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected options <md5 valid,nop,nop>, got <nop,nop,md5 valid>");
}

static void test_match_ts_slack(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    c.ts_known = true;
    c.ts_offset = 1000;
    tk_tcp_hdr h = {
        .sport = 8080, .dport = 50000, .seq = 1, .ack = 1000001, .flags = TK_TCP_ACK, .win = 500};
    h.opts.present = TK_OPT_TS;
    h.opts.ts_val = 1105;
    h.opts.ts_ecr = 7;
    tk_pkt_seen got;
    seen(&h, 0, &got);
    tk_pkt_packet p;
    char msg[300];
    packet("> . 1:1(0) ack 1 <nop,nop,TS val 100 ecr 7>", &p);
    tk_pkt_match_cfg cfg = {.ts_slack = 5};
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 0);
    cfg.ts_slack = 4;
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 1);
    assert_string_equal(
        msg, "expected options <nop,nop,TS val 100 ecr 7>, got <nop,nop,TS val 105 ecr 7>");
}

static void test_match_ecn_mark(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    tk_tcp_hdr h = {
        .sport = 8080, .dport = 50000, .seq = 1, .ack = 1000001, .flags = TK_TCP_ACK, .win = 500};
    tk_pkt_seen got;
    seen(&h, 0, &got);
    tk_pkt_packet p;
    char msg[300];
    tk_pkt_match_cfg cfg = {0};
    packet(">[noecn] . 1:1(0) ack 1 win 500", &p);
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 0);
    packet(">[ect0] . 1:1(0) ack 1 win 500", &p);
    assert_int_equal(tk_pkt_match(&c, &p, &got, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected ECN bits ect0, got 0");
}

static void test_render(void **state) {
    (void)state;
    tk_pkt_conn c = conn();
    c.local_isn = 10;
    tk_tcp_hdr h = {.sport = 8080,
                    .dport = 50000,
                    .seq = 11,
                    .ack = 1000001,
                    .flags = TK_TCP_ACK | TK_TCP_PSH,
                    .win = 257};
    h.opts.present = TK_OPT_SACK;
    h.opts.sack_count = 1;
    h.opts.sack[0].left = 1000005;
    h.opts.sack[0].right = 1000009;
    tk_pkt_seen got;
    seen(&h, 20, &got);
    char buf[200];
    tk_pkt_render(&c, &got, buf, sizeof buf);
    assert_string_equal(buf, "P. 1:21(20) ack 1 win 257 <nop,nop,sack 5:9>");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_syn_keeps_option_order),
        cmocka_unit_test(test_build_relative_ack_data_and_ts_ecr),
        cmocka_unit_test(test_build_absolute_seq),
        cmocka_unit_test(test_build_icmp_quotes_segment),
        cmocka_unit_test(test_build_icmp_names_per_type),
        cmocka_unit_test(test_build_udp_encapsulated),
        cmocka_unit_test(test_build_signs_md5),
        cmocka_unit_test(test_match_md5),
        cmocka_unit_test(test_match_udp_encapsulation),
        cmocka_unit_test(test_match_learns_isn_and_ts),
        cmocka_unit_test(test_match_reports_each_field),
        cmocka_unit_test(test_match_relaxations_only_skip_their_field),
        cmocka_unit_test(test_match_ts_slack),
        cmocka_unit_test(test_match_ecn_mark),
        cmocka_unit_test(test_render),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
