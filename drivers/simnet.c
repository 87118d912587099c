/* Two stacks on a simulated link, on virtual time (see simnet.h). */
#include "simnet.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gso.h"

typedef struct side {
    tk_simnet *net;
    int id;
    tk_stack *stack;
    uint64_t rng;
    bool muted; /* while being destroyed: frames are discarded */
} side;

struct tk_simnet {
    tk_simnet_opts o;
    tk_simlink *link;
    side s[2];
    tk_time now;
    uint64_t steps;
    uint32_t restarts;
    uint32_t same_time_steps;          /* consecutive steps without the clock moving */
    uint8_t seg[TK_SIMLINK_MAX_FRAME]; /* a segment cut from a TSO frame */
};

/* Steps at one instant beyond which the run is declared stalled: a stack
 * whose deadline stays in the past after a poll would otherwise spin. */
#define SIM_STALL_STEPS 100000u

static const uint8_t sim_mac[2][6] = {{0x02, 0x00, 0x5e, 0x12, 0x00, 0x01},
                                      {0x02, 0x00, 0x5e, 0x12, 0x00, 0x02}};

uint32_t tk_simnet_addr(int side_id) {
    return side_id == TK_SIM_A ? TK_SIM_ADDR_A : TK_SIM_ADDR_B;
}

void tk_simnet_opts_default(tk_simnet_opts *o, uint64_t seed) {
    memset(o, 0, sizeof *o);
    o->seed = seed;
    for (int i = 0; i < 2; i++) {
        tk_config_default(&o->cfg[i]);
        o->cfg[i].addr = tk_simnet_addr(i);
        o->cfg[i].netmask = 0xffffff00u;
        memcpy(o->cfg[i].mac, sim_mac[i], 6);
    }
    o->link.delay = TK_MS(10);
    o->link_capacity = 1024;
}

static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint32_t side_random(void *ctx) {
    side *sd = ctx;
    return (uint32_t)(splitmix64(&sd->rng) >> 32);
}

static int side_output(void *ctx, const uint8_t *frame, size_t len) {
    side *sd = ctx;
    tk_simnet *n = sd->net;
    if (sd->muted)
        return 0;
    int dir = sd->id == TK_SIM_A ? TK_SIMLINK_AB : TK_SIMLINK_BA;
    int outcome = tk_simlink_send(n->link, dir, frame, len, n->now, NULL);
    if (n->o.on_frame)
        n->o.on_frame(n->o.ctx, sd->id, TK_SIM_TX, frame, len, n->now, outcome);
    return 0;
}

static void side_segment(void *ctx, const uint8_t *frame, size_t len) {
    (void)side_output(ctx, frame, len);
}

/* NET-7: the simulated link offers what cfg.link_caps says, as a NIC:
 * checksums completed and super-segments cut before the frames travel. */
static int side_output_tx(void *ctx, const uint8_t *frame, size_t len, const tk_link_tx *tx) {
    side *sd = ctx;
    if (sd->net->o.on_tx != NULL && !sd->muted)
        sd->net->o.on_tx(sd->net->o.ctx, sd->id, frame, len, tx);
    if (sd->net->o.loopback) /* nothing to cut or sum: the peer trusts it */
        return side_output(ctx, frame, len);
    int rc = tk_gso_segment(frame, len, tx, sd->net->seg, sizeof sd->net->seg, side_segment, sd);
    return rc < 0 ? rc : 0;
}

static void side_trace(void *ctx, const tk_trace_event *ev) {
    side *sd = ctx; /* installed only with an on_trace listener */
    if (sd->muted)
        return;
    /* Socket calls carry no time; the stack stamps their events with the
     * last time it was given. The simulation clock is the true one. */
    tk_trace_event copy = *ev;
    copy.now = sd->net->now;
    sd->net->o.on_trace(sd->net->o.ctx, sd->id, &copy);
}

static int side_start(tk_simnet *n, int id) {
    side *sd = &n->s[id];
    sd->net = n;
    sd->id = id;
    sd->muted = false;
    /* A distinct stream per side and per incarnation of that side. */
    sd->rng = n->o.seed * 0x2545f4914f6cdd1du + (uint64_t)id * 0x9e3779b97f4a7c15u +
              (uint64_t)n->restarts * 0xd1b54a32d192ed03u;
    tk_stack_io io = {.output = side_output,
                      .random = side_random,
                      /* No hook without a listener: the stack then builds no events. */
                      .trace = n->o.on_trace ? side_trace : NULL,
                      .ctx = sd,
                      .output_offload = side_output_tx};
    int rc = tk_stack_create(&sd->stack, &n->o.cfg[id], &io);
    if (rc < 0) {
        sd->stack = NULL;
        return rc;
    }
    return tk_stack_add_neighbor(sd->stack, tk_simnet_addr(1 - id), sim_mac[1 - id]);
}

static void side_stop(tk_simnet *n, int id) {
    side *sd = &n->s[id];
    if (!sd->stack)
        return;
    sd->muted = true;
    tk_stack_destroy(sd->stack, n->now);
    sd->stack = NULL;
}

int tk_simnet_create(tk_simnet **out, const tk_simnet_opts *o) {
    if (!out || !o)
        return -EINVAL;
    tk_simnet *n = calloc(1, sizeof *n);
    if (!n)
        return -ENOMEM;
    n->o = *o;
    uint32_t cap = o->link_capacity ? o->link_capacity : 1024;
    if (o->loopback)
        for (int i = 0; i < 2; i++)
            n->o.cfg[i].link_caps |= TK_LINK_CSUM_TCP | TK_LINK_TSO4 | TK_LINK_TSO6;
    int rc = o->loopback ? tk_simlink_create_sized(&n->link, o->seed, cap, TK_SIMLINK_MAX_SUPER)
                         : tk_simlink_create(&n->link, o->seed, cap);
    if (rc == 0)
        rc = tk_simlink_set_params(n->link, TK_SIMLINK_AB, &o->link);
    if (rc == 0)
        rc = tk_simlink_set_params(n->link, TK_SIMLINK_BA, &o->link);
    if (rc == 0)
        rc = side_start(n, TK_SIM_A);
    if (rc == 0)
        rc = side_start(n, TK_SIM_B);
    if (rc < 0) {
        tk_simnet_destroy(n);
        return rc;
    }
    *out = n;
    return 0;
}

void tk_simnet_destroy(tk_simnet *n) {
    if (!n)
        return;
    side_stop(n, TK_SIM_A);
    side_stop(n, TK_SIM_B);
    tk_simlink_destroy(n->link);
    free(n);
}

tk_stack *tk_simnet_stack(tk_simnet *n, int id) {
    return (n && (id == TK_SIM_A || id == TK_SIM_B)) ? n->s[id].stack : NULL;
}

tk_simlink *tk_simnet_link(tk_simnet *n) {
    return n ? n->link : NULL;
}
tk_time tk_simnet_now(const tk_simnet *n) {
    return n->now;
}
uint64_t tk_simnet_steps(const tk_simnet *n) {
    return n->steps;
}
bool tk_simnet_stalled(const tk_simnet *n) {
    return n->same_time_steps >= SIM_STALL_STEPS;
}

int tk_simnet_restart(tk_simnet *n, int id) {
    if (!n || (id != TK_SIM_A && id != TK_SIM_B))
        return -EINVAL;
    side_stop(n, id);
    n->restarts++;
    return side_start(n, id);
}

void tk_simnet_poll(tk_simnet *n) {
    for (int i = 0; i < 2; i++)
        if (n->s[i].stack)
            tk_stack_poll(n->s[i].stack, n->now);
}

tk_time tk_simnet_next_event(const tk_simnet *n) {
    tk_time t = tk_simlink_next_deadline(n->link);
    for (int i = 0; i < 2; i++) {
        if (!n->s[i].stack)
            continue;
        tk_time d = tk_stack_next_deadline(n->s[i].stack);
        if (d < t)
            t = d;
    }
    return t;
}

static void on_arrival(void *ctx, int dir, const uint8_t *frame, size_t len, tk_time at) {
    tk_simnet *n = ctx;
    int to = dir == TK_SIMLINK_AB ? TK_SIM_B : TK_SIM_A;
    (void)at;
    if (n->o.on_frame)
        n->o.on_frame(n->o.ctx, to, TK_SIM_RX, frame, len, n->now, 0);
    if (n->s[to].stack)
        tk_stack_input_rx(n->s[to].stack, frame, len, n->o.loopback ? TK_RX_CSUM_VALID : 0u,
                          n->now);
}

bool tk_simnet_step(tk_simnet *n, tk_time limit) {
    tk_time t = tk_simnet_next_event(n);
    if (t > limit || n->same_time_steps >= SIM_STALL_STEPS) {
        if (limit > n->now && limit != TK_TIME_NEVER)
            n->now = limit;
        return false;
    }
    if (t > n->now) {
        n->now = t;
        n->same_time_steps = 0;
    } else {
        n->same_time_steps++;
    }
    n->steps++;
    tk_simlink_deliver(n->link, n->now, on_arrival, n);
    for (int i = 0; i < 2; i++)
        if (n->s[i].stack && tk_stack_next_deadline(n->s[i].stack) <= n->now)
            tk_stack_poll(n->s[i].stack, n->now);
    return true;
}

void tk_simnet_run_for(tk_simnet *n, tk_time dt) {
    tk_time end = n->now + dt;
    while (tk_simnet_step(n, end))
        ;
}

bool tk_simnet_run_until(tk_simnet *n, bool (*cond)(void *ctx), void *ctx, tk_time deadline) {
    for (;;) {
        if (cond(ctx))
            return true;
        if (!tk_simnet_step(n, deadline))
            return cond(ctx);
    }
}
