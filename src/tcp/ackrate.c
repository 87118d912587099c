/* ACKs in reply to invalid segments, and RFC 5961 challenge ACKs (SPEC
 * SEC-3, SEC-6, SEC-8). Each answer costs the receiver of a spoofed segment
 * one segment out, so without a limit a flood of blind segments draws a
 * flood of ACKs, and two confused ends can ping-pong ACKs for ever. Like
 * Linux (tcp_oow_rate_limited, tcp_send_challenge_ack) there are two
 * limits: one per connection for every such ACK, and a stack-wide budget
 * for challenge ACKs (RFC 5961 7) that is drawn at random per second, so
 * that its exhaustion, shared by all connections, reveals nothing about
 * any one of them (CVE-2016-5696). */
#include "base/div.h"
#include "base/siphash.h"
#include "tcp/state.h"

/* The connection's limit: invalid_ack_count ACKs per invalid_ack_ratelimit
 * (FreeBSD's ack_war_cnt per ack_war_timewindow; Linux's one per
 * tcp_invalid_ratelimit). True when this ACK must not be sent. */
static bool conn_limited(tk_stack *s, tk_tcb *tp, tk_time now) {
    tk_time span = s->cfg.invalid_ack_ratelimit;
    if (span == 0)
        return false;
    if (tk_cold(tp)->oow_count == 0 || now < tk_cold(tp)->oow_start ||
        now - tk_cold(tp)->oow_start >= span) {
        tk_cold(tp)->oow_start = now;
        tk_cold(tp)->oow_count = 0;
    }
    if (tk_cold(tp)->oow_count >= s->cfg.invalid_ack_count) {
        s->stats.invalid_acks_limited++;
        return true;
    }
    tk_cold(tp)->oow_count++;
    return false;
}

void tk_tcp_invalid_ack(tk_stack *s, tk_tcb *tp, tk_time now) {
    if (!conn_limited(s, tp, now))
        tk_tcp_send_ack(s, tp, now);
}

/* The budget of one-second interval iv: limit/2 + [0, limit), keyed by the
 * stack's secret hash key so that it cannot be predicted (Linux: half +
 * prandom_u32_max(limit)). */
static uint32_t draw_budget(const tk_stack *s, uint64_t iv) {
    uint32_t limit = s->cfg.challenge_ack_limit;
    if (limit == 0)
        return 0;
    uint8_t in[12] = {'c', 'h', 'a', 'l'};
    for (int i = 0; i < 8; i++)
        in[4 + i] = (uint8_t)(iv >> (8 * i));
    uint32_t r = (uint32_t)tk_siphash24(s->hash_key, in, sizeof in);
    return (limit + 1u) / 2u + r % limit;
}

void tk_tcp_challenge_ack(tk_stack *s, tk_tcb *tp, tk_time now) {
    if (conn_limited(s, tp, now))
        return;
    uint64_t iv = tk_time_sec(now);
    if (!s->challenge_drawn || iv != s->challenge_interval) {
        s->challenge_drawn = true;
        s->challenge_interval = iv;
        s->challenge_left = draw_budget(s, iv);
    }
    if (s->challenge_left == 0) {
        s->stats.challenge_acks_limited++;
        return;
    }
    s->challenge_left--;
    s->stats.challenge_acks++;
    tk_tcp_send_ack(s, tp, now);
}
