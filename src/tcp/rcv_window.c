/* The receive window: what a segment offers (backed by the buffer pool,
 * RFC 1122 receiver SWS avoidance, never shrinking what was offered), when
 * an opened window is worth an update, and the window scale a buffer
 * needs (RFC 7323). */
#include "base/seq.h"
#include "tcp/state.h"

uint32_t tk_tcp_rcv_window(tk_stack *s, tk_tcb *tp) {
    uint32_t win = tk_chunkq_free(&tp->rcvq);
    /* Offer only what the buffer pool backs: chunks are reserved for the
     * whole window before it goes out, so data the peer sends within it
     * always finds room. */
    uint32_t len = tk_chunkq_len(&tp->rcvq);
    uint32_t backed = tk_chunkq_back(&s->chunks, &tp->rcvq, len + win) - len;
    if (backed < win) {
        win = backed;
        s->stats.rcv_window_pool_limited++;
    }
    /* RFC 1122 4.2.3.3 receiver SWS avoidance: keep a small window closed
     * (small against the buffer, or against a buffer pool smaller than it,
     * which could otherwise never back a window that counts as large). */
    uint64_t pool = (uint64_t)s->chunks.cap * s->chunks.size;
    uint32_t buf = pool < tk_cold(tp)->opts.rcv_cap ? (uint32_t)pool : tk_cold(tp)->opts.rcv_cap;
    if (win < buf / 4 && win < tp->mss)
        win = 0;
    /* Never shrink what was already offered (RFC 9293 3.8.6.2.2). */
    uint32_t offered = tk_seq_gt(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
    if (win < offered)
        win = offered;
    if (win < backed) /* what stays closed keeps no chunk from other windows */
        tk_chunkq_back(&s->chunks, &tp->rcvq, len + win);
    uint32_t max = 65535u << tp->rcv_shift;
    return win > max ? max : win;
}

bool tk_tcp_window_update_due(tk_stack *s, tk_tcb *tp) {
    if (tp->state != TK_TCP_ESTABLISHED && tp->state != TK_TCP_FIN_WAIT_1 &&
        tp->state != TK_TCP_FIN_WAIT_2)
        return false;
    uint32_t win = tk_tcp_rcv_window(s, tp);
    uint32_t offered = tk_seq_gt(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
    if (win <= offered)
        return false;
    /* Nothing received since the SYN: the window "opened" only because a
     * SYN-ACK's is never scaled (RFC 7323 2.2), and the peer's first
     * flight fits in those 64 KiB; its first data is ACKed with the whole
     * window anyway. An update here would be one more segment for every
     * passive open (Linux sends none either). Checked after the common
     * case returned, so the TCB's cold part is read only here. */
    if (tp->rcv_nxt - tk_cold(tp)->irs <= 1u)
        return false;
    uint32_t inc = win - offered;
    if (s->cfg.window_update_double)
        return win >= 2u * offered; /* Linux's tcp_cleanup_rbuf */
    return inc >= 2u * tp->mss || inc >= tk_cold(tp)->opts.rcv_cap / 2;
}

uint8_t tk_tcp_wscale_for(uint32_t bufsize, uint8_t min) {
    uint8_t shift = min > TK_TCP_MAX_WSCALE ? TK_TCP_MAX_WSCALE : min;
    while (shift < TK_TCP_MAX_WSCALE && (bufsize >> shift) > 65535u)
        shift++;
    return shift;
}
