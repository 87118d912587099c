/* Network options and stack bring-up for serve and connect. */
#include "net_setup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tcpkit/stats.h"
#include "tcpkit/tcp_state.h"

int tk_netopts_take(tk_netopts *o, tk_cli *c, const char *a) {
    static const char *const names[] = {"--tap",  "--addr",   "--gw",  "--mac",
                                        "--pcap", "--impair", "--xdp", "--dpdk"};
    const char **slots[] = {&o->tap,  &o->addr,   &o->gw,  &o->mac,
                            &o->pcap, &o->impair, &o->xdp, &o->dpdk};
    if (strcmp(a, "--offload") == 0 || strcmp(a, "--no-offload") == 0) {
        o->offload = a[2] == 'o';
        o->offload_set = true;
        return 0;
    }
    if (strcmp(a, "--no-tso") == 0) {
        o->no_tso = true;
        return 0;
    }
    if (tk_cli_is(c, a, "--busy-poll")) {
        uint64_t v = 0;
        int rc = tk_cli_range(c, 0, 1000000, &v);
        o->busy_us = (uint32_t)v;
        return rc;
    }
    if (tk_cli_is(c, a, "--sockets")) {
        uint64_t v = 0;
        int rc = tk_cli_range(c, 2, TK_NET_SOCKETS_MAX, &v);
        o->sockets = (uint32_t)v;
        return rc;
    }
    if (tk_cli_is(c, a, "--time-wait")) {
        uint64_t v = 0;
        int rc = tk_cli_range(c, 0, TK_NET_TIME_WAIT_MAX, &v);
        o->time_wait = (uint32_t)v;
        o->time_wait_set = true;
        return rc;
    }
    if (tk_cli_is(c, a, "--buffers")) {
        uint64_t v = 0;
        int rc = tk_cli_range(c, TK_NET_BUFFERS_MIN, TK_NET_BUFFERS_MAX, &v);
        o->buffers = (uint32_t)v;
        return rc;
    }
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
        if (!tk_cli_is(c, a, names[k]))
            continue;
        const char *v = NULL;
        int rc = tk_cli_str(c, k == 1 ? &v : slots[k]);
        if (rc == 0 && k == 1)
            *(strchr(v, ':') != NULL || strcmp(v, "slaac") == 0 ? &o->addr6 : &o->addr) =
                v; /* NET-4: by family */
        return rc;
    }
    return 1;
}

int tk_netopts_check(const tk_netopts *o, const tk_cli *c) {
    int devices = (o->tap != NULL) + (o->xdp != NULL) + (o->dpdk != NULL);
    if (devices == 0)
        return tk_cli_fail(c, "missing option", "--tap");
    if (devices > 1)
        return tk_cli_fail(c, "one device only:", "--tap, --xdp or --dpdk");
    if (o->xdp != NULL && !tk_netdev_have_xdp())
        return tk_cli_fail(c, "built without AF_XDP (libxdp, libbpf):", "--xdp");
    if (o->dpdk != NULL && !tk_netdev_have_dpdk())
        return tk_cli_fail(c, "built without DPDK (libdpdk):", "--dpdk");
    if (o->offload && o->tap == NULL)
        return tk_cli_fail(c, "offloads are TAP's only:", "--offload");
    if (o->addr == NULL && o->addr6 == NULL)
        return tk_cli_fail(c, "missing option", "--addr");
    return 0;
}

int tk_parse_ipv4(const char *s, uint32_t *out) {
    unsigned a, b, c, d;
    char tail;
    if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 || c > 255 ||
        d > 255)
        return -EINVAL;
    *out = (uint32_t)(a << 24 | b << 16 | c << 8 | d);
    return 0;
}

const char *tk_fmt_endpoint(char *buf, size_t cap, uint32_t addr, uint16_t port) {
    snprintf(buf, cap, "%u.%u.%u.%u:%u", addr >> 24, (addr >> 16) & 255u, (addr >> 8) & 255u,
             addr & 255u, port);
    return buf;
}

const char *tk_fmt_sockaddr(char *buf, size_t cap, const tk_sockaddr *a) {
    if (a->family != TK_AF_INET6)
        return tk_fmt_endpoint(buf, cap, a->addr, a->port);
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a->addr6, text, sizeof text);
    snprintf(buf, cap, "[%s]:%u", text, a->port);
    return buf;
}

static int parse_prefix(const char *s, uint32_t *addr, uint32_t *mask) {
    char buf[32];
    const char *slash = strchr(s, '/');
    if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = '\0';
    char *end;
    long n = strtol(slash + 1, &end, 10);
    if (*end != '\0' || n < 1 || n > 32 || tk_parse_ipv4(buf, addr) < 0)
        return -EINVAL;
    *mask = n == 32 ? 0xffffffffu : ~(0xffffffffu >> n);
    return 0;
}

/* "x:x::x/N" (N 1..128; 64 when absent) into a network-order address. */
static int parse_prefix6(const char *s, uint8_t addr[16], uint8_t *len) {
    char buf[64];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    long bits = 64;
    if (slash != NULL) {
        char *end;
        bits = strtol(slash + 1, &end, 10);
        if (*end != '\0' || bits < 1 || bits > 128)
            return -EINVAL;
    }
    if (inet_pton(AF_INET6, buf, addr) != 1)
        return -EINVAL;
    *len = (uint8_t)bits;
    return 0;
}

static int parse_mac(const char *s, uint8_t mac[6]) {
    unsigned v[6];
    char tail;
    if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
        return -EINVAL;
    for (int k = 0; k < 6; k++) {
        if (v[k] > 255)
            return -EINVAL;
        mac[k] = (uint8_t)v[k];
    }
    return (mac[0] & 1u) ? -EINVAL : 0;
}

/* The stack's ctx is the loop (for output); the net holds the loop. */
static uint32_t next_random(void *ctx) {
    tk_net *n = (tk_net *)(void *)((uint8_t *)ctx - offsetof(tk_net, loop));
    /* xorshift64*: seeded from the system's entropy source at start. */
    n->rng ^= n->rng >> 12;
    n->rng ^= n->rng << 25;
    n->rng ^= n->rng >> 27;
    return (uint32_t)((n->rng * 0x2545f4914f6cdd1dull) >> 32);
}

static void seed_random(tk_net *n) {
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (read(fd, &n->rng, sizeof(n->rng)) != (ssize_t)sizeof(n->rng))
            n->rng = 0;
        close(fd);
    }
    if (n->rng == 0)
        n->rng = (uint64_t)time(NULL) | 1u;
}

static int configure(tk_net *n, const tk_netopts *o) {
    tk_config_default(&n->cfg);
    if ((o->tap == NULL && o->xdp == NULL && o->dpdk == NULL) ||
        (o->addr == NULL && o->addr6 == NULL)) {
        fprintf(stderr, "tcpkit: a device (--tap, --xdp or --dpdk) and --addr A/N are required\n");
        return -EINVAL;
    }
    if (o->addr6 != NULL) {
        if (strcmp(o->addr6, "slaac") != 0 &&
            parse_prefix6(o->addr6, n->cfg.addr6, &n->cfg.prefix6_len) < 0) {
            fprintf(stderr, "tcpkit: bad --addr '%s' (want x:x::x/N)\n", o->addr6);
            return -EINVAL;
        }
        n->cfg.ipv6 = true;
    }
    if (o->addr == NULL)
        n->cfg.unnumbered = true; /* IPv6 only: no IPv4 address */
    else if (parse_prefix(o->addr, &n->cfg.addr, &n->cfg.netmask) < 0) {
        fprintf(stderr, "tcpkit: bad --addr '%s' (want a.b.c.d/N)\n", o->addr);
        return -EINVAL;
    }
    if (o->gw != NULL && tk_parse_ipv4(o->gw, &n->cfg.gateway) < 0) {
        fprintf(stderr, "tcpkit: bad --gw '%s'\n", o->gw);
        return -EINVAL;
    }
    /* A locally administered MAC derived from the (IPv4, else IPv6)
     * address. */
    uint8_t mac[6] = {0x02,
                      0x74,
                      0x6b,
                      (uint8_t)(n->cfg.addr >> 16),
                      (uint8_t)(n->cfg.addr >> 8),
                      (uint8_t)n->cfg.addr};
    if (o->addr == NULL)
        memcpy(mac + 3, n->cfg.addr6 + 13, 3);
    if (o->mac != NULL && parse_mac(o->mac, mac) < 0) {
        fprintf(stderr, "tcpkit: bad --mac '%s'\n", o->mac);
        return -EINVAL;
    }
    memcpy(n->cfg.mac, mac, 6);
    /* Room for a full-rate transfer over a real link; --buffers for a
     * longer or faster path (the kernel's own grow to 4 MiB and more). The
     * out-of-order budget is the receive buffer, so a whole window can wait
     * for one lost segment, and the pool backs two connections' buffers:
     * chunks are taken on demand, so more connections share it. */
    uint32_t bufs = o->buffers ? o->buffers : TK_NET_BUFFERS_DEFAULT;
    n->cfg.rcvbuf = bufs;
    n->cfg.sndbuf = bufs;
    if (o->buffers) {
        n->cfg.ooo_budget_bytes = bufs;
        n->cfg.buf_pool_bytes = 4ull * bufs;
    }
    if (o->sockets)
        n->cfg.max_sockets = o->sockets;
    if (o->time_wait_set)
        n->cfg.max_time_wait = o->time_wait;
    /* NET-8: one stack of `threads`, each on its own queue. */
    if (o->threads > 1) {
        n->cfg.shard_count = (uint8_t)o->threads;
        n->cfg.shard_index = (uint8_t)o->shard;
    }
    /* NET-7: the TAP device's offloads, both ways (drivers/tap.h). */
    if (o->offload)
        n->cfg.link_caps = TK_LINK_CSUM_TCP | (o->no_tso ? 0u : TK_LINK_TSO4 | TK_LINK_TSO6);
    return 0;
}

static int open_devices(tk_net *n, const tk_netopts *o) {
    tk_netdev_opts d = {o->tap, o->xdp, o->dpdk, o->offload, o->no_tso, o->threads > 1};
    int rc = tk_netdev_open_dev(&d, &n->loop.dev, &n->dev);
    if (rc < 0)
        return rc;
    if (o->pcap != NULL) {
        if ((rc = tk_pcap_open(&n->pcap, o->pcap, false)) < 0) {
            fprintf(stderr, "tcpkit: pcap %s: %s\n", o->pcap, strerror(-rc));
            return rc;
        }
        n->loop.pcap = &n->pcap;
    }
    if (o->impair != NULL) {
        if ((rc = tk_impair_open(&n->impair, o->impair)) < 0) {
            fprintf(stderr, "tcpkit: bad --impair '%s'\n", o->impair);
            return rc;
        }
        n->loop.impair = &n->impair;
    }
    return 0;
}

/* TK_OFFLOAD=1 (or 0) in the environment is the default of --offload
 * (--no-offload), so whole test suites run either way. */
static tk_netopts with_env(const tk_netopts *o) {
    tk_netopts r = *o;
    const char *env = getenv("TK_OFFLOAD");
    if (!r.offload_set && r.tap != NULL && env != NULL && env[0] != '\0')
        r.offload = strcmp(env, "0") != 0 && strcmp(env, "off") != 0;
    return r;
}

int tk_net_open(tk_net *n, const tk_netopts *opts) {
    tk_netopts eff = with_env(opts);
    const tk_netopts *o = &eff;
    memset(n, 0, sizeof(*n));
    int rc = configure(n, o);
    if (rc < 0 || (rc = open_devices(n, o)) < 0)
        return rc;
    seed_random(n);
    tk_stack_io io = {.output = tk_loop_output,
                      .random = next_random,
                      .ctx = &n->loop,
                      .output_offload = o->offload ? tk_loop_output_tx : NULL};
    rc = tk_stack_create(&n->stack, &n->cfg, &io);
    if (rc < 0) {
        fprintf(stderr, "tcpkit: stack: %s\n", strerror(-rc));
        return rc;
    }
    n->loop.stack = n->stack;
    n->loop.busy_us = o->busy_us;
    return 0;
}

void tk_net_close(tk_net *n) {
    if (n->stack != NULL)
        tk_stack_destroy(n->stack, tk_loop_now());
    n->stack = NULL;
    if (n->loop.impair != NULL)
        tk_impair_close(&n->impair);
    if (n->loop.pcap != NULL)
        (void)tk_pcap_close(&n->pcap);
    tk_netdev_close_dev(n->dev);
    n->dev = NULL;
}

void tk_net_print_addrs6(FILE *f, const tk_stack *s) {
    static const char *const states[] = {"tentative", "preferred"};
    static const char *const kinds[] = {"link-local", "static", "slaac"};
    for (int i = 0; i < 3; i++) {
        tk_sockaddr a;
        int rc = tk_stack_ipv6_addr(s, i, &a);
        if (rc == -ENOENT)
            continue;
        char text[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, a.addr6, text, sizeof text);
        fprintf(f, "ipv6 %s %s %s\n", text, kinds[i], rc < 0 ? "duplicate" : states[rc]);
    }
}

/* "ts,sack,ws,ecn" for the options a connection negotiated, or "-". */
static const char *fmt_options(char *buf, size_t cap, uint32_t options) {
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {{TK_CONN_OPT_TS, "ts"},
                 {TK_CONN_OPT_SACK, "sack"},
                 {TK_CONN_OPT_WSCALE, "ws"},
                 {TK_CONN_OPT_ECN, "ecn"}};
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((options & names[i].bit) && n + 6 < cap)
            n += (size_t)snprintf(buf + n, cap - n, "%s%s", n ? "," : "", names[i].name);
    return n ? buf : "-";
}

/* ssthresh in bytes; "-" while still "arbitrarily high" (RFC 5681 3.1). */
static const char *fmt_ssthresh(char *buf, size_t cap, uint32_t ssthresh) {
    if (ssthresh >= 0x7fffffffu)
        return "-";
    snprintf(buf, cap, "%u", ssthresh);
    return buf;
}

/* The pacing rate in Mbit/s with one decimal; "-" when not paced. */
static const char *fmt_pacing(char *buf, size_t cap, uint64_t bytes_per_s) {
    if (bytes_per_s == 0)
        return "-";
    uint64_t tenths = bytes_per_s * 8u / 100000u;
    snprintf(buf, cap, "%llu.%llu", (unsigned long long)(tenths / 10u),
             (unsigned long long)(tenths % 10u));
    return buf;
}

void tk_net_print_table(FILE *f, const tk_stack *s) {
    tk_conn_info info[256];
    int total = tk_stack_conn_table(s, info, 256);
    int shown = total < 256 ? total : 256;
    char l[32], r[32], o[32], ss[16], pr[48];
    fprintf(f, "%-11s %7s %7s %-21s %-21s %8s %8s %7s %8s %-7s %9s %-10s %s\n", "State", "Recv-Q",
            "Send-Q", "Local", "Peer", "rto_ms", "srtt_ms", "cwnd", "ssthresh", "cc", "pace_Mbps",
            "timer", "options");
    for (int i = 0; i < shown; i++) {
        const tk_conn_info *c = &info[i];
        fprintf(f, "%-11s %7u %7u %-21s %-21s %8llu %8llu %7u %8s %-7s %9s %-10s %s\n",
                tk_tcp_state_name(c->state), c->recv_q, c->send_q,
                tk_fmt_endpoint(l, sizeof l, c->local.addr, c->local.port),
                tk_fmt_endpoint(r, sizeof r, c->remote.addr, c->remote.port),
                (unsigned long long)(c->rto / 1000u), (unsigned long long)(c->srtt / 1000u),
                c->cwnd, fmt_ssthresh(ss, sizeof ss, c->ssthresh), c->cc_name ? c->cc_name : "-",
                fmt_pacing(pr, sizeof pr, c->pacing_rate), tk_timer_kind_name(c->timer_kind),
                fmt_options(o, sizeof o, c->options));
    }
    if (total > shown)
        fprintf(f, "... %d more\n", total - shown);
    fflush(f);
}
