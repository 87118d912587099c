/* packetdrill's header options. Those that describe the test's host and
 * its addresses are honoured; those tcpkit cannot apply are refused by
 * name with the reason, never ignored. */
#include "pkt_header.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int fail(tk_pkt_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(tk_pkt_error *err, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

static bool u32_text(const char *s, uint32_t *out) {
    tk_pkt_lex lx;
    tk_pkt_lex_init(&lx, s);
    return tk_pkt_lex_u32(&lx, out) && tk_pkt_lex_eof(&lx);
}

/* a.b.c.d, with an optional /prefix (--remote_ip=192.0.2.1/24). */
static bool ipv4_text(const char *s, uint32_t *out) {
    unsigned a, b, c, d, len;
    char tail;
    int n = sscanf(s, "%u.%u.%u.%u%c%u", &a, &b, &c, &d, &tail, &len);
    if (n != 4 && !(n == 6 && tail == '/' && len <= 32))
        return false;
    if (a > 255 || b > 255 || c > 255 || d > 255)
        return false;
    *out = a << 24 | b << 16 | c << 8 | d;
    return true;
}

/* An IPv6 address, with an optional /prefix (--local_ip=fd3d::1/48). */
static bool ipv6_text(const char *s, uint8_t out[16]) {
    char text[64];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n >= sizeof text)
        return false;
    memcpy(text, s, n);
    text[n] = '\0';
    uint32_t len = 0;
    if (slash && !(u32_text(slash + 1, &len) && len <= 128))
        return false;
    return inet_pton(AF_INET6, text, out) == 1;
}

/* --ip_version: ipv4, ipv6, or ipv4-mapped-ipv6 (also written with '_'). */
int tk_pkt_ip_version(const char *v) {
    if (!strcmp(v, "ipv4"))
        return TK_PKT_IPV4;
    if (!strcmp(v, "ipv6"))
        return TK_PKT_IPV6;
    if (!strcmp(v, "ipv4-mapped-ipv6") || !strcmp(v, "ipv4_mapped_ipv6"))
        return TK_PKT_IPV4_MAPPED;
    return -1;
}

/* --non_fatal=packet,syscall (a comma list). */
static int non_fatal(const char *v, tk_pkt_headers *h, tk_pkt_error *err) {
    char list[96];
    snprintf(list, sizeof list, "%s", v);
    for (char *save = NULL, *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        if (!strcmp(t, "syscall"))
            h->non_fatal_syscall = true;
        else if (!strcmp(t, "packet"))
            return fail(err, "--non_fatal=%s is not supported: %s", t,
                        "a packet that differs always fails the script");
        else
            return fail(err, "--non_fatal: unknown kind %s (packet, syscall)", t);
    }
    return 0;
}

typedef struct refused {
    const char *name;
    const char *why;
} refused;

/* Options packetdrill knows that make no sense for, or cannot be honoured
 * by, a stack on virtual time in the runner's process. */
static const refused refused_opts[] = {
    {"speed", "the runner's link has no rate"},
    {"tolerance_percent", "only --tolerance_usecs is applied"},
    {"init_scripts", "the runner runs no shell scripts"},
    {"code_command", "code blocks are answered by the runner, not run"},
    {"code_format", "code blocks are answered by the runner, not run"},
    {"code_sockopt", "code blocks are answered by the runner, not run"},
    {"wire_client", "the runner has no wire mode"},
    {"wire_server", "the runner has no wire mode"},
    {"wire_server_ip", "the runner has no wire mode"},
    {"wire_server_port", "the runner has no wire mode"},
    {"wire_client_dev", "the runner has no wire mode"},
    {"wire_server_dev", "the runner has no wire mode"},
    {"dry_run", "give the script to tcpkit run or not"},
    {"define", "use tcpkit run -D NAME"},
    {"tcp_ts_ecr_scaled", "tcpkit compares TS ecr values as written"},
    {"strict_segments", "every segment is compared as written already"},
    {"local_linklocal_ip", "the runner's IPv6 peer is on-link at a global address"},
    {"gateway_linklocal_ip", "the runner's IPv6 peer is on-link at a global address"},
};

static int refuse(const char *name, tk_pkt_error *err) {
    for (size_t i = 0; i < sizeof refused_opts / sizeof refused_opts[0]; i++)
        if (!strcmp(refused_opts[i].name, name))
            return fail(err, "--%s is not supported: %s", name, refused_opts[i].why);
    return fail(err, "unknown or malformed header --%s", name);
}

/* --local_ip / --remote_ip with an IPv6 value. */
static int addr6(const char *name, const char *v, tk_pkt_headers *h, bool *done) {
    bool local = !strcmp(name, "local_ip");
    *done = local || !strcmp(name, "remote_ip");
    if (!*done)
        return 0;
    uint8_t *a = local ? h->local_ip6 : h->remote_ip6;
    if (!ipv6_text(v, a))
        return -1;
    *(local ? &h->has_local_ip6 : &h->has_remote_ip6) = true;
    return 0;
}

static int addr_or_port(const char *name, const char *v, tk_pkt_headers *h, bool *done) {
    uint32_t n = 0;
    if (strchr(v, ':') && addr6(name, v, h, done) == 0 && *done)
        return 0;
    uint32_t *ip = !strcmp(name, "local_ip")     ? &h->local_ip
                   : !strcmp(name, "remote_ip")  ? &h->remote_ip
                   : !strcmp(name, "gateway_ip") ? &h->gateway_ip
                   : !strcmp(name, "netmask_ip") ? &h->netmask_ip
                                                 : NULL;
    uint16_t *port = !strcmp(name, "bind_port")      ? &h->bind_port
                     : !strcmp(name, "connect_port") ? &h->connect_port
                                                     : NULL;
    *done = ip || port;
    if (ip)
        return ipv4_text(v, ip) && *ip != 0 ? 0 : -1;
    if (port && u32_text(v, &n) && n > 0 && n <= 65535) {
        *port = (uint16_t)n;
        return 0;
    }
    return port ? -1 : 0;
}

/* The runner's own options (ip_version, tolerance, mtu, md5, udp). */
static int own(const char *name, const char *v, tk_pkt_headers *h, bool *done) {
    uint32_t n;
    *done = true;
    if (!strcmp(name, "ip_version")) {
        int version = tk_pkt_ip_version(v);
        if (version < 0)
            return -1;
        h->ip_version = version;
    } else if (!strcmp(name, "tolerance_usecs") && u32_text(v, &n) && n > 0) {
        h->tolerance_usecs = n;
    } else if (!strcmp(name, "mss") && u32_text(v, &n) && n <= 65535) {
        h->mss = n;
    } else if (!strcmp(name, "mtu") && u32_text(v, &n) && n <= 65535) {
        h->mtu = n;
    } else if (!strcmp(name, "tcp_ts_tick_usecs") && u32_text(v, &n) && (n == 0 || n == 1000)) {
        h->ts_tick_usecs = (int)n;
    } else if (!strcmp(name, "tcp_md5_secret") && v[0] && strlen(v) < sizeof h->md5_key) {
        h->md5_secret = true;
        memcpy(h->md5_key, v, strlen(v) + 1);
    } else if (!strcmp(name, "udp_encapsulation") && !strcmp(v, "tcp")) {
        h->udp_encapsulation = true;
    } else if (!strcmp(name, "verbose") || !strcmp(name, "debug") || !strcmp(name, "no_cleanup")) {
        /* How packetdrill reports, nothing about the test: -v is tcpkit run's. */
    } else {
        *done = false;
    }
    return 0;
}

static int split(const char *line, char *name, size_t ncap, char *v, size_t vcap) {
    const char *eq = strchr(line, '=');
    const char *val = eq ? eq + 1 : "";
    size_t n = eq ? (size_t)(eq - line) : strlen(line);
    while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
        n--;
    if (n < 3 || n - 2 >= ncap)
        return -1;
    memcpy(name, line + 2, n - 2);
    name[n - 2] = '\0';
    while (*val == ' ' || *val == '\t')
        val++;
    snprintf(v, vcap, "%s", val);
    for (size_t i = strlen(v); i > 0 && (v[i - 1] == ' ' || v[i - 1] == '\t' || v[i - 1] == '\r');)
        v[--i] = '\0';
    return 0;
}

int tk_pkt_parse_header(const char *line, tk_pkt_headers *h, tk_pkt_error *err) {
    char name[32], v[96];
    bool done = false;
    if (split(line, name, sizeof name, v, sizeof v))
        return fail(err, "malformed header line");
    if (!strcmp(name, "tcp_ts_tick_usecs") && strcmp(v, "0") && strcmp(v, "1000"))
        return fail(err, "--%s=%s is not supported: tcpkit's timestamp clock ticks every 1000 us",
                    name, v);
    if (!strcmp(name, "non_fatal"))
        return non_fatal(v, h, err);
    if (!strcmp(name, "tcp_md5_secret") && strlen(v) >= sizeof h->md5_key)
        return fail(err, "--%s is longer than 80 bytes", name);
    int rc = own(name, v, h, &done);
    if (!done)
        rc = addr_or_port(name, v, h, &done);
    if (!done)
        return refuse(name, err);
    if (rc)
        return fail(err, "malformed value for --%s: %s", name, v);
    return 0;
}
