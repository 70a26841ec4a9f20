/*
 * The monitor's JSON parser, printer and stream splitter: valid documents
 * round-trip; garbage, truncation, deep nesting, huge numbers and bad
 * UTF-8 get an error (never a crash: run under ASan/valgrind at will);
 * the splitter cuts a byte stream where QMP expects.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vmm/monitor/json.h"
#include "vmm/monitor/json_stream.h"

static char err[200];

static struct json *parse(const char *s)
{
    return json_parse(s, strlen(s), err, sizeof(err));
}

/* Parses, prints, and compares with the expected compact text. */
static void roundtrip(const char *in, const char *want)
{
    struct json *v = parse(in);
    struct json_buf b = {0};

    CHECK(v != NULL);
    if (!v) {
        fprintf(stderr, "  input %s: %s\n", in, err);
        return;
    }
    CHECK(json_print(&b, v) == 0);
    CHECK_STREQ(b.data, want);
    json_free(v);
    json_buf_free(&b);
}

static void bad(const char *in, size_t len, const char *why)
{
    struct json *v = json_parse(in, len, err, sizeof(err));

    CHECK(v == NULL);
    if (v) {
        fprintf(stderr, "  accepted: %.*s\n", (int)len, in);
        json_free(v);
    } else if (why && !strstr(err, why)) {
        CHECK(!"wrong error");
        fprintf(stderr, "  %.*s: '%s', expected '%s'\n", (int)len, in, err, why);
    }
}
#define BAD(s, why) bad(s, strlen(s), why)

static void test_valid(void)
{
    roundtrip("{}", "{}");
    roundtrip(" [ ] ", "[]");
    roundtrip("{\"execute\":\"stop\",\"id\":[1,-2,true,false,null,\"x\"]}",
              "{\"execute\": \"stop\", \"id\": [1, -2, true, false, null, \"x\"]}");
    roundtrip("9223372036854775807", "9223372036854775807");
    roundtrip("-9223372036854775808", "-9223372036854775808");
    /* Past int64: kept as a double. */
    roundtrip("123456789012345678901234567890", "1.2345678901234568e+29");
    roundtrip("0.5", "0.5");
    roundtrip("-0", "0");
    roundtrip("1E2", "100.0");
    roundtrip("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\\"\\\\/\\b\\f\\n\\r\\t\"");
    roundtrip("\"\\u00e9\\u20ac\\ud83d\\ude00\"", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
    roundtrip("\"\xc3\xa9\xf4\x8f\xbf\xbf\"", "\"\xc3\xa9\xf4\x8f\xbf\xbf\"");
    roundtrip("\"\\u001f\\u007f\"", "\"\\u001f\\u007f\"");

    struct json *v = parse("{\"a\": {\"b\": [1, {\"c\": \"d\"}]}}");
    const struct json *a = json_get(v, "a"), *b = json_get(a, "b");
    CHECK(b && b->type == JSON_ARRAY && b->u.c.n == 2);
    CHECK(b && json_get(b->u.c.items[1], "c") && !strcmp(json_get(b->u.c.items[1], "c")->u.s, "d"));
    CHECK(json_get(v, "z") == NULL);
    json_free(v);
}

static void test_invalid(void)
{
    BAD("", "expecting value");
    BAD("   ", "expecting value");
    BAD("{", "expecting object key");
    BAD("{\"a\"", "expecting ':'");
    BAD("{\"a\":", "expecting value");
    BAD("{\"a\":1", "expecting ',' or '}'");
    BAD("[1,", "expecting value");
    BAD("[1 2]", "expecting ',' or ']'");
    BAD("{\"a\":1,}", "expecting object key");
    BAD("[1,]", "expecting value");
    BAD("{'a':1}", "expecting object key");
    BAD("{a:1}", "expecting object key");
    BAD("{\"a\":1,\"a\":2}", "duplicate key");
    BAD("{} {}", "unexpected data");
    BAD("tru", "expecting value");
    BAD("nul", "expecting value");
    BAD("True", "expecting value");
    BAD("01", "unexpected data");
    BAD("-", "invalid number");
    BAD("1.", "invalid number");
    BAD(".5", "expecting value");
    BAD("1e", "invalid number");
    BAD("1e+", "invalid number");
    BAD("+1", "expecting value");
    BAD("0x10", "unexpected data");
    BAD("NaN", "expecting value");
    BAD("Infinity", "expecting value");
    BAD("1e999999", "out of range");
    BAD("-1e400", "out of range");
    BAD("\"abc", "unterminated");
    BAD("\"abc\\", "unterminated");
    BAD("\"\\x\"", "invalid escape");
    BAD("\"\\u12\"", "\\u escape");
    BAD("\"\\u12G4\"", "\\u escape");
    BAD("\"\\ud800\"", "surrogate");
    BAD("\"\\ud800\\u0041\"", "surrogate");
    BAD("\"\\udc00\"", "surrogate");
    BAD("\"\\u0000\"", "\\u0000");
    BAD("\"a\nb\"", "control character");
    BAD("\"a\tb\"", "control character");
    /* Bad UTF-8: stray continuation, overlong, surrogate, past U+10FFFF, truncated. */
    BAD("\"\x80\"", "UTF-8");
    BAD("\"\xc0\xaf\"", "UTF-8");
    BAD("\"\xe0\x80\xaf\"", "UTF-8");
    BAD("\"\xed\xa0\x80\"", "UTF-8");
    BAD("\"\xf4\x90\x80\x80\"", "UTF-8");
    BAD("\"\xf8\x88\x80\x80\x80\"", "UTF-8");
    BAD("\"\xe2\x82\"", "UTF-8");
    BAD("\"\xff\"", "UTF-8");
    bad("\"a\0b\"", 5, "control character");
    bad("{\"a\":1}\0", 8, "unexpected data");
    {
        char longnum[100];
        memset(longnum, '1', sizeof(longnum) - 1);
        longnum[sizeof(longnum) - 1] = 0;
        BAD(longnum, "too long");
    }
}

static void test_depth(void)
{
    size_t n = JSON_MAX_DEPTH;
    char *s = malloc(2 * (n + 1) + 1);
    struct json *v;

    /* Exactly the limit parses; one more level does not. */
    memset(s, '[', n);
    memset(s + n, ']', n);
    v = json_parse(s, 2 * n, err, sizeof(err));
    CHECK(v != NULL);
    json_free(v);
    memset(s, '[', n + 1);
    memset(s + n + 1, ']', n + 1);
    bad(s, 2 * (n + 1), "nesting");
    free(s);

    /* Far deeper, unterminated, objects: still a clean error. */
    size_t big = 200000;
    s = malloc(big * 5);
    for (size_t k = 0; k < big; k++)
        memcpy(s + k * 5, "{\"a\":", 5);
    bad(s, big * 5, "nesting");
    free(s);
}

/* Every truncation of valid documents and seeded random bytes: no crash. */
static void test_garbage(void)
{
    static const char *docs[] = {
        "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}, \"id\": 1}",
        "[\"\\ud83d\\ude00\", -1.5e-3, {\"k\": [null, true, false]}, \"\xc3\xa9\"]",
    };
    unsigned seed = 12345;
    char buf[512];

    for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
        size_t len = strlen(docs[d]);
        for (size_t cut = 0; cut < len; cut++) {
            struct json *v = json_parse(docs[d], cut, err, sizeof(err));
            CHECK(v == NULL || cut == len);
            json_free(v);
        }
        /* Single-byte mutations of the whole document. */
        for (size_t pos = 0; pos < len; pos++) {
            memcpy(buf, docs[d], len);
            buf[pos] = (char)(seed = seed * 1103515245 + 12345) >> 16;
            json_free(json_parse(buf, len, err, sizeof(err)));
        }
    }
    for (int round = 0; round < 20000; round++) {
        size_t len = (seed = seed * 1103515245 + 12345) >> 16 & 63;
        for (size_t k = 0; k < len; k++) {
            static const char alphabet[] = "{}[]\",:\\u0123456789abcdefntrlse-+.E \x80\xc3\xed\xff";
            seed = seed * 1103515245 + 12345;
            buf[k] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        json_free(json_parse(buf, len, err, sizeof(err)));
    }
    CHECK(1);
}

struct docs {
    int n;
    char text[8][64];
    bool too_long[8];
};

static void collect(void *opaque, const char *doc, size_t len, bool too_long)
{
    struct docs *d = opaque;
    if (d->n < 8) {
        snprintf(d->text[d->n], sizeof(d->text[0]), "%.*s", (int)(len > 60 ? 60 : len), doc);
        d->too_long[d->n] = too_long;
    }
    d->n++;
}

static void test_stream(void)
{
    struct json_stream js = {0};
    struct docs d = {0};
    const char *in = "{\"a\": \"}\\\"{\"}{\"b\":[1,{}]}\n  [1]\"s\" 12 {\"exe\n}";

    /* Fed one byte at a time: the split must not depend on chunking. */
    for (const char *p = in; *p; p++)
        CHECK(json_stream_feed(&js, p, 1, collect, &d) == 0);
    CHECK_EQ(d.n, 7);
    CHECK_STREQ(d.text[0], "{\"a\": \"}\\\"{\"}");
    CHECK_STREQ(d.text[1], "{\"b\":[1,{}]}");
    CHECK_STREQ(d.text[2], "[1]");
    CHECK_STREQ(d.text[3], "\"s\"");
    CHECK_STREQ(d.text[4], "12");
    CHECK_STREQ(d.text[5], "{\"exe\n"); /* cut at the newline in the string */
    CHECK_STREQ(d.text[6], "}");        /* a stray closer is a document */

    /* An endless document is cut once, then skipped to its end. */
    json_stream_reset(&js);
    memset(&d, 0, sizeof(d));
    CHECK(json_stream_feed(&js, "[\"", 2, collect, &d) == 0);
    char *big = malloc(JSON_STREAM_MAX);
    memset(big, 'x', JSON_STREAM_MAX);
    CHECK(json_stream_feed(&js, big, JSON_STREAM_MAX, collect, &d) == 0);
    CHECK(json_stream_feed(&js, "\"]{}", 4, collect, &d) == 0);
    CHECK_EQ(d.n, 2);
    CHECK(d.too_long[0]);
    CHECK_STREQ(d.text[1], "{}");
    free(big);
    json_stream_free(&js);
}

static void test_build(void)
{
    struct json *o = json_object(), *a = json_array();
    struct json_buf b = {0};

    CHECK(json_array_add(a, json_int(-3)) == 0);
    CHECK(json_array_add(a, json_string("q\"\n\x01")) == 0);
    CHECK(json_object_add(o, "list", a) == 0);
    CHECK(json_object_add(o, "ok", json_bool(true)) == 0);
    CHECK(json_array_add(NULL, json_null()) == -1);
    struct json *c = json_copy(o);
    CHECK(json_print(&b, c) == 0);
    CHECK_STREQ(b.data, "{\"list\": [-3, \"q\\\"\\n\\u0001\"], \"ok\": true}");
    json_free(o);
    json_free(c);
    json_buf_free(&b);
}

int main(void)
{
    test_valid();
    test_invalid();
    test_depth();
    test_garbage();
    test_stream();
    test_build();
    return check_summary("json");
}
