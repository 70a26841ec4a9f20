/*
 * The QMP input splitter (json_stream.h).  QMP has no message framing
 * (QEMU's qmp-spec: messages are JSON objects on a byte stream, newlines
 * optional), so the splitter finds document ends by bracket depth.
 */
#include <stdlib.h>
#include <string.h>

#include "json_stream.h"

static int push(struct json_stream *js, char c)
{
    if (js->len == js->cap) {
        size_t cap = js->cap ? js->cap * 2 : 256;
        char *b = realloc(js->buf, cap);
        if (!b)
            return -1;
        js->buf = b;
        js->cap = cap;
    }
    js->buf[js->len++] = c;
    return 0;
}

/* A document ended; one cut at JSON_STREAM_MAX was reported already. */
static void finish(struct json_stream *js, json_stream_emit_fn *emit, void *opaque)
{
    if (js->len && !js->too_long)
        emit(opaque, js->buf, js->len, false);
    json_stream_reset(js);
}

/* Stores c unless the document is being skipped; -1 on allocation failure. */
static int keep(struct json_stream *js, char c, json_stream_emit_fn *emit, void *opaque)
{
    if (js->too_long)
        return 0;
    if (js->len >= JSON_STREAM_MAX) {
        /* Reported now; the rest is skipped up to the document's end. */
        emit(opaque, js->buf, js->len, true);
        js->too_long = true;
        return 0;
    }
    return push(js, c);
}

int json_stream_feed(struct json_stream *js, const char *data, size_t n, json_stream_emit_fn *emit,
                     void *opaque)
{
    for (size_t k = 0; k < n; k++) {
        char c = data[k];
        bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r';
        bool started = js->len || js->too_long;

        /* Whitespace between documents carries nothing; a bare scalar ends at it. */
        if (ws && js->depth == 0 && !js->in_string) {
            if (started)
                finish(js, emit, opaque);
            continue;
        }
        if (keep(js, c, emit, opaque))
            return -1;
        if (js->in_string) {
            if ((unsigned char)c < 0x20) {
                /* Not allowed in a JSON string: end here, the parser says why. */
                finish(js, emit, opaque);
                continue;
            }
            if (js->escape)
                js->escape = false;
            else if (c == '\\')
                js->escape = true;
            else if (c == '"')
                js->in_string = false;
            if (!js->in_string && js->depth == 0)
                finish(js, emit, opaque);
            continue;
        }
        switch (c) {
        case '"': js->in_string = true; break;
        case '{':
        case '[': js->depth++; break;
        case '}':
        case ']':
            /* The outermost closer ends the document; a stray one at depth 0
             * is a document of its own (an error). */
            if (js->depth <= 1)
                finish(js, emit, opaque);
            else
                js->depth--;
            break;
        default: break;
        }
    }
    return 0;
}

void json_stream_reset(struct json_stream *js)
{
    js->len = 0;
    js->depth = 0;
    js->in_string = js->escape = js->too_long = false;
}

void json_stream_free(struct json_stream *js)
{
    free(js->buf);
    memset(js, 0, sizeof(*js));
}
