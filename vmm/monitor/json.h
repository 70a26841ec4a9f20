/*
 * JSON values for the monitor: a strict RFC 8259 parser and a printer.
 *
 * Strict means: one value, no trailing bytes, no comments, no single
 * quotes, no trailing commas, no duplicate object keys, UTF-8 validated
 * (no overlong forms, surrogates or code points past U+10FFFF), no
 * control characters or U+0000 in strings, nesting at most
 * JSON_MAX_DEPTH, numbers finite.  Any byte sequence gets a value or an
 * error message, never a crash.
 */
#ifndef PETREL_MONITOR_JSON_H
#define PETREL_MONITOR_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 1024

enum json_type {
    JSON_NULL,
    JSON_BOOL,
    JSON_INT,
    JSON_DOUBLE,
    JSON_STRING,
    JSON_ARRAY,
    JSON_OBJECT
};

struct json {
    enum json_type type;
    union {
        bool b;
        int64_t i;
        double d;
        char *s; /* NUL-terminated; U+0000 is refused, so no embedded NUL */
        struct {
            struct json **items;
            char **keys; /* objects only: keys[k] names items[k] */
            size_t n, cap;
        } c;
    } u;
};

/* Parses len bytes.  On error returns NULL and writes one line into err. */
struct json *json_parse(const char *text, size_t len, char *err, size_t errlen);
void json_free(struct json *v);

/* Builders: return NULL on allocation failure (json_*_add then fail). */
struct json *json_null(void);
struct json *json_bool(bool b);
struct json *json_int(int64_t i);
struct json *json_double(double d); /* finite: printed with a point or exponent */
struct json *json_string(const char *s);
struct json *json_array(void);
struct json *json_object(void);
struct json *json_copy(const struct json *v);
/* Takes ownership of item (freed on failure); returns 0 or -1. */
int json_array_add(struct json *arr, struct json *item);
int json_object_add(struct json *obj, const char *key, struct json *item);

/* Object member by key, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
const char *json_type_name(enum json_type t);

/*
 * Appends the compact text of v (QEMU's spacing: ", " and ": ") to a
 * growing buffer; returns 0 or -1 on allocation failure.
 */
struct json_buf {
    char *data;
    size_t len, cap;
};
int json_print(struct json_buf *b, const struct json *v);
int json_buf_append(struct json_buf *b, const char *s, size_t n);
void json_buf_free(struct json_buf *b);

#endif
