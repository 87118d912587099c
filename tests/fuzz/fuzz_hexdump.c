/* Fuzz target: arbitrary text through the hex dump reader and the layer
 * finder of `tcpkit decode` (SPEC OBS-3, SEC-4). Every packet must stay in
 * bounds and describe only bytes it marks as known; every error names a line
 * of the input; the reader always ends. */
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "lib/capture/decode_frame.h"
#include "lib/capture/decode_out.h"
#include "lib/print/hexdump.h"

static tk_hex_reader reader;
static tk_hex_packet pkt;

static void check_packet(const tk_hex_packet *p, unsigned lines) {
    FUZZ_CHECK(p->lo < p->hi && p->hi <= TK_HEX_MAX_FRAME);
    FUZZ_CHECK(tk_hex_known(p, p->lo) && tk_hex_known(p, p->hi - 1));
    FUZZ_CHECK(p->lo == 0 || !tk_hex_known(p, p->lo - 1));
    FUZZ_CHECK(!tk_hex_known(p, p->hi));
    FUZZ_CHECK(p->first_line >= 1 && p->first_line <= p->last_line && p->last_line <= lines);
}

static void check_decode(const tk_hex_packet *p, long tcp_offset) {
    tk_dframe_in in = {p->data, p->known, p->lo, p->hi, tcp_offset, TK_DFRAME_AUTO};
    tk_dframe f;
    int rc = tk_dframe_decode(&in, &f);
    if (rc < 0) {
        FUZZ_CHECK(f.why[0] != '\0' && memchr(f.why, '\0', sizeof f.why));
        return;
    }
    FUZZ_CHECK(rc == 0);
    if (!f.is_tcp)
        return;
    FUZZ_CHECK(f.tcp.hlen >= TK_TCP_HLEN && f.tcp.hlen <= TK_TCP_MAX_HLEN);
    FUZZ_CHECK(f.tcp_off + f.tcp.hlen <= p->hi);
    FUZZ_CHECK(tk_hex_known_range(p, f.tcp_off, f.tcp_off + f.tcp.hlen));
    if (!f.has_ip)
        FUZZ_CHECK(f.tcp_off + f.tcp.hlen + f.payload_len == p->hi);
    char line[TK_DOUT_LINE_MAX];
    tk_dout_summary(&f, line, sizeof line);
    FUZZ_CHECK(memchr(line, '\0', sizeof line) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    unsigned lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    tk_hex_reader_init(&reader, (const char *)data, size);
    unsigned calls = 0;
    for (;;) {
        tk_hex_error err;
        int rc = tk_hex_next(&reader, &pkt, &err);
        FUZZ_CHECK(++calls <= lines + 1);
        if (rc == 0)
            break;
        if (rc < 0) {
            FUZZ_CHECK(err.line >= 1 && err.line <= lines + 1);
            FUZZ_CHECK(err.msg[0] != '\0' && memchr(err.msg, '\0', sizeof err.msg));
            continue;
        }
        FUZZ_CHECK(rc == 1);
        check_packet(&pkt, lines);
        check_decode(&pkt, TK_DFRAME_AUTO);
        check_decode(&pkt, 34);
    }
    return 0;
}
