/* The protocol switch table: a few entries, searched in order. */
#include <errno.h>

#include "net/protosw.h"

int tk_protosw_register(tk_protosw_table *t, uint8_t proto, tk_proto_input_fn input,
                        tk_proto_ctlinput_fn ctlinput, void *ctx) {
    tk_protosw *free_slot = NULL;
    for (size_t i = 0; i < TK_PROTOSW_MAX; i++) {
        tk_protosw *e = &t->e[i];
        if (e->proto == proto) {
            free_slot = e;
            break;
        }
        if (e->proto == 0 && free_slot == NULL)
            free_slot = e;
    }
    if (free_slot == NULL || proto == 0)
        return -ENOBUFS;
    free_slot->proto = proto;
    free_slot->input = input;
    free_slot->ctlinput = ctlinput;
    free_slot->ctx = ctx;
    return 0;
}

#if TK_WITH_IPV6
int tk_protosw_register6(tk_protosw_table *t, uint8_t proto, tk_proto_input6_fn input6,
                         tk_proto_ctlinput6_fn ctlinput6) {
    tk_protosw *e = (tk_protosw *)(uintptr_t)tk_protosw_find(t, proto);
    if (e == NULL)
        return -ENOENT;
    e->input6 = input6;
    e->ctlinput6 = ctlinput6;
    return 0;
}
#endif

const tk_protosw *tk_protosw_find(const tk_protosw_table *t, uint8_t proto) {
    for (size_t i = 0; i < TK_PROTOSW_MAX; i++)
        if (t->e[i].proto == proto && proto != 0)
            return &t->e[i];
    return NULL;
}
