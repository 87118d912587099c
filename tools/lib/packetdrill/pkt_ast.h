/* The parsed form of a packetdrill-syntax script: header settings and a list
 * of events (system calls, packets, shell commands, code blocks), each with
 * its timing and source line. Built by tk_pkt_parse(), freed with
 * tk_pkt_script_free(). */
#ifndef TK_TOOLS_PKT_AST_H
#define TK_TOOLS_PKT_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* When an event happens. Times are microseconds. */
typedef enum tk_pkt_time_kind {
    TK_PKT_TIME_ABS,    /* 0.100 */
    TK_PKT_TIME_REL,    /* +0.1 */
    TK_PKT_TIME_ANY,    /* * */
    TK_PKT_TIME_RANGE,  /* +0.3~+0.4: happens somewhere in [t0, t1] */
    TK_PKT_TIME_WINDOW, /* +0...0.011: a blocking call starts at t0, returns by t1 */
} tk_pkt_time_kind;

typedef struct tk_pkt_time {
    tk_pkt_time_kind kind;
    bool rel0, rel1; /* t0 / t1 relative to the previous event */
    int64_t t0, t1;
} tk_pkt_time;

/* A system-call argument or struct field value. */
typedef enum tk_pkt_expr_kind {
    TK_PKT_EXPR_ELLIPSIS, /* ... */
    TK_PKT_EXPR_INT,      /* 42, 0x02, -1 */
    TK_PKT_EXPR_SYMBOL,   /* SOCK_STREAM */
    TK_PKT_EXPR_OR,       /* A | B | 4: items */
    TK_PKT_EXPR_LIST,     /* [1] or [a, b]: items */
    TK_PKT_EXPR_STRUCT,   /* {l_onoff=1, l_linger=0}: items carry names */
    TK_PKT_EXPR_STRING,   /* "text" */
} tk_pkt_expr_kind;

typedef struct tk_pkt_expr {
    tk_pkt_expr_kind kind;
    int64_t num;
    char *text;                /* SYMBOL / STRING value */
    char *name;                /* member of a STRUCT: its field name, or NULL */
    struct tk_pkt_expr *items; /* OR / LIST / STRUCT members */
    size_t nitems;
} tk_pkt_expr;

#define TK_PKT_MAX_ARGS 8

typedef struct tk_pkt_syscall {
    char name[24];
    tk_pkt_expr args[TK_PKT_MAX_ARGS];
    size_t nargs;
    bool result_any; /* = ... */
    int64_t result;
    char errno_name[24]; /* "" unless the result is -1 with an errno */
} tk_pkt_syscall;

/* One TCP option as written in the script. */
typedef enum tk_pkt_opt_kind {
    TK_PKT_OPT_MSS,
    TK_PKT_OPT_NOP,
    TK_PKT_OPT_EOL,
    TK_PKT_OPT_WSCALE,
    TK_PKT_OPT_SACK_PERM,
    TK_PKT_OPT_SACK,
    TK_PKT_OPT_TS,
    TK_PKT_OPT_MD5,
    TK_PKT_OPT_FO,    /* FO [cookie]: TCP Fast Open, kind 34 (RFC 7413) */
    TK_PKT_OPT_FOEXP, /* FOEXP [cookie]: the experimental form, kind 254, magic 0xf989 */
} tk_pkt_opt_kind;

#define TK_PKT_MAX_OPTS   16
#define TK_PKT_MAX_SACK   4
#define TK_PKT_MAX_COOKIE 16

typedef struct tk_pkt_opt {
    tk_pkt_opt_kind kind;
    uint32_t a, b; /* mss/wscale value; TS val/ecr; md5: a=1 valid */
    uint32_t sack[TK_PKT_MAX_SACK][2];
    uint8_t nsack;
    uint8_t cookie[TK_PKT_MAX_COOKIE]; /* FO / FOEXP */
    uint8_t cookie_len;
} tk_pkt_opt;

typedef enum tk_pkt_opts_form {
    TK_PKT_OPTS_NONE, /* no <...> part: the packet has no options */
    TK_PKT_OPTS_LIST, /* <mss 1460,nop,...> */
    TK_PKT_OPTS_ANY,  /* <...>: any options */
} tk_pkt_opts_form;

typedef struct tk_pkt_icmp {
    char type[32]; /* "unreachable", "parameter_problem", ... */
    char code[32]; /* "port_unreachable", "code_2", or "" */
    uint32_t mtu;
    bool has_mtu;
} tk_pkt_icmp;

typedef struct tk_pkt_packet {
    bool inbound; /* '<': the script sends it; '>': the stack must */
    bool is_icmp; /* an ICMP message quoting seq start:end(len) */
    tk_pkt_icmp icmp;
    uint8_t flags;     /* TK_TCP_* bits */
    bool seq_any;      /* nplab ...(len): any sequence number */
    bool seq_absolute; /* start:end(len)!: not relative to the ISN */
    uint32_t seq, end, len;
    bool has_ack;
    uint32_t ack;
    bool has_win;
    uint32_t win;
    bool has_urg; /* urg N: the urgent pointer */
    uint32_t urg;
    tk_pkt_opts_form opts_form;
    tk_pkt_opt opts[TK_PKT_MAX_OPTS];
    size_t nopts;
    int ttl;      /* -1: unspecified */
    int tos;      /* -1: unspecified */
    int32_t flow; /* IPv6 flow label (flowlabel N), -1: unspecified (not compared, 0 inbound) */
    char ecn[8];  /* "" or ect0 / ect1 / ce / noecn / ect01 */
    bool udp_encap;
    uint16_t udp_sport, udp_dport;
} tk_pkt_packet;

typedef enum tk_pkt_event_kind {
    TK_PKT_EV_SYSCALL,
    TK_PKT_EV_PACKET,
    TK_PKT_EV_COMMAND, /* `shell command` */
    TK_PKT_EV_CODE,    /* %{ python }% */
} tk_pkt_event_kind;

typedef struct tk_pkt_event {
    int line;
    bool untimed; /* no time given (a command on its own line) */
    tk_pkt_time time;
    tk_pkt_event_kind kind;
    tk_pkt_syscall sys;
    tk_pkt_packet pkt;
    char *text; /* COMMAND / CODE body */
} tk_pkt_event;

/* --ip_version: what the script's packets and sockets are. */
#define TK_PKT_IPV4        4  /* AF_INET sockets, IPv4 packets */
#define TK_PKT_IPV6        6  /* AF_INET6 sockets, IPv6 packets */
#define TK_PKT_IPV4_MAPPED 46 /* AF_INET6 sockets, IPv4 packets (::ffff:a.b.c.d) */

/* Header lines (--name=value). Absent ones keep these defaults. */
typedef struct tk_pkt_headers {
    int ip_version;          /* TK_PKT_IPV4 (the default), TK_PKT_IPV6, TK_PKT_IPV4_MAPPED */
    int64_t tolerance_usecs; /* 4000 */
    uint32_t mss;            /* 0: not given */
    uint32_t mtu;            /* 0: not given */
    bool non_fatal_syscall;
    bool md5_secret;
    char md5_key[81]; /* --tcp_md5_secret: signs inbound, checks outbound md5 options */
    bool udp_encapsulation;
    /* Addresses and ports (host order; 0: the runner's own). */
    uint32_t local_ip, remote_ip, gateway_ip, netmask_ip;
    /* --local_ip / --remote_ip given as IPv6 addresses (network order). */
    bool has_local_ip6, has_remote_ip6;
    uint8_t local_ip6[16], remote_ip6[16];
    uint16_t bind_port, connect_port;
    int ts_tick_usecs; /* --tcp_ts_tick_usecs: -1 not given, 0 TS val unchecked, 1000 */
} tk_pkt_headers;

typedef struct tk_pkt_script {
    tk_pkt_headers hdr;
    tk_pkt_event *events;
    size_t nevents, cap;
} tk_pkt_script;

#endif
