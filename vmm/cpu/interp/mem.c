/*
 * Data and instruction address translation for the interpreter, and the
 * slow paths of loads and stores: soft-TLB fills, accesses that cross a
 * page, MMIO, stores into pages holding decoded code, and faults; the
 * accesses that must be atomic on the host (larx/stcx.), dcbz, and the
 * SLB instructions' state.
 *
 * In real mode EA bits 0:3 are ignored (spec/cpu.md §3.1.2) and the
 * result is a guest physical address; with MSR[IR]/[DR] set the radix or
 * hash MMU translates (mmu.h).  Soft-TLB entries are 4K pages of one
 * translation regime: every change of MSR[IR], [DR] or [PR], of PIDR or
 * of the partition's MMU drops them all, tlbie and slbie the ones they
 * name.  The read TLB is filled by loads, the write TLB only by stores --
 * after the MMU set the change bit -- and the execute TLB by fetches.  An
 * access to a physical address backed by neither RAM nor a device is a
 * machine check.
 */
#include <string.h>

#include "../../memory.h"
#include "codecache.h"
#include "exec.h"
#include "jit.h"
#include "mmu.h"
#include "ppc.h"

#define REAL_ADDR_MASK 0x0fffffffffffffffull
#define DCBZ_BLOCK     128 /* d-cache-block-size (spec/cpu.md §1.1) */

void ppc_tlb_flush_write(struct ppc_cpu *cpu)
{
    for (unsigned i = 0; i < TLB_SIZE; i++)
        cpu->tlb_write[i].tag = TLB_INVALID;
}

static void tlb_flush_exec(struct ppc_cpu *cpu)
{
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        cpu->tlb_exec[i].tag = TLB_INVALID;
        cpu->tlb_exec[i].page = NULL;
    }
}

void ppc_tlb_flush(struct ppc_cpu *cpu)
{
    for (unsigned i = 0; i < TLB_SIZE; i++)
        cpu->tlb_read[i].tag = TLB_INVALID;
    ppc_tlb_flush_write(cpu);
    tlb_flush_exec(cpu);
}

#define set_fault ppc_set_fault

/* Does a debugger's watchpoint of a kind in `kinds` overlap [ea, ea + len)? */
static int watched(const struct ppc_cpu *cpu, uint64_t ea, uint64_t len, unsigned kinds)
{
    for (unsigned i = 0; i < cpu->nwp; i++)
        if ((cpu->wp[i].kind & kinds) && ea < cpu->wp[i].ea + cpu->wp[i].len &&
            cpu->wp[i].ea < ea + len)
            return (int)i;
    return -1;
}

/*
 * A watchpoint stops the access before it happens (cpu.h set_watchpoint):
 * the executor sees VEC_DEBUG_STOP and leaves.  Not while the stopped
 * access itself is re-run (DBG_WP_SKIP).
 */
static bool watch_stop(struct ppc_cpu *cpu, uint64_t ea, uint64_t len, bool store)
{
    int i;

    if (__builtin_expect(!cpu->nwp, 1) || (cpu->dbg & DBG_WP_SKIP))
        return false;
    i = watched(cpu, ea, len, store ? CPU_WATCH_WRITE : CPU_WATCH_READ);
    if (i < 0)
        return false;
    set_fault(cpu, VEC_DEBUG_STOP, ea, 0, 0);
    cpu->fault.watch = cpu->wp[i].kind;
    return true;
}

/* Points the soft-TLB entry for ea's page at the RAM page holding pa --
 * unless a watchpoint covers the page, whose accesses must all come here. */
static void tlb_fill(struct ppc_cpu *cpu, struct tlb_entry *tlb, uint64_t ea, uint64_t pa)
{
    struct tlb_entry *e = &tlb[(ea >> 12) & (TLB_SIZE - 1)];

    if (cpu->nwp && watched(cpu, ea & ~0xfffull, 0x1000,
                            tlb == cpu->tlb_write ? CPU_WATCH_WRITE : CPU_WATCH_READ) >= 0)
        return;
    e->tag = ea & ~0xfffull;
    e->addend = (uintptr_t)(cpu->mem->ram + (pa & ~0xfffull)) - (uintptr_t)(ea & ~0xfffull);
}

/* A store changed RAM at pa: decoded code there must be re-validated. */
static void note_code_write(struct guest_mem *mem, uint64_t pa)
{
    guest_page_note_write(mem, pa >> GUEST_PAGE_SHIFT);
}

static bool translate_data(struct ppc_cpu *cpu, uint64_t ea, bool store, uint64_t *pa)
{
    if (cpu->msr & MSR_DR)
        return mmu_translate(cpu, ea, store ? MMU_STORE : MMU_LOAD, 0, pa);
    *pa = ea & REAL_ADDR_MASK;
    return true;
}

/* The debugger's view (cpu.h debug_translate): the data translation
 * translate_data() does, without a fault or a reference bit. */
int ppc_debug_translate(struct ppc_cpu *cpu, uint64_t ea, uint64_t *pa)
{
    if (cpu->msr & MSR_DR)
        return mmu_translate(cpu, ea, MMU_LOAD, MMU_PROBE, pa) ? 0 : -1;
    *pa = ea & REAL_ADDR_MASK;
    return 0;
}

struct itlb_entry *ppc_itlb_fill(struct ppc_cpu *cpu, uint64_t ea)
{
    struct itlb_entry *it = &cpu->tlb_exec[(ea >> 12) & (TLB_SIZE - 1)];
    struct code_page *page;
    uint64_t pa;
    int flushed, new_code;

    if (cpu->msr & MSR_IR) {
        if (!mmu_translate(cpu, ea, MMU_EXEC, 0, &pa))
            return NULL;
    } else {
        pa = ea & REAL_ADDR_MASK;
    }
    if (!guest_ram_contains(cpu->mem, pa & ~0xfffull, GUEST_PAGE_SIZE)) {
        /* Instruction fetch from no memory: machine check (Book III 7.5.2). */
        set_fault(cpu, VEC_MACHINE_CHECK, ea, 0, 0);
        return NULL;
    }
    page = code_cache_get(cpu->cc, pa & ~0xfffull, cpu->le, &flushed, &new_code);
    /* A flush freed every page, even when the allocation then failed. */
    if (flushed) {
        tlb_flush_exec(cpu);
        if (cpu->jit)
            jit_reset(cpu->jit); /* no page holds a block any more */
    }
    if (!page) {
        set_fault(cpu, VEC_MACHINE_CHECK, ea, 0, 0);
        return NULL;
    }
    if (new_code)
        ppc_tlb_flush_write(cpu); /* stores to this page must now be seen */
    it->tag = ea & ~0xfffull;
    it->page = page;
    return it;
}

static uint64_t bswap_size(uint64_t v, unsigned size)
{
    switch (size) {
    case 2: return __builtin_bswap16((uint16_t)v);
    case 4: return __builtin_bswap32((uint32_t)v);
    case 8: return __builtin_bswap64(v);
    default: return v;
    }
}

/*
 * An access to device memory must be aligned: caching-inhibited storage
 * takes an alignment interrupt otherwise (spec/cpu.md §2.9), DAR = EA.
 */
static const struct mmio_region *mmio_for(struct ppc_cpu *cpu, uint64_t ea, uint64_t pa,
                                          unsigned size)
{
    const struct mmio_region *r = guest_mem_find_mmio(cpu->mem, pa);

    if (!r || size > r->size || pa - r->base > r->size - size) {
        /* No device there: machine check (Book III 7.5.2). */
        set_fault(cpu, VEC_MACHINE_CHECK, ea, 0, 0);
        return NULL;
    }
    if (pa & (size - 1)) {
        set_fault(cpu, VEC_ALIGNMENT, ea, 0, 0);
        return NULL;
    }
    return r;
}

/* One access contained in a page. */
static bool load_in_page(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *val)
{
    struct guest_mem *mem = cpu->mem;
    const struct mmio_region *r;
    uint64_t pa, v;

    if (!translate_data(cpu, ea, false, &pa))
        return false;
    if (guest_ram_contains(mem, pa, size)) {
        const uint8_t *h = mem->ram + pa;
        tlb_fill(cpu, cpu->tlb_read, ea, pa);
        switch (size) {
        case 1: *val = host_load1(h, cpu->le); break;
        case 2: *val = host_load2(h, cpu->le); break;
        case 4: *val = host_load4(h, cpu->le); break;
        default: *val = host_load8(h, cpu->le); break;
        }
        return true;
    }
    r = mmio_for(cpu, ea, pa, size);
    if (!r)
        return false;
    v = r->ops->read ? r->ops->read(r->opaque, cpu->index, pa - r->base, size) : 0;
    *val = cpu->le ? bswap_size(v, size) : v;
    return true;
}

static bool store_in_page(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t val)
{
    struct guest_mem *mem = cpu->mem;
    const struct mmio_region *r;
    uint64_t pa;

    if (!translate_data(cpu, ea, true, &pa))
        return false;
    if (guest_ram_contains(mem, pa, size)) {
        uint64_t pfn = pa >> GUEST_PAGE_SHIFT;
        uint8_t *h = mem->ram + pa;
        switch (size) {
        case 1: host_store1(h, val, cpu->le); break;
        case 2: host_store2(h, val, cpu->le); break;
        case 4: host_store4(h, val, cpu->le); break;
        default: host_store8(h, val, cpu->le); break;
        }
        /*
         * A store to a page holding decoded code: unprotect it -- clear the
         * mark, then bump the generation, in that order, so a vCPU that sees
         * the new generation re-marks the page when it decodes again
         * (code_page_validate) -- and let later stores take the fast path.
         * Pages reused for data thus stop paying for having held code.
         */
        if (__atomic_load_n(&mem->page_code[pfn], __ATOMIC_ACQUIRE)) {
            __atomic_store_n(&mem->page_code[pfn], 0, __ATOMIC_RELEASE);
            __atomic_add_fetch(&mem->page_gen[pfn], 1, __ATOMIC_RELEASE);
        }
        tlb_fill(cpu, cpu->tlb_write, ea, pa);
        /* A translation that allows a store allows a load (radix EAA, hash
         * PP), and the store set R: spare the load that follows a walk. */
        tlb_fill(cpu, cpu->tlb_read, ea, pa);
        /* The page may have become code again while we stored: then the
         * entry must not stay and the store must count. */
        if (__atomic_load_n(&mem->page_code[pfn], __ATOMIC_ACQUIRE)) {
            cpu->tlb_write[(ea >> 12) & (TLB_SIZE - 1)].tag = TLB_INVALID;
            __atomic_add_fetch(&mem->page_gen[pfn], 1, __ATOMIC_RELEASE);
        }
        return true;
    }
    r = mmio_for(cpu, ea, pa, size);
    if (!r)
        return false;
    if (size < 8)
        val &= (1ull << (8 * size)) - 1; /* stb/sth/stw pass the whole register */
    if (r->ops->write)
        r->ops->write(r->opaque, cpu->index, pa - r->base, size,
                      cpu->le ? bswap_size(val, size) : val);
    return true;
}

/*
 * An access crossing a page: both pages must translate and be RAM before
 * any byte moves.  A crossing access cannot be aligned, so device memory
 * on either side is an alignment interrupt.
 */
static bool check_crossing(struct ppc_cpu *cpu, uint64_t ea, unsigned size, bool store)
{
    for (unsigned i = 0; i < size; i += size - 1) {
        uint64_t e = (ea + i) & cpu->ea_mask, pa;
        if (!translate_data(cpu, e, store, &pa))
            return false;
        if (!guest_ram_contains(cpu->mem, pa, 1)) {
            if (guest_mem_find_mmio(cpu->mem, pa))
                set_fault(cpu, VEC_ALIGNMENT, ea, 0, 0);
            else
                set_fault(cpu, VEC_MACHINE_CHECK, e, 0, 0);
            return false;
        }
    }
    return true;
}

bool ppc_load_slow(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *val)
{
    uint8_t bytes[8];
    uint64_t b, v = 0;

    if (watch_stop(cpu, ea, size, false))
        return false;
    if ((ea & 0xfff) + size <= 0x1000)
        return load_in_page(cpu, ea, size, val);
    if (!check_crossing(cpu, ea, size, false))
        return false;
    for (unsigned i = 0; i < size; i++) {
        if (!load_in_page(cpu, (ea + i) & cpu->ea_mask, 1, &b))
            return false;
        bytes[i] = (uint8_t)b;
    }
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)bytes[i] << (cpu->le ? 8 * i : 8 * (size - 1 - i));
    *val = v;
    return true;
}

bool ppc_store_slow(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t val)
{
    if (watch_stop(cpu, ea, size, true))
        return false;
    if ((ea & 0xfff) + size <= 0x1000)
        return store_in_page(cpu, ea, size, val);
    if (!check_crossing(cpu, ea, size, true))
        return false;
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = cpu->le ? 8 * i : 8 * (size - 1 - i);
        if (!store_in_page(cpu, (ea + i) & cpu->ea_mask, 1, (val >> shift) & 0xff))
            return false;
    }
    return true;
}

/*
 * Reservations (Book II 4.4.2).  larx records the host address of the
 * bytes it loaded and their value; stcx. stores iff the reservation is for
 * the same address and size and memory still holds that value, as one
 * host compare-and-swap, so a store by any vCPU or device in between
 * makes it fail unless it wrote back the same value (the ABA case QEMU
 * also accepts, spec/cpu.md §6.1).  The reservation ends with every
 * stcx. and every interrupt (excp.c).
 *
 * The operand must be aligned (else alignment interrupt, spec/cpu.md
 * §2.9) and in RAM: to device memory it is a DSI with DSISR bit 37, the
 * ISA's "larx/stcx. to caching-inhibited storage" (Book III 7.5.3).
 *
 * Returns the host address, or NULL with cpu->fault set.  *code_pa is
 * set to the real address when a store must bump a page holding decoded
 * code, else to ~0.
 */
static uint8_t *atomic_host(struct ppc_cpu *cpu, uint64_t ea, unsigned size, bool store,
                            uint64_t *code_pa)
{
    struct guest_mem *mem = cpu->mem;
    uint64_t pa;
    void *h;

    *code_pa = ~0ull;
    if (ea & (size - 1)) {
        set_fault(cpu, VEC_ALIGNMENT, ea, 0, 0);
        return NULL;
    }
    h = tlb_probe(store ? cpu->tlb_write : cpu->tlb_read, ea, size);
    if (h)
        return h;
    if (watch_stop(cpu, ea, size, store) || !translate_data(cpu, ea, store, &pa))
        return NULL;
    if (guest_ram_contains(mem, pa, size)) {
        if (store && __atomic_load_n(&mem->page_code[pa >> GUEST_PAGE_SHIFT], __ATOMIC_ACQUIRE))
            *code_pa = pa;
        else
            tlb_fill(cpu, store ? cpu->tlb_write : cpu->tlb_read, ea, pa);
        return mem->ram + pa;
    }
    if (guest_mem_find_mmio(mem, pa))
        set_fault(cpu, VEC_DSI, ea, DSISR_ATOMIC_CI | (store ? DSISR_STORE : 0), 0);
    else
        set_fault(cpu, VEC_MACHINE_CHECK, ea, 0, 0);
    return NULL;
}

bool ppc_larx(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *val)
{
    uint64_t code_pa, raw;
    uint8_t *h = atomic_host(cpu, ea, size, false, &code_pa);

    if (!h)
        return false;
    switch (size) {
    case 1: raw = __atomic_load_n(h, __ATOMIC_ACQUIRE); break;
    case 2: raw = __atomic_load_n((uint16_t *)h, __ATOMIC_ACQUIRE); break;
    case 4: raw = __atomic_load_n((uint32_t *)h, __ATOMIC_ACQUIRE); break;
    default: raw = __atomic_load_n((uint64_t *)h, __ATOMIC_ACQUIRE); break;
    }
    cpu->resv_addr = (uintptr_t)h;
    cpu->resv_val = raw;
    cpu->resv_size = (uint8_t)size;
    *val = cpu->le ? raw : bswap_size(raw, size);
    return true;
}

#define CAS(type, h, expect, val)                                                                  \
    ({                                                                                             \
        type e_ = (type)(expect);                                                                  \
        __atomic_compare_exchange_n((type *)(h), &e_, (type)(val), false, __ATOMIC_SEQ_CST,        \
                                    __ATOMIC_SEQ_CST);                                             \
    })

int ppc_stcx(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t val)
{
    uint64_t code_pa, raw;
    uint8_t *h = atomic_host(cpu, ea, size, true, &code_pa);
    bool ok = false;

    if (!h)
        return -1;
    if (cpu->resv_size == size && cpu->resv_addr == (uintptr_t)h) {
        raw = cpu->le ? val : bswap_size(val, size);
        switch (size) {
        case 1: ok = CAS(uint8_t, h, cpu->resv_val, raw); break;
        case 2: ok = CAS(uint16_t, h, cpu->resv_val, raw); break;
        case 4: ok = CAS(uint32_t, h, cpu->resv_val, raw); break;
        default: ok = CAS(uint64_t, h, cpu->resv_val, raw); break;
        }
    }
    cpu->resv_size = 0;
    if (ok && code_pa != ~0ull)
        note_code_write(cpu->mem, code_pa);
    return ok;
}

/* Quadword atomics need cmpxchg16b (every x86-64 host petrel targets). */
typedef unsigned __int128 u128;

__attribute__((target("cx16"))) static u128 load16(uint8_t *h)
{
    return __sync_val_compare_and_swap((u128 *)h, 0, 0);
}

__attribute__((target("cx16"))) static bool cas16(uint8_t *h, u128 expect, u128 val)
{
    return __sync_bool_compare_and_swap((u128 *)h, expect, val);
}

/*
 * The quadword's two doublewords: RTp is the one at EA in big-endian mode
 * and the one at EA+8 in little-endian mode, i.e. the high half of the
 * 16-byte value in the current byte order (Book I lq, Book II lqarx).  `raw` is the 16 bytes read
 * as a host (little-endian) integer.
 */
static u128 quad_to_raw(const struct ppc_cpu *cpu, uint64_t hi, uint64_t lo)
{
    if (cpu->le)
        return ((u128)hi << 64) | lo;
    return ((u128)__builtin_bswap64(lo) << 64) | __builtin_bswap64(hi);
}

bool ppc_lqarx(struct ppc_cpu *cpu, uint64_t ea, uint64_t *hi, uint64_t *lo)
{
    uint64_t code_pa;
    uint8_t *h = atomic_host(cpu, ea, 16, false, &code_pa);
    u128 raw;

    if (!h)
        return false;
    raw = load16(h);
    cpu->resv_addr = (uintptr_t)h;
    cpu->resv_val = (uint64_t)raw;
    cpu->resv_val2 = (uint64_t)(raw >> 64);
    cpu->resv_size = 16;
    if (cpu->le) {
        *hi = (uint64_t)(raw >> 64);
        *lo = (uint64_t)raw;
    } else {
        *hi = __builtin_bswap64((uint64_t)raw);
        *lo = __builtin_bswap64((uint64_t)(raw >> 64));
    }
    return true;
}

int ppc_stqcx(struct ppc_cpu *cpu, uint64_t ea, uint64_t hi, uint64_t lo)
{
    uint64_t code_pa;
    uint8_t *h = atomic_host(cpu, ea, 16, true, &code_pa);
    bool ok = false;

    if (!h)
        return -1;
    if (cpu->resv_size == 16 && cpu->resv_addr == (uintptr_t)h)
        ok = cas16(h, ((u128)cpu->resv_val2 << 64) | cpu->resv_val, quad_to_raw(cpu, hi, lo));
    cpu->resv_size = 0;
    if (ok && code_pa != ~0ull)
        note_code_write(cpu->mem, code_pa);
    return ok;
}

/*
 * dcbz (Book II "Data Cache Instructions"): zeroes the aligned 128-byte block.  Device
 * memory takes an alignment interrupt (spec/cpu.md §2.9; Linux emulates
 * it in fix_alignment).  The executor's fast path handles a block in a
 * write-TLB page.
 */
bool ppc_dcbz(struct ppc_cpu *cpu, uint64_t ea)
{
    struct guest_mem *mem = cpu->mem;
    uint64_t pa;

    if (watch_stop(cpu, ea & ~(uint64_t)(DCBZ_BLOCK - 1), DCBZ_BLOCK, true) ||
        !translate_data(cpu, ea, true, &pa))
        return false;
    pa &= ~(uint64_t)(DCBZ_BLOCK - 1);
    if (guest_ram_contains(mem, pa, DCBZ_BLOCK)) {
        memset(mem->ram + pa, 0, DCBZ_BLOCK);
        if (__atomic_load_n(&mem->page_code[pa >> GUEST_PAGE_SHIFT], __ATOMIC_ACQUIRE))
            note_code_write(mem, pa);
        else
            tlb_fill(cpu, cpu->tlb_write, ea, pa);
        return true;
    }
    if (guest_mem_find_mmio(mem, pa))
        set_fault(cpu, VEC_ALIGNMENT, ea, 0, 0);
    else
        set_fault(cpu, VEC_MACHINE_CHECK, ea, 0, 0);
    return false;
}

/* dcbst, dcbf and icbi are treated as loads for translation and
 * protection (Book II "Cache Management Instructions"): they may take a DSI, never a machine check.
 */
bool ppc_probe_load(struct ppc_cpu *cpu, uint64_t ea)
{
    uint64_t pa;
    return tlb_probe(cpu->tlb_read, ea, 1) || translate_data(cpu, ea, false, &pa);
}
