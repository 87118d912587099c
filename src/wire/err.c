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
