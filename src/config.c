/* Defaults of every run-time setting (SPEC defaults table). */
#include <string.h>

#include "tcpkit/config.h"

void tk_config_default(tk_config *cfg) {
    memset(cfg, 0, sizeof(*cfg));
    cfg->mtu = 1500;
    cfg->max_sockets = 64;
    cfg->max_time_wait = 1024;
    cfg->max_syn_backlog = 128;
    cfg->ooo_budget_bytes = 64u * 1024u;
    cfg->rcvbuf = 64u * 1024u;
    cfg->sndbuf = 64u * 1024u;
    cfg->md5_keys = 8;
    cfg->msl = TK_SEC(30);
    cfg->rto_initial = TK_SEC(1);
    cfg->rto_min = TK_MS(200);
    cfg->rto_max = TK_SEC(120);
    cfg->syn_retries = 6;
    cfg->synack_retries = 5;
    cfg->retries2 = 15;
    cfg->fin_wait2_timeout = TK_SEC(60);
    cfg->keepalive_idle = TK_SEC(7200);
    cfg->keepalive_intvl = TK_SEC(75);
    cfg->keepalive_probes = 9;
    cfg->delack = TK_MS(40);
    cfg->persist_min = TK_MS(200);
    cfg->orphan_retries = 8;
    cfg->persist_max_idle = 0;
    cfg->keepinit = 0;
    cfg->keepalive_always = false;
    cfg->ip_ttl = 64;
    cfg->ephemeral_lo = 49152;
    cfg->ephemeral_hi = 65535;
    cfg->opt_wscale = true;
    cfg->opt_timestamps = true;
    cfg->opt_sack = true;
    cfg->default_mss = 536;
    cfg->initial_window = 0;
    cfg->ecn = 2;
    cfg->ecn_syn_retries = 1;
    cfg->challenge_ack_limit = 1000;
    cfg->invalid_ack_ratelimit = TK_MS(500);
    cfg->invalid_ack_count = 1;
    cfg->syn_cookies = true;
    cfg->syn_rate_limit = 0;
    cfg->syn_rate_sources = 64;
    cfg->drop_synfin = true;
    cfg->icmp_may_rst = true;
    cfg->udp_tunnel_overhead = 8;
    cfg->arp_cache_size = 32;
    cfg->arp_queue_frames = 16;
    cfg->arp_ttl = TK_SEC(60);
    cfg->arp_retry_interval = TK_SEC(1);
    cfg->arp_retries = 3;
    cfg->arp_accept_gratuitous = false;
    cfg->ipfrag_slots = 4;
    cfg->ipfrag_max_bytes = 16u * 1024u;
    cfg->ipfrag_timeout = TK_SEC(30);
    cfg->tx_backlog_frames = 2;
}
