/*
 * A strict JSON parser and printer (RFC 8259), sized for QMP messages.
 * The parser is recursive descent with an explicit depth bound, so a
 * hostile client cannot exhaust the stack; every read is bounds-checked
 * against the input length (the input need not be NUL-terminated).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct parser {
    const unsigned char *p, *end;
    char *err;
    size_t errlen;
    bool failed;
};

static void perr(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perr(struct parser *ps, const char *fmt, ...)
{
    va_list ap;

    if (ps->failed)
        return;
    ps->failed = true;
    va_start(ap, fmt);
    vsnprintf(ps->err, ps->errlen, fmt, ap);
    va_end(ap);
}

static struct json *new_value(enum json_type t)
{
    struct json *v = calloc(1, sizeof(*v));
    if (v)
        v->type = t;
    return v;
}

void json_free(struct json *v)
{
    if (!v)
        return;
    switch (v->type) {
    case JSON_STRING: free(v->u.s); break;
    case JSON_ARRAY:
    case JSON_OBJECT:
        for (size_t k = 0; k < v->u.c.n; k++) {
            json_free(v->u.c.items[k]);
            if (v->u.c.keys)
                free(v->u.c.keys[k]);
        }
        free(v->u.c.items);
        free(v->u.c.keys);
        break;
    default: break;
    }
    free(v);
}

static int container_add(struct json *c, char *key, struct json *item)
{
    if (c->u.c.n == c->u.c.cap) {
        size_t cap = c->u.c.cap ? c->u.c.cap * 2 : 4;
        struct json **items = realloc(c->u.c.items, cap * sizeof(*items));
        if (!items)
            return -1;
        c->u.c.items = items;
        if (c->type == JSON_OBJECT) {
            char **keys = realloc(c->u.c.keys, cap * sizeof(*keys));
            if (!keys)
                return -1;
            c->u.c.keys = keys;
        }
        c->u.c.cap = cap;
    }
    c->u.c.items[c->u.c.n] = item;
    if (c->type == JSON_OBJECT)
        c->u.c.keys[c->u.c.n] = key;
    c->u.c.n++;
    return 0;
}

static void skip_ws(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static bool literal(struct parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return false;
    ps->p += n;
    return true;
}

static int hex4(struct parser *ps, unsigned *out)
{
    unsigned v = 0;

    if (ps->end - ps->p < 4)
        return -1;
    for (int k = 0; k < 4; k++) {
        unsigned char c = ps->p[k];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    ps->p += 4;
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629 table), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xbf;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0; /* no overlong forms */
        if (c == 0xed)
            hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;
        if (c == 0xf4)
            hi = 0x8f; /* nothing past U+10FFFF */
    } else
        return 0;
    if ((size_t)(end - p) < n)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if (p[k] < 0x80 || p[k] > 0xbf)
            return 0;
    return n;
}

/* At the opening quote; returns a malloc'd NUL-terminated string. */
static char *parse_string(struct parser *ps)
{
    const unsigned char *start = ++ps->p;
    char *out, *o;

    /* Decoded text is never longer than the source text. */
    while (ps->p < ps->end && *ps->p != '"') {
        if (*ps->p == '\\' && ps->p + 1 < ps->end)
            ps->p++;
        ps->p++;
    }
    if (ps->p >= ps->end) {
        perr(ps, "unterminated string");
        return NULL;
    }
    out = malloc((size_t)(ps->p - start) + 1);
    if (!out) {
        perr(ps, "out of memory");
        return NULL;
    }
    o = out;
    ps->p = start;
    for (;;) {
        unsigned char c = *ps->p;
        if (c == '"') {
            ps->p++;
            break;
        }
        if (c < 0x20) {
            perr(ps, "control character in string");
            goto bad;
        }
        if (c == '\\') {
            unsigned cp, lo;
            ps->p++;
            switch (*ps->p++) {
            case '"': *o++ = '"'; break;
            case '\\': *o++ = '\\'; break;
            case '/': *o++ = '/'; break;
            case 'b': *o++ = '\b'; break;
            case 'f': *o++ = '\f'; break;
            case 'n': *o++ = '\n'; break;
            case 'r': *o++ = '\r'; break;
            case 't': *o++ = '\t'; break;
            case 'u':
                if (hex4(ps, &cp)) {
                    perr(ps, "invalid \\u escape");
                    goto bad;
                }
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                        perr(ps, "unpaired surrogate in \\u escape");
                        goto bad;
                    }
                    ps->p += 2;
                    if (hex4(ps, &lo) || lo < 0xdc00 || lo > 0xdfff) {
                        perr(ps, "unpaired surrogate in \\u escape");
                        goto bad;
                    }
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                    perr(ps, "unpaired surrogate in \\u escape");
                    goto bad;
                } else if (cp == 0) {
                    perr(ps, "\\u0000 is not supported");
                    goto bad;
                }
                /* Six source bytes (or twelve) always cover four output bytes. */
                o += put_utf8(o, cp);
                break;
            default: perr(ps, "invalid escape sequence"); goto bad;
            }
            continue;
        }
        size_t n = utf8_len(ps->p, ps->end);
        if (n == 0) {
            perr(ps, "invalid UTF-8 in string");
            goto bad;
        }
        memcpy(o, ps->p, n);
        o += n;
        ps->p += n;
    }
    *o = 0;
    return out;
bad:
    free(out);
    return NULL;
}

static struct json *parse_number(struct parser *ps)
{
    const unsigned char *s = ps->p;
    bool is_int = true;
    char buf[64];
    struct json *v;
    size_t n;

    if (ps->p < ps->end && *ps->p == '-')
        ps->p++;
    if (ps->p < ps->end && *ps->p == '0')
        ps->p++;
    else if (ps->p < ps->end && *ps->p >= '1' && *ps->p <= '9')
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
            ps->p++;
    else
        goto bad;
    if (ps->p < ps->end && *ps->p == '.') {
        is_int = false;
        ps->p++;
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
            goto bad;
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
            ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        is_int = false;
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
            goto bad;
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
            ps->p++;
    }
    n = (size_t)(ps->p - s);
    if (n >= sizeof(buf)) {
        perr(ps, "number too long");
        return NULL;
    }
    memcpy(buf, s, n);
    buf[n] = 0;
    if (is_int) {
        errno = 0;
        long long i = strtoll(buf, NULL, 10);
        if (errno == 0) {
            v = new_value(JSON_INT);
            if (v)
                v->u.i = i;
            goto done;
        }
        /* Out of int64 range: kept as a double, as QEMU does. */
    }
    errno = 0;
    double d = strtod(buf, NULL);
    if (!isfinite(d)) {
        perr(ps, "number out of range");
        return NULL;
    }
    v = new_value(JSON_DOUBLE);
    if (v)
        v->u.d = d;
done:
    if (!v)
        perr(ps, "out of memory");
    return v;
bad:
    perr(ps, "invalid number");
    return NULL;
}

static struct json *parse_value(struct parser *ps, int depth);

static struct json *parse_container(struct parser *ps, int depth, bool object)
{
    unsigned char close = object ? '}' : ']';
    struct json *c;

    if (depth >= JSON_MAX_DEPTH) {
        perr(ps, "nesting depth limit exceeded");
        return NULL;
    }
    c = new_value(object ? JSON_OBJECT : JSON_ARRAY);
    if (!c) {
        perr(ps, "out of memory");
        return NULL;
    }
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return c;
    }
    for (;;) {
        char *key = NULL;
        struct json *item;

        skip_ws(ps);
        if (object) {
            if (ps->p >= ps->end || *ps->p != '"') {
                perr(ps, "expecting object key");
                goto bad;
            }
            key = parse_string(ps);
            if (!key)
                goto bad;
            if (json_get(c, key)) {
                perr(ps, "duplicate key '%.64s'", key);
                free(key);
                goto bad;
            }
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                perr(ps, "expecting ':'");
                free(key);
                goto bad;
            }
            ps->p++;
        }
        item = parse_value(ps, depth + 1);
        if (!item) {
            free(key);
            goto bad;
        }
        if (container_add(c, key, item)) {
            perr(ps, "out of memory");
            free(key);
            json_free(item);
            goto bad;
        }
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return c;
        }
        perr(ps, object ? "expecting ',' or '}'" : "expecting ',' or ']'");
        goto bad;
    }
bad:
    json_free(c);
    return NULL;
}

static struct json *parse_value(struct parser *ps, int depth)
{
    struct json *v;

    skip_ws(ps);
    if (ps->p >= ps->end) {
        perr(ps, "expecting value");
        return NULL;
    }
    switch (*ps->p) {
    case '{': return parse_container(ps, depth, true);
    case '[': return parse_container(ps, depth, false);
    case '"': {
        char *s = parse_string(ps);
        if (!s)
            return NULL;
        v = new_value(JSON_STRING);
        if (!v) {
            free(s);
            perr(ps, "out of memory");
            return NULL;
        }
        v->u.s = s;
        return v;
    }
    case 't':
    case 'f':
        if (literal(ps, "true") || literal(ps, "false")) {
            v = json_bool(ps->p[-1] == 'e' && ps->p[-4] == 't');
            if (!v)
                perr(ps, "out of memory");
            return v;
        }
        break;
    case 'n':
        if (literal(ps, "null")) {
            v = new_value(JSON_NULL);
            if (!v)
                perr(ps, "out of memory");
            return v;
        }
        break;
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            return parse_number(ps);
        break;
    }
    perr(ps, "expecting value");
    return NULL;
}

struct json *json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    struct parser ps = {(const unsigned char *)text, (const unsigned char *)text + len, err, errlen,
                        false};
    struct json *v;

    if (errlen)
        err[0] = 0;
    v = parse_value(&ps, 0);
    if (!v)
        return NULL;
    skip_ws(&ps);
    if (ps.p != ps.end) {
        perr(&ps, "unexpected data after the value");
        json_free(v);
        return NULL;
    }
    return v;
}

/* ---- builders ---- */

struct json *json_null(void)
{
    return new_value(JSON_NULL);
}

struct json *json_bool(bool b)
{
    struct json *v = new_value(JSON_BOOL);
    if (v)
        v->u.b = b;
    return v;
}

struct json *json_int(int64_t i)
{
    struct json *v = new_value(JSON_INT);
    if (v)
        v->u.i = i;
    return v;
}

struct json *json_double(double d)
{
    struct json *v = new_value(JSON_DOUBLE);
    if (v)
        v->u.d = isfinite(d) ? d : 0.0;
    return v;
}

struct json *json_string(const char *s)
{
    struct json *v = new_value(JSON_STRING);
    if (v && !(v->u.s = strdup(s))) {
        free(v);
        v = NULL;
    }
    return v;
}

struct json *json_array(void)
{
    return new_value(JSON_ARRAY);
}

struct json *json_object(void)
{
    return new_value(JSON_OBJECT);
}

struct json *json_copy(const struct json *v)
{
    struct json *c;

    switch (v->type) {
    case JSON_STRING: return json_string(v->u.s);
    case JSON_ARRAY:
    case JSON_OBJECT:
        c = new_value(v->type);
        if (!c)
            return NULL;
        for (size_t k = 0; k < v->u.c.n; k++) {
            struct json *item = json_copy(v->u.c.items[k]);
            int r = v->type == JSON_OBJECT ? json_object_add(c, v->u.c.keys[k], item)
                                           : json_array_add(c, item);
            if (r) {
                json_free(c);
                return NULL;
            }
        }
        return c;
    default:
        c = new_value(v->type);
        if (c)
            c->u = v->u;
        return c;
    }
}

int json_array_add(struct json *arr, struct json *item)
{
    if (!item || !arr || container_add(arr, NULL, item)) {
        json_free(item);
        return -1;
    }
    return 0;
}

int json_object_add(struct json *obj, const char *key, struct json *item)
{
    char *k = obj && item ? strdup(key) : NULL;

    if (!k || container_add(obj, k, item)) {
        free(k);
        json_free(item);
        return -1;
    }
    return 0;
}

const struct json *json_get(const struct json *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (size_t k = 0; k < obj->u.c.n; k++)
        if (!strcmp(obj->u.c.keys[k], key))
            return obj->u.c.items[k];
    return NULL;
}

const char *json_type_name(enum json_type t)
{
    static const char *const names[] = {"null",   "bool",  "int",   "number",
                                        "string", "array", "object"};
    return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

/* ---- printer ---- */

int json_buf_append(struct json_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *d;
        while (cap < b->len + n + 1)
            cap *= 2;
        d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
    return 0;
}

void json_buf_free(struct json_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static int print_string(struct json_buf *b, const char *s)
{
    int r = json_buf_append(b, "\"", 1);

    for (; *s && !r; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8];
        switch (c) {
        case '"': r = json_buf_append(b, "\\\"", 2); break;
        case '\\': r = json_buf_append(b, "\\\\", 2); break;
        case '\n': r = json_buf_append(b, "\\n", 2); break;
        case '\r': r = json_buf_append(b, "\\r", 2); break;
        case '\t': r = json_buf_append(b, "\\t", 2); break;
        case '\b': r = json_buf_append(b, "\\b", 2); break;
        case '\f': r = json_buf_append(b, "\\f", 2); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                r = json_buf_append(b, esc, 6);
            } else {
                r = json_buf_append(b, (const char *)s, 1);
            }
        }
    }
    return r ? r : json_buf_append(b, "\"", 1);
}

int json_print(struct json_buf *b, const struct json *v)
{
    char num[40];
    int r = 0;

    switch (v->type) {
    case JSON_NULL: return json_buf_append(b, "null", 4);
    case JSON_BOOL: return v->u.b ? json_buf_append(b, "true", 4) : json_buf_append(b, "false", 5);
    case JSON_INT:
        snprintf(num, sizeof(num), "%lld", (long long)v->u.i);
        return json_buf_append(b, num, strlen(num));
    case JSON_DOUBLE:
        /* Round-trips every double; the parser refused non-finite ones. */
        snprintf(num, sizeof(num), "%.17g", v->u.d);
        if (!strpbrk(num, ".eE"))
            strcat(num, ".0");
        return json_buf_append(b, num, strlen(num));
    case JSON_STRING: return print_string(b, v->u.s);
    case JSON_ARRAY:
    case JSON_OBJECT:
        r = json_buf_append(b, v->type == JSON_OBJECT ? "{" : "[", 1);
        for (size_t k = 0; k < v->u.c.n && !r; k++) {
            if (k)
                r = json_buf_append(b, ", ", 2);
            if (!r && v->type == JSON_OBJECT) {
                r = print_string(b, v->u.c.keys[k]);
                if (!r)
                    r = json_buf_append(b, ": ", 2);
            }
            if (!r)
                r = json_print(b, v->u.c.items[k]);
        }
        return r ? r : json_buf_append(b, v->type == JSON_OBJECT ? "}" : "]", 1);
    }
    return -1;
}
