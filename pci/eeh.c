/*
 * EEH state of the PHB's PEs (include/petrel/pci.h, spec/rtas.md §7,
 * LoPAPR 7.3.15): one PE per device number.  An error -- a DMA the TCE
 * table does not allow, a message the translation table does not, an
 * injected one -- is recorded in the PE's error log and, when the OS
 * enabled EEH on the PE, freezes it: its MMIO and config loads return all
 * ones, its stores, DMA and MSIs are dropped, until the OS thaws it or
 * resets the slot.  A slot reset returns its functions to power-on state
 * and frees their MSI entries, so every interrupt route is rebuilt by the
 * OS's next ibm,change-msi (rtas.md §7.3, §9 (e)).
 */
#include <petrel/pci.h>

#include "../vmm/trace.h"
#include "function.h"
#include "internal.h"
#include "phb.h"

/* -trace eeh: the PE's state after an event (pci.h PETREL_PE_*). */
static void trace_pe(const struct phb *phb, unsigned pe, const char *what)
{
    if (trace_on(PETREL_TRACE_EEH))
        trace_printf(PETREL_TRACE_EEH, -1, "phb%u PE %u: %s -> state 0x%x, %u errors", phb->index,
                     pe, what, phb->pe[pe].state, phb->pe[pe].errors);
}

bool phb_pe_mmio_ok(const struct phb *phb, unsigned pe)
{
    return !(phb->pe[pe].state & (PETREL_PE_MMIO_FROZEN | PETREL_PE_RESET));
}

bool phb_pe_dma_ok(const struct phb *phb, unsigned pe)
{
    return !(phb->pe[pe].state & (PETREL_PE_DMA_FROZEN | PETREL_PE_RESET));
}

void phb_pe_error(struct phb *phb, unsigned pe, uint32_t kind, uint64_t addr)
{
    struct phb_pe *p = &phb->pe[pe];

    if (!p->errors) {
        p->error = kind;
        p->err_addr = addr;
    }
    p->errors++;
    if (p->state & PETREL_PE_EEH_ENABLED)
        p->state |= PETREL_PE_MMIO_FROZEN | PETREL_PE_DMA_FROZEN;
    if (trace_on(PETREL_TRACE_EEH))
        trace_printf(PETREL_TRACE_EEH, -1, "phb%u PE %u: %s error at 0x%llx -> %s, state 0x%x",
                     phb->index, pe, kind == PETREL_PE_ERR_MMIO ? "MMIO" : "DMA",
                     (unsigned long long)addr,
                     (p->state & PETREL_PE_EEH_ENABLED) ? "frozen" : "logged (EEH off)", p->state);
}

bool phb_pe_trap(struct phb *phb, unsigned pe, uint32_t op, uint64_t addr)
{
    struct phb_pe *p = &phb->pe[pe];

    if (p->trap_op != op || ((addr ^ p->trap_addr) & p->trap_mask))
        return false;
    p->trap_op = PETREL_PE_TRAP_NONE;
    phb_pe_error(phb, pe,
                 op == PETREL_PE_TRAP_DMA_READ || op == PETREL_PE_TRAP_DMA_WRITE
                     ? PETREL_PE_ERR_DMA
                     : PETREL_PE_ERR_MMIO,
                 addr);
    return true;
}

void phb_reset_functions(struct phb *phb, int pe)
{
    for (unsigned d = 0; d < PHB_FUNCTIONS; d++) {
        struct pci_function *f = phb->fn[d];
        if (!f || (pe >= 0 && phb_pe_of(d) != (unsigned)pe))
            continue;
        pci_function_reset_config(f);
        if (f->reset)
            f->reset(f->opaque);
    }
    msi_free_pe(phb, pe);
    phb_update_intx(phb);
}

uint32_t eeh_reg_read(struct phb *phb, unsigned pe, unsigned reg)
{
    const struct phb_pe *p = &phb->pe[pe];

    switch (reg) {
    case PETREL_PE_STATE: return p->state;
    case PETREL_PE_ERROR: return p->error;
    case PETREL_PE_ERRORS: return p->errors;
    case PETREL_PE_ERR_ADDR_HI: return (uint32_t)(p->err_addr >> 32);
    case PETREL_PE_ERR_ADDR_LO: return (uint32_t)p->err_addr;
    case PETREL_PE_TRAP_OP: return p->trap_op;
    case PETREL_PE_TRAP_ADDR_HI: return (uint32_t)(p->trap_addr >> 32);
    case PETREL_PE_TRAP_ADDR_LO: return (uint32_t)p->trap_addr;
    case PETREL_PE_TRAP_MASK_HI: return (uint32_t)(p->trap_mask >> 32);
    case PETREL_PE_TRAP_MASK_LO: return (uint32_t)p->trap_mask;
    default: return 0;
    }
}

static const char *const control_names[] = {
    [PETREL_PE_CTL_ENABLE] = "enable",
    [PETREL_PE_CTL_DISABLE] = "disable",
    [PETREL_PE_CTL_THAW_MMIO] = "thaw MMIO",
    [PETREL_PE_CTL_THAW_DMA] = "thaw DMA",
    [PETREL_PE_CTL_RESET] = "reset",
    [PETREL_PE_CTL_UNRESET] = "release reset",
    [PETREL_PE_CTL_CLEAR_ERROR] = "clear error",
};

static void control(struct phb *phb, unsigned pe, uint32_t cmd)
{
    struct phb_pe *p = &phb->pe[pe];

    switch (cmd) {
    case PETREL_PE_CTL_ENABLE: p->state |= PETREL_PE_EEH_ENABLED; break;
    case PETREL_PE_CTL_DISABLE:
        p->state &= ~(PETREL_PE_EEH_ENABLED | PETREL_PE_MMIO_FROZEN | PETREL_PE_DMA_FROZEN);
        break;
    case PETREL_PE_CTL_THAW_MMIO: p->state &= ~PETREL_PE_MMIO_FROZEN; break;
    case PETREL_PE_CTL_THAW_DMA: p->state &= ~PETREL_PE_DMA_FROZEN; break;
    case PETREL_PE_CTL_RESET:
        /* Held in reset the PE answers nothing; its functions lose all
         * state, MSI programming and routes included. */
        p->state |= PETREL_PE_RESET;
        p->trap_op = PETREL_PE_TRAP_NONE;
        phb_reset_functions(phb, (int)pe);
        break;
    case PETREL_PE_CTL_UNRESET:
        if (p->state & PETREL_PE_RESET)
            p->state &= ~(PETREL_PE_RESET | PETREL_PE_MMIO_FROZEN | PETREL_PE_DMA_FROZEN);
        break;
    case PETREL_PE_CTL_CLEAR_ERROR:
        p->error = PETREL_PE_ERR_NONE;
        p->errors = 0;
        p->err_addr = 0;
        break;
    default: return;
    }
    if (cmd < sizeof(control_names) / sizeof(control_names[0]) && control_names[cmd])
        trace_pe(phb, pe, control_names[cmd]);
}

static const char *const trap_names[] = {
    [PETREL_PE_TRAP_NONE] = "disarmed",
    [PETREL_PE_TRAP_LOAD_MEM] = "armed: MMIO load",
    [PETREL_PE_TRAP_STORE_MEM] = "armed: MMIO store",
    [PETREL_PE_TRAP_LOAD_CFG] = "armed: config read",
    [PETREL_PE_TRAP_STORE_CFG] = "armed: config write",
    [PETREL_PE_TRAP_DMA_READ] = "armed: DMA read",
    [PETREL_PE_TRAP_DMA_WRITE] = "armed: DMA write",
};

void eeh_reg_write(struct phb *phb, unsigned pe, unsigned reg, uint32_t value)
{
    struct phb_pe *p = &phb->pe[pe];

    if (!(p->state & PETREL_PE_PRESENT))
        return;
    switch (reg) {
    case PETREL_PE_CONTROL: control(phb, pe, value); break;
    case PETREL_PE_INJECT:
        if (value == PETREL_PE_ERR_MMIO || value == PETREL_PE_ERR_DMA)
            phb_pe_error(phb, pe, value, 0);
        break;
    case PETREL_PE_TRAP_OP:
        /* An unknown kind is ignored: the trap stays as it was. */
        if (value <= PETREL_PE_TRAP_MAX) {
            p->trap_op = value;
            trace_pe(phb, pe, trap_names[value]);
        }
        break;
    case PETREL_PE_TRAP_ADDR_HI:
        p->trap_addr = (uint64_t)value << 32 | (uint32_t)p->trap_addr;
        break;
    case PETREL_PE_TRAP_ADDR_LO: p->trap_addr = (p->trap_addr & ~0xffffffffull) | value; break;
    case PETREL_PE_TRAP_MASK_HI:
        p->trap_mask = (uint64_t)value << 32 | (uint32_t)p->trap_mask;
        break;
    case PETREL_PE_TRAP_MASK_LO: p->trap_mask = (p->trap_mask & ~0xffffffffull) | value; break;
    default: break;
    }
}
