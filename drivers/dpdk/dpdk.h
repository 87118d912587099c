/* DPDK driver (SPEC NET-7): Ethernet frames to and from one port of a DPDK
 * poll-mode driver (rte_eth_rx_burst / rte_eth_tx_burst), for real NICs
 * bound to DPDK and for DPDK's virtual devices (net_af_packet, net_tap),
 * which tests use with --no-huge so no special hardware or hugepages are
 * needed. DPDK devices have no file descriptor to wait on: the event loop
 * polls them (tk_dpdk_read answers -EAGAIN when nothing came).
 *
 * Frames are read in bursts of TK_DPDK_BURST and written in bursts: writes
 * collect mbufs until tk_dpdk_flush (one rte_eth_tx_burst per stack call)
 * or a full burst. */
#ifndef TK_DRIVERS_DPDK_H
#define TK_DRIVERS_DPDK_H

#include <stddef.h>
#include <stdint.h>

#define TK_DPDK_BURST 32u

struct rte_mempool;
struct rte_mbuf;

typedef struct tk_dpdk {
    uint16_t port;
    struct rte_mempool *pool;
    struct rte_mbuf *rx[TK_DPDK_BURST];
    uint16_t rx_n, rx_at;
    struct rte_mbuf *tx[TK_DPDK_BURST];
    uint16_t tx_n;
    uint8_t mac[6]; /* the port's address */
    uint64_t rx_frames, tx_frames, tx_drops;
} tk_dpdk;

/* Initialises DPDK's environment from `eal_args` (space-separated, as on
 * a DPDK command line, e.g. "--no-huge -m 256 --no-pci
 * --vdev=net_af_packet0,iface=veth0"), then configures and starts the
 * first port with one receive and one transmit queue, promiscuous. Returns
 * 0 or a negative errno value (the reason printed by DPDK). Once per
 * process: DPDK cannot be initialised twice. */
int tk_dpdk_open(tk_dpdk *d, const char *eal_args);
/* Copies one received frame out. Returns its length, -EAGAIN when none,
 * -EMSGSIZE when it does not fit cap (dropped). */
long tk_dpdk_read(tk_dpdk *d, uint8_t *buf, size_t cap);
/* Queues one frame (copied into an mbuf). Returns 0, -EBUSY when no mbuf
 * is free or the port refuses the burst (the stack retries), -EMSGSIZE for
 * a frame that does not fit an mbuf. */
int tk_dpdk_write(tk_dpdk *d, const uint8_t *frame, size_t len);
/* Sends the queued frames in one burst. */
void tk_dpdk_flush(tk_dpdk *d);
void tk_dpdk_close(tk_dpdk *d);

#endif
