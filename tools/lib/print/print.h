/* tcpdump-style one-line rendering of Ethernet frames (SPEC OBS-2).
 *
 * tk_print_frame() writes what `tcpdump -nn -r FILE` prints for a frame after
 * the timestamp, for example
 *   IP 198.18.0.1.49152 > 198.18.0.2.80: Flags [S], seq 1000, win 65535, ...
 * Like tcpdump without -S, TCP sequence and acknowledgement numbers are shown
 * relative to the first ones seen in each conversation; the printer keeps that
 * state in a fixed table inside tk_printer (no globals, no allocation).
 * docs/printer.md lists what is covered and where tcpdump prints more. */
#ifndef TK_TOOLS_PRINT_H
#define TK_TOOLS_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpkit/types.h"

/* Conversations remembered for relative sequence numbers. When the table is
 * full, a new conversation replaces the least recently used one; tcpdump never
 * forgets, so lines differ only for a conversation evicted and seen again. */
#define TK_PRINTER_CONNS 64

/* Room for any line tk_print_frame() writes (an unknown ethertype's hex dump
 * of a full-size frame is the longest output). */
#define TK_PRINT_LINE_MAX 8192

/* Length of "HH:MM:SS.uuuuuu" plus the terminating NUL. */
#define TK_PRINT_TIME_LEN 16

/* One conversation: tcpdump's key is the address pair and port pair in a
 * canonical order (lower port first; on equal ports the lower address). */
typedef struct tk_print_conn {
    uint32_t addr_a; /* canonical first address (host order) */
    uint32_t addr_b;
    uint32_t ports;   /* canonical first port << 16 | second port */
    uint32_t seq;     /* base for segments sent from the canonical first end */
    uint32_t ack;     /* base for segments sent from the other end */
    uint32_t used_at; /* printer tick of the last use (LRU eviction) */
    bool in_use;
} tk_print_conn;

typedef struct tk_printer {
    bool absolute_seq; /* like tcpdump -S: print sequence numbers as found */
    /* When non-zero, a UDP datagram from or to this port is TCP over UDP
     * (docs/udp-encapsulation.md): "UDP, length N: " is followed by its TCP
     * segment as a TCP line shows it. tcpdump has no such decoder; 0 (what
     * tk_printer_init sets) prints UDP as tcpdump does. */
    uint16_t udp_tunnel_port;
    uint32_t tick; /* counts TCP segments looked up */
    tk_print_conn conns[TK_PRINTER_CONNS];
} tk_printer;

/* Starts with an empty conversation table. */
void tk_printer_init(tk_printer *p, bool absolute_seq);

/* Forgets every conversation (as a new tcpdump run would). */
void tk_printer_reset(tk_printer *p);

/* Renders `frame[0..len)` into out (always NUL-terminated when cap > 0). The
 * output is one line without a trailing newline, except for frames tcpdump
 * shows as a hex dump (unknown ethertypes, unknown ARP operations), whose
 * dump lines are separated by "\n\t" as in tcpdump. Returns the length of
 * the text, -EINVAL (NULL arguments), or -ENOSPC when cap was too small (out
 * then holds the cut text). TCP segments update the conversation table. */
int tk_print_frame(tk_printer *p, const uint8_t *frame, size_t len, char *out, size_t cap);

/* Formats a time as tcpdump prints a packet's time of day:
 * "HH:MM:SS.uuuuuu" with HH = hours modulo 24. Virtual time t_us counts
 * microseconds from 0, so it reads like a capture that started at midnight
 * UTC (tcpdump run with TZ=UTC shows the same text). Returns 15, -EINVAL or
 * -ENOSPC (cap < TK_PRINT_TIME_LEN). */
int tk_print_time(tk_time t_us, char *out, size_t cap);

#endif
