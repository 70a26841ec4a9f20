/*
 * The PHB (pci/) on the host: the configuration window (ECAM decoding,
 * PCI's little-endian bytes as a big-endian guest sees them, all ones for
 * absent functions and malformed accesses), config write masks (the status
 * register cannot be written), BAR sizing and the MMIO windows, INTx
 * swizzling, the MSI translation table with its requester check, MSI-X
 * masking, TCE DMA with permissions, and EEH freeze, thaw and slot reset
 * through the register block -- and the test device on top.
 */
#include <stdint.h>
#include <string.h>

#include <petrel/papr.h>
#include <petrel/pci.h>
#include <petrel/pcitest.h>

#include "pci/function.h"
#include "pci/phb.h"
#include "tests/unit/check.h"
#include "vmm/dev/pcitest.h"
#include "vmm/memory.h"

#define FAKE                 0x20u /* device 4 */
#define TDEV                 0x18u /* device 3: the test device */
#define OFF(bus, devfn, reg) ((uint64_t)(bus) << 20 | (uint64_t)(devfn) << 12 | (reg))

/* A device with a 64-bit BAR of 16 KiB (MSI-X table at 0x2000, PBA at
 * 0x3000) and plain registers below. */
struct fake {
    struct pci_function fn;
    uint32_t reg[16];
    unsigned resets;
};

static uint64_t fake_read(void *opaque, unsigned bar, uint64_t off, unsigned size)
{
    struct fake *f = opaque;

    (void)bar;
    return size == 4 && off < 64 ? f->reg[off / 4] : ~0ull;
}

static void fake_write(void *opaque, unsigned bar, uint64_t off, unsigned size, uint64_t v)
{
    struct fake *f = opaque;

    (void)bar;
    if (size == 4 && off < 64)
        f->reg[off / 4] = (uint32_t)v;
}

static void fake_reset(void *opaque)
{
    struct fake *f = opaque;

    f->resets++;
    memset(f->reg, 0, sizeof(f->reg));
}

static const struct pci_bar_ops fake_ops = {fake_read, fake_write};

static uint32_t cfg32(struct phb *phb, unsigned devfn, unsigned reg)
{
    return __builtin_bswap32((uint32_t)phb_config_load(phb, OFF(0, devfn, reg), 4));
}

static void set_cfg32(struct phb *phb, unsigned devfn, unsigned reg, uint32_t v)
{
    phb_config_store(phb, OFF(0, devfn, reg), 4, __builtin_bswap32(v));
}

static uint32_t reg(struct phb *phb, uint64_t off)
{
    return (uint32_t)phb_regs_read(phb, 0, off, 4);
}

static void set_reg(struct phb *phb, uint64_t off, uint32_t v)
{
    phb_regs_write(phb, 0, off, 4, v);
}

static void test_config_window(struct guest_mem *mem, struct phb *phb, struct phb *phb1,
                               struct fake *f)
{
    const struct mmio_region *r;

    r = guest_mem_find_mmio(mem, PETREL_PHB_CFG_BASE + PETREL_PHB_CFG_SIZE + 0x800);
    CHECK(r && r->opaque == phb1 && r->size == PETREL_PHB_CFG_SIZE);
    r = guest_mem_find_mmio(mem, PETREL_PHB_CFG_BASE);
    CHECK(r && r->opaque == phb);
    /* Through the region, as the CPU's loads reach it: the value is the
     * big-endian reading of the bytes, which lie little-endian. */
    CHECK_EQ(r->ops->read(r->opaque, 0, OFF(0, FAKE, 0), 4), 0xf41a4110);
    CHECK_EQ(r->ops->read(r->opaque, 0, OFF(0, FAKE, 2), 2), 0x4110);
    CHECK_EQ(r->ops->read(r->opaque, 0, OFF(0, FAKE, 1), 1), 0x1a);
    r->ops->write(r->opaque, 0, OFF(0, FAKE, 4), 2, 0x0600); /* command = 0x0006 */
    CHECK_EQ(f->fn.cfg[4], 0x06);
    CHECK_EQ(f->fn.cfg[5], 0x00);
    CHECK_EQ(phb_config_load(phb, OFF(0, FAKE, 4), 2), 0x0600);
    /* Absent functions, other buses, malformed sizes and alignments: all
     * ones, and nothing changes. */
    CHECK_EQ(phb_config_load(phb, OFF(0, 0x19, 0), 4), 0xffffffff);
    CHECK_EQ(phb_config_load(phb, OFF(0, 0x19, 0), 2), 0xffff);
    CHECK_EQ(phb_config_load(phb, OFF(0, 0x19, 0), 1), 0xff);
    CHECK_EQ(phb_config_load(phb, OFF(1, FAKE, 0), 4), 0xffffffff);
    CHECK_EQ(phb_config_load(phb, OFF(0, FAKE, 2), 4), 0xffffffff);
    CHECK_EQ(phb_config_load(phb, OFF(0, FAKE, 1), 2), 0xffff);
    CHECK_EQ(phb_config_load(phb, OFF(0, FAKE, 0), 8), ~0ull);
    CHECK_EQ(phb_config_load(phb1, OFF(0, FAKE, 0), 4), 0xffffffff);
    phb_config_store(phb, OFF(0, FAKE, 4), 8, 0);
    phb_config_store(phb, OFF(2, FAKE, 4), 4, 0);
    CHECK_EQ(f->fn.cfg[4], 0x06);
    /* Read-only registers: ids, and the status register -- a write of all
     * ones leaves it bit for bit. */
    {
        uint32_t status = cfg32(phb, FAKE, 4) >> 16;
        CHECK(status & PCI_STATUS_CAP_LIST);
        set_cfg32(phb, FAKE, 4, 0xffff0006);
        CHECK_EQ(cfg32(phb, FAKE, 4) >> 16, status);
        set_cfg32(phb, FAKE, 0, 0);
        CHECK_EQ(cfg32(phb, FAKE, 0), 0x10411af4);
    }
}

static void test_bars(struct phb *phb, struct fake *f)
{
    uint64_t base = PETREL_PHB_MMIO64_BASE + 0x10000;

    /* Sizing: all ones reads back the size mask and the type bits. */
    set_cfg32(phb, FAKE, PCI_BAR0, 0xffffffff);
    set_cfg32(phb, FAKE, PCI_BAR0 + 4, 0xffffffff);
    CHECK_EQ(cfg32(phb, FAKE, PCI_BAR0), 0xffffc000u | PCI_BAR_MEM64);
    CHECK_EQ(cfg32(phb, FAKE, PCI_BAR0 + 4), 0xffffffff);
    CHECK_EQ(cfg32(phb, FAKE, PCI_BAR0 + 8), 0); /* BAR 2: none */
    set_cfg32(phb, FAKE, PCI_BAR0 + 8, 0xffffffff);
    CHECK_EQ(cfg32(phb, FAKE, PCI_BAR0 + 8), 0);
    set_cfg32(phb, FAKE, PCI_BAR0, (uint32_t)base);
    set_cfg32(phb, FAKE, PCI_BAR0 + 4, (uint32_t)(base >> 32));
    /* Memory decoding off: the window answers all ones. */
    set_cfg32(phb, FAKE, PCI_COMMAND, 0);
    phb_mmio_store(phb, base + 8, 4, 0x1234);
    CHECK_EQ(f->reg[2], 0);
    CHECK_EQ(phb_mmio_load(phb, base + 8, 4), 0xffffffff);
    set_cfg32(phb, FAKE, PCI_COMMAND, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    phb_mmio_store(phb, base + 8, 4, 0x1234);
    CHECK_EQ(f->reg[2], 0x1234);
    CHECK_EQ(phb_mmio_load(phb, base + 8, 4), 0x1234);
    /* Past the BAR, and straddling its end: nobody. */
    CHECK_EQ(phb_mmio_load(phb, base + 0x4000, 4), 0xffffffff);
    CHECK_EQ(phb_mmio_load(phb, base + 0x3ffe, 4), 0xffffffff);
}

static void test_intx(struct phb *phb)
{
    struct pci_function *t = phb->fn[TDEV];

    /* Device 3, INTA: line (3 + 0) mod 4 = 3. */
    pci_intx(t, true);
    CHECK(phb->lsi[3]);
    CHECK(!phb->lsi[0]);
    CHECK(pci_cfg_get(t, PCI_STATUS, 2) & PCI_STATUS_INTX);
    /* Command bit 10 masks the pin, the status bit stays. */
    set_cfg32(phb, TDEV, PCI_COMMAND, PCI_CMD_INTX_OFF);
    CHECK(!phb->lsi[3]);
    set_cfg32(phb, TDEV, PCI_COMMAND, 0);
    CHECK(phb->lsi[3]);
    pci_intx(t, false);
    CHECK(!phb->lsi[3]);
}

static void test_msi(struct phb *phb, struct fake *f)
{
    struct pci_function *t = phb->fn[TDEV];
    unsigned cap = t->msi_cap;
    uint64_t sent, dropped;

    CHECK(cap);
    CHECK(!t->msix_cap);
    CHECK_EQ(reg(phb, PETREL_PHB_REG_MSI_COUNT), PETREL_PHB_MSI_COUNT);
    CHECK_EQ(reg(phb, PETREL_PHB_REG_MSI_FIRST), PETREL_PHB_MSI_FIRST(0));
    /* Entries 4..7 for the test device (3 << 3), vectors 0..3. */
    for (unsigned i = 0; i < 4; i++) {
        set_reg(phb, PETREL_PHB_MSI_ENTRY(4 + i) + PETREL_MSI_OWNER,
                PETREL_MSI_VALID | TDEV << 16 | i);
        set_reg(phb, PETREL_PHB_MSI_ENTRY(4 + i) + PETREL_MSI_SOURCE,
                PETREL_PHB_MSI_FIRST(0) + 40 + i);
    }
    CHECK_EQ(reg(phb, PETREL_PHB_MSI_ENTRY(5) + PETREL_MSI_SOURCE), PETREL_PHB_MSI_FIRST(0) + 41);
    /* A source outside the PHB's range is refused. */
    set_reg(phb, PETREL_PHB_MSI_ENTRY(5) + PETREL_MSI_SOURCE, PETREL_PHB_MSI_FIRST(1));
    CHECK_EQ(reg(phb, PETREL_PHB_MSI_ENTRY(5) + PETREL_MSI_SOURCE), PETREL_PHB_MSI_FIRST(0) + 41);
    /* MSI programmed: 4 vectors (MME 2), data 4. */
    pci_cfg_set(t, cap + PCI_MSI_ADDR_LO, 4, (uint32_t)PETREL_PHB_MSI_ADDR);
    pci_cfg_set(t, cap + PCI_MSI_ADDR_HI, 4, (uint32_t)(PETREL_PHB_MSI_ADDR >> 32));
    pci_cfg_set(t, cap + PCI_MSI_DATA, 2, 4);
    set_cfg32(phb, TDEV, cap, (PCI_MSI_CTL_EN | 2 << 4) << 16 | pci_cfg_get(t, cap, 2));
    CHECK(pci_cfg_get(t, cap + PCI_MSI_CTL, 2) & PCI_MSI_CTL_EN);
    /* Bus mastering off: no MSI. */
    sent = phb->msi_sent, dropped = phb->msi_dropped;
    phb_lock(phb);
    pci_notify(t, 2);
    phb_unlock(phb);
    CHECK_EQ(phb->msi_sent, sent);
    CHECK_EQ(phb->msi_dropped, dropped + 1);
    set_cfg32(phb, TDEV, PCI_COMMAND, PCI_CMD_MASTER | PCI_CMD_MEMORY);
    phb_lock(phb);
    pci_notify(t, 2);
    phb_unlock(phb);
    CHECK_EQ(phb->msi_sent, sent + 1);
    /* The fake function forging the test device's data: dropped, and
     * recorded against the forger's PE. */
    phb_lock(phb);
    phb_msi(phb, FAKE, PETREL_PHB_MSI_ADDR, 5);
    phb_unlock(phb);
    CHECK_EQ(phb->msi_sent, sent + 1);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(4) + PETREL_PE_ERRORS), 1);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(4) + PETREL_PE_ERROR), PETREL_PE_ERR_DMA);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(3) + PETREL_PE_ERRORS), 0);
    set_reg(phb, PETREL_PHB_PE(4) + PETREL_PE_CONTROL, PETREL_PE_CTL_CLEAR_ERROR);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(4) + PETREL_PE_ERRORS), 0);
    (void)f;
}

static void test_msix(struct phb *phb, struct fake *f)
{
    uint64_t base = PETREL_PHB_MMIO64_BASE + 0x10000, sent = phb->msi_sent;
    unsigned cap = f->fn.msix_cap;

    CHECK(cap);
    CHECK(!f->fn.msi_cap);
    set_reg(phb, PETREL_PHB_MSI_ENTRY(9) + PETREL_MSI_OWNER, PETREL_MSI_VALID | FAKE << 16 | 1);
    set_reg(phb, PETREL_PHB_MSI_ENTRY(9) + PETREL_MSI_SOURCE, PETREL_PHB_MSI_FIRST(0) + 9);
    /* Vector 1's entry, through the BAR, big-endian guest stores of the
     * little-endian words. */
    phb_mmio_store(phb, base + 0x2010, 4, __builtin_bswap32((uint32_t)PETREL_PHB_MSI_ADDR));
    phb_mmio_store(phb, base + 0x2014, 4, __builtin_bswap32((uint32_t)(PETREL_PHB_MSI_ADDR >> 32)));
    phb_mmio_store(phb, base + 0x2018, 4, __builtin_bswap32(9));
    CHECK_EQ(phb_mmio_load(phb, base + 0x2018, 4), __builtin_bswap32(9));
    CHECK_EQ(phb_mmio_load(phb, base + 0x201c, 4), __builtin_bswap32(PCI_MSIX_VEC_MASKED));
    set_cfg32(phb, FAKE, cap, (uint32_t)PCI_MSIX_CTL_EN << 16 | pci_cfg_get(&f->fn, cap, 2));
    /* Masked: pending in the PBA, delivered on unmask. */
    phb_lock(phb);
    pci_notify(&f->fn, 1);
    phb_unlock(phb);
    CHECK_EQ(phb->msi_sent, sent);
    CHECK_EQ(phb_mmio_load(phb, base + 0x3000, 4), __builtin_bswap32(2));
    phb_mmio_store(phb, base + 0x201c, 4, 0);
    CHECK_EQ(phb->msi_sent, sent + 1);
    CHECK_EQ(phb_mmio_load(phb, base + 0x3000, 4), 0);
    phb_lock(phb);
    pci_notify(&f->fn, 1);
    phb_unlock(phb);
    CHECK_EQ(phb->msi_sent, sent + 2);
}

static void test_dma(struct guest_mem *mem, struct phb *phb)
{
    struct pci_function *t = phb->fn[TDEV];
    uint8_t buf[64];
    uint64_t tce;

    CHECK_EQ(phb_put_tce(phb, 0x1000, 0x200000 | PETREL_TCE_READ | PETREL_TCE_WRITE), H_SUCCESS);
    CHECK_EQ(phb_put_tce(phb, 0x2000, 0x300000 | PETREL_TCE_READ), H_SUCCESS);
    CHECK_EQ(phb_put_tce(phb, 0x1001, 0x200000 | PETREL_TCE_READ), H_PARAMETER);
    CHECK_EQ(phb_put_tce(phb, PETREL_PHB_DMA_SIZE, 0x200000 | PETREL_TCE_READ), H_PARAMETER);
    CHECK_EQ(phb_put_tce(phb, 0x3000, mem->ram_size | PETREL_TCE_READ), H_PARAMETER);
    CHECK_EQ(phb_put_tce(phb, 0x3000, 0x200000 | 0x10 | PETREL_TCE_READ), H_PARAMETER);
    CHECK_EQ(phb_get_tce(phb, 0x2000, &tce), H_SUCCESS);
    CHECK_EQ(tce, 0x300000 | PETREL_TCE_READ);
    memset(buf, 0xa5, sizeof(buf));
    /* Write into the writable page, across into the read-only one: all or
     * nothing. */
    CHECK(!pci_dma_write(t, 0x2000 - 32, buf, 64));
    CHECK_EQ(mem->ram[0x200000 + 0xfe0], 0);
    CHECK(pci_dma_write(t, 0x1010, buf, 16));
    CHECK_EQ(mem->ram[0x200010], 0xa5);
    mem->ram[0x300004] = 0x77;
    CHECK(pci_dma_read(t, 0x2000, buf, 8));
    CHECK_EQ(buf[4], 0x77);
    CHECK(!pci_dma_read(t, 0x5000, buf, 8)); /* unmapped */
    CHECK_EQ(buf[0], 0xff);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(3) + PETREL_PE_ERR_ADDR_LO), 0x2000);
    set_reg(phb, PETREL_PHB_PE(3) + PETREL_PE_CONTROL, PETREL_PE_CTL_CLEAR_ERROR);
}

static void test_eeh(struct phb *phb, struct fake *f)
{
    struct pci_function *t = phb->fn[TDEV];
    uint64_t sent = phb->msi_sent;
    uint8_t buf[8] = {0};

    CHECK_EQ(reg(phb, PETREL_PHB_PE(3) + PETREL_PE_STATE), PETREL_PE_PRESENT);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(4) + PETREL_PE_STATE), PETREL_PE_PRESENT);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(5) + PETREL_PE_STATE), 0);
    /* Without EEH an error only records. */
    set_reg(phb, PETREL_PHB_PE(3) + PETREL_PE_INJECT, PETREL_PE_ERR_MMIO);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(3) + PETREL_PE_STATE), PETREL_PE_PRESENT);
    set_reg(phb, PETREL_PHB_PE(3) + PETREL_PE_CONTROL, PETREL_PE_CTL_ENABLE);
    set_reg(phb, PETREL_PHB_PE(3) + PETREL_PE_INJECT, PETREL_PE_ERR_DMA);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(3) + PETREL_PE_STATE),
             PETREL_PE_PRESENT | PETREL_PE_EEH_ENABLED | PETREL_PE_MMIO_FROZEN |
                 PETREL_PE_DMA_FROZEN);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(3) + PETREL_PE_ERROR), PETREL_PE_ERR_MMIO);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(3) + PETREL_PE_ERRORS), 2);
    /* Frozen: config all ones, stores dropped, no DMA, no MSI. */
    CHECK_EQ(phb_config_load(phb, OFF(0, TDEV, 0), 4), 0xffffffff);
    set_cfg32(phb, TDEV, PCI_COMMAND, 0);
    CHECK(pci_cfg_get(t, PCI_COMMAND, 2) & PCI_CMD_MASTER);
    CHECK(!pci_dma_read(t, 0x1000, buf, 8));
    phb_lock(phb);
    pci_notify(t, 0);
    phb_unlock(phb);
    CHECK_EQ(phb->msi_sent, sent);
    /* Thaw MMIO: config back, DMA still frozen. */
    set_reg(phb, PETREL_PHB_PE(3) + PETREL_PE_CONTROL, PETREL_PE_CTL_THAW_MMIO);
    CHECK_EQ(cfg32(phb, TDEV, 0), PETREL_PCITEST_DEVICE << 16 | PETREL_PCITEST_VENDOR);
    CHECK(!pci_dma_read(t, 0x1000, buf, 8));
    /* Slot reset: config to power-on, MSI entries of the PE freed, the
     * other PE's kept; deassert thaws. */
    set_reg(phb, PETREL_PHB_PE(3) + PETREL_PE_CONTROL, PETREL_PE_CTL_RESET);
    CHECK(reg(phb, PETREL_PHB_PE(3) + PETREL_PE_STATE) & PETREL_PE_RESET);
    CHECK_EQ(phb_config_load(phb, OFF(0, TDEV, 0), 4), 0xffffffff);
    set_reg(phb, PETREL_PHB_PE(3) + PETREL_PE_CONTROL, PETREL_PE_CTL_UNRESET);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(3) + PETREL_PE_STATE),
             PETREL_PE_PRESENT | PETREL_PE_EEH_ENABLED);
    CHECK_EQ(pci_cfg_get(t, PCI_COMMAND, 2), 0);
    CHECK_EQ(pci_cfg_get(t, t->msi_cap + PCI_MSI_CTL, 2) & PCI_MSI_CTL_EN, 0);
    CHECK_EQ(pci_cfg_get(t, t->msi_cap + PCI_MSI_DATA, 2), 0);
    CHECK_EQ(reg(phb, PETREL_PHB_MSI_ENTRY(4) + PETREL_MSI_OWNER), 0);
    CHECK(reg(phb, PETREL_PHB_MSI_ENTRY(9) + PETREL_MSI_OWNER) & PETREL_MSI_VALID);
    CHECK_EQ(f->resets, 0);
    /* Machine reset: everything. */
    phb_reset(phb);
    CHECK_EQ(f->resets, 1);
    CHECK_EQ(reg(phb, PETREL_PHB_MSI_ENTRY(9) + PETREL_MSI_OWNER), 0);
    CHECK_EQ(reg(phb, PETREL_PHB_PE(3) + PETREL_PE_STATE), PETREL_PE_PRESENT);
    CHECK_EQ(phb_get_tce(phb, 0x1000, &(uint64_t){0}), H_SUCCESS);
    {
        uint64_t tce = 1;
        phb_get_tce(phb, 0x1000, &tce);
        CHECK_EQ(tce, 0);
    }
    /* Malformed register accesses. */
    CHECK_EQ(phb_regs_read(phb, 0, 2, 4), 0xffffffff);
    CHECK_EQ(phb_regs_read(phb, 0, 0, 2), 0xffff);
}

/* Armed errors (the TRAP registers, ibm,errinjct's ioa-bus-error): only
 * the access of the armed kind at a matching address fails, once. */
static void arm(struct phb *phb, unsigned pe, uint32_t op, uint64_t addr, uint64_t mask)
{
    set_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_TRAP_ADDR_HI, (uint32_t)(addr >> 32));
    set_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_TRAP_ADDR_LO, (uint32_t)addr);
    set_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_TRAP_MASK_HI, (uint32_t)(mask >> 32));
    set_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_TRAP_MASK_LO, (uint32_t)mask);
    set_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_TRAP_OP, op);
}

static void test_trap(struct guest_mem *mem, struct phb *phb, struct fake *f)
{
    const uint64_t base = PETREL_PHB_MMIO64_BASE + 0x10000, pe4 = PETREL_PHB_PE(4),
                   pe3 = PETREL_PHB_PE(3);
    struct pci_function *t = phb->fn[TDEV];
    uint8_t buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};

    set_cfg32(phb, FAKE, PCI_BAR0, (uint32_t)base);
    set_cfg32(phb, FAKE, PCI_BAR0 + 4, (uint32_t)(base >> 32));
    set_cfg32(phb, FAKE, PCI_COMMAND, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    f->reg[4] = 0x44;
    set_reg(phb, pe4 + PETREL_PE_CONTROL, PETREL_PE_CTL_ENABLE);
    arm(phb, 4, PETREL_PE_TRAP_LOAD_MEM, base + 8, ~7ull);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_TRAP_OP), PETREL_PE_TRAP_LOAD_MEM);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_TRAP_ADDR_HI), (uint32_t)(base >> 32));
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_TRAP_ADDR_LO), (uint32_t)base + 8);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_TRAP_MASK_LO), 0xfffffff8);
    /* An unknown kind changes nothing. */
    set_reg(phb, pe4 + PETREL_PE_TRAP_OP, PETREL_PE_TRAP_MAX + 1);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_TRAP_OP), PETREL_PE_TRAP_LOAD_MEM);
    /* A store there, a load elsewhere, a config read: they pass. */
    phb_mmio_store(phb, base + 8, 4, 0x66);
    CHECK_EQ(f->reg[2], 0x66);
    CHECK_EQ(phb_mmio_load(phb, base + 16, 4), 0x44);
    CHECK_EQ(cfg32(phb, FAKE, 0), 0x10411af4u);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_STATE), PETREL_PE_PRESENT | PETREL_PE_EEH_ENABLED);
    /* The load it matches: all ones, recorded at its address, the PE
     * frozen, the trap spent. */
    CHECK_EQ(phb_mmio_load(phb, base + 12, 4), 0xffffffff);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_STATE), PETREL_PE_PRESENT | PETREL_PE_EEH_ENABLED |
                                                  PETREL_PE_MMIO_FROZEN | PETREL_PE_DMA_FROZEN);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_ERROR), PETREL_PE_ERR_MMIO);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_ERR_ADDR_LO), (uint32_t)base + 12);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_TRAP_OP), PETREL_PE_TRAP_NONE);
    CHECK_EQ(reg(phb, pe3 + PETREL_PE_STATE), PETREL_PE_PRESENT); /* the other PE */
    set_reg(phb, pe4 + PETREL_PE_CONTROL, PETREL_PE_CTL_DISABLE);
    set_reg(phb, pe4 + PETREL_PE_CONTROL, PETREL_PE_CTL_CLEAR_ERROR);
    CHECK_EQ(phb_mmio_load(phb, base + 12, 4), 0); /* spent: the same load passes */
    CHECK_EQ(phb_mmio_load(phb, base + 16, 4), 0x44);

    /* A store trap with EEH off: dropped and recorded, nothing frozen. */
    arm(phb, 4, PETREL_PE_TRAP_STORE_MEM, base, 0);
    phb_mmio_store(phb, base + 20, 4, 0x99);
    CHECK_EQ(f->reg[5], 0);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_STATE), PETREL_PE_PRESENT);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_ERRORS), 1);
    phb_mmio_store(phb, base + 20, 4, 0x99);
    CHECK_EQ(f->reg[5], 0x99);
    set_reg(phb, pe4 + PETREL_PE_CONTROL, PETREL_PE_CTL_CLEAR_ERROR);

    /* Config: a read of the vendor register, any function of the PE. */
    arm(phb, 4, PETREL_PE_TRAP_LOAD_CFG, 0, 0xffc);
    CHECK_EQ(cfg32(phb, FAKE, 8), 0x02000001u);
    CHECK_EQ(phb_config_load(phb, OFF(0, FAKE, 0), 4), 0xffffffff);
    CHECK_EQ(cfg32(phb, FAKE, 0), 0x10411af4u);
    arm(phb, 4, PETREL_PE_TRAP_STORE_CFG, PCI_COMMAND, 0xffc);
    set_cfg32(phb, FAKE, PCI_COMMAND, 0);
    CHECK(pci_cfg_get(&f->fn, PCI_COMMAND, 2) & PCI_CMD_MEMORY);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_ERRORS), 2);
    set_reg(phb, pe4 + PETREL_PE_CONTROL, PETREL_PE_CTL_CLEAR_ERROR);

    /* DMA: a write by the test device (PE 3) to its bus page 0x1000. */
    CHECK_EQ(phb_put_tce(phb, 0x1000, 0x200000 | PETREL_TCE_READ | PETREL_TCE_WRITE), H_SUCCESS);
    set_cfg32(phb, TDEV, PCI_COMMAND, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    set_reg(phb, pe3 + PETREL_PE_CONTROL, PETREL_PE_CTL_ENABLE);
    arm(phb, 3, PETREL_PE_TRAP_DMA_WRITE, 0x1000, ~0xfffull);
    mem->ram[0x200010] = 0;
    CHECK(pci_dma_read(t, 0x1010, buf, 8)); /* a read passes */
    CHECK(!pci_dma_write(t, 0x1010, buf, 8));
    CHECK_EQ(mem->ram[0x200010], 0);
    CHECK_EQ(reg(phb, pe3 + PETREL_PE_ERROR), PETREL_PE_ERR_DMA);
    CHECK_EQ(reg(phb, pe3 + PETREL_PE_ERR_ADDR_LO), 0x1010);
    CHECK(reg(phb, pe3 + PETREL_PE_STATE) & PETREL_PE_DMA_FROZEN);
    /* A slot reset disarms. */
    arm(phb, 3, PETREL_PE_TRAP_DMA_READ, 0, 0);
    set_reg(phb, pe3 + PETREL_PE_CONTROL, PETREL_PE_CTL_RESET);
    CHECK_EQ(reg(phb, pe3 + PETREL_PE_TRAP_OP), PETREL_PE_TRAP_NONE);
    set_reg(phb, pe3 + PETREL_PE_CONTROL, PETREL_PE_CTL_UNRESET);
    /* So does a machine reset. */
    arm(phb, 4, PETREL_PE_TRAP_LOAD_MEM, 0, 0);
    phb_reset(phb);
    CHECK_EQ(reg(phb, pe4 + PETREL_PE_TRAP_OP), PETREL_PE_TRAP_NONE);
}

int main(void)
{
    static struct guest_mem mem;
    static struct phb phb, phb1;
    static struct fake f;
    struct pcitest *t;

    CHECK_EQ(guest_mem_init(&mem, 256ull << 20), 0);
    CHECK_EQ(phb_init(&phb, &mem, NULL, 0), 0);
    CHECK_EQ(phb_init(&phb1, &mem, NULL, 1), 0);
    CHECK(phb_init(&(struct phb){0}, &mem, NULL, PETREL_PHB_MAX) != 0);
    CHECK_EQ(phb.buid, PETREL_PHB_BUID_BASE);
    CHECK_EQ(phb1.buid, PETREL_PHB_BUID_BASE + 1);
    CHECK_EQ(phb1.liobn, PETREL_PHB_LIOBN(1));

    /* Vendor 0x1af4, device 0x1041 at device 4: a 64-bit 16 KiB BAR with
     * MSI-X; the test device at device 3. */
    pci_function_init(&f.fn, 0x1af4, 0x1041, 0x020000, 1, 0x1af4, 1);
    pci_function_add_bar(&f.fn, 0, 0x4000, true);
    CHECK(pci_function_add_msix(&f.fn, 2, 0, 0x2000, 0x3000));
    f.fn.ops = &fake_ops;
    f.fn.opaque = &f;
    f.fn.reset = fake_reset;
    CHECK_EQ(phb_plug(&phb, FAKE, &f.fn), 0);
    CHECK(phb_plug(&phb, FAKE, &f.fn) != 0);
    CHECK(phb_plug(&phb, 256, &f.fn) != 0);
    CHECK(phb.fn[FAKE] == &f.fn && f.fn.devfn == FAKE);
    CHECK(!pcitest_create(&phb, FAKE >> 3)); /* the slot is taken */
    t = pcitest_create(&phb, TDEV >> 3);
    CHECK(t);
    if (!t)
        return check_summary("phb");
    test_config_window(&mem, &phb, &phb1, &f);
    test_bars(&phb, &f);
    test_intx(&phb);
    test_msi(&phb, &f);
    test_msix(&phb, &f);
    test_dma(&mem, &phb);
    test_eeh(&phb, &f);
    test_trap(&mem, &phb, &f);

    pcitest_destroy(t);
    phb_destroy(&phb);
    phb_destroy(&phb1);
    guest_mem_destroy(&mem);
    return check_summary("phb");
}
