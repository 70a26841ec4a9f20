/*
 * Guest physical memory: anonymous RAM mapping, the MMIO region list and
 * the per-page code tracking the CPU emulator relies on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "memory.h"

int guest_mem_init(struct guest_mem *mem, uint64_t ram_size)
{
    uint64_t pages = ram_size >> GUEST_PAGE_SHIFT;

    memset(mem, 0, sizeof(*mem));
    if (ram_size == 0 || (ram_size & (GUEST_PAGE_SIZE - 1)))
        return -EINVAL;
    /* NORESERVE: a guest that touches little of a large RAM costs little. */
    mem->ram = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (mem->ram == MAP_FAILED) {
        mem->ram = NULL;
        return -ENOMEM;
    }
    mem->ram_size = ram_size;
    pthread_mutex_init(&mem->watch_lock, NULL);
    mem->page_code = calloc(pages, 1);
    mem->page_gen = calloc(pages, sizeof(*mem->page_gen));
    if (!mem->page_code || !mem->page_gen) {
        guest_mem_destroy(mem);
        return -ENOMEM;
    }
    return 0;
}

void guest_mem_destroy(struct guest_mem *mem)
{
    if (mem->ram)
        munmap(mem->ram, mem->ram_size);
    free(mem->page_code);
    free(mem->page_gen);
    free(mem->mmio);
    free(mem->watchers);
    pthread_mutex_destroy(&mem->watch_lock);
    memset(mem, 0, sizeof(*mem));
}

int guest_mem_add_mmio(struct guest_mem *mem, const struct mmio_region *r)
{
    struct mmio_region *n;
    unsigned i;

    if (r->size == 0 || r->base + r->size < r->base || r->base < mem->ram_size)
        return -1;
    for (i = 0; i < mem->n_mmio; i++) {
        const struct mmio_region *o = &mem->mmio[i];
        if (r->base < o->base + o->size && o->base < r->base + r->size)
            return -1;
    }
    n = realloc(mem->mmio, (mem->n_mmio + 1) * sizeof(*n));
    if (!n)
        return -1;
    mem->mmio = n;
    for (i = mem->n_mmio; i > 0 && n[i - 1].base > r->base; i--)
        n[i] = n[i - 1];
    n[i] = *r;
    mem->n_mmio++;
    return 0;
}

const struct mmio_region *guest_mem_find_mmio(const struct guest_mem *mem, uint64_t pa)
{
    unsigned lo = 0, hi = mem->n_mmio;

    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        const struct mmio_region *r = &mem->mmio[mid];
        if (pa < r->base)
            hi = mid;
        else if (pa - r->base >= r->size)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

int guest_mem_watch_code(struct guest_mem *mem, volatile uint32_t *flags, uint32_t bit)
{
    struct code_watcher *w;

    pthread_mutex_lock(&mem->watch_lock);
    w = realloc(mem->watchers, (mem->n_watchers + 1) * sizeof(*w));
    if (w) {
        mem->watchers = w;
        w[mem->n_watchers++] = (struct code_watcher){flags, bit};
    }
    pthread_mutex_unlock(&mem->watch_lock);
    return w ? 0 : -1;
}

void guest_mem_unwatch_code(struct guest_mem *mem, volatile uint32_t *flags)
{
    pthread_mutex_lock(&mem->watch_lock);
    for (unsigned i = 0; i < mem->n_watchers; i++)
        if (mem->watchers[i].flags == flags)
            mem->watchers[i--] = mem->watchers[--mem->n_watchers];
    pthread_mutex_unlock(&mem->watch_lock);
}

void guest_mem_code_added(struct guest_mem *mem)
{
    pthread_mutex_lock(&mem->watch_lock);
    for (unsigned i = 0; i < mem->n_watchers; i++)
        __atomic_or_fetch(mem->watchers[i].flags, mem->watchers[i].bit, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&mem->watch_lock);
}

void guest_mem_forget_code(struct guest_mem *mem)
{
    memset(mem->page_code, 0, mem->ram_size >> GUEST_PAGE_SHIFT);
}

void guest_ram_note_write(struct guest_mem *mem, uint64_t pa, uint64_t len)
{
    uint64_t first, last, p;

    if (len == 0 || !guest_ram_contains(mem, pa, len))
        return;
    first = pa >> GUEST_PAGE_SHIFT;
    last = (pa + len - 1) >> GUEST_PAGE_SHIFT;
    for (p = first; p <= last; p++)
        guest_page_note_write(mem, p);
}

void guest_ram_write(struct guest_mem *mem, uint64_t pa, const void *src, uint64_t len)
{
    if (!guest_ram_contains(mem, pa, len))
        return;
    memcpy(mem->ram + pa, src, len);
    guest_ram_note_write(mem, pa, len);
}
