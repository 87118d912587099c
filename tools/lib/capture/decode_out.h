/* What `tcpkit decode` prints for each packet and for the whole input: a
 * readable block per packet, or JSON Lines (SPEC OBS-3). */
#ifndef TK_TOOLS_DECODE_OUT_H
#define TK_TOOLS_DECODE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "decode_frame.h"
#include "roles.h"

#define TK_DOUT_LINE_MAX 1024u

/* One decoded packet and where it came from. */
typedef struct tk_drecord {
    unsigned index;
    bool from_capture;
    unsigned first_line, last_line; /* hex dump: lines of the text */
    size_t lo, hi;                  /* hex dump: frame bytes the dump covers */
    size_t caplen, wirelen;         /* capture: bytes captured / on the wire */
    int64_t ts_sec;
    long ts_usec;
    tk_dframe f;
    char *summary; /* one tcpdump-style line (owned by the caller) */
} tk_drecord;

/* tcpdump's flag letters in its order ("S", "S.", "FP.", "none"). */
void tk_dout_flags(uint8_t flags, char out[16]);

/* The options as tcpdump lists them: "mss 1460,sackOK,TS val 1 ecr 0,nop". */
void tk_dout_options(const uint8_t *opts, size_t len, char *out, size_t cap);

/* A tcpdump-style line for a segment whose addresses may be unknown
 * ("IP ?.80 > ?.33706: Flags [S.], seq 1, ack 2, win 5792, ..."). */
void tk_dout_summary(const tk_dframe *f, char *out, size_t cap);

/* The header lines of one decoded frame, as the block below prints them
 * (ethernet, ipv4, tcp, each option, payload), without packet and role. */
void tk_dout_layers(FILE *out, const tk_dframe *f);

/* The block (or JSON line) for recs[pos]; roles[] is parallel to recs[]. */
void tk_dout_text(FILE *out, const tk_drecord *recs, const tk_role_result *roles, size_t pos);
void tk_dout_json(FILE *out, const tk_drecord *recs, const tk_role_result *roles, size_t pos);

/* The handshake and teardown lines after the packets. */
void tk_dout_orders_text(FILE *out, const tk_drecord *recs, const tk_handshake *hs, size_t nhs,
                         const tk_teardown *td, size_t ntd);
void tk_dout_orders_json(FILE *out, const tk_drecord *recs, const tk_handshake *hs, size_t nhs,
                         const tk_teardown *td, size_t ntd);

#endif
