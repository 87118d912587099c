/* Address resolution for IPv4 output: static neighbours first, then the ARP
 * cache; unresolved frames wait in the ARP queue while requests go out
 * (RFC 826, RFC 1122 2.3.2.2). */
#include <errno.h>
#include <string.h>

#include "net/arp.h"
#include "net/net.h"
#include "tcpkit/wire/arp.h"
#include "tcpkit/wire/eth.h"

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static bool is_static(const tk_net *net, uint32_t addr) {
    for (int i = 0; i < TK_NEIGH_MAX; i++)
        if (net->neigh[i].used && net->neigh[i].addr == addr)
            return true;
    return false;
}

/* What the ARP cache's callbacks need: the layer and the time of the call. */
typedef struct arp_call {
    tk_net *net;
    tk_time now;
} arp_call;

/* The frame buffer is the output buffer; a queued frame is sent from the
 * queue's own copy, so both paths end in the same place. */
static void send_queued(void *ctx, uint8_t *frame, size_t len) {
    const arp_call *c = ctx;
    tk_net_emit_raw(c->net, frame, len, c->now);
}

/* A request for addr to dst (broadcast, or the known MAC for a poll). */
static void request_to(tk_net *net, uint32_t addr, const uint8_t dst[6], tk_time now) {
    tk_arp_pkt r;
    r.op = TK_ARP_REQUEST;
    memcpy(r.sha, net->cfg->mac, 6);
    r.spa = net->cfg->addr;
    memset(r.tha, 0, 6);
    r.tpa = addr;
    tk_net_frame_begin(net);
    (void)tk_wire_arp_emit(&r, net->frame + TK_ETH_HLEN, net->frame_cap - TK_ETH_HLEN);
    net->stats->arp_requests_sent++;
    tk_net_emit(net, dst, TK_ETHERTYPE_ARP, TK_ARP_LEN, now);
}

static void send_request(void *ctx, uint32_t addr) {
    const arp_call *c = ctx;
    request_to(c->net, addr, bcast, c->now);
}

void tk_net_arp_learn(tk_net *net, uint32_t addr, const uint8_t mac[6], bool create, tk_time now) {
    if (is_static(net, addr))
        return;
    arp_call c = {net, now};
    if (tk_arp_learn(&net->arp, addr, mac, create, now))
        (void)tk_arp_flush(&net->arp, addr, send_queued, &c);
}

bool tk_net_arp_lookup(tk_net *net, uint32_t hop, tk_time now, uint8_t mac[6]) {
    return tk_arp_lookup(&net->arp, hop, now, mac);
}

void tk_net_arp_refresh(tk_net *net, uint32_t hop, const uint8_t mac[6], tk_time now) {
    if (!tk_arp_poll_due(&net->arp, hop, now))
        return;
    request_to(net, hop, mac, now);
}

int tk_net_arp_queue(tk_net *net, uint32_t hop, size_t frame_len, tk_time now) {
    int rc = tk_arp_enqueue(&net->arp, hop, net->frame, frame_len, now);
    if (rc < 0) {
        net->stats->arp_queue_drops++;
        return -EHOSTUNREACH;
    }
    net->stats->arp_queued++;
    if (rc == 1)
        request_to(net, hop, bcast, now);
    return 0;
}

void tk_net_poll(tk_net *net, tk_time now) {
    arp_call c = {net, now};
    uint32_t dropped = tk_arp_poll(&net->arp, now, send_request, &c);
    net->stats->arp_queue_drops += dropped;
#if TK_WITH_IPV6
    tk_net_ip6_poll(net, now);
#endif
}

tk_time tk_net_next_deadline(const tk_net *net) {
    tk_time t = tk_arp_next_deadline(&net->arp);
#if TK_WITH_IPV6
    tk_time t6 = tk_net_ip6_next_deadline(net);
    if (t6 < t)
        t = t6;
#endif
    return t;
}

int tk_net_add_neighbor(tk_net *net, uint32_t addr, const uint8_t mac[6]) {
    tk_neigh *free_slot = NULL;
    for (int i = 0; i < TK_NEIGH_MAX; i++) {
        tk_neigh *n = &net->neigh[i];
        if (n->used && n->addr == addr) {
            memcpy(n->mac, mac, 6);
            return 0;
        }
        if (!n->used && free_slot == NULL)
            free_slot = n;
    }
    if (free_slot == NULL)
        return -ENOBUFS;
    free_slot->used = true;
    free_slot->addr = addr;
    memcpy(free_slot->mac, mac, 6);
    return 0;
}
