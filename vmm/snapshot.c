/*
 * The snapshot container and its encoding helpers (snapshot.h).
 *
 * Layout (little-endian):
 *   header   magic "PETRELSN", u32 format version, u32 fingerprint length,
 *            the fingerprint's bytes, u32 CRC-32 of everything before it
 *   section  u32 id, u32 instance, u32 version, u64 length, payload,
 *            u32 CRC-32 of id .. payload
 *   END      a section with id "END ", version 1, payload u32 = the
 *            number of sections before it; nothing may follow
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "snapshot.h"

/* ---- writer ---- */

static bool reserve(struct snap_writer *w, size_t n)
{
    if (w->failed)
        return false;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 4096;
        uint8_t *b;
        while (cap < w->len + n)
            cap *= 2;
        b = realloc(w->buf, cap);
        if (!b) {
            w->failed = true;
            return false;
        }
        w->buf = b;
        w->cap = cap;
    }
    return true;
}

static void put_le(struct snap_writer *w, uint64_t v, unsigned n)
{
    if (!reserve(w, n))
        return;
    for (unsigned i = 0; i < n; i++)
        w->buf[w->len++] = (uint8_t)(v >> (8 * i));
}

void snap_put_u8(struct snap_writer *w, uint8_t v)
{
    put_le(w, v, 1);
}

void snap_put_u16(struct snap_writer *w, uint16_t v)
{
    put_le(w, v, 2);
}

void snap_put_u32(struct snap_writer *w, uint32_t v)
{
    put_le(w, v, 4);
}

void snap_put_u64(struct snap_writer *w, uint64_t v)
{
    put_le(w, v, 8);
}

void snap_put_bytes(struct snap_writer *w, const void *p, size_t n)
{
    if (!n || !reserve(w, n))
        return;
    memcpy(w->buf + w->len, p, n);
    w->len += n;
}

void snap_put_string(struct snap_writer *w, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    snap_put_u32(w, (uint32_t)n);
    snap_put_bytes(w, s, n);
}

void snap_writer_free(struct snap_writer *w)
{
    free(w->buf);
    memset(w, 0, sizeof(*w));
}

/* ---- reader ---- */

const uint8_t *snap_get_span(struct snap_reader *r, size_t n)
{
    const uint8_t *p;

    if (r->bad || n > r->len - r->pos) {
        r->bad = true;
        return NULL;
    }
    p = r->p + r->pos;
    r->pos += n;
    return p;
}

static uint64_t get_le(struct snap_reader *r, unsigned n)
{
    const uint8_t *p = snap_get_span(r, n);
    uint64_t v = 0;

    if (!p)
        return 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

uint8_t snap_get_u8(struct snap_reader *r)
{
    return (uint8_t)get_le(r, 1);
}

uint16_t snap_get_u16(struct snap_reader *r)
{
    return (uint16_t)get_le(r, 2);
}

uint32_t snap_get_u32(struct snap_reader *r)
{
    return (uint32_t)get_le(r, 4);
}

uint64_t snap_get_u64(struct snap_reader *r)
{
    return get_le(r, 8);
}

bool snap_get_bytes(struct snap_reader *r, void *dst, size_t n)
{
    const uint8_t *p = snap_get_span(r, n);

    if (!p) {
        memset(dst, 0, n);
        return false;
    }
    memcpy(dst, p, n);
    return true;
}

bool snap_reader_done(const struct snap_reader *r)
{
    return !r->bad && r->pos == r->len;
}

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32). */
uint32_t snap_crc32(uint32_t crc, const void *p, size_t n)
{
    static uint32_t table[256];
    static bool ready;
    const uint8_t *b = p;

    if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        __atomic_store_n(&ready, true, __ATOMIC_RELEASE);
    }
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

const char *snap_id_name(uint32_t id, char buf[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)(id >> (8 * i));
        buf[i] = c >= 0x20 && c < 0x7f ? c : '?';
    }
    buf[4] = 0;
    return buf;
}

/* ---- the container ---- */

void snap_file_begin(struct snap_file_writer *f, const char *fingerprint)
{
    memset(f, 0, sizeof(*f));
    snap_put_bytes(&f->w, SNAP_MAGIC, 8);
    snap_put_u32(&f->w, SNAP_FORMAT_VERSION);
    snap_put_string(&f->w, fingerprint);
    if (!f->w.failed)
        snap_put_u32(&f->w, snap_crc32(0, f->w.buf, f->w.len));
}

static void section(struct snap_file_writer *f, uint32_t id, uint32_t instance, uint32_t version,
                    const uint8_t *p, size_t n)
{
    size_t start = f->w.len;

    snap_put_u32(&f->w, id);
    snap_put_u32(&f->w, instance);
    snap_put_u32(&f->w, version);
    snap_put_u64(&f->w, n);
    snap_put_bytes(&f->w, p, n);
    if (!f->w.failed)
        snap_put_u32(&f->w, snap_crc32(0, f->w.buf + start, f->w.len - start));
}

void snap_file_section(struct snap_file_writer *f, uint32_t id, uint32_t instance, uint32_t version,
                       const struct snap_writer *payload)
{
    if (payload->failed)
        f->w.failed = true;
    section(f, id, instance, version, payload->buf, payload->len);
    f->sections++;
}

int snap_file_end(struct snap_file_writer *f)
{
    uint8_t n[4] = {(uint8_t)f->sections, (uint8_t)(f->sections >> 8), (uint8_t)(f->sections >> 16),
                    (uint8_t)(f->sections >> 24)};

    section(f, SNAP_SEC_END, 0, 1, n, sizeof(n));
    return f->w.failed ? -1 : 0;
}

static int perr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int perr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err, errlen, "snapshot: ");

    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* The first space-separated item of a that differs from b's, for the
 * message: "ram=256M (this machine: ram=512M)". */
static void first_difference(const char *a, const char *b, char *out, size_t outlen)
{
    for (;;) {
        size_t la = strcspn(a, " "), lb = strcspn(b, " ");
        if (la != lb || memcmp(a, b, la)) {
            snprintf(out, outlen, "%.*s (this machine: %.*s)", (int)(la > 120 ? 120 : la), a,
                     (int)(lb > 120 ? 120 : lb), b);
            return;
        }
        a += la;
        b += lb;
        if (!*a || !*b) {
            snprintf(out, outlen, "%s", *a ? "more devices" : "fewer devices");
            return;
        }
        a++;
        b++;
    }
}

int snap_file_parse(const uint8_t *data, size_t len, const char *fingerprint,
                    struct snap_section **secs, unsigned *n_secs, char *err, size_t errlen)
{
    struct snap_reader r = {data, len, 0, false};
    const uint8_t *magic, *fp;
    uint32_t version, fp_len, crc;
    struct snap_section *list = NULL;
    unsigned n = 0, cap = 0;
    char name[5];

    *secs = NULL;
    *n_secs = 0;
    magic = snap_get_span(&r, 8);
    if (!magic || memcmp(magic, SNAP_MAGIC, 8))
        return perr(err, errlen, "not a petrel snapshot (bad magic)");
    version = snap_get_u32(&r);
    if (r.bad)
        return perr(err, errlen, "truncated in the header");
    if (version != SNAP_FORMAT_VERSION)
        return perr(err, errlen, "format version %u, this petrel reads version %u", version,
                    SNAP_FORMAT_VERSION);
    fp_len = snap_get_u32(&r);
    fp = snap_get_span(&r, fp_len);
    crc = snap_get_u32(&r);
    if (r.bad)
        return perr(err, errlen, "truncated in the header");
    if (crc != snap_crc32(0, data, r.pos - 4))
        return perr(err, errlen, "header checksum mismatch (corrupted file)");
    if (fp_len != strlen(fingerprint) || memcmp(fp, fingerprint, fp_len)) {
        char what[300], *saved = malloc(fp_len + 1u);
        if (!saved)
            return perr(err, errlen, "out of memory");
        memcpy(saved, fp, fp_len);
        saved[fp_len] = 0;
        first_difference(saved, fingerprint, what, sizeof(what));
        free(saved);
        return perr(err, errlen, "taken on a different machine configuration: %s", what);
    }

    for (;;) {
        size_t start = r.pos;
        struct snap_section s;
        const uint8_t *crc_p;

        if (r.pos == r.len) {
            free(list);
            return perr(err, errlen, "truncated after %u sections (no END section)", n);
        }
        s.id = snap_get_u32(&r);
        s.instance = snap_get_u32(&r);
        s.version = snap_get_u32(&r);
        s.len = snap_get_u64(&r);
        if (r.bad) {
            free(list);
            return perr(err, errlen, "truncated in the header of section %u", n);
        }
        if (s.len > r.len - r.pos) {
            free(list);
            return perr(err, errlen, "truncated in section %u ('%s' %u: %llu bytes, %zu left)", n,
                        snap_id_name(s.id, name), s.instance, (unsigned long long)s.len,
                        r.len - r.pos);
        }
        s.payload = snap_get_span(&r, (size_t)s.len);
        crc_p = snap_get_span(&r, 4);
        if (!crc_p) {
            free(list);
            return perr(err, errlen, "truncated in section %u ('%s' %u: no checksum)", n,
                        snap_id_name(s.id, name), s.instance);
        }
        crc = (uint32_t)crc_p[0] | (uint32_t)crc_p[1] << 8 | (uint32_t)crc_p[2] << 16 |
              (uint32_t)crc_p[3] << 24;
        if (crc != snap_crc32(0, data + start, r.pos - 4 - start)) {
            free(list);
            return perr(err, errlen, "checksum mismatch in section %u ('%s' %u): corrupted file", n,
                        snap_id_name(s.id, name), s.instance);
        }
        if (s.id == SNAP_SEC_END) {
            struct snap_reader e = {s.payload, (size_t)s.len, 0, false};
            uint32_t count = snap_get_u32(&e);
            if (s.version != 1 || !snap_reader_done(&e) || count != n) {
                free(list);
                return perr(err, errlen, "END section does not match the %u sections read", n);
            }
            if (r.pos != r.len) {
                free(list);
                return perr(err, errlen, "%zu bytes of garbage after the END section",
                            r.len - r.pos);
            }
            break;
        }
        if (n == cap) {
            struct snap_section *l;
            cap = cap ? 2 * cap : 16;
            l = realloc(list, cap * sizeof(*l));
            if (!l) {
                free(list);
                return perr(err, errlen, "out of memory");
            }
            list = l;
        }
        list[n++] = s;
    }
    *secs = list;
    *n_secs = n;
    return 0;
}

int snap_write_file(const char *path, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    size_t done = 0;
    int fd;

    if (!tmp)
        return perr(err, errlen, "out of memory");
    snprintf(tmp, plen + 16, "%s.tmp%d", path, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        perr(err, errlen, "cannot create '%s': %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    while (done < len) {
        ssize_t k = write(fd, buf + done, len - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            perr(err, errlen, "cannot write '%s': %s", tmp, k < 0 ? strerror(errno) : "no space");
            close(fd);
            unlink(tmp);
            free(tmp);
            return -1;
        }
        done += (size_t)k;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        perr(err, errlen, "cannot write '%s': %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int snap_read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
    struct stat st;
    size_t done = 0;
    uint8_t *b;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    *buf = NULL;
    *len = 0;
    if (fd < 0)
        return perr(err, errlen, "cannot open '%s': %s", path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return perr(err, errlen, "'%s' is not a regular file", path);
    }
    b = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (!b) {
        close(fd);
        return perr(err, errlen, "'%s' is too large to load", path);
    }
    while (done < (size_t)st.st_size) {
        ssize_t k = read(fd, b + done, (size_t)st.st_size - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    close(fd);
    *buf = b;
    *len = done;
    return 0;
}

int snap_write_command(const char *cmd, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    FILE *p = popen(cmd, "we");
    size_t done;
    int status;

    if (!p)
        return perr(err, errlen, "cannot run '%s': %s", cmd, strerror(errno));
    done = fwrite(buf, 1, len, p);
    status = pclose(p);
    if (status != 0)
        return perr(err, errlen, "'%s' failed (exit status %d)", cmd,
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (done != len)
        return perr(err, errlen, "'%s' took %zu of %zu bytes", cmd, done, len);
    return 0;
}

int snap_read_command(const char *cmd, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
    FILE *p = popen(cmd, "re");
    struct snap_writer w = {0};
    uint8_t chunk[65536];
    size_t n;
    int status;

    *buf = NULL;
    *len = 0;
    if (!p)
        return perr(err, errlen, "cannot run '%s': %s", cmd, strerror(errno));
    while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
        snap_put_bytes(&w, chunk, n);
    status = pclose(p);
    if (w.failed) {
        snap_writer_free(&w);
        return perr(err, errlen, "out of memory reading from '%s'", cmd);
    }
    if (status != 0) {
        snap_writer_free(&w);
        return perr(err, errlen, "'%s' failed (exit status %d)", cmd,
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    *buf = w.buf;
    *len = w.len;
    return 0;
}

int snap_write_uri(const char *uri, const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    if (!strncmp(uri, "file:", 5) && uri[5])
        return snap_write_file(uri + 5, buf, len, err, errlen);
    if (!strncmp(uri, "exec:", 5) && uri[5])
        return snap_write_command(uri + 5, buf, len, err, errlen);
    return perr(err, errlen, "'%s' is no file:PATH or exec:COMMAND", uri);
}

int snap_read_uri(const char *uri, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
    if (!strncmp(uri, "file:", 5) && uri[5])
        return snap_read_file(uri + 5, buf, len, err, errlen);
    if (!strncmp(uri, "exec:", 5) && uri[5])
        return snap_read_command(uri + 5, buf, len, err, errlen);
    return perr(err, errlen, "'%s' is no file:PATH or exec:COMMAND", uri);
}

bool snap_uri_valid(const char *uri)
{
    return uri && (!strncmp(uri, "file:", 5) || !strncmp(uri, "exec:", 5)) && uri[5];
}
