/* MLDv2 reports (RFC 3810 5.2) and the hop-by-hop header they travel in. */
#include "tcpkit/wire/mld.h"

#include <string.h>

#include "be.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/icmp6.h"
#include "tcpkit/wire/ipv6.h"

#define RECORD_LEN 20 /* type, aux length, source count, group; no sources */
#define MAX_GROUPS 64

static const uint8_t mld2_routers[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x16};

int tk_wire_mld_hbh_emit(uint8_t *buf, size_t cap) {
    /* next header, length 0 (8 bytes), Router Alert (type 5, length 2,
     * value 0: MLD), PadN of no data bytes. */
    static const uint8_t hbh[TK_MLD_HBH_LEN] = {TK_IPPROTO_ICMPV6, 0, 5, 2, 0, 0, 1, 0};
    if (cap < sizeof hbh)
        return TK_WIRE_NOSPACE;
    memcpy(buf, hbh, sizeof hbh);
    return (int)sizeof hbh;
}

int tk_wire_mld2_report_emit(const uint8_t *groups, size_t n, uint8_t record_type,
                             const uint8_t src[16], uint8_t *buf, size_t cap) {
    if (n == 0 || n > MAX_GROUPS)
        return TK_WIRE_INVAL;
    size_t len = TK_ICMP6_HLEN + n * RECORD_LEN;
    if (cap < len)
        return TK_WIRE_NOSPACE;
    uint8_t *r = buf + TK_ICMP6_HLEN;
    for (size_t i = 0; i < n; i++, r += RECORD_LEN) {
        r[0] = record_type;
        r[1] = 0;
        tk_put16(r + 2, 0);
        memcpy(r + 4, groups + 16 * i, 16);
    }
    tk_icmp_hdr h = {TK_ICMP6_MLD2_REPORT, 0, 0, (uint32_t)n, buf + TK_ICMP6_HLEN, n * RECORD_LEN};
    return tk_wire_icmp6_emit(&h, src, mld2_routers, buf, cap);
}
