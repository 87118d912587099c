/* The set and get rules of sockopts.c's table (sockopts_rules.c). */
#ifndef TK_TCP_SOCKOPTS_RULES_H
#define TK_TCP_SOCKOPTS_RULES_H

#include "tcpkit/opts.h"

struct tk_stack;
struct tk_tcb;

#if TK_WITH_KEEPALIVE
int tk_so_keep_rearm(struct tk_stack *s, struct tk_tcb *tp, int v);
int tk_so_keep_time_set(struct tk_stack *s, struct tk_tcb *tp, int v);
#endif
int tk_so_keepinit_set(struct tk_stack *s, struct tk_tcb *tp, int v);
int tk_so_nodelay_set(struct tk_stack *s, struct tk_tcb *tp, int v);
int tk_so_cork_set(struct tk_stack *s, struct tk_tcb *tp, int v);
int tk_so_rcvbuf_set(struct tk_stack *s, struct tk_tcb *tp, int v);
int tk_so_sndbuf_set(struct tk_stack *s, struct tk_tcb *tp, int v);
int tk_so_quickack_set(struct tk_stack *s, struct tk_tcb *tp, int v);
int tk_so_maxseg_set(struct tk_stack *s, struct tk_tcb *tp, int v);
int tk_so_maxseg_get(struct tk_tcb *tp, int *v);
int tk_so_rcvlowat_set(struct tk_stack *s, struct tk_tcb *tp, int v);
#if TK_WITH_ENCAP
int tk_so_encap_set(struct tk_stack *s, struct tk_tcb *tp, int v);
int tk_so_encap_get(struct tk_tcb *tp, int *v);
#endif
#if TK_WITH_IPV6
int tk_so_v6only_set(struct tk_stack *s, struct tk_tcb *tp, int v);
int tk_so_v6only_get(struct tk_tcb *tp, int *v);
#endif
int tk_so_error_get(struct tk_tcb *tp, int *v);
#if TK_WITH_FASTOPEN
int tk_so_fastopen_set(struct tk_stack *s, struct tk_tcb *tp, int v);
#endif
int tk_so_cc_algo_set(struct tk_stack *s, struct tk_tcb *tp, int v);
#if TK_WITH_PACING
int tk_so_pacing_after(struct tk_stack *s, struct tk_tcb *tp, int v);
#endif

#endif
