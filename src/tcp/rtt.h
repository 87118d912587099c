/* Round-trip time estimation and retransmission timeout (RFC 6298). */
#ifndef TK_TCP_RTT_H
#define TK_TCP_RTT_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpkit/types.h"

/* Microseconds in 32 bits (24 bytes of every TCB instead of 48): rto_max
 * is at most TK_RTO_LIMIT (tk_config_valid; tk_rtt_init caps it too) and
 * samples are capped at it, so SRTT, RTTVAR and the RTO never exceed it. */
typedef struct tk_rtt {
    uint32_t srtt;
    uint32_t rttvar;
    uint32_t rto; /* current RTO before backoff */
    uint32_t rto_min;
    uint32_t rto_max;
    bool has_sample;
} tk_rtt;

/* RFC 6298 2.1: RTO = rto_initial until the first sample; rto_min and
 * rto_max above TK_RTO_LIMIT are taken as TK_RTO_LIMIT. */
void tk_rtt_init(tk_rtt *r, tk_time rto_initial, tk_time rto_min, tk_time rto_max);
/* RFC 6298 2.2 (first sample) and 2.3 (later ones), alpha 1/8, beta 1/4,
 * K = 4, clock granularity G = 1 ms; RTO clamped to [rto_min, rto_max]. A
 * sample above rto_max counts as rto_max: no RTO could be longer. */
void tk_rtt_sample(tk_rtt *r, tk_time rtt);
/* RTO after `backoff` doublings (RFC 6298 5.5), capped at rto_max. */
tk_time tk_rtt_rto(const tk_rtt *r, uint32_t backoff);

#endif
