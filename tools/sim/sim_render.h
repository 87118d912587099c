/* The renderer of `tcpkit sim`: turns frames, state transitions, socket calls
 * and notes into tcpdump-style text lines with virtual timestamps, or JSON
 * Lines (one object per event), and tees frames into a pcap file. */
#ifndef TK_TOOLS_SIM_RENDER_H
#define TK_TOOLS_SIM_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tcpkit/trace.h"
#include "tcpkit/types.h"

typedef struct tk_sim_render tk_sim_render;

/* Output to `out` (NULL: no lines), JSON Lines when json, and a pcap of
 * what an observer on A's interface sees when pcap_path is set. Returns NULL
 * and sets *err (negative errno) on failure. */
tk_sim_render *tk_sim_render_open(FILE *out, bool json, const char *pcap_path, int *err);
void tk_sim_render_close(tk_sim_render *r);

/* A frame leaving or reaching a side (see tk_simnet_frame_fn). Only frames
 * leaving are printed, with the link's verdict when it was not a plain
 * delivery; both directions go to the pcap. */
void tk_sim_render_frame(tk_sim_render *r, int side, int where, const uint8_t *frame, size_t len,
                         tk_time now, int outcome);

/* A stack's trace event: state transitions, socket errors, dropped frames. */
void tk_sim_render_trace(tk_sim_render *r, int side, const tk_trace_event *ev);

/* An application call and its result, e.g. "recv() = 0 (peer closed)". */
void tk_sim_render_app(tk_sim_render *r, tk_time now, int side, const char *text);

/* A remark of the scenario, e.g. "TIME_WAIT lasted 60.000 s". */
void tk_sim_render_note(tk_sim_render *r, tk_time now, const char *text);

/* The final verdict line. */
void tk_sim_render_result(tk_sim_render *r, tk_time now, const char *scenario, bool ok,
                          const char *why);

/* "-ECONNREFUSED" for -111, "0" for 0, "-E<n>" when unknown, "12" for 12. */
const char *tk_sim_errstr(long rc, char *buf, size_t cap);

/* "198.18.0.1:49152" */
void tk_sim_format_ep(char *buf, size_t cap, uint32_t addr, uint16_t port);
/* The same for either family: a.b.c.d:port or [x:x::x]:port. */
void tk_sim_format_sockaddr(char *buf, size_t cap, const tk_sockaddr *a);

/* What the link did to a frame (TK_SIMLINK_* outcome bits; negative: the
 * link rejected it), or NULL when it went through untouched. */
const char *tk_sim_link_verdict(int outcome);

#endif
