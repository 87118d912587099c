/* A bulk transfer between the two stacks of a simulated network (tk_simxfer.h). */
#include "support/tk_simxfer.h"

#include <errno.h>
#include <stddef.h>

uint8_t tk_simxfer_byte(uint64_t i) {
    return (uint8_t)(i * 7u + 3u);
}

/* Everything B can read now: false at the first byte out of place. */
static bool read_all(tk_stack *b, int d, uint8_t *buf, size_t cap, uint64_t *got) {
    long rc;
    while ((rc = tk_recv(b, d, buf, cap)) > 0)
        for (long j = 0; j < rc; j++, (*got)++)
            if (buf[j] != tk_simxfer_byte(*got))
                return false;
    return true;
}

uint64_t tk_simxfer(tk_simnet *n, const tk_sockaddr *to, uint64_t len) {
    tk_stack *a = tk_simnet_stack(n, TK_SIM_A), *b = tk_simnet_stack(n, TK_SIM_B);
    int l = tk_socket(b), c = tk_socket(a), d = -EAGAIN;
    if (l < 0 || c < 0 || tk_bind(b, l, to) != 0 || tk_listen(b, l, 4) != 0 ||
        tk_connect(a, c, to) != -EINPROGRESS)
        return 0;
    tk_simnet_poll(n);
    uint64_t sent = 0, got = 0;
    static uint8_t buf[65536];
    for (int i = 0; i < 100000 && got < len; i++) {
        if (d < 0)
            d = tk_accept(b, l, NULL);
        while (d >= 0 && sent < len && (tk_poll_events(a, c) & TK_POLLOUT)) {
            size_t k = len - sent < sizeof buf ? (size_t)(len - sent) : sizeof buf;
            for (size_t j = 0; j < k; j++)
                buf[j] = tk_simxfer_byte(sent + j);
            long rc = tk_send(a, c, buf, k);
            if (rc <= 0)
                break;
            sent += (uint64_t)rc;
        }
        if (d >= 0 && !read_all(b, d, buf, sizeof buf, &got))
            return got;
        tk_simnet_poll(n);
        if (!tk_simnet_step(n, tk_simnet_now(n) + TK_SEC(60)))
            break;
    }
    return got;
}
