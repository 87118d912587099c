/* Symbolic names in scripts: errno names and the few constants whose values
 * the runner compares (fcntl flags). */
#ifndef TK_TOOLS_PKT_SYM_H
#define TK_TOOLS_PKT_SYM_H

#include <stdbool.h>
#include <stdint.h>

#include "pkt_ast.h"

/* Positive errno value of "ECONNRESET" etc., or 0 when unknown. */
int tk_pkt_errno_value(const char *name);
/* "ECONNRESET" for a positive errno value, or "E?" when unknown. */
const char *tk_pkt_errno_name(int value);

/* fcntl file status flags as the scripts compare them (FreeBSD values). */
#define TK_PKT_O_RDWR     0x2
#define TK_PKT_O_NONBLOCK 0x4

/* Evaluates an INT, a known SYMBOL (errno or O_* name) or an OR of them.
 * Returns false when some symbol is unknown. */
bool tk_pkt_eval(const tk_pkt_expr *e, int64_t *out);

#endif
