/* TCP header and options (RFC 9293 3.1-3.2, RFC 7323, RFC 2018, RFC 2385): parse and emit.
 *
 * Parsing is a pure function from bytes to a plain struct; emitting writes a
 * header with options in the fixed order documented at tk_wire_tcp_opts_emit.
 * Sequence and port fields are host order. */
#ifndef TCPKIT_WIRE_TCP_H
#define TCPKIT_WIRE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_TCP_HLEN       20
#define TK_TCP_MAX_HLEN   60
#define TK_TCP_MAX_OPTLEN 40

/* Flag bits as in byte 13 of the header. */
#define TK_TCP_FIN 0x01
#define TK_TCP_SYN 0x02
#define TK_TCP_RST 0x04
#define TK_TCP_PSH 0x08
#define TK_TCP_ACK 0x10
#define TK_TCP_URG 0x20
#define TK_TCP_ECE 0x40
#define TK_TCP_CWR 0x80

/* Option kinds. */
#define TK_TCPOPT_EOL       0
#define TK_TCPOPT_NOP       1
#define TK_TCPOPT_MSS       2
#define TK_TCPOPT_WSCALE    3
#define TK_TCPOPT_SACK_PERM 4
#define TK_TCPOPT_SACK      5
#define TK_TCPOPT_TS        8
#define TK_TCPOPT_MD5       19 /* RFC 2385 signature: kind, length 18, 16-byte digest */
#define TK_TCPOPT_FASTOPEN  34 /* RFC 7413 4.1.1: kind, length 2 (request) or 6..18 */

/* Bits of tk_tcp_opts.present. */
#define TK_OPT_MSS       0x01
#define TK_OPT_WSCALE    0x02
#define TK_OPT_SACK_PERM 0x04
#define TK_OPT_SACK      0x08
#define TK_OPT_TS        0x10
#define TK_OPT_MD5       0x20
#define TK_OPT_FASTOPEN  0x40 /* fo_len 0: a cookie request */

#define TK_TCP_MAX_SACK   4
#define TK_TCP_MD5_LEN    16 /* the digest of the MD5 signature option */
#define TK_TCP_FO_MIN     4  /* Fast Open cookie bytes (RFC 7413 4.1.1): even, 4..16 */
#define TK_TCP_FO_MAX     16
#define TK_TCP_MAX_WSCALE 14

typedef struct tk_sack_block {
    uint32_t left;  /* first sequence number of the block */
    uint32_t right; /* sequence number just past the block */
} tk_sack_block;

/* The options TCP understands. Unknown options are skipped by their length
 * and counted in `unknown`. */
typedef struct tk_tcp_opts {
    uint8_t present; /* TK_OPT_* bits */
    uint8_t wscale;  /* as received (a value > 14 is kept; RFC 7323 2.3 says use 14) */
    uint16_t mss;
    uint32_t ts_val;
    uint32_t ts_ecr;
    uint8_t sack_count; /* 0..4 */
    uint8_t unknown;    /* number of unknown options skipped */
    tk_sack_block sack[TK_TCP_MAX_SACK];
    uint8_t md5[TK_TCP_MD5_LEN]; /* digest of the MD5 option (tcpkit/wire/tcp_md5.h signs it) */
    uint8_t fo_len;              /* TK_OPT_FASTOPEN: cookie bytes, 0 for a request */
    uint8_t fo_cookie[TK_TCP_FO_MAX];
} tk_tcp_opts;

typedef struct tk_tcp_hdr {
    uint16_t sport;
    uint16_t dport;
    uint32_t seq;
    uint32_t ack;
    uint8_t hlen;  /* header length in bytes (data offset * 4) */
    uint8_t flags; /* TK_TCP_* */
    uint16_t win;  /* raw window field (unscaled) */
    uint16_t csum; /* as found on the wire (parse) / ignored by emit */
    uint16_t urg;
    tk_tcp_opts opts;
} tk_tcp_hdr;

/* One raw option, as the iterator yields it (for printers that keep order). */
typedef struct tk_tcp_opt {
    uint8_t kind;
    uint8_t len;         /* total length including kind and length; 1 for EOL/NOP */
    const uint8_t *data; /* len - 2 bytes of value (NULL for EOL/NOP) */
} tk_tcp_opt;

typedef struct tk_tcp_opt_iter {
    const uint8_t *p;
    size_t len;
    size_t off;
    bool done;
} tk_tcp_opt_iter;

/* Iterates over the options area `opts[0..len)` in order. next() returns 1 and
 * fills *out, 0 at the end (after EOL, or end of area), or a TK_WIRE_OPT_*
 * error. Bytes after EOL are padding and are not visited. After an error the
 * iterator stops (next() returns 0). */
void tk_wire_tcp_opt_iter_init(tk_tcp_opt_iter *it, const uint8_t *opts, size_t len);
int tk_wire_tcp_opt_next(tk_tcp_opt_iter *it, tk_tcp_opt *out);

/* Parses an options area into *out (zeroed first). Returns 0 or a
 * TK_WIRE_OPT_* error; a known option with the wrong length is
 * TK_WIRE_OPT_BADLEN (SACK must be 2+8n bytes with 1 <= n <= 4; more than 4
 * blocks cannot fit in 40 bytes; MD5 must be 18 bytes). A repeated option
 * overwrites the earlier one. */
int tk_wire_tcp_opts_parse(const uint8_t *opts, size_t len, tk_tcp_opts *out);
/* No options at all (what a segment without options parses to). */
extern const tk_tcp_opts tk_tcp_opts_none;

/* Parses and validates a TCP segment of `len` bytes (header + payload).
 * When verify_csum, the checksum is checked with the pseudo-header built from
 * src/dst (host order). Returns the header length in bytes: the payload is
 * seg[ret .. len). */
int tk_wire_tcp_parse(const uint8_t *seg, size_t len, uint32_t src, uint32_t dst, bool verify_csum,
                      tk_tcp_hdr *out);

/* Length in bytes (a multiple of 4) that emit will write for opts; more than
 * 40 means the set does not fit and emit returns TK_WIRE_INVAL. */
size_t tk_wire_tcp_opts_size(const tk_tcp_opts *opts);

/* Writes the options in this fixed order (SPEC OP-6), the layout Linux uses,
 * padded with NOPs so each multi-byte value is 4-byte aligned:
 *   MSS:             02 04 mm mm
 *   TS + SACK_PERM:  04 02 08 0a <tsval> <tsecr>
 *   TS alone:        01 01 08 0a <tsval> <tsecr>
 *   SACK_PERM alone: 01 01 04 02
 *   WSCALE:          01 03 03 ws
 *   FASTOPEN:        22 (2+n) <n-byte cookie> [01 01] (RFC 7413; n 0: 22 02 01 01)
 *   MD5 (RFC 2385):  01 01 13 12 <16-byte digest from opts->md5>
 *   SACK (n blocks): 01 01 05 (2+8n) <left right>...
 * A full SYN is 02 04 05 b4 04 02 08 0a <tsval> <tsecr> 01 03 03 07 (20 bytes).
 * SACK is written only when TK_OPT_SACK is set and sack_count >= 1.
 * Returns the number of bytes written (a multiple of 4), TK_WIRE_NOSPACE,
 * or TK_WIRE_INVAL (too many SACK blocks, wscale > 14, a cookie length not
 * 0 or even in 4..16, total > 40 bytes). */
int tk_wire_tcp_opts_emit(const tk_tcp_opts *opts, uint8_t *buf, size_t cap);

/* Writes header + options + payload and fills in the checksum computed with
 * the pseudo-header for src/dst. h->hlen and h->csum are ignored (computed).
 * Returns the segment length or TK_WIRE_NOSPACE / TK_WIRE_INVAL. The payload
 * may already sit at buf + header length (it is then not copied). */
int tk_wire_tcp_emit(const tk_tcp_hdr *h, const uint8_t *payload, size_t plen, uint32_t src,
                     uint32_t dst, uint8_t *buf, size_t cap);

/* The same for a link that completes the checksum (checksum offload, SPEC
 * NET-7): the field holds the folded pseudo-header sum, not complemented,
 * and the segment is not summed (Linux's CHECKSUM_PARTIAL, virtio-net's
 * NEEDS_CSUM with csum_offset 16). */
int tk_wire_tcp_emit_partial(const tk_tcp_hdr *h, const uint8_t *payload, size_t plen, uint32_t src,
                             uint32_t dst, uint8_t *buf, size_t cap);

#endif
