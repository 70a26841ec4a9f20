/*
 * The decoded-page cache: a two-level table per byte order indexed by
 * physical page number, pages allocated on first execution.  When it
 * grows past CODE_CACHE_MAX_PAGES it is emptied wholesale -- simple, and
 * rare for a working set of a few thousand pages.
 */
#include <stdlib.h>
#include <string.h>

#include "codecache.h"
#include "ppc.h"

#define L2_BITS              9
#define L2_SIZE              (1u << L2_BITS)
#define CODE_CACHE_MAX_PAGES 8192

struct code_cache {
    struct guest_mem *mem;
    uint64_t n_l1;
    struct code_page ***l1[2]; /* [le][pfn >> L2_BITS][pfn & (L2_SIZE-1)] */
    unsigned n_pages;
};

struct code_cache *code_cache_new(struct guest_mem *mem)
{
    struct code_cache *cc = calloc(1, sizeof(*cc));
    uint64_t pages = mem->ram_size >> GUEST_PAGE_SHIFT;

    if (!cc)
        return NULL;
    cc->mem = mem;
    cc->n_l1 = (pages + L2_SIZE - 1) >> L2_BITS;
    for (int le = 0; le < 2; le++) {
        cc->l1[le] = calloc(cc->n_l1, sizeof(*cc->l1[le]));
        if (!cc->l1[le]) {
            code_cache_free(cc);
            return NULL;
        }
    }
    return cc;
}

void code_cache_flush(struct code_cache *cc)
{
    for (int le = 0; le < 2; le++)
        for (uint64_t i = 0; i < cc->n_l1; i++) {
            struct code_page **l2 = cc->l1[le][i];
            if (!l2)
                continue;
            for (unsigned j = 0; j < L2_SIZE; j++) {
                if (l2[j])
                    jit_page_free(l2[j]->jit);
                free(l2[j]);
            }
            free(l2);
            cc->l1[le][i] = NULL;
        }
    cc->n_pages = 0;
}

void code_cache_free(struct code_cache *cc)
{
    if (!cc)
        return;
    if (cc->l1[0] && cc->l1[1])
        code_cache_flush(cc);
    free(cc->l1[0]);
    free(cc->l1[1]);
    free(cc);
}

void code_page_reset(struct code_page *p, uint32_t gen)
{
    const void *decode = interp_op_handlers[OP_decode];

    p->gen = gen;
    /* Blocks compiled from the old records are forgotten; their code stays
     * in the area until it is next emptied (jit.h). */
    jit_page_free(p->jit);
    p->jit = NULL;
    for (unsigned i = 0; i < CODE_PAGE_SLOTS; i++) {
        p->rec[i].handler = decode;
        p->rec[i].op = OP_decode;
        p->rec[i].heat = 0;
    }
    p->rec[CODE_PAGE_SLOTS].handler = interp_op_handlers[OP_page_end];
    p->rec[CODE_PAGE_SLOTS].op = OP_page_end;
}

/*
 * The page was written since it was decoded: drop the records and mark the
 * page as code again (a store may have unprotected it, mem.c), telling
 * every vCPU to drop its write-TLB entries if the mark was gone.
 */
void code_page_refresh(struct code_page *p, struct guest_mem *mem, uint32_t gen)
{
    code_page_reset(p, gen);
    if (!__atomic_exchange_n(&mem->page_code[p->pa >> GUEST_PAGE_SHIFT], 1, __ATOMIC_ACQ_REL))
        guest_mem_code_added(mem);
}

struct code_page *code_cache_get(struct code_cache *cc, uint64_t pa, int le, int *flushed,
                                 int *new_code)
{
    uint64_t pfn = pa >> GUEST_PAGE_SHIFT;
    struct code_page ***l1 = cc->l1[!!le];
    struct code_page **l2, *p;

    *flushed = 0;
    *new_code = 0;
    l2 = l1[pfn >> L2_BITS];
    if (l2 && l2[pfn & (L2_SIZE - 1)])
        return l2[pfn & (L2_SIZE - 1)];
    if (cc->n_pages >= CODE_CACHE_MAX_PAGES) {
        code_cache_flush(cc);
        *flushed = 1;
    }
    l2 = l1[pfn >> L2_BITS];
    if (!l2) {
        l2 = calloc(L2_SIZE, sizeof(*l2));
        if (!l2)
            return NULL;
        l1[pfn >> L2_BITS] = l2;
    }
    p = malloc(sizeof(*p));
    if (!p)
        return NULL;
    p->pa = pfn << GUEST_PAGE_SHIFT;
    p->le = (uint8_t) !!le;
    p->host = cc->mem->ram + p->pa;
    p->jit = NULL;
    /* This vCPU must drop its write-TLB entries for the page; if the page
     * is code for the first time, so must every other vCPU. */
    *new_code = 1;
    if (!__atomic_exchange_n(&cc->mem->page_code[pfn], 1, __ATOMIC_ACQ_REL))
        guest_mem_code_added(cc->mem);
    code_page_reset(p, __atomic_load_n(&cc->mem->page_gen[pfn], __ATOMIC_ACQUIRE));
    l2[pfn & (L2_SIZE - 1)] = p;
    cc->n_pages++;
    return p;
}
