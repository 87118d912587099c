/* TCP's place in the protocol switch (net/protosw.h): plain segments under
 * IP protocol 6 with their ICMP errors, and TCP inside UDP (encap.c) under
 * protocol 17. */
#include "tcp/state.h"

static int tcp_ip_input(void *ctx, const tk_ipv4_hdr *ih, const uint8_t *p, size_t len,
                        tk_time now) {
    tk_stack *s = ctx;
    /* NET-7: the link verified the checksum (TK_RX_CSUM_VALID): no second sum. */
    bool trusted = s->net.rx_csum_valid;
    if (trusted)
        s->stats.rx_csum_trusted++;
    tk_tcp_arrival via = {.ecn = ih->tos & TK_IP_ECN_MASK, .encap = 0, .verify_csum = !trusted};
    return tk_tcp_input_from(s, ih->src, ih->dst, p, len, &via, now);
}

#if TK_WITH_IPV6
static int tcp_ip6_input(void *ctx, const tk_ipv6_hdr *ih, const uint8_t *p, size_t len,
                         tk_time now) {
    tk_stack *s = ctx;
    bool trusted = s->net.rx_csum_valid;
    if (trusted)
        s->stats.rx_csum_trusted++;
    tk_tcp_arrival via = {.ecn = ih->tclass & TK_IP_ECN_MASK, .encap = 0, .verify_csum = !trusted};
    return tk_tcp_input6(s, ih->src, ih->dst, p, len, &via, now);
}
#endif

#if TK_WITH_ENCAP && TK_WITH_IPV6
static int udp_ip6_input(void *ctx, const tk_ipv6_hdr *ih, const uint8_t *p, size_t len,
                         tk_time now) {
    return tk_udp_input6(ctx, ih, p, len, now);
}
#endif

#if TK_WITH_ENCAP
static int udp_ip_input(void *ctx, const tk_ipv4_hdr *ih, const uint8_t *p, size_t len,
                        tk_time now) {
    return tk_udp_input(ctx, ih, p, len, now);
}
#endif

void tk_tcp_attach(tk_stack *s) {
    (void)tk_protosw_register(&s->net.protosw, TK_IPPROTO_TCP, tcp_ip_input, tk_tcp_ctlinput, s);
#if TK_WITH_IPV6
    (void)tk_protosw_register6(&s->net.protosw, TK_IPPROTO_TCP, tcp_ip6_input, tk_tcp_ctlinput6);
#endif
#if TK_WITH_ENCAP
    (void)tk_protosw_register(&s->net.protosw, TK_IPPROTO_UDP, udp_ip_input, NULL, s);
#if TK_WITH_IPV6
    (void)tk_protosw_register6(&s->net.protosw, TK_IPPROTO_UDP, udp_ip6_input, NULL);
#endif
#endif
}
