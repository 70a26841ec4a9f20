/*
 * The PCI regression kernel: booted with -kernel on the flattened-tree
 * path under XICS, with petrel-pci-test (MSI, no MSI-X) on PHB 0 slot 0
 * and another on PHB 1 slot 2.  It drives the PHB the way Linux does --
 * RTAS config cycles, ibm,change-msi, ibm,query-interrupt-source-number,
 * the EEH calls, H_PUT_TCE -- and checks the rules real pseries bugs broke
 * (spec/rtas.md §6, §7, §9 (d), (e)):
 *   - the tree's function node has ibm,req#msi and no ibm,req#msi-x;
 *   - function 1 with 3 outputs and function 3 give the MSI-only device
 *     MSI; function 4 (MSI-X) is -3;
 *   - every parameter error is -3 (or -1) and leaves the MSI state --
 *     capability registers, status register, assigned numbers -- bit for
 *     bit as it was; the status register is never written by any call;
 *   - numbers are stable on re-query and re-request;
 *   - an MSI is delivered through XICS to the source RTAS named;
 *   - a DMA through an unmapped TCE freezes the PE (EEH enabled): MMIO
 *     reads all ones, no MSI; slot reset, configure, change-msi again and
 *     the interrupt and DMA work again.
 * Prints "pci: N checks, 0 failed" and powers off with 0 when all hold.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/irq.h>
#include <petrel/papr.h>
#include <petrel/pci.h>
#include <petrel/pcitest.h>
#include <petrel/service.h>

#include "hcall.h"
#include "kernel-pcilib.h"

static uint8_t dma_page[4096] __attribute__((aligned(4096)));
static uint8_t err_log[2048] __attribute__((aligned(16)));

/* A function: its PHB's BUID, config address, BAR in CPU space. */
struct dev {
    struct pci_fn fn;
    uint64_t bar;
    unsigned phb;
};

static uint32_t bar_read(const struct dev *d, uint32_t off)
{
    return rd32(d->bar + off);
}

static void bar_write(const struct dev *d, uint32_t off, uint32_t v)
{
    wr32(d->bar + off, v);
}

/* Everything an MSI change may touch, to compare bit for bit. */
#define MSI_CAP 0x40 /* petrel-pci-test's only capability */
struct msi_state {
    uint32_t status, ctl, addr_lo, addr_hi, data, source[5];
};

static void snapshot(const struct dev *d, struct msi_state *s)
{
    uint32_t out[2];

    s->status = cfg_read(&d->fn, 0x06, 2);
    s->ctl = cfg_read(&d->fn, MSI_CAP + 2, 2);
    s->addr_lo = cfg_read(&d->fn, MSI_CAP + 4, 4);
    s->addr_hi = cfg_read(&d->fn, MSI_CAP + 8, 4);
    s->data = cfg_read(&d->fn, MSI_CAP + 12, 2);
    for (uint32_t i = 0; i < 5; i++)
        s->source[i] = query_source(&d->fn, i, out) == 0 ? out[0] : 0xdead;
}

static bool same(const struct msi_state *a, const struct msi_state *b)
{
    return !memcmp(a, b, sizeof(*a));
}

/* Every malformed ibm,change-msi: refused, nothing changed. */
static void check_param_errors(const struct dev *d)
{
    struct msi_state before, after;
    uint32_t out[3], in[6];

    snapshot(d, &before);
    CHECK(change_msi(&d->fn, 4, 1, 4, out) == RTAS_PARAMETER_ERROR); /* no MSI-X capability */
    CHECK(change_msi(&d->fn, 5, 1, 4, out) == RTAS_PARAMETER_ERROR); /* no 32-bit MSI window */
    CHECK(change_msi(&d->fn, 6, 1, 4, out) == RTAS_PARAMETER_ERROR);
    CHECK(change_msi(&d->fn, 0xffffffff, 1, 4, out) == RTAS_PARAMETER_ERROR);
    CHECK(change_msi(&d->fn, 2, 1, 4, out) == RTAS_PARAMETER_ERROR); /* reset takes no count */
    {
        struct dev bad = *d;
        bad.fn.buid_lo += 7; /* no such PHB */
        CHECK(change_msi(&bad.fn, 3, 1, 4, out) == RTAS_PARAMETER_ERROR);
        bad = *d;
        bad.fn.cfg |= 1 << 16; /* bus 1 */
        CHECK(change_msi(&bad.fn, 3, 1, 4, out) == RTAS_PARAMETER_ERROR);
        bad = *d;
        bad.fn.cfg += 5 << 11; /* an empty slot */
        CHECK(change_msi(&bad.fn, 3, 1, 4, out) == RTAS_PARAMETER_ERROR);
        CHECK(query_source(&bad.fn, 0, out) == RTAS_PARAMETER_ERROR);
    }
    /* Wrong counts: the dispatcher refuses them before the call runs. */
    in[0] = d->fn.cfg, in[1] = d->fn.buid_hi, in[2] = d->fn.buid_lo, in[3] = 3, in[4] = 1,
    in[5] = 1;
    CHECK(rtas_call("ibm,change-msi", 6, 5, in, out) == RTAS_PARAMETER_ERROR);
    CHECK(rtas_call("ibm,change-msi", 6, 2, in, out) == RTAS_PARAMETER_ERROR);
    CHECK(rtas_call("ibm,change-msi", 5, 4, in, out) == RTAS_PARAMETER_ERROR);
    /* More than the device offers: the maximum, nothing allocated. */
    CHECK(change_msi(&d->fn, 3, 8, 4, out) == 0);
    CHECK(out[0] == PETREL_PCITEST_MSI_VECTORS);
    CHECK(change_msi(&d->fn, 3, 5, 4, out) == 0); /* 5 rounds to 8 */
    CHECK(out[0] == PETREL_PCITEST_MSI_VECTORS);
    snapshot(d, &after);
    CHECK(same(&before, &after));
}

/* XICS delivery of source n: route it, fire vector vec, accept, EOI. */
static bool delivered(const struct dev *d, uint32_t n, uint32_t vec)
{
    uint32_t in[3] = {n, 0, 5};
    unsigned long out[4];
    bool ok;

    if (rtas_call("ibm,set-xive", 3, 1, in, NULL) != 0)
        return false;
    hcall4(H_CPPR, 0xff, 0, 0, 0, NULL);
    bar_write(d, PETREL_PCITEST_FIRE, vec);
    hcall4(H_XIRR, 0, 0, 0, 0, out);
    ok = (out[0] & 0xffffff) == n;
    if ((out[0] & 0xffffff) != 0)
        hcall4(H_EOI, out[0], 0, 0, 0, NULL);
    in[2] = 0xff;
    rtas_call("ibm,set-xive", 3, 1, in, NULL);
    return ok;
}

static bool nothing_pending(void)
{
    unsigned long out[4];

    hcall4(H_CPPR, 0xff, 0, 0, 0, NULL);
    hcall4(H_IPOLL, 0, 0, 0, 0, out);
    return (out[0] & 0xffffff) == 0;
}

static void check_msi(const struct dev *d)
{
    struct msi_state s0, s1, s2;
    uint32_t out[3], src[4], first;

    snapshot(d, &s0);
    CHECK(s0.status & 0x10);                                        /* capability list */
    CHECK(query_source(&d->fn, 0, out) == RTAS_HARDWARE_ERROR);     /* nothing assigned */
    CHECK(change_msi(&d->fn, 3, 0, 4, out) == RTAS_HARDWARE_ERROR); /* nothing to release */
    check_param_errors(d);

    /* Function 1, 3 outputs: MSI, one vector. */
    CHECK(change_msi(&d->fn, 1, 1, 3, out) == 0);
    CHECK(out[0] == 1 && out[1] == 2);
    CHECK(query_source(&d->fn, 0, out) == 0);
    first = out[0];
    CHECK(out[1] == 1); /* edge */
    CHECK(first >= PETREL_PHB_MSI_FIRST(d->phb) &&
          first < PETREL_PHB_MSI_FIRST(d->phb) + PETREL_PHB_MSI_COUNT);
    CHECK(query_source(&d->fn, 1, out) == RTAS_HARDWARE_ERROR);
    snapshot(d, &s1);
    CHECK(s1.status == s0.status);
    CHECK(s1.addr_lo == (uint32_t)PETREL_PHB_MSI_ADDR &&
          s1.addr_hi == (uint32_t)(PETREL_PHB_MSI_ADDR >> 32));
    CHECK(!(s1.ctl & 1)); /* the enable bit is the OS's */
    check_param_errors(d);

    /* Function 3, 4 outputs: MSI, four vectors, consecutive; the same on
     * a second request. */
    CHECK(change_msi(&d->fn, 3, 4, 4, out) == 0);
    CHECK(out[0] == 4 && out[2] == 1);
    for (uint32_t i = 0; i < 4; i++) {
        CHECK(query_source(&d->fn, i, out) == 0);
        src[i] = out[0];
        CHECK(i == 0 || src[i] == src[0] + i);
    }
    CHECK(((s1.ctl = cfg_read(&d->fn, MSI_CAP + 2, 2)) >> 4 & 7) == 2); /* 4 messages enabled */
    CHECK(change_msi(&d->fn, 3, 4, 4, out) == 0);
    for (uint32_t i = 0; i < 4; i++)
        CHECK(query_source(&d->fn, i, out) == 0 && out[0] == src[i]);
    snapshot(d, &s2);
    CHECK(s2.status == s0.status);
    check_param_errors(d);

    /* Delivery: MSI on, bus master on; vector 2 raises src[2]. */
    cfg_write(&d->fn, MSI_CAP + 2, 2, cfg_read(&d->fn, MSI_CAP + 2, 2) | 1);
    cfg_write(&d->fn, 0x04, 2, 0x0006);
    CHECK(delivered(d, src[2], 2));
    CHECK(delivered(d, src[0], 0));
    CHECK(nothing_pending());
    CHECK(cfg_read(&d->fn, 0x06, 2) == s0.status);
    /* Not once did any call write the status register. */
    CHECK(bar_read(d, PETREL_PCITEST_STATUS_WRITES) == 0);
}

static void check_dma(const struct dev *d)
{
    uint32_t liobn = PETREL_PHB_LIOBN(d->phb);

    for (unsigned i = 0; i < 16; i++)
        dma_page[i] = (uint8_t)(0xc0 + i);
    CHECK(hcall4(H_PUT_TCE, liobn, 0x1000, (uintptr_t)dma_page | PETREL_TCE_READ | PETREL_TCE_WRITE,
                 0, NULL) == H_SUCCESS);
    bar_write(d, PETREL_PCITEST_DMA_LO, 0x1004);
    bar_write(d, PETREL_PCITEST_DMA_HI, 0);
    bar_write(d, PETREL_PCITEST_DMA_LEN, 8);
    bar_write(d, PETREL_PCITEST_DMA_CMD, PETREL_PCITEST_DMA_TO_BUF);
    CHECK(bar_read(d, PETREL_PCITEST_DMA_STATUS) == 1);
    CHECK(bar_read(d, PETREL_PCITEST_BUF) == 0xc7c6c5c4u);
    bar_write(d, PETREL_PCITEST_BUF, 0x11223344);
    bar_write(d, PETREL_PCITEST_DMA_CMD, PETREL_PCITEST_DMA_TO_BUS);
    CHECK(bar_read(d, PETREL_PCITEST_DMA_STATUS) == 1);
    CHECK(dma_page[4] == 0x44 && dma_page[7] == 0x11);
}

/* Freeze by a bad DMA, recover the way Linux does (rtas.md §7.2). */
static void check_eeh(const struct dev *d)
{
    uint32_t in[8], out[3], pe, src;
    uint32_t bar0 = cfg_read(&d->fn, 0x10, 4);

    in[0] = d->fn.cfg, in[1] = d->fn.buid_hi, in[2] = d->fn.buid_lo, in[3] = 1;
    CHECK(rtas_call("ibm,get-config-addr-info2", 4, 2, in, out) == 0 && out[0] == 1);
    in[3] = 0;
    CHECK(rtas_call("ibm,get-config-addr-info2", 4, 2, in, out) == 0);
    pe = out[0];
    CHECK(pe == (d->fn.cfg & 0xfff800));
    in[3] = 2;
    CHECK(rtas_call("ibm,get-config-addr-info2", 4, 2, in, out) == RTAS_PARAMETER_ERROR);
    CHECK(pe_call("ibm,set-eeh-option", &d->fn, pe, 7) == RTAS_PARAMETER_ERROR);
    CHECK(pe_call("ibm,set-eeh-option", &d->fn, pe + (9 << 11), 1) == RTAS_PARAMETER_ERROR);
    CHECK(pe_call("ibm,set-eeh-option", &d->fn, pe, 1) == 0);
    CHECK(slot_state(&d->fn, pe) == 0);

    /* No errors yet. */
    in[0] = pe, in[1] = d->fn.buid_hi, in[2] = d->fn.buid_lo, in[3] = 0, in[4] = 0;
    in[5] = (uint32_t)(uintptr_t)err_log, in[6] = sizeof(err_log), in[7] = 1;
    CHECK(rtas_call("ibm,slot-error-detail", 8, 1, in, NULL) == RTAS_NO_ERRORS);

    /* A DMA through an unmapped TCE freezes the PE. */
    bar_write(d, PETREL_PCITEST_DMA_LO, 0x7000);
    bar_write(d, PETREL_PCITEST_DMA_CMD, PETREL_PCITEST_DMA_TO_BUS);
    CHECK(slot_state(&d->fn, pe) == 2);
    CHECK(bar_read(d, PETREL_PCITEST_ID) == 0xffffffff);
    CHECK(cfg_read(&d->fn, 0, 4) == 0xffffffff);
    CHECK(rtas_call("ibm,slot-error-detail", 8, 1, in, NULL) == 0);
    CHECK(!memcmp(err_log + 8, "PEEH", 4) && err_log[0] == 6);
    CHECK(err_log[15] == PETREL_PE_ERR_DMA && err_log[27] == 0x00 && err_log[26] == 0x70);

    /* Thaw MMIO alone: config reads back, DMA still stopped (state 4). */
    CHECK(pe_call("ibm,set-eeh-option", &d->fn, pe, 2) == 0);
    CHECK(slot_state(&d->fn, pe) == 4);
    CHECK(cfg_read(&d->fn, 0, 2) == PETREL_PCITEST_VENDOR);

    /* Reset, release, configure. */
    CHECK(pe_call("ibm,set-slot-reset", &d->fn, pe, 2) == RTAS_PARAMETER_ERROR);
    CHECK(pe_call("ibm,set-slot-reset", &d->fn, pe, 1) == 0);
    CHECK(slot_state(&d->fn, pe) == 1);
    CHECK(pe_call("ibm,set-slot-reset", &d->fn, pe, 0) == 0);
    CHECK(slot_state(&d->fn, pe) == 0);
    CHECK(pe_call("ibm,configure-pe", &d->fn, pe, -1) == 0);
    CHECK(pe_call("ibm,configure-bridge", &d->fn, pe, -1) == 0);
    /* The reset cleared the device: MSI off, no numbers. */
    CHECK(cfg_read(&d->fn, 0x10, 4) == 0);
    CHECK(query_source(&d->fn, 0, out) == RTAS_HARDWARE_ERROR);
    /* What the OS restores, then its driver's change-msi. */
    cfg_write(&d->fn, 0x10, 4, bar0);
    cfg_write(&d->fn, 0x04, 2, 0x0006);
    CHECK(bar_read(d, PETREL_PCITEST_ID) == PETREL_PCITEST_MAGIC);
    CHECK(change_msi(&d->fn, 3, 1, 4, out) == 0 && out[0] == 1 && out[2] == 1);
    CHECK(query_source(&d->fn, 0, out) == 0);
    src = out[0];
    cfg_write(&d->fn, MSI_CAP + 2, 2, cfg_read(&d->fn, MSI_CAP + 2, 2) | 1);
    CHECK(delivered(d, src, 0));
    CHECK(nothing_pending());
    CHECK(bar_read(d, PETREL_PCITEST_STATUS_WRITES) == 0);
    check_dma(d);
}

static bool find_dev(const char *path, unsigned phb, uint32_t slot, struct dev *d)
{
    int node, len;
    const fdt32_t *aa;
    bool found;
    uint64_t pci, size;

    if (!pci_find(path, &d->fn))
        return false;
    node = d->fn.node;
    d->phb = phb;
    CHECK(d->fn.buid_hi == (uint32_t)((PETREL_PHB_BUID_BASE + phb) >> 32));
    CHECK(d->fn.buid_lo == (uint32_t)(PETREL_PHB_BUID_BASE + phb));
    CHECK(d->fn.cfg == slot << 11);
    /* The MSI facts as the capabilities are: MSI, no MSI-X. */
    CHECK(prop_u32(node, "ibm,req#msi", &found) == PETREL_PCITEST_MSI_VECTORS && found);
    CHECK(!fdt_getprop(fdt, node, "ibm,req#msi-x", &len));
    CHECK(prop_u32(node, "vendor-id", NULL) == PETREL_PCITEST_VENDOR);
    CHECK(prop_u32(node, "interrupts", NULL) == 1);
    CHECK(fdt_getprop(fdt, node, "ibm,loc-code", &len) != NULL);
    aa = fdt_getprop(fdt, node, "assigned-addresses", &len);
    CHECK(aa && len == 20);
    if (!aa || len != 20 || !pci_bar(&d->fn, 0x10, &d->bar, &pci, &size))
        return false;
    CHECK((fdt32_to_cpu(aa[0]) & 0xff) == 0x10);
    CHECK(pci >= PETREL_PHB_MMIO32_PCI);
    /* The PHB's ranges say what the contract says. */
    CHECK(d->bar ==
          PETREL_PHB_MMIO32_BASE + PETREL_PHB_MMIO32_SIZE * phb + (pci - PETREL_PHB_MMIO32_PCI));
    CHECK(size == PETREL_PCITEST_BAR_SIZE);
    return true;
}

void kernel_main(uint64_t r3)
{
    struct dev d0, d1;
    int phb;

    check_prefix = "pci";
    rtas_init(r3);
    phb = fdt_path_offset(fdt, "/pci@800000020000000");
    CHECK(phb >= 0 && prop_u32(phb, "ibm,pe-total-#msi", NULL) == PETREL_PHB_MSI_COUNT);
    if (!find_dev("/pci@800000020000000/pci1234,7e57@0", 0, 0, &d0) ||
        !find_dev("/pci@800000020000001/pci1234,7e57@2", 1, 2, &d1))
        fail("the test devices are not in the tree");
    /* The firmware turned memory decoding on: the BAR answers. */
    CHECK(bar_read(&d0, PETREL_PCITEST_ID) == PETREL_PCITEST_MAGIC);
    check_msi(&d0);
    check_dma(&d0);
    check_eeh(&d0);
    /* PHB 1 hands out its own numbers. */
    check_msi(&d1);
    report();
}
