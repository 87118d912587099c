/* The TCP-MD5 key store: a fixed array of tk_config.md5_keys slots in the
 * stack's block, searched linearly (it holds a few peers). */
#include <errno.h>
#include <string.h>

#include "tcp/md5.h"
#include "tcp/state.h"

static tk_md5_key *slot_of(tk_stack *s, uint32_t laddr, uint32_t raddr) {
    for (uint32_t i = 0; i < s->md5_cap; i++) {
        tk_md5_key *k = &s->md5_keys[i];
        if (k->len > 0 && k->laddr == laddr && k->raddr == raddr)
            return k;
    }
    return NULL;
}

const tk_md5_key *tk_md5_key_find(const tk_stack *s, uint32_t laddr, uint32_t raddr) {
    const tk_md5_key *any = NULL;
    if (!TK_WITH_MD5 || s->md5_count == 0)
        return NULL;
    for (uint32_t i = 0; i < s->md5_cap; i++) {
        const tk_md5_key *k = &s->md5_keys[i];
        if (k->len == 0 || k->raddr != raddr)
            continue;
        if (k->laddr == laddr)
            return k;
        if (k->laddr == 0)
            any = k;
    }
    return any;
}

int tk_stack_md5_add(tk_stack *s, uint32_t laddr, uint32_t raddr, const void *key, size_t keylen) {
    if (!TK_WITH_MD5)
        return -ENOPROTOOPT;
    if (s == NULL || key == NULL || keylen == 0 || keylen > TK_TCP_MD5_MAXKEY || raddr == 0)
        return -EINVAL;
    tk_md5_key *k = slot_of(s, laddr, raddr);
    for (uint32_t i = 0; k == NULL && i < s->md5_cap; i++)
        if (s->md5_keys[i].len == 0)
            k = &s->md5_keys[i];
    if (k == NULL)
        return -ENOSPC;
    if (k->len == 0)
        s->md5_count++;
    k->laddr = laddr;
    k->raddr = raddr;
    k->len = (uint8_t)keylen;
    memcpy(k->key, key, keylen);
    return 0;
}

int tk_stack_md5_del(tk_stack *s, uint32_t laddr, uint32_t raddr) {
    tk_md5_key *k = s != NULL ? slot_of(s, laddr, raddr) : NULL;
    if (k == NULL)
        return -ENOENT;
    memset(k, 0, sizeof *k); /* the key does not linger in memory */
    s->md5_count--;
    return 0;
}

void tk_stack_md5_flush(tk_stack *s) {
    memset(s->md5_keys, 0, sizeof(tk_md5_key) * s->md5_cap);
    s->md5_count = 0;
}

uint32_t tk_stack_md5_count(const tk_stack *s) {
    return s->md5_count;
}
