/* Per-source connection-rate limit (SEC-13, synrate.h). A slot holding
 * another address is taken over with a fresh count, so a crowd of sources
 * can only loosen the limit, never refuse an address that stayed within
 * it. */
#include <string.h>

#include "base/div.h"
#include "base/siphash.h"
#include "tcp/state.h"

size_t tk_synrate_mem_size(uint32_t n) {
    return sizeof(tk_synrate_slot) * n;
}

void tk_synrate_init(tk_synrate *r, void *mem, uint32_t n) {
    r->slot = mem;
    r->n = n;
    memset(mem, 0, sizeof(tk_synrate_slot) * n);
}

static tk_synrate_slot *slot_for(tk_stack *s, uint32_t src) {
    uint64_t h = tk_siphash24(s->hash_key, &src, sizeof(src));
    return &s->synrate.slot[tk_mod64(h, s->synrate.n)];
}

bool tk_synrate_allow(tk_stack *s, uint32_t src, tk_time now) {
    if (s->cfg.syn_rate_limit == 0 || s->synrate.n == 0)
        return true;
    tk_synrate_slot *sl = slot_for(s, src);
    if (sl->addr != src || sl->count == 0 || now - sl->window_start >= TK_SEC(1)) {
        sl->addr = src;
        sl->count = 0;
        sl->window_start = now;
    }
    if (sl->count >= s->cfg.syn_rate_limit)
        return false;
    sl->count++;
    return true;
}
