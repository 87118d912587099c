/* Layer finding for whole and partial frames (tools/lib/capture/decode_frame.c) and
 * the text pieces `tcpkit decode` prints (tools/lib/capture/decode_out.c), SPEC OBS-3. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/capture/decode_frame.h"
#include "lib/capture/decode_out.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"

/* 198.18.0.1:49152 > 198.18.0.2:80 SYN, seq 2^32-1, mss/sackOK/TS/nop/wscale. */
static const uint8_t syn[74] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x3c, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0xae, 0x94, 0xc6, 0x12, 0x00, 0x01,
    0xc6, 0x12, 0x00, 0x02, 0xc0, 0x00, 0x00, 0x50, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00,
    0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x33, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
    0x08, 0x0a, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07};

/* The same connection's "hello" data segment (PSH|ACK, 5 bytes). */
static const uint8_t data5[59] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x2d, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06, 0xae, 0xa3, 0xc6, 0x12, 0x00, 0x01,
    0xc6, 0x12, 0x00, 0x02, 0xc0, 0x00, 0x00, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
    0xe9, 0x50, 0x18, 0xfa, 0xf0, 0x20, 0xa3, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f};

static tk_dframe_in whole(const uint8_t *p, size_t len) {
    return (tk_dframe_in){p, NULL, 0, len, TK_DFRAME_AUTO, TK_DFRAME_AUTO};
}

static void test_OBS_03_whole_ethernet_frame(void **state) {
    (void)state;
    tk_dframe_in in = whole(syn, sizeof syn);
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_true(f.has_eth && f.has_ip && f.is_tcp);
    assert_int_equal(f.eth.type, 0x0800);
    assert_int_equal(f.ip.src, 0xc6120001u);
    assert_int_equal(f.ip.dst, 0xc6120002u);
    assert_int_equal(f.ip_csum, TK_CSUM_OK);
    assert_int_equal(f.tcp_off, 34);
    assert_int_equal(f.tcp.sport, 49152);
    assert_int_equal(f.tcp.seq, 0xffffffffu);
    assert_int_equal(f.tcp.flags, 0x02);
    assert_int_equal(f.tcp.hlen, 40);
    assert_int_equal(f.tcp.opts.mss, 1460);
    assert_int_equal(f.tcp_csum, TK_CSUM_OK);
    assert_int_equal(f.payload_len, 0);
    assert_memory_equal(f.tcp_opts, syn + 54, 20);
}

static void test_OBS_03_bad_tcp_checksum_reported(void **state) {
    (void)state;
    uint8_t bad[sizeof data5];
    memcpy(bad, data5, sizeof bad);
    bad[58] ^= 1; /* payload byte */
    tk_dframe_in in = whole(bad, sizeof bad);
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_int_equal(f.payload_len, 5);
    assert_int_equal(f.tcp_csum, TK_CSUM_BAD);
    bad[58] ^= 1;
    bad[24] ^= 1; /* IPv4 header checksum */
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_int_equal(f.ip_csum, TK_CSUM_BAD);
    assert_int_equal(f.tcp_csum, TK_CSUM_OK);
}

/* Ethernet padding after the datagram is not payload. */
static void test_OBS_03_ethernet_padding_ignored(void **state) {
    (void)state;
    uint8_t padded[64] = {0};
    memcpy(padded, data5, sizeof data5);
    tk_dframe_in in = whole(padded, sizeof padded);
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_int_equal(f.payload_len, 5);
    assert_int_equal(f.tcp_csum, TK_CSUM_OK);
}

static void test_OBS_03_capture_cut_short(void **state) {
    (void)state;
    tk_dframe_in in = whole(data5, 56); /* 3 payload bytes missing */
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_true(f.ip_truncated);
    assert_int_equal(f.ip.total_len, 45);
    assert_int_equal(f.payload_len, 5);
    assert_int_equal(f.tcp_csum, TK_CSUM_UNVERIFIED);
}

/* The seed's case: the dump starts at 0x22, so TCP is at 34, no addresses. */
static void test_OBS_03_partial_from_0x22(void **state) {
    (void)state;
    tk_dframe_in in = {syn, NULL, 0x22, sizeof syn, TK_DFRAME_AUTO, TK_DFRAME_AUTO};
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_false(f.has_eth);
    assert_false(f.has_ip);
    assert_true(f.is_tcp);
    assert_int_equal(f.tcp_off, 34);
    assert_int_equal(f.tcp.dport, 80);
    assert_int_equal(f.payload_len, 0);
    assert_int_equal(f.tcp_csum, TK_CSUM_UNVERIFIED);
}

static void test_OBS_03_partial_holding_ip_header(void **state) {
    (void)state;
    tk_dframe_in in = {syn, NULL, 14, sizeof syn, TK_DFRAME_AUTO, TK_DFRAME_AUTO};
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_false(f.has_eth);
    assert_true(f.has_ip);
    assert_int_equal(f.ip.src, 0xc6120001u);
    assert_int_equal(f.tcp_csum, TK_CSUM_OK);
}

static void test_OBS_03_data_offset_below_5_uses_wire_error(void **state) {
    (void)state;
    uint8_t bad[sizeof syn];
    memcpy(bad, syn, sizeof bad);
    bad[46] = 0x40;
    tk_dframe_in in = {bad, NULL, 0x22, sizeof bad, TK_DFRAME_AUTO, TK_DFRAME_AUTO};
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), TK_WIRE_TCP_DOFF);
    assert_string_equal(f.why, "tcp data offset below 5");
}

static void test_OBS_03_missing_header_byte(void **state) {
    (void)state;
    uint8_t known[sizeof syn / 8 + 1];
    memset(known, 0xff, sizeof known);
    known[40 / 8] = (uint8_t) ~(1u << (40 % 8)); /* byte 40: in the sequence number */
    tk_dframe_in in = {syn, known, 0, sizeof syn, TK_DFRAME_AUTO, TK_DFRAME_AUTO};
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), -EINVAL);
    assert_string_equal(f.why,
                        "the TCP header at 0x0022 is not all in the dump (byte 0x0028 missing)");
}

static void test_OBS_03_dump_starting_past_tcp(void **state) {
    (void)state;
    tk_dframe_in in = {syn, NULL, 0x30, sizeof syn, TK_DFRAME_AUTO, TK_DFRAME_AUTO};
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), -EINVAL);
    assert_string_equal(f.why, "the dump starts at 0x0030, past offset 0x22 where TCP usually "
                               "starts (give --tcp-offset N)");
    in.tcp_offset = 0x30; /* not a header there: data offset nibble 0 */
    assert_int_equal(tk_dframe_decode(&in, &f), TK_WIRE_TCP_DOFF);
}

static void test_OBS_03_tcp_offset_given(void **state) {
    (void)state;
    tk_dframe_in in = {syn + 34, NULL, 0, 40, 0, TK_DFRAME_AUTO};
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_false(f.has_ip);
    assert_int_equal(f.tcp_off, 0);
    assert_int_equal(f.tcp.seq, 0xffffffffu);
    tk_dframe_in same = whole(syn, sizeof syn);
    same.tcp_offset = 34; /* agrees with the headers: they are kept */
    assert_int_equal(tk_dframe_decode(&same, &f), 0);
    assert_true(f.has_ip);
}

static void test_OBS_03_raw_ip_and_link_offset(void **state) {
    (void)state;
    tk_dframe_in raw = whole(syn + 14, sizeof syn - 14);
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&raw, &f), 0);
    assert_false(f.has_eth);
    assert_true(f.has_ip);
    assert_int_equal(f.tcp_off, 20);
    tk_dframe_in sll = whole(syn, sizeof syn); /* a link header of 14 bytes, not Ethernet */
    sll.ip_offset = 14;
    assert_int_equal(tk_dframe_decode(&sll, &f), 0);
    assert_false(f.has_eth);
    assert_int_equal(f.ip_off, 14);
    assert_int_equal(f.tcp_csum, TK_CSUM_OK);
    sll.ip_offset = 12; /* 0x0800 there: not an IPv4 header */
    assert_int_equal(tk_dframe_decode(&sll, &f), 0);
    assert_false(f.is_tcp);
    assert_string_equal(f.note, "not IPv4 or IPv6");
}

static void test_OBS_03_not_tcp_notes(void **state) {
    (void)state;
    uint8_t frame[sizeof syn];
    memcpy(frame, syn, sizeof frame);
    frame[12] = 0x08;
    frame[13] = 0x06;
    tk_dframe_in in = whole(frame, sizeof frame);
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_false(f.is_tcp);
    assert_string_equal(f.note, "ARP");
    memcpy(frame, syn, sizeof frame);
    frame[23] = 17;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_false(f.is_tcp);
    assert_string_equal(f.note, "UDP");
    frame[0] = 0x99; /* neither Ethernet/IPv4 nor IPv4 at 0 */
    frame[12] = 0x12;
    assert_int_equal(tk_dframe_decode(&in, &f), -EINVAL);
    assert_string_equal(f.why, "no Ethernet/IPv4/IPv6 header at offset 0 (give --tcp-offset N)");
}

static void test_OBS_03_flag_letters(void **state) {
    (void)state;
    char s[16];
    tk_dout_flags(0x02, s);
    assert_string_equal(s, "S");
    tk_dout_flags(0x12, s);
    assert_string_equal(s, "S.");
    tk_dout_flags(0x19, s);
    assert_string_equal(s, "FP.");
    tk_dout_flags(0x14, s);
    assert_string_equal(s, "R.");
    tk_dout_flags(0xff, s);
    assert_string_equal(s, "FSRPU.EW");
    tk_dout_flags(0, s);
    assert_string_equal(s, "none");
}

static void test_OBS_03_option_text(void **state) {
    (void)state;
    char s[256];
    tk_dout_options(syn + 54, 20, s, sizeof s);
    assert_string_equal(s, "mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7");
    static const uint8_t more[] = {1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 9, 0xfd, 4, 0xab, 0xcd, 0};
    tk_dout_options(more, sizeof more, s, sizeof s);
    assert_string_equal(s, "nop,nop,sack 1 {1:9},unknown kind 253 len 4,eol");
}

static void test_OBS_03_summary_without_addresses(void **state) {
    (void)state;
    tk_dframe_in in = {syn, NULL, 0x22, sizeof syn, TK_DFRAME_AUTO, TK_DFRAME_AUTO};
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    char s[TK_DOUT_LINE_MAX];
    tk_dout_summary(&f, s, sizeof s);
    assert_string_equal(s, "IP ?.49152 > ?.80: Flags [S], seq 4294967295, win 64240, options "
                           "[mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7], length 0");
}

/* data5's TCP segment over IPv6 (2001:2::1 > 2001:2::2), behind `ext`
 * (ext_len bytes of extension headers, first next header ext_next), its
 * checksum over RFC 8200 8.1's pseudo-header. Returns the frame length. */
static size_t ipv6_frame(uint8_t *out, uint8_t ext_next, const uint8_t *ext, size_t ext_len) {
    static const uint8_t mac[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
    const uint8_t *tcp = data5 + 34;
    size_t tcp_len = sizeof data5 - 34;
    memcpy(out, mac, sizeof mac);
    out[12] = 0x86;
    out[13] = 0xdd;
    uint8_t *ip = out + 14;
    memset(ip, 0, 40);
    ip[0] = 0x60;
    ip[4] = (uint8_t)((ext_len + tcp_len) >> 8);
    ip[5] = (uint8_t)(ext_len + tcp_len);
    ip[6] = ext_len ? ext_next : 6;
    ip[7] = 64;
    ip[8] = 0x20, ip[9] = 0x01, ip[11] = 0x02, ip[23] = 1;   /* 2001:2::1 */
    ip[24] = 0x20, ip[25] = 0x01, ip[27] = 0x02, ip[39] = 2; /* 2001:2::2 */
    if (ext_len)
        memcpy(ip + 40, ext, ext_len);
    uint8_t *seg = ip + 40 + ext_len;
    memcpy(seg, tcp, tcp_len);
    seg[16] = seg[17] = 0;
    uint32_t sum = tk_csum_pseudo6(ip + 8, ip + 24, 6, (uint32_t)tcp_len);
    uint16_t c = tk_csum_finish(tk_csum_add(sum, seg, tcp_len));
    seg[16] = (uint8_t)(c >> 8);
    seg[17] = (uint8_t)c;
    return 14 + 40 + ext_len + tcp_len;
}

static void test_NET_04_ipv6_whole_frame(void **state) {
    (void)state;
    uint8_t frame[128];
    size_t len = ipv6_frame(frame, 0, NULL, 0);
    tk_dframe_in in = whole(frame, len);
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_true(f.has_eth && f.has_ip6 && f.is_tcp);
    assert_false(f.has_ip);
    assert_int_equal(f.ip_off, 14);
    assert_int_equal(f.tcp_off, 54);
    assert_int_equal(f.payload_len, 5);
    assert_int_equal(f.tcp.flags, TK_TCP_PSH | TK_TCP_ACK);
    assert_int_equal(f.tcp_csum, TK_CSUM_OK);
    char a[TK_TADDR_STRLEN];
    tk_taddr src = tk_dframe_src(&f), dst = tk_dframe_dst(&f);
    tk_taddr_str(&src, a);
    assert_string_equal(a, "2001:2::1");
    tk_taddr_str(&dst, a);
    assert_string_equal(a, "2001:2::2");
    char line[TK_DOUT_LINE_MAX];
    tk_dout_summary(&f, line, sizeof line);
    assert_string_equal(line, "IP6 2001:2::1.49152 > 2001:2::2.80: Flags [P.], seq 0, ack 1001, "
                              "win 64240, length 5");
    frame[len - 1] ^= 1; /* a payload byte: the checksum fails */
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_int_equal(f.tcp_csum, TK_CSUM_BAD);
}

static void test_NET_04_ipv6_extension_headers_and_raw(void **state) {
    (void)state;
    /* Hop-by-hop (PadN) then destination options (PadN), 16 bytes. */
    static const uint8_t ext[16] = {60, 0, 1, 4, 0, 0, 0, 0, 6, 0, 1, 4, 0, 0, 0, 0};
    uint8_t frame[128];
    size_t len = ipv6_frame(frame, 0, ext, sizeof ext);
    tk_dframe_in in = whole(frame, len);
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_true(f.is_tcp);
    assert_int_equal(f.ip6_ext, 2);
    assert_int_equal(f.ip6_upper, 56);
    assert_int_equal(f.tcp_off, 70);
    assert_int_equal(f.payload_len, 5);
    assert_int_equal(f.tcp_csum, TK_CSUM_OK);
    tk_dframe_in raw = whole(frame + 14, len - 14); /* no Ethernet: IPv6 at 0 */
    assert_int_equal(tk_dframe_decode(&raw, &f), 0);
    assert_false(f.has_eth);
    assert_true(f.has_ip6 && f.is_tcp);
    assert_int_equal(f.tcp_off, 56);
    assert_int_equal(f.tcp_csum, TK_CSUM_OK);
    raw.ip_offset = 0; /* as a LINKTYPE_IPV6 capture gives it */
    assert_int_equal(tk_dframe_decode(&raw, &f), 0);
    assert_int_equal(f.tcp_off, 56);
}

static void test_NET_04_ipv6_cut_short_and_fragment(void **state) {
    (void)state;
    uint8_t frame[128];
    size_t len = ipv6_frame(frame, 0, NULL, 0);
    tk_dframe_in in = whole(frame, len - 2); /* the capture lost 2 payload bytes */
    tk_dframe f;
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_true(f.is_tcp && f.ip_truncated);
    assert_int_equal(f.payload_len, 5); /* by the header */
    assert_int_equal(f.tcp_csum, TK_CSUM_UNVERIFIED);
    /* The last fragment (offset 8, M clear): not reassembled. */
    static const uint8_t frag[8] = {6, 0, 0x00, 0x08, 0, 0, 0x12, 0x34};
    len = ipv6_frame(frame, 44, frag, sizeof frag);
    in = whole(frame, len);
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_false(f.is_tcp);
    assert_string_equal(f.note, "IPv6 fragment (not reassembled)");
    /* An atomic fragment (offset 0, no M: RFC 6946) is a whole packet. */
    static const uint8_t atomic[8] = {6, 0, 0, 0, 0, 0, 0x12, 0x34};
    len = ipv6_frame(frame, 44, atomic, sizeof atomic);
    in = whole(frame, len);
    assert_int_equal(tk_dframe_decode(&in, &f), 0);
    assert_true(f.is_tcp);
    assert_int_equal(f.tcp_csum, TK_CSUM_OK);
    /* Routing header with segments left: refused with the wire's reason. */
    static const uint8_t rh[8] = {6, 0, 4, 1, 0, 0, 0, 0};
    len = ipv6_frame(frame, 43, rh, sizeof rh);
    in = whole(frame, len);
    assert_true(tk_dframe_decode(&in, &f) < 0);
    assert_true(f.why[0] != '\0');
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OBS_03_whole_ethernet_frame),
        cmocka_unit_test(test_OBS_03_bad_tcp_checksum_reported),
        cmocka_unit_test(test_OBS_03_ethernet_padding_ignored),
        cmocka_unit_test(test_OBS_03_capture_cut_short),
        cmocka_unit_test(test_OBS_03_partial_from_0x22),
        cmocka_unit_test(test_OBS_03_partial_holding_ip_header),
        cmocka_unit_test(test_OBS_03_data_offset_below_5_uses_wire_error),
        cmocka_unit_test(test_OBS_03_missing_header_byte),
        cmocka_unit_test(test_OBS_03_dump_starting_past_tcp),
        cmocka_unit_test(test_OBS_03_tcp_offset_given),
        cmocka_unit_test(test_OBS_03_raw_ip_and_link_offset),
        cmocka_unit_test(test_OBS_03_not_tcp_notes),
        cmocka_unit_test(test_OBS_03_flag_letters),
        cmocka_unit_test(test_OBS_03_option_text),
        cmocka_unit_test(test_OBS_03_summary_without_addresses),
        cmocka_unit_test(test_NET_04_ipv6_whole_frame),
        cmocka_unit_test(test_NET_04_ipv6_extension_headers_and_raw),
        cmocka_unit_test(test_NET_04_ipv6_cut_short_and_fragment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
