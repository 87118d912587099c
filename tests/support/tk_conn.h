/* Opening one scripted connection on the harness: the stack under test
 * listens with a fixed ISN and the peer completes the handshake. */
#ifndef TK_TESTS_CONN_H
#define TK_TESTS_CONN_H

#include <stdint.h>

#include "support/tk_harness.h"

/* Options carrying the bits in present (TK_OPT_MSS among them) and MSS mss. */
tk_tcp_opts tkh_mss_opts(uint8_t present, uint16_t mss);
/* Starts the stack from cfg (NULL: tkh_config) with its ISN fixed at iss. */
void tkh_init_fixed(tkh *h, tk_config *cfg, uint32_t iss);
/* A socket bound to the wildcard address and port, listening with backlog
 * (asserted). */
int tkh_listen_at(tkh *h, uint16_t port, int backlog);
/* Starts the stack from cfg (NULL: tkh_config) with its ISN fixed at iss and
 * accepts one connection from a peer SYN with ISN irs and options o (may be
 * NULL); the SYN-ACK must carry iss. Returns the accepted descriptor. */
int tkh_open_fixed(tkh *h, tk_config *cfg, uint32_t iss, uint32_t irs, const tk_tcp_opts *o);
/* The same from tkh_config with the peer offering MSS mss; rcvbuf and
 * retries2 replace the defaults when not zero. */
int tkh_open_mss(tkh *h, uint32_t iss, uint32_t irs, uint16_t mss, uint32_t rcvbuf,
                 uint32_t retries2);
/* Starts the stack from cfg and accepts two connections (remote ports 40000
 * and 40001, ISN irs, MSS 1000 and SACK-permitted) through one listener on
 * h->lport; their descriptors and the stack's ISSs in sd[] and iss[]. The
 * scripted port is left at 40001. */
void tkh_open_sack_pair(tkh *h, const tk_config *cfg, uint32_t irs, int sd[2], uint32_t iss[2]);
/* Sets TCP_NODELAY on sd (asserted). */
void tkh_set_nodelay(tkh *h, int sd);

#endif
