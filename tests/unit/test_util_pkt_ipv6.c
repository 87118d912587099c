/* SPEC NET-4 in the script runner: script packets <-> Ethernet/IPv6/TCP
 * frames. Inbound frames carry a 40-byte IPv6 header (traffic class, hop
 * limit, flow label as written), a TCP checksum over the IPv6
 * pseudo-header, and ICMPv6 errors (RFC 4443) quoting the IPv6 packet;
 * outbound IPv6 frames are decoded and matched, the flow label compared
 * only when the script gives one. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/packetdrill/pkt_frame.h"
#include "lib/packetdrill/pkt_header.h"
#include "lib/packetdrill/pkt_parse.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/ipv6.h"
#include "tcpkit/wire/tcp.h"

#define IP_OFF  TK_ETH_HLEN
#define TCP_OFF (TK_ETH_HLEN + TK_IPV6_HLEN)

/* packetdrill's defaults: fd3d:fa7b:d17d::0 (stack), fd3d:fa7b:d17d:8888:: (peer). */
static const uint8_t LADDR6[16] = {0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d};
static const uint8_t RADDR6[16] = {0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d, 0x88, 0x88};

static tk_pkt_conn conn6(void) {
    tk_pkt_conn c = {.ip_version = TK_PKT_IPV6,
                     .laddr = 0xc6120001u,
                     .raddr = 0xc6120002u,
                     .lport = 8080,
                     .rport = 50000,
                     .lmac = {2, 0, 0, 0, 0, 1},
                     .rmac = {2, 0, 0, 0, 0, 2},
                     .remote_isn = 1000000,
                     .local_isn = 5000,
                     .local_isn_known = true};
    memcpy(c.laddr6, LADDR6, 16);
    memcpy(c.raddr6, RADDR6, 16);
    return c;
}

/* The same connection seen from the stack: what it sends is what the
 * script peer would send with the roles swapped. */
static tk_pkt_conn stack_side(const tk_pkt_conn *c) {
    tk_pkt_conn s = *c;
    memcpy(s.laddr6, c->raddr6, 16);
    memcpy(s.raddr6, c->laddr6, 16);
    s.laddr = c->raddr, s.raddr = c->laddr;
    s.lport = c->rport, s.rport = c->lport;
    memcpy(s.lmac, c->rmac, 6);
    memcpy(s.rmac, c->lmac, 6);
    s.remote_isn = c->local_isn;
    s.local_isn = c->remote_isn;
    return s;
}

static void packet(const char *line, tk_pkt_packet *p) {
    tk_pkt_lex lx;
    tk_pkt_error err;
    tk_pkt_lex_init(&lx, line);
    assert_int_equal(tk_pkt_parse_packet(&lx, p, &err), 0);
}

static int build(const tk_pkt_conn *c, const char *line, uint8_t *f, size_t cap) {
    tk_pkt_packet p;
    char msg[100] = "";
    packet(line, &p);
    return tk_pkt_build(c, &p, f, cap, msg, sizeof msg);
}

/* A frame as the stack would send it, for the `>` line `line`. */
static size_t stack_frame(const tk_pkt_conn *c, const char *line, uint8_t *f, size_t cap) {
    tk_pkt_conn s = stack_side(c);
    char in[200] = "<";
    strncat(in, line + 1, sizeof in - 2);
    int n = build(&s, in, f, cap);
    assert_true(n > 0);
    return (size_t)n;
}

static void test_NET_04_build_ipv6_syn(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    uint8_t f[200];
    int n = build(&c, "< S 0:0(0) win 32767 <mss 1440,sackOK,eol,eol>", f, sizeof f);
    assert_int_equal(n, 14 + 40 + 28);
    static const uint8_t eth[14] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd};
    assert_memory_equal(f, eth, 14);
    tk_ipv6_hdr ip;
    assert_int_equal(tk_wire_ipv6_parse(f + IP_OFF, (size_t)n - IP_OFF, &ip), 40);
    assert_int_equal(ip.payload_len, 28);
    assert_int_equal(ip.next, TK_IPPROTO_TCP);
    assert_int_equal(ip.hop_limit, 64);
    assert_int_equal(ip.tclass, 0);
    assert_int_equal(ip.flow, 0);
    assert_memory_equal(ip.src, RADDR6, 16);
    assert_memory_equal(ip.dst, LADDR6, 16);
    /* RFC 8200 8.1: the checksum covers the IPv6 pseudo-header. */
    uint32_t sum = tk_csum_pseudo6(RADDR6, LADDR6, TK_IPPROTO_TCP, 28);
    assert_int_equal(tk_csum_finish(tk_csum_add(sum, f + TCP_OFF, 28)), 0);
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(f + TCP_OFF, 28, 0, 0, false, &h), 28);
    assert_int_equal(h.sport, 50000);
    assert_int_equal(h.dport, 8080);
    assert_int_equal(h.seq, 1000000);
    assert_int_equal(h.flags, TK_TCP_SYN);
    assert_int_equal(h.win, 32767);
    static const uint8_t opts[8] = {2, 4, 0x05, 0xa0, 4, 2, 0, 0};
    assert_memory_equal(f + TCP_OFF + 20, opts, 8);
}

static void test_NET_04_build_ipv6_class_hlim_ecn_flow(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    uint8_t f[200];
    int n = build(&c, "< [ect0] (class 0x20, hlim 3, flowlabel 0x12345) . 1:1(0) ack 1 win 100", f,
                  sizeof f);
    assert_int_equal(n, 14 + 40 + 20);
    tk_ipv6_hdr ip;
    assert_int_equal(tk_wire_ipv6_parse(f + IP_OFF, (size_t)n - IP_OFF, &ip), 40);
    assert_int_equal(ip.tclass, 0x22); /* CS1 and ECT(0) */
    assert_int_equal(ip.hop_limit, 3);
    assert_int_equal(ip.flow, 0x12345);
    tk_tcp_hdr h;
    assert_int_equal(tk_wire_tcp_parse(f + TCP_OFF, 20, 0, 0, false, &h), 20);
    assert_int_equal(h.ack, 5001);
}

/* ICMPv6 error: its checksum over the IPv6 pseudo-header, and the quoted
 * IPv6 packet the stack sent (stack -> peer, ports, sequence number). */
static void check_icmp6(const uint8_t *f, int n, uint8_t type, uint8_t code, uint32_t rest,
                        uint32_t seq) {
    assert_int_equal(n, 14 + 40 + 8 + 48);
    tk_ipv6_hdr ip;
    assert_int_equal(tk_wire_ipv6_parse(f + IP_OFF, (size_t)n - IP_OFF, &ip), 40);
    assert_int_equal(ip.next, TK_IPPROTO_ICMPV6);
    assert_memory_equal(ip.src, RADDR6, 16);
    assert_memory_equal(ip.dst, LADDR6, 16);
    tk_icmp_hdr h;
    assert_int_equal(tk_wire_icmp6_parse(f + TCP_OFF, 56, RADDR6, LADDR6, true, &h), 8);
    assert_int_equal(h.type, type);
    assert_int_equal(h.code, code);
    assert_int_equal(h.rest, rest);
    tk_icmp6_quote q;
    assert_int_equal(tk_wire_icmp6_quote_parse(&h, &q), 0);
    assert_memory_equal(q.src, LADDR6, 16);
    assert_memory_equal(q.dst, RADDR6, 16);
    assert_int_equal(q.proto, TK_IPPROTO_TCP);
    assert_int_equal(q.sport, 8080);
    assert_int_equal(q.dport, 50000);
    assert_int_equal(q.seq, seq);
}

static void test_NET_04_build_icmpv6_unreachable(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    uint8_t f[300];
    static const struct {
        const char *line;
        uint8_t code;
    } cases[] = {{"< icmp unreachable no_route [0:0(0)]", 0},
                 {"< icmp unreachable admin_prohibited [0:0(0)]", 1},
                 {"< icmp unreachable not_neighbour [0:0(0)]", 2},
                 {"< icmp unreachable address_unreachable [0:0(0)]", 3},
                 {"< icmp unreachable port_unreachable [1:1(0)]", 4},
                 {"< icmp unreachable code_6 [0:0(0)]", 6}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = build(&c, cases[i].line, f, sizeof f);
        check_icmp6(f, n, 1, cases[i].code, 0, strstr(cases[i].line, "[1:") ? 5001 : 5000);
    }
}

static void test_NET_04_build_icmpv6_packet_too_big_mtu(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    uint8_t f[300];
    int n = build(&c, "< icmp packet_too_big mtu 1300 [0:0(0)]", f, sizeof f);
    check_icmp6(f, n, TK_ICMP6_PKT_TOO_BIG, 0, 1300, 5000); /* RFC 4443 3.2 */
    n = build(&c, "< icmp packet_too_big mtu 70000 [0:0(0)]", f, sizeof f);
    check_icmp6(f, n, TK_ICMP6_PKT_TOO_BIG, 0, 70000, 5000); /* 32 bits, unlike ICMPv4's 16 */
}

static void test_NET_04_build_icmpv6_time_exceeded_and_param_problem(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    uint8_t f[300];
    check_icmp6(f, build(&c, "< icmp time_exceeded exceeded_hop_limit [0:0(0)]", f, sizeof f), 3, 0,
                0, 5000);
    check_icmp6(f, build(&c, "< icmp time_exceeded exceeded_frag_time [0:0(0)]", f, sizeof f), 3, 1,
                0, 5000);
    check_icmp6(f, build(&c, "< icmp parameter_problem header_field [0:0(0)]", f, sizeof f), 4, 0,
                0, 5000);
    check_icmp6(f, build(&c, "< icmp parameter_problem unknown_next_header [0:0(0)]", f, sizeof f),
                4, 1, 0, 5000);
    check_icmp6(f, build(&c, "< icmp parameter_problem unknown_option [0:0(0)]", f, sizeof f), 4, 2,
                0, 5000);
}

/* ICMPv4 names that ICMPv6 does not have are refused, not guessed. */
static void test_NET_04_build_icmpv6_refuses_ipv4_names(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    uint8_t f[300];
    tk_pkt_packet p;
    char msg[100] = "";
    packet("< icmp unreachable frag_needed mtu 1234 [0:0(0)]", &p);
    assert_int_equal(tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg), -ENOTSUP);
    assert_string_equal(msg, "unknown ICMPv6 type or code");
    packet("< icmp source_quench [0:0(0)]", &p);
    assert_int_equal(tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg), -ENOTSUP);
}

static void test_NET_04_build_ipv6_udp_encapsulated(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    uint8_t f[300];
    int n = build(&c, "< S 0:0(0) win 1000/udp(1 > 9811)", f, sizeof f);
    assert_int_equal(n, 14 + 40 + 8 + 20);
    tk_ipv6_hdr ip;
    assert_int_equal(tk_wire_ipv6_parse(f + IP_OFF, (size_t)n - IP_OFF, &ip), 40);
    assert_int_equal(ip.next, 17);
    uint32_t sum = tk_csum_pseudo6(RADDR6, LADDR6, 17, 28);
    assert_int_equal(tk_csum_finish(tk_csum_add(sum, f + TCP_OFF, 28)), 0);
    sum = tk_csum_pseudo6(RADDR6, LADDR6, TK_IPPROTO_TCP, 20);
    assert_int_equal(tk_csum_finish(tk_csum_add(sum, f + TCP_OFF + 8, 20)), 0);
    /* And the decoder reads it back with both checksums verified. */
    tk_pkt_seen got;
    assert_int_equal(tk_pkt_decode(f, (size_t)n, &got), 0);
    assert_true(got.v6);
    assert_true(got.udp);
    assert_int_equal(got.udp_sport, 1);
    assert_int_equal(got.udp_dport, 9811);
}

static void test_NET_04_md5_over_ipv6_refused(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    c.md5_key = "secret";
    uint8_t f[300];
    tk_pkt_packet p;
    char msg[100] = "";
    packet("< S 0:0(0) win 1000 <md5 valid>", &p);
    assert_int_equal(tk_pkt_build(&c, &p, f, sizeof f, msg, sizeof msg), -ENOTSUP);
    assert_string_equal(msg, "md5 options over IPv6 are not supported yet");
}

static void test_NET_04_decode_and_match_ipv6(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    c.local_isn_known = false;
    c.local_isn = 0;
    uint8_t f[300];
    tk_pkt_conn s = stack_side(&c);
    s.remote_isn = 777; /* the stack's ISN, learned from its SYN */
    int n = build(&s, "< (hlim 4) S 0:0(0) win 65535 <mss 1440,nop,wscale 6>", f, sizeof f);
    tk_pkt_seen got;
    assert_int_equal(tk_pkt_decode(f, (size_t)n, &got), 0);
    assert_true(got.v6);
    assert_memory_equal(got.src6, LADDR6, 16);
    assert_memory_equal(got.dst6, RADDR6, 16);
    assert_int_equal(got.ttl, 4);
    assert_int_equal(got.sport, 8080);
    assert_int_equal(got.seq, 777);
    tk_pkt_packet exp;
    tk_pkt_match_cfg cfg = {0};
    char msg[200] = "";
    packet("> (hlim 4) S 0:0(0) win 65535 <mss 1440,nop,wscale 6>", &exp);
    assert_int_equal(tk_pkt_match(&c, &exp, &got, &cfg, msg, sizeof msg), 0);
    assert_true(c.local_isn_known);
    assert_int_equal(c.local_isn, 777);
    packet("> (hlim 5) S 0:0(0) win 65535 <mss 1440,nop,wscale 6>", &exp);
    assert_int_equal(tk_pkt_match(&c, &exp, &got, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected ttl 5, got ttl 4");
}

static void test_NET_04_match_traffic_class_and_ecn(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    uint8_t f[300];
    size_t n = stack_frame(&c, "> [ect0] (class 0xe0) . 1:1(0) ack 1 win 100", f, sizeof f);
    tk_pkt_seen got;
    assert_int_equal(tk_pkt_decode(f, n, &got), 0);
    assert_int_equal(got.tos, 0xe2);
    tk_pkt_packet exp;
    tk_pkt_match_cfg cfg = {0};
    char msg[200] = "";
    packet("> [ect0] (class 0xe0) . 1:1(0) ack 1 win 100", &exp);
    assert_int_equal(tk_pkt_match(&c, &exp, &got, &cfg, msg, sizeof msg), 0);
    packet("> [noecn] . 1:1(0) ack 1 win 100", &exp);
    assert_int_equal(tk_pkt_match(&c, &exp, &got, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected ECN bits noecn, got 2");
    packet("> (class 0x20) . 1:1(0) ack 1 win 100", &exp);
    assert_int_equal(tk_pkt_match(&c, &exp, &got, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected tos 32, got tos 226");
}

static void test_NET_04_match_flow_label_only_when_given(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    uint8_t f[300];
    size_t n = stack_frame(&c, "> (flowlabel 0x12345) . 1:1(0) ack 1 win 100", f, sizeof f);
    tk_pkt_seen got;
    assert_int_equal(tk_pkt_decode(f, n, &got), 0);
    assert_int_equal(got.flow, 0x12345);
    tk_pkt_packet exp;
    tk_pkt_match_cfg cfg = {0};
    char msg[200] = "";
    packet("> . 1:1(0) ack 1 win 100", &exp);
    assert_int_equal(tk_pkt_match(&c, &exp, &got, &cfg, msg, sizeof msg), 0);
    packet("> (flowlabel 0x12345) . 1:1(0) ack 1 win 100", &exp);
    assert_int_equal(tk_pkt_match(&c, &exp, &got, &cfg, msg, sizeof msg), 0);
    packet("> (flowlabel 1) . 1:1(0) ack 1 win 100", &exp);
    assert_int_equal(tk_pkt_match(&c, &exp, &got, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected flowlabel 1, got flowlabel 74565");
}

static void test_NET_04_match_wants_the_scripts_ip_version(void **state) {
    (void)state;
    tk_pkt_conn c6 = conn6(), c4 = conn6();
    c4.ip_version = TK_PKT_IPV4;
    uint8_t f4[300], f6[300];
    size_t n4 = stack_frame(&c4, "> . 1:1(0) ack 1 win 100", f4, sizeof f4);
    size_t n6 = stack_frame(&c6, "> . 1:1(0) ack 1 win 100", f6, sizeof f6);
    assert_int_equal(n4 + 20, n6);
    tk_pkt_seen g4, g6;
    assert_int_equal(tk_pkt_decode(f4, n4, &g4), 0);
    assert_int_equal(tk_pkt_decode(f6, n6, &g6), 0);
    assert_false(g4.v6);
    tk_pkt_packet exp;
    tk_pkt_match_cfg cfg = {0};
    char msg[200] = "";
    packet("> . 1:1(0) ack 1 win 100", &exp);
    assert_int_equal(tk_pkt_match(&c6, &exp, &g4, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected an IPv6 packet, got an IPv4 one");
    assert_int_equal(tk_pkt_match(&c4, &exp, &g6, &cfg, msg, sizeof msg), 1);
    assert_string_equal(msg, "expected an IPv4 packet, got an IPv6 one");
    assert_int_equal(tk_pkt_match(&c6, &exp, &g6, &cfg, msg, sizeof msg), 0);
}

static void test_NET_04_decode_rejects_bad_ipv6_checksum(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    uint8_t f[300];
    size_t n = stack_frame(&c, "> P. 1:11(10) ack 1 win 100", f, sizeof f);
    tk_pkt_seen got;
    assert_int_equal(tk_pkt_decode(f, n, &got), 0);
    assert_int_equal(got.len, 10);
    f[n - 1] ^= 0x40; /* a payload byte */
    assert_int_equal(tk_pkt_decode(f, n, &got), -EINVAL);
    f[n - 1] ^= 0x40;
    f[IP_OFF + 39] ^= 1; /* the destination address: the pseudo-header changes */
    assert_int_equal(tk_pkt_decode(f, n, &got), -EINVAL);
}

/* Extension headers in front of TCP are walked; NDP is not TCP. */
static void test_NET_04_decode_walks_extension_headers(void **state) {
    (void)state;
    tk_pkt_conn c = conn6();
    uint8_t f[300], g[300];
    size_t n = stack_frame(&c, "> . 1:1(0) ack 1 win 100", f, sizeof f);
    /* Insert an 8-byte destination-options header (PadN) before TCP. */
    memcpy(g, f, TCP_OFF);
    static const uint8_t dstopts[8] = {TK_IPPROTO_TCP, 0, 1, 4, 0, 0, 0, 0};
    memcpy(g + TCP_OFF, dstopts, 8);
    memcpy(g + TCP_OFF + 8, f + TCP_OFF, n - TCP_OFF);
    g[IP_OFF + 5] = (uint8_t)(g[IP_OFF + 5] + 8); /* payload length */
    g[IP_OFF + 6] = TK_IPPROTO_DSTOPTS;
    tk_pkt_seen got;
    assert_int_equal(tk_pkt_decode(g, n + 8, &got), 0);
    assert_int_equal(got.ack, 1000001);
    g[IP_OFF + 6] = TK_IPPROTO_ICMPV6;
    g[TCP_OFF] = TK_ICMP6_ND_NS;
    assert_int_equal(tk_pkt_decode(g, n + 8, &got), -ENOENT);
}

static void test_NET_04_header_ip_version_and_addresses(void **state) {
    (void)state;
    tk_pkt_headers h;
    tk_pkt_error err;
    memset(&h, 0, sizeof h);
    assert_int_equal(tk_pkt_parse_header("--ip_version=ipv6", &h, &err), 0);
    assert_int_equal(h.ip_version, TK_PKT_IPV6);
    assert_int_equal(tk_pkt_parse_header("--ip_version=ipv4-mapped-ipv6", &h, &err), 0);
    assert_int_equal(h.ip_version, TK_PKT_IPV4_MAPPED);
    assert_int_equal(tk_pkt_parse_header("--ip_version=ipv4_mapped_ipv6", &h, &err), 0);
    assert_int_equal(h.ip_version, TK_PKT_IPV4_MAPPED);
    assert_int_equal(tk_pkt_parse_header("--ip_version=ipv4", &h, &err), 0);
    assert_int_equal(h.ip_version, TK_PKT_IPV4);
    assert_int_equal(tk_pkt_parse_header("--ip_version=ipv5", &h, &err), -EINVAL);
    assert_int_equal(tk_pkt_parse_header("--local_ip=2001:2::1", &h, &err), 0);
    static const uint8_t want[16] = {0x20, 0x01, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    assert_true(h.has_local_ip6);
    assert_memory_equal(h.local_ip6, want, 16);
    assert_int_equal(tk_pkt_parse_header("--remote_ip=2001:2::2/48", &h, &err), 0);
    assert_true(h.has_remote_ip6);
    assert_int_equal(h.remote_ip6[15], 2);
    assert_int_equal(tk_pkt_parse_header("--remote_ip=2001:2::2/129", &h, &err), -EINVAL);
    assert_int_equal(tk_pkt_parse_header("--gateway_ip=2001:2::9", &h, &err), -EINVAL);
    assert_int_equal(h.local_ip, 0u);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_NET_04_build_ipv6_syn),
        cmocka_unit_test(test_NET_04_build_ipv6_class_hlim_ecn_flow),
        cmocka_unit_test(test_NET_04_build_icmpv6_unreachable),
        cmocka_unit_test(test_NET_04_build_icmpv6_packet_too_big_mtu),
        cmocka_unit_test(test_NET_04_build_icmpv6_time_exceeded_and_param_problem),
        cmocka_unit_test(test_NET_04_build_icmpv6_refuses_ipv4_names),
        cmocka_unit_test(test_NET_04_build_ipv6_udp_encapsulated),
        cmocka_unit_test(test_NET_04_md5_over_ipv6_refused),
        cmocka_unit_test(test_NET_04_decode_and_match_ipv6),
        cmocka_unit_test(test_NET_04_match_traffic_class_and_ecn),
        cmocka_unit_test(test_NET_04_match_flow_label_only_when_given),
        cmocka_unit_test(test_NET_04_match_wants_the_scripts_ip_version),
        cmocka_unit_test(test_NET_04_decode_rejects_bad_ipv6_checksum),
        cmocka_unit_test(test_NET_04_decode_walks_extension_headers),
        cmocka_unit_test(test_NET_04_header_ip_version_and_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
