/* RFC 6528 3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey).
 * M is a timer that ticks every 4 microseconds (RFC 9293 3.4.1); F is
 * SipHash-2-4 of the 4-tuple under the secret key, truncated to its low 32
 * bits. The tuple is hashed as 12 bytes in network order:
 * laddr(4) lport(2) raddr(4) rport(2). */
#include "tcp/isn.h"

#include "base/siphash.h"

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put_be16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

uint32_t tk_isn_generate(const uint8_t key[16], uint32_t laddr, uint16_t lport, uint32_t raddr,
                         uint16_t rport, tk_time now) {
    uint8_t tuple[12];
    put_be32(tuple, laddr);
    put_be16(tuple + 4, lport);
    put_be32(tuple + 6, raddr);
    put_be16(tuple + 10, rport);
    uint32_t m = (uint32_t)(now / 4);
    uint32_t f = (uint32_t)tk_siphash24(key, tuple, sizeof tuple);
    return m + f;
}
