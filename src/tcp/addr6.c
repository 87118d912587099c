/* TCP over IPv6's addresses (tcp/addr6.h). */
#include "tcp/addr6.h"

#include <string.h>

#include "base/siphash.h"
#include "tcp/state.h"

uint32_t tk_addr6_fold(const tk_stack *s, const uint8_t a[16]) {
    static const uint8_t any[16];
    if (memcmp(a, any, 16) == 0)
        return 0;
    uint32_t f = (uint32_t)tk_siphash13(s->hash_key, a, 16);
    return f != 0 ? f : 1u;
}

uint32_t tk_addr6_fold64(const tk_stack *s, const uint8_t a[16]) {
    uint8_t prefix[16] = {0};
    memcpy(prefix, a, 8);
    uint32_t f = (uint32_t)tk_siphash13(s->hash_key, prefix, 16);
    return f != 0 ? f : 1u;
}

static uint32_t sum_words(const uint8_t a[16]) {
    uint32_t sum = 0;
    for (int i = 0; i < 16; i += 2)
        sum += (uint32_t)a[i] << 8 | a[i + 1];
    return sum;
}

void tk_addr6_pseudo(const uint8_t src[16], const uint8_t dst[16], uint32_t *s4, uint32_t *d4) {
    uint32_t sum = sum_words(src) + sum_words(dst);
    while (sum > 0xffffu)
        sum = (sum & 0xffffu) + (sum >> 16);
    *s4 = sum << 16;
    *d4 = 0;
}

#if TK_WITH_IPV6
tk_a6pair *tk_tcb_a6(const tk_stack *s, const tk_tcb *tp) {
    return &s->tcb6[tp->index];
}
#endif
