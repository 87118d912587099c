/* Fragment reassembly compiled out (TK_WITH_IPFRAG 0, tcpkit/opts.h): no
 * memory, and every fragment dropped and counted as with ipfrag_slots 0. */
#include "tcpkit/opts.h"

#if !TK_WITH_IPFRAG
#include <errno.h>
#include <string.h>

#include "net/ipfrag.h"
#include "net/net.h"

size_t tk_ipfrag_mem_size(const tk_config *cfg) {
    (void)cfg;
    return 0;
}

void tk_ipfrag_init(tk_ipfrag *f, void *mem, const tk_config *cfg) {
    (void)mem;
    (void)cfg;
    memset(f, 0, sizeof(*f));
}

int tk_ipfrag_input(tk_ipfrag *f, const tk_ipv4_hdr *h, const uint8_t *payload, size_t len,
                    tk_time now, const uint8_t **out, size_t *out_len, uint32_t *timed_out) {
    (void)f, (void)h, (void)payload, (void)len, (void)now, (void)out, (void)out_len;
    *timed_out = 0;
    return -ENOBUFS;
}

uint32_t tk_ipfrag_pending(const tk_ipfrag *f) {
    (void)f;
    return 0;
}

int tk_net_defrag(tk_net *net, tk_ipv4_hdr *h, const uint8_t **payload, size_t *len, tk_time now) {
    (void)h, (void)payload, (void)len;
    net->stats->ip_frags_in++;
    TK_NET_DROP(net, drop_ip_fragment, now);
    return -ENOBUFS;
}

#else
typedef int tk_ipfrag_compiled_in;
#endif
