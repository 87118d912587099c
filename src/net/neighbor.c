/* Address resolution for IPv4 output: static neighbours first, then the ARP
 * cache; unresolved frames wait in the ARP queue while requests go out
 * (RFC 826, RFC 1122 2.3.2.2). */
#include <errno.h>
#include <string.h>

#include "net/arp.h"
#include "stack_priv.h"
#include "tcpkit/wire/arp.h"
#include "tcpkit/wire/eth.h"

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static bool is_static(const tk_stack *s, uint32_t addr) {
    for (int i = 0; i < TK_NEIGH_MAX; i++)
        if (s->neigh[i].used && s->neigh[i].addr == addr)
            return true;
    return false;
}

/* The frame buffer is the output buffer; a queued frame is sent from the
 * queue's own copy, so both paths end in the same place. */
static void send_queued(void *ctx, uint8_t *frame, size_t len) {
    tk_stack *s = ctx;
    tk_net_emit_raw(s, frame, len, s->now);
}

/* A request for addr to dst (broadcast, or the known MAC for a poll). */
static void request_to(tk_stack *s, uint32_t addr, const uint8_t dst[6]) {
    tk_arp_pkt r;
    r.op = TK_ARP_REQUEST;
    memcpy(r.sha, s->cfg.mac, 6);
    r.spa = s->cfg.addr;
    memset(r.tha, 0, 6);
    r.tpa = addr;
    (void)tk_wire_arp_emit(&r, s->frame + TK_ETH_HLEN, s->frame_cap - TK_ETH_HLEN);
    s->stats.arp_requests_sent++;
    tk_net_emit(s, dst, TK_ETHERTYPE_ARP, TK_ARP_LEN, s->now);
}

static void send_request(void *ctx, uint32_t addr) {
    request_to(ctx, addr, bcast);
}

void tk_net_arp_learn(tk_stack *s, uint32_t addr, const uint8_t mac[6], bool create, tk_time now) {
    if (is_static(s, addr))
        return;
    s->now = now;
    if (tk_arp_learn(&s->arp, addr, mac, create, now))
        (void)tk_arp_flush(&s->arp, addr, send_queued, s);
}

bool tk_net_arp_lookup(tk_stack *s, uint32_t hop, tk_time now, uint8_t mac[6]) {
    return tk_arp_lookup(&s->arp, hop, now, mac);
}

void tk_net_arp_refresh(tk_stack *s, uint32_t hop, const uint8_t mac[6], tk_time now) {
    if (!tk_arp_poll_due(&s->arp, hop, now))
        return;
    s->now = now;
    request_to(s, hop, mac);
}

int tk_net_arp_queue(tk_stack *s, uint32_t hop, size_t frame_len, tk_time now) {
    int rc = tk_arp_enqueue(&s->arp, hop, s->frame, frame_len, now);
    if (rc < 0) {
        s->stats.arp_queue_drops++;
        return -EHOSTUNREACH;
    }
    s->stats.arp_queued++;
    if (rc == 1) {
        s->now = now;
        send_request(s, hop);
    }
    return 0;
}

void tk_net_poll(tk_stack *s, tk_time now) {
    s->now = now;
    uint32_t dropped = tk_arp_poll(&s->arp, now, send_request, s);
    s->stats.arp_queue_drops += dropped;
}

tk_time tk_net_next_deadline(const tk_stack *s) {
    return tk_arp_next_deadline(&s->arp);
}
