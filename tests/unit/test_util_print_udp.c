/* The printer's TCP over UDP line (tk_printer.udp_tunnel_port): off, a UDP
 * datagram prints as tcpdump prints it; on, a datagram from or to the
 * tunnel port shows its TCP segment after the UDP part, relative sequence
 * numbers and all; other UDP ports and cut captures stay as tcpdump has them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/print/print.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/tcp.h"
#include "tcpkit/wire/udp.h"

#define A1 0xc6120001u /* 198.18.0.1 */
#define A2 0xc6120002u /* 198.18.0.2 */

/* 198.18.0.1 -> 198.18.0.2, UDP usport > udport around a TCP segment. */
static size_t frame(uint8_t *f, uint16_t usport, uint16_t udport, const tk_tcp_hdr *h,
                    size_t plen) {
    static const uint8_t data[8] = "abcdefgh";
    size_t off = TK_ETH_HLEN + TK_IPV4_HLEN;
    int seg = tk_wire_tcp_emit(h, data, plen, A1, A2, f + off + 8, 200);
    assert_true(seg > 0);
    tk_udp_hdr u = {.sport = usport, .dport = udport};
    int dg = tk_wire_udp_emit(&u, (size_t)seg, tk_csum_add(0, f + off + 8, (size_t)seg), A1, A2,
                              f + off, 208);
    assert_true(dg > 0);
    tk_eth_hdr eth = {.dst = {2, 0, 0, 0, 0, 2}, .src = {2, 0, 0, 0, 0, 1}, .type = 0x0800};
    assert_int_equal(tk_wire_eth_emit(&eth, f, 14), 14);
    tk_ipv4_hdr ip = {
        .total_len = (uint16_t)(20 + dg), .ttl = 64, .proto = 17, .src = A1, .dst = A2};
    assert_int_equal(tk_wire_ipv4_emit(&ip, f + TK_ETH_HLEN, 20), 20);
    return off + (size_t)dg;
}

static const char *print(tk_printer *p, const uint8_t *f, size_t n) {
    static char line[TK_PRINT_LINE_MAX];
    assert_true(tk_print_frame(p, f, n, line, sizeof line) >= 0);
    return line;
}

static void test_OBS_02_tcp_over_udp_line(void **state) {
    (void)state;
    tk_printer p;
    tk_printer_init(&p, false);
    uint8_t f[300];
    tk_tcp_hdr syn = {
        .sport = 50000, .dport = 4242, .seq = 1000, .flags = TK_TCP_SYN, .win = 65535};
    syn.opts.present = TK_OPT_MSS;
    syn.opts.mss = 1452;
    size_t n = frame(f, 1, 9811, &syn, 0);
    assert_string_equal(print(&p, f, n), "IP 198.18.0.1.1 > 198.18.0.2.9811: UDP, length 24");
    p.udp_tunnel_port = 9811;
    assert_string_equal(print(&p, f, n),
                        "IP 198.18.0.1.1 > 198.18.0.2.9811: UDP, length 24: 198.18.0.1.50000 > "
                        "198.18.0.2.4242: Flags [S], seq 1000, win 65535, options [mss 1452], "
                        "length 0");
    /* The conversation table works across the tunnel: the second ACK-bearing
     * segment is relative. */
    tk_tcp_hdr d = {.sport = 50000,
                    .dport = 4242,
                    .seq = 1001,
                    .ack = 7001,
                    .flags = TK_TCP_ACK | TK_TCP_PSH,
                    .win = 512};
    n = frame(f, 1, 9811, &d, 3);
    (void)print(&p, f, n);
    d.seq = 1004;
    n = frame(f, 1, 9811, &d, 5);
    assert_string_equal(print(&p, f, n),
                        "IP 198.18.0.1.1 > 198.18.0.2.9811: UDP, length 25: 198.18.0.1.50000 > "
                        "198.18.0.2.4242: Flags [P.], seq 3:8, ack 1, win 512, length 5");
    /* Another UDP port is plain UDP; a frame cut short is cut inside the segment. */
    n = frame(f, 1, 9812, &d, 5);
    assert_string_equal(print(&p, f, n), "IP 198.18.0.1.1 > 198.18.0.2.9812: UDP, length 25");
    n = frame(f, 9811, 1, &d, 5);
    assert_string_equal(print(&p, f, TK_ETH_HLEN + TK_IPV4_HLEN + 8 + 10),
                        "IP truncated-ip - 15 bytes missing! 198.18.0.1.9811 > 198.18.0.2.1: UDP, "
                        "length 25: 198.18.0.1.50000 > 198.18.0.2.4242:  [|tcp]");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OBS_02_tcp_over_udp_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
