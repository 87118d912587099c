/* Software segmentation and checksum completion (SPEC NET-7): what a NIC
 * or the Linux kernel does with a frame the stack handed over with offload
 * requests (tcpkit/link.h). The simulated link uses it to offer TSO, and a
 * driver uses it where its device cannot (an impairment tee, a capture that
 * should show wire frames). */
#ifndef TK_DRIVERS_GSO_H
#define TK_DRIVERS_GSO_H

#include <stddef.h>
#include <stdint.h>

#include "tcpkit/link.h"

/* Called once per finished frame, valid during the call only. */
typedef void (*tk_gso_fn)(void *ctx, const uint8_t *frame, size_t len);

/* Hands `fn` the frames the link would send for frame/len under tx: the
 * frame itself when tx is NULL or tx->flags is 0; with TK_TX_CSUM_PARTIAL alone a copy
 * with the TCP checksum completed; with TK_TX_TSO4 one frame per seg_size
 * bytes of payload, each with the headers of the super-segment, the IPv4
 * total length, ID (+i) and header checksum, the TCP sequence number
 * (+offset) and checksum redone, FIN and PSH on the last segment only and
 * CWR on the first only; with TK_TX_TSO6 the same for an IPv6 frame (no
 * extension headers), the payload length set per segment. scratch (scap
 * bytes) holds each frame built.
 * Returns the number of frames, or -EINVAL for requests that do not fit
 * the frame (offsets outside it, a zero seg_size, a frame not IPv4/TCP or
 * IPv6/TCP, a TSO request of the other IP version)
 * and -ENOSPC when a segment does not fit scratch. */
int tk_gso_segment(const uint8_t *frame, size_t len, const tk_link_tx *tx, uint8_t *scratch,
                   size_t scap, tk_gso_fn fn, void *ctx);

#endif
