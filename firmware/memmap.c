/*
 * The client interface's memory map (memmap.h).  A short sorted array of
 * ranges in use; everything else below the limit is free.  Sizes and
 * addresses come from the client: every sum is checked for overflow
 * before it is used.
 */
#include <string.h>

#include "memmap.h"

#define ADDR_LIMIT (1ull << 32)

void memmap_init(struct memmap *m, uint64_t ram_size)
{
    memset(m, 0, sizeof(*m));
    m->limit = ram_size < ADDR_LIMIT ? ram_size : ADDR_LIMIT;
}

/* [base, base + size) inside [0, limit)? */
static bool in_ram(const struct memmap *m, uint64_t base, uint64_t size)
{
    return base <= m->limit && size <= m->limit - base;
}

static bool overlaps(const struct mem_range *r, uint64_t base, uint64_t size)
{
    return size && r->size && base < r->base + r->size && r->base < base + size;
}

static bool is_free(const struct memmap *m, uint64_t base, uint64_t size)
{
    for (unsigned i = 0; i < m->n; i++)
        if (overlaps(&m->r[i], base, size))
            return false;
    return true;
}

static int insert(struct memmap *m, uint64_t base, uint64_t size, enum mem_owner owner)
{
    unsigned i = 0;

    if (m->n == MEMMAP_MAX)
        return -1;
    while (i < m->n && m->r[i].base < base)
        i++;
    memmove(&m->r[i + 1], &m->r[i], (m->n - i) * sizeof(m->r[0]));
    m->r[i] = (struct mem_range){base, size, owner};
    m->n++;
    return 0;
}

int memmap_reserve(struct memmap *m, uint64_t base, uint64_t size, enum mem_owner owner)
{
    if (!size || !in_ram(m, base, size) || !is_free(m, base, size))
        return -1;
    return insert(m, base, size, owner);
}

int64_t memmap_claim(struct memmap *m, uint64_t addr, uint64_t size, uint64_t align)
{
    uint64_t at = 0;

    if (!size || (align & (align - 1)))
        return -1;
    if (!align) {
        if (!in_ram(m, addr, size) || !is_free(m, addr, size))
            return -1;
        return insert(m, addr, size, MEM_CLAIMED) ? -1 : (int64_t)addr;
    }
    /* Lowest fit: step over each range in use, in address order. */
    for (unsigned i = 0; i <= m->n; i++) {
        uint64_t end = i < m->n ? m->r[i].base : m->limit;

        if (at <= end && size <= end - at)
            return insert(m, at, size, MEM_CLAIMED) ? -1 : (int64_t)at;
        if (i == m->n)
            break;
        /* end <= 4 GiB and align <= 2^31 (a cell): no overflow. */
        end = m->r[i].base + m->r[i].size;
        if (end > at)
            at = (end + align - 1) & ~(align - 1);
    }
    return -1;
}

int memmap_release(struct memmap *m, uint64_t addr, uint64_t size)
{
    for (unsigned i = 0; i < m->n; i++) {
        struct mem_range *r = &m->r[i];
        uint64_t end, rend;

        if (r->owner != MEM_CLAIMED || addr < r->base || addr - r->base >= r->size)
            continue;
        if (!size || size > r->size - (addr - r->base))
            return -1;
        end = addr + size, rend = r->base + r->size;
        if (addr == r->base && end == rend) {
            memmove(r, r + 1, (m->n - i - 1) * sizeof(*r));
            m->n--;
        } else if (addr == r->base) {
            r->base = end, r->size = rend - end;
        } else if (end == rend) {
            r->size = addr - r->base;
        } else {
            /* A hole in the middle: the tail becomes a range of its own. */
            if (m->n == MEMMAP_MAX)
                return -1;
            r->size = addr - r->base;
            return insert(m, end, rend - end, MEM_CLAIMED);
        }
        return 0;
    }
    return -1;
}

bool memmap_client_ok(const struct memmap *m, uint64_t addr, uint64_t len)
{
    if (!in_ram(m, addr, len))
        return false;
    for (unsigned i = 0; i < m->n; i++)
        if (m->r[i].owner == MEM_FIRMWARE && overlaps(&m->r[i], addr, len))
            return false;
    return true;
}

bool memmap_claimed(const struct memmap *m, uint64_t addr, uint64_t len)
{
    for (unsigned i = 0; i < m->n; i++) {
        const struct mem_range *r = &m->r[i];
        if (r->owner == MEM_CLAIMED && addr >= r->base && addr - r->base <= r->size &&
            len <= r->size - (addr - r->base))
            return true;
    }
    return false;
}
