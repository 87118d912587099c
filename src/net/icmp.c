/* ICMP errors: their errno mapping, and delivery through the protocol
 * switch to the transport whose datagram they quote. */
#include <errno.h>
#include <string.h>

#include "net/icmp.h"
#include "net/net.h"
#include "net/protosw.h"
#include "tcpkit/wire/ipv4.h"

/* RFC 1122 4.2.3.9: protocol and port unreachable are hard; so are the
 * administratively prohibited codes (RFC 1812 5.2.7.1). Net/host
 * unreachable, source route failed and time exceeded are soft. */
int tk_icmp_hard_errno(uint8_t type, uint8_t code) {
    if (type != TK_ICMP_DEST_UNREACH)
        return 0;
    switch (code) {
    case TK_ICMP_PROTO_UNREACH:
        return -ENOPROTOOPT;
    case TK_ICMP_PORT_UNREACH:
        return -ECONNREFUSED;
    case 9:  /* network administratively prohibited */
    case 10: /* host administratively prohibited */
    case 13: /* communication administratively prohibited */
        return -EHOSTUNREACH;
    default:
        return 0;
    }
}

/* As Linux reports them: network unreachable codes ENETUNREACH, the rest of
 * destination unreachable and time exceeded EHOSTUNREACH, parameter problem
 * EPROTO; a hard code keeps its own errno. */
int tk_icmp_soft_errno(uint8_t type, uint8_t code) {
    if (type == TK_ICMP_TIME_EXCEEDED)
        return -EHOSTUNREACH;
    if (type == TK_ICMP_PARAM_PROBLEM)
        return -EPROTO;
    if (type != TK_ICMP_DEST_UNREACH)
        return 0;
    int hard = tk_icmp_hard_errno(type, code);
    if (hard != 0)
        return hard;
    if (code == TK_ICMP_NET_UNREACH || code == 6 /* net unknown */ || code == 11 /* net, TOS */)
        return -ENETUNREACH;
    return -EHOSTUNREACH;
}

/* The effect of an error on the transport whose datagram it quotes; a
 * quote of someone else's datagram, or of a protocol with no error
 * handler, is ignored. */
static int deliver(tk_net *net, const tk_icmp_hdr *h, tk_time now) {
    tk_icmp_quote q;
    int rc = tk_wire_icmp_quote_parse(h, &q);
    if (rc < 0)
        return rc;
    if (q.src != net->cfg->addr)
        return TK_ICMP_IGNORED;
    const tk_protosw *sw = tk_protosw_find(&net->protosw, q.proto);
    if (sw == NULL || sw->ctlinput == NULL)
        return TK_ICMP_IGNORED;
    return sw->ctlinput(sw->ctx, h, &q, now);
}

int tk_net_icmp_error(tk_net *net, const tk_icmp_hdr *h, tk_time now) {
    net->stats->icmp_errors_in++;
    int rc = deliver(net, h, now);
    if (rc == TK_ICMP_HARD)
        net->stats->icmp_hard_errors++;
    else if (rc < 0 || rc == TK_ICMP_IGNORED)
        net->stats->icmp_errors_ignored++;
    return 0;
}
