/* Backtick commands of the FreeBSD suite mapped onto the stack:
 *   sysctl -w net.inet.tcp.X=V        -> a tk_config setting (docs/conformance.md)
 *   sockstat ... | grep -c STATE | grep N -> a state count of the connection table
 *   ... | setkey -c, setkey -F        -> TCP-MD5 keys (setkey.c)
 * Any other command fails the script with a message naming it. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"

#define MAX_CONNS 256

typedef enum sysctl_kind {
    SET_FIELD, /* setter applies the value to the configuration */
    FIXED,     /* tcpkit has one behaviour: accept only values in `ok` */
} sysctl_kind;

typedef struct sysctl_entry {
    const char *name;
    sysctl_kind kind;
    void (*set)(tk_config *cfg, uint64_t v);
    int64_t ok[2];      /* FIXED: accepted values (ok[1] = -1: only one); SET_FIELD: the
                         * range ok[0]..ok[1] when ok[1] > 0 (FreeBSD: EINVAL outside) */
    const char *reason; /* FIXED: why other values are refused */
} sysctl_entry;

static void set_rfc1323(tk_config *c, uint64_t v) {
    c->opt_wscale = v != 0;
    c->opt_timestamps = v != 0;
}
static void set_sack(tk_config *c, uint64_t v) {
    c->opt_sack = v != 0;
}
static void set_rcvbuf(tk_config *c, uint64_t v) {
    c->rcvbuf = (uint32_t)v;
}
static void set_sndbuf(tk_config *c, uint64_t v) {
    c->sndbuf = (uint32_t)v;
}
static void set_keepidle(tk_config *c, uint64_t v) {
    c->keepalive_idle = TK_MS(v);
}
static void set_keepintvl(tk_config *c, uint64_t v) {
    c->keepalive_intvl = TK_MS(v);
}
static void set_keepcnt(tk_config *c, uint64_t v) {
    c->keepalive_probes = (uint32_t)v;
}
static void set_keepinit(tk_config *c, uint64_t v) {
    c->keepinit = TK_MS(v);
}
static void set_rto_initial(tk_config *c, uint64_t v) {
    c->rto_initial = TK_MS(v);
}
static void set_rto_min(tk_config *c, uint64_t v) {
    c->rto_min = TK_MS(v);
}
static void set_msl(tk_config *c, uint64_t v) {
    c->msl = TK_MS(v);
}
static void set_fin_wait2(tk_config *c, uint64_t v) {
    c->fin_wait2_timeout = TK_MS(v);
}
static void set_delack(tk_config *c, uint64_t v) {
    c->delack = TK_MS(v);
}
static void set_syncookies(tk_config *c, uint64_t v) {
    c->syn_cookies = v != 0;
}
static void set_insecure_rst(tk_config *c, uint64_t v) {
    c->insecure_rst = v != 0;
}
static void set_insecure_syn(tk_config *c, uint64_t v) {
    c->insecure_syn = v != 0;
}
static void set_icmp_may_rst(tk_config *c, uint64_t v) {
    c->icmp_may_rst = v != 0;
}
static void set_ack_war_timewindow(tk_config *c, uint64_t v) {
    c->invalid_ack_ratelimit = TK_MS(v);
}
static void set_ack_war_cnt(tk_config *c, uint64_t v) {
    /* FreeBSD: 0 turns the limit off. */
    c->invalid_ack_count = v == 0 || v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}
static void set_bsd_old_ack(tk_config *c, uint64_t v) {
    c->bsd_old_ack = v != 0;
}
static void set_always_keepalive(tk_config *c, uint64_t v) {
    c->keepalive_always = v != 0;
}
static void set_initcwnd(tk_config *c, uint64_t v) {
    c->initial_window = (uint32_t)(v > UINT32_MAX ? UINT32_MAX : v);
}
static void set_drop_synfin(tk_config *c, uint64_t v) {
    c->drop_synfin = v != 0;
}
static void set_fin_ack_now(tk_config *c, uint64_t v) {
    c->fin_ack_now = v != 0;
}
static void set_ack_second_segment(tk_config *c, uint64_t v) {
    c->ack_second_segment = v != 0;
}
static void set_icmp_errno_refused(tk_config *c, uint64_t v) {
    c->icmp_errno_refused = v != 0;
}
static void set_ecn(tk_config *c, uint64_t v) {
    c->ecn = v > 2 ? -1 : (int)v; /* -1: refused by the configuration check */
}
static void set_ecn_maxretries(tk_config *c, uint64_t v) {
    c->ecn_syn_retries = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}
static void set_udp_tunnel_port(tk_config *c, uint64_t v) {
    c->udp_tunnel_port = (uint16_t)v;
}
static void set_udp_tunnel_overhead(tk_config *c, uint64_t v) {
    c->udp_tunnel_overhead = (uint16_t)v;
}

static const sysctl_entry sysctls[] = {
    {"net.inet.tcp.rfc1323", SET_FIELD, set_rfc1323, {0, 0}, NULL},
    {"net.inet.tcp.sack.enable", SET_FIELD, set_sack, {0, 0}, NULL},
    {"net.inet.tcp.recvspace", SET_FIELD, set_rcvbuf, {0, 0}, NULL},
    {"net.inet.tcp.sendspace", SET_FIELD, set_sndbuf, {0, 0}, NULL},
    {"net.inet.tcp.keepidle", SET_FIELD, set_keepidle, {0, 0}, NULL},
    {"net.inet.tcp.keepintvl", SET_FIELD, set_keepintvl, {0, 0}, NULL},
    {"net.inet.tcp.keepcnt", SET_FIELD, set_keepcnt, {0, 0}, NULL},
    {"net.inet.tcp.keepinit", SET_FIELD, set_keepinit, {0, 0}, NULL},
    {"net.inet.tcp.always_keepalive", SET_FIELD, set_always_keepalive, {0, 0}, NULL},
    {"net.inet.tcp.initcwnd_segments", SET_FIELD, set_initcwnd, {0, 0}, NULL},
    {"net.inet.tcp.rexmit_initial", SET_FIELD, set_rto_initial, {0, 0}, NULL},
    {"net.inet.tcp.rexmit_min", SET_FIELD, set_rto_min, {0, 0}, NULL},
    {"net.inet.tcp.rexmit_slop", SET_FIELD, set_rto_min, {0, 0}, NULL},
    {"net.inet.tcp.msl", SET_FIELD, set_msl, {0, 0}, NULL},
    {"net.inet.tcp.finwait2_timeout", SET_FIELD, set_fin_wait2, {0, 0}, NULL},
    {"net.inet.tcp.delacktime", SET_FIELD, set_delack, {0, 0}, NULL},
    {"net.inet.tcp.syncookies", SET_FIELD, set_syncookies, {0, 0}, NULL},
    {"net.inet.tcp.blackhole", FIXED, NULL, {0, -1}, "tcpkit always answers with RST"},
    {"net.inet.tcp.ecn.enable", SET_FIELD, set_ecn, {0, 0}, NULL},
    {"net.inet.tcp.ecn.maxretries", SET_FIELD, set_ecn_maxretries, {0, 0}, NULL},
    {"net.inet.tcp.hostcache.purgenow", FIXED, NULL, {1, 0}, "tcpkit has no host cache"},
    {"net.inet.tcp.insecure_rst", SET_FIELD, set_insecure_rst, {0, 0}, NULL},
    {"net.inet.tcp.insecure_syn", SET_FIELD, set_insecure_syn, {0, 0}, NULL},
    {"net.inet.tcp.icmp_may_rst", SET_FIELD, set_icmp_may_rst, {0, 0}, NULL},
    {"net.inet.tcp.ack_war_timewindow", SET_FIELD, set_ack_war_timewindow, {0, 0}, NULL},
    {"net.inet.tcp.ack_war_cnt", SET_FIELD, set_ack_war_cnt, {0, 0}, NULL},
    /* tcpkit's own: FreeBSD has BSD's rule built in (docs/conformance.md). */
    {"tcpkit.bsd_old_ack", SET_FIELD, set_bsd_old_ack, {0, 0}, NULL},
    /* tcpkit's own: FreeBSD ACKs a FIN at once, built in. */
    {"tcpkit.fin_ack_now", SET_FIELD, set_fin_ack_now, {0, 0}, NULL},
    /* tcpkit's own: FreeBSD ACKs every second segment, built in. */
    {"tcpkit.ack_second_segment", SET_FIELD, set_ack_second_segment, {0, 0}, NULL},
    /* tcpkit's own: FreeBSD's connect() fails with ECONNREFUSED for every
     * hard ICMP error. */
    {"tcpkit.icmp_errno_refused", SET_FIELD, set_icmp_errno_refused, {0, 0}, NULL},
    {"net.inet.tcp.syncookies_only",
     FIXED,
     NULL,
     {0, -1},
     "tcpkit uses SYN cookies only when the half-open queue is full"},
    {"net.inet.tcp.rexmit_drop_options",
     FIXED,
     NULL,
     {0, -1},
     "tcpkit keeps its options on retransmitted SYNs"},
    {"net.inet.tcp.drop_synfin", SET_FIELD, set_drop_synfin, {0, 0}, NULL},
    {"net.inet.tcp.udp_tunneling_port", SET_FIELD, set_udp_tunnel_port, {0, 65535}, NULL},
    {"net.inet.tcp.udp_tunneling_overhead", SET_FIELD, set_udp_tunnel_overhead, {8, 1024}, NULL},
};

static const sysctl_entry *find_sysctl(const char *name) {
    for (size_t i = 0; i < sizeof sysctls / sizeof sysctls[0]; i++)
        if (!strcmp(sysctls[i].name, name))
            return &sysctls[i];
    return NULL;
}

/* A value tcpkit cannot honour fails the script at the next event it could
 * influence; setting it back first (a script restoring defaults at its end)
 * leaves nothing to fail. */
static int fixed_sysctl(tk_run *r, const tk_pkt_event *ev, const sysctl_entry *e, int64_t v) {
    tk_run_unsupported *u = &r->unsupported;
    bool ok = v == e->ok[0] || v == e->ok[1];
    if (ok && u->line && !strcmp(u->name, e->name))
        u->line = 0;
    if (ok || u->line)
        return 0;
    u->line = ev->line;
    snprintf(u->name, sizeof u->name, "%s", e->name);
    snprintf(u->msg, sizeof u->msg, "sysctl %s=%lld is not supported: %s", e->name, (long long)v,
             e->reason);
    return 0;
}

/* Sets a SET_FIELD entry's value in cfg, or says why it cannot: outside the
 * entry's range (FreeBSD answers EINVAL), or, for a stack still to be
 * created (created), refused by the configuration check; a running stack
 * checks the change itself when it takes it. */
static int apply_value(const sysctl_entry *e, uint64_t v, bool created, tk_config *cfg, char *why,
                       size_t cap) {
    if (e->ok[1] > 0 && (v < (uint64_t)e->ok[0] || v > (uint64_t)e->ok[1])) {
        snprintf(why, cap, "outside %lld..%lld", (long long)e->ok[0], (long long)e->ok[1]);
        return -1;
    }
    e->set(cfg, v);
    if (!created && tk_stack_mem_size(cfg) == 0) {
        snprintf(why, cap, "not a valid tcpkit setting");
        return -1;
    }
    return 0;
}

static int sysctl(tk_run *r, const tk_pkt_event *ev, const char *args) {
    char name[64];
    unsigned long long v;
    char tail;
    if (sscanf(args, " -w %63[^= ] = %llu %c", name, &v, &tail) != 2)
        return tk_run_fail(r, ev->line, "sysctl: expected `sysctl -w NAME=NUMBER`");
    if (!strcmp(name, "kern.ipc.maxsockbuf")) {
        if (v >= r->cfg.rcvbuf && v >= r->cfg.sndbuf)
            return 0; /* a ceiling above both buffers changes nothing */
        return tk_run_fail(r, ev->line, "sysctl %s=%llu: below the socket buffer sizes", name, v);
    }
    const sysctl_entry *e = find_sysctl(name);
    if (!e)
        return tk_run_fail(r, ev->line, "sysctl %s has no tcpkit setting", name);
    if (e->kind == FIXED)
        return fixed_sysctl(r, ev, e, (int64_t)v);
    tk_config next = r->cfg;
    char why[80];
    if (apply_value(e, v, r->stack != NULL, &next, why, sizeof why))
        return tk_run_fail(r, ev->line, "sysctl %s=%llu: %s", name, v, why);
    if (memcmp(&next, &r->cfg, sizeof next) == 0)
        return 0;
    /* A running stack takes the change like a kernel takes a sysctl; only
     * settings that size its memory are fixed once it exists. */
    if (r->stack) {
        int err = tk_stack_set_config(r->stack, &next);
        if (err < 0)
            return tk_run_fail(r, ev->line,
                               "sysctl %s=%llu: the running stack refused it (error %d)", name, v,
                               err);
    }
    r->cfg = next;
    return 0;
}

int tk_run_sysctl_preset(tk_config *cfg, const char *assign, char *msg, size_t cap) {
    char name[64];
    unsigned long long v;
    char tail;
    if (sscanf(assign, "%63[^= ] = %llu %c", name, &v, &tail) != 2) {
        snprintf(msg, cap, "--sysctl %s: expected NAME=NUMBER", assign);
        return -1;
    }
    const sysctl_entry *e = find_sysctl(name);
    if (!e || e->kind != SET_FIELD) {
        snprintf(msg, cap, "--sysctl %s: not a sysctl with a tcpkit setting", name);
        return -1;
    }
    char why[80];
    if (apply_value(e, v, false, cfg, why, sizeof why)) {
        snprintf(msg, cap, "--sysctl %s=%llu: %s", name, v, why);
        return -1;
    }
    return 0;
}

static int state_by_name(const char *name) {
    for (int s = 0; s < TK_TCP_NSTATES; s++)
        if (!strcmp(tk_tcp_state_name(s), name))
            return s;
    if (!strcmp(name, "SYN_RECEIVED") || !strcmp(name, "SYN_RECV"))
        return TK_TCP_SYN_RCVD;
    return -1;
}

static bool on_port(const tk_sockaddr *local, const tk_sockaddr *remote, long port) {
    return port < 0 || local->port == port || remote->port == port;
}

static long table_count(tk_run *r, int st, long port) {
    tk_conn_info conns[MAX_CONNS];
    int n = tk_stack_conn_table(r->stack, conns, MAX_CONNS);
    long count = 0;
    for (int i = 0; i < n && i < MAX_CONNS; i++)
        if (conns[i].state == st && on_port(&conns[i].local, &conns[i].remote, port))
            count++;
    return count;
}

/* sockstat shows a socket whose connection is gone (reset, or never made)
 * as CLOSED; the connection table has no entry for it, so count the script's
 * open descriptors that have none. */
static long closed_sockets(tk_run *r, long port) {
    tk_conn_info conns[MAX_CONNS];
    int n = tk_stack_conn_table(r->stack, conns, MAX_CONNS);
    long count = 0;
    for (int fd = 0; fd < TK_RUN_MAX_FDS; fd++) {
        if (r->sd[fd] < 0)
            continue;
        bool live = false;
        for (int i = 0; i < n && i < MAX_CONNS; i++)
            live = live || (conns[i].sd == r->sd[fd] && conns[i].state != TK_TCP_CLOSED);
        tk_sockaddr local = {0}, remote = {0};
        (void)tk_getsockname(r->stack, r->sd[fd], &local);
        (void)tk_getpeername(r->stack, r->sd[fd], &remote);
        if (!live && on_port(&local, &remote, port))
            count++;
    }
    return count;
}

/* sockstat -4 -P tcp [-p PORT] -s | grep WORD | grep -c STATE | grep N */
static int sockstat(tk_run *r, const tk_pkt_event *ev, const char *cmd) {
    char state[24] = "";
    long port = -1, want = -1;
    const char *p = strstr(cmd, "-p "), *bar = strchr(cmd, '|');
    if (p && (!bar || p < bar))
        port = strtol(p + 3, NULL, 10);
    const char *c = strstr(cmd, "grep -c ");
    const char *last = strrchr(cmd, '|');
    if (!c || sscanf(c + 8, "%23[A-Z_0-9]", state) != 1 || !last || last < c ||
        sscanf(last + 1, " grep %ld", &want) != 1)
        return tk_run_fail(r, ev->line,
                           "sockstat: expected `sockstat ... | grep -c STATE | grep N`");
    int st = state_by_name(state);
    if (st < 0)
        return tk_run_fail(r, ev->line, "sockstat: unknown TCP state %s", state);
    long count = st == TK_TCP_CLOSED ? closed_sockets(r, port) : table_count(r, st, port);
    if (count != want)
        return tk_run_fail(r, ev->line, "expected %ld connections in %s, got %ld", want, state,
                           count);
    return 0;
}

int tk_run_command(tk_run *r, const tk_pkt_event *ev) {
    const char *cmd = ev->text;
    while (isspace((unsigned char)*cmd))
        cmd++;
    if (!strncmp(cmd, "sysctl ", 7))
        return sysctl(r, ev, cmd + 7);
    if (!strncmp(cmd, "sockstat ", 9)) {
        if (tk_run_stack(r, ev->line))
            return 1;
        return sockstat(r, ev, cmd);
    }
    if (!strncmp(cmd, "kldstat ", 8) || !strncmp(cmd, "echo ", 5) || !strncmp(cmd, "setkey ", 7))
        return tk_run_setkey(r, ev, cmd);
    if (!strncmp(cmd, "tcpdrop ", 8))
        return tk_run_fail(r, ev->line, "tcpdrop: tcpkit has no call to drop connections");
    return tk_run_fail(r, ev->line, "unsupported command `%.60s`", cmd);
}
