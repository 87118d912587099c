/* Host personalities for `tcpkit run --host NAME`: the defaults of the
 * system a suite was written on, where tcpkit's differ and tcpkit has the
 * setting. Each is a sysctl assignment of the runner's table (shell_cmds.c,
 * docs/conformance.md), applied before every script like --sysctl. */
#include <stddef.h>
#include <string.h>

#include "runner.h"

typedef struct host_preset {
    const char *host;
    const char *const *assigns;
} host_preset;

static const char *const freebsd[] = {
    /* RFC 1122 4.2.3.6 wants keep-alives off by default; FreeBSD sends them. */
    "net.inet.tcp.always_keepalive=1",
    /* RFC 6928's IW10 (tcpkit: RFC 5681 3.1, SPEC DT-9). */
    "net.inet.tcp.initcwnd_segments=10",
    /* BSD processes the ACK field of an entirely old segment (SPEC SEC-9). */
    "tcpkit.bsd_old_ack=1",
    /* 5 ACKs to invalid segments per second (tcpkit: 1 per 500 ms, SEC-8). */
    "net.inet.tcp.ack_war_timewindow=1000",
    "net.inet.tcp.ack_war_cnt=5",
    /* A FIN is ACKed at once (tcpkit delays it, SPEC CM-4). */
    "tcpkit.fin_ack_now=1",
    /* Every second segment is ACKed, whatever its size (RFC 5681 4.2 counts
     * full-sized segments). */
    "tcpkit.ack_second_segment=1",
    /* connect() aborted by any hard ICMP error fails with ECONNREFUSED
     * (tcpkit names the cause as Linux does). */
    "tcpkit.icmp_errno_refused=1",
    /* Loss recovery by the duplicate-ACK threshold and RFC 6675 (FreeBSD's
     * default stack; tcpkit: RACK-TLP, SPEC DT-12). */
    "tcpkit.rack=0",
    NULL,
};

static const char *const linux_host[] = {
    /* Linux's initial window is 10 segments since 2.6.39 (RFC 6928). */
    "net.inet.tcp.initcwnd_segments=10",
    /* Linux announces the window scale of its largest receive buffer,
     * tcp_rmem's maximum (6 MiB by default: scale 7). */
    "tcpkit.wscale_min=7",
    /* A window update after a read only once the window would double. */
    "tcpkit.window_update_double=1",
    NULL,
};

static const host_preset hosts[] = {
    {"freebsd", freebsd},
    {"linux", linux_host},
};

const char *const *tk_run_host_presets(const char *host) {
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
        if (!strcmp(hosts[i].host, host))
            return hosts[i].assigns;
    return NULL;
}
