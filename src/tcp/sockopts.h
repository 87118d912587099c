/* Socket options: the per-socket values (tk_sockopts, a part of the TCB)
 * and the one table that describes every option (name, level, value type,
 * range, where its value lives). getsockopt, setsockopt, validation and
 * the runner's names all come from that table (SPEC API-1;
 * docs/engine.md); a stack whose application never calls them links no
 * table. A listener passes every value to its connections but two
 * (tk_sockopts_inherit). */
#ifndef TK_TCP_SOCKOPTS_H
#define TK_TCP_SOCKOPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "tcpkit/config.h"
#include "tcpkit/socket.h"
#include "tcpkit/types.h"

/* Boolean options (tk_sockopts.flags). */
#define TK_SOF_NODELAY   0x01u
#define TK_SOF_KEEPALIVE 0x02u
#define TK_SOF_REUSEADDR 0x04u
#define TK_SOF_LINGER0   0x08u /* SO_LINGER {1, 0}: close() aborts */
#define TK_SOF_LINGER    0x10u /* SO_LINGER {1, n > 0}: abort if not closed in n s */
#define TK_SOF_NOOPT     0x20u /* TCP_NOOPT: no options on SYNs, the peer's ignored */
#define TK_SOF_CORK      0x40u /* TCP_CORK: only full segments (or the FIN's) leave */
#define TK_SOF_QUICKACK  0x80u /* TCP_QUICKACK: in-order data is acknowledged at once */

/* Every option value a socket holds. The peer's UDP port of an
 * encapsulated connection (TCP_REMOTE_UDP_ENCAPS_PORT) is connection state
 * (tk_tcb.encap_port), and SO_ERROR reads tk_tcb.so_error. */
typedef struct tk_sockopts {
    /* Durations in milliseconds (32 bits: 49 days; the options take at
     * most TK_SOCKOPT_SECS_MAX seconds); TK_MS() makes them tk_time. */
    uint32_t keep_idle_ms, keep_intvl_ms; /* TCP_KEEPIDLE, TCP_KEEPINTVL */
    uint32_t linger_ms;                   /* SO_LINGER timeout when TK_SOF_LINGER */
    uint32_t keepinit_ms;                 /* TCP_KEEPINIT: establishment limit, 0 = none */
    uint32_t keep_cnt;                    /* TCP_KEEPCNT */
    uint32_t rcv_cap, snd_cap;            /* SO_RCVBUF, SO_SNDBUF: buffer sizes in use */
    uint32_t user_timeout;                /* TCP_USER_TIMEOUT in ms, 0 = retries2 decides */
    uint32_t notsent_lowat;               /* TCP_NOTSENT_LOWAT in bytes, 0 = no limit */
    uint32_t rcvlowat;                    /* SO_RCVLOWAT in bytes, at least 1 */
    uint16_t maxseg;                      /* TCP_MAXSEG: the MSS cap asked for, 0 = the route's */
    uint8_t flags;                        /* TK_SOF_* */
    uint8_t ip_ttl, ip_tos;               /* IP_TTL, IP_TOS of outgoing packets */
    bool md5sig;                          /* TCP_MD5SIG: sign every segment (RFC 2385) */
    uint16_t fastopen_qlen;               /* TCP_FASTOPEN: Fast Open children a listener may hold */
    uint8_t cc_algo;                      /* TCP_CONGESTION: TK_CC_ALGO_* */
    bool pacing;                          /* TCP_PACING: pace new data (CUBIC connections) */
} tk_sockopts;

struct tk_stack;
struct tk_tcb;

/* The defaults of a new socket (the stack's configuration). */
void tk_sockopts_init(tk_sockopts *o, const tk_config *cfg);
/* Copies a listener's options to its new connection: every one but
 * SO_REUSEADDR and TCP_FASTOPEN, which stay the child's own. The one place
 * a child inherits (API-1). */
void tk_sockopts_inherit(tk_sockopts *child, const tk_sockopts *listener);

/* setsockopt / getsockopt of an int-valued option (SO_LINGER is the
 * caller's, in socket/sockopt.c): -ENOPROTOOPT for an unknown option,
 * -EINVAL outside the option's range, or what the option's own rule says. */
int tk_sockopt_set_int(struct tk_stack *s, struct tk_tcb *tp, int level, int name, int v);
int tk_sockopt_get_int(struct tk_tcb *tp, int level, int name, int *v);
/* SO_LINGER (a tk_linger): -EINVAL for {1, n < 0}; a timeout above
 * TK_SOCKOPT_SECS_MAX seconds is taken as that. */
int tk_sockopt_set_linger(struct tk_tcb *tp, const tk_linger *l);
tk_linger tk_sockopt_get_linger(const struct tk_tcb *tp);

/* The MSS a connection (or a listener's) announces and accepts: the
 * route's (tk_tcp_mss_for) lowered to TCP_MAXSEG when that is set (API-6). */
uint16_t tk_sockopt_mss(const struct tk_stack *s, const struct tk_tcb *tp, bool v6, uint16_t encap);
/* TCP_NOTSENT_LOWAT (API-6): true while the bytes queued but not yet sent
 * are below the option's value (always without it). */
bool tk_sockopt_notsent_ok(const struct tk_tcb *tp);

#endif
