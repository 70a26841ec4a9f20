/*
 * The NVRAM's host store (nvram.h).  The whole content is held in memory
 * and every guest write goes through to the file at once (pwrite), so the
 * file always holds what the guest last wrote: a later petrel, or a
 * crash of this one, finds it there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "nvram.h"

static int fail(char *err, size_t errlen, const char *path, const char *why)
{
    return cli_format_error(err, errlen, "-machine nvram: '%s': %s", path, why);
}

static int read_all(int fd, uint8_t *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pread(fd, buf + done, len - done, (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

static int write_all(int fd, const uint8_t *buf, size_t len, off_t at)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pwrite(fd, buf + done, len - done, at + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

int nvram_open(struct nvram *nv, const char *path, char *err, size_t errlen)
{
    struct stat st;
    uint32_t size = NVRAM_DEFAULT_SIZE;
    int fd = -1;

    memset(nv, 0, sizeof(*nv));
    nv->fd = -1;
    pthread_mutex_init(&nv->lock, NULL);
    if (path) {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0)
            return fail(err, errlen, path, strerror(errno));
        /* Two machines writing one NVRAM would corrupt each other's. */
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            close(fd);
            return fail(err, errlen, path, "in use by another petrel");
        }
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            close(fd);
            return fail(err, errlen, path, "not a regular file");
        }
        if (st.st_size != 0) {
            if (st.st_size < NVRAM_MIN_SIZE || st.st_size > NVRAM_MAX_SIZE || st.st_size % 16) {
                close(fd);
                return fail(err, errlen, path,
                            "size must be a multiple of 16 bytes from 8 KiB to 1 MiB");
            }
            size = (uint32_t)st.st_size;
        }
    }
    nv->data = calloc(1, size);
    if (!nv->data) {
        if (fd >= 0)
            close(fd);
        return fail(err, errlen, path ? path : "(memory)", "out of memory");
    }
    nv->size = size;
    if (fd >= 0) {
        /* A new (empty) file gets the default size, all zero: the
         * firmware formats it on the first boot. */
        if ((st.st_size ? read_all(fd, nv->data, size) : write_all(fd, nv->data, size, 0)) != 0) {
            close(fd);
            free(nv->data);
            nv->data = NULL;
            return fail(err, errlen, path, st.st_size ? "cannot read it" : "cannot write it");
        }
        nv->fd = fd;
    }
    return 0;
}

void nvram_close(struct nvram *nv)
{
    if (nv->fd >= 0)
        close(nv->fd);
    free(nv->data);
    nv->data = NULL;
    nv->fd = -1;
    pthread_mutex_destroy(&nv->lock);
}

void nvram_read(struct nvram *nv, uint32_t offset, void *buf, uint32_t len)
{
    pthread_mutex_lock(&nv->lock);
    memcpy(buf, nv->data + offset, len);
    pthread_mutex_unlock(&nv->lock);
}

int nvram_write(struct nvram *nv, uint32_t offset, const void *buf, uint32_t len)
{
    int r = 0;

    pthread_mutex_lock(&nv->lock);
    memcpy(nv->data + offset, buf, len);
    if (nv->fd >= 0)
        r = write_all(nv->fd, nv->data + offset, len, (off_t)offset);
    pthread_mutex_unlock(&nv->lock);
    return r;
}
