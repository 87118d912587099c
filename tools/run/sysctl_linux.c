/* Linux's sysctl names (net.ipv4.*), as `sysctl -q NAME=V` or `echo V >
 * /proc/sys/net/ipv4/NAME` set them, mapped onto the same tcpkit settings
 * as FreeBSD's. Times are seconds, as Linux's. */
#include <stddef.h>
#include <string.h>

#include "sysctl_table.h"

static void set_sack(tk_config *c, uint64_t v) {
    c->opt_sack = v != 0;
}
/* Bit 0x1 of net.ipv4.tcp_recovery turns RACK on. */
static void set_recovery(tk_config *c, uint64_t v) {
    c->rack = (v & 1u) != 0;
}
static void set_timestamps(tk_config *c, uint64_t v) {
    c->opt_timestamps = v != 0;
}
static void set_wscale(tk_config *c, uint64_t v) {
    c->opt_wscale = v != 0;
}
static void set_ecn(tk_config *c, uint64_t v) {
    c->ecn = (int)v; /* 0 off, 1 ask and accept, 2 accept: tcpkit's values */
}
static void set_syncookies(tk_config *c, uint64_t v) {
    c->syn_cookies = v != 0;
}
static void set_syn_retries(tk_config *c, uint64_t v) {
    c->syn_retries = (uint32_t)v;
}
static void set_synack_retries(tk_config *c, uint64_t v) {
    c->synack_retries = (uint32_t)v;
}
static void set_retries2(tk_config *c, uint64_t v) {
    c->retries2 = (uint32_t)v;
}
static void set_fin_timeout(tk_config *c, uint64_t v) {
    c->fin_wait2_timeout = TK_SEC(v);
}
static void set_keepalive_time(tk_config *c, uint64_t v) {
    c->keepalive_idle = TK_SEC(v);
}
static void set_keepalive_intvl(tk_config *c, uint64_t v) {
    c->keepalive_intvl = TK_SEC(v);
}
static void set_keepalive_probes(tk_config *c, uint64_t v) {
    c->keepalive_probes = (uint32_t)v;
}
/* tcp_rmem / tcp_wmem are "min default max": the value given is the
 * default, the size every new socket starts with. */
static void set_rmem(tk_config *c, uint64_t v) {
    c->rcvbuf = (uint32_t)v;
}
static void set_wmem(tk_config *c, uint64_t v) {
    c->sndbuf = (uint32_t)v;
}

/* OP-8: the client (1) and server (2) bits; Linux's others (0x200 no
 * cookie needed, 0x400 every listener, ...) have no tcpkit setting and are
 * refused by the range. */
static void set_fastopen(tk_config *c, uint64_t v) {
    c->fastopen = (uint8_t)v;
}

static const sysctl_entry linux_names[] = {
    {"net.ipv4.tcp_sack", SET_FIELD, set_sack, {0, 0}, NULL},
    {"net.ipv4.tcp_recovery", SET_FIELD, set_recovery, {0, 0}, NULL},
    {"net.ipv4.tcp_timestamps", SET_FIELD, set_timestamps, {0, 0}, NULL},
    {"net.ipv4.tcp_window_scaling", SET_FIELD, set_wscale, {0, 0}, NULL},
    {"net.ipv4.tcp_ecn", SET_FIELD, set_ecn, {0, 2}, NULL},
    /* 2 (cookies for every SYN) is refused: outside the range. */
    {"net.ipv4.tcp_syncookies", SET_FIELD, set_syncookies, {0, 1}, NULL},
    {"net.ipv4.tcp_syn_retries", SET_FIELD, set_syn_retries, {1, 127}, NULL},
    {"net.ipv4.tcp_synack_retries", SET_FIELD, set_synack_retries, {1, 127}, NULL},
    {"net.ipv4.tcp_retries2", SET_FIELD, set_retries2, {1, 127}, NULL},
    {"net.ipv4.tcp_fin_timeout", SET_FIELD, set_fin_timeout, {1, 86400}, NULL},
    {"net.ipv4.tcp_keepalive_time", SET_FIELD, set_keepalive_time, {1, 86400}, NULL},
    {"net.ipv4.tcp_keepalive_intvl", SET_FIELD, set_keepalive_intvl, {1, 86400}, NULL},
    {"net.ipv4.tcp_keepalive_probes", SET_FIELD, set_keepalive_probes, {1, 127}, NULL},
    {"net.ipv4.tcp_rmem", SET_FIELD, set_rmem, {0, 0}, NULL},
    {"net.ipv4.tcp_wmem", SET_FIELD, set_wmem, {0, 0}, NULL},
    {"net.ipv4.tcp_dsack", FIXED, NULL, {1, -1}, "tcpkit sends D-SACK blocks whenever SACK is on"},
    {"net.ipv4.tcp_fack", FIXED, NULL, {0, -1}, "tcpkit has no FACK"},
    {"net.ipv4.tcp_reordering", FIXED, NULL, {3, -1}, "tcpkit's duplicate-ACK threshold is 3"},
    {"net.ipv4.tcp_fastopen", SET_FIELD, set_fastopen, {0, 3}, NULL},
    {"net.ipv4.tcp_early_retrans", FIXED, NULL, {0, -1}, "tcpkit has no RACK or TLP"},
    {"net.ipv4.tcp_recovery", FIXED, NULL, {0, -1}, "tcpkit has no RACK"},
    {"net.ipv4.tcp_frto", FIXED, NULL, {0, -1}, "tcpkit has no F-RTO setting"},
    {"net.ipv4.tcp_notsent_lowat",
     FIXED,
     NULL,
     {4294967295, -1},
     "tcpkit has no TCP_NOTSENT_LOWAT"},
};

const sysctl_entry *tk_run_sysctl_linux(const char *name) {
    for (size_t i = 0; i < sizeof linux_names / sizeof linux_names[0]; i++)
        if (!strcmp(linux_names[i].name, name))
            return &linux_names[i];
    return NULL;
}

/* What the upstream packetdrill tests' defaults.sh sets that tcpkit has a
 * setting for (docs/conformance.md lists what it also sets and tcpkit
 * cannot: CUBIC, RACK, F-RTO, pacing, Fast Open, socket buffer sizes). */
const char *const tk_run_linux_defaults[] = {
    "net.ipv4.tcp_timestamps=1",
    "net.ipv4.tcp_sack=1",
    "net.ipv4.tcp_dsack=1",
    "net.ipv4.tcp_syn_retries=5",
    "net.ipv4.tcp_synack_retries=5",
    "net.ipv4.tcp_ecn=0",
    "net.ipv4.tcp_syncookies=1",
    /* tcp_rmem's maximum there, 15 MiB, makes Linux announce window scale
     * 8: ilog2(15 MiB) - 15. */
    "tcpkit.wscale_min=8",
    NULL,
};

const sysctl_entry *tk_run_sysctl_find(const char *name) {
    const sysctl_entry *e = tk_run_sysctl_linux(name);
    return e ? e : tk_run_sysctl_freebsd(name);
}
