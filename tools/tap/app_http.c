/* A static-file HTTP/1.1 server (RFC 9110, RFC 9112): GET and HEAD,
 * Content-Length, persistent connections, 400/404/405, and no path that
 * leaves the served directory. */
#define _DEFAULT_SOURCE /* realpath */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "tcpkit/socket.h"

#define REQ_MAX 8192

typedef struct http_state {
    char req[REQ_MAX];
    size_t req_len;
    int fd;           /* file being sent, or -1 */
    uint64_t left;    /* its bytes still to send */
    bool close_after; /* Connection: close, HTTP/1.0 or an error */
    char root[PATH_MAX];
} http_state;

static int http_start(tk_app_conn *c, const char *root) {
    http_state *h = calloc(1, sizeof(*h));
    if (h == NULL)
        return -ENOMEM;
    h->fd = -1;
    if (realpath(root, h->root) == NULL) {
        free(h);
        return -errno;
    }
    c->state = h;
    return 0;
}

static void http_finish(tk_app_conn *c) {
    http_state *h = c->state;
    if (h != NULL && h->fd >= 0)
        close(h->fd);
    free(h);
    c->state = NULL;
}

static void respond(tk_app_conn *c, int code, const char *reason, uint64_t len, bool with_body,
                    const char *body) {
    http_state *h = c->state;
    int n = snprintf((char *)c->out, sizeof(c->out),
                     "HTTP/1.1 %d %s\r\nServer: tcpkit\r\nContent-Length: %llu\r\n"
                     "Content-Type: %s\r\nConnection: %s\r\n%s\r\n",
                     code, reason, (unsigned long long)len,
                     code == 200 ? "application/octet-stream" : "text/plain",
                     h->close_after ? "close" : "keep-alive",
                     code == 405 ? "Allow: GET, HEAD\r\n" : "");
    c->out_off = 0;
    c->out_len = (size_t)n;
    if (with_body && body != NULL) {
        memcpy(c->out + c->out_len, body, strlen(body));
        c->out_len += strlen(body);
    }
}

static void error_page(tk_app_conn *c, int code, const char *reason, bool head) {
    char body[64];
    snprintf(body, sizeof body, "%d %s\n", code, reason);
    /* After a bad request or an unknown method the rest of the stream
     * cannot be trusted to start at a request line. */
    if (code == 400 || code == 405)
        ((http_state *)c->state)->close_after = true;
    respond(c, code, reason, strlen(body), !head, body);
}

static int hexval(int ch) {
    if (isdigit(ch))
        return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* Percent-decodes the path of target into out and rejects what could leave
 * the root: NUL, backslash, and ".." segments. Returns 0 or -EINVAL. */
static int clean_path(const char *target, char *out, size_t cap) {
    size_t o = 0;
    if (target[0] != '/')
        return -EINVAL;
    for (const char *p = target; *p && *p != '?' && *p != '#'; p++) {
        int ch = (unsigned char)*p;
        if (ch == '%') {
            int hi = hexval((unsigned char)p[1]), lo = hi < 0 ? -1 : hexval((unsigned char)p[2]);
            if (hi < 0 || lo < 0)
                return -EINVAL;
            ch = hi * 16 + lo;
            p += 2;
        }
        if (ch == 0 || ch == '\\' || o + 1 >= cap)
            return -EINVAL;
        out[o++] = (char)ch;
    }
    out[o] = '\0';
    for (const char *seg = out; seg != NULL; seg = strchr(seg + 1, '/'))
        if (!strncmp(seg, "/..", 3) && (seg[3] == '/' || seg[3] == '\0'))
            return -EINVAL;
    return 0;
}

/* Opens root + path when it resolves inside root and is a regular file. */
static int open_inside(const http_state *h, const char *path, uint64_t *size) {
    char full[PATH_MAX * 2], real[PATH_MAX];
    size_t plen = strlen(path);
    snprintf(full, sizeof full, "%s%s%s", h->root, path,
             plen > 0 && path[plen - 1] == '/' ? "index.html" : "");
    if (realpath(full, real) == NULL)
        return -ENOENT;
    size_t rl = strlen(h->root);
    if (strncmp(real, h->root, rl) != 0 || (real[rl] != '/' && real[rl] != '\0'))
        return -ENOENT;
    int fd = open(real, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return -ENOENT;
    }
    *size = (uint64_t)st.st_size;
    return fd;
}

/* The value of header `name` in the header block, copied into val. */
static bool header(const char *hdrs, const char *name, char *val, size_t cap) {
    size_t nl = strlen(name);
    for (const char *line = hdrs; line && *line; line = strstr(line, "\r\n")) {
        if (line[0] == '\r')
            line += 2;
        if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t n = strcspn(v, "\r");
            if (n >= cap)
                n = cap - 1;
            memcpy(val, v, n);
            val[n] = '\0';
            return true;
        }
    }
    return false;
}

/* True when the comma-separated header value names token (any case). */
static bool has_token(const char *val, const char *token) {
    char low[64];
    size_t n = 0;
    for (; val[n] && n + 1 < sizeof low; n++)
        low[n] = (char)tolower((unsigned char)val[n]);
    low[n] = '\0';
    return strstr(low, token) != NULL;
}

/* Handles the request in h->req[0..end) (the header block's terminator
 * included) and queues its response. */
static void handle(tk_app_conn *c, char *req) {
    http_state *h = c->state;
    char method[16], target[2048], version[16], path[2048], conn[64];
    char *eol = strstr(req, "\r\n");
    *eol = '\0';
    if (sscanf(req, "%15s %2047s %15s", method, target, version) != 3 ||
        strncmp(version, "HTTP/1.", 7) != 0 || (version[7] != '0' && version[7] != '1') ||
        version[8] != '\0') {
        error_page(c, 400, "Bad Request", false);
        return;
    }
    bool http10 = version[7] == '0';
    h->close_after = http10;
    if (header(eol + 2, "Connection", conn, sizeof conn))
        h->close_after = has_token(conn, "close") || (http10 && !has_token(conn, "keep-alive"));
    bool head = !strcmp(method, "HEAD");
    if (!head && strcmp(method, "GET") != 0) {
        error_page(c, 405, "Method Not Allowed", false);
        return;
    }
    if (clean_path(target, path, sizeof path) < 0) {
        error_page(c, 400, "Bad Request", head);
        return;
    }
    uint64_t size = 0;
    int fd = open_inside(h, path, &size);
    if (fd < 0) {
        error_page(c, 404, "Not Found", head);
        return;
    }
    respond(c, 200, "OK", size, false, NULL);
    if (head) {
        close(fd);
        return;
    }
    h->fd = fd;
    h->left = size;
}

/* Refills c->out from the file being sent. Returns 0 or a negative errno. */
static int file_chunk(tk_app_conn *c) {
    http_state *h = c->state;
    size_t want = h->left < sizeof(c->out) ? (size_t)h->left : sizeof(c->out);
    ssize_t n = read(h->fd, c->out, want);
    if (n <= 0)
        return n < 0 ? -errno : -EIO;
    c->out_off = 0;
    c->out_len = (size_t)n;
    h->left -= (uint64_t)n;
    if (h->left == 0) {
        close(h->fd);
        h->fd = -1;
    }
    return 0;
}

/* Reads request bytes. Returns 1 when a whole header block is buffered, 0
 * when more is needed, 2 at end of stream, or a negative errno value. */
static int read_request(tk_stack *s, tk_app_conn *c) {
    http_state *h = c->state;
    for (;;) {
        h->req[h->req_len] = '\0';
        if (strstr(h->req, "\r\n\r\n") != NULL)
            return 1;
        if (h->req_len + 1 >= sizeof(h->req))
            return -EMSGSIZE;
        long n = tk_recv(s, c->sd, h->req + h->req_len, sizeof(h->req) - 1 - h->req_len);
        if (n == -EAGAIN)
            return 0;
        if (n <= 0)
            return n == 0 ? 2 : (int)n;
        c->rx_bytes += (uint64_t)n;
        h->req_len += (size_t)n;
    }
}

static tk_app_status http_step(tk_stack *s, tk_app_conn *c, const char *root) {
    (void)root;
    http_state *h = c->state;
    for (;;) {
        int f = tk_app_flush(s, c);
        if (f < 0) {
            c->err = f;
            return TK_APP_ERROR;
        }
        if (f == 0)
            return TK_APP_RUNNING;
        if (h->fd >= 0) {
            if ((f = file_chunk(c)) < 0) {
                c->err = f;
                return TK_APP_ERROR;
            }
            continue;
        }
        if (h->close_after)
            return TK_APP_CLOSE;
        int r = read_request(s, c);
        if (r == 0)
            return TK_APP_RUNNING;
        if (r == 2)
            return TK_APP_CLOSE;
        if (r == -EMSGSIZE) {
            error_page(c, 400, "Bad Request", false);
            h->req_len = 0;
            continue;
        }
        if (r < 0) {
            c->err = r;
            return TK_APP_ERROR;
        }
        char *end = strstr(h->req, "\r\n\r\n") + 4;
        size_t used = (size_t)(end - h->req);
        char one[REQ_MAX];
        memcpy(one, h->req, used);
        one[used] = '\0';
        memmove(h->req, end, h->req_len - used);
        h->req_len -= used;
        handle(c, one);
    }
}

const tk_app tk_app_http = {"http", http_start, http_step, http_finish};
