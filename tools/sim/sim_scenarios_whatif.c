/* What-if scenarios (SPEC OBS-9, docs/tcp-explained.md): each breaks one
 * rule of TCP with a setting only the simulator uses (tk_config.sim_*, or
 * an MSL far too short) and shows the harm the rule prevents. PASS means
 * the harm happened as the story says. */
#include <string.h>

#include "sim_scenarios.h"
#include "tcpkit/wire/tcp.h"

#define A      TK_SIM_A
#define B      TK_SIM_B
#define A_PORT 5000

static const char old_bytes[] = "OLD-DATA";
static const char new_bytes[] = "NEW-DATA";
#define NBYTES (sizeof old_bytes - 1)

/* Both incarnations start at the same ISNs (tk_config.isn_fixed): the
 * closest two incarnations can be, so an old segment fits the new one's
 * window. Timestamps are off: PAWS (RFC 7323 5) would otherwise discard
 * the old segment by its old timestamp. */
static void same_isns_no_ts(tk_simnet_opts *no) {
    for (int side = 0; side < 2; side++) {
        no->cfg[side].isn_fixed = true;
        no->cfg[side].isn_value = side == A ? 1000u : 500000u;
        no->cfg[side].opt_timestamps = false;
    }
}

void tk_sim_cf_no_time_wait(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    same_isns_no_ts(no);
    no->cfg[A].sim_no_time_wait = true;
}

void tk_sim_cf_short_msl(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    same_isns_no_ts(no);
    no->cfg[A].msl = TK_MS(100); /* TIME_WAIT 200 ms; the network keeps segments 1 s */
}

void tk_sim_cf_two_way(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    no->cfg[B].sim_two_way_handshake = true;
}

/* A (port 5000) connects to B; returns false (a failure recorded) if the
 * connection did not open. */
static bool open_from_5000(tk_sim *s, int lsd, int *a, int *b) {
    *a = tk_sim_socket_bound(s, A, A_PORT);
    if (!tk_sim_expect(s, *a >= 0, "A cannot bind port %d: %d", A_PORT, *a))
        return false;
    tk_sim_connect(s, A, *a, TK_SIM_PORT);
    tk_sim_expect(s, tk_sim_wait_events(s, A, *a, TK_POLLOUT, TK_SEC(5)), "A never connected");
    *b = tk_sim_accept(s, B, lsd, TK_SEC(5));
    return tk_sim_expect(s, *b >= 0, "B accept() = %d", *b);
}

/* First life of the 4-tuple: B sends OLD-DATA (one copy of which the
 * network keeps), A reads it and closes first. */
static bool first_life(tk_sim *s, int lsd, int *a, int *b) {
    if (!open_from_5000(s, lsd, a, b))
        return false;
    tk_sim_grab(s, B, TK_TCP_ACK, true);
    tk_sim_send(s, B, *b, old_bytes, NBYTES);
    char buf[32];
    tk_sim_wait_events(s, A, *a, TK_POLLIN, TK_SEC(5));
    tk_sim_recv(s, A, *a, buf, sizeof buf);
    tk_sim_close(s, A, *a);
    return tk_sim_expect(s,
                         tk_sim_wait_state(s, B, TK_SIM_PORT, A_PORT, TK_TCP_CLOSE_WAIT, TK_SEC(5)),
                         "B never reached CLOSE_WAIT");
}

/* The second life: the old duplicate arrives before B sends NEW-DATA, and
 * A reads it as this connection's first bytes. */
static void second_life_corrupted(tk_sim *s, int lsd) {
    int a, b;
    if (!open_from_5000(s, lsd, &a, &b))
        return;
    tk_sim_run_for(s, TK_MS(750));
    tk_sim_expect(s, tk_sim_deliver_old(s), "no old segment was kept");
    tk_sim_send(s, B, b, new_bytes, NBYTES);
    tk_sim_run_for(s, TK_MS(100));
    char buf[32] = {0};
    long n = tk_sim_recv(s, A, a, buf, sizeof buf - 1);
    bool harm = n == (long)NBYTES && !memcmp(buf, old_bytes, NBYTES);
    if (harm)
        tk_sim_note(s,
                    "HARM: A read \"%s\" on its new connection, but B sent \"%s\" on it: "
                    "the old connection's bytes corrupted the new stream",
                    buf, new_bytes);
    tk_sim_expect(s, harm, "A read %ld bytes \"%s\", want the old connection's \"%s\"", n, buf,
                  old_bytes);
    tk_sim_close(s, A, a);
    tk_sim_wait_state(s, B, TK_SIM_PORT, A_PORT, TK_TCP_CLOSE_WAIT, TK_SEC(5));
    tk_sim_close(s, B, b);
    tk_sim_run_for(s, TK_SEC(1));
}

void tk_sim_sc_what_if_no_time_wait(tk_sim *s) {
    int lsd = tk_sim_listen(s, B, TK_SIM_PORT, 8), a, b;
    if (!first_life(s, lsd, &a, &b))
        return;
    tk_sim_note(s, "A -> B is down for 50 ms: A's last ACK will be lost");
    tk_simlink_add_outage(tk_simnet_link(s->net), TK_SIMLINK_AB, tk_sim_now(s),
                          tk_sim_now(s) + TK_MS(50));
    uint32_t mark = s->nsegs;
    tk_sim_close(s, B, b);
    tk_sim_expect(s, tk_sim_wait_state(s, B, TK_SIM_PORT, A_PORT, TK_TCP_CLOSED, TK_SEC(30)),
                  "B never reached CLOSED");
    uint32_t rsts = tk_sim_count_segs(s, mark, A, TK_TCP_RST);
    if (rsts)
        tk_sim_note(s, "HARM: without TIME_WAIT, A no longer knows the connection: B's "
                       "retransmitted FIN draws a RST, and B's orderly close ends in a reset");
    tk_sim_expect(s, rsts == 1, "A sent %u RSTs to the retransmitted FIN, want 1", rsts);
    tk_sim_note(s, "A reconnects from port %d at once: no TIME_WAIT holds the 4-tuple", A_PORT);
    second_life_corrupted(s, lsd);
    tk_sim_close(s, B, lsd);
}

void tk_sim_sc_what_if_short_msl(tk_sim *s) {
    int lsd = tk_sim_listen(s, B, TK_SIM_PORT, 8), a, b;
    if (!first_life(s, lsd, &a, &b))
        return;
    tk_sim_close(s, B, b);
    tk_sim_expect(s, tk_sim_wait_state(s, A, A_PORT, TK_SIM_PORT, TK_TCP_TIME_WAIT, TK_SEC(5)),
                  "A never reached TIME_WAIT");
    tk_sim_note(s, "A's MSL is 100 ms: TIME_WAIT lasts 200 ms, while the network holds a copy "
                   "of B's segment for about 1 s");
    tk_sim_expect(s, tk_sim_wait_state(s, A, A_PORT, TK_SIM_PORT, TK_TCP_CLOSED, TK_SEC(1)),
                  "A's TIME_WAIT did not end");
    second_life_corrupted(s, lsd);
    tk_sim_close(s, B, lsd);
}

void tk_sim_sc_what_if_two_way(tk_sim *s) {
    int lsd = tk_sim_listen(s, B, TK_SIM_PORT, 8), a, b;
    tk_sim_grab(s, A, TK_TCP_SYN, false);
    if (!open_from_5000(s, lsd, &a, &b))
        return;
    tk_sim_close(s, A, a);
    tk_sim_wait_state(s, B, TK_SIM_PORT, A_PORT, TK_TCP_CLOSE_WAIT, TK_SEC(5));
    tk_sim_close(s, B, b);
    tk_sim_expect(s, tk_sim_wait_state(s, A, A_PORT, TK_SIM_PORT, TK_TCP_CLOSED, TK_SEC(70)),
                  "A's TIME_WAIT did not end");
    tk_sim_note(s, "A has no connection left; its old SYN, held back by the network, arrives");
    tk_sim_expect(s, tk_sim_deliver_old(s), "no old SYN was kept");
    int ghost = tk_sim_accept(s, B, lsd, TK_MS(10));
    if (ghost >= 0)
        tk_sim_note(s,
                    "HARM: B accepted a connection from 198.18.0.1:%d that A never asked for, "
                    "before any answer from A",
                    A_PORT);
    tk_sim_expect(s, ghost >= 0, "B did not accept the old SYN's connection: %d", ghost);
    if (ghost < 0)
        return;
    uint32_t mark = s->nsegs;
    tk_sim_send(s, B, ghost, "220 welcome\r\n", 13);
    tk_sim_run_for(s, TK_MS(100));
    uint32_t rsts = tk_sim_count_segs(s, mark, A, TK_TCP_RST);
    tk_sim_expect(s, rsts >= 1, "A never reset the connection it did not open");
    tk_sim_so_error(s, B, ghost);
    tk_sim_note(s, "B's application wrote to a peer that never existed; only A's RST ends it. "
                   "With three segments, B waits in SYN_RCVD and A's RST to its SYN-ACK ends it "
                   "before any application sees it");
    tk_sim_close(s, B, ghost);
    tk_sim_close(s, B, lsd);
}
