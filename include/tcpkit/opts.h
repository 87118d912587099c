/* Compile-time options, the counterpart of lwIP's lwipopts.h. An embedder
 * who wants other defaults writes a tk_opts.h and builds the core with
 * -DTK_OPTS and that file's directory on the include path:
 *
 *   #define TK_DEFAULT_MAX_SOCKETS   6      // any tk_config field, in capitals
 *   #define TK_DEFAULT_RCVBUF        4096
 *   #define TK_DEFAULT_MAX_TIME_WAIT 8
 *
 * Every TK_DEFAULT_<FIELD> changes what tk_config_default() fills in; the
 * run-time setting stays, so a program may still change the field before
 * tk_stack_init. The list with the built-in values is src/config_defaults.h.
 * Without TK_OPTS the built-in defaults (the SPEC table) apply.
 *
 * TK_WITH_<FEATURE> 0 leaves a feature's code out of the build; its
 * settings then act as if off:
 *   TK_WITH_IPFRAG  IPv4 fragment reassembly (as ipfrag_slots 0: every
 *                   fragment is dropped and counted in drop_ip_fragment)
 *   TK_WITH_MD5     TCP-MD5 signatures (RFC 2385): the key store stays
 *                   empty (tk_stack_md5_add answers -ENOPROTOOPT), so
 *                   signed segments are dropped as for a pair with no key
 * The other features (SYN cookies, TCP over UDP, ECN, the trace hook,
 * counter names) are always compiled in for now. */
#ifndef TCPKIT_OPTS_H
#define TCPKIT_OPTS_H

#ifdef TK_OPTS
#include "tk_opts.h"
#endif

#ifndef TK_WITH_IPFRAG
#define TK_WITH_IPFRAG 1
#endif
#ifndef TK_WITH_MD5
#define TK_WITH_MD5 1
#endif

/* TK_WITH_SHARDS 0: no RSS-steered port choice (tcpkit/shard.h); a stack
 * configured with shard_count > 1 is refused by tk_config_valid. */
#ifndef TK_WITH_SHARDS
#define TK_WITH_SHARDS 1
#endif

#endif
