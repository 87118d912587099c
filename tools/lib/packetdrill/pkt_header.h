/* Header lines (`--name=value` before the first event): packetdrill's
 * options, each honoured or refused with the reason (docs/run.md). */
#ifndef TK_TOOLS_PKT_HEADER_H
#define TK_TOOLS_PKT_HEADER_H

#include "pkt_ast.h"
#include "pkt_parse.h"

/* Parses one `--name[=value]` line into h. Returns 0, or -EINVAL with the
 * reason in err->msg (an unknown name, a bad value, or an option tcpkit
 * cannot honour, named). */
int tk_pkt_parse_header(const char *line, tk_pkt_headers *h, tk_pkt_error *err);

#endif
