/* The stack's one libc allocation: the memory block of tk_stack_create. */
#include <errno.h>
#include <stdlib.h>

#include "stack_priv.h"

int tk_stack_create(tk_stack **out, const tk_config *cfg, const tk_stack_io *io) {
    size_t need = tk_stack_mem_size(cfg);
    if (need == 0 || out == NULL)
        return -EINVAL;
    void *mem = aligned_alloc(16, (need + 15u) & ~(size_t)15u);
    if (mem == NULL)
        return -ENOMEM;
    int rc = tk_stack_init(out, mem, need, cfg, io);
    if (rc < 0) {
        free(mem);
        return rc;
    }
    (*out)->block = mem;
    return 0;
}

void tk_stack_destroy(tk_stack *s, tk_time now) {
    if (s == NULL)
        return;
    tk_stack_abort_all(s, now);
    free(s->block);
}
