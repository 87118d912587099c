/* tcpdump-style printer: output buffer, Ethernet dispatch, hex dump, time.
 * The layers live in print_arp.c, print_ip.c, print_tcp.c and print_http.c. */
#include "print.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "print_int.h"
#include "tcpkit/wire/eth.h"

void tk_pr_puts(tk_pbuf *b, const char *s) {
    size_t n = strlen(s);
    if (b->len < b->cap) {
        size_t room = b->cap - b->len - 1;
        size_t k = n < room ? n : room;
        memcpy(b->out + b->len, s, k);
        b->out[b->len + k] = '\0';
    }
    b->len += n;
}

void tk_pr_printf(tk_pbuf *b, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        tk_pr_puts(b, tmp);
}

void tk_pr_ipv4(tk_pbuf *b, uint32_t addr) {
    tk_pr_printf(b, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xffu, (addr >> 8) & 0xffu,
                 addr & 0xffu);
}

void tk_pr_mac(tk_pbuf *b, const uint8_t *mac, size_t n) {
    for (size_t i = 0; i < n; i++)
        tk_pr_printf(b, i ? ":%02x" : "%02x", mac[i]);
}

void tk_pr_trunc(tk_pbuf *b, const char *proto) {
    tk_pr_printf(b, " [|%s]", proto);
}

/* tcpdump's ASCII column shows only graphic characters (not even space). */
static char dump_char(uint8_t c) {
    return c > 0x20 && c < 0x7f ? (char)c : '.';
}

static void hexdump_line(tk_pbuf *b, size_t offset, const uint8_t *d, size_t n) {
    char hex[48] = "";
    char asc[17] = "";
    size_t h = 0;
    for (size_t i = 0; i < n; i += 2) {
        if (i + 1 < n)
            h += (size_t)snprintf(hex + h, sizeof hex - h, " %02x%02x", d[i], d[i + 1]);
        else
            h += (size_t)snprintf(hex + h, sizeof hex - h, " %02x", d[i]);
    }
    for (size_t i = 0; i < n; i++)
        asc[i] = dump_char(d[i]);
    asc[n] = '\0';
    tk_pr_printf(b, "\n\t0x%04zx: %-40s  %s", offset, hex, asc);
}

void tk_pr_hexdump(tk_pbuf *b, const uint8_t *data, size_t n) {
    for (size_t off = 0; off < n; off += 16)
        hexdump_line(b, off, data + off, n - off < 16 ? n - off : 16);
}

static void print_ether(tk_printer *p, tk_pbuf *b, const uint8_t *f, size_t len) {
    if (len < TK_ETH_HLEN) {
        tk_pr_trunc(b, "ether");
        return;
    }
    uint16_t type = tk_pr_be16(f + 12);
    const uint8_t *pl = f + TK_ETH_HLEN;
    size_t plen = len - TK_ETH_HLEN;
    switch (type) {
    case TK_ETHERTYPE_IPV4:
        tk_pr_ipv4_dgram(p, b, pl, plen, plen);
        return;
    case TK_ETHERTYPE_IPV6:
        tk_pr_ipv6_dgram(p, b, pl, plen, plen);
        return;
    case TK_ETHERTYPE_ARP:
    case 0x8035: /* reverse ARP shares the layout */
        tk_pr_arp(b, pl, plen, plen);
        return;
    default:
        break;
    }
    tk_pr_mac(b, f + 6, TK_ETH_ALEN);
    tk_pr_puts(b, " > ");
    tk_pr_mac(b, f, TK_ETH_ALEN);
    tk_pr_printf(b, ", ethertype Unknown (0x%04x), length %zu: ", type, len);
    tk_pr_hexdump(b, pl, plen);
}

void tk_printer_reset(tk_printer *p) {
    if (p)
        memset(p->conns, 0, sizeof p->conns);
}

void tk_printer_init(tk_printer *p, bool absolute_seq) {
    if (!p)
        return;
    memset(p, 0, sizeof *p);
    p->absolute_seq = absolute_seq;
}

int tk_print_frame(tk_printer *p, const uint8_t *frame, size_t len, char *out, size_t cap) {
    if (!p || (!frame && len > 0) || (!out && cap > 0))
        return -EINVAL;
    tk_pbuf b = {out, cap, 0};
    if (cap > 0)
        out[0] = '\0';
    if (len == 0) /* what tcpdump says of an empty capture record */
        tk_pr_puts(&b, "[Invalid header: caplen==0, len==0]");
    else
        print_ether(p, &b, frame, len);
    if (b.len >= cap)
        return -ENOSPC;
    return b.len > (size_t)INT32_MAX ? -ENOSPC : (int)b.len;
}

int tk_print_time(tk_time t_us, char *out, size_t cap) {
    if (!out)
        return -EINVAL;
    if (cap < TK_PRINT_TIME_LEN) {
        if (cap > 0)
            out[0] = '\0';
        return -ENOSPC;
    }
    uint64_t secs = t_us / 1000000u;
    unsigned us = (unsigned)(t_us % 1000000u);
    unsigned h = (unsigned)(secs / 3600u % 24u);
    unsigned m = (unsigned)(secs / 60u % 60u);
    unsigned s = (unsigned)(secs % 60u);
    snprintf(out, cap, "%02u:%02u:%02u.%06u", h, m, s, us);
    return TK_PRINT_TIME_LEN - 1;
}
