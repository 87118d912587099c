/* Several stacks on one Ethernet segment (lan.h). */
#include "lan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/ipv4.h"

static const uint8_t gateway_mac[6] = {0x02, 0, 0, 0, 0, 0xfe};

void tk_lan_config(tk_config *cfg, uint8_t host) {
    tk_config_default(cfg);
    cfg->addr = 0xc6120000u | host;
    cfg->netmask = 0xffffff00u;
    cfg->gateway = TK_LAN_GATEWAY;
    uint8_t mac[6] = {0x02, 0, 0, 0, 0, host};
    memcpy(cfg->mac, mac, 6);
}

uint32_t tk_lan_random(tk_lan *net) {
    uint32_t x = net->rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    net->rng = x;
    return x;
}

static int owner(const tk_lan *net, const uint8_t *mac) {
    for (int i = 0; i < net->n; i++)
        if (memcmp(net->cfg[i].mac, mac, 6) == 0)
            return i;
    return -1;
}

static void enqueue(tk_lan *net, int to, const uint8_t *frame, size_t len) {
    if (net->count == TK_LAN_QMAX || len > TK_LAN_FRAME_MAX) {
        net->queue_drops++;
        return;
    }
    tk_lan_frame *f = &net->q[(net->head + net->count) % TK_LAN_QMAX];
    f->at = net->now + net->latency;
    f->to = to;
    f->len = len;
    memcpy(f->buf, frame, len);
    net->count++;
}

static int on_output(void *ctx, const uint8_t *frame, size_t len) {
    tk_lan_port *p = ctx;
    tk_lan *net = p->net;
    net->out_frames[p->idx]++;
    if (len < 14)
        return 0;
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (memcmp(frame, bcast, 6) == 0) {
        for (int i = 0; i < net->n; i++)
            if (i != p->idx)
                enqueue(net, i, frame, len);
        return 0;
    }
    int to = owner(net, frame);
    if (to < 0) {
        net->offlink++;
        return 0;
    }
    enqueue(net, to, frame, len);
    return 0;
}

static uint32_t on_random(void *ctx) {
    tk_lan_port *p = ctx;
    return tk_lan_random(p->net);
}

int tk_lan_init(tk_lan *net, tk_time latency, uint32_t seed) {
    memset(net, 0, sizeof(*net));
    net->latency = latency;
    net->rng = seed ? seed : 0x2545f491u;
    net->q = calloc(TK_LAN_QMAX, sizeof(tk_lan_frame));
    return net->q ? 0 : -ENOMEM;
}

int tk_lan_add(tk_lan *net, const tk_config *cfg) {
    if (net->n >= TK_LAN_MAX_STACKS)
        return -ENOBUFS;
    int i = net->n;
    net->cfg[i] = *cfg;
    net->port[i] = (tk_lan_port){net, i};
    tk_stack_io io = {
        .output = on_output, .random = on_random, .trace = NULL, .ctx = &net->port[i]};
    int rc = tk_stack_create(&net->st[i], cfg, &io);
    if (rc < 0)
        return rc;
    net->n++;
    rc = tk_stack_add_neighbor(net->st[i], TK_LAN_GATEWAY, gateway_mac);
    for (int j = 0; j < i && rc == 0; j++) {
        rc = tk_stack_add_neighbor(net->st[i], net->cfg[j].addr, net->cfg[j].mac);
        if (rc == 0)
            rc = tk_stack_add_neighbor(net->st[j], cfg->addr, cfg->mac);
    }
    return rc < 0 ? rc : i;
}

void tk_lan_fini(tk_lan *net) {
    for (int i = 0; i < net->n; i++)
        tk_stack_destroy(net->st[i], net->now);
    free(net->q);
    net->q = NULL;
}

/* The earliest of the next frame's arrival and every stack's deadline. */
static tk_time next_event(const tk_lan *net) {
    tk_time t = net->count > 0 ? net->q[net->head].at : TK_TIME_NEVER;
    for (int i = 0; i < net->n; i++) {
        tk_time d = tk_stack_next_deadline(net->st[i]);
        if (d < t)
            t = d;
    }
    return t;
}

void tk_lan_run_until(tk_lan *net, tk_time t) {
    for (;;) {
        tk_time e = next_event(net);
        if (e > t)
            break;
        if (e > net->now)
            net->now = e;
        while (net->count > 0 && net->q[net->head].at <= net->now) {
            tk_lan_frame *f = &net->q[net->head];
            net->head = (net->head + 1) % TK_LAN_QMAX;
            net->count--;
            (void)tk_stack_input(net->st[f->to], f->buf, f->len, net->now);
        }
        for (int i = 0; i < net->n; i++)
            if (tk_stack_next_deadline(net->st[i]) <= net->now)
                tk_stack_poll(net->st[i], net->now);
    }
    if (t > net->now)
        net->now = t;
}

int tk_lan_tcp_frame(uint8_t *buf, size_t cap, const uint8_t dmac[6], const uint8_t smac[6],
                     uint32_t src, uint32_t dst, const tk_tcp_hdr *th, const void *data,
                     size_t len) {
    tk_eth_hdr eh;
    memcpy(eh.dst, dmac, 6);
    memcpy(eh.src, smac, 6);
    eh.type = TK_ETHERTYPE_IPV4;
    if (cap < TK_ETH_HLEN + TK_IPV4_HLEN || tk_wire_eth_emit(&eh, buf, cap) != TK_ETH_HLEN)
        return -EINVAL;
    int n = tk_wire_tcp_emit(th, data, len, src, dst, buf + TK_ETH_HLEN + TK_IPV4_HLEN,
                             cap - TK_ETH_HLEN - TK_IPV4_HLEN);
    if (n <= 0)
        return -EINVAL;
    tk_ipv4_hdr ih;
    memset(&ih, 0, sizeof(ih));
    ih.total_len = (uint16_t)(TK_IPV4_HLEN + (size_t)n);
    ih.ttl = 64;
    ih.proto = TK_IPPROTO_TCP;
    ih.src = src;
    ih.dst = dst;
    if (tk_wire_ipv4_emit(&ih, buf + TK_ETH_HLEN, cap - TK_ETH_HLEN) != TK_IPV4_HLEN)
        return -EINVAL;
    return (int)(TK_ETH_HLEN + TK_IPV4_HLEN) + n;
}

int tk_lan_inject_tcp(tk_lan *net, int to, uint32_t src, const tk_tcp_hdr *th, const void *data,
                      size_t len) {
    uint8_t buf[TK_LAN_FRAME_MAX];
    int n = tk_lan_tcp_frame(buf, sizeof buf, net->cfg[to].mac, gateway_mac, src, net->cfg[to].addr,
                             th, data, len);
    if (n < 0)
        return n;
    return tk_stack_input(net->st[to], buf, (size_t)n, net->now);
}
