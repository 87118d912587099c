/* TCP-MD5 (RFC 2385) inside the stack: the key store, the check of a
 * received segment, and signing a segment about to leave. */
#ifndef TK_TCP_MD5_H
#define TK_TCP_MD5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/tcb.h"
#include "tcpkit/opts.h"
#include "tcpkit/tcp_md5.h"

typedef struct tk_md5_key {
    uint32_t laddr, raddr; /* laddr 0: any local address */
    uint8_t len;           /* 0: free slot */
    uint8_t key[TK_TCP_MD5_MAXKEY];
} tk_md5_key;

/* The key for segments between laddr and raddr (an exact entry before one
 * for any local address), or NULL. With TK_WITH_MD5 0 (tcpkit/opts.h) the
 * store stays empty: tk_stack_md5_add answers -ENOPROTOOPT, signed segments
 * are dropped as for a pair without a key, and no digest code is linked. */
const tk_md5_key *tk_md5_key_find(const struct tk_stack *s, uint32_t laddr, uint32_t raddr);

/* What the receiving endpoint expects of a segment's signature. */
typedef enum tk_md5_policy {
    TK_MD5_REFUSE,  /* it does not sign: a signed segment is dropped */
    TK_MD5_REQUIRE, /* it signs: an unsigned or badly signed segment is dropped */
    TK_MD5_ANSWER,  /* no endpoint: a signature is checked when present (the RST is signed) */
} tk_md5_policy;

/* Checks a received segment before anything else looks at it. Returns
 * false when it was dropped (counted: drop_md5_missing, drop_md5_no_key,
 * drop_md5_bad, drop_md5_unexpected). */
bool tk_md5_accept(struct tk_stack *s, const tk_seg *sg, tk_md5_policy policy, tk_time now);

/* Signs seg (len bytes, carrying the MD5 option) with the key for
 * (laddr, raddr). Returns 0, or -ENOENT when there is no key (counted in
 * md5_out_no_key: the segment must not leave unsigned). */
int tk_md5_sign(struct tk_stack *s, uint8_t *seg, size_t len, uint32_t laddr, uint32_t raddr);

#endif
