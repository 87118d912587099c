/* Script packets <-> Ethernet/IPv4/TCP and Ethernet/IPv6/TCP frames for the
 * script runner (IPv6 when the connection's ip_version is TK_PKT_IPV6).
 *
 * Sequence numbers in scripts are relative to each side's initial sequence
 * number, as packetdrill defines them: an inbound packet's seq counts from
 * the script peer's ISN and its ack from the stack's ISN; an outbound packet
 * the other way round. The stack's ISN is learned from the first SYN it
 * sends. TS values the stack sends are relative to the first one it sent. */
#ifndef TK_TOOLS_PKT_FRAME_H
#define TK_TOOLS_PKT_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt_ast.h"

/* The connection the script talks about and what has been learned of it. */
/* TCP Fast Open option kinds (RFC 7413 4.1.1) as packetdrill writes them:
 * FO is kind 34, FOEXP the shared experimental kind 254 with magic 0xf989. */
#define TK_PKT_TCPOPT_FO  34
#define TK_PKT_TCPOPT_EXP 254
#define TK_PKT_FO_MAGIC   0xf989

typedef struct tk_pkt_conn {
    /* TK_PKT_IPV6: packets are IPv6 between laddr6 and raddr6; anything
     * else (0 included): IPv4 between laddr and raddr. */
    int ip_version;
    uint32_t laddr, raddr;          /* stack under test, script peer (host order) */
    uint8_t laddr6[16], raddr6[16]; /* the same for IPv6 (network order) */
    uint16_t lport, rport;
    uint8_t lmac[6], rmac[6];
    uint32_t remote_isn; /* the script peer's ISN (chosen by the runner) */
    uint32_t local_isn;  /* the stack's ISN, 0 until learned */
    bool local_isn_known;
    bool ts_known;
    uint32_t ts_offset;  /* stack TS value = script TS value + ts_offset */
    const char *md5_key; /* --tcp_md5_secret, or NULL: md5 options cannot be used */
} tk_pkt_conn;

/* True when the connection's packets are IPv6. */
static inline bool tk_pkt_conn_v6(const tk_pkt_conn *c) {
    return c->ip_version == TK_PKT_IPV6;
}

/* Builds the frame for an inbound (`<`) TCP or ICMP packet (ICMPv6 for an
 * IPv6 connection, RFC 4443, quoting an IPv6 header); a TCP packet
 * with /udp(sport > dport) goes inside a UDP datagram between those ports
 * (both checksums filled in, as packetdrill does). Returns its length, or
 * -EINVAL / -ENOTSUP (with a reason in msg) or -ENOSPC. An `md5 valid`
 * option is signed with c->md5_key once the segment is complete (RFC 2385);
 * `md5 invalid` gets that signature with its first byte flipped. */
int tk_pkt_build(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t *buf, size_t cap, char *msg,
                 size_t msgcap);

/* An outbound frame, decoded. */
typedef struct tk_pkt_seen {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t win;
    uint32_t len;     /* payload bytes */
    uint16_t urg;     /* urgent pointer */
    uint8_t tos, ttl; /* IPv6: the traffic class and the hop limit */
    uint8_t opts[40];
    size_t optlen;
    bool v6;           /* an IPv6 frame */
    uint32_t src, dst; /* IPv4 addresses */
    uint8_t src6[16], dst6[16];
    uint32_t flow;      /* IPv6 flow label */
    const uint8_t *seg; /* the whole segment, inside the decoded frame */
    size_t seglen;
    bool udp; /* the segment came inside UDP, from udp_sport to udp_dport */
    uint16_t udp_sport, udp_dport;
} tk_pkt_seen;

/* Returns 0 for an IPv4/TCP or IPv6/TCP frame or a TCP segment inside UDP
 * (both checksums must verify), -ENOENT for anything else (ARP, ICMP,
 * ICMPv6), -EINVAL when it is malformed. */
int tk_pkt_decode(const uint8_t *frame, size_t len, tk_pkt_seen *out);

typedef struct tk_pkt_match_cfg {
    bool relax_options; /* ignore outbound options */
    bool relax_win;     /* ignore outbound window */
    uint32_t ts_slack;  /* allowed difference of TS values (clock ticks) */
} tk_pkt_match_cfg;

/* Compares an expected outbound packet with what the stack sent: first the
 * IP version (an IPv6 connection wants IPv6 frames, any other IPv4), then
 * the TCP fields; an IPv6 flow label is not compared. Returns 0
 * when it matches (learning the ISN from a SYN and the TS offset from the
 * first TS option), or 1 with "expected X, got Y" in msg. An expected
 * `md5 valid` (`invalid`) option requires the option at that place and a
 * signature that verifies (does not verify) with c->md5_key. The
 * encapsulation (plain, or UDP with both ports) is always checked exactly. */
int tk_pkt_match(tk_pkt_conn *c, const tk_pkt_packet *exp, const tk_pkt_seen *got,
                 const tk_pkt_match_cfg *cfg, char *msg, size_t msgcap);

/* Renders a seen packet in script notation relative to the known ISNs:
 * "S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>", with "/udp(a > b)"
 * after it when it came inside UDP; a signature shows as "md5 valid" or
 * "md5 invalid" (just "md5" without c->md5_key). */
void tk_pkt_render(const tk_pkt_conn *c, const tk_pkt_seen *got, char *buf, size_t cap);

/* Writes the option list of a script packet as bytes, in script order,
 * padded with EOL to a multiple of 4. TS values pass through `ts_map`
 * (inbound ecr / outbound val get ts_offset added when known); an md5
 * option gets a zero digest (signing comes later). Returns the length or
 * -EINVAL (more than 40 bytes). */
int tk_pkt_opts_bytes(const tk_pkt_conn *c, const tk_pkt_packet *p, uint8_t out[40]);

#endif
