/* FreeBSD's sysctl names (net.inet.tcp.*) and tcpkit's own (tcpkit.*):
 * each sets a tk_config field or names the one value tcpkit has. Times are
 * milliseconds, as FreeBSD's. */
#include <stddef.h>
#include <string.h>

#include "sysctl_table.h"

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
static void set_rack(tk_config *c, uint64_t v) {
    c->rack = v != 0;
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
static void set_wscale_min(tk_config *c, uint64_t v) {
    c->wscale_min = (uint8_t)v;
}
/* OP-8: tk_config.fastopen's bits (1 client, 2 server, as Linux's). */
static void set_fastopen(tk_config *c, uint64_t v) {
    c->fastopen = (uint8_t)v;
}
static void set_window_update_double(tk_config *c, uint64_t v) {
    c->window_update_double = v != 0;
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

static const sysctl_entry freebsd[] = {
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
    /* tcpkit's own: RACK-TLP loss detection (DT-12); FreeBSD's default
     * stack counts duplicate ACKs. */
    {"tcpkit.rack", SET_FIELD, set_rack, {0, 0}, NULL},
    /* tcpkit's own: FreeBSD ACKs a FIN at once, built in. */
    {"tcpkit.fin_ack_now", SET_FIELD, set_fin_ack_now, {0, 0}, NULL},
    /* tcpkit's own: FreeBSD ACKs every second segment, built in. */
    {"tcpkit.ack_second_segment", SET_FIELD, set_ack_second_segment, {0, 0}, NULL},
    /* tcpkit's own: FreeBSD's connect() fails with ECONNREFUSED for every
     * hard ICMP error. */
    {"tcpkit.icmp_errno_refused", SET_FIELD, set_icmp_errno_refused, {0, 0}, NULL},
    /* tcpkit's own: the smallest window scale announced (Linux: from
     * tcp_rmem's maximum). */
    {"tcpkit.wscale_min", SET_FIELD, set_wscale_min, {0, 14}, NULL},
    /* tcpkit's own: window updates after reads as Linux sends them. */
    {"tcpkit.window_update_double", SET_FIELD, set_window_update_double, {0, 0}, NULL},
    {"tcpkit.fastopen", SET_FIELD, set_fastopen, {0, 3}, NULL},
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

const sysctl_entry *tk_run_sysctl_freebsd(const char *name) {
    for (size_t i = 0; i < sizeof freebsd / sizeof freebsd[0]; i++)
        if (!strcmp(freebsd[i].name, name))
            return &freebsd[i];
    return NULL;
}
