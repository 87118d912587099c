/* Seed stories of attack and misuse (docs/security.md): a SYN flood from
 * spoofed addresses (seed 002) and a client that reconnects too fast for a
 * server that limits connection attempts per address (seed 000, part 7). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lan.h"
#include "sim_scenarios.h"
#include "tcpkit/stats.h"
#include "tcpkit/wire/tcp.h"

#define A TK_SIM_A
#define B TK_SIM_B

#define FLOOD_SYNS  1000
#define FLOOD_SHOWN 3
#define GATEWAY     0xc61200feu /* 198.18.0.254: the spoofed 198.19/16 is behind it */
#define STORM_LIMIT 3
#define STORM_TRIES 6

static const uint8_t gateway_mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x00, 0xfe};

/* An attacker's SYN from src:sport, straight into B as if from the
 * gateway: nothing of it crosses the simulated link. */
static void spoofed_syn(tk_sim *s, uint32_t src, uint16_t sport, uint32_t seq) {
    tk_tcp_hdr h;
    memset(&h, 0, sizeof(h));
    h.sport = sport;
    h.dport = TK_SIM_PORT;
    h.seq = seq;
    h.flags = TK_TCP_SYN;
    h.win = 65535;
    h.opts.present = TK_OPT_MSS;
    h.opts.mss = 1460;
    uint8_t buf[128];
    int n = tk_lan_tcp_frame(buf, sizeof buf, s->cfg[B].mac, gateway_mac, src, s->cfg[B].addr, &h,
                             NULL, 0);
    if (n > 0)
        (void)tk_stack_input(tk_sim_stack(s, B), buf, (size_t)n, tk_sim_now(s));
}

/* `netstat -nap | grep SYN_RECV | wc -l` on B. */
static uint32_t syn_recv_count(tk_sim *s) {
    return tk_stack_state_count(tk_sim_stack(s, B), TK_TCP_SYN_RCVD);
}

static uint32_t xorshift(uint32_t *x) {
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void flood(tk_sim *s) {
    uint32_t rng = 0x5ec02u;
    tk_sim_note(s,
                "an attacker sends %d SYNs from spoofed 198.19.x.x addresses in 1 s "
                "(the first %d shown)",
                FLOOD_SYNS, FLOOD_SHOWN);
    for (int i = 0; i < FLOOD_SYNS; i++) {
        if (i == FLOOD_SHOWN) {
            s->quiet_net = 0xc6130000u; /* from now on, nothing of 198.19/16 is printed */
            s->quiet_mask = 0xffff0000u;
        }
        uint32_t src = 0xc6130000u | (xorshift(&rng) & 0xffffu);
        spoofed_syn(s, src, (uint16_t)(1024u + xorshift(&rng) % 60000u), xorshift(&rng));
        tk_sim_run_for(s, TK_MS(1));
    }
}

/* Seed 002: spoofed SYNs fill the half-open table; SYN cookies answer the
 * rest; a legitimate client still connects and talks. */
void tk_sim_sc_syn_flood(tk_sim *s) {
    tk_stack *b = tk_sim_stack(s, B);
    (void)tk_stack_add_neighbor(b, GATEWAY, gateway_mac);
    tk_config cfg = *tk_stack_config(b);
    cfg.gateway = GATEWAY;
    (void)tk_stack_set_config(b, &cfg);
    int lsd = tk_sim_listen(s, B, TK_SIM_PORT, 128);
    flood(s);
    const tk_stats *st = tk_stack_stats(b);
    uint32_t half_open = syn_recv_count(s);
    tk_sim_note(s, "B: netstat -nap | grep SYN_RECV | wc -l -> %u (its syncache holds %u)",
                half_open, s->cfg[B].max_syn_backlog);
    tk_sim_note(s, "B sent %llu SYN cookies once the syncache was full; no socket is used",
                (unsigned long long)st->syncookies_sent);
    tk_sim_expect(s, half_open == s->cfg[B].max_syn_backlog, "SYN_RECV count %u, want %u",
                  half_open, s->cfg[B].max_syn_backlog);
    tk_sim_expect(s, st->syncookies_sent > 0, "no SYN cookie was sent");
    int a = tk_sim_socket_bound(s, A, 0);
    tk_time start = tk_sim_now(s);
    tk_sim_connect(s, A, a, TK_SIM_PORT);
    bool up = tk_sim_wait_events(s, A, a, TK_POLLOUT, TK_SEC(3));
    tk_sim_expect(s, up, "the legitimate client did not connect within 3 s");
    tk_sim_note(s, "A connected in %llu ms through a SYN cookie",
                (unsigned long long)((tk_sim_now(s) - start) / 1000u));
    int bsd = tk_sim_accept(s, B, lsd, TK_SEC(1));
    tk_sim_expect(s, bsd >= 0, "B could not accept the client");
    tk_sim_expect(s, st->syncookies_accepted == 1, "%llu cookie connections, want 1",
                  (unsigned long long)st->syncookies_accepted);
    tk_sim_send(s, A, a, "hello", 5);
    char buf[8];
    tk_sim_run_for(s, TK_MS(100));
    tk_sim_expect(s, tk_sim_recv(s, B, bsd, buf, sizeof buf) == 5, "B did not receive hello");
    tk_sim_close(s, A, a);
    tk_sim_close(s, B, bsd);
}

void tk_sim_cf_reconnect_storm(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    no->cfg[B].syn_rate_limit = STORM_LIMIT; /* SEC-13, off by default */
}

/* One connect() from A: true when it connected (then closed at once). */
static bool attempt(tk_sim *s) {
    int a = tk_sim_socket_bound(s, A, 0);
    tk_sim_connect(s, A, a, TK_SIM_PORT);
    bool up = tk_sim_wait_events(s, A, a, TK_POLLOUT | TK_POLLERR, TK_SEC(3)) &&
              tk_sim_so_error(s, A, a) == 0;
    tk_sim_close(s, A, a);
    return up;
}

/* Seed 000, part 7: a client that reconnects again and again in a short
 * time looks like an attack to the server, which refuses it; the remedy is
 * to wait before reconnecting. */
void tk_sim_sc_reconnect_storm(tk_sim *s) {
    int lsd = tk_sim_listen(s, B, TK_SIM_PORT, 16);
    tk_sim_note(s, "B refuses more than %d connection attempts per second from one address",
                STORM_LIMIT);
    int ok = 0, refused = 0;
    for (int i = 0; i < STORM_TRIES; i++) {
        if (attempt(s))
            ok++;
        else
            refused++;
        int b;
        while ((b = tk_sim_accept(s, B, lsd, 0)) >= 0)
            tk_sim_close(s, B, b);
    }
    const tk_stats *st = tk_stack_stats(tk_sim_stack(s, B));
    tk_sim_note(s, "burst of %d: %d connected, %d refused (B counted %llu)", STORM_TRIES, ok,
                refused, (unsigned long long)st->drop_syn_rate_limited);
    tk_sim_expect(s, ok == STORM_LIMIT && refused == STORM_TRIES - STORM_LIMIT,
                  "burst: %d connected, %d refused; want %d and %d", ok, refused, STORM_LIMIT,
                  STORM_TRIES - STORM_LIMIT);
    tk_sim_note(s, "A waits 1 s before reconnecting, as the seed advises");
    tk_sim_run_for(s, TK_SEC(1));
    tk_sim_expect(s, attempt(s), "the patient reconnect was refused");
}
