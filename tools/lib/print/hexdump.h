/* Reading hex dumps of frames as text (SPEC OBS-3).
 *
 * Understands Wireshark "Copy as Hex Dump", `tcpdump -xx`/`-X`, `xxd`,
 * `od -Ax -tx1`, `hexdump -C` and offset-less lines of hex bytes, with or
 * without an ASCII column. Bytes are placed at their offsets; a packet may
 * cover only part of a frame (the rest is unknown). A blank line, or an
 * offset not above the previous line's, starts the next packet.
 *
 * Pure: works on a text buffer, no I/O, no allocation. */
#ifndef TK_TOOLS_HEXDUMP_H
#define TK_TOOLS_HEXDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_HEX_MAX_FRAME 65536u /* highest offset + 1 a packet may reach */
#define TK_HEX_MAX_LINE  16384u /* longest line, in bytes of text */
#define TK_HEX_MSG_LEN   160u

/* One packet of a dump. data[i] is meaningful only where known[] says so. */
typedef struct tk_hex_packet {
    unsigned index;      /* 1-based position in the input, bad packets counted */
    unsigned first_line; /* 1-based line numbers of the packet's text */
    unsigned last_line;
    size_t lo; /* known bytes lie in [lo, hi) (maybe with holes) */
    size_t hi;
    bool had_offsets; /* at least one line carried an offset */
    uint8_t data[TK_HEX_MAX_FRAME];
    uint8_t known[TK_HEX_MAX_FRAME / 8];
} tk_hex_packet;

/* Where and why a packet could not be read. */
typedef struct tk_hex_error {
    unsigned line;
    char msg[TK_HEX_MSG_LEN];
} tk_hex_error;

typedef struct tk_hex_reader {
    const char *text;
    size_t len;
    size_t pos;                /* start of the next unread line */
    unsigned line;             /* number of the line at pos */
    unsigned packets;          /* packets started so far */
    char buf[TK_HEX_MAX_LINE]; /* the current line, normalised */
} tk_hex_reader;

void tk_hex_reader_init(tk_hex_reader *r, const char *text, size_t len);

/* Reads the next packet. Returns 1 with *pkt filled, 0 at the end of the
 * text, or -EINVAL with *err filled; after an error the bad packet has been
 * skipped and the next call continues with the packet after it. */
int tk_hex_next(tk_hex_reader *r, tk_hex_packet *pkt, tk_hex_error *err);

/* True when byte `off` of the packet came from the dump. */
bool tk_hex_known(const tk_hex_packet *pkt, size_t off);

/* True when every byte of [from, to) came from the dump. */
bool tk_hex_known_range(const tk_hex_packet *pkt, size_t from, size_t to);

#endif
