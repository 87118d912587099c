/* Round-trip time estimation and retransmission timeout (RFC 6298). */
#ifndef TK_TCP_RTT_H
#define TK_TCP_RTT_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpkit/types.h"

typedef struct tk_rtt {
    tk_time srtt;
    tk_time rttvar;
    tk_time rto; /* current RTO before backoff */
    tk_time rto_min;
    tk_time rto_max;
    bool has_sample;
} tk_rtt;

/* RFC 6298 2.1: RTO = rto_initial until the first sample. */
void tk_rtt_init(tk_rtt *r, tk_time rto_initial, tk_time rto_min, tk_time rto_max);
/* RFC 6298 2.2 (first sample) and 2.3 (later ones), alpha 1/8, beta 1/4,
 * K = 4, clock granularity G = 1 ms; RTO clamped to [rto_min, rto_max]. */
void tk_rtt_sample(tk_rtt *r, tk_time rtt);
/* RTO after `backoff` doublings (RFC 6298 5.5), capped at rto_max. */
tk_time tk_rtt_rto(const tk_rtt *r, uint32_t backoff);

#endif
