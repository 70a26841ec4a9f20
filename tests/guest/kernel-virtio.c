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
#include "kernel-io.h"

void rtas_enter(void *args, uint64_t entry, uint64_t base);

struct rtas_block {
    uint32_t token, nargs, nret;
    uint32_t cell[16];
};

static const void *fdt;
static int rtas_node;
static uint64_t rtas_base, rtas_entry;
static struct rtas_block blk;
static unsigned checks, failures;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        checks++;                                                                                  \
        if (!(c)) {                                                                                \
            failures++;                                                                            \
            puts_("virtio FAIL kernel-virtio.c:");                                                 \
            put_dec(__LINE__);                                                                     \
            puts_(": " #c "\n");                                                                   \
        }                                                                                          \
    } while (0)

/* The queue's memory: descriptors, available ring, used ring, request
 * header and status, data; page p is bus address IOBA + p * 4096. */
#define IOBA  0x10000u
#define QSIZE 8u
enum { PG_DESC, PG_AVAIL, PG_USED, PG_HDR, PG_DATA, PAGES };
static uint8_t qmem[PAGES][4096] __attribute__((aligned(4096)));
#define BUS(pg, off) (IOBA + 4096u * (pg) + (off))

static const uint8_t disk_magic[] = "petrel-disk-data";

static uint32_t prop_u32(int node, const char *name, bool *found)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

    if (found)
        *found = p && len == 4;
    return p && len == 4 ? fdt32_to_cpu(*p) : 0;
}

static uint32_t token(const char *name)
{
    bool found;
    uint32_t t = prop_u32(rtas_node, name, &found);

    if (!found) {
        puts_(name);
        fail(": no token in /rtas");
    }
    return t;
}

static int32_t call(const char *name, uint32_t nargs, uint32_t nret, const uint32_t *in,
                    uint32_t *outv)
{
    blk.token = token(name), blk.nargs = nargs, blk.nret = nret;
    for (uint32_t i = 0; i < 16; i++)
        blk.cell[i] = 0x5a5a5a5a;
    for (uint32_t i = 0; i < nargs; i++)
        blk.cell[i] = in[i];
    rtas_enter(&blk, rtas_entry, rtas_base);
    for (uint32_t i = 1; outv && i < nret; i++)
        outv[i - 1] = blk.cell[nargs + i];
    return nret ? (int32_t)blk.cell[nargs] : 0;
}

/* The function: its PHB's BUID, config address, BARs in CPU space. */
struct dev {
    uint32_t buid_hi, buid_lo, cfg;
    uint32_t bar1_pci, bar4_lo, bar4_hi; /* as assigned, to restore */
    uint64_t msix, regs;                 /* BAR 1 and BAR 4 */
    uint32_t msix_cap;
};

static uint32_t cfg_read(const struct dev *d, uint32_t reg, uint32_t size)
{
    uint32_t in[4] = {d->cfg | reg, d->buid_hi, d->buid_lo, size}, out[1] = {0};

    CHECK(call("ibm,read-pci-config", 4, 2, in, out) == 0);
    return out[0];
}

static void cfg_write(const struct dev *d, uint32_t reg, uint32_t size, uint32_t v)
{
    uint32_t in[5] = {d->cfg | reg, d->buid_hi, d->buid_lo, size, v};

    CHECK(call("ibm,write-pci-config", 5, 1, in, NULL) == 0);
}

/* Little-endian registers from a big-endian CPU: byte-reversed accesses. */
static uint32_t rd32(uint64_t a)
{
    uint32_t v;

    __asm__ volatile("sync; lwbrx %0, 0, %1; eieio" : "=r"(v) : "r"(a) : "memory");
    return v;
}

static void wr32(uint64_t a, uint32_t v)
{
    __asm__ volatile("sync; stwbrx %0, 0, %1; eieio" : : "r"(v), "r"(a) : "memory");
}

static uint16_t rd16(uint64_t a)
{
    uint16_t v;

    __asm__ volatile("sync; lhbrx %0, 0, %1; eieio" : "=r"(v) : "r"(a) : "memory");
    return v;
}

static void wr16(uint64_t a, uint16_t v)
{
    __asm__ volatile("sync; sthbrx %0, 0, %1; eieio" : : "r"(v), "r"(a) : "memory");
}

static uint8_t rd8(uint64_t a)
{
    uint8_t v = *(volatile uint8_t *)(uintptr_t)a;

    __asm__ volatile("eieio" ::: "memory");
    return v;
}

static void wr8(uint64_t a, uint8_t v)
{
    __asm__ volatile("sync" ::: "memory");
    *(volatile uint8_t *)(uintptr_t)a = v;
    __asm__ volatile("eieio" ::: "memory");
}

static void put_le(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static int32_t change_msi(const struct dev *d, uint32_t fn, uint32_t n, uint32_t nret,
                          uint32_t *out)
{
    uint32_t in[6] = {d->cfg, d->buid_hi, d->buid_lo, fn, n, 1};

    return call("ibm,change-msi", 6, nret, in, out);
}

static int32_t query_source(const struct dev *d, uint32_t index, uint32_t *out)
{
    uint32_t in[4] = {d->cfg, d->buid_hi, d->buid_lo, index};

    return call("ibm,query-interrupt-source-number", 4, 3, in, out);
}

static uint32_t status_reg(const struct dev *d)
{
    return cfg_read(d, 0x06, 2);
}

/* (a): MSI never, MSI-X through functions 1 and 4, the status register
 * untouched by every call.  Returns the vector 0 and 1 sources. */
static void msi_setup(const struct dev *d, uint32_t status0, uint32_t src[2])
{
    uint32_t out[3], again[3];

    CHECK(change_msi(d, 3, 1, 4, out) == RTAS_PARAMETER_ERROR); /* MSI: no capability */
    CHECK(status_reg(d) == status0);
    CHECK(query_source(d, 0, out) == RTAS_HARDWARE_ERROR); /* nothing assigned */
    CHECK(change_msi(d, 1, 2, 4, out) == 0);               /* MSI or MSI-X: MSI-X */
    CHECK(out[0] == 2 && out[2] == 2);
    CHECK(status_reg(d) == status0);
    for (uint32_t i = 0; i < 2; i++) {
        CHECK(query_source(d, i, out) == 0);
        src[i] = out[0];
        CHECK(src[i] >= PETREL_PHB_MSI_FIRST(0) &&
              src[i] < PETREL_PHB_MSI_FIRST(0) + PETREL_PHB_MSI_COUNT);
    }
    CHECK(change_msi(d, 4, 2, 4, out) == 0 && out[0] == 2 && out[2] == 2);
    CHECK(status_reg(d) == status0);
    CHECK(change_msi(d, 3, 2, 4, out) == RTAS_PARAMETER_ERROR);
    CHECK(change_msi(d, 3, 2, 3, out) == RTAS_PARAMETER_ERROR);
    CHECK(status_reg(d) == status0);
    /* Stable: the same numbers after every request and refusal. */
    for (uint32_t i = 0; i < 2; i++)
        CHECK(query_source(d, i, again) == 0 && again[0] == src[i]);
    /* No MSI capability came into being. */
    for (uint32_t cap = cfg_read(d, 0x34, 1); cap; cap = cfg_read(d, cap + 1, 1))
        CHECK(cfg_read(d, cap, 1) != 0x05);
    /* The OS's part: memory, bus master, MSI-X on, vectors unmasked. */
    cfg_write(d, 0x04, 2, 0x0006);
    cfg_write(d, d->msix_cap + 2, 2, cfg_read(d, d->msix_cap + 2, 2) | 0x8000);
    for (uint32_t i = 0; i < 2; i++) {
        /* RTAS wrote the message: the PHB's MSI address, a table entry. */
        CHECK(rd32(d->msix + 16 * i) == (uint32_t)PETREL_PHB_MSI_ADDR);
        CHECK(rd32(d->msix + 16 * i + 4) == (uint32_t)(PETREL_PHB_MSI_ADDR >> 32));
        CHECK(rd32(d->msix + 16 * i + 8) < PETREL_PHB_MSI_COUNT);
        wr32(d->msix + 16 * i + 12, 0);
    }
    CHECK(status_reg(d) == status0);
}

static void route(uint32_t src, uint32_t prio)
{
    uint32_t in[3] = {src, 0, prio};

    CHECK(call("ibm,set-xive", 3, 1, in, NULL) == 0);
}

/* The pending interrupt (0: none), EOI'd. */
static uint32_t take_interrupt(void)
{
    unsigned long out[4];

    hcall4(H_XIRR, 0, 0, 0, 0, out);
    if ((out[0] & 0xffffff) != 0)
        hcall4(H_EOI, out[0], 0, 0, 0, NULL);
    return (uint32_t)(out[0] & 0xffffff);
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
    CHECK(rd32(c + VIRTIO_COMMON_DF) & 1); /* VERSION_1 */
    wr32(c + VIRTIO_COMMON_GFSELECT, 1);
    wr32(c + VIRTIO_COMMON_GF, 1);
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
    CHECK(take_interrupt() == src0);
    /* Write sector 5, flush, read it back. */
    for (unsigned i = 0; i < 512; i++)
        data[i] = (uint8_t)(i * 13 + 5);
    CHECK(blk_request(d, VIRTIO_BLK_T_OUT, 5, BUS(PG_DATA, 0), 512) == VIRTIO_BLK_S_OK);
    CHECK(take_interrupt() == src0);
    CHECK(get_le(qmem[PG_USED] + 4 + 8 * 1 + 4, 4) == 1); /* only the status written */
    CHECK(blk_request(d, VIRTIO_BLK_T_FLUSH, 0, 0, 0) == VIRTIO_BLK_S_OK);
    CHECK(take_interrupt() == src0);
    memset(data, 0, 512);
    CHECK(blk_request(d, VIRTIO_BLK_T_IN, 5, BUS(PG_DATA, 0), 512) == VIRTIO_BLK_S_OK);
    CHECK(take_interrupt() == src0);
    CHECK(get_le(qmem[PG_USED] + 4 + 8 * 3 + 4, 4) == 513);
    for (unsigned i = 0; i < 512; i++)
        if (data[i] != (uint8_t)(i * 13 + 5)) {
            CHECK(data[i] == (uint8_t)(i * 13 + 5));
            break;
        }
    CHECK(take_interrupt() == 0);
}

static uint32_t slot_state(const struct dev *d, uint32_t pe)
{
    uint32_t in[3] = {pe, d->buid_hi, d->buid_lo}, out[3] = {9, 9, 9};

    CHECK(call("ibm,read-slot-reset-state2", 3, 4, in, out) == 0);
    return out[0];
}

static int32_t pe_call(const char *name, const struct dev *d, uint32_t pe, int32_t opt)
{
    uint32_t in[4] = {pe, d->buid_hi, d->buid_lo, (uint32_t)opt};

    return call(name, opt < 0 ? 3 : 4, 1, in, NULL);
}

/* (b): freeze, recover as Linux does (rtas.md §7.2), and the data is
 * there. */
static void check_eeh(const struct dev *d, uint32_t status0)
{
    uint32_t in[4] = {d->cfg, d->buid_hi, d->buid_lo, 0}, out[3], pe, src[2];
    uint8_t *data = qmem[PG_DATA];

    CHECK(call("ibm,get-config-addr-info2", 4, 2, in, out) == 0);
    pe = out[0];
    CHECK(pe_call("ibm,set-eeh-option", d, pe, 1) == 0);
    CHECK(slot_state(d, pe) == 0);
    /* The error: a data buffer at a bus address no TCE maps. */
    CHECK(blk_request(d, VIRTIO_BLK_T_IN, 5, 0x800000, 512) == 0xee);
    CHECK(slot_state(d, pe) == 2);
    CHECK(rd32(d->regs) == 0xffffffff); /* MMIO frozen */
    CHECK(take_interrupt() == 0);       /* no MSI from a frozen PE */
    /* Recovery. */
    CHECK(pe_call("ibm,set-slot-reset", d, pe, 1) == 0);
    CHECK(slot_state(d, pe) == 1);
    CHECK(pe_call("ibm,set-slot-reset", d, pe, 0) == 0);
    CHECK(pe_call("ibm,configure-pe", d, pe, -1) == 0);
    CHECK(slot_state(d, pe) == 0);
    CHECK(query_source(d, 0, out) == RTAS_HARDWARE_ERROR); /* the reset freed them */
    cfg_write(d, 0x14, 4, d->bar1_pci);
    cfg_write(d, 0x20, 4, d->bar4_lo);
    cfg_write(d, 0x24, 4, d->bar4_hi);
    cfg_write(d, 0x04, 2, 0x0006);
    CHECK(status_reg(d) == status0);
    msi_setup(d, status0, src);
    route(src[0], 5);
    virtio_init(d);
    memset(data, 0, 512);
    CHECK(blk_request(d, VIRTIO_BLK_T_IN, 5, BUS(PG_DATA, 0), 512) == VIRTIO_BLK_S_OK);
    CHECK(take_interrupt() == src[0]);
    CHECK(data[0] == 5 && data[1] == 18 && data[511] == (uint8_t)(511 * 13 + 5));
    CHECK(status_reg(d) == status0);
}

static bool find_dev(struct dev *d)
{
    int node = fdt_path_offset(fdt, "/pci@800000020000000/pci1af4,1042@0"), len;
    const fdt32_t *aa;
    bool found;

    if (node < 0)
        return false;
    d->buid_hi = (uint32_t)(PETREL_PHB_BUID_BASE >> 32);
    d->buid_lo = (uint32_t)PETREL_PHB_BUID_BASE;
    d->cfg = 0;
    /* (a) MSI-X only: ibm,req#msi-x, never ibm,req#msi. */
    CHECK(!fdt_getprop(fdt, node, "ibm,req#msi", &len));
    CHECK(prop_u32(node, "ibm,req#msi-x", &found) == PETREL_VIRTIO_MSIX_VECTORS && found);
    CHECK(prop_u32(node, "interrupts", NULL) == 1);
    aa = fdt_getprop(fdt, node, "assigned-addresses", &len);
    CHECK(aa && len == 40);
    if (!aa || len != 40)
        return false;
    for (unsigned i = 0; i < 2; i++) {
        const fdt32_t *e = aa + 5 * i;
        uint32_t reg = fdt32_to_cpu(e[0]) & 0xff;
        uint64_t pci = (uint64_t)fdt32_to_cpu(e[1]) << 32 | fdt32_to_cpu(e[2]);
        if (reg == 0x14) {
            d->bar1_pci = (uint32_t)pci;
            d->msix = PETREL_PHB_MMIO32_BASE + (pci - PETREL_PHB_MMIO32_PCI);
        } else if (reg == 0x20) {
            d->bar4_lo = (uint32_t)pci | 4; /* the 64-bit type bits */
            d->bar4_hi = (uint32_t)(pci >> 32);
            d->regs = pci; /* the 64-bit window: CPU = PCI */
        }
    }
    CHECK(d->msix && d->regs);
    for (uint32_t cap = cfg_read(d, 0x34, 1); cap; cap = cfg_read(d, cap + 1, 1))
        if (cfg_read(d, cap, 1) == 0x11)
            d->msix_cap = cap;
    CHECK(d->msix_cap);
    return d->msix && d->regs && d->msix_cap;
}

void kernel_main(uint64_t r3)
{
    struct dev d;
    uint32_t status0, src[2];

    fdt = (const void *)(uintptr_t)r3;
    if (fdt_check_header(fdt))
        fail("r3 is not a tree");
    rtas_node = fdt_path_offset(fdt, "/rtas");
    if (rtas_node < 0)
        fail("no /rtas");
    rtas_base = token("linux,rtas-base");
    rtas_entry = token("linux,rtas-entry");
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
    route(src[0], 5);
    virtio_init(&d);
    check_io(&d, src[0]);
    puts_("virtio: i/o through msi-x ok\n");
    check_eeh(&d, status0);
    puts_("virtio: ");
    put_dec(checks);
    puts_(" checks, ");
    put_dec(failures);
    puts_(" failed\n");
    power_off(failures ? 1 : 0);
}
