/* Script preprocessing: removes comments, applies #ifdef/#ifndef/#else/#endif
 * against a set of defined names, and joins a shell command (`...`) or code
 * block (%{ ... }%) that spans lines into one logical line. */
#ifndef TK_TOOLS_PKT_PRE_H
#define TK_TOOLS_PKT_PRE_H

#include <stddef.h>

typedef struct tk_pkt_line {
    int line; /* 1-based number of the line the logical line starts on */
    char *text;
} tk_pkt_line;

typedef struct tk_pkt_lines {
    tk_pkt_line *v;
    size_t n, cap;
} tk_pkt_lines;

/* Splits text[0..len) into non-blank logical lines. On a preprocessing error
 * (unbalanced #endif, unterminated comment or command) returns -EINVAL with
 * *err_line and err_msg set. Returns 0 or -ENOMEM otherwise. */
int tk_pkt_preprocess(const char *text, size_t len, const char *const *defines, size_t ndefines,
                      tk_pkt_lines *out, int *err_line, const char **err_msg);
void tk_pkt_lines_free(tk_pkt_lines *lines);

#endif
