/* Seeded random frames for the tcpdump cross-check: TCP segments with random
 * option lists, flags, offsets and cuts; ICMP errors with random types and
 * short quotes; odd ARP and IPv4 headers; UDP with bad lengths. Only
 * protocols the printer decodes are drawn (no MPTCP option, no ESP), so every
 * line must equal tcpdump's.
 *
 *   gen_mutants DIR [SEED [COUNT]]  ->  DIR/mutants.pcap  DIR/mutants.txt */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/print/print.h"
#include "pcap_writer.h"

#define FRAME_MAX 256

static uint64_t rng_state;

/* splitmix64: a small, well-mixed generator that replays from its seed. */
static uint32_t rnd(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static uint32_t below(uint32_t n) {
    return rnd() % n;
}

static uint32_t pick(const uint32_t *v, size_t n) {
    return v[below((uint32_t)n)];
}
#define PICK(arr) pick(arr, sizeof arr / sizeof arr[0])

static void put16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v) {
    put16(p, v >> 16);
    put16(p + 2, v & 0xffffu);
}

static size_t eth(uint8_t *f, uint16_t type) {
    static const uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
    memcpy(f, macs, sizeof macs);
    put16(f + 12, type);
    return 14;
}

/* IPv4 header at f+14 (checksum left 0: tcpdump -nn does not check it). */
static size_t ipv4(uint8_t *f, size_t l4len, uint8_t proto) {
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint32_t)(20 + l4len));
    put16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, 0xc6120001u);
    put32(ip + 16, 0xc6120002u);
    return 34;
}

static size_t random_options(uint8_t *o, size_t room) {
    static const uint32_t kinds[] = {0,  1,  1,  2,  3,  4,  5,  5,  8,   8,  6, 7,
                                     11, 12, 13, 19, 20, 28, 29, 34, 254, 99, 9, 10};
    static const uint32_t lens[] = {0, 1, 2, 3, 4, 6, 8, 10, 12, 18, 20};
    size_t n = 0;
    while (n < room) {
        uint32_t k = PICK(kinds);
        o[n++] = (uint8_t)k;
        if (k <= 1 || n == room)
            continue;
        uint32_t l = below(4) == 0 ? below(41) : PICK(lens);
        o[n++] = (uint8_t)l;
        for (uint32_t i = 2; i < l && n < room && i < 2 + below(14); i++)
            o[n++] = (uint8_t)rnd();
    }
    /* After a wrong length any byte may be read as a kind: never MPTCP (30). */
    for (size_t i = 0; i < room; i++)
        if (o[i] == 30)
            o[i] = 31;
    return room;
}

static size_t tcp_mutant(uint8_t *f) {
    static const uint32_t ports[] = {1000, 2000, 3000, 80, 8080, 49152};
    static const uint32_t seqs[] = {0, 1, 0xfffffffbu, 0x7fffffffu};
    static const char *const payloads[] = {
        "", "GET / HTTP/1.1\r\nHost: a\r\n", "abc", "HTTP/1.0 200 OK\n", "POST /x", "\x01\x02\x03"};
    uint8_t t[128];
    size_t optlen = 4 * below(11);
    uint32_t doff = (uint32_t)(20 + optlen) / 4;
    if (below(20) == 0)
        doff = below(16);
    put16(t, PICK(ports));
    put16(t + 2, PICK(ports));
    put32(t + 4, below(2) ? rnd() : PICK(seqs));
    put32(t + 8, below(2) ? rnd() : PICK(seqs));
    t[12] = (uint8_t)(doff << 4);
    t[13] = (uint8_t)(below(3) ? PICK(((const uint32_t[]){0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14,
                                                          0x19, 0xc2, 0x30}))
                               : below(256));
    put16(t + 14, rnd());
    put16(t + 16, 0);
    put16(t + 18, rnd());
    random_options(t + 20, optlen);
    const char *pl = payloads[below(sizeof payloads / sizeof payloads[0])];
    size_t plen = strlen(pl);
    memcpy(t + 20 + optlen, pl, plen);
    size_t l4 = 20 + optlen + plen;
    size_t off = ipv4(f, l4, 6);
    eth(f, 0x0800);
    memcpy(f + off, t, l4);
    return off + l4;
}

static size_t icmp_mutant(uint8_t *f) {
    static const uint32_t types[] = {0,  3,  3,  3,  4,  5,  8,  9,  10,
                                     11, 12, 13, 14, 15, 16, 17, 18, 40};
    static const uint32_t codes[] = {0, 1, 2, 3, 4, 5, 6, 9, 13, 15, 16, 200};
    static const uint32_t protos[] = {6, 17, 1, 99};
    static const uint32_t vhl[] = {0x45, 0x46, 0x44, 0x4f};
    uint8_t m[64];
    m[0] = (uint8_t)PICK(types);
    m[1] = (uint8_t)PICK(codes);
    put16(m + 2, 0);
    put32(m + 4, rnd());
    uint8_t *q = m + 8;
    memset(q, 0, 32);
    q[0] = (uint8_t)PICK(vhl);
    q[9] = (uint8_t)PICK(protos);
    put32(q + 12, 0xc6120002u);
    put32(q + 16, 0xc6120001u);
    for (size_t i = 20; i < 32; i++)
        q[i] = (uint8_t)rnd();
    size_t len = 8 + below(33);
    size_t off = ipv4(f, len, 1);
    eth(f, 0x0800);
    memcpy(f + off, m, len);
    return off + len;
}

static size_t arp_mutant(uint8_t *f) {
    static const uint32_t hrd[] = {1, 1, 1, 6, 300};
    static const uint32_t pro[] = {0x0800, 0x0800, 0x86dd, 0x1000, 0x1234};
    static const uint32_t hln[] = {6, 6, 6, 0, 8};
    static const uint32_t pln[] = {4, 4, 4, 6};
    static const uint32_t ops[] = {1, 2, 3, 4, 8, 9, 10, 0, 77};
    size_t off = eth(f, below(4) ? 0x0806 : 0x8035);
    uint8_t *a = f + off;
    put16(a, PICK(hrd));
    put16(a + 2, PICK(pro));
    a[4] = (uint8_t)PICK(hln);
    a[5] = (uint8_t)PICK(pln);
    put16(a + 6, PICK(ops));
    for (size_t i = 8; i < 32; i++)
        a[i] = below(3) ? (uint8_t)below(3) : (uint8_t)rnd();
    return off + 28 + (below(2) ? 18 : 0);
}

static size_t ip_udp_mutant(uint8_t *f) {
    static const uint32_t vhl[] = {0x45, 0x45, 0x46, 0x43, 0x55, 0x65, 0x47};
    static const uint32_t frag[] = {0x4000, 0x2000, 0x0010, 0};
    static const uint32_t ulen[] = {8, 9, 12, 30, 4};
    size_t off = eth(f, 0x0800);
    uint8_t *ip = f + off;
    size_t body = 8 + below(8);
    ipv4(f, body, 17);
    ip[0] = (uint8_t)PICK(vhl);
    put16(ip + 6, PICK(frag));
    if (below(3) == 0)
        put16(ip + 2, below(80));
    size_t hl = (size_t)(ip[0] & 0x0f) * 4;
    uint8_t *u = ip + (hl > 20 ? hl : 20);
    if (hl > 20)
        memset(ip + 20, 1, hl - 20); /* NOP options */
    put16(u, below(2) ? 1234 : 7);
    put16(u + 2, below(2) ? 5678 : 9);
    put16(u + 4, PICK(ulen));
    put16(u + 6, 0);
    memset(u + 8, 'u', body - 8);
    return (size_t)(u - f) + body;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: gen_mutants DIR [SEED [COUNT]]\n");
        return 2;
    }
    rng_state = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
    long count = argc > 3 ? strtol(argv[3], NULL, 0) : 4000;
    char path[4096];
    tk_pcap_writer w;
    snprintf(path, sizeof path, "%s/mutants.pcap", argv[1]);
    int rc = tk_pcap_open(&w, path, false);
    snprintf(path, sizeof path, "%s/mutants.txt", argv[1]);
    FILE *txt = fopen(path, "w");
    if (rc != 0 || !txt) {
        fprintf(stderr, "gen_mutants: cannot create files in %s\n", argv[1]);
        return 1;
    }
    static tk_printer printer;
    static char text[TK_PRINT_LINE_MAX];
    tk_printer_init(&printer, false);
    for (long i = 0; i < count; i++) {
        uint8_t f[FRAME_MAX];
        uint32_t kind = below(10);
        size_t len = kind < 5   ? tcp_mutant(f)
                     : kind < 7 ? icmp_mutant(f)
                     : kind < 8 ? arp_mutant(f)
                                : ip_udp_mutant(f);
        if (below(6) == 0)
            len = 1 + below((uint32_t)len); /* cut short, as a small snaplen would */
        char stamp[TK_PRINT_TIME_LEN];
        tk_time t = TK_MS(10) * (tk_time)(i + 1);
        if (tk_pcap_write(&w, t, f, len) != 0 ||
            tk_print_frame(&printer, f, len, text, sizeof text) < 0) {
            fprintf(stderr, "gen_mutants: frame %ld failed\n", i);
            return 1;
        }
        tk_print_time(t, stamp, sizeof stamp);
        fprintf(txt, "%s %s\n", stamp, text);
    }
    if (tk_pcap_close(&w) != 0 || fclose(txt) != 0)
        return 1;
    printf("mutants: %ld frames (seed %llu)\n", count,
           (unsigned long long)(argc > 2 ? strtoull(argv[2], NULL, 0) : 1));
    return 0;
}
