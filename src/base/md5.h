/* MD5 message digest (RFC 1321), for TCP-MD5 signatures (RFC 2385). Not a
 * general-purpose hash: MD5 is broken for collision resistance, and tcpkit
 * uses it only because RFC 2385 names it. */
#ifndef TK_BASE_MD5_H
#define TK_BASE_MD5_H

#include <stddef.h>
#include <stdint.h>

#define TK_MD5_LEN 16

typedef struct tk_md5 {
    uint32_t state[4]; /* A, B, C, D */
    uint64_t len;      /* bytes hashed so far */
    uint8_t buf[64];   /* a partial block (len % 64 bytes) */
} tk_md5;

void tk_md5_init(tk_md5 *c);
void tk_md5_update(tk_md5 *c, const void *data, size_t len);
/* Pads, appends the length and writes the 16-byte digest. */
void tk_md5_final(tk_md5 *c, uint8_t out[TK_MD5_LEN]);

#endif
