/*
 * A PHB in and out of a snapshot (phb.h phb_save, phb_load;
 * vmm/snapshot.h): the MSI translation table, every PE's EEH state, the
 * INTx levels, the TCE table (only the entries in use), and for each
 * plugged function its config space, MSI-X table and pending bits and
 * INTx level.  A device model's own state is its own section
 * (vmm/dev/virtio_pci.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../irq/irq.h"
#include "../vmm/snapshot.h"
#include "function.h"
#include "internal.h"

/* Version 1: the layout phb_save writes. */
#define PHB_STATE_VERSION 1u

#define PE_STATE_BITS                                                                              \
    (PETREL_PE_MMIO_FROZEN | PETREL_PE_DMA_FROZEN | PETREL_PE_RESET | PETREL_PE_PRESENT |          \
     PETREL_PE_EEH_ENABLED)

unsigned phb_state_version(void)
{
    return PHB_STATE_VERSION;
}

void phb_save(struct phb *phb, struct snap_writer *w)
{
    uint32_t n_tce = 0, n_fn = 0;

    phb_lock(phb);
    snap_put_u32(w, phb->index);
    for (unsigned i = 0; i < PETREL_PHB_MSI_COUNT; i++) {
        snap_put_u32(w, phb->msi[i].owner);
        snap_put_u32(w, phb->msi[i].source);
    }
    for (unsigned i = 0; i < PETREL_PHB_PES; i++) {
        const struct phb_pe *p = &phb->pe[i];
        snap_put_u32(w, p->state);
        snap_put_u32(w, p->error);
        snap_put_u32(w, p->errors);
        snap_put_u64(w, p->err_addr);
        snap_put_u32(w, p->trap_op);
        snap_put_u64(w, p->trap_addr);
        snap_put_u64(w, p->trap_mask);
    }
    for (unsigned i = 0; i < 4; i++)
        snap_put_u8(w, phb->lsi[i]);
    snap_put_u64(w, phb->msi_sent);
    snap_put_u64(w, phb->msi_dropped);
    for (unsigned i = 0; i < PHB_TCES; i++)
        n_tce += phb->tce[i] != 0;
    snap_put_u32(w, n_tce);
    for (unsigned i = 0; i < PHB_TCES; i++) {
        if (phb->tce[i]) {
            snap_put_u32(w, i);
            snap_put_u64(w, phb->tce[i]);
        }
    }
    for (unsigned d = 0; d < PHB_FUNCTIONS; d++)
        n_fn += phb->fn[d] != NULL;
    snap_put_u32(w, n_fn);
    for (unsigned d = 0; d < PHB_FUNCTIONS; d++) {
        const struct pci_function *f = phb->fn[d];
        if (!f)
            continue;
        snap_put_u32(w, d);
        snap_put_bytes(w, f->cfg, PCI_CFG_SIZE);
        snap_put_bytes(w, f->msix_table, sizeof(f->msix_table));
        snap_put_u64(w, f->msix_pending);
        snap_put_u32(w, f->status_writes);
        snap_put_u8(w, f->intx_asserted);
    }
    phb_unlock(phb);
}

struct fn_state {
    uint32_t devfn;
    const uint8_t *cfg, *msix_table;
    uint64_t msix_pending;
    uint32_t status_writes;
    uint8_t intx_asserted;
};

static int bad(char *err, size_t errlen, const struct phb *phb, const char *what, unsigned n)
{
    snprintf(err, errlen, "PHB %u: %s (%u)", phb->index, what, n);
    return -1;
}

int phb_load(struct phb *phb, struct snap_reader *r, unsigned version, bool apply, char *err,
             size_t errlen)
{
    struct phb tmp; /* the scalar state, staged */
    struct fn_state fs[PHB_FUNCTIONS];
    uint32_t n_tce, n_fn, last = 0;
    size_t tce_at;
    int ret = -1;

    if (version != PHB_STATE_VERSION) {
        snprintf(err, errlen, "PHB %u: state version %u, this petrel reads %u", phb->index, version,
                 PHB_STATE_VERSION);
        return -1;
    }
    if (snap_get_u32(r) != phb->index)
        return bad(err, errlen, phb, "saved for another PHB index", 0);
    for (unsigned i = 0; i < PETREL_PHB_MSI_COUNT; i++) {
        tmp.msi[i].owner = snap_get_u32(r);
        tmp.msi[i].source = snap_get_u32(r);
        if (tmp.msi[i].owner & ~(PETREL_MSI_VALID | 0xff0000u | 0x7ffu))
            return bad(err, errlen, phb, "MSI entry owner has unknown bits", i);
        if (tmp.msi[i].source && !irq_is_device_source(tmp.msi[i].source))
            return bad(err, errlen, phb, "MSI entry routes to no device source", i);
    }
    for (unsigned i = 0; i < PETREL_PHB_PES; i++) {
        struct phb_pe *p = &tmp.pe[i];
        p->state = snap_get_u32(r);
        p->error = snap_get_u32(r);
        p->errors = snap_get_u32(r);
        p->err_addr = snap_get_u64(r);
        p->trap_op = snap_get_u32(r);
        p->trap_addr = snap_get_u64(r);
        p->trap_mask = snap_get_u64(r);
        if ((p->state & ~PE_STATE_BITS) || p->error > PETREL_PE_ERR_DMA ||
            p->trap_op > PETREL_PE_TRAP_MAX)
            return bad(err, errlen, phb, "PE state out of range at PE", i);
    }
    for (unsigned i = 0; i < 4; i++) {
        uint8_t v = snap_get_u8(r);
        if (v > 1)
            return bad(err, errlen, phb, "INTx level not 0 or 1 at line", i);
        tmp.lsi[i] = v;
    }
    tmp.msi_sent = snap_get_u64(r);
    tmp.msi_dropped = snap_get_u64(r);
    n_tce = snap_get_u32(r);
    if (r->bad || n_tce > PHB_TCES)
        return bad(err, errlen, phb, "TCE count out of range", n_tce);
    tce_at = r->pos;
    for (uint32_t k = 0; k < n_tce; k++) {
        uint32_t i = snap_get_u32(r);
        uint64_t v = snap_get_u64(r);
        if (r->bad)
            return bad(err, errlen, phb, "truncated in the TCE table", k);
        if (i >= PHB_TCES || (k && i <= last) || !v)
            return bad(err, errlen, phb, "TCE entry out of range or out of order", i);
        last = i;
    }
    n_fn = snap_get_u32(r);
    if (r->bad || n_fn > PHB_FUNCTIONS)
        return bad(err, errlen, phb, "function count out of range", n_fn);
    for (uint32_t k = 0; k < n_fn; k++) {
        struct fn_state *f = &fs[k];
        f->devfn = snap_get_u32(r);
        f->cfg = snap_get_span(r, PCI_CFG_SIZE);
        f->msix_table = snap_get_span(r, PCI_MSIX_MAX * PCI_MSIX_ENTRY_SIZE);
        f->msix_pending = snap_get_u64(r);
        f->status_writes = snap_get_u32(r);
        f->intx_asserted = snap_get_u8(r);
        if (r->bad)
            return bad(err, errlen, phb, "truncated in function", k);
        if (f->devfn >= PHB_FUNCTIONS || !phb->fn[f->devfn] || (k && f->devfn <= fs[k - 1].devfn))
            return bad(err, errlen, phb, "function not plugged in this machine at devfn", f->devfn);
        if (f->intx_asserted > 1)
            return bad(err, errlen, phb, "INTx level not 0 or 1 at devfn", f->devfn);
        /* The header's read-only identity must be this function's. */
        if (memcmp(f->cfg, phb->fn[f->devfn]->cfg, 4) ||
            memcmp(f->cfg + 8, phb->fn[f->devfn]->cfg + 8, 4))
            return bad(err, errlen, phb, "another device at devfn", f->devfn);
    }
    for (unsigned d = 0, k = 0; d < PHB_FUNCTIONS; d++)
        if (phb->fn[d] && (k >= n_fn || fs[k++].devfn != d))
            return bad(err, errlen, phb, "no saved state for the function at devfn", d);
    if (!snap_reader_done(r))
        return bad(err, errlen, phb, "state length does not match version", version);
    ret = 0;
    if (!apply)
        return ret;

    phb_lock(phb);
    memcpy(phb->msi, tmp.msi, sizeof(phb->msi));
    memcpy(phb->pe, tmp.pe, sizeof(phb->pe));
    memcpy(phb->lsi, tmp.lsi, sizeof(phb->lsi));
    phb->msi_sent = tmp.msi_sent;
    phb->msi_dropped = tmp.msi_dropped;
    memset(phb->tce, 0, PHB_TCES * sizeof(phb->tce[0]));
    {
        struct snap_reader t = {r->p, r->len, tce_at, false};
        for (uint32_t k = 0; k < n_tce; k++) {
            uint32_t i = snap_get_u32(&t);
            phb->tce[i] = snap_get_u64(&t);
        }
    }
    for (uint32_t k = 0; k < n_fn; k++) {
        struct pci_function *f = phb->fn[fs[k].devfn];
        memcpy(f->cfg, fs[k].cfg, PCI_CFG_SIZE);
        memcpy(f->msix_table, fs[k].msix_table, sizeof(f->msix_table));
        f->msix_pending = fs[k].msix_pending;
        f->status_writes = fs[k].status_writes;
        f->intx_asserted = fs[k].intx_asserted;
    }
    phb_unlock(phb);
    return ret;
}
