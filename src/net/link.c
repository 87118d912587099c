/* Ethernet II output: the last step of every frame we send, IPv4 or ARP.
 * It calls nothing else in the network layer, so IP, ARP resolution and
 * ARP reception all send through it without calling back into each other.
 * A driver whose ring is full answers busy; the frame then waits in the
 * transmit backlog (net/txq.h) and later frames queue behind it, so the
 * link sees frames in the order the stack made them. */
#include <errno.h>
#include <string.h>

#include "net/net.h"
#include "tcpkit/wire/eth.h"

/* How long a busy driver is left alone before the backlog is offered
 * again, when nothing else calls tk_stack_poll sooner. */
#define TX_RETRY TK_MS(1)

void tk_net_emit(tk_net *net, const uint8_t dst[6], uint16_t type, size_t payload_len,
                 tk_time now) {
    tk_eth_hdr eh;
    memcpy(eh.dst, dst, 6);
    memcpy(eh.src, net->cfg->mac, 6);
    eh.type = type;
    (void)tk_wire_eth_emit(&eh, net->frame, net->frame_cap);
    tk_net_emit_raw(net, net->frame, TK_ETH_HLEN + payload_len, now);
}

static bool busy(int rc) {
    return rc == -EBUSY || rc == -EAGAIN;
}

/* Offers one frame; true when the driver took it or failed for good. */
static bool offer(tk_net *net, const uint8_t *frame, size_t len, tk_time now) {
    int rc = net->output(net->output_ctx, frame, len);
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
    const uint8_t *f;
    while ((f = tk_txq_head(&net->txq, &len)) != NULL && offer(net, f, len, now))
        tk_txq_pop(&net->txq);
}

tk_time tk_net_tx_deadline(const tk_net *net) {
    return net->txq.count > 0 ? net->txq.retry_at : TK_TIME_NEVER;
}

void tk_net_emit_raw(tk_net *net, const uint8_t *frame, size_t len, tk_time now) {
    net->stats->frames_out++;
    tk_obs_trace_frame(&net->obs, TK_TRACE_FRAME_OUT, frame, len, NULL, now);
    tk_net_tx_flush(net, now);
    if (net->txq.count == 0 && offer(net, frame, len, now))
        return;
    if (!tk_txq_push(&net->txq, frame, len))
        net->stats->tx_busy_drops++;
}
