/* Initial sequence numbers per RFC 6528 (SPEC SEC-1):
 * ISN = M + F(localip, localport, remoteip, remoteport, secretkey), where M is
 * a 4-microsecond clock and F is SipHash-2-4 truncated to 32 bits. */
#ifndef TK_TCP_ISN_H
#define TK_TCP_ISN_H

#include <stdint.h>

#include "tcpkit/types.h"

uint32_t tk_isn_generate(const uint8_t key[16], uint32_t laddr, uint16_t lport, uint32_t raddr,
                         uint16_t rport, tk_time now);

#endif
