/* Tool addresses of either family (taddr.h). */
#define _DEFAULT_SOURCE
#include "taddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

tk_taddr tk_taddr_v4(uint32_t a) {
    tk_taddr t;
    memcpy(t.b, v4_mapped_prefix, sizeof v4_mapped_prefix);
    t.b[12] = (uint8_t)(a >> 24);
    t.b[13] = (uint8_t)(a >> 16);
    t.b[14] = (uint8_t)(a >> 8);
    t.b[15] = (uint8_t)a;
    return t;
}

tk_taddr tk_taddr_v6(const uint8_t b[16]) {
    tk_taddr t;
    memcpy(t.b, b, sizeof t.b);
    return t;
}

bool tk_taddr_is_v4(const tk_taddr *a) {
    return memcmp(a->b, v4_mapped_prefix, sizeof v4_mapped_prefix) == 0;
}

bool tk_taddr_eq(const tk_taddr *a, const tk_taddr *b) {
    return memcmp(a->b, b->b, sizeof a->b) == 0;
}

uint64_t tk_taddr_fold(const tk_taddr *a) {
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; i++) {
        hi = hi << 8 | a->b[i];
        lo = lo << 8 | a->b[8 + i];
    }
    return lo ^ (hi * 0x9e3779b97f4a7c15u);
}

void tk_taddr_str(const tk_taddr *a, char out[TK_TADDR_STRLEN]) {
    if (tk_taddr_is_v4(a)) {
        snprintf(out, TK_TADDR_STRLEN, "%u.%u.%u.%u", a->b[12], a->b[13], a->b[14], a->b[15]);
        return;
    }
    if (!inet_ntop(AF_INET6, a->b, out, TK_TADDR_STRLEN))
        snprintf(out, TK_TADDR_STRLEN, "?");
}

void tk_taddr_endpoint(const tk_taddr *a, uint16_t port, char out[TK_TADDR_EPLEN]) {
    char s[TK_TADDR_STRLEN];
    tk_taddr_str(a, s);
    snprintf(out, TK_TADDR_EPLEN, tk_taddr_is_v4(a) ? "%s:%u" : "[%s]:%u", s, port);
}
