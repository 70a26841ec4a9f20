/*
 * The PHB's configuration window (pci/phb.c, include/petrel/pci.h): ECAM
 * decoding, PCI's little-endian register bytes as a big-endian guest sees
 * them through MMIO, all ones and dropped writes for absent functions and
 * malformed accesses, and the window mapped where the contract says.
 */
#include <stdint.h>
#include <string.h>

#include <petrel/pci.h>

#include "pci/phb.h"
#include "tests/unit/check.h"
#include "vmm/memory.h"

/* A function with a plain 4 KiB config space, little-endian registers. */
struct fake_fn {
    uint8_t cfg[4096];
    unsigned reads, writes;
};

static uint32_t fake_read(void *opaque, unsigned reg, unsigned size)
{
    struct fake_fn *f = opaque;
    uint32_t v = 0;

    f->reads++;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)f->cfg[reg + i] << (8 * i);
    return v;
}

static void fake_write(void *opaque, unsigned reg, unsigned size, uint32_t value)
{
    struct fake_fn *f = opaque;

    f->writes++;
    for (unsigned i = 0; i < size; i++)
        f->cfg[reg + i] = (uint8_t)(value >> (8 * i));
}

static const struct pci_function_ops fake_ops = {fake_read, fake_write};

#define OFF(bus, devfn, reg) ((uint64_t)(bus) << 20 | (uint64_t)(devfn) << 12 | (reg))

int main(void)
{
    static struct guest_mem mem;
    static struct phb phb, phb1;
    static struct fake_fn f;
    const struct mmio_region *r;

    CHECK_EQ(guest_mem_init(&mem, 256ull << 20), 0);
    CHECK_EQ(phb_init(&phb, &mem, 0), 0);
    CHECK_EQ(phb_init(&phb1, &mem, 1), 0);
    CHECK(phb_init(&phb1, &mem, PETREL_PHB_MAX) != 0);
    CHECK_EQ(phb.buid, PETREL_PHB_BUID_BASE);
    CHECK_EQ(phb1.buid, PETREL_PHB_BUID_BASE + 1);
    r = guest_mem_find_mmio(&mem, PETREL_PHB_CFG_BASE + PETREL_PHB_CFG_SIZE + 0x800);
    CHECK(r && r->opaque == &phb1 && r->size == PETREL_PHB_CFG_SIZE);
    r = guest_mem_find_mmio(&mem, PETREL_PHB_CFG_BASE);
    CHECK(r && r->opaque == &phb);

    /* Vendor 0x1af4, device 0x1041, little-endian in config space. */
    f.cfg[0] = 0xf4, f.cfg[1] = 0x1a, f.cfg[2] = 0x41, f.cfg[3] = 0x10;
    f.cfg[0x100] = 0x10, f.cfg[0x101] = 0x00, f.cfg[0x102] = 0x01, f.cfg[0x103] = 0x00;
    CHECK_EQ(phb_add_function(&phb, 0x18, &fake_ops, &f), 0);
    CHECK(phb_add_function(&phb, 0x18, &fake_ops, &f) != 0);
    CHECK(phb_add_function(&phb, 256, &fake_ops, &f) != 0);

    /* Through the region, as the CPU's loads reach it: the value is the
     * big-endian reading of the bytes, which lie little-endian. */
    CHECK_EQ(r->ops->read(r->opaque, OFF(0, 0x18, 0), 4), 0xf41a4110);
    CHECK_EQ(r->ops->read(r->opaque, OFF(0, 0x18, 2), 2), 0x4110);
    CHECK_EQ(r->ops->read(r->opaque, OFF(0, 0x18, 1), 1), 0x1a);
    CHECK_EQ(r->ops->read(r->opaque, OFF(0, 0x18, 0x100), 4), 0x10000100); /* extended */
    r->ops->write(r->opaque, OFF(0, 0x18, 4), 2, 0x0600);                  /* command = 0x0006 */
    CHECK_EQ(f.cfg[4], 0x06);
    CHECK_EQ(f.cfg[5], 0x00);
    CHECK_EQ(phb_config_load(&phb, OFF(0, 0x18, 4), 2), 0x0600);

    /* Absent functions, other buses, malformed sizes and alignments: all
     * ones, and the function never sees them. */
    f.reads = f.writes = 0;
    CHECK_EQ(phb_config_load(&phb, OFF(0, 0x19, 0), 4), 0xffffffff);
    CHECK_EQ(phb_config_load(&phb, OFF(0, 0x19, 0), 2), 0xffff);
    CHECK_EQ(phb_config_load(&phb, OFF(0, 0x19, 0), 1), 0xff);
    CHECK_EQ(phb_config_load(&phb, OFF(1, 0x18, 0), 4), 0xffffffff);
    CHECK_EQ(phb_config_load(&phb, OFF(0, 0x18, 2), 4), 0xffffffff);
    CHECK_EQ(phb_config_load(&phb, OFF(0, 0x18, 1), 2), 0xffff);
    CHECK_EQ(phb_config_load(&phb, OFF(0, 0x18, 0), 8), ~0ull);
    CHECK_EQ(phb_config_load(&phb1, OFF(0, 0x18, 0), 4), 0xffffffff);
    phb_config_store(&phb, OFF(0, 0x18, 2), 4, 0);
    phb_config_store(&phb, OFF(0, 0x18, 0), 8, 0);
    phb_config_store(&phb, OFF(2, 0x18, 0), 4, 0);
    phb_config_store(&phb1, OFF(0, 0x18, 0), 4, 0);
    CHECK_EQ(f.reads, 0);
    CHECK_EQ(f.writes, 0);
    CHECK_EQ(f.cfg[0], 0xf4);

    guest_mem_destroy(&mem);
    return check_summary("phb");
}
