/* Fuzz target: IPv4 header and the ICMP it may carry (SPEC SEC-4). */
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "tcpkit/wire/checksum.h"
#include "tcpkit/wire/err.h"
#include "tcpkit/wire/icmp.h"
#include "tcpkit/wire/ipv4.h"

static void check_icmp(const uint8_t *msg, size_t len) {
    tk_icmp_hdr h;
    int rc = tk_wire_icmp_parse(msg, len, false, &h);
    if (rc < 0) {
        FUZZ_CHECK(rc == TK_WIRE_ICMP_SHORT && len < TK_ICMP_HLEN);
        return;
    }
    FUZZ_CHECK(rc == TK_ICMP_HLEN && h.data == msg + 8 && h.data_len == len - 8);
    tk_icmp_quote q;
    rc = tk_wire_icmp_quote_parse(&h, &q);
    FUZZ_CHECK(rc == 0 || rc == TK_WIRE_ICMP_SHORT || rc == TK_WIRE_IP_VERSION ||
               rc == TK_WIRE_IP_IHL);
    uint8_t buf[1600];
    if (len > sizeof buf)
        return;
    int n = tk_wire_icmp_emit(&h, buf, sizeof buf);
    FUZZ_CHECK(n == (int)len);
    FUZZ_CHECK(tk_wire_icmp_parse(buf, len, true, &h) == TK_ICMP_HLEN);
    FUZZ_CHECK(memcmp(buf + 8, msg + 8, len - 8) == 0 && memcmp(buf, msg, 2) == 0);
    FUZZ_CHECK(memcmp(buf + 4, msg + 4, 4) == 0);
}

/* emit(parse(x)) reproduces the first 20 bytes apart from IHL and checksum. */
static void round_trip(const uint8_t *d, const tk_ipv4_hdr *h) {
    uint8_t buf[TK_IPV4_HLEN];
    FUZZ_CHECK(tk_wire_ipv4_emit(h, buf, sizeof buf) == TK_IPV4_HLEN);
    FUZZ_CHECK(buf[0] == 0x45 && memcmp(buf + 1, d + 1, 9) == 0);
    FUZZ_CHECK(memcmp(buf + 12, d + 12, 8) == 0);
    FUZZ_CHECK(tk_csum_finish(tk_csum_add(0, buf, sizeof buf)) == 0);
    tk_ipv4_hdr back;
    int rc = tk_wire_ipv4_parse(buf, sizeof buf, true, &back);
    if (h->total_len > TK_IPV4_HLEN) {
        FUZZ_CHECK(rc == TK_WIRE_IP_TOTLEN);
        return;
    }
    FUZZ_CHECK(rc == TK_IPV4_HLEN && back.src == h->src && back.dst == h->dst);
    FUZZ_CHECK(back.frag == h->frag && back.id == h->id && back.ttl == h->ttl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    tk_ipv4_hdr h;
    int hl = tk_wire_ipv4_parse(data, size, false, &h);
    tk_ipv4_hdr hv;
    int hlv = tk_wire_ipv4_parse(data, size, true, &hv);
    FUZZ_CHECK(hlv == hl || hlv == TK_WIRE_IP_CSUM);
    if (hl < 0) {
        FUZZ_CHECK(hl <= TK_WIRE_IP_SHORT && hl >= TK_WIRE_IP_CSUM);
        return 0;
    }
    FUZZ_CHECK(hl >= TK_IPV4_HLEN && hl <= 60 && hl == h.hlen);
    FUZZ_CHECK(h.total_len >= hl && h.total_len <= size);
    round_trip(data, &h);
    if (h.proto == TK_IPPROTO_ICMP)
        check_icmp(data + hl, (size_t)h.total_len - (size_t)hl);
    return 0;
}
