/* The script runner behind `tcpkit run`: one stack under test on virtual
 * time, driven by a parsed packetdrill-syntax script (tools/lib/packetdrill/pkt_*.h).
 *
 * The stack is 198.18.0.1; the script plays the peer 198.18.0.2. An IPv6
 * script (--ip_version=ipv6) uses packetdrill's IPv6 addresses instead:
 * the stack is fd3d:fa7b:d17d::0/48, the peer fd3d:fa7b:d17d:8888::
 * (on-link); they never leave the process. Inbound
 * packets are built and handed to tk_stack_input at their script time;
 * frames the stack sends are captured from io.output and must match the
 * script's outbound packets exactly (apart from the two relaxations). */
#ifndef TK_TOOLS_RUN_H
#define TK_TOOLS_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/packetdrill/pkt_ast.h"
#include "lib/packetdrill/pkt_frame.h"
#include "lib/report/report.h"
#include "tcpkit/config.h"
#include "tcpkit/stack.h"
#include "tcpkit/tcp_info.h"

#define TK_RUN_LOCAL_ADDR  0xc6120001u /* 198.18.0.1 */
#define TK_RUN_REMOTE_ADDR 0xc6120002u /* 198.18.0.2 */
#define TK_RUN_LOCAL_ADDR6                                                                         \
    { 0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } /* fd3d:fa7b:d17d::0 */
#define TK_RUN_REMOTE_ADDR6                                                                        \
    { 0xfd, 0x3d, 0xfa, 0x7b, 0xd1, 0x7d, 0x88, 0x88, 0, 0, 0, 0, 0, 0, 0, 0 } /* ...:8888:: */
#define TK_RUN_PREFIX6     48    /* packetdrill's IPv6 prefix length */
#define TK_RUN_PORT        8080  /* bind() port and connect() target */
#define TK_RUN_REMOTE_PORT 50000 /* the peer's port for passive opens */
#define TK_RUN_MAX_FDS     64
#define TK_RUN_MAX_FRAME   1600
#define TK_RUN_QUEUE       64

typedef struct tk_run_opts {
    int ip_version; /* --ip_version: TK_PKT_IPV* for every script, 0: each script's own */
    bool relax_options;
    bool relax_win;
    bool verbose;
    uint32_t remote_isn;
    bool local_isn_fixed; /* start every connection of the stack at local_isn */
    uint32_t local_isn;
    const char *const *defines;
    size_t ndefines;
    const char *const *presets; /* --sysctl NAME=NUMBER, applied before each script */
    size_t npresets;
    const char *pcap_path;       /* --pcap F */
    struct tk_printer *printer;  /* -v: renders frames (NULL: verbose prints states only) */
    struct tk_pcap_writer *pcap; /* --pcap F: every frame in and out (NULL: none) */
    /* The pictures (run_pictures.c): each script adds a conversation to
     * `report` (--html, --svg) and its segments to `json` (--json) when
     * they are set; `title` names the script. */
    tk_report *report;
    FILE *json;
    const char *title;
    const char *html, *svg; /* the command's --html and --svg files */
} tk_run_opts;

typedef struct tk_run_frame {
    tk_time at; /* virtual time it was sent */
    size_t len;
    uint8_t data[TK_RUN_MAX_FRAME];
} tk_run_frame;

/* A blocking call that has not returned yet (emulated blocking). */
typedef struct tk_run_pending {
    bool active;
    const tk_pkt_event *ev;
    int64_t lo, hi;   /* script times within which it must return */
    tk_time deadline; /* poll/epoll_wait: it returns by itself then (TK_TIME_NEVER) */
} tk_run_pending;

/* An epoll descriptor's interest list (sys_epoll.c). */
#define TK_RUN_MAX_EPOLL     4
#define TK_RUN_EPOLL_WATCHES 16
#define TK_RUN_EPOLL_SD      (-2) /* sd[] of a script descriptor that is an epoll */
typedef struct tk_run_epoll_watch {
    int fd; /* script descriptor */
    uint32_t events;
    int64_t data; /* fd, u32, u64 or ptr as the script gave it */
} tk_run_epoll_watch;
typedef struct tk_run_epoll {
    int fd; /* its own script descriptor, -1 when free */
    int n;
    tk_run_epoll_watch w[TK_RUN_EPOLL_WATCHES];
} tk_run_epoll;

/* A setting the script made that tcpkit cannot honour (see shell_cmds.c). */
typedef struct tk_run_unsupported {
    int line; /* 0: none */
    char name[64];
    char msg[200];
} tk_run_unsupported;

/* The peer's Neighbor Discovery (nd_peer.c). */
typedef struct tk_run_nd {
    bool pending;               /* a solicitation for the peer's address waits for its answer */
    uint8_t to[16];             /* the solicitation's source: where the advertisement goes */
    uint32_t skipped, answered; /* NDP/MLD frames not given to the script; answers sent */
} tk_run_nd;

typedef struct tk_run {
    const tk_pkt_script *sc;
    tk_run_opts opts;
    tk_config cfg;
    tk_stack *stack;
    tk_time now;     /* virtual time; script time 0 is TK_RUN_EPOCH */
    int64_t prev;    /* script time relative events count from */
    tk_run_frame *q; /* captured outbound frames, oldest first */
    size_t qn;
    int sd[TK_RUN_MAX_FDS]; /* script fd -> stack descriptor, -1 when free */
    bool nonblock[TK_RUN_MAX_FDS];
    tk_pkt_conn conn;
    int ip_version; /* TK_PKT_IPV*: the script's, or the command line's */
    tk_run_nd nd;
    uint16_t bind_port, connect_port; /* --bind_port, --connect_port (8080) */
    tk_run_pending pending;
    tk_time block_deadline; /* set by a call about to block with a timeout */
    tk_run_epoll epolls[TK_RUN_MAX_EPOLL];
    tk_run_unsupported unsupported;
    int last_fd; /* descriptor of the last system call (TCP_INFO blocks) */
    int line;    /* the event being run */
    uint32_t rng;
    bool failed;
    int fail_line;
    char fail_msg[400];
    int nmismatch; /* --non_fatal=syscall: result mismatches let through */
    int mismatch_line;
    char mismatch_msg[400];
    tk_rp_conn *pic;          /* this script's conversation in opts.report, or NULL */
    tk_rp_rtx rtx;            /* retransmission marks of its segments */
    uint16_t pic_listen_port; /* the port of the last listen() seen in the trace */
    size_t md5_keylen;        /* setkey's TCP-MD5 key for the pair (0: none), kept for the stack */
    uint8_t md5_key[80];
} tk_run;

#define TK_RUN_EPOCH TK_SEC(1)

/* Runs one parsed script. Returns 0 when it passed, 1 when it failed (line
 * and message in r->fail_line / r->fail_msg). r is owned by the caller. */
int tk_run_script(tk_run *r, const tk_pkt_script *sc, const tk_run_opts *opts);
void tk_run_release(tk_run *r);

/* Records the first failure; returns 1 so callers can `return tk_run_fail(...)`. */
int tk_run_fail(tk_run *r, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A system call's result differs from the script's: fails the script, or
 * with --non_fatal=syscall counts it (the first is reported on the PASS
 * line). Returns what tk_run_fail returns, or 0 when let through. */
int tk_run_mismatch(tk_run *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Creates the stack from r->cfg on first use. Returns 0 or 1 (failed). */
int tk_run_stack(tk_run *r, int line);
/* Runs timers up to virtual time t (script time t_script). */
void tk_run_advance(tk_run *r, int64_t t_script);
int64_t tk_run_script_now(const tk_run *r);
/* Runs timers until the pending blocking call returns, at the latest up to
 * script time t_script (frames sent meanwhile stay queued for later `>`
 * lines). Returns 0, or 1 when the script failed. */
int tk_run_await_pending(tk_run *r, int64_t t_script);

/* System calls (syscalls.c). Returns 0 or 1 (failed). */
int tk_run_syscall(tk_run *r, const tk_pkt_event *ev, int64_t lo, int64_t hi);
/* Retries a pending blocking call; returns 0 (still pending or done) or 1. */
int tk_run_retry_pending(tk_run *r);

/* A send or receive call's flags argument (msg_flags.c): 0, a MSG_* name
 * or names joined by |, into TK_MSG_* bits. Unknown or unsupported flags
 * fail the script naming them. Returns 0 or 1 (failed). */
int tk_run_msg_flags(tk_run *r, const tk_pkt_event *ev, const tk_pkt_expr *e, bool send, int *out);
/* MSG_FASTOPEN: the runner's own bit (no tk_send flag): sendto connects
 * through tk_send_fastopen (SPEC OP-8). */
#define TK_RUN_MSG_FASTOPEN 0x40000000

/* `--host NAME` (hosts.c): NULL-terminated sysctl assignments that give
 * the stack that system's defaults, or NULL for an unknown name. */
const char *const *tk_run_host_presets(const char *host);

/* The stack's trace hook (run_trace.c): -v prints frames as tcpdump does
 * and state changes; --pcap writes frames; the pictures take theirs. */
void tk_run_trace(void *ctx, const tk_trace_event *ev);
/* The pictures' share of the trace hook, and the start of a script's
 * conversation (run_pictures.c). */
void tk_run_pictures_trace(tk_run *r, const tk_trace_event *ev);
void tk_run_pictures_begin(tk_run *r);

/* A frame the stack sent (nd_peer.c): true when it is an NDP or MLD
 * message, which the script never sees; a solicitation for the peer's
 * address is answered by the next tk_run_nd_answer. */
bool tk_run_nd_frame(tk_run *r, const uint8_t *frame, size_t len);
/* The type of the ICMPv6 message an IPv6 frame carries, or -1. */
int tk_run_icmp6_type(const uint8_t *frame, size_t len);
/* Injects the advertisement a solicitation asked for, if any. Called
 * whenever the stack has run (poll, input, a system call). */
void tk_run_nd_answer(tk_run *r);

/* The address of the stack (local) or the peer for a system call, in the
 * script's family: IPv4, IPv6, or IPv4-mapped IPv6 (syscalls.c). */
tk_sockaddr tk_run_sockaddr(const tk_run *r, bool local, uint16_t port);

/* Backtick commands (shell_cmds.c). Returns 0 or 1 (failed). */
int tk_run_command(tk_run *r, const tk_pkt_event *ev);
/* Applies `NAME=NUMBER` (a sysctl the runner maps to a tk_config field) to
 * cfg, as if the script's host had that value before the script started.
 * Returns 0, or -1 with a message. */
int tk_run_sysctl_preset(tk_config *cfg, const char *assign, char *msg, size_t cap);
/* The FreeBSD suite's TCP-MD5 key commands (setkey.c): `[kldstat ...
 * || kldload tcpmd5;] echo 'add A B tcp SPI -A tcp-md5 "KEY" ; ...' |
 * setkey -c` and `setkey -F`. Returns 0 or 1 (failed). */
int tk_run_setkey(tk_run *r, const tk_pkt_event *ev, const char *cmd);
/* Gives the stack the key setkey added before it existed. 0 or 1. */
int tk_run_md5_apply(tk_run *r, int line);

/* The value of a tcpi_* field (tcpi_fields.c); false for a name tcpkit
 * does not fill. */
bool tk_run_tcpi_field(const tk_tcp_info *ti, const char *name, uint64_t *out);

/* %{ code }% blocks (code_blocks.c). Returns 0 or 1 (failed). */
int tk_run_code(tk_run *r, const tk_pkt_event *ev);

#endif
