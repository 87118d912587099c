/* The fault-injecting wrapper: a seeded simulated link between the stack and
 * its driver. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "impair.h"

/* "5%" or "0.5%" (the % is optional) -> parts per million. */
static int parse_ppm(const char *v, uint32_t *out) {
    char *end;
    double d = strtod(v, &end);
    if (end == v || (*end != '\0' && strcmp(end, "%") != 0) || d < 0.0 || d > 100.0)
        return -EINVAL;
    *out = (uint32_t)(d * 10000.0 + 0.5);
    return 0;
}

/* "20ms", "500us", "1s" (no unit: milliseconds) -> microseconds. */
static int parse_duration(const char *v, tk_time *out) {
    char *end;
    double d = strtod(v, &end);
    if (end == v || d < 0.0 || d > 3600e6)
        return -EINVAL;
    double scale = 1000.0;
    if (!strcmp(end, "us"))
        scale = 1.0;
    else if (!strcmp(end, "s"))
        scale = 1e6;
    else if (*end != '\0' && strcmp(end, "ms") != 0)
        return -EINVAL;
    *out = (tk_time)(d * scale + 0.5);
    return 0;
}

static int parse_item(const char *key, const char *val, tk_simlink_params *p, uint64_t *seed) {
    if (!strcmp(key, "loss"))
        return parse_ppm(val, &p->loss_ppm);
    if (!strcmp(key, "dup"))
        return parse_ppm(val, &p->dup_ppm);
    if (!strcmp(key, "reorder"))
        return parse_ppm(val, &p->reorder_ppm);
    if (!strcmp(key, "corrupt"))
        return parse_ppm(val, &p->corrupt_ppm);
    if (!strcmp(key, "delay"))
        return parse_duration(val, &p->delay);
    if (!strcmp(key, "jitter"))
        return parse_duration(val, &p->jitter);
    if (!strcmp(key, "reorder_delay"))
        return parse_duration(val, &p->reorder_delay);
    if (!strcmp(key, "seed")) {
        char *end;
        unsigned long long v = strtoull(val, &end, 0);
        if (end == val || *end != '\0')
            return -EINVAL;
        *seed = v;
        return 0;
    }
    return -EINVAL;
}

int tk_impair_parse(const char *spec, tk_simlink_params *params, uint64_t *seed) {
    char buf[256];
    if (spec == NULL || strlen(spec) >= sizeof(buf))
        return -EINVAL;
    memset(params, 0, sizeof(*params));
    strcpy(buf, spec);
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(item, '=');
        if (eq == NULL)
            return -EINVAL;
        *eq = '\0';
        if (parse_item(item, eq + 1, params, seed) < 0)
            return -EINVAL;
    }
    /* A reordered frame is held back long enough for a few later ones to
     * pass it, unless told otherwise. */
    if (params->reorder_ppm > 0 && params->reorder_delay == 0)
        params->reorder_delay = TK_MS(5);
    return 0;
}

int tk_impair_open(tk_impair *im, const char *spec) {
    memset(im, 0, sizeof(*im));
    im->seed = 1;
    int rc = tk_impair_parse(spec, &im->params, &im->seed);
    if (rc < 0)
        return rc;
    rc = tk_simlink_create(&im->link, im->seed, 65536);
    if (rc < 0)
        return rc;
    (void)tk_simlink_set_params(im->link, TK_SIMLINK_AB, &im->params);
    (void)tk_simlink_set_params(im->link, TK_SIMLINK_BA, &im->params);
    return 0;
}

void tk_impair_close(tk_impair *im) {
    if (im->link != NULL)
        tk_simlink_destroy(im->link);
    im->link = NULL;
}

void tk_impair_send(tk_impair *im, int dir, const uint8_t *frame, size_t len, tk_time now) {
    (void)tk_simlink_send(im->link, dir, frame, len, now, NULL);
}

tk_time tk_impair_next_deadline(const tk_impair *im) {
    return tk_simlink_next_deadline(im->link);
}

uint32_t tk_impair_deliver(tk_impair *im, tk_time now, tk_simlink_deliver_fn fn, void *ctx) {
    return tk_simlink_deliver(im->link, now, fn, ctx);
}
