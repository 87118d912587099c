/* Backtick commands mapped onto the stack (backticks never run a shell):
 *   sysctl [-q] [-w] NAME=V..., echo V > /proc/sys/NAME
 *                                     -> a tk_config setting (sysctl_table.h)
 *   .../defaults.sh                   -> upstream packetdrill's Linux defaults
 *   .../set_sysctls.py /proc/sys/N=V  -> the sysctls N
 *   sockstat ... | grep -c STATE | grep N -> a state count of the connection table
 *   ... | setkey -c, setkey -F        -> TCP-MD5 keys (setkey.c)
 * Any other command fails the script with a message naming it. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "sysctl_table.h"
#include "tcpkit/socket.h"
#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"

#define MAX_CONNS 256

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

/* A sysctl value: a number, or Linux's "min default max" triple (the
 * default is the one a new socket gets), quotes allowed. */
static bool parse_value(const char *text, unsigned long long *v) {
    unsigned long long n[3];
    char tail;
    const char *t = text + (text[0] == '"' || text[0] == '\'');
    int got = sscanf(t, "%llu %llu %llu %c", &n[0], &n[1], &n[2], &tail);
    if (got == 1 || got == 3 || (got == 4 && (tail == '"' || tail == '\''))) {
        *v = got == 1 ? n[0] : n[1];
        return true;
    }
    got = sscanf(t, "%llu%c", &n[0], &tail);
    if (got == 2 && (tail == '"' || tail == '\'')) {
        *v = n[0];
        return true;
    }
    return false;
}

/* A sysctl or command tcpkit has nothing for: fails the script on its line,
 * or under --non_fatal is reported on the PASS line and skipped. */
static int unknown(tk_run *r, const tk_pkt_event *ev, const char *what) {
    return tk_run_mismatch(r, ev->line, "%s", what);
}

/* net.ipv4.tcp_congestion_control (SPEC DT-13): Linux's "reno" is
 * tcpkit's NewReno, "cubic" CUBIC; new sockets take it, as in Linux. */
static int congestion_sysctl(tk_run *r, const tk_pkt_event *ev, const char *name, const char *val) {
    tk_config next = r->cfg;
    if (!strcmp(val, "reno") || !strcmp(val, "\"reno\""))
        next.cc_algorithm = TK_CC_ALGO_NEWRENO;
    else if (!strcmp(val, "cubic") || !strcmp(val, "\"cubic\""))
        next.cc_algorithm = TK_CC_ALGO_CUBIC;
    else {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "sysctl %s=%s is not supported: tcpkit has reno (NewReno) and cubic", name, val);
        return unknown(r, ev, msg);
    }
    if (r->stack && tk_stack_set_config(r->stack, &next) < 0)
        return tk_run_fail(r, ev->line, "sysctl %s=%s: the running stack refused it", name, val);
    r->cfg = next;
    return 0;
}

/* NAME=VALUE: one assignment, FreeBSD's or Linux's name. */
static int sysctl_assign(tk_run *r, const tk_pkt_event *ev, const char *name, const char *val) {
    unsigned long long v;
    char msg[160];
    if (!strcmp(name, "net.ipv4.tcp_congestion_control"))
        return congestion_sysctl(r, ev, name, val);
    const sysctl_entry *e = tk_run_sysctl_find(name);
    if (!e && strcmp(name, "kern.ipc.maxsockbuf")) {
        snprintf(msg, sizeof msg, "sysctl %s has no tcpkit setting", name);
        return unknown(r, ev, msg);
    }
    if (!parse_value(val, &v))
        return tk_run_fail(r, ev->line, "sysctl %s=%s: the value is not a number", name, val);
    if (!e) { /* kern.ipc.maxsockbuf */
        if (v >= r->cfg.rcvbuf && v >= r->cfg.sndbuf)
            return 0; /* a ceiling above both buffers changes nothing */
        return tk_run_fail(r, ev->line, "sysctl %s=%llu: below the socket buffer sizes", name, v);
    }
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

/* "NAME=VALUE" (VALUE possibly quoted, with blanks) -> both parts. */
static const char *split_assign(const char *p, char *name, size_t ncap, char *val, size_t vcap) {
    size_t n = strcspn(p, "= \t");
    if (p[n] != '=' || n == 0 || n >= ncap)
        return NULL;
    memcpy(name, p, n);
    name[n] = '\0';
    p += n + 1;
    size_t m = p[0] == '"' ? strcspn(p + 1, "\"") + 2 : strcspn(p, " \t");
    if (m >= vcap || (p[0] == '"' && p[m - 1] != '"'))
        return NULL;
    memcpy(val, p, m);
    val[m] = '\0';
    return p + m;
}

/* sysctl [-q] [-w] [-n] NAME=VALUE...: Linux's and FreeBSD's forms. */
static int sysctl(tk_run *r, const tk_pkt_event *ev, const char *args) {
    const char *p = args;
    while (*p == ' ' || *p == '-') {
        if (*p == '-')
            p += 1 + strspn(p + 1, "qwn");
        p += strspn(p, " \t");
    }
    int count = 0;
    while (*p) {
        char name[96], val[96];
        const char *next = split_assign(p, name, sizeof name, val, sizeof val);
        if (!next)
            return tk_run_fail(r, ev->line, "sysctl: expected `sysctl [-q] [-w] NAME=VALUE...`");
        if (sysctl_assign(r, ev, name, val))
            return 1;
        count++;
        p = next + strspn(next, " \t");
    }
    if (count == 0)
        return tk_run_fail(r, ev->line, "sysctl: expected `sysctl [-q] [-w] NAME=VALUE...`");
    return 0;
}

/* echo VALUE > /proc/sys/net/ipv4/NAME: the sysctl net.ipv4.NAME. */
static int proc_sys(tk_run *r, const tk_pkt_event *ev, const char *cmd) {
    char val[96], path[128], tail;
    if (sscanf(cmd, "echo %95[^>] > /proc/sys/%127s %c", val, path, &tail) != 2)
        return tk_run_fail(r, ev->line, "expected `echo VALUE > /proc/sys/NAME`");
    for (size_t n = strlen(val); n > 0 && val[n - 1] == ' '; n--)
        val[n - 1] = '\0';
    for (char *c = path; *c; c++)
        if (*c == '/')
            *c = '.';
    return sysctl_assign(r, ev, path, val);
}

/* Upstream packetdrill's `../common/defaults.sh`: Linux's settings, those
 * tcpkit has (sysctl_linux.c). */
static int linux_defaults(tk_run *r, const tk_pkt_event *ev) {
    for (const char *const *a = tk_run_linux_defaults; *a; a++) {
        char name[96], val[96];
        if (!split_assign(*a, name, sizeof name, val, sizeof val) ||
            sysctl_assign(r, ev, name, val))
            return 1;
    }
    return 0;
}

/* The command without a trailing `> /dev/null 2>&1` (output is not kept). */
static void strip_redirects(char *cmd) {
    static const char *const tails[] = {" 2>&1", " > /dev/null", " >/dev/null", " 2>/dev/null"};
    for (bool again = true; again;) {
        again = false;
        size_t n = strlen(cmd);
        while (n > 0 && isspace((unsigned char)cmd[n - 1]))
            cmd[--n] = '\0';
        for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
            size_t t = strlen(tails[i]);
            if (n >= t && !strcmp(cmd + n - t, tails[i])) {
                cmd[n - t] = '\0';
                again = true;
            }
        }
    }
}

static bool is_defaults_sh(const char *cmd) {
    size_t n = strlen(cmd);
    return !strchr(cmd, ' ') && n >= 11 && !strcmp(cmd + n - 11, "defaults.sh");
}

int tk_run_sysctl_preset(tk_config *cfg, const char *assign, char *msg, size_t cap) {
    char name[64];
    unsigned long long v;
    char tail;
    if (sscanf(assign, "%63[^= ] = %llu %c", name, &v, &tail) != 2) {
        snprintf(msg, cap, "--sysctl %s: expected NAME=NUMBER", assign);
        return -1;
    }
    const sysctl_entry *e = tk_run_sysctl_find(name);
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

/* upstream packetdrill's set_sysctls.py /proc/sys/A/B=VALUE...: each
 * argument the sysctl A.B (Linux's names). */
static int set_sysctls_py(tk_run *r, const tk_pkt_event *ev, const char *args) {
    const char *p = args + strspn(args, " \t");
    if (!*p)
        return tk_run_fail(r, ev->line, "set_sysctls.py: expected /proc/sys/NAME=VALUE...");
    while (*p) {
        char name[96], val[96];
        if (strncmp(p, "/proc/sys/", 10))
            return tk_run_fail(r, ev->line, "set_sysctls.py: expected /proc/sys/NAME=VALUE");
        const char *next = split_assign(p + 10, name, sizeof name, val, sizeof val);
        if (!next)
            return tk_run_fail(r, ev->line, "set_sysctls.py: expected /proc/sys/NAME=VALUE");
        for (char *c = name; *c; c++)
            if (*c == '/')
                *c = '.';
        if (sysctl_assign(r, ev, name, val))
            return 1;
        p = next + strspn(next, " \t");
    }
    return 0;
}

static bool first_word_ends(const char *cmd, const char *suffix) {
    size_t n = strcspn(cmd, " \t"), k = strlen(suffix);
    return n >= k && !strncmp(cmd + n - k, suffix, k);
}

static int run_one(tk_run *r, const tk_pkt_event *ev, char *cmd) {
    strip_redirects(cmd);
    if (!strncmp(cmd, "sysctl ", 7))
        return sysctl(r, ev, cmd + 7);
    if (!strncmp(cmd, "echo ", 5) && strstr(cmd, "/proc/sys/"))
        return proc_sys(r, ev, cmd);
    if (is_defaults_sh(cmd))
        return linux_defaults(r, ev);
    if (first_word_ends(cmd, "set_sysctls.py"))
        return set_sysctls_py(r, ev, cmd + strcspn(cmd, " \t"));
    if (!strncmp(cmd, "sockstat ", 9)) {
        if (tk_run_stack(r, ev->line))
            return 1;
        return sockstat(r, ev, cmd);
    }
    if (!strncmp(cmd, "kldstat ", 8) || !strncmp(cmd, "echo ", 5) || !strncmp(cmd, "setkey ", 7))
        return tk_run_setkey(r, ev, cmd);
    if (!strncmp(cmd, "tcpdrop ", 8))
        return tk_run_fail(r, ev->line, "tcpdrop: tcpkit has no call to drop connections");
    char msg[120];
    snprintf(msg, sizeof msg, "unsupported command `%.60s`", cmd);
    return unknown(r, ev, msg);
}

/* A backtick may hold several commands, one per line (packetdrill runs
 * them with a shell, line by line). */
int tk_run_command(tk_run *r, const tk_pkt_event *ev) {
    char text[2048];
    snprintf(text, sizeof text, "%s", ev->text);
    if (strstr(text, "setkey")) {
        /* setkey's input spans lines as one command (setkey.c). */
        char *t = text + strspn(text, " \t\r\n");
        return run_one(r, ev, t);
    }
    int n = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        line += strspn(line, " \t\r");
        if (!*line)
            continue;
        n++;
        if (run_one(r, ev, line))
            return 1;
    }
    return n ? 0 : tk_run_fail(r, ev->line, "empty command");
}
