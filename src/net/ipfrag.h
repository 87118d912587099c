/* IPv4 fragment reassembly within a fixed budget (RFC 791 3.2, RFC 815):
 * a few slots, each holding one datagram of at most ipfrag_max_bytes, with a
 * bitmap of the 8-byte blocks received. Whatever does not fit is dropped and
 * counted by the caller (SPEC NET-1, SEC-5); a new datagram finding every
 * slot taken evicts an old one (SEC-12). */
#ifndef TK_NET_IPFRAG_H
#define TK_NET_IPFRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/config.h"
#include "tcpkit/types.h"
#include "tcpkit/wire/ipv4.h"

typedef struct tk_ipfrag_slot {
    bool used;
    uint32_t src, dst;
    uint16_t id;
    uint8_t proto;
    uint32_t total;   /* payload length once the last fragment arrived, else 0 */
    uint32_t have;    /* payload bytes received (overlaps counted once) */
    uint32_t max_end; /* highest payload offset seen */
    tk_time expires;
    uint8_t ecn_seen; /* bit (1 << ECN field) of every fragment received */
    uint8_t *data;    /* ipfrag_max_bytes */
    uint8_t *bitmap;  /* one bit per 8-byte block */
} tk_ipfrag_slot;

typedef struct tk_ipfrag {
    tk_ipfrag_slot *slots;
    uint32_t n;
    uint32_t max_bytes;
    tk_time timeout;
    uint8_t ecn;      /* ECN field of the datagram last completed (RFC 3168 5.3) */
    uint32_t evicted; /* datagrams the last tk_ipfrag_input evicted (SEC-12) */
} tk_ipfrag;

/* Outcomes of tk_ipfrag_input. */
#define TK_IPFRAG_HELD     0 /* kept, datagram not complete yet */
#define TK_IPFRAG_COMPLETE 1 /* *out / *out_len hold the whole payload */

struct tk_net;

size_t tk_ipfrag_mem_size(const tk_config *cfg);
void tk_ipfrag_init(tk_ipfrag *f, void *mem, const tk_config *cfg);

/* Adds one fragment (h parsed, payload = its data). Returns TK_IPFRAG_HELD,
 * TK_IPFRAG_COMPLETE (the slot is free again, but its bytes stay intact
 * until the next call, which is long enough for synchronous dispatch; f->ecn
 * is the datagram's ECN field: CE when a fragment had CE, RFC 3168 5.3), or
 * -ENOBUFS (no slot at all, or the datagram exceeds the budget: the whole
 * datagram is dropped), -EINVAL (a fragment that is not 8-byte aligned or
 * contradicts the known length, or a CE fragment with a Not-ECT one, which
 * RFC 3168 5.3 does not allow to reassemble). *timed_out gets the number of
 * datagrams abandoned on their timeout meanwhile; f->evicted the number
 * evicted to make room: when every slot is taken, the oldest datagram of a
 * source holding more than half of the slots, else the oldest of all. */
int tk_ipfrag_input(tk_ipfrag *f, const tk_ipv4_hdr *h, const uint8_t *payload, size_t len,
                    tk_time now, const uint8_t **out, size_t *out_len, uint32_t *timed_out);

/* The stack's use of it: a fragment in, and when the datagram is complete,
 * *payload / *len point at it, h's ECN field becomes the datagram's and 1 is
 * returned; 0 when held, or a negative code when dropped (counted in
 * drop_ip_fragment). */
int tk_net_defrag(struct tk_net *net, tk_ipv4_hdr *h, const uint8_t **payload, size_t *len,
                  tk_time now);

/* Datagrams in progress. */
uint32_t tk_ipfrag_pending(const tk_ipfrag *f);

#endif
