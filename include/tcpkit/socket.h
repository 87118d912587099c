/* A BSD-like socket API over the stack (SPEC API-1). Sockets are small
 * integers (descriptors) owned by one stack. Every call returns >= 0 on
 * success or a negative errno value (-ECONNREFUSED, -EAGAIN, ...).
 *
 * Calls never block and never send by themselves: they change state and
 * queue work; tk_stack_poll() sends. A connect() returns -EINPROGRESS; the
 * socket becomes writable (TK_POLLOUT) when established, or gets an error
 * (TK_POLLERR, read it with SO_ERROR). */
#ifndef TCPKIT_SOCKET_H
#define TCPKIT_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stack.h"
#include "types.h"

int tk_socket(tk_stack *s);
/* Addresses (tcpkit/types.h, SPEC NET-4): every call taking a tk_sockaddr
 * checks its family (-EAFNOSUPPORT for none or an unknown one). TCP runs
 * over both families (docs/ipv6.md): an IPv4-mapped TK_AF_INET6 address
 * (::ffff:a.b.c.d) is used as a.b.c.d; the wildcard (:: or 0) binds every
 * address of both families, so a listener on it is dual-stack unless
 * IPV6_V6ONLY; a native IPv6 address needs cfg.ipv6 (else -EAFNOSUPPORT),
 * and bind() takes only one of the stack's IPv6 addresses
 * (-EADDRNOTAVAIL). connect() to an IPv6 address picks the source address
 * (-EADDRNOTAVAIL while none is usable: duplicate address detection).
 * Addresses returned (accept, getsockname, getpeername, the connection
 * table) are in the connection's family; a socket bound to :: names
 * itself ::.
 *
 * addr->addr 0 (INADDR_ANY) binds every local address: connections use the
 * stack's own address, and getsockname() reports 0 until connected. Port 0
 * picks an ephemeral port (CM-15). -EADDRNOTAVAIL for a foreign address,
 * -EADDRINUSE for a port in use or with TIME_WAIT entries (CM-10). */
int tk_bind(tk_stack *s, int sd, const tk_sockaddr *addr);
/* On a socket never bound, listen() binds the wildcard address and an
 * ephemeral port first, as Linux does (read it with getsockname()). */
int tk_listen(tk_stack *s, int sd, int backlog);
/* Returns a new descriptor, or -EAGAIN when no connection is complete. */
int tk_accept(tk_stack *s, int sd, tk_sockaddr *peer);
int tk_connect(tk_stack *s, int sd, const tk_sockaddr *addr);
/* Returns bytes queued (may be fewer than len), -EAGAIN when the send buffer
 * is full, -EPIPE after shutdown(write), -ENOTCONN before the handshake. */
long tk_send(tk_stack *s, int sd, const void *buf, size_t len);
/* Returns bytes read, 0 at end of stream (peer sent FIN), -EAGAIN when none. */
long tk_recv(tk_stack *s, int sd, void *buf, size_t len);

/* recv() flags, Linux's meanings (SPEC API-6). */
#define TK_MSG_PEEK 0x1 /* copy the data but leave it to be read again */
#define TK_MSG_WAITALL                                                                             \
    0x2                     /* -EAGAIN until len bytes can be returned at once,                    \
                             * unless the stream ended or failed first */
#define TK_MSG_DONTWAIT 0x4 /* accepted; tcpkit's calls never block anyway */
/* tk_recv with flags: -EOPNOTSUPP for any other flag, -EFAULT for a NULL
 * buffer with len > 0. Without data MSG_PEEK answers as tk_recv does. */
long tk_recv_flags(tk_stack *s, int sd, void *buf, size_t len, int flags);
/* ioctl(FIONREAD / SIOCINQ): bytes readable now. */
long tk_inq(tk_stack *s, int sd);
/* ioctl(SIOCOUTQ): bytes in the send queue, sent but not acknowledged or
 * not sent yet. Both return -EINVAL on a listening socket. */
long tk_outq(tk_stack *s, int sd);

#define TK_SHUT_RD   0
#define TK_SHUT_WR   1
#define TK_SHUT_RDWR 2
int tk_shutdown(tk_stack *s, int sd, int how);
/* Releases the descriptor at once (calls never block). The connection
 * closes gracefully in the background, or aborts with RST: SO_LINGER {1, 0}
 * or unread data (SPEC RS-2/RS-3) at once; SO_LINGER {1, n > 0} when the
 * queued data and the FIN are not all acknowledged n seconds after close(). */
int tk_close(tk_stack *s, int sd);

/* Option levels and names (values are tcpkit's own). */
#define TK_IPPROTO_IP_LEVEL   0
#define TK_SOL_SOCKET         1
#define TK_IPPROTO_TCP_LEVEL  6
#define TK_IPPROTO_IPV6_LEVEL 41
enum tk_sockopt {
    TK_SO_REUSEADDR = 1,
    TK_SO_LINGER,    /* tk_linger */
    TK_SO_KEEPALIVE, /* int */
    TK_SO_RCVBUF,    /* int bytes, up to tk_config.rcvbuf; at any time (on a
                      * connection never below the window offered) */
    TK_SO_SNDBUF,    /* int bytes, up to tk_config.sndbuf; at any time (never
                      * below the bytes queued) */
    TK_SO_ERROR,     /* int: negative errno, cleared when read (get only) */
    TK_TCP_NODELAY,  /* int */
    TK_TCP_KEEPIDLE, /* int seconds, 1..TK_SOCKOPT_SECS_MAX */
    TK_TCP_KEEPINTVL,
    TK_TCP_KEEPCNT,
    TK_TCP_NOOPT,    /* int: no TCP options on our SYN or SYN-ACK, the peer's
                      * ignored (MSS 536); set before connect() or listen() */
    TK_TCP_KEEPINIT, /* int seconds 0..TK_SOCKOPT_SECS_MAX: a connection not ESTABLISHED this
                      * long after connect() (or after its SYN arrived) is
                      * dropped with ETIMEDOUT; 0 = no limit (default:
                      * tk_config.keepinit); set before connect() or listen() */
    /* Level TK_IPPROTO_IP_LEVEL; a listener's values pass to its
     * connections. A RST answering a segment has the values of the socket
     * the segment reached (connected, listening, or only bound); with no
     * socket, the defaults. */
    TK_IP_TTL, /* int 1..255: TTL of the connection's IPv4 packets (default
                * tk_config.ip_ttl, 64); -EINVAL outside that range */
    TK_IP_TOS, /* int 0..255: TOS byte (DSCP and ECN bits) of the IPv4
                * header, default 0; -EINVAL outside that range. On a
                * connection that uses ECN (docs/ecn.md) TCP sets the two
                * ECN bits itself and only the DSCP bits are taken. */
    /* Level TK_IPPROTO_TCP_LEVEL again (FreeBSD's semantics): */
    TK_TCP_MD5SIG, /* int: non-zero signs every segment with RFC 2385's MD5
                    * option and drops received ones without a valid
                    * signature; the key is the stack's for the address pair
                    * (tk_stack_md5_add, tcpkit/tcp_md5.h). Any time; a
                    * listener passes it to its connections. */
    /* Level TK_IPPROTO_TCP_LEVEL (FreeBSD's TCP_REMOTE_UDP_ENCAPS_PORT): int
     * 0..65535, the peer's UDP port to carry this connection in UDP
     * (docs/udp-encapsulation.md); 0, the default, is plain TCP. Set before
     * connect(), while tk_config.udp_tunnel_port is non-zero; -EINVAL
     * otherwise. An accepted connection takes it from the peer's SYN. */
    TK_TCP_REMOTE_UDP_ENCAPS_PORT,
    /* Level TK_IPPROTO_TCP_LEVEL, Linux's TCP_CORK (SPEC API-6): int;
     * non-zero holds data until a full segment can go, the socket is
     * closed (the rest leaves with the FIN) or the option is cleared, which
     * sends what was held at once. Unlike Linux, tcpkit does not also send
     * the held data 200 ms later. A listener passes it to its connections. */
    TK_TCP_CORK,
    /* Level TK_IPPROTO_TCP_LEVEL, Linux's TCP_QUICKACK (SPEC API-6): int;
     * non-zero acknowledges every in-order data segment at once instead of
     * delaying the ACK (RFC 1122 4.2.3.2), and sends an ACK being delayed
     * when it is set. Unlike Linux, where the mode ends by itself once the
     * connection looks interactive again, it stays until cleared: tcpkit
     * has no such heuristic, and a value that holds is what the caller can
     * reason about (setting it again after each read, as Linux programs
     * do, is harmless). 0, the default, delays ACKs as configured. */
    TK_TCP_QUICKACK,
    /* Level TK_IPPROTO_TCP_LEVEL, RFC 5482's user timeout with Linux's
     * TCP_USER_TIMEOUT semantics (SPEC API-6): int milliseconds >= 0. Once
     * connected, when sent data stays unacknowledged (or zero-window probes
     * go unanswered) that long, the connection is dropped with ETIMEDOUT
     * instead of after tk_config.retries2 retransmissions; the last
     * retransmission timeout is shortened to end exactly then. 0, the
     * default, keeps retries2. Any time; a listener passes it on. */
    TK_TCP_USER_TIMEOUT,
    /* Level TK_IPPROTO_TCP_LEVEL, Linux's TCP_NOTSENT_LOWAT (SPEC API-6):
     * int bytes >= 0; TK_POLLOUT only while fewer than that many bytes are
     * queued but not yet sent (and the send buffer has room). tk_send() is
     * not limited by it: it takes what SO_SNDBUF has room for, where Linux
     * stops adding new buffers at the mark. 0, the default: no mark. */
    TK_TCP_NOTSENT_LOWAT,
    /* Level TK_IPPROTO_TCP_LEVEL, Linux's TCP_MAXSEG (SPEC API-6): int;
     * 0 (the default) or 88..32767, else -EINVAL. Set before connect() or
     * listen(), it lowers the MSS option sent and the largest segment sent
     * to it (never above the route's MSS, tk_config.mtu - 40). Read:
     * before the connection, the value set (536 when none, as Linux); once
     * it exists, the segment size in use (the MSS less the timestamp
     * option when timestamps are on). */
    TK_TCP_MAXSEG,
    /* Level TK_SOL_SOCKET, SO_RCVLOWAT (SPEC API-6): int bytes, default 1;
     * 0 means 1, a negative value or one above half the receive buffer is
     * lowered to half of it (as Linux). TK_POLLIN, tk_recv() and
     * tk_recv_flags() wait (-EAGAIN) until min(value, len) bytes are
     * queued, unless the stream ended, failed or was shut down; tcpkit's
     * calls never block, so this is how a blocking Linux read behaves. */
    TK_SO_RCVLOWAT,
    /* Level TK_IPPROTO_TCP_LEVEL, Linux's TCP_FASTOPEN (SPEC OP-8): int
     * 0..65535 on a socket before or after listen(): how many Fast Open connections
     * (data taken from the SYN, handshake not yet complete) the listener
     * may hold at once; 0 (the default) takes no SYN data. Needs
     * TK_FASTOPEN_SERVER in tk_config.fastopen (docs/fast-open.md).
     * -EINVAL on a connection. Not passed to accepted connections. */
    TK_TCP_FASTOPEN,
    /* Level TK_IPPROTO_TCP_LEVEL, Linux's TCP_CONGESTION (SPEC DT-13,
     * docs/congestion.md): the congestion controller by name, "cubic" or
     * "newreno" (tk_setsockopt takes the characters, len of them or up to a
     * NUL; -ENOENT for another name, as Linux). tk_getsockopt writes the
     * name with its NUL (truncated to *len) and sets *len to what it
     * wrote. Any time: a connection that runs switches at once and keeps
     * its window. The default is tk_config.cc_algorithm; a listener passes
     * it on. */
    TK_TCP_CONGESTION,
    /* Level TK_IPPROTO_TCP_LEVEL: int, non-zero (the default:
     * tk_config.pacing) paces the new data of a CUBIC connection at about
     * cwnd / SRTT (docs/congestion.md); 0 sends as the window allows. A
     * listener passes it on. */
    TK_TCP_PACING,
    /* Level TK_IPPROTO_IPV6_LEVEL, IPV6_V6ONLY (SPEC NET-4): int, non-zero:
     * a socket bound to the wildcard takes IPv6 connections only. Default
     * 0: a wildcard listener is dual-stack (IPv4 and IPv6 peers). Set before
     * listen(). */
    TK_IPV6_V6ONLY,
};
/* The longest duration of an option in seconds (49.7 days: a socket holds
 * its milliseconds in 32 bits). TCP_KEEPIDLE, TCP_KEEPINTVL and
 * TCP_KEEPINIT refuse more (-EINVAL); SO_LINGER takes more as this. */
#define TK_SOCKOPT_SECS_MAX 4294967

typedef struct tk_linger {
    int onoff;
    int linger; /* seconds: 0 aborts at close(), n > 0 aborts after n s (see tk_close);
                 * at most TK_SOCKOPT_SECS_MAX */
} tk_linger;

/* An option by its C names, for tools that read them from text (the
 * packetdrill runner): level_name "SOL_SOCKET", "IPPROTO_TCP" or
 * "IPPROTO_IP", name as above without the TK_ prefix ("SO_LINGER"). NULL
 * when tcpkit has no such option. The same table drives
 * tk_setsockopt/tk_getsockopt, their validation, and what a listener passes
 * to its connections (every option but SO_REUSEADDR, SO_ERROR and
 * TCP_REMOTE_UDP_ENCAPS_PORT; docs/engine.md). */
typedef struct tk_sockopt_info {
    const char *level_name;
    int level;
    const char *name;
    int opt;
    bool is_linger; /* the value is a tk_linger; otherwise an int */
    bool get_only;  /* SO_ERROR */
} tk_sockopt_info;
const tk_sockopt_info *tk_sockopt_lookup(const char *level_name, const char *name);

/* Linux's sendto(sd, buf, len, MSG_FASTOPEN, addr) (SPEC OP-8, RFC 7413;
 * docs/fast-open.md): connects sd to addr like tk_connect() and, when the
 * stack holds a Fast Open cookie of that server, puts the first bytes of
 * buf in the SYN; returns how many (the rest is the caller's to send once
 * connected). Without a cookie the SYN asks for one, nothing is taken and
 * the answer is -EINPROGRESS, as tk_connect()'s. -EOPNOTSUPP without
 * TK_FASTOPEN_CLIENT in tk_config.fastopen; tk_connect()'s errors. */
long tk_send_fastopen(tk_stack *s, int sd, const tk_sockaddr *addr, const void *buf, size_t len);
int tk_setsockopt(tk_stack *s, int sd, int level, int name, const void *val, size_t len);
int tk_getsockopt(tk_stack *s, int sd, int level, int name, void *val, size_t *len);
int tk_getsockname(tk_stack *s, int sd, tk_sockaddr *out);
int tk_getpeername(tk_stack *s, int sd, tk_sockaddr *out);

/* Readiness (poll-style). */
#define TK_POLLIN  0x1 /* data, EOF, or a connection to accept */
#define TK_POLLOUT 0x4 /* connected and send space available */
#define TK_POLLERR 0x8
#define TK_POLLHUP 0x10
/* Returns the TK_POLL* bits now true for sd, or a negative errno. */
int tk_poll_events(tk_stack *s, int sd);

#endif
