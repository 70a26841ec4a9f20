/*
 * Splits a byte stream into JSON documents, the way QMP reads its input:
 * no framing, a document ends where its outermost brace or bracket
 * closes (or a bare scalar at whitespace).  Only brackets, strings and
 * escapes are tracked here; json_parse judges each document.  A control
 * character inside a string or a document past JSON_STREAM_MAX ends the
 * document early, so the parser reports it and the stream resynchronises
 * instead of waiting forever.
 */
#ifndef PETREL_MONITOR_JSON_STREAM_H
#define PETREL_MONITOR_JSON_STREAM_H

#include <stdbool.h>
#include <stddef.h>

#define JSON_STREAM_MAX (1u << 20)

struct json_stream {
    char *buf;
    size_t len, cap;
    size_t depth;
    bool in_string, escape, too_long;
};

/*
 * Feeds n bytes; calls emit(opaque, doc, len, too_long) for each complete
 * document (too_long: it was cut at JSON_STREAM_MAX).  Returns -1 only
 * on allocation failure.
 */
typedef void json_stream_emit_fn(void *opaque, const char *doc, size_t len, bool too_long);
int json_stream_feed(struct json_stream *js, const char *data, size_t n, json_stream_emit_fn *emit,
                     void *opaque);
void json_stream_reset(struct json_stream *js);
void json_stream_free(struct json_stream *js);

#endif
