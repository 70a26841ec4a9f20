/*
 * The virtio regression kernel: booted with -kernel on the flattened-tree
 * path under XICS with one virtio-blk-pci (MSI-X, no MSI) at PHB 0 slot 0
 * over a raw image whose sector 1 starts "petrel-disk-data".  It drives
 * the device the way Linux does -- RTAS config cycles, ibm,change-msi,
 * the virtio 1.0 PCI structures, a split virtqueue in TCE-mapped memory --
 * and checks the rules real pseries bugs broke (spec/rtas.md §9):
 *   (a) the MSI-X-only device is never given MSI: its node has
 *       ibm,req#msi-x and no ibm,req#msi, change-msi function 3 (MSI) is
 *       -3 and changes nothing, functions 1 and 4 give MSI-X (type 2), the
 *       numbers are stable on re-request, and the config status register
 *       is bit for bit the same after every call;
 *       a write then a read back of sector 5 through the virtqueue, each
 *       completion signalled by MSI-X through XICS;
 *   (b) EEH: a DMA to an unmapped TCE (the error injected) freezes the PE
 *       and stops the device; slot reset, configure, BARs restored,
 *       change-msi again, the driver's reinitialisation, and a read of
 *       sector 5 returns what was written, with its interrupt delivered.
 * Prints "virtio: N checks, 0 failed" and powers off with 0 when all hold;
 * the test runner then checks sector 5 of the image on the host.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/papr.h>
#include <petrel/pci.h>
#include <petrel/virtio.h>

#include "hcall.h"
#include "kernel-pcilib.h"

/* The queue's memory: descriptors, available ring, used ring, request
 * header and status, data; page p is bus address IOBA + p * 4096. */
#define IOBA  0x10000u
#define QSIZE 8u
enum { PG_DESC, PG_AVAIL, PG_USED, PG_HDR, PG_DATA, PAGES };
static uint8_t qmem[PAGES][4096] __attribute__((aligned(4096)));
#define BUS(pg, off) (IOBA + 4096u * (pg) + (off))

static const uint8_t disk_magic[] = "petrel-disk-data";

/* The function: its PHB's BUID, config address, BARs in CPU space. */
struct dev {
    struct pci_fn fn;
    uint32_t bar1_pci, bar4_lo, bar4_hi; /* as assigned, to restore */
    uint64_t msix, regs;                 /* BAR 1 and BAR 4 */
    uint32_t msix_cap;
};

static uint32_t status_reg(const struct dev *d)
{
    return cfg_read(&d->fn, 0x06, 2);
}

/* (a): MSI never, MSI-X through functions 1 and 4, the status register
 * untouched by every call.  Returns the vector 0 and 1 sources. */
static void msi_setup(const struct dev *d, uint32_t status0, uint32_t src[2])
{
    uint32_t out[3], again[3];

    CHECK(change_msi(&d->fn, 3, 1, 4, out) == RTAS_PARAMETER_ERROR); /* MSI: no capability */
    CHECK(status_reg(d) == status0);
    CHECK(query_source(&d->fn, 0, out) == RTAS_HARDWARE_ERROR); /* nothing assigned */
    CHECK(change_msi(&d->fn, 1, 2, 4, out) == 0);               /* MSI or MSI-X: MSI-X */
    CHECK(out[0] == 2 && out[2] == 2);
    CHECK(status_reg(d) == status0);
    for (uint32_t i = 0; i < 2; i++) {
        CHECK(query_source(&d->fn, i, out) == 0);
        src[i] = out[0];
        CHECK(src[i] >= PETREL_PHB_MSI_FIRST(0) &&
              src[i] < PETREL_PHB_MSI_FIRST(0) + PETREL_PHB_MSI_COUNT);
    }
    CHECK(change_msi(&d->fn, 4, 2, 4, out) == 0 && out[0] == 2 && out[2] == 2);
    CHECK(status_reg(d) == status0);
    CHECK(change_msi(&d->fn, 3, 2, 4, out) == RTAS_PARAMETER_ERROR);
    CHECK(change_msi(&d->fn, 3, 2, 3, out) == RTAS_PARAMETER_ERROR);
    CHECK(status_reg(d) == status0);
    /* Stable: the same numbers after every request and refusal. */
    for (uint32_t i = 0; i < 2; i++)
        CHECK(query_source(&d->fn, i, again) == 0 && again[0] == src[i]);
    /* No MSI capability came into being. */
    for (uint32_t cap = cfg_read(&d->fn, 0x34, 1); cap; cap = cfg_read(&d->fn, cap + 1, 1))
        CHECK(cfg_read(&d->fn, cap, 1) != 0x05);
    /* The OS's part: memory, bus master, MSI-X on, vectors unmasked. */
    cfg_write(&d->fn, 0x04, 2, 0x0006);
    cfg_write(&d->fn, d->msix_cap + 2, 2, cfg_read(&d->fn, d->msix_cap + 2, 2) | 0x8000);
    for (uint32_t i = 0; i < 2; i++) {
        /* RTAS wrote the message: the PHB's MSI address, a table entry. */
        CHECK(rd32(d->msix + 16 * i) == (uint32_t)PETREL_PHB_MSI_ADDR);
        CHECK(rd32(d->msix + 16 * i + 4) == (uint32_t)(PETREL_PHB_MSI_ADDR >> 32));
        CHECK(rd32(d->msix + 16 * i + 8) < PETREL_PHB_MSI_COUNT);
        wr32(d->msix + 16 * i + 12, 0);
    }
    CHECK(status_reg(d) == status0);
}

static uint16_t avail_idx;

/* Driver initialisation (virtio 1.0 §3.1.1) with one queue, vectors:
 * configuration 1, queue 0. */
static void virtio_init(const struct dev *d)
{
    uint64_t c = d->regs + PETREL_VIRTIO_COMMON;

    wr8(c + VIRTIO_COMMON_STATUS, 0);
    CHECK(rd8(c + VIRTIO_COMMON_STATUS) == 0);
    memset(qmem, 0, sizeof(qmem));
    avail_idx = 0;
    wr8(c + VIRTIO_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    wr32(c + VIRTIO_COMMON_DFSELECT, 1);
    /* VERSION_1, and ACCESS_PLATFORM (the runner gives iommu_platform=on):
     * every buffer is a bus address the TCE table translates. */
    CHECK((rd32(c + VIRTIO_COMMON_DF) & 3) == 3);
    wr32(c + VIRTIO_COMMON_GFSELECT, 1);
    wr32(c + VIRTIO_COMMON_GF, 3);
    wr32(c + VIRTIO_COMMON_GFSELECT, 0);
    wr32(c + VIRTIO_COMMON_GF, 1u << VIRTIO_BLK_F_FLUSH);
    wr8(c + VIRTIO_COMMON_STATUS, 0x0b);
    CHECK(rd8(c + VIRTIO_COMMON_STATUS) == 0x0b);
    wr16(c + VIRTIO_COMMON_MSIX, 1);
    CHECK(rd16(c + VIRTIO_COMMON_MSIX) == 1);
    wr16(c + VIRTIO_COMMON_Q_SELECT, 0);
    wr16(c + VIRTIO_COMMON_Q_SIZE, QSIZE);
    wr16(c + VIRTIO_COMMON_Q_MSIX, 0);
    CHECK(rd16(c + VIRTIO_COMMON_Q_MSIX) == 0);
    wr32(c + VIRTIO_COMMON_Q_DESC, BUS(PG_DESC, 0));
    wr32(c + VIRTIO_COMMON_Q_DESC + 4, 0);
    wr32(c + VIRTIO_COMMON_Q_AVAIL, BUS(PG_AVAIL, 0));
    wr32(c + VIRTIO_COMMON_Q_AVAIL + 4, 0);
    wr32(c + VIRTIO_COMMON_Q_USED, BUS(PG_USED, 0));
    wr32(c + VIRTIO_COMMON_Q_USED + 4, 0);
    wr16(c + VIRTIO_COMMON_Q_ENABLE, 1);
    CHECK(rd16(c + VIRTIO_COMMON_Q_ENABLE) == 1);
    wr8(c + VIRTIO_COMMON_STATUS, 0x0f);
    CHECK(rd8(c + VIRTIO_COMMON_STATUS) == 0x0f);
    /* One sector of capacity at least 8. */
    CHECK(rd32(d->regs + PETREL_VIRTIO_DEVCFG) >= 8);
}

static void desc(unsigned i, uint32_t bus, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *p = qmem[PG_DESC] + 16 * i;

    put_le(p, 8, bus);
    put_le(p + 8, 4, len);
    put_le(p + 12, 2, flags);
    put_le(p + 14, 2, next);
}

/* One request of len data bytes at data bus address; returns the status
 * byte (0xee: never written) and checks the used ring advanced. */
static uint8_t blk_request(const struct dev *d, uint32_t type, uint64_t sector, uint32_t data,
                           uint32_t len)
{
    uint8_t *hdr = qmem[PG_HDR], *st = qmem[PG_HDR] + 64;
    uint16_t used_before = (uint16_t)get_le(qmem[PG_USED] + 2, 2);

    put_le(hdr, 4, type);
    put_le(hdr + 4, 4, 0);
    put_le(hdr + 8, 8, sector);
    *st = 0xee;
    desc(0, BUS(PG_HDR, 0), 16, VIRTQ_DESC_F_NEXT, len ? 1 : 2);
    desc(1, data, len, VIRTQ_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0), 2);
    desc(2, BUS(PG_HDR, 64), 1, VIRTQ_DESC_F_WRITE, 0);
    put_le(qmem[PG_AVAIL] + 4 + 2 * (avail_idx % QSIZE), 2, 0);
    avail_idx++;
    __asm__ volatile("sync" ::: "memory");
    put_le(qmem[PG_AVAIL] + 2, 2, avail_idx);
    wr16(d->regs + PETREL_VIRTIO_NOTIFY, 0);
    __asm__ volatile("sync" ::: "memory");
    if ((uint16_t)get_le(qmem[PG_USED] + 2, 2) == used_before)
        return 0xee;
    return *st;
}

static void check_io(const struct dev *d, uint32_t src0)
{
    uint8_t *data = qmem[PG_DATA];

    /* The runner's data at sector 1. */
    CHECK(blk_request(d, VIRTIO_BLK_T_IN, 1, BUS(PG_DATA, 0), 512) == VIRTIO_BLK_S_OK);
    CHECK(!memcmp(data, disk_magic, sizeof(disk_magic) - 1));
    CHECK(xics_take() == src0);
    /* Write sector 5, flush, read it back. */
    for (unsigned i = 0; i < 512; i++)
        data[i] = (uint8_t)(i * 13 + 5);
    CHECK(blk_request(d, VIRTIO_BLK_T_OUT, 5, BUS(PG_DATA, 0), 512) == VIRTIO_BLK_S_OK);
    CHECK(xics_take() == src0);
    CHECK(get_le(qmem[PG_USED] + 4 + 8 * 1 + 4, 4) == 1); /* only the status written */
    CHECK(blk_request(d, VIRTIO_BLK_T_FLUSH, 0, 0, 0) == VIRTIO_BLK_S_OK);
    CHECK(xics_take() == src0);
    memset(data, 0, 512);
    CHECK(blk_request(d, VIRTIO_BLK_T_IN, 5, BUS(PG_DATA, 0), 512) == VIRTIO_BLK_S_OK);
    CHECK(xics_take() == src0);
    CHECK(get_le(qmem[PG_USED] + 4 + 8 * 3 + 4, 4) == 513);
    for (unsigned i = 0; i < 512; i++)
        if (data[i] != (uint8_t)(i * 13 + 5)) {
            CHECK(data[i] == (uint8_t)(i * 13 + 5));
            break;
        }
    CHECK(xics_take() == 0);
}

/* (b): freeze, recover as Linux does (rtas.md §7.2), and the data is
 * there.  The error is the kernel's own bad DMA, or with host (-append
 * qmp-eeh, tests/monitor/test_reset_qmp.py) the host's QMP
 * petrel-inject-eeh, awaited. */
static void check_eeh(const struct dev *d, uint32_t status0, bool host)
{
    uint32_t in[4] = {d->fn.cfg, d->fn.buid_hi, d->fn.buid_lo, 0}, out[3], pe, src[2];
    uint8_t *data = qmem[PG_DATA];

    CHECK(rtas_call("ibm,get-config-addr-info2", 4, 2, in, out) == 0);
    pe = out[0];
    CHECK(pe_call("ibm,set-eeh-option", &d->fn, pe, 1) == 0);
    CHECK(slot_state(&d->fn, pe) == 0);
    if (host) {
        puts_("virtio: waiting for the host's EEH error\n");
        while (slot_state(&d->fn, pe) == 0)
            ;
        puts_("virtio: the host's EEH error froze the PE\n");
        CHECK(slot_state(&d->fn, pe) == 2);
        /* Frozen DMA: a good request is not served. */
        CHECK(blk_request(d, VIRTIO_BLK_T_IN, 5, BUS(PG_DATA, 0), 512) == 0xee);
    } else {
        /* The error: a data buffer at a bus address no TCE maps. */
        CHECK(blk_request(d, VIRTIO_BLK_T_IN, 5, 0x800000, 512) == 0xee);
    }
    CHECK(slot_state(&d->fn, pe) == 2);
    CHECK(rd32(d->regs) == 0xffffffff); /* MMIO frozen */
    CHECK(xics_take() == 0);            /* no MSI from a frozen PE */
    /* Recovery. */
    CHECK(pe_call("ibm,set-slot-reset", &d->fn, pe, 1) == 0);
    CHECK(slot_state(&d->fn, pe) == 1);
    CHECK(pe_call("ibm,set-slot-reset", &d->fn, pe, 0) == 0);
    CHECK(pe_call("ibm,configure-pe", &d->fn, pe, -1) == 0);
    CHECK(slot_state(&d->fn, pe) == 0);
    CHECK(query_source(&d->fn, 0, out) == RTAS_HARDWARE_ERROR); /* the reset freed them */
    cfg_write(&d->fn, 0x14, 4, d->bar1_pci);
    cfg_write(&d->fn, 0x20, 4, d->bar4_lo);
    cfg_write(&d->fn, 0x24, 4, d->bar4_hi);
    cfg_write(&d->fn, 0x04, 2, 0x0006);
    CHECK(status_reg(d) == status0);
    msi_setup(d, status0, src);
    xics_route(src[0], 5);
    virtio_init(d);
    memset(data, 0, 512);
    CHECK(blk_request(d, VIRTIO_BLK_T_IN, 5, BUS(PG_DATA, 0), 512) == VIRTIO_BLK_S_OK);
    CHECK(xics_take() == src[0]);
    CHECK(data[0] == 5 && data[1] == 18 && data[511] == (uint8_t)(511 * 13 + 5));
    CHECK(status_reg(d) == status0);
}

static bool find_dev(struct dev *d)
{
    int node, len;
    bool found;
    uint64_t pci, size;

    if (!pci_find("/pci@800000020000000/pci1af4,1042@0", &d->fn))
        return false;
    node = d->fn.node;
    CHECK(d->fn.buid_hi == (uint32_t)(PETREL_PHB_BUID_BASE >> 32));
    CHECK(d->fn.buid_lo == (uint32_t)PETREL_PHB_BUID_BASE);
    CHECK(d->fn.cfg == 0);
    /* (a) MSI-X only: ibm,req#msi-x, never ibm,req#msi. */
    CHECK(!fdt_getprop(fdt, node, "ibm,req#msi", &len));
    CHECK(prop_u32(node, "ibm,req#msi-x", &found) == PETREL_VIRTIO_MSIX_VECTORS && found);
    CHECK(prop_u32(node, "interrupts", NULL) == 1);
    CHECK(fdt_getprop(fdt, node, "assigned-addresses", &len) && len == 40);
    if (pci_bar(&d->fn, 0x14, &d->msix, &pci, &size)) {
        d->bar1_pci = (uint32_t)pci;
        CHECK(d->msix == PETREL_PHB_MMIO32_BASE + (pci - PETREL_PHB_MMIO32_PCI));
    }
    if (pci_bar(&d->fn, 0x20, &d->regs, &pci, &size)) {
        d->bar4_lo = (uint32_t)pci | 4; /* the 64-bit type bits */
        d->bar4_hi = (uint32_t)(pci >> 32);
        CHECK(d->regs == pci); /* the 64-bit window: CPU = PCI */
    }
    CHECK(d->msix && d->regs);
    d->msix_cap = cfg_find_cap(&d->fn, 0x11);
    CHECK(d->msix_cap);
    return d->msix && d->regs && d->msix_cap;
}

void kernel_main(uint64_t r3)
{
    struct dev d;
    uint32_t status0, src[2];

    check_prefix = "virtio";
    rtas_init(r3);
    memset(&d, 0, sizeof(d));
    if (!find_dev(&d))
        fail("no virtio-blk in the tree");
    for (unsigned p = 0; p < PAGES; p++)
        CHECK(hcall4(H_PUT_TCE, PETREL_PHB_LIOBN(0), BUS(p, 0),
                     (uintptr_t)qmem[p] | PETREL_TCE_READ | PETREL_TCE_WRITE, 0,
                     NULL) == H_SUCCESS);
    status0 = status_reg(&d);
    CHECK(status0 & 0x10); /* capability list */
    msi_setup(&d, status0, src);
    hcall4(H_CPPR, 0xff, 0, 0, 0, NULL);
    xics_route(src[0], 5);
    virtio_init(&d);
    check_io(&d, src[0]);
    puts_("virtio: i/o through msi-x ok\n");
    {
        int chosen = fdt_path_offset(fdt, "/chosen");
        const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
        check_eeh(&d, status0, args && !strcmp(args, "qmp-eeh"));
    }
    report();
}
