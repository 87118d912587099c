/* AF_XDP driver over libxdp's xsk API (see xdp.h). The UMEM's first half
 * feeds the fill ring (receive), the second half is a stack of free send
 * frames refilled from the completion ring. */
#define _DEFAULT_SOURCE
#include "xdp.h"

#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <xdp/xsk.h>

#define RX_FRAMES (TK_XDP_FRAMES / 2u)
#define TX_FRAMES (TK_XDP_FRAMES / 2u)

struct tk_xdp_impl {
    void *area;
    struct xsk_umem *umem;
    struct xsk_socket *xsk;
    struct xsk_ring_prod fq, tx;
    struct xsk_ring_cons cq, rx;
    uint64_t tx_free[TX_FRAMES];
    uint32_t tx_nfree;
    uint32_t tx_pending; /* nonzero while frames wait on the send ring */
    uint32_t rx_idx;     /* descriptor handed out by tk_xdp_rx_next */
    uint64_t rx_addr;
    bool rx_held;
};

static int set_up(const char *name) {
    int sk = socket(AF_INET, SOCK_DGRAM, 0);
    if (sk < 0)
        return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    int rc = ioctl(sk, SIOCGIFFLAGS, &ifr);
    if (rc == 0 && !(ifr.ifr_flags & IFF_UP)) {
        ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
        rc = ioctl(sk, SIOCSIFFLAGS, &ifr);
    }
    int err = rc < 0 ? -errno : 0;
    close(sk);
    return err;
}

/* Gives every receive frame to the kernel. */
static void fill_all(struct tk_xdp_impl *m) {
    uint32_t idx;
    uint32_t n = xsk_ring_prod__reserve(&m->fq, RX_FRAMES, &idx);
    for (uint32_t i = 0; i < n; i++)
        *xsk_ring_prod__fill_addr(&m->fq, idx + i) = (uint64_t)i * TK_XDP_FRAME_SIZE;
    xsk_ring_prod__submit(&m->fq, n);
    for (uint32_t i = 0; i < TX_FRAMES; i++)
        m->tx_free[i] = (uint64_t)(RX_FRAMES + i) * TK_XDP_FRAME_SIZE;
    m->tx_nfree = TX_FRAMES;
}

static int create(struct tk_xdp_impl *m, const char *ifname, uint32_t queue, bool native) {
    size_t size = (size_t)TK_XDP_FRAMES * TK_XDP_FRAME_SIZE;
    m->area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m->area == MAP_FAILED) {
        m->area = NULL;
        return -ENOMEM;
    }
    struct xsk_umem_config uc = {.fill_size = RX_FRAMES,
                                 .comp_size = TX_FRAMES,
                                 .frame_size = TK_XDP_FRAME_SIZE,
                                 .frame_headroom = 0,
                                 .flags = 0};
    int rc = xsk_umem__create(&m->umem, m->area, size, &m->fq, &m->cq, &uc);
    if (rc < 0)
        return rc;
    struct xsk_socket_config sc = {.rx_size = TK_XDP_RING,
                                   .tx_size = TK_XDP_RING,
                                   .xdp_flags = native ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE,
                                   .bind_flags = XDP_COPY};
    rc = xsk_socket__create(&m->xsk, ifname, queue, m->umem, &m->rx, &m->tx, &sc);
    if (rc < 0)
        return rc;
    fill_all(m);
    return 0;
}

int tk_xdp_open(tk_xdp *x, const char *ifname, uint32_t queue, bool native) {
    memset(x, 0, sizeof *x);
    x->fd = -1;
    if (ifname == NULL || strlen(ifname) == 0 || strlen(ifname) >= IFNAMSIZ)
        return -EINVAL;
    int rc = set_up(ifname);
    if (rc < 0)
        return rc;
    struct tk_xdp_impl *m = calloc(1, sizeof *m);
    if (m == NULL)
        return -ENOMEM;
    x->impl = m;
    if ((rc = create(m, ifname, queue, native)) < 0) {
        tk_xdp_close(x);
        return rc;
    }
    x->fd = xsk_socket__fd(m->xsk);
    return 0;
}

const uint8_t *tk_xdp_rx_next(tk_xdp *x, size_t *len) {
    struct tk_xdp_impl *m = x->impl;
    if (m->rx_held || xsk_ring_cons__peek(&m->rx, 1, &m->rx_idx) != 1)
        return NULL;
    const struct xdp_desc *d = xsk_ring_cons__rx_desc(&m->rx, m->rx_idx);
    m->rx_addr = d->addr;
    m->rx_held = true;
    *len = d->len;
    x->rx_frames++;
    return xsk_umem__get_data(m->area, d->addr);
}

void tk_xdp_rx_done(tk_xdp *x) {
    struct tk_xdp_impl *m = x->impl;
    if (!m->rx_held)
        return;
    xsk_ring_cons__release(&m->rx, 1);
    m->rx_held = false;
    uint32_t idx;
    /* The frame goes straight back to the fill ring, which has room for
     * every receive frame, so this reserve cannot fail. */
    if (xsk_ring_prod__reserve(&m->fq, 1, &idx) == 1) {
        *xsk_ring_prod__fill_addr(&m->fq, idx) = xsk_umem__extract_addr(m->rx_addr);
        xsk_ring_prod__submit(&m->fq, 1);
    }
}

long tk_xdp_read(tk_xdp *x, uint8_t *buf, size_t cap) {
    size_t len;
    const uint8_t *f = tk_xdp_rx_next(x, &len);
    if (f == NULL)
        return -EAGAIN;
    long rc = len <= cap ? (long)len : -EMSGSIZE;
    if (rc > 0)
        memcpy(buf, f, len);
    tk_xdp_rx_done(x);
    return rc;
}

/* Takes back the send frames the kernel has finished with. */
static void reclaim(struct tk_xdp_impl *m) {
    uint32_t idx;
    uint32_t n = xsk_ring_cons__peek(&m->cq, TX_FRAMES, &idx);
    for (uint32_t i = 0; i < n; i++)
        m->tx_free[m->tx_nfree++] = *xsk_ring_cons__comp_addr(&m->cq, idx + i);
    xsk_ring_cons__release(&m->cq, n);
}

int tk_xdp_write(tk_xdp *x, const uint8_t *frame, size_t len) {
    struct tk_xdp_impl *m = x->impl;
    if (len > TK_XDP_FRAME_SIZE) {
        x->tx_errors++;
        return -EMSGSIZE;
    }
    if (m->tx_nfree == 0)
        reclaim(m);
    uint32_t idx;
    if (m->tx_nfree == 0 || xsk_ring_prod__reserve(&m->tx, 1, &idx) != 1) {
        tk_xdp_flush(x); /* let the kernel drain the ring for the retry */
        x->tx_full++;
        return -EBUSY;
    }
    uint64_t addr = m->tx_free[--m->tx_nfree];
    memcpy(xsk_umem__get_data(m->area, addr), frame, len);
    struct xdp_desc *d = xsk_ring_prod__tx_desc(&m->tx, idx);
    d->addr = addr;
    d->len = (uint32_t)len;
    xsk_ring_prod__submit(&m->tx, 1);
    m->tx_pending++;
    x->tx_frames++;
    return 0;
}

/* True when the kernel has taken every descriptor off the send ring. */
static bool tx_ring_empty(struct tk_xdp_impl *m) {
    return xsk_prod_nb_free(&m->tx, TK_XDP_RING) == TK_XDP_RING;
}

void tk_xdp_flush(tk_xdp *x) {
    struct tk_xdp_impl *m = x->impl;
    /* Copy mode sends only on a kick, and at most a small batch per kick
     * (32 frames in Linux's xsk_generic_xmit, then EAGAIN): kick until the
     * ring is empty, or frames would wait for the next burst's flush while
     * the peer waits for them (ACKs held back until its loss probe). */
    for (uint32_t kick = 0; kick < TK_XDP_MAX_KICKS && m->tx_pending > 0; kick++) {
        int rc = (int)sendto(xsk_socket__fd(m->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
        int err = rc < 0 ? errno : 0;
        reclaim(m);
        if (tx_ring_empty(m))
            m->tx_pending = 0;
        else if (err != 0 && err != EAGAIN && err != EBUSY && err != ENOBUFS)
            break; /* the device refuses: leave the rest for the next flush */
    }
    reclaim(m);
}

void tk_xdp_close(tk_xdp *x) {
    struct tk_xdp_impl *m = x->impl;
    if (m != NULL) {
        if (m->xsk)
            xsk_socket__delete(m->xsk);
        if (m->umem)
            (void)xsk_umem__delete(m->umem);
        if (m->area)
            munmap(m->area, (size_t)TK_XDP_FRAMES * TK_XDP_FRAME_SIZE);
        free(m);
    }
    x->impl = NULL;
    x->fd = -1;
}
