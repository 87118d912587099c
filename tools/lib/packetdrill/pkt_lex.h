/* A cursor over one logical script line, with the small scanners the
 * packetdrill-syntax parser is built from. Every scanner skips leading
 * blanks and returns false without moving when its token is not next. */
#ifndef TK_TOOLS_PKT_LEX_H
#define TK_TOOLS_PKT_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tk_pkt_lex {
    const char *p;
    const char *end;
} tk_pkt_lex;

void tk_pkt_lex_init(tk_pkt_lex *lx, const char *text);
void tk_pkt_lex_ws(tk_pkt_lex *lx);
bool tk_pkt_lex_eof(tk_pkt_lex *lx);
/* The next character after blanks, or '\0' at the end. */
char tk_pkt_lex_peek(tk_pkt_lex *lx);
/* Consumes `lit` when it comes next. */
bool tk_pkt_lex_lit(tk_pkt_lex *lx, const char *lit);
/* Consumes `word` when it comes next and is not followed by [A-Za-z0-9_]. */
bool tk_pkt_lex_word(tk_pkt_lex *lx, const char *word);
/* [A-Za-z_][A-Za-z0-9_]* into buf (truncated to cap-1). */
bool tk_pkt_lex_ident(tk_pkt_lex *lx, char *buf, size_t cap);
/* Decimal or 0x hex, optionally negative. */
bool tk_pkt_lex_int(tk_pkt_lex *lx, int64_t *out);
/* An unsigned value that fits in 32 bits. */
bool tk_pkt_lex_u32(tk_pkt_lex *lx, uint32_t *out);
/* Seconds with an optional fraction ("0.100", "1", ".5") as microseconds. */
bool tk_pkt_lex_seconds(tk_pkt_lex *lx, int64_t *usecs);

/* The value of a hexadecimal digit, or -1. */
int tk_pkt_hex_digit(char c);

#endif
