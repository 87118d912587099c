/* Shared between the analyzer's files; not part of its interface. */
#ifndef TK_TOOLS_ANALYZE_INT_H
#define TK_TOOLS_ANALYZE_INT_H

#include "analyze.h"

/* Which end of c sent s: 0, 1, or -1 when s is not on c's 4-tuple. */
int tk_az_end_of(const tk_az_conn *c, const tk_az_seg *s);

/* The newest connection on s's 4-tuple: its index, or -1 when none. */
long tk_az_index_find(const tk_analyzer *az, const tk_az_seg *s);

/* Makes conns[ci] the newest connection on its 4-tuple. Returns 0 or
 * -ENOMEM. */
int tk_az_index_put(tk_analyzer *az, size_t ci);

/* State paths and reset causes (analyze_state.c). Both look at the
 * connection as it was before segment s. */
void tk_az_track_states(tk_az_conn *c, int from, const tk_az_seg *s);
/* Returns true for stale connection recovery (RS-7): the RST also ends
 * the earlier connection on the 4-tuple. */
bool tk_az_rst_cause(const tk_az_conn *c, int from, const tk_az_seg *s, char *out, size_t cap);

/* The end of an earlier connection that a newer one on its 4-tuple shows:
 * both ends go to CLOSED. */
void tk_az_close_ends(tk_az_conn *c);

#endif
