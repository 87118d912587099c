/* tk_strerror: errno values by name (the C library's numbers are looked up,
 * so the table is right for glibc and newlib alike) and the wire codes. */
#include "tcpkit/error.h"

#include <errno.h>
#include <stddef.h>

#include "tcpkit/wire/err.h"

typedef struct err_text {
    int code;
    const char *text;
} err_text;

static const err_text errno_texts[] = {
    {EINVAL, "EINVAL: invalid argument"},
    {EBADF, "EBADF: not a socket of this stack"},
    {ENOBUFS, "ENOBUFS: pool or queue full"},
    {ENOMEM, "ENOMEM: memory block too small"},
    {EAGAIN, "EAGAIN: try again (nothing ready now)"},
    {EINPROGRESS, "EINPROGRESS: connection in progress"},
    {EALREADY, "EALREADY: operation already in progress"},
    {EISCONN, "EISCONN: already connected"},
    {ENOTCONN, "ENOTCONN: not connected"},
    {ECONNREFUSED, "ECONNREFUSED: connection refused"},
    {ECONNRESET, "ECONNRESET: connection reset by peer"},
    {ETIMEDOUT, "ETIMEDOUT: connection timed out"},
    {EPIPE, "EPIPE: sending after shutdown"},
    {EADDRINUSE, "EADDRINUSE: address in use"},
    {EADDRNOTAVAIL, "EADDRNOTAVAIL: address not available"},
    {EHOSTUNREACH, "EHOSTUNREACH: host unreachable"},
    {ENETUNREACH, "ENETUNREACH: network unreachable"},
    {EMSGSIZE, "EMSGSIZE: message too long"},
    {ENOPROTOOPT, "ENOPROTOOPT: protocol not available"},
    {EPROTONOSUPPORT, "EPROTONOSUPPORT: protocol not supported"},
    {EPROTO, "EPROTO: protocol error"},
    {ENOSPC, "ENOSPC: no space left"},
    {ENOENT, "ENOENT: no such entry"},
    {EBUSY, "EBUSY: device busy"},
    {EDEADLK, "EDEADLK: re-entrant call (from inside output)"},
    {ENODEV, "ENODEV: no such device"},
    {EIO, "EIO: input/output error"},
};

static const struct wire_name {
    int code;
    const char *name;
} wire_names[] = {
    {TK_WIRE_ETH_SHORT, "TK_WIRE_ETH_SHORT: ethernet frame short"},
    {TK_WIRE_ARP_SHORT, "TK_WIRE_ARP_SHORT: arp packet short"},
    {TK_WIRE_ARP_FORMAT, "TK_WIRE_ARP_FORMAT: arp format not ethernet/ipv4"},
    {TK_WIRE_IP_SHORT, "TK_WIRE_IP_SHORT: ip header short"},
    {TK_WIRE_IP_VERSION, "TK_WIRE_IP_VERSION: ip version not 4"},
    {TK_WIRE_IP_IHL, "TK_WIRE_IP_IHL: ip header length bad"},
    {TK_WIRE_IP_TOTLEN, "TK_WIRE_IP_TOTLEN: ip total length bad"},
    {TK_WIRE_IP_CSUM, "TK_WIRE_IP_CSUM: ip checksum bad"},
    {TK_WIRE_ICMP_SHORT, "TK_WIRE_ICMP_SHORT: icmp message short"},
    {TK_WIRE_ICMP_CSUM, "TK_WIRE_ICMP_CSUM: icmp checksum bad"},
    {TK_WIRE_UDP_SHORT, "TK_WIRE_UDP_SHORT: udp header short"},
    {TK_WIRE_UDP_LEN, "TK_WIRE_UDP_LEN: udp length bad"},
    {TK_WIRE_UDP_CSUM, "TK_WIRE_UDP_CSUM: udp checksum bad"},
    {TK_WIRE_TCP_SHORT, "TK_WIRE_TCP_SHORT: tcp header short"},
    {TK_WIRE_TCP_DOFF, "TK_WIRE_TCP_DOFF: tcp data offset below 5"},
    {TK_WIRE_TCP_DOFF_BIG, "TK_WIRE_TCP_DOFF_BIG: tcp data offset beyond segment"},
    {TK_WIRE_TCP_CSUM, "TK_WIRE_TCP_CSUM: tcp checksum bad"},
    {TK_WIRE_OPT_LEN0, "TK_WIRE_OPT_LEN0: tcp option length 0"},
    {TK_WIRE_OPT_LEN1, "TK_WIRE_OPT_LEN1: tcp option length 1"},
    {TK_WIRE_OPT_OVERRUN, "TK_WIRE_OPT_OVERRUN: tcp option past header"},
    {TK_WIRE_OPT_BADLEN, "TK_WIRE_OPT_BADLEN: tcp option length wrong for kind"},
    {TK_WIRE_IP6_SHORT, "TK_WIRE_IP6_SHORT: ipv6 header short"},
    {TK_WIRE_IP6_VERSION, "TK_WIRE_IP6_VERSION: ipv6 version not 6"},
    {TK_WIRE_IP6_PLEN, "TK_WIRE_IP6_PLEN: ipv6 payload length beyond packet"},
    {TK_WIRE_IP6_EXT_SHORT, "TK_WIRE_IP6_EXT_SHORT: ipv6 extension header past payload"},
    {TK_WIRE_IP6_HBH_PLACE, "TK_WIRE_IP6_HBH_PLACE: ipv6 hop-by-hop options not first"},
    {TK_WIRE_IP6_OPT_UNKNOWN, "TK_WIRE_IP6_OPT_UNKNOWN: ipv6 unknown option to discard"},
    {TK_WIRE_IP6_OPT_OVERRUN, "TK_WIRE_IP6_OPT_OVERRUN: ipv6 option past its header"},
    {TK_WIRE_IP6_ROUTING, "TK_WIRE_IP6_ROUTING: ipv6 routing header with segments left"},
    {TK_WIRE_IP6_CHAIN_LONG, "TK_WIRE_IP6_CHAIN_LONG: ipv6 extension header chain too long"},
    {TK_WIRE_IP6_FRAG_LEN, "TK_WIRE_IP6_FRAG_LEN: ipv6 fragment length not a multiple of 8"},
    {TK_WIRE_ICMP6_SHORT, "TK_WIRE_ICMP6_SHORT: icmpv6 message short"},
    {TK_WIRE_ICMP6_CSUM, "TK_WIRE_ICMP6_CSUM: icmpv6 checksum bad"},
    {TK_WIRE_ND_HOPLIMIT, "TK_WIRE_ND_HOPLIMIT: ndp hop limit not 255"},
    {TK_WIRE_ND_CODE, "TK_WIRE_ND_CODE: ndp icmp code not 0"},
    {TK_WIRE_ND_SHORT, "TK_WIRE_ND_SHORT: ndp message short"},
    {TK_WIRE_ND_OPT_LEN0, "TK_WIRE_ND_OPT_LEN0: ndp option length 0"},
    {TK_WIRE_ND_OPT_OVERRUN, "TK_WIRE_ND_OPT_OVERRUN: ndp option past message"},
    {TK_WIRE_ND_OPT_BADLEN, "TK_WIRE_ND_OPT_BADLEN: ndp option length wrong for type"},
    {TK_WIRE_ND_TARGET, "TK_WIRE_ND_TARGET: ndp target multicast"},
    {TK_WIRE_ND_SOURCE, "TK_WIRE_ND_SOURCE: ndp source address not allowed"},
    {TK_WIRE_ND_DEST, "TK_WIRE_ND_DEST: ndp destination not allowed"},
    {TK_WIRE_NOSPACE, "TK_WIRE_NOSPACE: output buffer too small"},
    {TK_WIRE_INVAL, "TK_WIRE_INVAL: invalid field value"},
};

const char *tk_strerror(int err) {
    if (err == 0)
        return "ok";
    for (size_t i = 0; i < sizeof wire_names / sizeof wire_names[0]; i++)
        if (wire_names[i].code == err)
            return wire_names[i].name;
    int e = err < 0 ? -err : err;
    for (size_t i = 0; i < sizeof errno_texts / sizeof errno_texts[0]; i++)
        if (errno_texts[i].code == e)
            return errno_texts[i].text;
    return "unknown error";
}
