/* The shared decoder of a frame carrying TCP (frame_tcp.h). */
#include "frame_tcp.h"

#include <errno.h>
#include <string.h>

#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/udp.h"

/* The transport checksum of seg over the frame's pseudo-header verifies. */
static bool csum_ok(const tk_frame_tcp *f, uint8_t proto, const uint8_t *seg, size_t len) {
    uint32_t sum = f->v6 ? tk_csum_pseudo6(f->ip6.src, f->ip6.dst, proto, (uint32_t)len)
                         : tk_csum_pseudo(f->ip.src, f->ip.dst, proto, (uint16_t)len);
    return tk_csum_finish(tk_csum_add(sum, seg, len)) == 0;
}

/* Steps over the UDP header of a tunnelled segment; the checksum must be
 * present and verify. */
static int skip_udp(tk_frame_tcp *out, bool verify) {
    tk_udp_hdr udp;
    if (tk_wire_udp_parse(out->seg, out->seglen, out->ip.src, out->ip.dst, verify && !out->v6,
                          &udp) != TK_UDP_HLEN ||
        udp.csum == 0 || (verify && out->v6 && !csum_ok(out, TK_IPPROTO_UDP, out->seg, udp.len)))
        return -EINVAL;
    out->udp = true;
    out->udp_sport = udp.sport;
    out->udp_dport = udp.dport;
    out->seg += TK_UDP_HLEN;
    out->seglen = (size_t)udp.len - TK_UDP_HLEN;
    return 0;
}

/* The IPv4 header: out->seg / seglen become its payload; *proto the
 * protocol. Returns 0 or -EINVAL. */
static int ipv4(const uint8_t *ip, size_t len, bool verify, tk_frame_tcp *out, uint8_t *proto) {
    int ihl = tk_wire_ipv4_parse(ip, len, verify, &out->ip);
    if (ihl < 0)
        return -EINVAL;
    *proto = out->ip.proto;
    out->seg = ip + ihl;
    out->seglen = (size_t)out->ip.total_len - (size_t)ihl;
    return 0;
}

/* The IPv6 header and its extension headers (RFC 8200 4). Returns 0,
 * -EINVAL, or -ENOENT for a fragment. */
static int ipv6(const uint8_t *ip, size_t len, tk_frame_tcp *out, uint8_t *proto) {
    tk_ipv6_chain ch;
    if (tk_wire_ipv6_parse(ip, len, &out->ip6) < 0 || tk_wire_ipv6_chain(ip, &out->ip6, &ch) < 0)
        return -EINVAL;
    if (ch.fragment)
        return -ENOENT;
    out->v6 = true;
    *proto = ch.proto;
    out->seg = ip + ch.off;
    out->seglen = TK_IPV6_HLEN + (size_t)out->ip6.payload_len - ch.off;
    return 0;
}

int tk_frame_tcp_decode(const uint8_t *frame, size_t len, unsigned flags, tk_frame_tcp *out) {
    bool verify = !(flags & TK_FRAME_TCP_NO_CSUM);
    bool udp_ok = (flags & TK_FRAME_TCP_IN_UDP) != 0;
    tk_eth_hdr eth;
    memset(out, 0, sizeof *out);
    if (tk_wire_eth_parse(frame, len, &eth) < 0)
        return -ENOENT;
    bool v6 = eth.type == TK_ETHERTYPE_IPV6 && (flags & TK_FRAME_TCP_IPV6);
    if (eth.type != TK_ETHERTYPE_IPV4 && !v6)
        return -ENOENT;
    uint8_t proto = 0;
    const uint8_t *ip = frame + TK_ETH_HLEN;
    int rc = v6 ? ipv6(ip, len - TK_ETH_HLEN, out, &proto)
                : ipv4(ip, len - TK_ETH_HLEN, verify, out, &proto);
    if (rc < 0)
        return rc;
    bool udp = proto == TK_IPPROTO_UDP;
    if (proto != TK_IPPROTO_TCP && !(udp && udp_ok))
        return -ENOENT;
    if (udp && skip_udp(out, verify) < 0)
        return -EINVAL;
    int thl = tk_wire_tcp_parse(out->seg, out->seglen, out->ip.src, out->ip.dst, verify && !v6,
                                &out->tcp);
    if (thl < 0 || (verify && v6 && !csum_ok(out, TK_IPPROTO_TCP, out->seg, out->seglen)))
        return -EINVAL;
    out->tcp_hlen = (size_t)thl;
    out->payload = out->seg + thl;
    out->payload_len = (uint32_t)(out->seglen - (size_t)thl);
    return 0;
}
