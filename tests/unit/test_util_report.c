/* The pictures' building blocks (tools/lib/report, SPEC OBS-5, OBS-8):
 * labels, flag names, retransmission marks, the ladder's folded axis, a
 * segment's JSON and the text ladder, each against its exact output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/report/report.h"
#include "lib/report/rp_int.h"
#include "tcpkit/tcp_state.h"
#include "tcpkit/wire/tcp.h"

static tk_rp_seg seg(int from, int64_t sent, int64_t arrived, uint8_t flags, uint32_t seq,
                     uint32_t ack, uint32_t len) {
    tk_rp_seg s;
    memset(&s, 0, sizeof s);
    s.from = from;
    s.sent_us = sent;
    s.arrived_us = arrived;
    s.flags = flags;
    s.seq = seq;
    s.ack = ack;
    s.len = len;
    s.win = 65535;
    s.wscale = -1;
    return s;
}

/* What f received, as a string (tmpfile: standard C, no POSIX needed). */
static void read_back(FILE *f, char *out, size_t cap) {
    rewind(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = 0;
    fclose(f);
}

static void test_OBS_05_labels_relative_to_isns(void **state) {
    (void)state;
    tk_report r;
    tk_rp_init(&r, "t");
    tk_rp_conn *c = tk_rp_conn_add(&r);
    tk_rp_seg s[4] = {seg(0, 0, 10, TK_TCP_SYN, 1000, 0, 0),
                      seg(1, 10, 20, TK_TCP_SYN | TK_TCP_ACK, 5000, 1001, 0),
                      seg(0, 20, 30, TK_TCP_ACK | TK_TCP_PSH, 1001, 5001, 100),
                      seg(1, 30, 40, TK_TCP_FIN | TK_TCP_ACK, 5001, 1101, 0)};
    s[3].marks = TK_RP_RETRANS;
    for (int i = 0; i < 4; i++)
        assert_int_equal(tk_rp_add_seg(c, &s[i]), 0);
    tk_rp_isn isn;
    tk_rp_isns(c, &isn);
    char l[128];
    static const char *const want[] = {"SYN seq=J", "SYN+ACK seq=K ack=J+1",
                                       "ACK seq=J+1 ack=K+1 len=100",
                                       "FIN+ACK seq=K+1 ack=J+101 (retransmission)"};
    for (int i = 0; i < 4; i++) {
        tk_rp_seg_label(&c->segs[i], &isn, l, sizeof l);
        assert_string_equal(l, want[i]);
    }
    tk_rp_seg_label(&c->segs[0], NULL, l, sizeof l); /* no ISNs: absolute */
    assert_string_equal(l, "SYN seq=1000");
    tk_rp_free(&r);
}

static void test_OBS_05_flag_names(void **state) {
    (void)state;
    char n[40];
    tk_rp_flag_names(TK_TCP_SYN | TK_TCP_ACK, n, sizeof n);
    assert_string_equal(n, "SYN+ACK");
    tk_rp_flag_names(TK_TCP_RST, n, sizeof n);
    assert_string_equal(n, "RST");
    tk_rp_flag_names(TK_TCP_SYN | TK_TCP_ECE | TK_TCP_CWR, n, sizeof n);
    assert_string_equal(n, "SYN+ECE+CWR");
    tk_rp_flag_names(0, n, sizeof n);
    assert_string_equal(n, "none");
}

static void test_OBS_08_retransmission_marks(void **state) {
    (void)state;
    tk_rp_rtx rtx;
    memset(&rtx, 0, sizeof rtx);
    tk_rp_endpoints a = {tk_taddr_v4(1), tk_taddr_v4(2), 5000, 80};
    tk_rp_seg s = seg(0, 0, 0, TK_TCP_SYN, 100, 0, 0);
    assert_false(tk_rp_rtx_check(&rtx, &a, &s));
    assert_true(tk_rp_rtx_check(&rtx, &a, &s)); /* the same SYN again */
    /* Simultaneous open: the SYN-ACK repeats the SYN's ISN (CM-2). */
    tk_rp_rtx sim;
    memset(&sim, 0, sizeof sim);
    assert_false(tk_rp_rtx_check(&sim, &a, &s));
    s = seg(0, 0, 0, TK_TCP_SYN | TK_TCP_ACK, 100, 900, 0);
    assert_false(tk_rp_rtx_check(&sim, &a, &s));
    s = seg(0, 0, 0, TK_TCP_ACK, 101, 901, 500);
    assert_false(tk_rp_rtx_check(&rtx, &a, &s));
    assert_true(tk_rp_rtx_check(&rtx, &a, &s)); /* the data again */
    s = seg(0, 0, 0, TK_TCP_ACK, 600, 901, 0);  /* a keep-alive: SND.NXT - 1 */
    assert_false(tk_rp_rtx_check(&rtx, &a, &s));
    s = seg(0, 0, 0, TK_TCP_FIN | TK_TCP_ACK, 601, 901, 0);
    assert_false(tk_rp_rtx_check(&rtx, &a, &s));
    /* After the FIN, a SYN with the same ISN is a new connection. */
    s = seg(0, 0, 0, TK_TCP_SYN, 100, 0, 0);
    assert_false(tk_rp_rtx_check(&rtx, &a, &s));
}

static void test_OBS_05_axis_folds_long_gaps(void **state) {
    (void)state;
    tk_report r;
    tk_rp_init(&r, "t");
    tk_rp_conn *c = tk_rp_conn_add(&r);
    tk_rp_seg s[3] = {seg(0, 0, 10000, TK_TCP_SYN, 1, 0, 0),
                      seg(1, 10000, 20000, TK_TCP_SYN | TK_TCP_ACK, 7, 2, 0),
                      seg(0, 60020000, 60030000, TK_TCP_ACK, 2, 8, 0)};
    for (int i = 0; i < 3; i++)
        tk_rp_add_seg(c, &s[i]);
    tk_rp_axis a;
    assert_int_equal(tk_rp_axis_build(&a, c, 100.0), 0);
    assert_int_equal(a.nrows, 6);
    int folds = 0;
    for (size_t i = 0; i < a.nrows; i++) {
        folds += a.rows[i].fold_before;
        if (i > 0)
            assert_true(a.rows[i].y > a.rows[i - 1].y);
    }
    assert_int_equal(folds, 1);
    assert_true(a.rows[4].fold_before); /* before the send at 60.02 s */
    assert_true(a.send_y[0] == 100.0);
    assert_true(a.arrive_y[0] > a.send_y[0]);
    tk_rp_axis_free(&a);
    tk_rp_free(&r);
}

static void test_OBS_08_segment_json(void **state) {
    (void)state;
    tk_rp_seg s = seg(1, 1500000, TK_RP_NO_TIME, TK_TCP_ACK, 7, 9, 3);
    s.marks = TK_RP_LOST | TK_RP_RETRANS;
    s.nsack = 1;
    s.sack[0][0] = 20;
    s.sack[0][1] = 30;
    snprintf(s.opts, sizeof s.opts, "nop,nop,sack 1 {20:30}");
    FILE *f = tmpfile();
    assert_non_null(f);
    tk_rp_seg_json(f, &s, true);
    char out[512];
    read_back(f, out, sizeof out);
    assert_string_equal(out, "\"sent\":1.500000,\"arrived\":null,\"from\":1,\"seq\":7,\"ack\":9,"
                             "\"flags\":\"ACK\",\"win\":65535,\"len\":3,\"options\":\"nop,nop,"
                             "sack 1 {20:30}\",\"sack\":[[20,30]],\"lost\":true,"
                             "\"retransmitted\":true,\"duplicate\":false,\"corrupted\":false");
}

static void test_OBS_05_text_ladder(void **state) {
    (void)state;
    tk_report r;
    tk_rp_init(&r, "t");
    tk_rp_conn *c = tk_rp_conn_add(&r);
    tk_rp_seg s0 = seg(0, 0, TK_RP_NO_TIME, TK_TCP_SYN, 1, 0, 0);
    s0.marks = TK_RP_LOST;
    tk_rp_seg s1 = seg(0, 1000000, 1010000, TK_TCP_SYN, 1, 0, 0);
    s1.marks = TK_RP_RETRANS;
    tk_rp_add_seg(c, &s0);
    tk_rp_add_seg(c, &s1);
    tk_rp_state st = {0, 0, TK_TCP_CLOSED, TK_TCP_SYN_SENT, "connect()"};
    tk_rp_add_state(c, &st);
    FILE *f = tmpfile();
    assert_non_null(f);
    tk_rp_text_ladder(f, c);
    char out[2048];
    read_back(f, out, sizeof out);
    assert_string_equal(out, "    time (s)  A                                                    "
                             "                 B\n"
                             "    0.000000  SYN_SENT\n"
                             "    0.000000                         -- SYN seq=J ----------------"
                             "---------------X  (lost)\n"
                             "                                     ~~ 1 s later ~~\n"
                             "    1.000000                         -- SYN seq=J (retransmission)"
                             " -------------->\n");
    tk_rp_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OBS_05_labels_relative_to_isns),
        cmocka_unit_test(test_OBS_05_flag_names),
        cmocka_unit_test(test_OBS_08_retransmission_marks),
        cmocka_unit_test(test_OBS_05_axis_folds_long_gaps),
        cmocka_unit_test(test_OBS_08_segment_json),
        cmocka_unit_test(test_OBS_05_text_ladder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
