/* Role inference across segments (tools/lib/capture/roles.c, SPEC OBS-3): roles come
 * from matching seq/ack with ports (and addresses) in reverse, in any input
 * order, never from one segment's flags alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/capture/roles.h"
#include "tcpkit/wire/tcp.h"

#define S  TK_TCP_SYN
#define A  TK_TCP_ACK
#define F  TK_TCP_FIN
#define R  TK_TCP_RST
#define P  TK_TCP_PSH
#define NP TK_ROLE_NOPOS

#define CLI tk_taddr_v4(0xc6120001u) /* 198.18.0.1 */
#define SRV tk_taddr_v4(0xc6120002u) /* 198.18.0.2 */

/* A segment from the client (c2s) or the server on 49152 <-> 80. */
static tk_role_seg seg(bool c2s, uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len) {
    return (tk_role_seg){
        true,  true, c2s ? CLI : SRV, c2s ? SRV : CLI, c2s ? 49152 : 80, c2s ? 80 : 49152, seq, ack,
        flags, len};
}

/* The same without addresses, as from a partial dump. */
static tk_role_seg seg_noaddr(bool c2s, uint32_t seq, uint32_t ack, uint8_t flags) {
    tk_role_seg s = seg(c2s, seq, ack, flags, 0);
    s.has_addr = false;
    s.src = s.dst = tk_taddr_v4(0);
    return s;
}

static void infer(const tk_role_seg *segs, size_t n, tk_role_result *out) {
    assert_int_equal(tk_roles_infer(segs, n, out), 0);
}

static void assert_role(const tk_role_result *r, tk_role role, bool confirmed, size_t peer) {
    assert_int_equal(r->role, role);
    assert_int_equal(r->confirmed, confirmed);
    assert_int_equal(r->peer, peer);
}

/* The seed exercise: SYN-ACK, SYN, ACK pasted in that order, no addresses. */
static void test_OBS_03_seed_order_2_1_3(void **state) {
    (void)state;
    const tk_role_seg segs[3] = {
        seg_noaddr(false, 0x46493edd, 0x339637a3, S | A),
        seg_noaddr(true, 0x339637a2, 0, S),
        seg_noaddr(true, 0x339637a3, 0x46493ede, A),
    };
    tk_role_result res[3];
    infer(segs, 3, res);
    assert_role(&res[0], TK_ROLE_SYNACK, true, 1);
    assert_role(&res[1], TK_ROLE_SYN, true, 0);
    assert_role(&res[2], TK_ROLE_HS_ACK, true, 0);
    tk_handshake hs[2];
    assert_int_equal(tk_roles_handshakes(segs, res, 3, hs, 2), 1);
    assert_int_equal(hs[0].syn, 1);
    assert_int_equal(hs[0].synack, 0);
    assert_int_equal(hs[0].ack, 2);
}

/* A whole connection; the client ISN 2^32-1 makes SYN+1 wrap to 0. */
static void test_OBS_03_lifecycle_with_wrapping_isn(void **state) {
    (void)state;
    const uint32_t c = 0xffffffffu, s = 1000;
    const tk_role_seg segs[9] = {
        seg(true, c, 0, S, 0),          seg(false, s, c + 1, S | A, 0),
        seg(true, c + 1, s + 1, A, 0),  seg(true, c + 1, s + 1, P | A, 5),
        seg(false, s + 1, c + 6, A, 0), seg(true, c + 6, s + 1, F | A, 0),
        seg(false, s + 1, c + 7, A, 0), seg(false, s + 1, c + 7, F | A, 0),
        seg(true, c + 7, s + 2, A, 0),
    };
    tk_role_result res[9];
    infer(segs, 9, res);
    assert_role(&res[0], TK_ROLE_SYN, true, 1);
    assert_role(&res[1], TK_ROLE_SYNACK, true, 0);
    assert_role(&res[2], TK_ROLE_HS_ACK, true, 1);
    assert_role(&res[3], TK_ROLE_DATA, true, NP);
    assert_role(&res[4], TK_ROLE_ACK, true, NP);
    assert_role(&res[5], TK_ROLE_FIN, true, NP);
    assert_role(&res[6], TK_ROLE_FIN_ACK, true, 5);
    assert_role(&res[7], TK_ROLE_FIN, true, 5); /* it also acknowledges FIN 5 */
    assert_role(&res[8], TK_ROLE_FIN_ACK, true, 7);
    tk_teardown td[2];
    assert_int_equal(tk_roles_teardowns(segs, res, 9, td, 2), 1);
    assert_int_equal(td[0].count, 4);
    const size_t order[4] = {5, 6, 7, 8};
    assert_memory_equal(td[0].pos, order, sizeof order);
}

/* Three-segment close (CM-4) pasted out of order: FIN+ACK, ACK, FIN. */
static void test_OBS_03_three_segment_close_out_of_order(void **state) {
    (void)state;
    const tk_role_seg segs[3] = {
        seg(false, 500, 102, F | A, 0), /* the server's FIN, acking the client's FIN */
        seg(true, 102, 501, A, 0), seg(true, 101, 500, F | A, 0), /* the client's FIN, sent first */
    };
    tk_role_result res[3];
    infer(segs, 3, res);
    assert_role(&res[0], TK_ROLE_FIN, true, 2);
    assert_role(&res[1], TK_ROLE_FIN_ACK, true, 0);
    assert_role(&res[2], TK_ROLE_FIN, true, NP);
    tk_teardown td[1];
    assert_int_equal(tk_roles_teardowns(segs, res, 3, td, 1), 1);
    assert_int_equal(td[0].count, 3);
    const size_t order[3] = {2, 0, 1};
    assert_memory_equal(td[0].pos, order, sizeof order);
}

static void test_OBS_03_lone_synack_is_unconfirmed(void **state) {
    (void)state;
    const tk_role_seg segs[1] = {seg(false, 7, 100, S | A, 0)};
    tk_role_result res[1];
    infer(segs, 1, res);
    assert_role(&res[0], TK_ROLE_SYNACK, false, NP);
    tk_handshake hs[1];
    assert_int_equal(tk_roles_handshakes(segs, res, 1, hs, 1), 1);
    assert_int_equal(hs[0].syn, NP);
    assert_int_equal(hs[0].synack, 0);
    assert_int_equal(hs[0].ack, NP);
}

static void test_OBS_03_lone_syn_and_ack_without_syn(void **state) {
    (void)state;
    /* ACK of a SYN-ACK whose SYN is absent: seq must equal the SYN-ACK's ack. */
    const tk_role_seg segs[3] = {
        seg(false, 7, 100, S | A, 0),
        seg(true, 100, 8, A, 0),
        seg(true, 5000, 0, S, 0) /* another connection attempt, unanswered */,
    };
    tk_role_result res[3];
    infer(segs, 3, res);
    assert_role(&res[0], TK_ROLE_SYNACK, false, NP);
    assert_role(&res[1], TK_ROLE_HS_ACK, false, 0);
    assert_role(&res[2], TK_ROLE_SYN, false, NP);
    tk_handshake hs[2];
    assert_int_equal(tk_roles_handshakes(segs, res, 3, hs, 2), 2);
    assert_int_equal(hs[0].synack, 0);
    assert_int_equal(hs[0].ack, 1);
    assert_int_equal(hs[1].syn, 2);
    assert_int_equal(hs[1].synack, NP);
}

/* Flags alone do not make a handshake: numbers and reversed ports must match. */
static void test_OBS_03_mismatches_are_not_matched(void **state) {
    (void)state;
    tk_role_seg wrong_port = seg(false, 7, 101, S | A, 0);
    wrong_port.sport = 81;
    tk_role_seg wrong_addr = seg(false, 9, 101, S | A, 0);
    wrong_addr.src = tk_taddr_v4(0xc6120003u);
    const tk_role_seg segs[5] = {
        seg(true, 100, 0, S, 0),      wrong_port, wrong_addr,
        seg(false, 8, 102, S | A, 0), /* ack is not SYN + 1 */
        seg(true, 101, 9, A, 0),      /* acks 3's seq+1 but its seq is not SYN + 1 */
    };
    tk_role_result res[5];
    infer(segs, 5, res);
    assert_role(&res[0], TK_ROLE_SYN, false, NP);
    assert_role(&res[1], TK_ROLE_SYNACK, false, NP);
    assert_role(&res[2], TK_ROLE_SYNACK, false, NP);
    assert_role(&res[3], TK_ROLE_SYNACK, false, NP);
    assert_role(&res[4], TK_ROLE_ACK, true, NP);
}

static void test_OBS_03_retransmissions_marked_once(void **state) {
    (void)state;
    const tk_role_seg segs[5] = {
        seg(true, 100, 0, S, 0),      seg(true, 100, 0, S, 0), seg(false, 7, 101, S | A, 0),
        seg(false, 7, 101, S | A, 0), seg(true, 101, 8, A, 0),
    };
    tk_role_result res[5];
    infer(segs, 5, res);
    assert_false(res[0].repeat);
    assert_true(res[1].repeat);
    assert_false(res[2].repeat);
    assert_true(res[3].repeat);
    assert_role(&res[1], TK_ROLE_SYN, true, 2);
    assert_role(&res[4], TK_ROLE_HS_ACK, true, 2);
    tk_handshake hs[2];
    assert_int_equal(tk_roles_handshakes(segs, res, 5, hs, 2), 1);
    assert_int_equal(hs[0].syn, 0);
    assert_int_equal(hs[0].synack, 2);
    assert_int_equal(hs[0].ack, 4);
}

static void test_OBS_03_rst_data_and_non_tcp(void **state) {
    (void)state;
    tk_role_seg other = {0};
    const tk_role_seg segs[4] = {
        seg(true, 1, 0, R, 0),
        seg(false, 1, 1, R | A, 0),
        seg(true, 1, 1, A, 10),
        other,
    };
    tk_role_result res[4];
    infer(segs, 4, res);
    assert_int_equal(res[0].role, TK_ROLE_RST);
    assert_int_equal(res[1].role, TK_ROLE_RST);
    assert_int_equal(res[2].role, TK_ROLE_DATA);
    assert_int_equal(res[3].role, TK_ROLE_NONE);
    tk_handshake hs[1];
    tk_teardown td[1];
    assert_int_equal(tk_roles_handshakes(segs, res, 4, hs, 1), 0);
    assert_int_equal(tk_roles_teardowns(segs, res, 4, td, 1), 0);
}

static void test_OBS_03_two_connections_kept_apart(void **state) {
    (void)state;
    tk_role_seg fin2 = seg(true, 300, 900, F | A, 0), ack2 = seg(false, 900, 301, A, 0);
    fin2.sport = ack2.dport = 49153;
    const tk_role_seg segs[4] = {seg(true, 100, 500, F | A, 0), fin2, ack2,
                                 seg(false, 500, 101, A, 0)};
    tk_role_result res[4];
    infer(segs, 4, res);
    assert_role(&res[2], TK_ROLE_FIN_ACK, true, 1);
    assert_role(&res[3], TK_ROLE_FIN_ACK, true, 0);
    tk_teardown td[2];
    assert_int_equal(tk_roles_teardowns(segs, res, 4, td, 2), 2);
    assert_int_equal(td[0].count, 2);
    assert_int_equal(td[0].pos[0], 0);
    assert_int_equal(td[0].pos[1], 3);
    assert_int_equal(td[1].count, 2);
    assert_int_equal(td[1].pos[0], 1);
    assert_int_equal(td[1].pos[1], 2);
}

static void test_OBS_03_role_names(void **state) {
    (void)state;
    assert_string_equal(tk_role_name(TK_ROLE_SYN), "handshake 1/3 (SYN)");
    assert_string_equal(tk_role_name(TK_ROLE_SYNACK), "handshake 2/3 (SYN-ACK)");
    assert_string_equal(tk_role_name(TK_ROLE_HS_ACK), "handshake 3/3 (ACK)");
    assert_string_equal(tk_role_name(TK_ROLE_FIN), "teardown (FIN)");
    assert_string_equal(tk_role_name(TK_ROLE_FIN_ACK), "teardown (ACK of FIN)");
    assert_string_equal(tk_role_name(TK_ROLE_RST), "RST");
    assert_string_equal(tk_role_name(TK_ROLE_DATA), "data");
    assert_string_equal(tk_role_name(TK_ROLE_ACK), "ack");
    assert_string_equal(tk_role_name(TK_ROLE_NONE), "none");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_OBS_03_seed_order_2_1_3),
        cmocka_unit_test(test_OBS_03_lifecycle_with_wrapping_isn),
        cmocka_unit_test(test_OBS_03_three_segment_close_out_of_order),
        cmocka_unit_test(test_OBS_03_lone_synack_is_unconfirmed),
        cmocka_unit_test(test_OBS_03_lone_syn_and_ack_without_syn),
        cmocka_unit_test(test_OBS_03_mismatches_are_not_matched),
        cmocka_unit_test(test_OBS_03_retransmissions_marked_once),
        cmocka_unit_test(test_OBS_03_rst_data_and_non_tcp),
        cmocka_unit_test(test_OBS_03_two_connections_kept_apart),
        cmocka_unit_test(test_OBS_03_role_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
