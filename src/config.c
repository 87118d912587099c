/* Defaults of every run-time setting (SPEC defaults table), from
 * config_defaults.h so that an embedder can change them at compile time. */
#include <string.h>

#include "config_defaults.h"
#include "tcpkit/config.h"

void tk_config_default(tk_config *cfg) {
    memset(cfg, 0, sizeof(*cfg));
    cfg->mtu = TK_DEFAULT_MTU;
    cfg->link_caps = TK_DEFAULT_LINK_CAPS;
    cfg->link_tso_max = TK_DEFAULT_LINK_TSO_MAX;
    cfg->max_sockets = TK_DEFAULT_MAX_SOCKETS;
    cfg->max_time_wait = TK_DEFAULT_MAX_TIME_WAIT;
    cfg->max_syn_backlog = TK_DEFAULT_MAX_SYN_BACKLOG;
    cfg->ooo_budget_bytes = TK_DEFAULT_OOO_BUDGET_BYTES;
    cfg->rcvbuf = TK_DEFAULT_RCVBUF;
    cfg->sndbuf = TK_DEFAULT_SNDBUF;
    cfg->buf_chunk_size = TK_DEFAULT_BUF_CHUNK_SIZE;
    cfg->buf_pool_bytes = TK_DEFAULT_BUF_POOL_BYTES;
    cfg->sack_boards = TK_DEFAULT_SACK_BOARDS;
    cfg->reass_queues = TK_DEFAULT_REASS_QUEUES;
    cfg->md5_keys = TK_DEFAULT_MD5_KEYS;
    cfg->msl = TK_DEFAULT_MSL;
    cfg->rto_initial = TK_DEFAULT_RTO_INITIAL;
    cfg->rto_min = TK_DEFAULT_RTO_MIN;
    cfg->rto_max = TK_DEFAULT_RTO_MAX;
    cfg->syn_retries = TK_DEFAULT_SYN_RETRIES;
    cfg->synack_retries = TK_DEFAULT_SYNACK_RETRIES;
    cfg->retries2 = TK_DEFAULT_RETRIES2;
    cfg->fin_wait2_timeout = TK_DEFAULT_FIN_WAIT2_TIMEOUT;
    cfg->keepalive_idle = TK_DEFAULT_KEEPALIVE_IDLE;
    cfg->keepalive_intvl = TK_DEFAULT_KEEPALIVE_INTVL;
    cfg->keepalive_probes = TK_DEFAULT_KEEPALIVE_PROBES;
    cfg->delack = TK_DEFAULT_DELACK;
    cfg->persist_min = TK_DEFAULT_PERSIST_MIN;
    cfg->orphan_retries = TK_DEFAULT_ORPHAN_RETRIES;
    cfg->persist_max_idle = TK_DEFAULT_PERSIST_MAX_IDLE;
    cfg->keepinit = TK_DEFAULT_KEEPINIT;
    cfg->keepalive_always = TK_DEFAULT_KEEPALIVE_ALWAYS;
    cfg->ip_ttl = TK_DEFAULT_IP_TTL;
    cfg->ephemeral_lo = TK_DEFAULT_EPHEMERAL_LO;
    cfg->ephemeral_hi = TK_DEFAULT_EPHEMERAL_HI;
    cfg->shard_count = 1;
    cfg->shard_index = 0;
    cfg->opt_wscale = TK_DEFAULT_OPT_WSCALE;
    cfg->opt_timestamps = TK_DEFAULT_OPT_TIMESTAMPS;
    cfg->opt_sack = TK_DEFAULT_OPT_SACK;
    cfg->rack = TK_DEFAULT_RACK;
    cfg->default_mss = TK_DEFAULT_DEFAULT_MSS;
    cfg->initial_window = TK_DEFAULT_INITIAL_WINDOW;
    cfg->cc_algorithm = TK_DEFAULT_CC_ALGORITHM;
    cfg->pacing = TK_DEFAULT_PACING != 0;
    cfg->ecn = TK_DEFAULT_ECN;
    cfg->ecn_syn_retries = TK_DEFAULT_ECN_SYN_RETRIES;
    cfg->challenge_ack_limit = TK_DEFAULT_CHALLENGE_ACK_LIMIT;
    cfg->invalid_ack_ratelimit = TK_DEFAULT_INVALID_ACK_RATELIMIT;
    cfg->invalid_ack_count = TK_DEFAULT_INVALID_ACK_COUNT;
    cfg->syn_cookies = TK_DEFAULT_SYN_COOKIES;
    cfg->syn_rate_limit = TK_DEFAULT_SYN_RATE_LIMIT;
    cfg->syn_rate_sources = TK_DEFAULT_SYN_RATE_SOURCES;
    cfg->drop_synfin = TK_DEFAULT_DROP_SYNFIN;
    cfg->icmp_may_rst = TK_DEFAULT_ICMP_MAY_RST;
    cfg->pmtu_min = TK_DEFAULT_PMTU_MIN;
    cfg->pmtu_blackhole = TK_DEFAULT_PMTU_BLACKHOLE;
    cfg->udp_tunnel_overhead = TK_DEFAULT_UDP_TUNNEL_OVERHEAD;
    cfg->arp_cache_size = TK_DEFAULT_ARP_CACHE_SIZE;
    cfg->arp_queue_frames = TK_DEFAULT_ARP_QUEUE_FRAMES;
    cfg->arp_ttl = TK_DEFAULT_ARP_TTL;
    cfg->arp_retry_interval = TK_DEFAULT_ARP_RETRY_INTERVAL;
    cfg->arp_retries = TK_DEFAULT_ARP_RETRIES;
    cfg->arp_accept_gratuitous = TK_DEFAULT_ARP_ACCEPT_GRATUITOUS;
    cfg->ipfrag_slots = TK_DEFAULT_IPFRAG_SLOTS;
    cfg->ipfrag_max_bytes = TK_DEFAULT_IPFRAG_MAX_BYTES;
    cfg->ipfrag_timeout = TK_DEFAULT_IPFRAG_TIMEOUT;
    cfg->ipfrag6_timeout = TK_DEFAULT_IPFRAG6_TIMEOUT;
    cfg->tx_backlog_frames = TK_DEFAULT_TX_BACKLOG_FRAMES;
    cfg->dad_transmits = TK_DEFAULT_DAD_TRANSMITS;
}
