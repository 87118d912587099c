/* Descriptions of the wire-format error codes. */
#include "tcpkit/wire/err.h"

#include <stddef.h>

typedef struct err_name {
    int code;
    const char *text;
} err_name;

static const err_name err_names[] = {
    {TK_WIRE_OK, "ok"},
    {TK_WIRE_ETH_SHORT, "ethernet frame short"},
    {TK_WIRE_ARP_SHORT, "arp packet short"},
    {TK_WIRE_ARP_FORMAT, "arp format not ethernet/ipv4"},
    {TK_WIRE_IP_SHORT, "ip header short"},
    {TK_WIRE_IP_VERSION, "ip version not 4"},
    {TK_WIRE_IP_IHL, "ip header length bad"},
    {TK_WIRE_IP_TOTLEN, "ip total length bad"},
    {TK_WIRE_IP_CSUM, "ip checksum bad"},
    {TK_WIRE_ICMP_SHORT, "icmp message short"},
    {TK_WIRE_ICMP_CSUM, "icmp checksum bad"},
    {TK_WIRE_UDP_SHORT, "udp header short"},
    {TK_WIRE_UDP_LEN, "udp length bad"},
    {TK_WIRE_UDP_CSUM, "udp checksum bad"},
    {TK_WIRE_TCP_SHORT, "tcp header short"},
    {TK_WIRE_TCP_DOFF, "tcp data offset below 5"},
    {TK_WIRE_TCP_DOFF_BIG, "tcp data offset beyond segment"},
    {TK_WIRE_TCP_CSUM, "tcp checksum bad"},
    {TK_WIRE_OPT_LEN0, "tcp option length 0"},
    {TK_WIRE_OPT_LEN1, "tcp option length 1"},
    {TK_WIRE_OPT_OVERRUN, "tcp option past header"},
    {TK_WIRE_OPT_BADLEN, "tcp option length wrong for kind"},
    {TK_WIRE_IP6_SHORT, "ipv6 header short"},
    {TK_WIRE_IP6_VERSION, "ipv6 version not 6"},
    {TK_WIRE_IP6_PLEN, "ipv6 payload length beyond packet"},
    {TK_WIRE_IP6_EXT_SHORT, "ipv6 extension header past payload"},
    {TK_WIRE_IP6_HBH_PLACE, "ipv6 hop-by-hop options not first"},
    {TK_WIRE_IP6_OPT_UNKNOWN, "ipv6 unknown option to discard"},
    {TK_WIRE_IP6_OPT_OVERRUN, "ipv6 option past its header"},
    {TK_WIRE_IP6_ROUTING, "ipv6 routing header with segments left"},
    {TK_WIRE_IP6_CHAIN_LONG, "ipv6 extension header chain too long"},
    {TK_WIRE_IP6_FRAG_LEN, "ipv6 fragment length not a multiple of 8"},
    {TK_WIRE_ICMP6_SHORT, "icmpv6 message short"},
    {TK_WIRE_ICMP6_CSUM, "icmpv6 checksum bad"},
    {TK_WIRE_ND_HOPLIMIT, "ndp hop limit not 255"},
    {TK_WIRE_ND_CODE, "ndp icmp code not 0"},
    {TK_WIRE_ND_SHORT, "ndp message short"},
    {TK_WIRE_ND_OPT_LEN0, "ndp option length 0"},
    {TK_WIRE_ND_OPT_OVERRUN, "ndp option past message"},
    {TK_WIRE_ND_OPT_BADLEN, "ndp option length wrong for type"},
    {TK_WIRE_ND_TARGET, "ndp target multicast"},
    {TK_WIRE_ND_SOURCE, "ndp source address not allowed"},
    {TK_WIRE_ND_DEST, "ndp destination not allowed"},
    {TK_WIRE_NOSPACE, "output buffer too small"},
    {TK_WIRE_INVAL, "invalid field value"},
};

const char *tk_wire_strerror(int err) {
    for (size_t i = 0; i < sizeof err_names / sizeof err_names[0]; i++) {
        if (err_names[i].code == err)
            return err_names[i].text;
    }
    return "unknown wire error";
}
