/* The built-in congestion controllers by number and by name (SPEC DT-13):
 * tk_config.cc_algorithm and the TCP_CONGESTION socket option. With
 * TK_WITH_CUBIC 0 NewReno is the only one (number 0 answers NULL). */
#include <errno.h>
#include <string.h>

#include "tcp/cc_reno.h"
#include "tcpkit/config.h"
#include "tcpkit/opts.h"

static const tk_cc_ops *const algos[TK_CC_ALGO_COUNT] = {
#if TK_WITH_CUBIC
    [TK_CC_ALGO_CUBIC] = &tk_cc_cubic,
#endif
    [TK_CC_ALGO_NEWRENO] = &tk_cc_newreno,
};

const tk_cc_ops *tk_cc_ops_at(uint32_t algo) {
    return algo < TK_CC_ALGO_COUNT ? algos[algo] : NULL;
}

int tk_cc_find(const char *name, size_t len) {
    if (name == NULL)
        return -ENOENT;
    size_t n = 0;
    while (n < len && name[n] != '\0')
        n++;
    for (uint32_t i = 0; i < TK_CC_ALGO_COUNT; i++)
        if (algos[i] != NULL && strlen(algos[i]->name) == n && memcmp(algos[i]->name, name, n) == 0)
            return (int)i;
    return -ENOENT;
}

void tk_cc_switch(tk_cc *cc, const tk_cc_ops *ops) {
    if (ops == NULL || cc->ops == ops)
        return;
    tk_cc keep = *cc;
    ops->init(cc, keep.mss, keep.recover + 1u, 0);
    cc->iw = keep.iw;
    cc->cwnd = keep.cwnd;
    cc->ssthresh = keep.ssthresh;
    cc->dupacks = keep.dupacks;
    cc->recover = keep.recover;
    cc->in_recovery = keep.in_recovery;
    cc->bytes_acked = 0;
    /* The shared machinery's marks (tcp/cc_reno.h). */
    cc->priv8[0] = (uint8_t)(cc->priv8[0] | (keep.priv8[0] & (RENO_RTO | RENO_ECE | RENO_CWR_ON)));
    cc->priv[RENO_CWR_END] = keep.priv[RENO_CWR_END];
}
