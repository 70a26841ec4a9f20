/*
 * The machine's CAS offer (spec/cas.md §3, spec/irq.md §4).
 */
#include <string.h>

#include "offer.h"

static bool stringlist_has(const char *list, int len, const char *s)
{
    size_t n = strlen(s) + 1;

    for (int at = 0; list && at < len;) {
        size_t l = strnlen(list + at, (size_t)(len - at)) + 1;
        if (l == n && !memcmp(list + at, s, n))
            return true;
        at += (int)l;
    }
    return false;
}

/*
 * Below ISA 3.00 there is neither XIVE nor radix: such a machine offers
 * XICS and hash only, whatever ic-mode says (irq.md §4).  At ISA 3.00:
 * the controllers ic-mode names; radix always, hash as well only when
 * the host serves the hash MMU hcalls (hcall-pft), since a hash guest
 * cannot run without H_ENTER & co.; GTSE always (the guest's own tlbie).
 */
const char *offer_make(const struct hw_facts *hw, struct cas_offer *o)
{
    struct cpu_plan plan;
    const char *why = cpu_plan_make(hw, &plan);
    bool isa300;

    memset(o, 0, sizeof(*o));
    if (why)
        return why;
    o->level = plan.level;
    isa300 = plan.level >= LEVEL_300;
    o->xics = !isa300 || hw->ic_mode != HW_IC_XIVE;
    o->xive = isa300 && hw->ic_mode != HW_IC_XICS;
    o->radix = isa300 && plan.model->radix_ap;
    o->hash = !o->radix || stringlist_has(hw->hypertas, hw->hypertas_len, "hcall-pft");
    o->gtse = true;
    return NULL;
}

/* Linux reads at most four pairs and acts on bytes 23, 24 and 26. */
void offer_pairs(const struct cas_offer *o, uint8_t pairs[OFFER_PAIRS_LEN])
{
    pairs[0] = OV5_INTC;
    pairs[1] = o->xics && o->xive ? OV5_INTC_BOTH : o->xive ? OV5_INTC_XIVE : 0x00;
    pairs[2] = OV5_MMU;
    pairs[3] = o->hash && o->radix ? OV5_MMU_BOTH : o->radix ? OV5_MMU_RADIX : 0x00;
    pairs[4] = OV5_HASH_OPTS;
    pairs[5] = 0x00;
    pairs[6] = OV5_RADIX_OPTS;
    pairs[7] = o->gtse ? OV5_RADIX_GTSE : 0x00;
}
