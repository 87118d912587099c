/* Application misuse stories (SPEC CM-17): calls that would re-initialise a
 * socket object holding a live connection are refused with an error code;
 * the connection and the data it carries are untouched. */
#include <errno.h>
#include <string.h>

#include "sim_scenarios.h"
#include "tcpkit/stats.h"
#include "tcpkit/wire/tcp.h"

#define A TK_SIM_A
#define B TK_SIM_B

/* One call on a live socket, printed like the others, checked against want. */
static void refused(tk_sim *s, int side, const char *call, int rc, int want) {
    char e[32], w[32];
    tk_sim_app(s, side, "%s = %s", call, tk_sim_errstr(rc, e, sizeof e));
    tk_sim_expect(s, rc == want, "%s = %s, want %s", call, e, tk_sim_errstr(want, w, sizeof w));
}

/* connect() again, bind() again and listen() on a connected socket. */
static void reopen_attempts(tk_sim *s, int side, int sd, uint16_t rport) {
    tk_stack *st = tk_sim_stack(s, side);
    tk_sockaddr peer = tk_sim_peer(s, side, rport);
    tk_sockaddr any = tk_sockaddr_in4(0, 0);
    refused(s, side, "connect() on the connected socket", tk_connect(st, sd, &peer), -EISCONN);
    refused(s, side, "bind(port 0) on the connected socket", tk_bind(st, sd, &any), -EINVAL);
    refused(s, side, "listen() on the connected socket", tk_listen(st, sd, 8), -EINVAL);
}

static bool both_established(tk_sim *s, uint16_t ap) {
    return tk_sim_state(s, A, ap, TK_SIM_PORT) == TK_TCP_ESTABLISHED &&
           tk_sim_state(s, B, TK_SIM_PORT, ap) == TK_TCP_ESTABLISHED;
}

/* A sends, and while the bytes are still queued tries to re-open its socket
 * three ways; B does the same with its accepted socket. Every call fails,
 * no segment carries RST, and B receives the bytes intact. */
void tk_sim_sc_socket_reinit(tk_sim *s) {
    int lsd, a, b;
    if (!tk_sim_open_pair(s, TK_SIM_PORT, &lsd, &a, &b))
        return;
    uint16_t ap = tk_sim_lport(s, A, a);
    uint32_t mark = s->nsegs;
    char msg[3000];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (char)tk_sim_pattern(i);
    tk_sim_send(s, A, a, msg, sizeof msg);
    reopen_attempts(s, A, a, TK_SIM_PORT);
    reopen_attempts(s, B, b, ap);
    tk_sim_run_for(s, TK_SEC(1));
    char got[sizeof msg];
    long n = tk_sim_recv(s, B, b, got, sizeof got);
    tk_sim_expect(s, n == (long)sizeof msg && memcmp(got, msg, sizeof msg) == 0,
                  "B received %ld bytes, want the %zu sent, intact", n, sizeof msg);
    tk_sim_expect(s, both_established(s, ap), "the connection is not ESTABLISHED on both ends");
    tk_sim_expect(s,
                  tk_sim_count_segs(s, mark, A, TK_TCP_RST) == 0 &&
                      tk_sim_count_segs(s, mark, B, TK_TCP_RST) == 0,
                  "a RST was sent: the live connection was reset");
    tk_sim_note(s, "%zu bytes delivered intact, both ends still ESTABLISHED", sizeof msg);
    tk_sim_close(s, A, a);
    tk_sim_run_for(s, TK_MS(100));
    tk_sim_close(s, B, b);
    tk_sim_close(s, B, lsd);
    tk_sim_run_for(s, TK_SEC(1));
}
