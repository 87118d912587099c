/* A SYN flood on virtual time (SPEC SEC-2): a server stack with a listener,
 * an attacker sending SYNs from spoofed 198.19.0.0/16 addresses at a fixed
 * rate, and a real client stack connecting again and again meanwhile. The
 * server application accepts and closes; the client closes what is
 * established. Used by `tcpkit bench attack` and the attack tests. */
#ifndef TK_TOOLS_FLOOD_H
#define TK_TOOLS_FLOOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/types.h"

#define TK_FLOOD_LEGIT_MAX 1000
#define TK_FLOOD_WITHIN    TK_SEC(3)

typedef struct tk_flood_plan {
    uint32_t max_sockets, syn_backlog; /* the server's; 0: the defaults */
    int backlog;                       /* listen() */
    uint32_t spoof_per_s;              /* spoofed SYNs per virtual second */
    tk_time duration;                  /* of the flood and the connects */
    int legit;                         /* connects spread over duration (at most 1000) */
    bool no_cookies;                   /* the server without SYN cookies, to compare */
} tk_flood_plan;

typedef struct tk_flood_result {
    uint64_t spoofed;
    int started, accepted, within, established;
    tk_time worst, median; /* connect() to accept(), microseconds */
    uint64_t cookies_sent, cookies_accepted;
    uint32_t syn_rcvd_peak; /* the server's SYN_RCVD count at its highest */
    uint32_t syncache;      /* its entries */
    size_t mem;             /* the server's memory block */
    bool app_socket_ok;     /* tk_socket() worked mid-flood */
} tk_flood_result;

/* Runs the plan. Returns 0, or a negative errno when a stack could not be
 * made. */
int tk_flood_run(const tk_flood_plan *p, tk_flood_result *out);

#endif
