/* Proportional Rate Reduction (RFC 6937, SPEC DT-14) for fast recovery of
 * RACK connections: on each ACK the sender may send what keeps the data in
 * flight shrinking in proportion to what is delivered (while the pipe is
 * above ssthresh), or growing back to ssthresh in slow start bounded by
 * what was delivered (PRR-SSRB, below it). Quantities are bytes; the
 * proportional part is rounded up to whole segments, so that with
 * ssthresh = RecoverFS / 2 one segment goes out on every other ACK, as in
 * the example of RFC 6937 5. */
#include "tcp/rack.h"

#include "base/div.h"
#include "tcp/state.h"

uint32_t tk_prr_sndcnt(uint32_t prr_delivered, uint32_t prr_out, uint32_t recover_fs,
                       uint32_t ssthresh, uint32_t pipe, uint32_t delivered, uint32_t mss) {
    int64_t sndcnt;
    if (pipe > ssthresh) {
        /* RFC 6937 3.1: CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out */
        uint32_t fs = recover_fs > 0 ? recover_fs : 1u;
        uint64_t target = tk_div64((uint64_t)prr_delivered * ssthresh + fs - 1u, fs);
        target = tk_div64(target + mss - 1u, mss) * mss;
        sndcnt = (int64_t)target - prr_out;
    } else {
        /* PRR-SSRB: MAX(prr_delivered - prr_out, DeliveredData) + MSS */
        int64_t limit = (int64_t)prr_delivered - prr_out;
        if (limit < (int64_t)delivered)
            limit = delivered;
        limit += mss;
        sndcnt = (int64_t)ssthresh - pipe;
        if (sndcnt > limit)
            sndcnt = limit;
    }
    /* RFC 9937 (6937bis): the fast retransmit goes out in any case. */
    if (sndcnt <= 0 && prr_out == 0)
        sndcnt = mss;
    return sndcnt > 0 ? (uint32_t)sndcnt : 0u;
}

void tk_prr_start(tk_tcb *tp) {
    tk_rack *r = &tp->sack->rack;
    r->prr_delivered = 0;
    r->prr_out = 0;
    r->prr_quota = 0;
    r->recover_fs = tp->snd_max - tp->snd_una; /* RFC 6937 3.1: snd.nxt - snd.una */
}

void tk_prr_on_ack(tk_tcb *tp, uint32_t delivered) {
    tk_rack *r = &tp->sack->rack;
    r->prr_delivered += delivered;
    uint32_t pipe = tk_rack_pipe(tp), mss = tk_tcp_seg_max(tp);
    uint32_t n = tk_prr_sndcnt(r->prr_delivered, r->prr_out, r->recover_fs, tp->cc.ssthresh, pipe,
                               delivered, mss);
    r->prr_quota = n;
    tp->cc.cwnd = pipe + n; /* as Linux: the window PRR allows now */
}

void tk_prr_sent(tk_tcb *tp, uint32_t len) {
    tk_rack *r = &tp->sack->rack;
    r->prr_out += len;
    r->prr_quota = r->prr_quota > len ? r->prr_quota - len : 0;
}

void tk_prr_end(tk_tcb *tp) {
    /* RFC 9937 (6937bis): recovery ends with cwnd = ssthresh, as Linux's
     * tcp_end_cwnd_reduction; PRR has already brought the pipe there, so
     * RFC 6582's min(ssthresh, FlightSize + SMSS) is not needed against a
     * burst, and would cut the window of a sender whose buffer held back
     * new data during recovery to what was left in flight. */
    if (tp->cc.ssthresh != UINT32_MAX)
        tp->cc.cwnd = tp->cc.ssthresh;
}
