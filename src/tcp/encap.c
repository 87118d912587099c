/* TCP over UDP, as FreeBSD's net.inet.tcp.udp_tunneling_port: a UDP
 * datagram to cfg.udp_tunnel_port whose payload is a TCP segment (header,
 * options, data; no other framing) is TCP input, remembered with the UDP
 * port it came from; a connection with such a port (tk_tcb.encap_port)
 * sends every segment inside UDP from cfg.udp_tunnel_port to it. The rules
 * that tie a segment to its connection's encapsulation are in input.c and
 * timewait.c; docs/udp-encapsulation.md describes the whole. */
#include <errno.h>

#include "tcp/state.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/ipv4.h"
#include "tcpkit/wire/udp.h"

#define OVERHEAD_MIN TK_UDP_HLEN
#define OVERHEAD_MAX 1024u /* FreeBSD's bounds for udp_tunneling_overhead */

bool tk_udp_tunnel_overhead_ok(const tk_config *cfg) {
    return cfg->udp_tunnel_overhead >= OVERHEAD_MIN && cfg->udp_tunnel_overhead <= OVERHEAD_MAX;
}

/* The MSS we offer and accept: the link's (MTU - 40), less the configured
 * overhead for an encapsulated connection. The reduction is at least the
 * UDP header, so a full segment always fits the link, and never leaves less
 * than 20 bytes of segment (a tiny MTU with a large overhead). */
uint16_t tk_tcp_mss_for(const tk_stack *s, bool v6, uint16_t encap) {
    uint32_t link = (uint32_t)s->cfg.mtu - 40u;
#if TK_WITH_IPV6
    if (v6) { /* NET-4: MTU - 60, with an RA's lower link MTU (RFC 4861 6.3.4) */
        uint32_t mtu = s->net.ip6.link_mtu;
        link = (mtu != 0 && mtu < s->cfg.mtu ? mtu : s->cfg.mtu) - 60u;
    }
#else
    (void)v6;
#endif
    if (!TK_WITH_ENCAP || encap == 0)
        return (uint16_t)link;
    uint32_t cut = s->cfg.udp_tunnel_overhead;
    if (cut > link - 20u)
        cut = link - 20u;
    if (cut < TK_UDP_HLEN)
        cut = TK_UDP_HLEN;
    return (uint16_t)(link - cut);
}

#if TK_WITH_ENCAP
/* A UDP datagram parsed with rc for the tunnel: 0 when it is the tunnel's
 * (counted in encap_segs_in), else why it was dropped (counted). v6: a
 * zero checksum is refused (RFC 8200 8.1). */
static int tunnel_take(tk_stack *s, int rc, const tk_udp_hdr *uh, bool v6, tk_time now) {
    if (rc == TK_WIRE_UDP_CSUM || (v6 && rc >= 0 && uh->csum == 0)) {
        TK_DROP(s, drop_udp_bad_csum, now);
        return rc < 0 ? rc : -EINVAL;
    }
    if (rc < 0) {
        TK_DROP(s, drop_udp_bad_header, now);
        return rc;
    }
    /* No UDP service but the tunnel; a datagram from port 0 could not be
     * answered (and port 0 means plain TCP in a TCB). */
    if (s->cfg.udp_tunnel_port == 0 || uh->dport != s->cfg.udp_tunnel_port || uh->sport == 0) {
        TK_DROP(s, drop_udp_port, now);
        return -ECONNREFUSED;
    }
    s->stats.encap_segs_in++;
    return 0;
}

int tk_udp_input(tk_stack *s, const tk_ipv4_hdr *ih, const uint8_t *p, size_t len, tk_time now) {
    tk_udp_hdr uh;
    int rc =
        tunnel_take(s, tk_wire_udp_parse(p, len, ih->src, ih->dst, true, &uh), &uh, false, now);
    if (rc < 0)
        return rc;
    /* A zero UDP checksum means the sender computed none (RFC 768): the TCP
     * checksum is then the segment's only protection and is checked. A
     * verified UDP checksum covers the segment already, and the TCP one is
     * not checked (FreeBSD's sender leaves it 0). */
    tk_tcp_arrival via = {
        .ecn = ih->tos & TK_IP_ECN_MASK, .encap = uh.sport, .verify_csum = uh.csum == 0};
    return tk_tcp_input_from(s, ih->src, ih->dst, p + TK_UDP_HLEN, uh.len - TK_UDP_HLEN, &via, now);
}

#if TK_WITH_IPV6
int tk_udp_input6(tk_stack *s, const tk_ipv6_hdr *ih, const uint8_t *p, size_t len, tk_time now) {
    uint32_t ps, pd;
    tk_addr6_pseudo(ih->src, ih->dst, &ps, &pd);
    tk_udp_hdr uh;
    int rc = tunnel_take(s, tk_wire_udp_parse(p, len, ps, pd, true, &uh), &uh, true, now);
    if (rc < 0)
        return rc;
    tk_tcp_arrival via = {
        .ecn = ih->tclass & TK_IP_ECN_MASK, .encap = uh.sport, .verify_csum = false};
    return tk_tcp_input6(s, ih->src, ih->dst, p + TK_UDP_HLEN, uh.len - TK_UDP_HLEN, &via, now);
}

/* The len-byte segment at tk_tcp_seg_area(s, true, encap, ...) inside UDP
 * from the tunnel port to encap: the payload length to hand IPv6, or a
 * negative errno (the tunnel off, counted). */
int tk_udp_wrap6(tk_stack *s, const uint8_t l6[16], const uint8_t r6[16], uint16_t encap,
                 size_t len) {
    if (s->cfg.udp_tunnel_port == 0) {
        s->stats.encap_out_no_tunnel++;
        return -EHOSTUNREACH;
    }
    size_t cap;
    uint8_t *p = tk_net_payload6(&s->net, &cap);
    uint32_t ps, pd;
    tk_addr6_pseudo(l6, r6, &ps, &pd);
    tk_udp_hdr uh = {.sport = s->cfg.udp_tunnel_port, .dport = encap, .len = 0, .csum = 0};
    uint32_t seg_sum = tk_csum_finish(tk_csum_pseudo(ps, pd, TK_IPPROTO_TCP, (uint16_t)len));
    int n = tk_wire_udp_emit(&uh, len, seg_sum, ps, pd, p, cap);
    if (n < 0)
        return -EMSGSIZE;
    s->stats.encap_segs_out++;
    return n;
}
#endif
#endif

uint8_t *tk_tcp_seg_area(tk_stack *s, bool v6, uint16_t encap, size_t *cap) {
    uint8_t *p;
#if TK_WITH_IPV6
    p = v6 ? tk_net_payload6(&s->net, cap) : tk_net_payload(&s->net, cap);
#else
    (void)v6;
    p = tk_net_payload(&s->net, cap);
#endif
    if (!TK_WITH_ENCAP || encap == 0)
        return p;
    *cap -= TK_UDP_HLEN;
    return p + TK_UDP_HLEN;
}

int tk_tcp_ip_output(tk_stack *s, uint32_t laddr, uint32_t raddr, uint16_t encap,
                     const tk_net_hdr_opts *o, size_t len, tk_time now) {
#if !TK_WITH_ENCAP
    (void)encap;
    return tk_net_output_opts(&s->net, laddr, raddr, TK_IPPROTO_TCP, o, len, now);
#else
    if (encap == 0)
        return tk_net_output_opts(&s->net, laddr, raddr, TK_IPPROTO_TCP, o, len, now);
    if (s->cfg.udp_tunnel_port == 0) {
        /* The tunnel was switched off under the connection (as FreeBSD, the
         * segment is not sent; the connection's timers go on). */
        s->stats.encap_out_no_tunnel++;
        return -EHOSTUNREACH;
    }
    size_t cap;
    uint8_t *p = tk_net_payload(&s->net, &cap);
    tk_udp_hdr uh = {.sport = s->cfg.udp_tunnel_port, .dport = encap, .len = 0, .csum = 0};
    /* Both checksums are valid. The segment's own checksum makes its bytes
     * sum to the complement of its pseudo-header sum (RFC 1071), which is
     * all the UDP checksum needs to know of it: no second pass over the data. */
    uint32_t seg_sum = tk_csum_finish(tk_csum_pseudo(laddr, raddr, TK_IPPROTO_TCP, (uint16_t)len));
    int n = tk_wire_udp_emit(&uh, len, seg_sum, laddr, raddr, p, cap);
    if (n < 0)
        return -EMSGSIZE;
    s->stats.encap_segs_out++;
    return tk_net_output_opts(&s->net, laddr, raddr, TK_IPPROTO_UDP, o, (size_t)n, now);
#endif
}
