/* SEC-6: the challenge-ACK side channel (CVE-2016-5696). A server has a
 * legitimate client's connection (its port unknown to the attacker) and
 * the attacker's own connection. In each round the attacker
 * sends spoofed in-window RSTs that appear to come from the client's
 * address and a guessed port, then a burst of in-window RSTs on its own
 * connection, all within 100 ms, and counts the challenge ACKs it gets
 * back. With one
 * stack-wide counter (the old RFC 5961 7 limit), a right guess spends the
 * budget and the attacker sees fewer; with a per-connection limit first and
 * a random stack-wide budget, what the attacker sees must not depend on
 * the guess. Rounds start 2 s apart, so that a one-second window the
 * previous round opened is over. 1,000,000 attack packets in all; the client's connection
 * stays ESTABLISHED and its stream intact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "support/tk_conn.h"
#include "support/tk_harness.h"

#define ISS    0x10000000u
#define IRS_V  0x20000000u /* the victim client's ISN */
#define IRS_A  0x30000000u /* the attacker's */
#define PORT_V 40000
#define PORT_A 50000
#define ROUNDS 100
#define PROBES 5000          /* spoofed per round */
#define BURST  5000          /* on the attacker's own connection per round */
#define STEP   ((tk_time)10) /* microseconds: a round's packets take 100 ms */
#define CHUNK  100

typedef struct counts {
    uint64_t to_attacker, to_victim;
} counts;

static void drain(tkh *h, counts *c) {
    tkh_seg g;
    while (tkh_next(h, &g)) {
        if (g.dport == PORT_A)
            c->to_attacker++;
        else if (g.dport == PORT_V)
            c->to_victim++;
    }
    tkh_clear(h);
}

static void rst(tkh *h, uint16_t sport, uint32_t seq, counts *c) {
    tkh_inject_ports(h, sport, 80, TK_TCP_RST, seq, 0, 0, NULL, NULL, 0);
    if (tkh_pending(h) > 0)
        drain(h, c);
    h->now += STEP;
}

/* One round; returns the challenge ACKs the attacker saw. */
static uint64_t round_trip(tkh *h, uint16_t guess, uint32_t rcv_v, counts *total) {
    counts c = {0, 0};
    for (uint32_t k = 0; k < PROBES; k++)
        rst(h, guess, rcv_v + 1 + k, &c); /* in the window, never RCV.NXT */
    for (uint32_t k = 0; k < BURST; k++)
        rst(h, PORT_A, IRS_A + 2 + k, &c);
    tkh_poll(h);
    drain(h, &c);
    total->to_attacker += c.to_attacker;
    total->to_victim += c.to_victim;
    return c.to_attacker;
}

static void victim_transfer(tkh *h, int sd, uint32_t *rcv, uint32_t *snd, char tag) {
    char out[CHUNK], in[CHUNK];
    memset(out, tag, sizeof out);
    tkh_inject_ports(h, PORT_V, 80, TK_TCP_ACK | TK_TCP_PSH, *rcv, *snd, 65535, NULL, out, CHUNK);
    *rcv += CHUNK;
    assert_int_equal(tk_recv(h->s, sd, in, sizeof in), CHUNK);
    assert_memory_equal(in, out, CHUNK);
    assert_int_equal(tk_send(h->s, sd, out, CHUNK), CHUNK);
    tkh_run_until(h, h->now + TK_MS(50));
    tkh_seg g;
    bool seen = false;
    while (tkh_next(h, &g))
        if (g.dport == PORT_V && g.len == CHUNK) {
            assert_int_equal(g.seq, *snd);
            assert_memory_equal(g.data, out, CHUNK);
            seen = true;
        }
    assert_true(seen);
    *snd += CHUNK;
    tkh_inject_ports(h, PORT_V, 80, TK_TCP_ACK, *rcv, *snd, 65535, NULL, NULL, 0);
    tkh_clear(h);
}

static void test_SEC_06_challenge_ack_side_channel(void **state) {
    (void)state;
    tkh h;
    tkh_init_fixed(&h, NULL, ISS);
    int ls = tkh_listen_at(&h, 80, 8);
    uint32_t iss;
    h.rport = PORT_V;
    int sd_v = tkh_accept_conn(&h, ls, IRS_V, NULL, &iss);
    h.rport = PORT_A;
    int sd_a = tkh_accept_conn(&h, ls, IRS_A, NULL, &iss);
    assert_true(sd_a >= 0);
    tkh_clear(&h);
    uint32_t rcv = IRS_V + 1, snd = ISS + 1;
    victim_transfer(&h, sd_v, &rcv, &snd, 'a');
    counts total = {0, 0};
    uint64_t seen[2] = {0, 0}, lo[2] = {UINT64_MAX, UINT64_MAX}, hi[2] = {0, 0};
    for (int r = 0; r < ROUNDS; r++) {
        tkh_run_until(&h, (h.now / TK_SEC(1) + 2) * TK_SEC(1)); /* a round every 2 s */
        int hit = r % 2;
        uint16_t guess = hit ? PORT_V : (uint16_t)(PORT_V + 1 + r);
        uint64_t n = round_trip(&h, guess, rcv, &total);
        seen[hit] += n;
        lo[hit] = n < lo[hit] ? n : lo[hit];
        hi[hit] = n > hi[hit] ? n : hi[hit];
    }
    const tk_stats *st = tk_stack_stats(h.s);
    print_message("SEC-6: %d packets; attacker saw %llu challenge ACKs in right-guess rounds "
                  "(%llu..%llu per round), %llu in wrong-guess rounds (%llu..%llu); victim got "
                  "%llu; limited per connection %llu, stack-wide %llu\n",
                  ROUNDS * (PROBES + BURST), (unsigned long long)seen[1], (unsigned long long)lo[1],
                  (unsigned long long)hi[1], (unsigned long long)seen[0], (unsigned long long)lo[0],
                  (unsigned long long)hi[0], (unsigned long long)total.to_victim,
                  (unsigned long long)st->invalid_acks_limited,
                  (unsigned long long)st->challenge_acks_limited);
    assert_int_equal(seen[0], seen[1]);
    assert_int_equal(lo[0], lo[1]);
    assert_int_equal(hi[0], hi[1]);
    assert_int_equal(st->estab_resets, 0);
    assert_int_equal(tk_stack_state_count(h.s, TK_TCP_ESTABLISHED), 2);
    victim_transfer(&h, sd_v, &rcv, &snd, 'b');
    tkh_fini(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_SEC_06_challenge_ack_side_channel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
