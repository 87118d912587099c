/* TCP_INFO in Linux's terms (SPEC API-6): each field from the TCB's own
 * state, converted to Linux's units (segments for the windows, Linux's
 * state numbers). Fields tcpkit does not track are not in tk_tcp_info. */
#include <errno.h>
#include <string.h>

#include "base/div.h"
#include "socket/fd.h"
#include "tcp/pace.h"
#include "tcp/rack.h"
#include "tcp/state.h"
#include "tcpkit/tcp_info.h"
#include "tcpkit/tcp_state.h"

static uint8_t linux_state(int st) {
    static const uint8_t map[TK_TCP_NSTATES] = {
        [TK_TCP_CLOSED] = TK_TCPI_CLOSE,
        [TK_TCP_LISTEN] = TK_TCPI_LISTEN,
        [TK_TCP_SYN_SENT] = TK_TCPI_SYN_SENT,
        [TK_TCP_SYN_RCVD] = TK_TCPI_SYN_RECV,
        [TK_TCP_ESTABLISHED] = TK_TCPI_ESTABLISHED,
        [TK_TCP_FIN_WAIT_1] = TK_TCPI_FIN_WAIT1,
        [TK_TCP_FIN_WAIT_2] = TK_TCPI_FIN_WAIT2,
        [TK_TCP_CLOSE_WAIT] = TK_TCPI_CLOSE_WAIT,
        [TK_TCP_CLOSING] = TK_TCPI_CLOSING,
        [TK_TCP_LAST_ACK] = TK_TCPI_LAST_ACK,
        [TK_TCP_TIME_WAIT] = TK_TCPI_TIME_WAIT,
    };
    return st >= 0 && st < TK_TCP_NSTATES ? map[st] : TK_TCPI_CLOSE;
}

static uint8_t ca_state(const tk_tcb *tp) {
    if (tp->rexmt_count > 0 && tk_tcb_timer_armed(tp, TK_TIMER_RETRANSMIT))
        return TK_TCPI_CA_LOSS;
    if (tp->cc.in_recovery)
        return TK_TCPI_CA_RECOVERY;
    return tp->cc.dupacks > 0 ? TK_TCPI_CA_DISORDER : TK_TCPI_CA_OPEN;
}

static uint32_t ms_since(tk_time now, tk_time then) {
    return then == 0 || now < then ? 0u : (uint32_t)tk_time_ms(now - then);
}

/* Sequence space used by the SYN (and the FIN once it is past `upto`). */
static uint32_t payload(uint32_t upto, uint32_t isn, bool fin_in) {
    uint32_t n = upto - isn;
    n = n > 0 ? n - 1 : 0;
    return fin_in && n > 0 ? n - 1 : n;
}

static uint32_t segments(uint32_t bytes, uint32_t mss) {
    if (bytes >= 0x7fffffffu)
        return 0x7fffffffu; /* Linux's TCP_INFINITE_SSTHRESH */
    return mss ? bytes / mss : 0;
}

static void fill_windows(const tk_stack *s, const tk_tcb *tp, tk_tcp_info *out) {
    out->tcpi_rto = (uint32_t)tk_rtt_rto(&tk_cold(tp)->rtt, tp->rexmt_count);
    out->tcpi_ato = (uint32_t)s->cfg.delack;
    out->tcpi_snd_mss = tp->mss;
    out->tcpi_advmss =
        tk_sockopt_mss(s, tp, (tp->flags & TK_TF_V6) != 0, tp->encap_port); /* with TCP_MAXSEG */
    out->tcpi_pmtu = s->cfg.mtu;
    out->tcpi_rtt = tk_cold(tp)->rtt.has_sample ? (uint32_t)tk_cold(tp)->rtt.srtt : 0;
    out->tcpi_rttvar = tk_cold(tp)->rtt.has_sample ? (uint32_t)tk_cold(tp)->rtt.rttvar : 0;
    out->tcpi_snd_ssthresh = segments(tp->cc.ssthresh, tp->mss);
    out->tcpi_snd_cwnd = segments(tp->cc.cwnd, tp->mss);
    out->tcpi_reordering = 3; /* RFC 5681 3.2: the third duplicate ACK */
    out->tcpi_rack_reo_wnd = tk_rack_reo_wnd(tp);
    out->tcpi_pacing_rate = tk_pace_rate(tp);
    const char *name = tp->cc.ops != NULL ? tp->cc.ops->name : "";
    size_t n = strlen(name);
    memcpy(out->tcpi_ca_name, name,
           n < sizeof out->tcpi_ca_name ? n : sizeof out->tcpi_ca_name - 1);
    out->tcpi_snd_wnd = tp->snd_wnd;
    out->tcpi_rcv_wnd = tp->rcv_adv - tp->rcv_nxt;
}

static void fill_counts(const tk_stack *s, const tk_tcb *tp, tk_tcp_info *out) {
    bool fin_acked = (tp->flags & TK_TF_FIN_ACKED) != 0;
    bool fin_rcvd = (tp->flags & TK_TF_FIN_RCVD) != 0;
    bool synced = tp->state != TK_TCP_SYN_SENT && tp->state != TK_TCP_SYN_RCVD;
    out->tcpi_bytes_acked = synced ? payload(tp->snd_una, tk_cold(tp)->iss, fin_acked) : 0;
    out->tcpi_bytes_received = synced ? payload(tp->rcv_nxt, tk_cold(tp)->irs, fin_rcvd) : 0;
    uint32_t queued = tk_chunkq_len(&tp->sndq);
    uint32_t in_flight = synced ? tp->snd_max - tp->snd_una : 0;
    if ((tp->flags & TK_TF_FIN_QUEUED) && in_flight > 0 && tp->snd_max == tk_cold(tp)->fin_seq + 1)
        in_flight--; /* the FIN is in sequence space, not in the queue */
    out->tcpi_unacked_bytes = in_flight < queued ? in_flight : queued;
    out->tcpi_notsent_bytes = queued - out->tcpi_unacked_bytes;
    out->tcpi_last_data_sent = ms_since(s->now, tk_cold(tp)->last_snd);
    out->tcpi_last_data_recv = ms_since(s->now, tp->last_rcv);
}

int tk_tcp_info_get(tk_stack *s, int sd, tk_tcp_info *out) {
    tk_tcb *tp = tk_fd_tcb(s, sd);
    if (tp == NULL || out == NULL)
        return -EBADF;
    memset(out, 0, sizeof *out);
    out->tcpi_state = linux_state(tp->state);
    if (tp->state == TK_TCP_CLOSED || tp->state == TK_TCP_LISTEN)
        return 0;
    out->tcpi_ca_state = ca_state(tp);
    out->tcpi_retransmits = (uint8_t)(tp->rexmt_count > 255 ? 255 : tp->rexmt_count);
    out->tcpi_backoff = out->tcpi_retransmits;
    uint32_t probes = tk_cold(tp)->persist_count > tk_cold(tp)->keep_count
                          ? tk_cold(tp)->persist_count
                          : tk_cold(tp)->keep_count;
    out->tcpi_probes = (uint8_t)(probes > 255 ? 255 : probes);
    out->tcpi_options = (uint8_t)(((tp->flags & TK_TF_TS) ? TK_TCPI_OPT_TIMESTAMPS : 0) |
                                  ((tp->flags & TK_TF_SACK) ? TK_TCPI_OPT_SACK : 0) |
                                  ((tp->flags & TK_TF_WS) ? TK_TCPI_OPT_WSCALE : 0) |
                                  ((tp->ecn & TK_ECN_ON) ? TK_TCPI_OPT_ECN : 0));
    out->tcpi_snd_wscale = (tp->flags & TK_TF_WS) ? tp->snd_shift : 0;
    out->tcpi_rcv_wscale = (tp->flags & TK_TF_WS) ? tp->rcv_shift : 0;
    fill_windows(s, tp, out);
    fill_counts(s, tp, out);
    return 0;
}
