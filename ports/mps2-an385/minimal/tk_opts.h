/* The board's "minimal" profile (make footprint): what the echo and HTTP
 * services need (IPv4, ARP, ICMP echo, TCP with window scaling, timestamps
 * and SACK as a receiver), every other feature compiled out
 * (tcpkit/opts.h), and defaults sized for 4 connections with 4 KiB
 * buffers each way.
 *
 * The two observation switches may be turned back on from the compiler's
 * command line: `make check-minimal` runs the host tests with
 * -DTK_WITH_TRACE=1 -DTK_WITH_COUNTER_NAMES=1, since the simulator and the
 * analysis tools those tests drive narrate the stack through the trace
 * hook. */
#ifndef TK_BOARD_MINIMAL_OPTS_H
#define TK_BOARD_MINIMAL_OPTS_H

#define TK_WITH_IPFRAG      0
#define TK_WITH_MD5         0
#define TK_WITH_SYNCOOKIE   0
#define TK_WITH_ENCAP       0
#define TK_WITH_ECN         0
#define TK_WITH_FASTOPEN    0
#define TK_WITH_SACK_SENDER 0
#define TK_WITH_KEEPALIVE   0
#ifndef TK_WITH_TRACE
#define TK_WITH_TRACE 0
#endif
#ifndef TK_WITH_COUNTER_NAMES
#define TK_WITH_COUNTER_NAMES 0
#endif

#endif
