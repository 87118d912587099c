/* The packetdrill-syntax parser: every timing form, system-call argument and
 * result form, packet field and option, backtick and code lines, headers,
 * conditionals, and the line numbers of syntax errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/packetdrill/pkt_parse.h"
#include "tcpkit/wire/tcp.h"

static tk_pkt_script sc;
static tk_pkt_error err;

static int parse(const char *text) {
    const char *defs[] = {"STANDARD"};
    return tk_pkt_parse(text, strlen(text), defs, 1, &sc, &err);
}

static int teardown(void **state) {
    (void)state;
    tk_pkt_script_free(&sc);
    return 0;
}

static const tk_pkt_event *one(const char *text) {
    assert_int_equal(parse(text), 0);
    assert_int_equal(sc.nevents, 1);
    return &sc.events[0];
}

static void test_headers(void **state) {
    (void)state;
    assert_int_equal(parse("--ip_version=ipv4\n--tolerance_usecs=75000\n--mss=1000\n"
                           "--mtu=9000\n0 close(3) = 0\n"),
                     0);
    assert_int_equal(sc.hdr.ip_version, 4);
    assert_int_equal(sc.hdr.tolerance_usecs, 75000);
    assert_int_equal(sc.hdr.mss, 1000);
    assert_int_equal(sc.hdr.mtu, 9000);
}

/* --tcp_md5_secret keeps the secret (up to 80 bytes, as a key may be). */
static void test_header_md5_secret(void **state) {
    (void)state;
    assert_int_equal(parse("--tcp_md5_secret=secret \n0 close(3) = 0\n"), 0);
    assert_true(sc.hdr.md5_secret);
    assert_string_equal(sc.hdr.md5_key, "secret");
    tk_pkt_script_free(&sc);
    char text[200] = "--tcp_md5_secret=";
    memset(text + strlen(text), 'k', 81);
    strcat(text, "\n0 close(3) = 0\n");
    assert_int_equal(parse(text), -EINVAL);
    assert_string_equal(err.msg, "--tcp_md5_secret is longer than 80 bytes");
}

static void test_header_defaults(void **state) {
    (void)state;
    assert_int_equal(parse("0 close(3) = 0\n"), 0);
    assert_int_equal(sc.hdr.ip_version, 4);
    assert_int_equal(sc.hdr.tolerance_usecs, 4000);
}

static void test_unknown_header_is_error(void **state) {
    (void)state;
    assert_int_equal(parse("// c\n--ip_version=ipv4\n--bogus=1\n"), -EINVAL);
    assert_int_equal(err.line, 3);
    assert_string_equal(err.msg, "unknown or malformed header --bogus");
}

static void test_header_after_event_is_error(void **state) {
    (void)state;
    assert_int_equal(parse("0 close(3) = 0\n--mss=1000\n"), -EINVAL);
    assert_int_equal(err.line, 2);
}

static void test_time_forms(void **state) {
    (void)state;
    assert_int_equal(parse("0.100 close(3) = 0\n+0.1 close(3) = 0\n* > S 0:0(0) win 1\n"
                           "+0.3~+0.4 close(3) = 0\n+0...0.011 connect(3, ..., ...) = 0\n"
                           "1.00...6.00 close(3) = 0\n+ 0.25 close(3) = 0\n.5 close(3) = 0\n"),
                     0);
    assert_int_equal(sc.nevents, 8);
    const tk_pkt_time *t = &sc.events[0].time;
    assert_int_equal(t->kind, TK_PKT_TIME_ABS);
    assert_int_equal(t->t0, 100000);
    t = &sc.events[1].time;
    assert_int_equal(t->kind, TK_PKT_TIME_REL);
    assert_int_equal(t->t0, 100000);
    assert_int_equal(sc.events[2].time.kind, TK_PKT_TIME_ANY);
    t = &sc.events[3].time;
    assert_int_equal(t->kind, TK_PKT_TIME_RANGE);
    assert_int_equal(t->t0, 300000);
    assert_int_equal(t->t1, 400000);
    assert_true(t->rel0 && t->rel1);
    t = &sc.events[4].time;
    assert_int_equal(t->kind, TK_PKT_TIME_WINDOW);
    assert_int_equal(t->t0, 0);
    assert_int_equal(t->t1, 11000);
    assert_true(t->rel0 && t->rel1);
    t = &sc.events[5].time;
    assert_int_equal(t->kind, TK_PKT_TIME_WINDOW);
    assert_int_equal(t->t0, 1000000);
    assert_int_equal(t->t1, 6000000);
    assert_false(t->rel0 || t->rel1);
    assert_int_equal(sc.events[6].time.t0, 250000);
    assert_true(sc.events[6].time.rel0);
    assert_int_equal(sc.events[7].time.t0, 500000);
}

static void test_syscall_args(void **state) {
    (void)state;
    const tk_pkt_event *ev = one("+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, "
                                 "l_linger=0}, 8) = 0\n");
    assert_int_equal(ev->kind, TK_PKT_EV_SYSCALL);
    const tk_pkt_syscall *s = &ev->sys;
    assert_string_equal(s->name, "setsockopt");
    assert_int_equal(s->nargs, 5);
    assert_int_equal(s->args[0].kind, TK_PKT_EXPR_INT);
    assert_int_equal(s->args[0].num, 3);
    assert_int_equal(s->args[1].kind, TK_PKT_EXPR_SYMBOL);
    assert_string_equal(s->args[1].text, "SOL_SOCKET");
    const tk_pkt_expr *st = &s->args[3];
    assert_int_equal(st->kind, TK_PKT_EXPR_STRUCT);
    assert_int_equal(st->nitems, 2);
    assert_string_equal(st->items[0].name, "l_onoff");
    assert_int_equal(st->items[0].num, 1);
    assert_string_equal(st->items[1].name, "l_linger");
    assert_int_equal(st->items[1].num, 0);
    assert_int_equal(s->result, 0);
}

static void test_syscall_ellipsis_list_or(void **state) {
    (void)state;
    assert_int_equal(parse("+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNRESET], [4]) = 0\n"
                           "+0 fcntl(3, F_SETFL, O_RDWR | O_NONBLOCK | 0x10) = 0\n"
                           "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n"
                           "+0 fcntl(3, F_GETFL) = 0x02 (flags O_RDWR)\n"
                           "+0 write (3, ..., 10) = 10\n+0 read(3, ..., 100) = ...\n"),
                     0);
    const tk_pkt_syscall *s = &sc.events[0].sys;
    assert_int_equal(s->args[3].kind, TK_PKT_EXPR_LIST);
    assert_int_equal(s->args[3].nitems, 1);
    assert_string_equal(s->args[3].items[0].text, "ECONNRESET");
    assert_int_equal(s->args[4].items[0].num, 4);
    s = &sc.events[1].sys;
    assert_int_equal(s->args[2].kind, TK_PKT_EXPR_OR);
    assert_int_equal(s->args[2].nitems, 3);
    assert_string_equal(s->args[2].items[1].text, "O_NONBLOCK");
    assert_int_equal(s->args[2].items[2].num, 16);
    s = &sc.events[2].sys;
    assert_int_equal(s->args[1].kind, TK_PKT_EXPR_ELLIPSIS);
    assert_int_equal(s->result, -1);
    assert_string_equal(s->errno_name, "EINPROGRESS");
    s = &sc.events[3].sys;
    assert_int_equal(s->nargs, 2);
    assert_int_equal(s->result, 2);
    assert_string_equal(s->errno_name, "");
    assert_string_equal(sc.events[4].sys.name, "write");
    assert_int_equal(sc.events[4].sys.result, 10);
    assert_true(sc.events[5].sys.result_any);
}

static void test_packet_fields(void **state) {
    (void)state;
    const tk_pkt_event *ev = one("+0.1 < S. 0:0(0) ack 1 win 32767 <mss 1460,sackOK,eol,eol>\n");
    const tk_pkt_packet *p = &ev->pkt;
    assert_int_equal(ev->kind, TK_PKT_EV_PACKET);
    assert_true(p->inbound);
    assert_int_equal(p->flags, TK_TCP_SYN | TK_TCP_ACK);
    assert_int_equal(p->seq, 0);
    assert_int_equal(p->end, 0);
    assert_int_equal(p->len, 0);
    assert_true(p->has_ack);
    assert_int_equal(p->ack, 1);
    assert_true(p->has_win);
    assert_int_equal(p->win, 32767);
    assert_int_equal(p->opts_form, TK_PKT_OPTS_LIST);
    assert_int_equal(p->nopts, 4);
    assert_int_equal(p->opts[0].kind, TK_PKT_OPT_MSS);
    assert_int_equal(p->opts[0].a, 1460);
    assert_int_equal(p->opts[1].kind, TK_PKT_OPT_SACK_PERM);
    assert_int_equal(p->opts[2].kind, TK_PKT_OPT_EOL);
    assert_int_equal(p->opts[3].kind, TK_PKT_OPT_EOL);
    assert_int_equal(p->ttl, -1);
    assert_int_equal(p->tos, -1);
}

static void test_packet_all_flags_and_data(void **state) {
    (void)state;
    const tk_pkt_event *ev = one("+0 > FSRP.EWU 1:1461(1460) ack 2 win 0\n");
    const tk_pkt_packet *p = &ev->pkt;
    assert_false(p->inbound);
    assert_int_equal(p->flags, 0xff);
    assert_int_equal(p->seq, 1);
    assert_int_equal(p->end, 1461);
    assert_int_equal(p->len, 1460);
    assert_int_equal(p->opts_form, TK_PKT_OPTS_NONE);
    assert_int_equal(p->win, 0);
}

static void test_packet_options_all_kinds(void **state) {
    (void)state;
    const tk_pkt_event *ev = one("+0 < . 1:1(0) ack 1 win 257 <nop, nop, TS val 10 ecr 20, "
                                 "sack 5:10 20:30,wscale 7,mss 536>\n");
    const tk_pkt_packet *p = &ev->pkt;
    assert_int_equal(p->nopts, 6);
    assert_int_equal(p->opts[2].kind, TK_PKT_OPT_TS);
    assert_int_equal(p->opts[2].a, 10);
    assert_int_equal(p->opts[2].b, 20);
    assert_int_equal(p->opts[3].kind, TK_PKT_OPT_SACK);
    assert_int_equal(p->opts[3].nsack, 2);
    assert_int_equal(p->opts[3].sack[1][0], 20);
    assert_int_equal(p->opts[3].sack[1][1], 30);
    assert_int_equal(p->opts[4].kind, TK_PKT_OPT_WSCALE);
    assert_int_equal(p->opts[4].a, 7);
    assert_int_equal(p->opts[5].a, 536);
}

static void test_packet_any_options_and_wildcard_seq(void **state) {
    (void)state;
    assert_int_equal(parse("* > S 0:0(0) win 65535 <...>\n"
                           "+0 > S. ...(0) ack 1 win 65535 <mss 1460>\n"
                           "+0 > R. 0:0(0)! ack 2 win 0\n"),
                     0);
    assert_int_equal(sc.events[0].pkt.opts_form, TK_PKT_OPTS_ANY);
    assert_true(sc.events[1].pkt.seq_any);
    assert_int_equal(sc.events[1].pkt.len, 0);
    assert_true(sc.events[2].pkt.seq_absolute);
    assert_int_equal(sc.events[2].pkt.flags, TK_TCP_RST | TK_TCP_ACK);
}

static void test_packet_ip_attrs_ecn_udp(void **state) {
    (void)state;
    assert_int_equal(parse("+0 < (tos 0x20) S 0:0(0) win 1/udp(9811 > 1)\n"
                           "+0 > (ttl 4)  . 1:1(0) ack 1 win 2\n+0 >[ect0] P. 1:11(10) ack 1\n"),
                     0);
    assert_int_equal(sc.events[0].pkt.tos, 0x20);
    assert_true(sc.events[0].pkt.udp_encap);
    assert_int_equal(sc.events[0].pkt.udp_sport, 9811);
    assert_int_equal(sc.events[0].pkt.udp_dport, 1);
    assert_int_equal(sc.events[1].pkt.ttl, 4);
    assert_string_equal(sc.events[2].pkt.ecn, "ect0");
    assert_false(sc.events[2].pkt.has_win);
}

static void test_packet_icmp(void **state) {
    (void)state;
    assert_int_equal(parse("+0 < icmp unreachable port_unreachable [1:1(0)]\n"
                           "+0 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]\n"),
                     0);
    const tk_pkt_packet *p = &sc.events[0].pkt;
    assert_true(p->is_icmp);
    assert_string_equal(p->icmp.type, "unreachable");
    assert_string_equal(p->icmp.code, "port_unreachable");
    assert_int_equal(p->seq, 1);
    p = &sc.events[1].pkt;
    assert_true(p->icmp.has_mtu);
    assert_int_equal(p->icmp.mtu, 1200);
    assert_int_equal(p->len, 1460);
}

static void test_command_and_code(void **state) {
    (void)state;
    assert_int_equal(parse(" 0.00 `sysctl -w net.inet.tcp.rfc1323=1`\n"
                           "  `echo 'a\nb' | setkey -c`\n"
                           "+0 %{ assert tcpi_state == TCPI_LISTEN }%\n+0 close(3) = 0\n"),
                     0);
    assert_int_equal(sc.nevents, 4);
    assert_int_equal(sc.events[0].kind, TK_PKT_EV_COMMAND);
    assert_string_equal(sc.events[0].text, "sysctl -w net.inet.tcp.rfc1323=1");
    assert_int_equal(sc.events[1].kind, TK_PKT_EV_COMMAND);
    assert_true(sc.events[1].untimed);
    assert_int_equal(sc.events[1].line, 2);
    assert_string_equal(sc.events[1].text, "echo 'a\nb' | setkey -c");
    assert_int_equal(sc.events[2].kind, TK_PKT_EV_CODE);
    assert_int_equal(sc.events[2].line, 4);
    assert_int_equal(sc.events[3].line, 5);
}

static void test_comments_keep_line_numbers(void **state) {
    (void)state;
    assert_int_equal(parse("// one\n/* two\nthree */\n0 close(3) = 0 // four\n"
                           "+0 close(4) = 0//\n"),
                     0);
    assert_int_equal(sc.nevents, 2);
    assert_int_equal(sc.events[0].line, 4);
    assert_int_equal(sc.events[1].line, 5);
}

static void test_ifdef_selects_branch(void **state) {
    (void)state;
    assert_int_equal(parse("#ifdef STANDARD\n0 close(3) = 0\n#else\n0 close(4) = 0\n#endif\n"
                           "#ifdef FreeBSD\n0 close(5) = 0\n#endif\n#ifndef FreeBSD\n"
                           "0 close(6) = 0\n#endif\n"),
                     0);
    assert_int_equal(sc.nevents, 2);
    assert_int_equal(sc.events[0].sys.args[0].num, 3);
    assert_int_equal(sc.events[1].sys.args[0].num, 6);
    assert_int_equal(sc.events[1].line, 10);
}

static void test_unbalanced_endif_is_error(void **state) {
    (void)state;
    assert_int_equal(parse("0 close(3) = 0\n#endif\n"), -EINVAL);
    assert_int_equal(err.line, 2);
}

typedef struct bad_case {
    const char *text;
    int line;
    const char *msg;
} bad_case;

static void test_syntax_errors_report_line(void **state) {
    (void)state;
    static const bad_case cases[] = {
        {"0 close(3) = 0\n+0 > S 0:1(0) win 1\n", 2,
         "sequence range start:end does not match (len)"},
        {"\n\n+0 < S 0:0(0) win 70000\n", 3, "expected a window 0..65535 after win"},
        {"+0 < Q 0:0(0)\n", 1, "expected TCP flags (S . F R P E W U)"},
        {"+0 > S 0:0(0) <mss>\n", 1, "mss needs a value 0..65535"},
        {"+0 > S 0:0(0) <bogus 1>\n", 1, "unknown TCP option"},
        {"+0 > S 0:0(0) <mss 1\n", 1, "expected ',' or '>' in the option list"},
        {"+0 > S 0:0(0) win 1 extra\n", 1, "unexpected text after the packet"},
        {"+0 close(3)\n", 1, "expected '= result' after the call"},
        {"+0 close(3 = 0\n", 1, "expected ',' or ')' in the argument list"},
        {"+0 close(3) = 0 junk\n", 1, "unexpected text after the result"},
        {"close(3) = 0\n", 1, "expected a time (0.1, +0.1, *, a~b or a...b) or a header line"},
        {"+0 `sysctl\n\n", 1, "unterminated ` command or %{ code block"},
        {"/* x\n", 1, "unterminated /* comment"},
        {"+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, 8) = 0\n", 1, "expected '}'"},
        {"+0 > S 0:0(0) <sack 1:2 3:4 5:6 7:8 9:10>\n", 1, "more than 4 SACK blocks"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(parse(cases[i].text), -EINVAL);
        assert_int_equal(err.line, cases[i].line);
        assert_string_equal(err.msg, cases[i].msg);
    }
}

/* packetdrill's addresses, ports and lists; options tcpkit cannot apply
 * are refused with the reason. */
static void test_header_packetdrill_options(void **state) {
    (void)state;
    assert_int_equal(parse("--local_ip=192.168.0.1\n--remote_ip=192.0.2.1/24\n"
                           "--gateway_ip=192.168.0.2\n--netmask_ip=255.255.0.0\n"
                           "--bind_port=9090\n--connect_port=80\n--non_fatal=syscall\n"
                           "--tcp_ts_tick_usecs=0\n--verbose\n0 close(3) = 0\n"),
                     0);
    assert_int_equal(sc.hdr.local_ip, 0xc0a80001u);
    assert_int_equal(sc.hdr.remote_ip, 0xc0000201u);
    assert_int_equal(sc.hdr.gateway_ip, 0xc0a80002u);
    assert_int_equal(sc.hdr.netmask_ip, 0xffff0000u);
    assert_int_equal(sc.hdr.bind_port, 9090);
    assert_int_equal(sc.hdr.connect_port, 80);
    assert_true(sc.hdr.non_fatal_syscall);
    assert_int_equal(sc.hdr.ts_tick_usecs, 0);
    tk_pkt_script_free(&sc);
    static const struct {
        const char *text, *msg;
    } refused[] = {
        {"--speed=100\n", "--speed is not supported: the runner's link has no rate"},
        {"--non_fatal=packet\n",
         "--non_fatal=packet is not supported: a packet that differs always fails the script"},
        {"--tcp_ts_tick_usecs=10\n",
         "--tcp_ts_tick_usecs=10 is not supported: tcpkit's timestamp clock ticks every 1000 us"},
        {"--local_ip=10.0.0.300\n", "malformed value for --local_ip: 10.0.0.300"},
        {"--bind_port=0\n", "malformed value for --bind_port: 0"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        assert_int_equal(parse(refused[i].text), -EINVAL);
        assert_int_equal(err.line, 1);
        assert_string_equal(err.msg, refused[i].msg);
    }
}

/* urg N and the Fast Open options, with and without a cookie. */
static void test_packet_urg_and_fast_open(void **state) {
    (void)state;
    const tk_pkt_event *ev =
        one("+0 < S 0:0(0) win 100 urg 7 <FO 0102030405060708,FOEXP,nop,nop>\n");
    const tk_pkt_packet *p = &ev->pkt;
    assert_true(p->has_urg);
    assert_int_equal(p->urg, 7);
    assert_int_equal(p->nopts, 4);
    assert_int_equal(p->opts[0].kind, TK_PKT_OPT_FO);
    assert_int_equal(p->opts[0].cookie_len, 8);
    assert_int_equal(p->opts[0].cookie[7], 8);
    assert_int_equal(p->opts[1].kind, TK_PKT_OPT_FOEXP);
    assert_int_equal(p->opts[1].cookie_len, 0);
    tk_pkt_script_free(&sc);
    assert_int_equal(parse("+0 < S 0:0(0) win 100 <FO 010>\n"), -EINVAL);
    assert_string_equal(err.msg, "a Fast Open cookie is 4..16 bytes in hex digits");
}

/* msghdr members carry a size after their name: msg_iov(1)=[...]. */
static void test_syscall_msghdr(void **state) {
    (void)state;
    const tk_pkt_event *ev = one("+0 recvmsg(4, {msg_name(...)=..., msg_iov(2)=[{..., 4}, "
                                 "{..., 6}], msg_flags=0}, MSG_PEEK) = 10\n");
    const tk_pkt_expr *m = &ev->sys.args[1];
    assert_int_equal(m->kind, TK_PKT_EXPR_STRUCT);
    assert_int_equal(m->nitems, 3);
    assert_string_equal(m->items[0].name, "msg_name");
    assert_int_equal(m->items[0].kind, TK_PKT_EXPR_ELLIPSIS);
    assert_string_equal(m->items[1].name, "msg_iov");
    assert_int_equal(m->items[1].kind, TK_PKT_EXPR_LIST);
    assert_int_equal(m->items[1].nitems, 2);
    assert_int_equal(m->items[1].items[1].items[1].num, 6);
    assert_string_equal(m->items[2].name, "msg_flags");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_headers, teardown),
        cmocka_unit_test_teardown(test_header_md5_secret, teardown),
        cmocka_unit_test_teardown(test_header_defaults, teardown),
        cmocka_unit_test_teardown(test_unknown_header_is_error, teardown),
        cmocka_unit_test_teardown(test_header_after_event_is_error, teardown),
        cmocka_unit_test_teardown(test_time_forms, teardown),
        cmocka_unit_test_teardown(test_syscall_args, teardown),
        cmocka_unit_test_teardown(test_syscall_ellipsis_list_or, teardown),
        cmocka_unit_test_teardown(test_packet_fields, teardown),
        cmocka_unit_test_teardown(test_packet_all_flags_and_data, teardown),
        cmocka_unit_test_teardown(test_packet_options_all_kinds, teardown),
        cmocka_unit_test_teardown(test_packet_any_options_and_wildcard_seq, teardown),
        cmocka_unit_test_teardown(test_packet_ip_attrs_ecn_udp, teardown),
        cmocka_unit_test_teardown(test_packet_icmp, teardown),
        cmocka_unit_test_teardown(test_command_and_code, teardown),
        cmocka_unit_test_teardown(test_comments_keep_line_numbers, teardown),
        cmocka_unit_test_teardown(test_ifdef_selects_branch, teardown),
        cmocka_unit_test_teardown(test_unbalanced_endif_is_error, teardown),
        cmocka_unit_test_teardown(test_syntax_errors_report_line, teardown),
        cmocka_unit_test_teardown(test_header_packetdrill_options, teardown),
        cmocka_unit_test_teardown(test_packet_urg_and_fast_open, teardown),
        cmocka_unit_test_teardown(test_syscall_msghdr, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
