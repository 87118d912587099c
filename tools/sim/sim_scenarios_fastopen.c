/* TCP Fast Open (SPEC OP-8, RFC 7413, docs/fast-open.md): A's first
 * connection asks B for a cookie and sends its request after the
 * handshake; the second carries the cookie and the request in its SYN,
 * and B's application reads it one round trip earlier. */
#include <errno.h>
#include <string.h>

#include "sim_render.h"
#include "sim_scenarios.h"
#include "tcpkit/stats.h"

#define A TK_SIM_A
#define B TK_SIM_B

void tk_sim_cf_fast_open(tk_simnet_opts *no, const tk_sim_opts *o) {
    (void)o;
    no->cfg[A].fastopen = TK_FASTOPEN_CLIENT;
    no->cfg[B].fastopen = TK_FASTOPEN_SERVER;
}

/* sendto(MSG_FASTOPEN): connect, and the request in the SYN when A holds
 * a cookie of B. */
static long fo_send(tk_sim *s, int sd, const char *msg) {
    tk_sockaddr a = tk_sim_peer(s, A, TK_SIM_PORT);
    long rc = tk_send_fastopen(tk_sim_stack(s, A), sd, &a, msg, strlen(msg));
    char e[32];
    tk_sim_app(s, A, "sendto(MSG_FASTOPEN, %zu bytes) = %s", strlen(msg),
               tk_sim_errstr(rc, e, sizeof e));
    tk_simnet_poll(s->net);
    return rc;
}

/* One request from A to B; how long after A's first segment B read it. */
static tk_time request(tk_sim *s, int lsd, const char *msg, long want_rc) {
    int a = tk_sim_socket_bound(s, A, 0);
    tk_time start = tk_sim_now(s);
    long rc = fo_send(s, a, msg);
    tk_sim_expect(s, rc == want_rc, "sendto(MSG_FASTOPEN) = %ld, not %ld", rc, want_rc);
    int b = tk_sim_accept(s, B, lsd, TK_SEC(5));
    if (!tk_sim_expect(s, b >= 0, "B accepted nothing"))
        return 0;
    if (rc < 0) { /* no cookie yet: the request follows the handshake */
        tk_sim_wait_events(s, A, a, TK_POLLOUT, TK_SEC(5));
        tk_sim_send(s, A, a, msg, strlen(msg));
    }
    tk_sim_wait_events(s, B, b, TK_POLLIN, TK_SEC(5));
    tk_time took = tk_sim_now(s) - start;
    char buf[64];
    long n = tk_sim_recv(s, B, b, buf, sizeof buf);
    tk_sim_expect(s, n == (long)strlen(msg) && memcmp(buf, msg, strlen(msg)) == 0,
                  "B read %ld bytes, not the request", n);
    tk_sim_wait_events(s, A, a, TK_POLLOUT, TK_SEC(5)); /* A's handshake completes */
    tk_sim_close(s, B, b);
    tk_sim_close(s, A, a);
    tk_sim_run_for(s, TK_SEC(1));
    return took;
}

void tk_sim_sc_fast_open(tk_sim *s) {
    int lsd = tk_sim_listen(s, B, TK_SIM_PORT, 8);
    if (lsd < 0)
        return;
    tk_sim_setsockopt_int(s, B, lsd, TK_IPPROTO_TCP_LEVEL, TK_TCP_FASTOPEN, 16);
    tk_sim_note(s, "first connection: the SYN asks for a cookie");
    tk_time t1 = request(s, lsd, "GET /one", -EINPROGRESS);
    tk_sim_note(s, "second connection: cookie and request in the SYN");
    tk_time t2 = request(s, lsd, "GET /two", 8);
    const tk_stats *sa = tk_stack_stats(tk_sim_stack(s, A));
    const tk_stats *sb = tk_stack_stats(tk_sim_stack(s, B));
    tk_sim_note(s, "B read the request %llu ms after A's SYN without a cookie, %llu ms with one",
                (unsigned long long)(t1 / 1000u), (unsigned long long)(t2 / 1000u));
    tk_sim_expect(s, sb->fastopen_cookie_reqs == 1, "B answered %llu cookie requests",
                  (unsigned long long)sb->fastopen_cookie_reqs);
    tk_sim_expect(s, sb->fastopen_passive == 1 && sa->fastopen_active == 1,
                  "the SYN data was not taken (B %llu, A %llu)",
                  (unsigned long long)sb->fastopen_passive,
                  (unsigned long long)sa->fastopen_active);
    tk_sim_expect(s, t2 < t1, "the request in the SYN was not read earlier");
}
