/*
 * The hashed page table and the hcalls that edit it (LoPAPR 14.5.4.1;
 * spec/hcalls.md §3.4, cpu.md §3.2): H_ENTER, H_REMOVE, H_READ,
 * H_PROTECT, H_BULK_REMOVE, H_CLEAR_REF, H_CLEAR_MOD, and the firmware's
 * PETREL_H_ALLOC_HPT.  The HPT is the machine's (vmm/machine.h), in host
 * memory the guest reaches only through these calls; HPTEs are big-endian
 * (vmm/cpu/hpte.h).  ptex = PTEG number x 8 + slot.
 *
 * Edits are serialised by one lock; the vCPUs' walks read without it, so
 * an entry becomes valid last (dword 1, then dword 0 with V) and invalid
 * first, and every removal or protection change drops the translations
 * cached on every vCPU before the hcall returns (the backend's
 * flush_translations).  HPT resizing (hcall-hpt-resize) is not offered.
 */
#include <pthread.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "../vmm/cpu/cpu.h"
#include "../vmm/cpu/hpte.h"
#include "../vmm/machine.h"
#include "../vmm/memory.h"
#include "hcall.h"

#define H_EXACT   (1ull << 39) /* H_ENTER: exactly this slot (LoPAPR bit 24) */
#define H_AVPN    (1ull << 31) /* compare the AVPN (bit 32) */
#define H_ANDCOND (1ull << 30) /* fail if dword 0 AND the mask is non-zero (bit 33) */
#define H_READ_4  (1ull << 37) /* H_READ: four entries (bit 26) */

/* H_PROTECT's flags: PP0 at bit 55 of dword 1 comes from bit 8 of the flags. */
#define PROTECT_PP0_SHIFT    55
#define PROTECT_KEY_HI_SHIFT 48

/* H_BULK_REMOVE's control words (LoPAPR 14.5.4.1.5). */
#define BULK_TYPE        0xc000000000000000ull
#define BULK_REQUEST     0x4000000000000000ull
#define BULK_RESPONSE    0x8000000000000000ull
#define BULK_END         0xc000000000000000ull
#define BULK_CODE_SHIFT  60
#define BULK_RC_SHIFT    51 /* R, C (dword 1 bits 0x180) -> bits 59, 58 */
#define BULK_FLAGS       0x0300000000000000ull
#define BULK_ANDCOND     0x0100000000000000ull
#define BULK_AVPN        0x0200000000000000ull
#define BULK_FLAGS_SHIFT 26 /* -> H_AVPN / H_ANDCOND */
#define BULK_PTEX        0x00ffffffffffffffull
#define BULK_MAX         4

static pthread_mutex_t hpt_lock = PTHREAD_MUTEX_INITIALIZER;

/* r4 = log2 of the HPT's size in bytes. */
int64_t h_petrel_alloc_hpt(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    uint64_t shift = args[0];
    unsigned max = petrel_hpt_shift_for_ram(machine_mem(env->machine)->ram_size) + 1;

    (void)out;
    if (shift < PETREL_HPT_SHIFT_MIN || shift > max)
        return H_PARAMETER;
    if (machine_alloc_hpt(env->machine, (unsigned)shift) != 0) {
        struct cpu_mmu mmu;
        machine_mmu(env->machine, &mmu, NULL);
        return mmu.hpt ? H_PARAMETER : H_NO_MEM;
    }
    return H_SUCCESS;
}

struct hpt {
    uint8_t *base;
    uint64_t entries;
};

static bool get_hpt(struct hcall_env *env, struct hpt *h)
{
    struct cpu_mmu mmu;

    machine_mmu(env->machine, &mmu, NULL);
    h->base = mmu.hpt;
    h->entries = mmu.hpt ? 1ull << (mmu.hpt_shift - 4) : 0;
    return h->base != NULL;
}

static uint64_t *dword(const struct hpt *h, uint64_t ptex, unsigned n)
{
    return (uint64_t *)(h->base + ptex * HPTE_BYTES + 8 * n);
}

static uint64_t hpte_get(const struct hpt *h, uint64_t ptex, unsigned n)
{
    return __builtin_bswap64(__atomic_load_n(dword(h, ptex, n), __ATOMIC_ACQUIRE));
}

static void hpte_set(const struct hpt *h, uint64_t ptex, unsigned n, uint64_t v)
{
    __atomic_store_n(dword(h, ptex, n), __builtin_bswap64(v), __ATOMIC_RELEASE);
}

static void flush_all(struct hcall_env *env)
{
    const struct cpu_backend *be = machine_backend(env->machine);

    be->flush_translations(machine_cpu(env->machine, env->vcpu));
}

/*
 * r4 = flags, r5 = ptex, r6 = dword 0, r7 = dword 1 -> r4 = ptex used.
 * The entry must encode a page size petrel offers, and its real address
 * be RAM mapped memory-coherent only (WIMG = M) or else I/O mapped
 * caching-inhibited (I, or I and M).  Without H_EXACT the first free slot
 * of the group.  The software lock bits 0x60 of dword 0 are cleared.
 */
int64_t h_enter(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    uint64_t flags = args[0], ptex = args[1], v = args[2] & ~0x60ull, r = args[3], ra;
    unsigned shift = hpte_page_shift(0, v, r), slot;
    struct hpt h;

    if (!get_hpt(env, &h) || !shift || ptex >= h.entries)
        return H_PARAMETER;
    ra = r & HPTE_R_RPN & ~((1ull << shift) - 1);
    if (guest_ram_contains(machine_mem(env->machine), ra, 1)) {
        if ((r & HPTE_R_WIMG) != HPTE_R_M)
            return H_PARAMETER;
    } else {
        uint64_t wim = r & (HPTE_R_W | HPTE_R_I | HPTE_R_M);
        if (wim != HPTE_R_I && wim != (HPTE_R_I | HPTE_R_M))
            return H_PARAMETER;
    }
    pthread_mutex_lock(&hpt_lock);
    if (flags & H_EXACT) {
        slot = ptex & 7;
        if (hpte_get(&h, ptex, 0) & HPTE_V_V)
            slot = HPTES_PER_GROUP;
    } else {
        for (slot = 0; slot < HPTES_PER_GROUP; slot++)
            if (!(hpte_get(&h, (ptex & ~7ull) + slot, 0) & HPTE_V_V))
                break;
    }
    if (slot == HPTES_PER_GROUP) {
        pthread_mutex_unlock(&hpt_lock);
        return H_PTEG_FULL;
    }
    ptex = (ptex & ~7ull) + slot;
    hpte_set(&h, ptex, 1, r);
    hpte_set(&h, ptex, 0, v);
    pthread_mutex_unlock(&hpt_lock);
    out[0] = ptex;
    return H_SUCCESS;
}

enum remove_result { REMOVED, NOT_FOUND, BAD_PARAMETER };

/* Under hpt_lock; the caller flushes. */
static enum remove_result remove_one(const struct hpt *h, uint64_t ptex, uint64_t avpn,
                                     uint64_t flags, uint64_t *v, uint64_t *r)
{
    if (ptex >= h->entries)
        return BAD_PARAMETER;
    *v = hpte_get(h, ptex, 0);
    *r = hpte_get(h, ptex, 1);
    if (!(*v & HPTE_V_V) || ((flags & H_AVPN) && (*v & ~0x7full) != avpn) ||
        ((flags & H_ANDCOND) && (*v & avpn)))
        return NOT_FOUND;
    hpte_set(h, ptex, 0, 0);
    return REMOVED;
}

/* r4 = flags (H_AVPN, H_ANDCOND), r5 = ptex, r6 = AVPN or mask -> r4, r5 = old entry. */
int64_t h_remove(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct hpt h;
    enum remove_result res;

    if (!get_hpt(env, &h))
        return H_PARAMETER;
    pthread_mutex_lock(&hpt_lock);
    res = remove_one(&h, args[1], args[2], args[0], &out[0], &out[1]);
    pthread_mutex_unlock(&hpt_lock);
    switch (res) {
    case REMOVED: flush_all(env); return H_SUCCESS;
    case NOT_FOUND: out[0] = out[1] = 0; return H_NOT_FOUND;
    default: return H_PARAMETER;
    }
}

/*
 * r4..r11 = up to four (control, AVPN) pairs, ended early by an END
 * control word.  Each control word comes back as a response with its
 * status and the removed entry's R and C; a bad request stops the batch
 * with H_PARAMETER.
 */
int64_t h_bulk_remove(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    int64_t ret = H_SUCCESS;
    bool removed = false;
    struct hpt h;

    for (unsigned i = 0; i < 2 * BULK_MAX; i++)
        out[i] = args[i];
    if (!get_hpt(env, &h))
        return H_PARAMETER;
    pthread_mutex_lock(&hpt_lock);
    for (unsigned i = 0; i < BULK_MAX; i++) {
        uint64_t ctl = args[2 * i], v, r, resp;
        enum remove_result res;

        if ((ctl & BULK_TYPE) == BULK_END)
            break;
        if ((ctl & BULK_TYPE) != BULK_REQUEST) {
            ret = H_PARAMETER;
            break;
        }
        resp = (ctl & (BULK_PTEX | BULK_FLAGS)) | BULK_RESPONSE;
        if ((ctl & BULK_ANDCOND) && (ctl & BULK_AVPN)) {
            out[2 * i] = resp | (uint64_t)BAD_PARAMETER << BULK_CODE_SHIFT;
            ret = H_PARAMETER;
            break;
        }
        res = remove_one(&h, ctl & BULK_PTEX, args[2 * i + 1],
                         (ctl & BULK_FLAGS) >> BULK_FLAGS_SHIFT, &v, &r);
        resp |= (uint64_t)res << BULK_CODE_SHIFT;
        if (res == REMOVED) {
            resp |= (r & (HPTE_R_R | HPTE_R_C)) << BULK_RC_SHIFT;
            removed = true;
        }
        out[2 * i] = resp;
        if (res == BAD_PARAMETER) {
            ret = H_PARAMETER;
            break;
        }
    }
    pthread_mutex_unlock(&hpt_lock);
    if (removed)
        flush_all(env);
    return ret;
}

/* r4 = flags (H_READ_4), r5 = ptex -> r4, r5 (or r4..r11) = the entries. */
int64_t h_read(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    uint64_t ptex = args[1];
    unsigned n = 1;
    struct hpt h;

    if (!get_hpt(env, &h) || ptex >= h.entries)
        return H_PARAMETER;
    if (args[0] & H_READ_4) {
        ptex &= ~3ull;
        n = 4;
    }
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = hpte_get(&h, ptex + i, 0);
        out[2 * i + 1] = hpte_get(&h, ptex + i, 1);
    }
    return H_SUCCESS;
}

/*
 * r4 = flags: the new PP (bits 62:63), N (bit 61), key (bits 52:54 as in
 * dword 1, its high two bits from flag bits 12:13), PP0 (flag bit 8), and
 * H_AVPN; r5 = ptex, r6 = AVPN.  The entry is invalid while it changes
 * and the stale translations go before it is valid again.
 */
int64_t h_protect(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    uint64_t flags = args[0], ptex = args[1], avpn = args[2], v, r;
    struct hpt h;

    (void)out;
    if (!get_hpt(env, &h) || ptex >= h.entries)
        return H_PARAMETER;
    pthread_mutex_lock(&hpt_lock);
    v = hpte_get(&h, ptex, 0);
    r = hpte_get(&h, ptex, 1);
    if (!(v & HPTE_V_V) || ((flags & H_AVPN) && (v & ~0x7full) != avpn)) {
        pthread_mutex_unlock(&hpt_lock);
        return H_NOT_FOUND;
    }
    r &= ~(HPTE_R_PP0 | HPTE_R_PP | HPTE_R_N | HPTE_R_KEY_HI | HPTE_R_KEY_LO);
    r |= (flags << PROTECT_PP0_SHIFT) & HPTE_R_PP0;
    r |= (flags << PROTECT_KEY_HI_SHIFT) & HPTE_R_KEY_HI;
    r |= flags & (HPTE_R_PP | HPTE_R_N | HPTE_R_KEY_LO);
    hpte_set(&h, ptex, 0, v & ~HPTE_V_V);
    flush_all(env);
    hpte_set(&h, ptex, 1, r);
    hpte_set(&h, ptex, 0, v);
    pthread_mutex_unlock(&hpt_lock);
    return H_SUCCESS;
}

/* H_CLEAR_REF / H_CLEAR_MOD: r4 = flags (none defined), r5 = ptex ->
 * r4 = the old dword 1; R or C cleared, and cached translations dropped
 * so that the next access or store sets it again. */
static int64_t clear_bit(struct hcall_env *env, const uint64_t args[9], uint64_t out[9],
                         uint64_t bit)
{
    uint64_t ptex = args[1], v, r;
    struct hpt h;

    if (args[0] || !get_hpt(env, &h) || ptex >= h.entries)
        return H_PARAMETER;
    pthread_mutex_lock(&hpt_lock);
    v = hpte_get(&h, ptex, 0);
    if (!(v & HPTE_V_V)) {
        pthread_mutex_unlock(&hpt_lock);
        return H_NOT_FOUND;
    }
    /* A walk may set R or C meanwhile: only this bit changes. */
    r = __builtin_bswap64(
        __atomic_fetch_and(dword(&h, ptex, 1), ~__builtin_bswap64(bit), __ATOMIC_ACQ_REL));
    pthread_mutex_unlock(&hpt_lock);
    out[0] = r;
    if (r & bit)
        flush_all(env);
    return H_SUCCESS;
}

int64_t h_clear_ref(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    return clear_bit(env, args, out, HPTE_R_R);
}

int64_t h_clear_mod(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    return clear_bit(env, args, out, HPTE_R_C);
}
