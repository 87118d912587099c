/* The board's "minimal" profile (make footprint): features the echo and
 * HTTP services do not need, compiled out (tcpkit/opts.h). */
#ifndef TK_BOARD_MINIMAL_OPTS_H
#define TK_BOARD_MINIMAL_OPTS_H

#define TK_WITH_IPFRAG 0
#define TK_WITH_MD5    0
#define TK_WITH_SHARDS 0

#endif
