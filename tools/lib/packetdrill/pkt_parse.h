/* The packetdrill-syntax parser: script text -> tk_pkt_script (pkt_ast.h).
 *
 * The language is packetdrill's (header lines, timing forms, system calls,
 * packets, `commands`, %{ code }%) with nplab's extensions that the FreeBSD
 * TCP test suite uses: the ...(len) sequence wildcard, `!` absolute
 * sequence numbers, ICMP lines, (ttl/tos), [ecn] marks and /udp(a > b). */
#ifndef TK_TOOLS_PKT_PARSE_H
#define TK_TOOLS_PKT_PARSE_H

#include <stddef.h>

#include "pkt_ast.h"
#include "pkt_lex.h"

typedef struct tk_pkt_error {
    int line; /* 1-based; 0 when not tied to a line (I/O) */
    char msg[200];
} tk_pkt_error;

/* Parses a whole script. `defines` are the names #ifdef tests. Returns 0,
 * -EINVAL (syntax error, described in *err), or -ENOMEM. */
int tk_pkt_parse(const char *text, size_t len, const char *const *defines, size_t ndefines,
                 tk_pkt_script *out, tk_pkt_error *err);

/* Reads and parses a file; -errno when it cannot be read. */
int tk_pkt_parse_file(const char *path, const char *const *defines, size_t ndefines,
                      tk_pkt_script *out, tk_pkt_error *err);

void tk_pkt_script_free(tk_pkt_script *s);

/* Parts of the grammar, exposed for the unit tests and the line parser. Each
 * returns 0 or -EINVAL with a message in err->msg. */
int tk_pkt_parse_packet(tk_pkt_lex *lx, tk_pkt_packet *out, tk_pkt_error *err);
int tk_pkt_parse_syscall(tk_pkt_lex *lx, tk_pkt_syscall *out, tk_pkt_error *err);
int tk_pkt_parse_expr(tk_pkt_lex *lx, tk_pkt_expr *out, tk_pkt_error *err);
void tk_pkt_expr_free(tk_pkt_expr *e);

#endif
