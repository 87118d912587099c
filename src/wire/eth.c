/* Ethernet II header. */
#include "tcpkit/wire/eth.h"

#include <string.h>

#include "be.h"
#include "tcpkit/wire/err.h"

int tk_wire_eth_parse(const uint8_t *buf, size_t len, tk_eth_hdr *out) {
    if (len < TK_ETH_HLEN)
        return TK_WIRE_ETH_SHORT;
    memcpy(out->dst, buf, TK_ETH_ALEN);
    memcpy(out->src, buf + TK_ETH_ALEN, TK_ETH_ALEN);
    out->type = tk_be16(buf + 12);
    return TK_ETH_HLEN;
}

int tk_wire_eth_emit(const tk_eth_hdr *h, uint8_t *buf, size_t cap) {
    if (cap < TK_ETH_HLEN)
        return TK_WIRE_NOSPACE;
    memcpy(buf, h->dst, TK_ETH_ALEN);
    memcpy(buf + TK_ETH_ALEN, h->src, TK_ETH_ALEN);
    tk_put16(buf + 12, h->type);
    return TK_ETH_HLEN;
}
