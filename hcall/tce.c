/*
 * The TCE hcalls (LoPAPR 14.5.4.2, spec/hcalls.md §3.5): the OS maps its
 * DMA window, 4 KiB I/O page by page, for the PHB the LIOBN names
 * (include/petrel/pci.h, pci/dma.c).  An unknown LIOBN, an IOBA outside
 * the window or not page aligned, a TCE with undefined bits or naming
 * memory outside RAM is H_PARAMETER; the multi-TCE calls check every entry
 * before changing any, so a failed call changes nothing.
 */
#include <petrel/papr.h>
#include <petrel/pci.h>

#include "../pci/phb.h"
#include "../vmm/machine.h"
#include "../vmm/memory.h"
#include "hcall.h"

#define TCE_PAGE     (1ull << PETREL_TCE_PAGE_SHIFT)
#define TCE_LIST_MAX 512u /* one 4 KiB page of TCEs */

/* The window's page range [ioba, ioba + count pages) must lie inside it. */
static bool window_ok(uint64_t ioba, uint64_t count)
{
    return !(ioba & (TCE_PAGE - 1)) && ioba < PETREL_PHB_DMA_SIZE &&
           count <= (PETREL_PHB_DMA_SIZE - ioba) >> PETREL_TCE_PAGE_SHIFT;
}

static bool tce_ok(struct machine *m, uint64_t tce)
{
    if (tce & (TCE_PAGE - 1) & ~(PETREL_TCE_READ | PETREL_TCE_WRITE))
        return false;
    return !(tce & (PETREL_TCE_READ | PETREL_TCE_WRITE)) ||
           guest_ram_contains(machine_mem(m), tce & ~(TCE_PAGE - 1), TCE_PAGE);
}

/* r4 LIOBN, r5 IOBA, r6 TCE. */
int64_t h_put_tce(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct phb *phb = machine_phb_by_liobn(env->machine, args[0]);

    (void)out;
    if (!phb)
        return H_PARAMETER;
    return phb_put_tce(phb, args[1], args[2]);
}

/* r4 LIOBN, r5 IOBA; r4 out: the TCE. */
int64_t h_get_tce(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct phb *phb = machine_phb_by_liobn(env->machine, args[0]);

    if (!phb)
        return H_PARAMETER;
    return phb_get_tce(phb, args[1], &out[0]);
}

/* r4 LIOBN, r5 IOBA, r6 TCE value, r7 count: count entries get the value. */
int64_t h_stuff_tce(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct phb *phb = machine_phb_by_liobn(env->machine, args[0]);

    (void)out;
    if (!phb || !window_ok(args[1], args[3]) || !tce_ok(env->machine, args[2]))
        return H_PARAMETER;
    for (uint64_t i = 0; i < args[3]; i++)
        phb_put_tce(phb, args[1] + i * TCE_PAGE, args[2]);
    return H_SUCCESS;
}

/* r4 LIOBN, r5 IOBA, r6 real address of a 4 KiB-aligned list of big-endian
 * TCEs, r7 count (<= 512). */
int64_t h_put_tce_indirect(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct phb *phb = machine_phb_by_liobn(env->machine, args[0]);
    struct guest_mem *mem = machine_mem(env->machine);
    uint64_t list = args[2], count = args[3], tce[TCE_LIST_MAX];

    (void)out;
    if (!phb || !window_ok(args[1], count) || count > TCE_LIST_MAX)
        return H_PARAMETER;
    if ((list & (TCE_PAGE - 1)) || !guest_ram_contains(mem, list, count * 8))
        return H_PARAMETER;
    /* Copied once, then checked: the guest may change the list meanwhile. */
    for (uint64_t i = 0; i < count; i++) {
        const uint8_t *p = mem->ram + list + 8 * i;
        tce[i] = 0;
        for (unsigned b = 0; b < 8; b++)
            tce[i] = tce[i] << 8 | p[b];
        if (!tce_ok(env->machine, tce[i]))
            return H_PARAMETER;
    }
    for (uint64_t i = 0; i < count; i++)
        phb_put_tce(phb, args[1] + i * TCE_PAGE, tce[i]);
    return H_SUCCESS;
}
