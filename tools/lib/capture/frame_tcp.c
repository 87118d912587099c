/* The shared decoder of a frame carrying TCP (frame_tcp.h). */
#include "frame_tcp.h"

#include <errno.h>
#include <string.h>

#include "tcpkit/wire/eth.h"
#include "tcpkit/wire/udp.h"

/* Steps over the UDP header of a tunnelled segment; the checksum must be
 * present and verify. */
static int skip_udp(tk_frame_tcp *out, bool verify) {
    tk_udp_hdr udp;
    if (tk_wire_udp_parse(out->seg, out->seglen, out->ip.src, out->ip.dst, verify, &udp) !=
            TK_UDP_HLEN ||
        udp.csum == 0)
        return -EINVAL;
    out->udp = true;
    out->udp_sport = udp.sport;
    out->udp_dport = udp.dport;
    out->seg += TK_UDP_HLEN;
    out->seglen = (size_t)udp.len - TK_UDP_HLEN;
    return 0;
}

int tk_frame_tcp_decode(const uint8_t *frame, size_t len, unsigned flags, tk_frame_tcp *out) {
    bool verify = !(flags & TK_FRAME_TCP_NO_CSUM);
    bool udp_ok = (flags & TK_FRAME_TCP_IN_UDP) != 0;
    tk_eth_hdr eth;
    memset(out, 0, sizeof *out);
    if (tk_wire_eth_parse(frame, len, &eth) < 0 || eth.type != TK_ETHERTYPE_IPV4)
        return -ENOENT;
    const uint8_t *ip = frame + TK_ETH_HLEN;
    int ihl = tk_wire_ipv4_parse(ip, len - TK_ETH_HLEN, verify, &out->ip);
    if (ihl < 0)
        return -EINVAL;
    bool udp = out->ip.proto == TK_IPPROTO_UDP;
    if (out->ip.proto != TK_IPPROTO_TCP && !(udp && udp_ok))
        return -ENOENT;
    out->seg = ip + ihl;
    out->seglen = (size_t)out->ip.total_len - (size_t)ihl;
    if (udp && skip_udp(out, verify) < 0)
        return -EINVAL;
    int thl = tk_wire_tcp_parse(out->seg, out->seglen, out->ip.src, out->ip.dst, verify, &out->tcp);
    if (thl < 0)
        return -EINVAL;
    out->tcp_hlen = (size_t)thl;
    out->payload = out->seg + thl;
    out->payload_len = (uint32_t)(out->seglen - (size_t)thl);
    return 0;
}
