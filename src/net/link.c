/* Ethernet II output: the last step of every frame we send, IPv4 or ARP.
 * It calls nothing else in the network layer, so IP, ARP resolution and
 * ARP reception all send through it without calling back into each other. */
#include <string.h>

#include "net/net.h"
#include "tcpkit/wire/eth.h"

void tk_net_emit(tk_net *net, const uint8_t dst[6], uint16_t type, size_t payload_len,
                 tk_time now) {
    tk_eth_hdr eh;
    memcpy(eh.dst, dst, 6);
    memcpy(eh.src, net->cfg->mac, 6);
    eh.type = type;
    (void)tk_wire_eth_emit(&eh, net->frame, net->frame_cap);
    tk_net_emit_raw(net, net->frame, TK_ETH_HLEN + payload_len, now);
}

void tk_net_emit_raw(tk_net *net, const uint8_t *frame, size_t len, tk_time now) {
    net->stats->frames_out++;
    tk_obs_trace_frame(&net->obs, TK_TRACE_FRAME_OUT, frame, len, NULL, now);
    net->output(net->output_ctx, frame, len);
}
