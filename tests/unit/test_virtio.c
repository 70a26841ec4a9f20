/*
 * The virtio PCI transport and virtio-blk (vmm/dev/virtio_pci.c,
 * virtqueue.c, virtio_blk.c) on a PHB: the function's identity and
 * capabilities (MSI-X, never MSI), feature negotiation, queue setup,
 * reads, writes, flush and GET_ID through a split ring reached by TCE DMA,
 * INTx fallback and MSI-X delivery, sector bounds, and every malformed-ring
 * case ending in DEVICE_NEEDS_RESET -- never a crash -- until a reset.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <petrel/pci.h>
#include <petrel/virtio.h>

#include "pci/function.h"
#include "pci/phb.h"
#include "tests/unit/check.h"
#include "vmm/dev/virtio_blk.h"
#include "vmm/dev/virtio_pci.h"
#include "vmm/dev/virtio_rng.h"
#include "vmm/memory.h"

#define SLOT            2u
#define DEVFN           (SLOT << 3)
#define OFF(devfn, reg) ((uint64_t)(devfn) << 12 | (reg))
/* Bus addresses: BAR 4 in the 64-bit window, BAR 1 in the 32-bit one. */
#define BAR4 (PETREL_PHB_MMIO64_BASE + 0x100000)
#define BAR1 (PETREL_PHB_MMIO32_PCI + 0x10000)
/* Guest memory (identity-mapped by the TCEs for the first 1 MiB). */
#define DESC  0x10000u
#define AVAIL 0x11000u
#define USED  0x12000u
#define HDR   0x20000u
#define DATA  0x21000u
#define STAT  0x30000u
#define QSIZE 8u

static struct guest_mem mem;
static struct phb phb;
/* The function the helpers drive: its BAR 4, devfn and the features its
 * driver takes. */
static uint64_t bar4 = BAR4;
static unsigned devfn = DEVFN;
static uint32_t drv_features = 1u << VIRTIO_BLK_F_FLUSH;
/* The upper word: VERSION_1, and ACCESS_PLATFORM (TCE translation) unless a
 * test wants guest physical addresses. */
static uint32_t drv_features_hi = 1u | 1u << (VIRTIO_F_ACCESS_PLATFORM - 32);

static uint8_t *ram(uint64_t a)
{
    return mem.ram + a;
}

static void put_le(uint64_t a, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        ram(a)[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(uint64_t a, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)ram(a)[i] << (8 * i);
    return v;
}

/* MMIO values are the big-endian reading of the little-endian bytes. */
static uint64_t swap(uint64_t v, unsigned size)
{
    return size == 8   ? __builtin_bswap64(v)
           : size == 4 ? __builtin_bswap32((uint32_t)v)
           : size == 2 ? __builtin_bswap16((uint16_t)v)
                       : v;
}

static uint64_t common(unsigned off, unsigned size)
{
    return swap(phb_mmio_load(&phb, bar4 + off, size), size);
}

static void set_common(unsigned off, unsigned size, uint64_t v)
{
    phb_mmio_store(&phb, bar4 + off, size, swap(v, size));
}

static uint32_t cfg(unsigned reg, unsigned size)
{
    return (uint32_t)swap(phb_config_load(&phb, OFF(devfn, reg), size), size);
}

static void set_cfg(unsigned reg, unsigned size, uint32_t v)
{
    phb_config_store(&phb, OFF(devfn, reg), size, swap(v, size));
}

static void notify(void)
{
    phb_mmio_store(&phb, bar4 + PETREL_VIRTIO_NOTIFY, 2, 0);
}

static uint8_t status(void)
{
    return (uint8_t)common(VIRTIO_COMMON_STATUS, 1);
}

/* The driver's initialisation (§3.1.1) with one queue of QSIZE. */
static void driver_init(void)
{
    set_common(VIRTIO_COMMON_STATUS, 1, 0);
    memset(ram(DESC), 0, 0x3000);
    set_common(VIRTIO_COMMON_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    set_common(VIRTIO_COMMON_GFSELECT, 4, 1);
    set_common(VIRTIO_COMMON_GF, 4, drv_features_hi);
    set_common(VIRTIO_COMMON_GFSELECT, 4, 0);
    set_common(VIRTIO_COMMON_GF, 4, drv_features);
    set_common(VIRTIO_COMMON_STATUS, 1, 0x0b);
    CHECK_EQ(status(), 0x0b);
    set_common(VIRTIO_COMMON_Q_SELECT, 2, 0);
    set_common(VIRTIO_COMMON_Q_SIZE, 2, QSIZE);
    set_common(VIRTIO_COMMON_Q_DESC, 8, DESC);
    set_common(VIRTIO_COMMON_Q_AVAIL + 4, 4, 0); /* two 32-bit halves */
    set_common(VIRTIO_COMMON_Q_AVAIL, 4, AVAIL);
    set_common(VIRTIO_COMMON_Q_USED, 8, USED);
    set_common(VIRTIO_COMMON_Q_ENABLE, 2, 1);
    CHECK_EQ(common(VIRTIO_COMMON_Q_ENABLE, 2), 1);
    CHECK_EQ(common(VIRTIO_COMMON_Q_AVAIL, 8), AVAIL);
    set_common(VIRTIO_COMMON_STATUS, 1, 0x0f);
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    put_le(DESC + 16 * i, 8, addr);
    put_le(DESC + 16 * i + 8, 4, len);
    put_le(DESC + 16 * i + 12, 2, flags);
    put_le(DESC + 16 * i + 14, 2, next);
}

/* Makes chain head available and rings the doorbell. */
static void submit(uint16_t head)
{
    uint16_t idx = (uint16_t)get_le(AVAIL + 2, 2);

    put_le(AVAIL + 4 + 2 * (idx % QSIZE), 2, head);
    put_le(AVAIL + 2, 2, (uint16_t)(idx + 1));
    notify();
}

/* A three-descriptor request at descriptors 0..2; returns the status byte
 * (0xee: not written). */
static uint8_t blk_request(uint32_t type, uint64_t sector, uint32_t len)
{
    bool in = type != VIRTIO_BLK_T_OUT;

    put_le(HDR, 4, type);
    put_le(HDR + 4, 4, 0);
    put_le(HDR + 8, 8, sector);
    ram(STAT)[0] = 0xee;
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    if (len) {
        desc(1, DATA, len, VIRTQ_DESC_F_NEXT | (in ? VIRTQ_DESC_F_WRITE : 0), 2);
        desc(2, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    } else {
        desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 2);
        desc(2, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    }
    submit(0);
    return ram(STAT)[0];
}

static void test_identity(void)
{
    unsigned cap, types = 0;

    CHECK_EQ(cfg(0, 4), 0x10421af4);
    CHECK_EQ(cfg(PCI_REVISION, 1), 1);
    CHECK_EQ(cfg(PCI_SUBSYS_ID, 2), 0x40);
    /* MSI-X and the four virtio structures, and no MSI capability: the
     * firmware must never offer MSI for it (rtas.md §9 (a)). */
    CHECK(cfg(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    for (cap = cfg(PCI_CAP_PTR, 1); cap; cap = cfg(cap + 1, 1)) {
        uint8_t id = (uint8_t)cfg(cap, 1);
        CHECK(id != PCI_CAP_MSI);
        if (id == PCI_CAP_MSIX) {
            CHECK_EQ(cfg(cap + 2, 2) & 0x7ff, PETREL_VIRTIO_MSIX_VECTORS - 1);
            CHECK_EQ(cfg(cap + 4, 4), PETREL_VIRTIO_MSIX_TABLE | PETREL_VIRTIO_MSIX_BAR);
            types |= 1;
        } else if (id == PCI_CAP_VENDOR) {
            unsigned t = cfg(cap + 3, 1);
            static const uint32_t where[] = {0, PETREL_VIRTIO_COMMON, PETREL_VIRTIO_NOTIFY,
                                             PETREL_VIRTIO_ISR, PETREL_VIRTIO_DEVCFG};
            CHECK(t >= 1 && t <= 4);
            if (t >= 1 && t <= 4) {
                CHECK_EQ(cfg(cap + 4, 1), PETREL_VIRTIO_BAR);
                CHECK_EQ(cfg(cap + 8, 4), where[t]);
                types |= 1u << t;
            }
            if (t == VIRTIO_PCI_CAP_NOTIFY_CFG)
                CHECK_EQ(cfg(cap + 16, 4), PETREL_VIRTIO_NOTIFY_MULT);
        }
    }
    CHECK_EQ(types, 0x1f);
    /* BAR sizes: BAR 1 32-bit 4 KiB, BAR 4 64-bit 16 KiB. */
    set_cfg(PCI_BAR0 + 4, 4, 0xffffffff);
    CHECK_EQ(cfg(PCI_BAR0 + 4, 4), 0xfffff000);
    set_cfg(PCI_BAR0 + 16, 4, 0xffffffff);
    CHECK_EQ(cfg(PCI_BAR0 + 16, 4), 0xffffc000 | PCI_BAR_MEM64);
    set_cfg(PCI_BAR0 + 4, 4, (uint32_t)BAR1);
    set_cfg(PCI_BAR0 + 16, 4, (uint32_t)BAR4);
    set_cfg(PCI_BAR0 + 20, 4, (uint32_t)(BAR4 >> 32));
    set_cfg(PCI_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
}

static void test_negotiation(void)
{
    set_common(VIRTIO_COMMON_DFSELECT, 4, 1);
    /* VERSION_1 and, with iommu_platform=on, ACCESS_PLATFORM. */
    CHECK_EQ(common(VIRTIO_COMMON_DF, 4), 3);
    set_common(VIRTIO_COMMON_DFSELECT, 4, 0);
    CHECK_EQ(common(VIRTIO_COMMON_DF, 4), 1u << VIRTIO_BLK_F_FLUSH);
    CHECK_EQ(common(VIRTIO_COMMON_NUMQ, 2), 1);
    CHECK_EQ(common(VIRTIO_COMMON_Q_SIZE, 2), PETREL_VIRTIO_QUEUE_MAX);
    CHECK_EQ(common(VIRTIO_COMMON_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
    /* Device configuration: capacity in sectors (the image is 64 KiB). */
    CHECK_EQ(swap(phb_mmio_load(&phb, BAR4 + PETREL_VIRTIO_DEVCFG, 8), 8), 128);
    /* A legacy driver (no VERSION_1) and an unoffered feature: refused. */
    set_common(VIRTIO_COMMON_STATUS, 1, 3);
    set_common(VIRTIO_COMMON_GF, 4, 1u << VIRTIO_BLK_F_FLUSH);
    set_common(VIRTIO_COMMON_STATUS, 1, 0x0b);
    CHECK_EQ(status(), 3);
    set_common(VIRTIO_COMMON_GFSELECT, 4, 1);
    set_common(VIRTIO_COMMON_GF, 4, 5); /* bit 34: not offered */
    set_common(VIRTIO_COMMON_STATUS, 1, 0x0b);
    CHECK_EQ(status(), 3);
    set_common(VIRTIO_COMMON_STATUS, 1, 0);
    CHECK_EQ(status(), 0);
    CHECK_EQ(common(VIRTIO_COMMON_GF, 4), 0);
    /* An MSI-X vector past the table reads back as NO_VECTOR. */
    set_common(VIRTIO_COMMON_MSIX, 2, PETREL_VIRTIO_MSIX_VECTORS);
    CHECK_EQ(common(VIRTIO_COMMON_MSIX, 2), VIRTIO_MSI_NO_VECTOR);
    set_common(VIRTIO_COMMON_MSIX, 2, 1);
    CHECK_EQ(common(VIRTIO_COMMON_MSIX, 2), 1);
    /* Malformed accesses: all ones, dropped. */
    CHECK_EQ(phb_mmio_load(&phb, BAR4 + 1, 2), ~0ull);
    CHECK_EQ(phb_mmio_load(&phb, BAR4 + VIRTIO_COMMON_MSIX, 4), ~0ull);
}

static void test_io_intx(const char *path)
{
    uint8_t file[1024];
    FILE *f;

    driver_init();
    /* Write two sectors at sector 3, INTx delivery (MSI-X off). */
    for (unsigned i = 0; i < 1024; i++)
        ram(DATA)[i] = (uint8_t)(i * 7 + 1);
    CHECK(!phb.fn[DEVFN]->intx_asserted);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_OUT, 3, 1024), VIRTIO_BLK_S_OK);
    CHECK_EQ(get_le(USED + 2, 2), 1);
    CHECK_EQ(get_le(USED + 4, 4), 0); /* head */
    CHECK_EQ(get_le(USED + 8, 4), 1); /* the status byte */
    CHECK(phb.fn[DEVFN]->intx_asserted);
    CHECK(phb.lsi[(SLOT + 0) % 4]);
    /* Reading the ISR says why and lowers INTx. */
    CHECK_EQ(phb_mmio_load(&phb, BAR4 + PETREL_VIRTIO_ISR, 1), VIRTIO_ISR_QUEUE);
    CHECK(!phb.fn[DEVFN]->intx_asserted);
    CHECK_EQ(phb_mmio_load(&phb, BAR4 + PETREL_VIRTIO_ISR, 1), 0);
    f = fopen(path, "rb");
    CHECK(f && fseek(f, 3 * 512, SEEK_SET) == 0 && fread(file, 1, 1024, f) == 1024);
    if (f)
        fclose(f);
    CHECK(memcmp(file, ram(DATA), 1024) == 0);
    /* Read them back. */
    memset(ram(DATA), 0, 1024);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_IN, 3, 1024), VIRTIO_BLK_S_OK);
    CHECK(memcmp(file, ram(DATA), 1024) == 0);
    CHECK_EQ(get_le(USED + 12 + 4, 4), 1025);
    /* Flush, GET_ID, an unknown type. */
    CHECK_EQ(blk_request(VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
    memset(ram(DATA), 0, 20);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_GET_ID, 0, 20), VIRTIO_BLK_S_OK);
    CHECK(memcmp(ram(DATA), "disk-0\0", 7) == 0);
    CHECK_EQ(blk_request(77, 0, 0), VIRTIO_BLK_S_UNSUPP);
    /* Sector bounds: the last sector is fine, one past it is not; a length
     * that is not a sector multiple is refused. */
    CHECK_EQ(blk_request(VIRTIO_BLK_T_IN, 127, 512), VIRTIO_BLK_S_OK);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_IN, 127, 1024), VIRTIO_BLK_S_IOERR);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_OUT, 128, 512), VIRTIO_BLK_S_IOERR);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_IN, ~0ull >> 1, 512), VIRTIO_BLK_S_IOERR);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_IN, 0, 100), VIRTIO_BLK_S_IOERR);
    CHECK_EQ(status(), 0x0f);
    /* Interrupts suppressed by the driver. */
    phb_mmio_load(&phb, BAR4 + PETREL_VIRTIO_ISR, 1);
    put_le(AVAIL, 2, VIRTQ_AVAIL_F_NO_INTERRUPT);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
    CHECK(!phb.fn[DEVFN]->intx_asserted);
    put_le(AVAIL, 2, 0);
}

static void test_msix(void)
{
    unsigned cap = phb.fn[DEVFN]->msix_cap;
    uint64_t sent;

    driver_init();
    /* Vector 1 -> MSI data 9, owned by the function's vector 1. */
    phb_regs_write(&phb, 0, PETREL_PHB_MSI_ENTRY(9) + PETREL_MSI_OWNER, 4,
                   PETREL_MSI_VALID | DEVFN << 16 | 1);
    phb_regs_write(&phb, 0, PETREL_PHB_MSI_ENTRY(9) + PETREL_MSI_SOURCE, 4,
                   PETREL_PHB_MSI_FIRST(0) + 9);
    phb_mmio_store(&phb, BAR1 + 16, 4, swap((uint32_t)PETREL_PHB_MSI_ADDR, 4));
    phb_mmio_store(&phb, BAR1 + 20, 4, swap(PETREL_PHB_MSI_ADDR >> 32, 4));
    phb_mmio_store(&phb, BAR1 + 24, 4, swap(9, 4));
    phb_mmio_store(&phb, BAR1 + 28, 4, 0); /* unmasked */
    set_cfg(cap + PCI_MSIX_CTL, 2, PCI_MSIX_CTL_EN);
    set_common(VIRTIO_COMMON_Q_SELECT, 2, 0);
    set_common(VIRTIO_COMMON_Q_MSIX, 2, 1);
    CHECK_EQ(common(VIRTIO_COMMON_Q_MSIX, 2), 1);
    sent = phb.msi_sent;
    CHECK_EQ(blk_request(VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
    CHECK_EQ(phb.msi_sent, sent + 1);
    CHECK(!phb.fn[DEVFN]->intx_asserted);
    /* NO_VECTOR: no interrupt at all while MSI-X is on. */
    set_common(VIRTIO_COMMON_Q_MSIX, 2, VIRTIO_MSI_NO_VECTOR);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
    CHECK_EQ(phb.msi_sent, sent + 1);
    CHECK(!phb.fn[DEVFN]->intx_asserted);
    set_cfg(cap + PCI_MSIX_CTL, 2, 0);
}

/* Each malformed ring: NEEDS_RESET, no used entry, and the device stays
 * stopped until the driver resets it. */
static void expect_error(const char *what)
{
    CHECK(status() & VIRTIO_STATUS_NEEDS_RESET);
    if (!(status() & VIRTIO_STATUS_NEEDS_RESET))
        fprintf(stderr, "  no error for: %s\n", what);
    CHECK_EQ(get_le(USED + 2, 2), 0);
}

static void test_malformed(void)
{
    unsigned errors_before;

    /* A loop: descriptor 0 -> 1 -> 0. */
    driver_init();
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, STAT, 1, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    expect_error("loop");
    /* Stopped: further doorbells do nothing, even with a good request. */
    ram(STAT)[0] = 0xee;
    desc(1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    CHECK_EQ(ram(STAT)[0], 0xee);
    /* A reset clears it; the device works again. */
    driver_init();
    CHECK_EQ(blk_request(VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);

    driver_init();
    submit(QSIZE); /* head past the queue */
    expect_error("head index");
    driver_init();
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 200);
    submit(0);
    expect_error("next index");
    driver_init();
    desc(0, 0x10000000, 16, VIRTQ_DESC_F_NEXT, 1); /* not mapped by a TCE */
    desc(1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    expect_error("unmapped buffer");
    driver_init();
    desc(0, ~0ull - 4, 16, VIRTQ_DESC_F_NEXT, 1); /* wraps the address space */
    desc(1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    expect_error("wrapping address");
    driver_init();
    put_le(HDR, 4, VIRTIO_BLK_T_FLUSH);
    desc(0, HDR, 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
    desc(1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    expect_error("indirect");
    driver_init();
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, STAT, 1, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    desc(2, DATA, 16, 0, 0);
    submit(0);
    expect_error("readable after writable");
    driver_init();
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, DATA, 0xfffffff0u, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    expect_error("length");
    driver_init();
    desc(0, HDR, 8, VIRTQ_DESC_F_NEXT, 1); /* no room for the header */
    desc(1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    expect_error("short header");
    driver_init();
    put_le(AVAIL + 2, 2, QSIZE + 1); /* more entries than the queue has */
    notify();
    expect_error("available index");
    driver_init();
    /* The status byte in a page the device may only read. */
    phb_put_tce(&phb, 0x30000, 0x30000 | PETREL_TCE_READ);
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    expect_error("read-only status page");
    phb_put_tce(&phb, 0x30000, 0x30000 | PETREL_TCE_READ | PETREL_TCE_WRITE);
    /* A queue size that is not a power of two cannot be enabled. */
    set_common(VIRTIO_COMMON_STATUS, 1, 0);
    errors_before = ((struct virtio_pci *)phb.fn[DEVFN])->errors;
    set_common(VIRTIO_COMMON_Q_SIZE, 2, 3);
    set_common(VIRTIO_COMMON_Q_ENABLE, 2, 1);
    CHECK_EQ(common(VIRTIO_COMMON_Q_ENABLE, 2), 0);
    CHECK(status() & VIRTIO_STATUS_NEEDS_RESET);
    CHECK_EQ(((struct virtio_pci *)phb.fn[DEVFN])->errors, errors_before + 1);
    /* And everything still works after a reset. */
    driver_init();
    CHECK_EQ(blk_request(VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
}

static void test_slot_reset(void)
{
    driver_init();
    phb_regs_write(&phb, 0, PETREL_PHB_PE(SLOT) + PETREL_PE_CONTROL, 4, PETREL_PE_CTL_RESET);
    phb_regs_write(&phb, 0, PETREL_PHB_PE(SLOT) + PETREL_PE_CONTROL, 4, PETREL_PE_CTL_UNRESET);
    /* Power-on state: the BARs are gone, so program them again. */
    CHECK_EQ(cfg(PCI_COMMAND, 2), 0);
    set_cfg(PCI_BAR0 + 16, 4, (uint32_t)BAR4);
    set_cfg(PCI_BAR0 + 20, 4, (uint32_t)(BAR4 >> 32));
    set_cfg(PCI_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    CHECK_EQ(status(), 0);
    CHECK_EQ(common(VIRTIO_COMMON_Q_ENABLE, 2), 0);
    driver_init();
    memset(ram(DATA), 0, 1024);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_IN, 3, 512), VIRTIO_BLK_S_OK);
    CHECK_EQ(ram(DATA)[0], 1);
    CHECK_EQ(ram(DATA)[1], 8);
}

/* The write cache (virtio 1.0 §5.2.6): with VIRTIO_BLK_F_FLUSH accepted a
 * write completes from the page cache and a flush syncs; without it every
 * write is synced before it completes; reads never are. */
static void test_write_cache(struct virtio_blk *b)
{
    uint64_t s0;

    drv_features = 1u << VIRTIO_BLK_F_FLUSH;
    driver_init();
    s0 = virtio_blk_syncs(b);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_OUT, 2, 512), VIRTIO_BLK_S_OK);
    CHECK_EQ(virtio_blk_syncs(b), s0);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_FLUSH, 0, 0), VIRTIO_BLK_S_OK);
    CHECK_EQ(virtio_blk_syncs(b), s0 + 1);
    drv_features = 0;
    driver_init();
    CHECK_EQ(blk_request(VIRTIO_BLK_T_OUT, 2, 512), VIRTIO_BLK_S_OK);
    CHECK_EQ(virtio_blk_syncs(b), s0 + 2);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_IN, 2, 512), VIRTIO_BLK_S_OK);
    CHECK_EQ(virtio_blk_syncs(b), s0 + 2);
    drv_features = 1u << VIRTIO_BLK_F_FLUSH;
    driver_init();
}

/* The read-only drive at device 6: RO offered, writes refused. */
static void test_readonly(void)
{
    bar4 = BAR4 + 0x200000;
    devfn = 6u << 3;
    drv_features = 1u << VIRTIO_BLK_F_FLUSH | 1u << VIRTIO_BLK_F_RO;
    set_cfg(PCI_BAR0 + 16, 4, (uint32_t)bar4);
    set_cfg(PCI_BAR0 + 20, 4, (uint32_t)(bar4 >> 32));
    set_cfg(PCI_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    set_common(VIRTIO_COMMON_DFSELECT, 4, 0);
    CHECK_EQ(common(VIRTIO_COMMON_DF, 4), drv_features);
    driver_init();
    CHECK_EQ(status(), 0x0f);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_OUT, 0, 512), VIRTIO_BLK_S_IOERR);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_IN, 0, 512), VIRTIO_BLK_S_OK);
    CHECK_EQ(blk_request(VIRTIO_BLK_T_IN, 8, 512), VIRTIO_BLK_S_IOERR); /* 8 sectors */
}

/* A driver that does not accept ACCESS_PLATFORM gives guest physical
 * addresses (virtio 1.1 §6.1): the device reaches RAM the TCE table does
 * not map, still only inside RAM, and a frozen PE still stops it. */
static void test_direct_dma(void)
{
    const uint64_t far = 64ull << 20; /* RAM no TCE maps */
    uint64_t used_before;

    bar4 = BAR4;
    devfn = DEVFN;
    drv_features = 1u << VIRTIO_BLK_F_FLUSH;
    drv_features_hi = 1u;
    driver_init();
    CHECK_EQ(status(), 0x0f);
    CHECK(phb.fn[DEVFN]->dma_direct);
    /* A read into a buffer far above the mapped 1 MiB. */
    memset(ram(far), 0xaa, 512);
    desc(0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, far, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    desc(2, STAT, 1, VIRTQ_DESC_F_WRITE, 0);
    put_le(HDR, 4, VIRTIO_BLK_T_IN);
    put_le(HDR + 8, 8, 0);
    ram(STAT)[0] = 0xff;
    submit(0);
    CHECK_EQ(ram(STAT)[0], VIRTIO_BLK_S_OK);
    CHECK(ram(far)[0] != 0xaa || ram(far)[511] != 0xaa);
    /* A buffer past the end of RAM: refused, the device stops. */
    used_before = get_le(USED + 2, 2);
    desc(1, mem.ram_size - 256, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    submit(0);
    CHECK(status() & VIRTIO_STATUS_NEEDS_RESET);
    CHECK_EQ(get_le(USED + 2, 2), used_before);
    /* A frozen PE stops direct DMA too. */
    driver_init();
    desc(1, far, 512, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
    used_before = get_le(USED + 2, 2);
    phb.pe[phb_pe_of(DEVFN)].state |= PETREL_PE_DMA_FROZEN;
    submit(0);
    CHECK_EQ(get_le(USED + 2, 2), used_before);
    phb.pe[phb_pe_of(DEVFN)].state &= ~PETREL_PE_DMA_FROZEN;
    drv_features_hi = 1u | 1u << (VIRTIO_F_ACCESS_PLATFORM - 32);
}

/* virtio-rng at device 7: writable buffers come back full of entropy. */
static void test_rng(void)
{
    uint8_t first[64];
    bool nonzero = false;

    bar4 = BAR4 + 0x100000;
    devfn = 7u << 3;
    drv_features = 0;
    CHECK_EQ(cfg(0, 4), 0x10441af4);
    set_cfg(PCI_BAR0 + 16, 4, (uint32_t)bar4);
    set_cfg(PCI_BAR0 + 20, 4, (uint32_t)(bar4 >> 32));
    set_cfg(PCI_COMMAND, 2, PCI_CMD_MEMORY | PCI_CMD_MASTER);
    set_common(VIRTIO_COMMON_DFSELECT, 4, 0);
    CHECK_EQ(common(VIRTIO_COMMON_DF, 4), 0);
    /* ACCESS_PLATFORM is not offered by default: physical addresses. */
    set_common(VIRTIO_COMMON_DFSELECT, 4, 1);
    CHECK_EQ(common(VIRTIO_COMMON_DF, 4), 1);
    drv_features_hi = 1u;
    driver_init();
    CHECK(phb.fn[7u << 3]->dma_direct);
    CHECK_EQ(status(), 0x0f);
    memset(ram(DATA), 0, 128);
    desc(0, DATA, 64, VIRTQ_DESC_F_WRITE, 0);
    submit(0);
    CHECK_EQ(get_le(USED + 2, 2), 1);
    CHECK_EQ(get_le(USED + 8, 4), 64);
    for (unsigned i = 0; i < 64; i++)
        nonzero |= ram(DATA)[i] != 0;
    CHECK(nonzero);
    CHECK_EQ(ram(DATA)[64], 0); /* nothing past the buffer */
    memcpy(first, ram(DATA), 64);
    submit(0);
    CHECK_EQ(get_le(USED + 2, 2), 2);
    CHECK(memcmp(first, ram(DATA), 64) != 0);
    /* A chain past the queue: stopped, not crashed. */
    desc(0, DATA, 64, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 0);
    submit(0);
    CHECK(status() & VIRTIO_STATUS_NEEDS_RESET);
    CHECK_EQ(get_le(USED + 2, 2), 2);
}

int main(void)
{
    char path[] = "/tmp/petrel-virtio-XXXXXX", ro_path[] = "/tmp/petrel-virtio-ro-XXXXXX";
    int fd = mkstemp(path), ro_fd = mkstemp(ro_path);
    struct virtio_blk *b, *ro;
    struct virtio_rng *rng;

    CHECK(fd >= 0 && ro_fd >= 0);
    CHECK(ftruncate(fd, 64 << 10) == 0 && ftruncate(ro_fd, 4096) == 0);
    close(fd);
    close(ro_fd);
    CHECK_EQ(guest_mem_init(&mem, 256ull << 20), 0);
    CHECK_EQ(phb_init(&phb, &mem, NULL, 0), 0);
    for (uint64_t a = 0; a < (1u << 20); a += 4096)
        phb_put_tce(&phb, a, a | PETREL_TCE_READ | PETREL_TCE_WRITE);
    CHECK(!virtio_blk_create(&phb, 5, "/nonexistent/disk.img", false, NULL));
    b = virtio_blk_create(&phb, SLOT, path, false, "disk-0");
    ro = virtio_blk_create(&phb, 6, ro_path, true, NULL);
    CHECK(b && ro);
    CHECK(!virtio_blk_create(&phb, SLOT, path, false, NULL)); /* slot taken */
    rng = virtio_rng_create(&phb, 7);
    CHECK(rng && !virtio_rng_create(&phb, 7));
    /* iommu_platform=on for the drives (test_direct_dma declines it); the
     * rng keeps the default. */
    virtio_pci_offer_access_platform(phb.fn[DEVFN]);
    virtio_pci_offer_access_platform(phb.fn[6u << 3]);
    if (b && ro) {
        test_identity();
        test_negotiation();
        test_io_intx(path);
        test_write_cache(b);
        test_msix();
        test_malformed();
        test_slot_reset();
        test_readonly();
        test_direct_dma();
        if (rng)
            test_rng();
    }
    virtio_rng_destroy(rng);
    virtio_blk_destroy(b);
    virtio_blk_destroy(ro);
    phb_destroy(&phb);
    guest_mem_destroy(&mem);
    unlink(path);
    unlink(ro_path);
    return check_summary("virtio");
}
