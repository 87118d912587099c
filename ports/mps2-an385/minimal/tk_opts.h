/* The board's "minimal" profile (make footprint): what the echo and HTTP
 * services need (IPv4, ARP, ICMP echo, TCP with window scaling, timestamps
 * and SACK), everything else compiled out (tcpkit/opts.h). */
#ifndef TK_BOARD_MINIMAL_OPTS_H
#define TK_BOARD_MINIMAL_OPTS_H

#define TK_WITH_IPFRAG        0
#define TK_WITH_MD5           0
#define TK_WITH_SYNCOOKIE     0
#define TK_WITH_ENCAP         0
#define TK_WITH_ECN           0
#define TK_WITH_FASTOPEN      0
#define TK_WITH_SACK_SENDER   0
#define TK_WITH_KEEPALIVE     0
#define TK_WITH_TRACE         0
#define TK_WITH_COUNTER_NAMES 0

#endif
