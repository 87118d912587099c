/* TCP Fast Open's calls into TCP (SPEC OP-8, RFC 7413): the server side
 * (tcp/fastopen.c), the client side and its cookie cache
 * (tcp/fastopen_client.c), and their stand-ins when TK_WITH_FASTOPEN is 0.
 * Included at the end of tcp/tcb.h, which defines the TCB and segment they
 * take. */
#ifndef TK_TCP_FASTOPEN_H
#define TK_TCP_FASTOPEN_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/tcb.h"

/* TCP Fast Open, server side (SPEC OP-8, RFC 7413; tcp/fastopen.c). */
#define TK_FASTOPEN_COOKIE_LEN 8
#if TK_WITH_FASTOPEN
/* True when listener lp takes Fast Open SYNs (the stack setting and a
 * TCP_FASTOPEN queue). */
bool tk_fastopen_listener_on(const struct tk_stack *s, const tk_tcb *lp);
/* The cookie for client address raddr now (RFC 7413 4.1.2). */
void tk_fastopen_cookie(const struct tk_stack *s, uint32_t raddr, tk_time now,
                        uint8_t out[TK_FASTOPEN_COOKIE_LEN]);
/* A SYN with data and a Fast Open option to lp: true when it made a child
 * that took the data; false leaves the SYN to the ordinary handshake. */
bool tk_fastopen_syn(struct tk_stack *s, tk_tcb *lp, const tk_seg *sg, tk_time now);
/* The child leaves its listener's Fast Open queue (ESTABLISHED or gone). */
void tk_fastopen_child_done(struct tk_stack *s, tk_tcb *tp);
#else
/* Fast Open compiled out (TK_WITH_FASTOPEN 0): as with cfg.fastopen 0. */
static inline bool tk_fastopen_listener_on(const struct tk_stack *s, const tk_tcb *lp) {
    (void)s, (void)lp;
    return false;
}
static inline void tk_fastopen_cookie(const struct tk_stack *s, uint32_t raddr, tk_time now,
                                      uint8_t out[TK_FASTOPEN_COOKIE_LEN]) {
    (void)s, (void)raddr, (void)now, (void)out;
}
static inline bool tk_fastopen_syn(struct tk_stack *s, tk_tcb *lp, const tk_seg *sg, tk_time now) {
    (void)s, (void)lp, (void)sg, (void)now;
    return false;
}
static inline void tk_fastopen_child_done(struct tk_stack *s, tk_tcb *tp) {
    (void)s, (void)tp;
}
#endif
/* Client side (tcp/fastopen_client.c). The stack's cookie cache: the
 * latest cookie of each of the last TK_FO_CACHE_SIZE servers. */
#define TK_FO_CACHE_SIZE (TK_WITH_FASTOPEN ? 16 : 1)
typedef struct tk_fo_cache {
    struct {
        uint32_t raddr, stamp; /* stamp 0: empty; the smallest is replaced first */
        uint8_t len;
        uint8_t cookie[TK_TCP_FO_MAX];
    } e[TK_FO_CACHE_SIZE];
    uint32_t clock;
} tk_fo_cache;
#if TK_WITH_FASTOPEN
/* Marks a connection in SYN_SENT for Fast Open: the cached cookie of its
 * server and up to len bytes of data (already in sndq) in the SYN; returns
 * the bytes the SYN will carry (0: no cookie, the SYN asks for one). */
uint32_t tk_fastopen_connect(struct tk_stack *s, tk_tcb *tp, uint32_t len);
/* The Fast Open option of our first SYN: the cached cookie of its server,
 * or a cookie request; and the data that SYN carries (none when the cookie
 * has left the cache since connect). Both read the cache at the same time. */
void tk_fastopen_syn_opts(const struct tk_stack *s, const tk_tcb *tp, tk_tcp_opts *o);
uint32_t tk_fastopen_syn_data(const struct tk_stack *s, const tk_tcb *tp);
/* A SYN-ACK acceptable in SYN_SENT: caches its cookie, drops the SYN data
 * it acknowledges, and rewinds SND.NXT to resend the rest (RFC 7413 4.2.2). */
void tk_fastopen_synack(struct tk_stack *s, tk_tcb *tp, const tk_seg *sg);
#else
static inline uint32_t tk_fastopen_connect(struct tk_stack *s, tk_tcb *tp, uint32_t len) {
    (void)s, (void)tp, (void)len;
    return 0;
}
static inline void tk_fastopen_syn_opts(const struct tk_stack *s, const tk_tcb *tp,
                                        tk_tcp_opts *o) {
    (void)s, (void)tp, (void)o;
}
static inline uint32_t tk_fastopen_syn_data(const struct tk_stack *s, const tk_tcb *tp) {
    (void)s, (void)tp;
    return 0;
}
static inline void tk_fastopen_synack(struct tk_stack *s, tk_tcb *tp, const tk_seg *sg) {
    (void)s, (void)tp, (void)sg;
}
#endif

#endif
