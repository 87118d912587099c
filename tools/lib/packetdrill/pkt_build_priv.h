/* What the builders of inbound frames share (pkt_build.c, pkt_ip.c,
 * pkt_icmp.c): the IP layer of either version around a payload. */
#ifndef TK_TOOLS_PKT_BUILD_PRIV_H
#define TK_TOOLS_PKT_BUILD_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "pkt_frame.h"

#define TK_PKT_DEFAULT_TTL 64 /* TTL / hop limit when the script gives none */

/* Bytes of the IP header (20 for IPv4, 40 for IPv6): the payload of an
 * inbound frame starts at TK_ETH_HLEN + this. */
size_t tk_pkt_ip_hlen(const tk_pkt_conn *c);

/* The pseudo-header sum of an inbound transport segment of len bytes
 * (script peer -> stack), for either IP version. */
uint32_t tk_pkt_pseudo_in(const tk_pkt_conn *c, uint8_t proto, size_t len);

/* Ethernet and an IPv4 or IPv6 header around plen payload bytes already at
 * buf + TK_ETH_HLEN + tk_pkt_ip_hlen(c): the script's ttl (hop limit), tos
 * (traffic class) and ECN mark, its flow label or 0. Returns the frame length or
 * -ENOSPC. */
int tk_pkt_wrap_ip(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t proto, size_t plen,
                   uint8_t *buf, size_t cap);

/* Puts a UDP header (ports sport > dport, checksum over the pseudo-header
 * of the connection's IP version) in the 8 bytes before the len-byte
 * datagram payload at data. Returns the datagram length or -ENOSPC. */
int tk_pkt_udp_wrap(const tk_pkt_conn *c, uint16_t sport, uint16_t dport, uint8_t *data,
                    size_t len);

/* An ICMP (IPv4) or ICMPv6 (IPv6) error quoting the stack's own segment
 * start:end(len) (pkt_icmp.c). Returns the frame length, or -ENOTSUP
 * (unknown type or code, reason in msg) or -ENOSPC. */
int tk_pkt_build_icmp(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t *buf, size_t cap,
                      char *msg, size_t msgcap);

#endif
