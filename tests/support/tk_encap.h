/* TCP over UDP on the harness: segments injected inside UDP from a port of
 * the scripted peer, and captured frames read whether plain or inside UDP,
 * with their IP TTL and TOS. */
#ifndef TK_TESTS_ENCAP_H
#define TK_TESTS_ENCAP_H

#include <stdbool.h>
#include <stdint.h>

#include "support/tk_harness.h"

/* The UDP checksum of an injected datagram. */
enum { TKH_UDP_CSUM, TKH_UDP_NOCSUM, TKH_UDP_BADCSUM };

typedef struct tkh_udp {
    uint16_t sport, dport; /* the peer's UDP port; the stack's (its tunnel port) */
    int csum;              /* TKH_UDP_* */
    bool tcp_csum_zero;    /* send the TCP checksum as 0, as FreeBSD does inside UDP */
} tkh_udp;

/* Injects a segment from the remote (h->rport -> h->lport) inside UDP.
 * Returns tk_stack_input's result. */
int tkh_inject_udp(tkh *h, const tkh_udp *u, uint8_t flags, uint32_t seq, uint32_t ack,
                   uint16_t win, const tk_tcp_opts *opts, const void *data, size_t len);

/* How a captured segment travelled. */
typedef struct tkh_wire {
    uint16_t udp_sport, udp_dport; /* both 0: plain TCP */
    uint8_t ttl, tos;
} tkh_wire;

/* Pops the next captured IPv4 frame carrying TCP, plain or inside UDP
 * (both checksums asserted to verify); false when none is left. */
bool tkh_next_wire(tkh *h, tkh_seg *out, tkh_wire *w);

/* Pops the next segment and asserts flags, seq, ack, payload length and the
 * UDP ports (0, 0: plain TCP). */
#define TKH_EXPECT_WIRE(h, g, w, fl, sq, ak, ln, usport, udport)                                   \
    do {                                                                                           \
        assert_true(tkh_next_wire((h), (g), (w)));                                                 \
        assert_int_equal((g)->flags, (fl));                                                        \
        assert_int_equal((g)->seq, (uint32_t)(sq));                                                \
        assert_int_equal((g)->ack, (uint32_t)(ak));                                                \
        assert_int_equal((g)->len, (ln));                                                          \
        assert_int_equal((w)->udp_sport, (usport));                                                \
        assert_int_equal((w)->udp_dport, (udport));                                                \
    } while (0)

#endif
