/* The socket-option table and what drives from it: validation, get and
 * set; and the defaults and listener inheritance (SPEC API-1). */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "base/div.h"
#include "base/seq.h"
#include "tcp/sockopts.h"
#include "tcp/state.h"

/* How an int value maps to the stored one. */
enum val_type {
    VT_FLAG,   /* a TK_SOF_* bit: non-zero sets it */
    VT_BOOL,   /* a bool field: non-zero is true */
    VT_U8,     /* a uint8_t field */
    VT_U16,    /* a uint16_t field */
    VT_U32,    /* a uint32_t field */
    VT_SECS,   /* a uint32_t field in ms, the value in seconds (TK_SOCKOPT_SECS_MAX) */
    VT_LINGER, /* SO_LINGER: a tk_linger, two flag bits and a uint32_t in ms */
    VT_CUSTOM  /* the row's own get/set (state outside tk_sockopts) */
};

typedef int (*set_fn)(tk_stack *s, tk_tcb *tp, int v);
typedef int (*get_fn)(tk_tcb *tp, int *v);

typedef struct opt_row {
    tk_sockopt_info info;
    uint8_t type;      /* enum val_type */
    int min, max;      /* accepted values */
    uint8_t flag;      /* VT_FLAG: the bit (SO_LINGER: both of its bits) */
    uint16_t off;      /* the field's offset in tk_sockopts */
    set_fn own_set;    /* stores the value itself, by its own rules */
    set_fn after_set;  /* runs after the value is stored */
    get_fn custom_get; /* VT_CUSTOM */
} opt_row;

#include "tcp/sockopts_rules.h"

#define OFF(f) ((uint16_t)offsetof(tk_sockopts, f))
#define SOL    "SOL_SOCKET", TK_SOL_SOCKET
#define TCP    "IPPROTO_TCP", TK_IPPROTO_TCP_LEVEL
#define IP     "IPPROTO_IP", TK_IPPROTO_IP_LEVEL
#define IP6    "IPPROTO_IPV6", TK_IPPROTO_IPV6_LEVEL
#define ANY    INT_MIN, INT_MAX

/* Every option tcpkit knows. A listener passes its values to the
 * connections it accepts (API-1, tk_sockopts_inherit): all but SO_REUSEADDR
 * (a bind-time property of the listener's own port), TCP_FASTOPEN (the
 * listener's queue), the UDP port (taken from the peer's SYN) and SO_ERROR. */
static const opt_row rows[] = {
    {{SOL, "SO_REUSEADDR", TK_SO_REUSEADDR, false, false},
     VT_FLAG,
     ANY,
     TK_SOF_REUSEADDR,
     0,
     NULL,
     NULL,
     NULL},
    {{SOL, "SO_LINGER", TK_SO_LINGER, true, false},
     VT_LINGER,
     ANY,
     TK_SOF_LINGER0 | TK_SOF_LINGER,
     OFF(linger_ms),
     NULL,
     NULL,
     NULL},
#if TK_WITH_KEEPALIVE
    {{SOL, "SO_KEEPALIVE", TK_SO_KEEPALIVE, false, false},
     VT_FLAG,
     ANY,
     TK_SOF_KEEPALIVE,
     0,
     NULL,
     tk_so_keep_rearm,
     NULL},
#endif
    {{SOL, "SO_RCVBUF", TK_SO_RCVBUF, false, false},
     VT_U32,
     1024,
     INT_MAX,
     0,
     OFF(rcv_cap),
     tk_so_rcvbuf_set,
     NULL,
     NULL},
    {{SOL, "SO_SNDBUF", TK_SO_SNDBUF, false, false},
     VT_U32,
     1024,
     INT_MAX,
     0,
     OFF(snd_cap),
     tk_so_sndbuf_set,
     NULL,
     NULL},
    {{SOL, "SO_ERROR", TK_SO_ERROR, false, true},
     VT_CUSTOM,
     ANY,
     0,
     0,
     NULL,
     NULL,
     tk_so_error_get},
    {{TCP, "TCP_NODELAY", TK_TCP_NODELAY, false, false},
     VT_FLAG,
     ANY,
     TK_SOF_NODELAY,
     0,
     NULL,
     tk_so_nodelay_set,
     NULL},
#if TK_WITH_KEEPALIVE
    {{TCP, "TCP_KEEPIDLE", TK_TCP_KEEPIDLE, false, false},
     VT_SECS,
     1,
     TK_SOCKOPT_SECS_MAX,
     0,
     OFF(keep_idle_ms),
     NULL,
     tk_so_keep_time_set,
     NULL},
    {{TCP, "TCP_KEEPINTVL", TK_TCP_KEEPINTVL, false, false},
     VT_SECS,
     1,
     TK_SOCKOPT_SECS_MAX,
     0,
     OFF(keep_intvl_ms),
     NULL,
     tk_so_keep_time_set,
     NULL},
    {{TCP, "TCP_KEEPCNT", TK_TCP_KEEPCNT, false, false},
     VT_U32,
     1,
     INT_MAX,
     0,
     OFF(keep_cnt),
     NULL,
     NULL,
     NULL},
#endif
    {{TCP, "TCP_NOOPT", TK_TCP_NOOPT, false, false},
     VT_FLAG,
     ANY,
     TK_SOF_NOOPT,
     0,
     NULL,
     NULL,
     NULL},
    {{TCP, "TCP_KEEPINIT", TK_TCP_KEEPINIT, false, false},
     VT_SECS,
     0,
     TK_SOCKOPT_SECS_MAX,
     0,
     OFF(keepinit_ms),
     NULL,
     tk_so_keepinit_set,
     NULL},
    {{TCP, "TCP_MD5SIG", TK_TCP_MD5SIG, false, false},
     VT_BOOL,
     ANY,
     0,
     OFF(md5sig),
     NULL,
     NULL,
     NULL},
#if TK_WITH_ENCAP
    {{TCP, "TCP_REMOTE_UDP_ENCAPS_PORT", TK_TCP_REMOTE_UDP_ENCAPS_PORT, false, false},
     VT_CUSTOM,
     0,
     65535,
     0,
     0,
     tk_so_encap_set,
     NULL,
     tk_so_encap_get},
#endif
#if TK_WITH_IPV6
    {{IP6, "IPV6_V6ONLY", TK_IPV6_V6ONLY, false, false},
     VT_CUSTOM,
     0,
     1,
     0,
     0,
     tk_so_v6only_set,
     NULL,
     tk_so_v6only_get},
#endif
    {{IP, "IP_TTL", TK_IP_TTL, false, false}, VT_U8, 1, 255, 0, OFF(ip_ttl), NULL, NULL, NULL},
    {{IP, "IP_TOS", TK_IP_TOS, false, false}, VT_U8, 0, 255, 0, OFF(ip_tos), NULL, NULL, NULL},
    {{TCP, "TCP_CORK", TK_TCP_CORK, false, false},
     VT_FLAG,
     ANY,
     TK_SOF_CORK,
     0,
     NULL,
     tk_so_cork_set,
     NULL},
    {{TCP, "TCP_QUICKACK", TK_TCP_QUICKACK, false, false},
     VT_FLAG,
     ANY,
     TK_SOF_QUICKACK,
     0,
     NULL,
     tk_so_quickack_set,
     NULL},
    {{TCP, "TCP_USER_TIMEOUT", TK_TCP_USER_TIMEOUT, false, false},
     VT_U32,
     0,
     INT_MAX,
     0,
     OFF(user_timeout),
     NULL,
     NULL,
     NULL},
    {{TCP, "TCP_NOTSENT_LOWAT", TK_TCP_NOTSENT_LOWAT, false, false},
     VT_U32,
     0,
     INT_MAX,
     0,
     OFF(notsent_lowat),
     NULL,
     NULL,
     NULL},
    {{TCP, "TCP_MAXSEG", TK_TCP_MAXSEG, false, false},
     VT_U16,
     ANY,
     0,
     OFF(maxseg),
     tk_so_maxseg_set,
     NULL,
     tk_so_maxseg_get},
    {{SOL, "SO_RCVLOWAT", TK_SO_RCVLOWAT, false, false},
     VT_U32,
     ANY,
     0,
     OFF(rcvlowat),
     tk_so_rcvlowat_set,
     NULL,
     NULL},
#if TK_WITH_FASTOPEN
    {{TCP, "TCP_FASTOPEN", TK_TCP_FASTOPEN, false, false},
     VT_U16,
     0,
     65535,
     0,
     OFF(fastopen_qlen),
     tk_so_fastopen_set,
     NULL,
     NULL},
#endif
    {{TCP, "TCP_CONGESTION", TK_TCP_CONGESTION, false, false},
     VT_U8,
     0,
     TK_CC_ALGO_COUNT - 1,
     0,
     OFF(cc_algo),
     tk_so_cc_algo_set,
     NULL,
     NULL},
#if TK_WITH_PACING
    {{TCP, "TCP_PACING", TK_TCP_PACING, false, false},
     VT_BOOL,
     ANY,
     0,
     OFF(pacing),
     NULL,
     tk_so_pacing_after,
     NULL},
#endif
};

#define NROWS (sizeof rows / sizeof rows[0])

static const opt_row *find(int level, int name) {
    for (size_t i = 0; i < NROWS; i++)
        if (rows[i].info.level == level && rows[i].info.opt == name)
            return &rows[i];
    return NULL;
}

const tk_sockopt_info *tk_sockopt_lookup(const char *level_name, const char *name) {
    for (size_t i = 0; i < NROWS; i++)
        if (!strcmp(rows[i].info.level_name, level_name) && !strcmp(rows[i].info.name, name))
            return &rows[i].info;
    return NULL;
}

/* A configured duration in milliseconds, rounded up (a limit never comes
 * early, and a non-zero one never becomes 0, "none" for TCP_KEEPINIT),
 * capped at 32 bits. */
static uint32_t ms32(tk_time t) {
    uint64_t ms = tk_time_ms(t);
    if (ms * 1000u < t)
        ms++;
    return ms < UINT32_MAX ? (uint32_t)ms : UINT32_MAX;
}

void tk_sockopts_init(tk_sockopts *o, const tk_config *cfg) {
    memset(o, 0, sizeof(*o));
    o->rcv_cap = cfg->rcvbuf;
    o->snd_cap = cfg->sndbuf;
    o->keep_idle_ms = ms32(cfg->keepalive_idle);
    o->keep_intvl_ms = ms32(cfg->keepalive_intvl);
    o->keep_cnt = cfg->keepalive_probes;
    o->keepinit_ms = ms32(cfg->keepinit);
    o->ip_ttl = cfg->ip_ttl;
    o->rcvlowat = 1;
    o->cc_algo = (uint8_t)cfg->cc_algorithm;
    o->pacing = TK_WITH_PACING && cfg->pacing;
}

uint16_t tk_sockopt_mss(const tk_stack *s, const tk_tcb *tp, bool v6, uint16_t encap) {
    uint16_t route = tk_tcp_mss_for(s, v6, encap);
    uint16_t asked = tk_cold(tp)->opts.maxseg;
    return asked != 0 && asked < route ? asked : route;
}

bool tk_sockopt_notsent_ok(const tk_tcb *tp) {
    uint32_t lowat = tk_cold(tp)->opts.notsent_lowat;
    if (lowat == 0)
        return true;
    uint32_t queued = tk_chunkq_len(&tp->sndq), sent = tp->snd_max - tp->snd_una;
    return (sent < queued ? queued - sent : 0) < lowat;
}

/* Every value but SO_REUSEADDR's (a bind-time property of the listener's own
 * port) and TCP_FASTOPEN's (the listener's queue of Fast Open children):
 * the whole struct, so that a device that never calls setsockopt() links
 * no option table. */
void tk_sockopts_inherit(tk_sockopts *child, const tk_sockopts *listener) {
    uint8_t reuse = child->flags & TK_SOF_REUSEADDR;
    uint16_t fastopen_qlen = child->fastopen_qlen;
    *child = *listener;
    child->flags = (uint8_t)((listener->flags & ~TK_SOF_REUSEADDR) | reuse);
    child->fastopen_qlen = fastopen_qlen;
}

static void store(tk_sockopts *o, const opt_row *r, int v) {
    uint8_t *p = (uint8_t *)o + r->off;
    uint8_t b = (uint8_t)v;
    uint16_t h = (uint16_t)v;
    uint32_t u = r->type == VT_SECS ? (uint32_t)v * 1000u : (uint32_t)v;
    switch (r->type) {
    case VT_FLAG:
        o->flags = (uint8_t)(v ? (o->flags | r->flag) : (o->flags & ~r->flag));
        return;
    case VT_BOOL:
        b = v != 0;
        memcpy(p, &b, 1);
        return;
    case VT_U8:
        memcpy(p, &b, 1);
        return;
    case VT_U16:
        memcpy(p, &h, sizeof(h));
        return;
    default:
        memcpy(p, &u, sizeof(u));
        return;
    }
}

static int load(const tk_sockopts *o, const opt_row *r) {
    const uint8_t *p = (const uint8_t *)o + r->off;
    uint32_t u;
    uint16_t h;
    switch (r->type) {
    case VT_FLAG:
        return (o->flags & r->flag) != 0;
    case VT_BOOL:
    case VT_U8:
        return *p;
    case VT_U16:
        memcpy(&h, p, sizeof(h));
        return h;
    case VT_SECS:
        memcpy(&u, p, sizeof(u));
        return (int)(u / 1000u);
    default:
        memcpy(&u, p, sizeof(u));
        return (int)u;
    }
}

int tk_sockopt_set_int(tk_stack *s, tk_tcb *tp, int level, int name, int v) {
    const opt_row *r = find(level, name);
    if (r == NULL || r->info.get_only || r->info.is_linger)
        return -ENOPROTOOPT;
    if (v < r->min || v > r->max)
        return -EINVAL;
    if (r->own_set != NULL)
        return r->own_set(s, tp, v);
    store(&tk_cold(tp)->opts, r, v);
    return r->after_set != NULL ? r->after_set(s, tp, v) : 0;
}

int tk_sockopt_set_linger(tk_tcb *tp, const tk_linger *l) {
    if (l->onoff && l->linger < 0)
        return -EINVAL;
    uint8_t f = tk_cold(tp)->opts.flags & (uint8_t) ~(TK_SOF_LINGER0 | TK_SOF_LINGER);
    if (l->onoff)
        f |= l->linger == 0 ? TK_SOF_LINGER0 : TK_SOF_LINGER;
    tk_cold(tp)->opts.flags = f;
    uint32_t secs = 0;
    if (l->onoff)
        secs = l->linger < TK_SOCKOPT_SECS_MAX ? (uint32_t)l->linger : TK_SOCKOPT_SECS_MAX;
    tk_cold(tp)->opts.linger_ms = secs * 1000u;
    return 0;
}

tk_linger tk_sockopt_get_linger(const tk_tcb *tp) {
    tk_linger l = {(tk_cold(tp)->opts.flags & (TK_SOF_LINGER0 | TK_SOF_LINGER)) ? 1 : 0,
                   (int)(tk_cold(tp)->opts.linger_ms / 1000u)};
    return l;
}

int tk_sockopt_get_int(tk_tcb *tp, int level, int name, int *v) {
    const opt_row *r = find(level, name);
    if (r == NULL || r->info.is_linger)
        return -ENOPROTOOPT;
    if (r->custom_get != NULL)
        return r->custom_get(tp, v);
    *v = load(&tk_cold(tp)->opts, r);
    return 0;
}
