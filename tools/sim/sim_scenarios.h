/* The scenarios of `tcpkit sim`: each tells one SPEC story between stack A
 * (198.18.0.1, client) and stack B (198.18.0.2, server) and checks that it
 * ended as described. A scenario whose engine feature is missing fails. */
#ifndef TK_TOOLS_SIM_SCENARIOS_H
#define TK_TOOLS_SIM_SCENARIOS_H

#include <stddef.h>

#include "sim_harness.h"

typedef struct tk_sim_scenario {
    const char *name;
    const char *spec; /* the SPEC IDs it demonstrates, "CM-10, CM-11" */
    const char *summary;
    /* Optional: adjusts the configuration before the stacks are created. */
    void (*configure)(tk_simnet_opts *no, const tk_sim_opts *o);
    /* Runs the story; failed expectations are recorded in the tk_sim. */
    void (*run)(tk_sim *s);
} tk_sim_scenario;

size_t tk_sim_scenario_count(void);
const tk_sim_scenario *tk_sim_scenario_at(size_t i);
const tk_sim_scenario *tk_sim_scenario_find(const char *name);

/* The server port every scenario listens on. */
#define TK_SIM_PORT 80

/* Scenario bodies, by file. sim_scenarios_loss.c (DT-12): */
void tk_sim_cf_tail_loss(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_tail_loss(tk_sim *s);
void tk_sim_sc_lost_segment(tk_sim *s);
void tk_sim_cf_reorder(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_reorder(tk_sim *s);
void tk_sim_sc_spurious_rto(tk_sim *s);
/* sim_scenarios.c: */
void tk_sim_sc_lifecycle(tk_sim *s);
/* sim_scenarios_close.c (CM): */
void tk_sim_sc_simultaneous_open(tk_sim *s);
void tk_sim_sc_simultaneous_close(tk_sim *s);
void tk_sim_sc_three_segment_close(tk_sim *s);
void tk_sim_sc_half_close(tk_sim *s);
void tk_sim_sc_lost_last_ack(tk_sim *s);
void tk_sim_sc_time_wait_refin(tk_sim *s);
void tk_sim_sc_time_wait_reuse(tk_sim *s);
void tk_sim_sc_syn_retries(tk_sim *s);
void tk_sim_cf_backlog(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_syn_backlog_full(tk_sim *s);
/* sim_scenarios_reset.c (RS): */
void tk_sim_sc_refused(tk_sim *s);
void tk_sim_sc_linger_abort(tk_sim *s);
void tk_sim_sc_unread_close(tk_sim *s);
void tk_sim_sc_half_open(tk_sim *s);
void tk_sim_sc_stale_reconnect(tk_sim *s);
/* sim_scenarios_data.c (DT, TM): */
void tk_sim_sc_cable_unplug(tk_sim *s);
void tk_sim_sc_keepalive_dead_peer(tk_sim *s);
void tk_sim_sc_keepalive_alive(tk_sim *s);
void tk_sim_sc_zero_window(tk_sim *s);
void tk_sim_cf_newreno(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_cf_lossy(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_lossy_transfer(tk_sim *s);
/* sim_scenarios_ecn.c (RFC 3168, docs/ecn.md): */
void tk_sim_cf_ecn(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_ecn_transfer(tk_sim *s);
void tk_sim_cf_no_ecn(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_no_ecn_transfer(tk_sim *s);
/* sim_scenarios_cc.c (DT-13): */
void tk_sim_cf_bottleneck(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_cubic_vs_reno(tk_sim *s);
void tk_sim_cf_paced_start(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_paced_start(tk_sim *s);
/* sim_scenarios_fastopen.c (OP-8): */
void tk_sim_cf_fast_open(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_fast_open(tk_sim *s);
/* sim_scenarios_misuse.c (CM-17): */
void tk_sim_sc_socket_reinit(tk_sim *s);
/* sim_scenarios_random.c (DT-1, DT-7 seeded runs): */
void tk_sim_cf_random(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_random(tk_sim *s);
/* sim_scenarios_whatif.c (OBS-9): rules broken on purpose. */
void tk_sim_cf_no_time_wait(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_what_if_no_time_wait(tk_sim *s);
void tk_sim_cf_short_msl(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_what_if_short_msl(tk_sim *s);
void tk_sim_cf_two_way(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_what_if_two_way(tk_sim *s);
/* sim_scenarios_attack.c: the seed stories of attack and misuse. */
void tk_sim_sc_syn_flood(tk_sim *s);
void tk_sim_cf_reconnect_storm(tk_simnet_opts *no, const tk_sim_opts *o);
void tk_sim_sc_reconnect_storm(tk_sim *s);

#endif
