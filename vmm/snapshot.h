/*
 * Machine snapshots (QMP migrate to file:, petrel-savevm/-loadvm,
 * -incoming file:PATH): the file format, its encoding helpers and the
 * fixed restore order.
 *
 * A file is a header -- magic, format version, the machine's
 * configuration fingerprint (RAM size, vCPUs, CPU model, compat limit,
 * ic-mode, PHBs, devices and their backing files) -- then sections, each
 * {id, instance, version, length, payload, CRC-32 of all that}, then an
 * END section carrying the number of sections before it.  Integers are
 * little-endian.  Every component encodes its own payload (cpu backend,
 * irq/, pci/, vmm/dev/) with the helpers below and names its version.
 *
 * Loading is two passes over the whole file held in memory: every
 * section is parsed and validated into a staging area (sizes, versions,
 * CRCs, the fingerprint, every index and count within bounds) before the
 * machine is touched, so a bad file changes nothing.  Then it is applied
 * in one fixed order whatever the file's order: partition state (compat
 * level, MMU) before vCPU registers, the interrupt controller's mode
 * before its sources and presenters, PHBs and their functions, devices,
 * RAM last (spec/irq.md, spec/rtas.md "lessons": compat before registers,
 * mode before sources).
 */
#ifndef PETREL_SNAPSHOT_H
#define PETREL_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- encoding helpers ---- */

/* A growing little-endian output buffer; failed after an allocation failure. */
struct snap_writer {
    uint8_t *buf;
    size_t len, cap;
    bool failed;
};
void snap_put_u8(struct snap_writer *w, uint8_t v);
void snap_put_u16(struct snap_writer *w, uint16_t v);
void snap_put_u32(struct snap_writer *w, uint32_t v);
void snap_put_u64(struct snap_writer *w, uint64_t v);
void snap_put_bytes(struct snap_writer *w, const void *p, size_t n);
void snap_put_string(struct snap_writer *w, const char *s); /* u32 length, bytes */
void snap_writer_free(struct snap_writer *w);

/* A bounded reader: reading past the end sets bad and yields zeroes. */
struct snap_reader {
    const uint8_t *p;
    size_t len, pos;
    bool bad;
};
uint8_t snap_get_u8(struct snap_reader *r);
uint16_t snap_get_u16(struct snap_reader *r);
uint32_t snap_get_u32(struct snap_reader *r);
uint64_t snap_get_u64(struct snap_reader *r);
bool snap_get_bytes(struct snap_reader *r, void *dst, size_t n);
/* A pointer to the next n bytes (NULL and bad when fewer remain). */
const uint8_t *snap_get_span(struct snap_reader *r, size_t n);
/* Whether the payload was read exactly, to its end, without overrun. */
bool snap_reader_done(const struct snap_reader *r);

uint32_t snap_crc32(uint32_t crc, const void *p, size_t n);

/* ---- the container ---- */

#define SNAP_MAGIC          "PETRELSN"
#define SNAP_FORMAT_VERSION 1u

/* Section ids: four characters, as they read in a hex dump. */
#define SNAP_ID(a, b, c, d)                                                                        \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define SNAP_SEC_MACHINE SNAP_ID('M', 'A', 'C', 'H')
#define SNAP_SEC_CPU     SNAP_ID('C', 'P', 'U', ' ')
#define SNAP_SEC_IRQ     SNAP_ID('I', 'R', 'Q', ' ')
#define SNAP_SEC_PHB     SNAP_ID('P', 'H', 'B', ' ')
#define SNAP_SEC_VIRTIO  SNAP_ID('V', 'I', 'O', ' ')
#define SNAP_SEC_RAM     SNAP_ID('R', 'A', 'M', ' ')
#define SNAP_SEC_NVRAM   SNAP_ID('N', 'V', 'R', 'M')
#define SNAP_SEC_END     SNAP_ID('E', 'N', 'D', ' ')

/* One section of a file being written or read. */
struct snap_section {
    uint32_t id, instance, version;
    const uint8_t *payload;
    uint64_t len;
};

/* Builds a file: the header with this fingerprint, then sections. */
struct snap_file_writer {
    struct snap_writer w;
    unsigned sections;
};
void snap_file_begin(struct snap_file_writer *f, const char *fingerprint);
void snap_file_section(struct snap_file_writer *f, uint32_t id, uint32_t instance, uint32_t version,
                       const struct snap_writer *payload);
/* Appends END; returns 0, or -1 when memory ran out. */
int snap_file_end(struct snap_file_writer *f);

/*
 * Parses a whole file: header, fingerprint (must equal `fingerprint`;
 * the error names the first item that differs), every section's bounds
 * and CRC, and the END section.  On success *secs (malloc'd, *n_secs
 * entries, END not included) point into data.  Returns 0, or -1 with one
 * line in err.
 */
int snap_file_parse(const uint8_t *data, size_t len, const char *fingerprint,
                    struct snap_section **secs, unsigned *n_secs, char *err, size_t errlen);

/* The section id as four printable characters (for messages). */
const char *snap_id_name(uint32_t id, char buf[5]);

/* Writes buf to path through a temporary file and rename (never a
 * half-written snapshot under path).  0, or -1 with err. */
int snap_write_file(const char *path, const uint8_t *buf, size_t len, char *err, size_t errlen);
/* Reads a whole file into malloc'd *buf.  0, or -1 with err. */
int snap_read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen);
/* The same through a shell command's stdin / stdout (its exit status
 * must be 0). */
int snap_write_command(const char *cmd, const uint8_t *buf, size_t len, char *err, size_t errlen);
int snap_read_command(const char *cmd, uint8_t **buf, size_t *len, char *err, size_t errlen);
/* A migration URI: "file:PATH" or "exec:COMMAND" (sh -c). */
bool snap_uri_valid(const char *uri);
int snap_write_uri(const char *uri, const uint8_t *buf, size_t len, char *err, size_t errlen);
int snap_read_uri(const char *uri, uint8_t **buf, size_t *len, char *err, size_t errlen);

#endif
