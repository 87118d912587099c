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

/* The TK_PKT_IPV* value of an --ip_version word (ipv4, ipv6,
 * ipv4-mapped-ipv6 or ipv4_mapped_ipv6), or -1. */
int tk_pkt_ip_version(const char *v);

#endif
