/* Ethernet II output: the last step of every frame we send, IPv4 or ARP.
 * It calls nothing else in the network layer, so IP, ARP resolution and
 * ARP reception all send through it without calling back into each other.
 * A driver whose ring is full answers busy; the frame then waits in the
 * transmit backlog (net/txq.h) and later frames queue behind it, so the
 * link sees frames in the order the stack made them. Frames with offload
 * requests (NET-7) keep them in the backlog too. */
#include <errno.h>
#include <string.h>

#include "net/net.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"

/* How long a busy driver is left alone before the backlog is offered
 * again, when nothing else calls tk_stack_poll sooner. */
#define TX_RETRY TK_MS(1)

static const tk_link_tx no_offload = {0, 0, 0, 0, 0};

void tk_net_emit_tx(tk_net *net, const uint8_t dst[6], uint16_t type, size_t payload_len,
                    const tk_link_tx *tx, tk_time now) {
    tk_eth_hdr eh;
    memcpy(eh.dst, dst, 6);
    memcpy(eh.src, net->cfg->mac, 6);
    eh.type = type;
    (void)tk_wire_eth_emit(&eh, net->frame, net->frame_cap);
    tk_net_emit_raw_tx(net, net->frame, TK_ETH_HLEN + payload_len, tx, now);
}

void tk_net_emit(tk_net *net, const uint8_t dst[6], uint16_t type, size_t payload_len,
                 tk_time now) {
    tk_net_emit_tx(net, dst, type, payload_len, NULL, now);
}

static bool busy(int rc) {
    return rc == -EBUSY || rc == -EAGAIN;
}

/* Offers one frame; true when the driver took it or failed for good. */
static bool offer(tk_net *net, const uint8_t *frame, size_t len, const tk_link_tx *tx,
                  tk_time now) {
    int rc = net->output_tx != NULL
                 ? net->output_tx(net->output_ctx, frame, len, tx != NULL ? tx : &no_offload)
                 : net->output(net->output_ctx, frame, len);
    if (rc >= 0)
        return true;
    if (!busy(rc)) {
        net->stats->tx_errors++;
        return true;
    }
    net->stats->tx_busy++;
    net->txq.retry_at = now + TX_RETRY;
    return false;
}

void tk_net_tx_flush(tk_net *net, tk_time now) {
    size_t len;
    tk_link_tx tx;
    const uint8_t *f;
    while ((f = tk_txq_head(&net->txq, &len, &tx)) != NULL && offer(net, f, len, &tx, now))
        tk_txq_pop(&net->txq);
}

tk_time tk_net_tx_deadline(const tk_net *net) {
    return net->txq.count > 0 ? net->txq.retry_at : TK_TIME_NEVER;
}

/* A backlog of one frame waits in the output buffer (net/txq.h): before
 * a new frame is written there the waiting one is offered once more, and
 * dropped (counted) if the driver is still busy, so it never goes out
 * half overwritten. */
void tk_net_frame_free(tk_net *net) {
    tk_net_tx_flush(net, net->txq.retry_at);
    if (net->txq.count > 0) {
        tk_txq_pop(&net->txq);
        net->stats->tx_busy_drops++;
    }
}

void tk_net_emit_raw_tx(tk_net *net, const uint8_t *frame, size_t len, const tk_link_tx *tx,
                        tk_time now) {
    net->stats->frames_out++;
    if (tx != NULL && (tx->flags & (TK_TX_TSO4 | TK_TX_TSO6)))
        net->stats->tso_frames_out++;
    tk_obs_trace_frame(&net->obs, TK_TRACE_FRAME_OUT, frame, len, NULL, now);
    if (net->txq.count > 0)
        tk_net_tx_flush(net, now);
    if (net->txq.count == 0 && offer(net, frame, len, tx, now))
        return;
    if (!tk_txq_push(&net->txq, frame, len, tx))
        net->stats->tx_busy_drops++;
}

void tk_net_emit_raw(tk_net *net, const uint8_t *frame, size_t len, tk_time now) {
    tk_net_emit_raw_tx(net, frame, len, NULL, now);
}

void tk_net_tx_finish_csum(uint8_t *frame, size_t len, const tk_link_tx *tx) {
    size_t at = (size_t)tx->csum_start + tx->csum_offset;
    if (!(tx->flags & TK_TX_CSUM_PARTIAL) || tx->csum_start >= len || at + 2 > len)
        return;
    uint16_t c = tk_csum_finish(tk_csum_add(0, frame + tx->csum_start, len - tx->csum_start));
    frame[at] = (uint8_t)(c >> 8);
    frame[at + 1] = (uint8_t)c;
}
