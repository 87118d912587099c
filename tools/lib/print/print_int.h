/* Internal interface between the printer's files (print*.c). Each layer
 * function gets the bytes that were captured (`cap`, bounded by the end of the
 * frame and of the enclosing IPv4 datagram) and the length its header claims
 * (`len`), because tcpdump reports the two differently. */
#ifndef TK_TOOLS_PRINT_INT_H
#define TK_TOOLS_PRINT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "print.h"

/* Output text with snprintf semantics: `len` counts every byte asked for,
 * even those that did not fit. */
typedef struct tk_pbuf {
    char *out;
    size_t cap;
    size_t len;
} tk_pbuf;

void tk_pr_puts(tk_pbuf *b, const char *s);
void tk_pr_printf(tk_pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Dotted quad of a host-order address. */
void tk_pr_ipv4(tk_pbuf *b, uint32_t addr);
/* The source (dst false) or destination address of the IPv4 or IPv6
 * header at ip (its version nibble says which), as tcpdump -nn prints it
 * (RFC 5952 text for IPv6). */
void tk_pr_ip_addr(tk_pbuf *b, const uint8_t *ip, bool dst);
/* "addr.port", or only "port" behind IPv6 extension headers (tcpdump). */
void tk_pr_ip_port(tk_pbuf *b, const uint8_t *ip, bool dst, uint16_t port);
/* A 32-bit key of the address (IPv4: the address; IPv6: a fold of it) and
 * the sign of memcmp(src, dst), for the conversation table. */
uint32_t tk_pr_ip_key(const uint8_t *ip, bool dst);
int tk_pr_ip_cmp(const uint8_t *ip);
/* xx:xx:xx:xx:xx:xx */
void tk_pr_mac(tk_pbuf *b, const uint8_t *mac, size_t n);
/* tcpdump's " [|proto]" mark for a header cut short by the capture. */
void tk_pr_trunc(tk_pbuf *b, const char *proto);
/* tcpdump's default payload dump: "\n\t0x0000:  4500 ...  E..." lines. */
void tk_pr_hexdump(tk_pbuf *b, const uint8_t *data, size_t n);

static inline uint16_t tk_pr_be16(const uint8_t *p) {
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}
static inline uint32_t tk_pr_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Layers below Ethernet; `data` starts at the layer's header. */
void tk_pr_arp(tk_pbuf *b, const uint8_t *data, size_t cap, size_t len);
void tk_pr_ipv4_dgram(tk_printer *p, tk_pbuf *b, const uint8_t *data, size_t cap, size_t len);
void tk_pr_icmp(tk_pbuf *b, const uint8_t *data, size_t cap, uint32_t len);
void tk_pr_ipv6_dgram(tk_printer *p, tk_pbuf *b, const uint8_t *data, size_t cap, size_t len);
void tk_pr_tcp(tk_printer *p, tk_pbuf *b, const uint8_t *ip, const uint8_t *seg, size_t cap,
               uint32_t len);

/* Outcome of the options list: printed to the end, stopped at a malformed
 * option ("[bad opt]"), or stopped where the capture ends (" [|tcp]"). */
enum tk_pr_opt_result { TK_PR_OPT_DONE, TK_PR_OPT_BAD, TK_PR_OPT_TRUNC };
/* Prints ", options [...]" for `hlen` option bytes of which `cap` were
 * captured. SACK edges are shown relative to `sack_base` (0 for absolute).
 * `seg_cut`: the segment's payload was not captured whole. */
enum tk_pr_opt_result tk_pr_tcp_options(tk_pbuf *b, const uint8_t *opt, size_t cap, uint32_t hlen,
                                        uint32_t sack_base, bool seg_cut);
void tk_pr_http(tk_pbuf *b, const uint8_t *data, size_t cap, uint32_t len);

#endif
