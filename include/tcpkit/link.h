/* Link capabilities and per-frame offload requests (SPEC NET-7).
 *
 * As FreeBSD's if_hwassist, tk_config.link_caps says what the link does for
 * the stack: complete a TCP checksum the stack left partial, and cut a TCP
 * super-segment into MSS-sized segments (TSO). The stack then hands such
 * frames to tk_stack_io.output_offload with a tk_link_tx describing them;
 * its fields are those of the virtio-net header (struct virtio_net_hdr), so
 * a TAP or virtio driver copies them across. link_caps 0 (the default)
 * turns every offload off: each frame is complete and at most the MTU.
 *
 * On receive, a driver whose link verified the TCP checksum (virtio-net
 * VIRTIO_NET_HDR_F_DATA_VALID, or NEEDS_CSUM: a frame from the local host
 * that never crossed a wire) passes TK_RX_CSUM_VALID to
 * tk_stack_input_rx, and the stack does not sum the segment again.
 */
#ifndef TCPKIT_LINK_H
#define TCPKIT_LINK_H

#include <stdint.h>

/* tk_config.link_caps bits. */
#define TK_LINK_CSUM_TCP                                                                           \
    0x1u                  /* completes TCP checksums (IPv4 and IPv6) marked TK_TX_CSUM_PARTIAL */
#define TK_LINK_TSO4 0x2u /* segments TCP/IPv4 super-segments (with TK_LINK_CSUM_TCP) */
#define TK_LINK_TSO6 0x4u /* segments TCP/IPv6 super-segments (with TK_LINK_CSUM_TCP) */

/* tk_link_tx.flags. */
#define TK_TX_CSUM_PARTIAL 0x1u /* VIRTIO_NET_HDR_F_NEEDS_CSUM */
#define TK_TX_TSO4         0x2u /* VIRTIO_NET_HDR_GSO_TCPV4 */
#define TK_TX_TSO6         0x4u /* VIRTIO_NET_HDR_GSO_TCPV6 */

/* What the link must do to one frame before it leaves. With
 * TK_TX_CSUM_PARTIAL the 16-bit field at csum_start + csum_offset holds the
 * folded pseudo-header sum (not complemented); the link replaces it with the
 * checksum of the bytes from csum_start to the end. With TK_TX_TSO4 the
 * frame is one IPv4 packet of up to 64 KiB whose payload after hdr_len
 * bytes of headers the link cuts into segments of seg_size bytes (the last
 * may be shorter): each gets a copy of the headers with the IPv4 length,
 * ID (+1 per segment) and checksum, the TCP sequence number and checksum
 * adjusted, FIN and PSH only on the last and CWR only on the first. With
 * TK_TX_TSO6 the same for one IPv6 packet (no extension headers): each
 * segment's payload length is set, and there is no ID or header checksum. */
typedef struct tk_link_tx {
    uint8_t flags;
    uint16_t csum_start;  /* from the frame's start to the TCP header */
    uint16_t csum_offset; /* from csum_start to the checksum field: 16 for TCP */
    uint16_t hdr_len;     /* Ethernet + IP + TCP header bytes */
    uint16_t seg_size;    /* TK_TX_TSO4/6: payload bytes per segment (gso_size, the MSS) */
} tk_link_tx;

/* tk_stack_input_rx flags. */
#define TK_RX_CSUM_VALID 0x1u /* the link vouches for the TCP checksum */

#endif
