/* Linux TAP driver. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tap.h"

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

int tk_tap_open(tk_tap *t, const char *name) {
    memset(t, 0, sizeof(*t));
    t->fd = -1;
    if (name == NULL || strlen(name) == 0 || strlen(name) >= TK_TAP_NAME_MAX)
        return -EINVAL;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    t->fd = fd;
    memcpy(t->name, ifr.ifr_name, TK_TAP_NAME_MAX - 1);
    int rc = set_up(t->name);
    if (rc < 0) {
        tk_tap_close(t);
        return rc;
    }
    return 0;
}

long tk_tap_read(tk_tap *t, uint8_t *buf, size_t cap) {
    ssize_t n = read(t->fd, buf, cap);
    if (n < 0)
        return errno == EWOULDBLOCK ? -EAGAIN : -errno;
    t->rx_frames++;
    return (long)n;
}

int tk_tap_write(tk_tap *t, const uint8_t *frame, size_t len) {
    ssize_t n = write(t->fd, frame, len);
    if (n < 0 || (size_t)n != len) {
        t->tx_errors++;
        return n < 0 ? -errno : -EIO;
    }
    t->tx_frames++;
    return 0;
}

void tk_tap_close(tk_tap *t) {
    if (t->fd >= 0)
        close(t->fd);
    t->fd = -1;
}
