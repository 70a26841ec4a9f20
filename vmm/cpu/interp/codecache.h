/*
 * Pre-decoded instruction pages, per vCPU, keyed by guest physical page
 * and MSR[LE] (instructions are fetched in the current byte order:
 * spec/cpu.md §4.1).  Slots decode lazily on first execution.
 */
#ifndef PETREL_INTERP_CODECACHE_H
#define PETREL_INTERP_CODECACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "../../memory.h"
#include "decode.h"
#include "jit.h"

#define CODE_PAGE_SLOTS 1024

struct code_page {
    uint64_t pa;  /* physical page address */
    uint32_t gen; /* mem->page_gen[] when the records were made */
    uint8_t le;
    const uint8_t *host;                  /* the page in host memory */
    struct jit_page *jit;                 /* compiled blocks starting here, or NULL */
    struct insn rec[CODE_PAGE_SLOTS + 1]; /* + the page_end sentinel */
};

struct code_cache;

struct code_cache *code_cache_new(struct guest_mem *mem);
void code_cache_free(struct code_cache *cc);
/*
 * The decoded page for physical page `pa` (RAM only) in byte order `le`.
 * *flushed is set when the cache had to drop every page to make room
 * (the caller then drops anything pointing at pages), *new_code when the
 * page was newly decoded here (stores to it must now take the slow path).
 */
struct code_page *code_cache_get(struct code_cache *cc, uint64_t pa, int le, int *flushed,
                                 int *new_code);
void code_cache_flush(struct code_cache *cc);
void code_page_reset(struct code_page *p, uint32_t gen);

void code_page_refresh(struct code_page *p, struct guest_mem *mem, uint32_t gen);

/* Drops the records if the page was written since they were made;
 * returns true then (the caller drops its own write-TLB entries). */
static inline bool code_page_validate(struct code_page *p, struct guest_mem *mem)
{
    uint32_t gen = __atomic_load_n(&mem->page_gen[p->pa >> GUEST_PAGE_SHIFT], __ATOMIC_ACQUIRE);
    if (__builtin_expect(gen != p->gen, 0)) {
        code_page_refresh(p, mem, gen);
        return true;
    }
    return false;
}

#endif
