/* DPDK driver (see dpdk.h). */
#include "dpdk.h"

#include <errno.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <string.h>

#define MAX_ARGS  32
#define POOL_SIZE 8191u
#define RING_SIZE 1024u

/* Splits a copy of args at spaces into argv (argv[0] is a program name). */
static int split_args(char *copy, char **argv) {
    int argc = 0;
    argv[argc++] = "tcpkit";
    for (char *p = strtok(copy, " "); p != NULL && argc < MAX_ARGS - 1; p = strtok(NULL, " "))
        argv[argc++] = p;
    argv[argc] = NULL;
    return argc;
}

static int start_port(tk_dpdk *d) {
    struct rte_eth_conf conf;
    memset(&conf, 0, sizeof conf);
    int rc = rte_eth_dev_configure(d->port, 1, 1, &conf);
    int sock = rte_eth_dev_socket_id(d->port);
    unsigned int sid = sock < 0 ? 0u : (unsigned int)sock;
    if (rc == 0)
        rc = rte_eth_rx_queue_setup(d->port, 0, RING_SIZE, sid, NULL, d->pool);
    if (rc == 0)
        rc = rte_eth_tx_queue_setup(d->port, 0, RING_SIZE, sid, NULL);
    if (rc == 0)
        rc = rte_eth_dev_start(d->port);
    if (rc == 0)
        rc = rte_eth_promiscuous_enable(d->port);
    struct rte_ether_addr mac;
    if (rc == 0 && (rc = rte_eth_macaddr_get(d->port, &mac)) == 0)
        memcpy(d->mac, mac.addr_bytes, 6);
    return rc < 0 ? rc : 0;
}

int tk_dpdk_open(tk_dpdk *d, const char *eal_args) {
    memset(d, 0, sizeof *d);
    static char copy[1024];
    if (eal_args == NULL || strlen(eal_args) >= sizeof copy)
        return -EINVAL;
    strcpy(copy, eal_args);
    char *argv[MAX_ARGS];
    int argc = split_args(copy, argv);
    if (rte_eal_init(argc, argv) < 0)
        return rte_errno ? -rte_errno : -EINVAL;
    if (rte_eth_dev_count_avail() == 0)
        return -ENODEV;
    d->pool = rte_pktmbuf_pool_create("tk_pool", POOL_SIZE, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                      (int)rte_socket_id());
    if (d->pool == NULL)
        return -ENOMEM;
    d->port = rte_eth_find_next(0);
    if (d->port >= RTE_MAX_ETHPORTS)
        return -ENODEV;
    return start_port(d);
}

long tk_dpdk_read(tk_dpdk *d, uint8_t *buf, size_t cap) {
    if (d->rx_at == d->rx_n) {
        d->rx_at = 0;
        d->rx_n = rte_eth_rx_burst(d->port, 0, d->rx, TK_DPDK_BURST);
        if (d->rx_n == 0)
            return -EAGAIN;
    }
    struct rte_mbuf *m = d->rx[d->rx_at++];
    size_t len = rte_pktmbuf_pkt_len(m);
    long rc = -EMSGSIZE;
    /* rte_pktmbuf_read copies only a chained mbuf; a flat one it points at. */
    const void *p = len <= cap ? rte_pktmbuf_read(m, 0, (uint32_t)len, buf) : NULL;
    if (p != NULL) {
        if (p != buf)
            memcpy(buf, p, len);
        rc = (long)len;
    }
    rte_pktmbuf_free(m);
    d->rx_frames++;
    return rc;
}

int tk_dpdk_write(tk_dpdk *d, const uint8_t *frame, size_t len) {
    if (d->tx_n == TK_DPDK_BURST)
        tk_dpdk_flush(d);
    if (d->tx_n == TK_DPDK_BURST)
        return -EBUSY;
    struct rte_mbuf *m = rte_pktmbuf_alloc(d->pool);
    if (m == NULL)
        return -EBUSY;
    if (len > rte_pktmbuf_tailroom(m)) {
        rte_pktmbuf_free(m);
        return -EMSGSIZE;
    }
    char *p = rte_pktmbuf_append(m, (uint16_t)len);
    memcpy(p, frame, len);
    d->tx[d->tx_n++] = m;
    return 0;
}

void tk_dpdk_flush(tk_dpdk *d) {
    if (d->tx_n == 0)
        return;
    uint16_t sent = rte_eth_tx_burst(d->port, 0, d->tx, d->tx_n);
    d->tx_frames += sent;
    /* What the port did not take is dropped: TCP retransmits it. */
    for (uint16_t i = sent; i < d->tx_n; i++)
        rte_pktmbuf_free(d->tx[i]);
    d->tx_drops += (uint64_t)(d->tx_n - sent);
    d->tx_n = 0;
}

void tk_dpdk_close(tk_dpdk *d) {
    tk_dpdk_flush(d);
    for (uint16_t i = d->rx_at; i < d->rx_n; i++)
        rte_pktmbuf_free(d->rx[i]);
    d->rx_n = d->rx_at = 0;
    if (d->pool != NULL) {
        (void)rte_eth_dev_stop(d->port);
        (void)rte_eth_dev_close(d->port);
    }
    (void)rte_eal_cleanup();
}
