/*
 * The partition's NVRAM as the host keeps it: a byte array the guest
 * reads and writes through PETREL_H_NVRAM_READ / _WRITE (service.h),
 * backed by a file with -M pseries,nvram=FILE so it persists across runs,
 * else by memory only.  Its content is the guest's (the firmware formats
 * it as CHRP partitions, spec/device-tree.md §7.2).
 */
#ifndef PETREL_NVRAM_H
#define PETREL_NVRAM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* Sizes a backing file may have (spec/device-tree.md §7.2: 8 KiB .. 1
 * MiB); a new file gets the default. */
#define NVRAM_MIN_SIZE     (8u << 10)
#define NVRAM_MAX_SIZE     (1u << 20)
#define NVRAM_DEFAULT_SIZE (64u << 10)

struct nvram {
    uint8_t *data;
    uint32_t size;
    int fd; /* the backing file, -1 for none */
    pthread_mutex_t lock;
};

/*
 * Opens the NVRAM: path NULL for memory only (zeroed, the default size);
 * else the file, created with the default size if missing, locked against
 * a second petrel, its size checked.  Returns 0, or -1 with one line in
 * err.
 */
int nvram_open(struct nvram *nv, const char *path, char *err, size_t errlen);
void nvram_close(struct nvram *nv);
/* Copy [offset, offset + len) out of / into the NVRAM; the caller checked
 * the range.  nvram_write returns 0, or -1 if the file cannot be written
 * (the memory copy is updated regardless). */
void nvram_read(struct nvram *nv, uint32_t offset, void *buf, uint32_t len);
int nvram_write(struct nvram *nv, uint32_t offset, const void *buf, uint32_t len);

#endif
