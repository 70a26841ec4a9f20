/*
 * Data and instruction address translation for the interpreter, and the
 * slow paths of loads and stores: soft-TLB fills, accesses that cross a
 * page, MMIO, stores into pages holding decoded code, and faults.
 *
 * Translation is real mode only at this stage: EA bits 0:3 are ignored
 * (spec/cpu.md §3.1.2) and the result is a guest physical address.  With
 * MSR[IR]/[DR] set there is no MMU yet, so every access faults as "no
 * translation" (the radix and hash MMUs replace this).  An access to a
 * physical address backed by neither RAM nor a device is a machine check.
 */
#include <string.h>

#include "../../memory.h"
#include "codecache.h"
#include "exec.h"
#include "ppc.h"

#define REAL_ADDR_MASK 0x0fffffffffffffffull

void ppc_tlb_flush_write(struct ppc_cpu *cpu)
{
    for (unsigned i = 0; i < TLB_SIZE; i++)
        cpu->tlb_write[i].tag = TLB_INVALID;
}

void ppc_tlb_flush(struct ppc_cpu *cpu)
{
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        cpu->tlb_read[i].tag = TLB_INVALID;
        cpu->tlb_write[i].tag = TLB_INVALID;
        cpu->tlb_exec[i].tag = TLB_INVALID;
        cpu->tlb_exec[i].page = NULL;
    }
}

static void set_fault(struct ppc_cpu *cpu, unsigned vector, uint64_t dar, uint32_t dsisr,
                      uint64_t srr1_bits)
{
    cpu->fault.vector = vector;
    cpu->fault.dar = dar;
    cpu->fault.dsisr = dsisr;
    cpu->fault.srr1_bits = srr1_bits;
}

static bool translate_data(struct ppc_cpu *cpu, uint64_t ea, bool store, uint64_t *pa)
{
    if (cpu->msr & MSR_DR) {
        set_fault(cpu, VEC_DSI, ea, DSISR_NOPTE | (store ? DSISR_STORE : 0), 0);
        return false;
    }
    *pa = ea & REAL_ADDR_MASK;
    return true;
}

struct itlb_entry *ppc_itlb_fill(struct ppc_cpu *cpu, uint64_t ea)
{
    struct itlb_entry *it = &cpu->tlb_exec[(ea >> 12) & (TLB_SIZE - 1)];
    struct code_page *page;
    uint64_t pa;
    int flushed, new_code;

    if (cpu->msr & MSR_IR) {
        set_fault(cpu, VEC_ISI, 0, 0, 0x40000000ull);
        return NULL;
    }
    pa = ea & REAL_ADDR_MASK;
    if (!guest_ram_contains(cpu->mem, pa & ~0xfffull, GUEST_PAGE_SIZE)) {
        /* Instruction fetch from no memory: machine check (Book III 7.5.2). */
        set_fault(cpu, VEC_MACHINE_CHECK, ea, 0, 0);
        return NULL;
    }
    page = code_cache_get(cpu->cc, pa & ~0xfffull, cpu->le, &flushed, &new_code);
    if (!page) {
        set_fault(cpu, VEC_MACHINE_CHECK, ea, 0, 0);
        return NULL;
    }
    if (flushed) {
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            cpu->tlb_exec[i].tag = TLB_INVALID;
            cpu->tlb_exec[i].page = NULL;
        }
    }
    if (new_code)
        ppc_tlb_flush_write(cpu); /* stores to this page must now be seen */
    it->tag = ea & ~0xfffull;
    it->pa = pa & ~0xfffull;
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

/* One access contained in a page. */
static bool load_in_page(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *val)
{
    struct guest_mem *mem = cpu->mem;
    const struct mmio_region *r;
    uint64_t pa;

    if (!translate_data(cpu, ea, false, &pa))
        return false;
    if (guest_ram_contains(mem, pa, size)) {
        struct tlb_entry *e = &cpu->tlb_read[(ea >> 12) & (TLB_SIZE - 1)];
        const uint8_t *h = mem->ram + pa;
        e->tag = ea & ~0xfffull;
        e->addend = (uintptr_t)(mem->ram + (pa & ~0xfffull)) - (uintptr_t)(ea & ~0xfffull);
        switch (size) {
        case 1: *val = host_load1(h, cpu->le); break;
        case 2: *val = host_load2(h, cpu->le); break;
        case 4: *val = host_load4(h, cpu->le); break;
        default: *val = host_load8(h, cpu->le); break;
        }
        return true;
    }
    r = guest_mem_find_mmio(mem, pa);
    if (r && pa - r->base <= r->size - size) {
        uint64_t v = r->ops->read ? r->ops->read(r->opaque, pa - r->base, size) : 0;
        *val = cpu->le ? bswap_size(v, size) : v;
        return true;
    }
    set_fault(cpu, VEC_MACHINE_CHECK, ea, 0, 0);
    return false;
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
        if (__atomic_load_n(&mem->page_code[pfn], __ATOMIC_ACQUIRE)) {
            /* Decoded code lives here: stay on the slow path, bump the page. */
            __atomic_add_fetch(&mem->page_gen[pfn], 1, __ATOMIC_RELEASE);
        } else {
            struct tlb_entry *e = &cpu->tlb_write[(ea >> 12) & (TLB_SIZE - 1)];
            e->tag = ea & ~0xfffull;
            e->addend = (uintptr_t)(mem->ram + (pa & ~0xfffull)) - (uintptr_t)(ea & ~0xfffull);
        }
        return true;
    }
    r = guest_mem_find_mmio(mem, pa);
    if (r && pa - r->base <= r->size - size) {
        if (r->ops->write)
            r->ops->write(r->opaque, pa - r->base, size, cpu->le ? bswap_size(val, size) : val);
        return true;
    }
    set_fault(cpu, VEC_MACHINE_CHECK, ea, 0, 0);
    return false;
}

bool ppc_load_slow(struct ppc_cpu *cpu, uint64_t ea, unsigned size, uint64_t *val)
{
    uint8_t bytes[8];
    uint64_t b, v = 0;

    if ((ea & 0xfff) + size <= 0x1000)
        return load_in_page(cpu, ea, size, val);
    /* Crosses a page: byte by byte, each translated on its own. */
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
    uint64_t pa;

    if ((ea & 0xfff) + size <= 0x1000)
        return store_in_page(cpu, ea, size, val);
    /* Crosses a page: check both pages translate before storing anything. */
    for (unsigned i = 0; i < size; i += size - 1)
        if (!translate_data(cpu, (ea + i) & cpu->ea_mask, true, &pa))
            return false;
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = cpu->le ? 8 * i : 8 * (size - 1 - i);
        if (!store_in_page(cpu, (ea + i) & cpu->ea_mask, 1, (val >> shift) & 0xff))
            return false;
    }
    return true;
}
