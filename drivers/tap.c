/* Linux TAP driver. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tap.h"
#include "tcpkit/wire/checksum.h"

static int set_up(const char *name) {
    int sk = socket(AF_INET, SOCK_DGRAM, 0);
    if (sk < 0)
        return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    int rc = ioctl(sk, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags = (short)(ifr.ifr_flags | IFF_UP);
        rc = ioctl(sk, SIOCSIFFLAGS, &ifr);
    }
    int err = rc < 0 ? -errno : 0;
    close(sk);
    return err;
}

static int open_flags(tk_tap *t, const char *name, short flags) {
    memset(t, 0, sizeof(*t));
    t->fd = -1;
    if (name == NULL || strlen(name) == 0 || strlen(name) >= TK_TAP_NAME_MAX)
        return -EINVAL;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = flags;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    t->fd = fd;
    memcpy(t->name, ifr.ifr_name, TK_TAP_NAME_MAX - 1);
    return 0;
}

static short queue_flag(bool multi_queue) {
    return multi_queue ? (short)IFF_MULTI_QUEUE : 0;
}

int tk_tap_open(tk_tap *t, const char *name) {
    return tk_tap_open_queue(t, name, false, false);
}

int tk_tap_open_offload(tk_tap *t, const char *name) {
    return tk_tap_open_queue(t, name, true, false);
}

int tk_tap_open_queue(tk_tap *t, const char *name, bool offload, bool multi_queue) {
    if (!offload) {
        int rc = open_flags(t, name, (short)(IFF_TAP | IFF_NO_PI | queue_flag(multi_queue)));
        if (rc == 0 && (rc = set_up(t->name)) < 0)
            tk_tap_close(t);
        return rc;
    }
    int rc =
        open_flags(t, name, (short)(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | queue_flag(multi_queue)));
    if (rc < 0)
        return rc;
    int hdr = (int)sizeof(struct virtio_net_hdr);
    unsigned long feats = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    if (ioctl(t->fd, TUNSETVNETHDRSZ, &hdr) < 0 || ioctl(t->fd, TUNSETOFFLOAD, feats) < 0) {
        rc = -errno;
        tk_tap_close(t);
        return rc;
    }
    t->offload = true;
    if ((rc = set_up(t->name)) < 0)
        tk_tap_close(t);
    return rc;
}

/* VIRTIO_NET_HDR_F_NEEDS_CSUM: the field at csum_start + csum_offset holds
 * the pseudo-header sum; the sum from csum_start to the end completes it. */
static int finish_csum(const struct virtio_net_hdr *h, uint8_t *buf, size_t len) {
    size_t start = h->csum_start, at = start + h->csum_offset;
    if (start >= len || at + 2 > len)
        return -EINVAL;
    uint16_t c = tk_csum_finish(tk_csum_add(0, buf + start, len - start));
    buf[at] = (uint8_t)(c >> 8);
    buf[at + 1] = (uint8_t)c;
    return 0;
}

/* One frame after its virtio-net header. Checksums are left as they came:
 * DATA_VALID (the kernel verified it) and NEEDS_CSUM (a frame of the local
 * host that never crossed a wire; the field holds the pseudo-header sum)
 * both become TK_RX_CSUM_VALID, or are completed here when the caller
 * cannot take flags (rx_flags NULL). */
static long read_offload(tk_tap *t, uint8_t *buf, size_t cap, uint32_t *rx_flags) {
    struct virtio_net_hdr h;
    struct iovec iov[2] = {{&h, sizeof(h)}, {buf, cap}};
    ssize_t n = readv(t->fd, iov, 2);
    if (n < 0)
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    if ((size_t)n < sizeof(h))
        return -EIO;
    size_t len = (size_t)n - sizeof(h);
    bool partial = (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0;
    bool valid = (h.flags & VIRTIO_NET_HDR_F_DATA_VALID) != 0;
    if (rx_flags != NULL) {
        *rx_flags = partial || valid ? TK_RX_CSUM_VALID : 0;
    } else if (partial && finish_csum(&h, buf, len) < 0) {
        return -EIO;
    }
    t->rx_frames++;
    return (long)len;
}

long tk_tap_read_rx(tk_tap *t, uint8_t *buf, size_t cap, uint32_t *rx_flags) {
    *rx_flags = 0;
    if (t->offload)
        return read_offload(t, buf, cap, rx_flags);
    ssize_t n = read(t->fd, buf, cap);
    if (n < 0)
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    t->rx_frames++;
    return (long)n;
}

long tk_tap_read(tk_tap *t, uint8_t *buf, size_t cap) {
    if (t->offload)
        return read_offload(t, buf, cap, NULL);
    uint32_t flags;
    return tk_tap_read_rx(t, buf, cap, &flags);
}

/* A super-segment with CWR set needs GSO_ECN (the kernel refuses one
 * without it: CWR must go on the first segment only). */
void tk_tap_vnet_hdr(struct virtio_net_hdr *h, const uint8_t *frame, size_t len,
                     const tk_link_tx *tx) {
    memset(h, 0, sizeof(*h));
    if (tx == NULL || tx->flags == 0)
        return;
    if (tx->flags & TK_TX_CSUM_PARTIAL) {
        h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
        h->csum_start = tx->csum_start;
        h->csum_offset = tx->csum_offset;
    }
    if (tx->flags & (TK_TX_TSO4 | TK_TX_TSO6)) {
        h->gso_type =
            (tx->flags & TK_TX_TSO6) ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
        if ((size_t)tx->csum_start + 13 < len && (frame[tx->csum_start + 13] & 0x80))
            h->gso_type |= VIRTIO_NET_HDR_GSO_ECN;
        h->gso_size = tx->seg_size;
        h->hdr_len = tx->hdr_len;
    }
}

int tk_tap_write_tx(tk_tap *t, const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    ssize_t n;
    if (t->offload) {
        struct virtio_net_hdr h;
        tk_tap_vnet_hdr(&h, frame, len, tx);
        struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)(uintptr_t)frame, len}};
        n = writev(t->fd, iov, 2);
        if (n >= 0)
            n -= (ssize_t)sizeof(h);
    } else if (tx != NULL && tx->flags != 0) {
        t->tx_errors++; /* offloads without IFF_VNET_HDR: nobody would finish them */
        return -EINVAL;
    } else {
        n = write(t->fd, frame, len);
    }
    if (n < 0 || (size_t)n != len) {
        t->tx_errors++;
        return n < 0 ? -errno : -EIO;
    }
    t->tx_frames++;
    return 0;
}

int tk_tap_write(tk_tap *t, const uint8_t *frame, size_t len) {
    return tk_tap_write_tx(t, frame, len, NULL);
}

void tk_tap_close(tk_tap *t) {
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}
