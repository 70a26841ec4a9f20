/*
 * The device tree the OS sees (spec/device-tree.md), built from the host's
 * hardware facts.  Platform policy -- names, CPU feature bytes, what the
 * platform offers at CAS -- is decided here, in the firmware.
 *
 * Emitted: / (§2), /chosen (§3), /cpus with one node per core (§4),
 * memory@... (§5.1), the interrupt controllers the machine offers (§8,
 * §9: both until CAS picks one), /rtas with ibm,hypertas-functions and the
 * RTAS image the caller publishes (§6), /vdevice with the hvterm (§7.1)
 * and its interrupt, and the NVRAM (§7.2), /event-sources with the EPOW source (§11), /aliases with
 * "hvterm" for it (the alias SLOF's tree has, which finddevice and open resolve,
 * spec/boot-and-cif.md §4).
 *
 * Not emitted, because the machinery behind them does not exist yet and a
 * property without it would be a lie: NUMA and DR
 * connector tables, ibm,chip-id (no socket fact), vm,uuid (no UUID
 * option).  /chosen stdout, stdin and cpu are ihandles: the client
 * interface adds them to its own copy (cif.c).  rtas-size and the RTAS
 * tokens come from the RTAS image (rtas.c) through the caller.
 *
 * Every node gets a phandle from one counter, so handles are unique and
 * stable for a given machine.
 */
#include <stdbool.h>
#include <string.h>

#include <stdio.h>

#include <libfdt.h>
#include <petrel/irq.h>
#include <petrel/pci.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#include "devtree.h"
#include "offer.h"

/* --------------------------------------------------------- validation -- */

#define MAX_THREADS 8

const char *devtree_check_facts(const struct hw_facts *hw)
{
    struct cpu_plan plan;
    const char *why;

    if (hw->ram_base != 0 || hw->ram_size == 0)
        return "RAM must start at 0 (memory@0 is the RMA)";
    why = cpu_plan_make(hw, &plan);
    if (why)
        return why;
    if (hw->ncpus == 0 || hw->ncpus > HWDESC_MAX_CPUS)
        return "no vCPUs, or too many";
    /* Linux reads threads-per-core server numbers from every cpu node
     * (smp_setup_cpu_maps), and SMT masks need a power of two (§4.4);
     * POWER8 and POWER9 cores have at most 8 threads. */
    if (hw->threads == 0 || hw->threads > MAX_THREADS || (hw->threads & (hw->threads - 1)))
        return "threads per core must be 1, 2, 4 or 8";
    if (hw->ncpus % hw->threads)
        return "the vCPUs do not fill whole cores";
    if (hw->tb_freq == 0)
        return "no timebase frequency";
    /* A pre-3.00 guest can only ask for XICS (cas.md §3). */
    if (hw->ic_mode == HW_IC_XIVE && plan.level < LEVEL_300)
        return "ic-mode=xive needs a CPU running at ISA 3.00 (POWER9)";
    /* Interrupt servers are the vCPU ids; XIVE has one IPI per server. */
    if (devtree_nr_servers(hw) > PETREL_IRQ_IPI_COUNT)
        return "more interrupt servers than IPI numbers";
    return NULL;
}

uint32_t devtree_nr_servers(const struct hw_facts *hw)
{
    uint32_t n = hw->max_cpus;

    for (unsigned i = 0; i < hw->ncpus && i < HWDESC_MAX_CPUS; i++)
        if (hw->cpu[i].id >= n)
            n = hw->cpu[i].id + 1;
    return n;
}

/* ------------------------------------------------------------ builder -- */

struct builder {
    void *fdt;
    int err;             /* first libfdt error; nothing more is written after it */
    uint32_t phandle;    /* last one given out */
    uint32_t ic_phandle; /* the interrupt controller interrupt-map entries name */
};

static void note(struct builder *b, int ret)
{
    if (ret < 0 && !b->err)
        b->err = ret;
}

static void prop(struct builder *b, const char *name, const void *val, int len)
{
    if (!b->err)
        note(b, fdt_property(b->fdt, name, val, len));
}

static void prop_empty(struct builder *b, const char *name)
{
    prop(b, name, "", 0);
}

static void prop_string(struct builder *b, const char *name, const char *s)
{
    prop(b, name, s, (int)strlen(s) + 1);
}

static void prop_u32(struct builder *b, const char *name, uint32_t v)
{
    if (!b->err)
        note(b, fdt_property_u32(b->fdt, name, v));
}

static void prop_cells(struct builder *b, const char *name, const uint32_t *v, unsigned n)
{
    fdt32_t *p;

    if (b->err)
        return;
    note(b, fdt_property_placeholder(b->fdt, name, (int)(n * sizeof(*p)), (void **)&p));
    for (unsigned i = 0; !b->err && i < n; i++)
        p[i] = cpu_to_fdt32(v[i]);
}

static void prop_u64s(struct builder *b, const char *name, const uint64_t *v, unsigned n)
{
    fdt64_t *p;

    if (b->err)
        return;
    note(b, fdt_property_placeholder(b->fdt, name, (int)(n * sizeof(*p)), (void **)&p));
    for (unsigned i = 0; !b->err && i < n; i++)
        fdt64_st(&p[i], v[i]);
}

static void begin_node(struct builder *b, const char *name)
{
    if (!b->err)
        note(b, fdt_begin_node(b->fdt, name));
    prop_u32(b, "phandle", ++b->phandle);
}

static void end_node(struct builder *b)
{
    if (!b->err)
        note(b, fdt_end_node(b->fdt));
}

/* "<base>@<unit in hex>", the name@unit form the CIF path lookup needs. */
static const char *unit_name(char *buf, size_t len, const char *base, uint64_t unit)
{
    char digits[16];
    size_t n = strlen(base), d = 0;

    do {
        digits[d++] = "0123456789abcdef"[unit & 0xf];
        unit >>= 4;
    } while (unit);
    if (n + 1 + d + 1 > len)
        return "";
    memcpy(buf, base, n);
    buf[n++] = '@';
    while (d)
        buf[n++] = digits[--d];
    buf[n] = '\0';
    return buf;
}

#define NAME_MAX_LEN 48

/*
 * The interpreter has no clock of its own; clock-frequency is only
 * reported (/proc/cpuinfo), and Linux warns and assumes 1 GHz without it.
 * 1 GHz is also what QEMU's TCG reports.
 */
#define CPU_CLOCK_HZ 1000000000u

/* Without a -name the partition is called after the platform. */
#define PARTITION_NAME_DEFAULT "petrel"

static void build_root(struct builder *b, const struct hw_facts *hw, const struct cas_offer *o)
{
    static const uint32_t reserved_prios[] = {PETREL_XIVE_PRIO_RESERVED_BASE,
                                              PETREL_XIVE_PRIO_RESERVED_COUNT};

    /* pseries detection needs device_type "chrp" (§2); compatible names
     * petrel alone: "qemu,pseries" would make lscpu and systemd-detect-virt
     * report a QEMU/KVM guest, and the kernel does not read it. */
    prop_string(b, "device_type", "chrp");
    prop_string(b, "model", "IBM pSeries (emulated by petrel)");
    prop_string(b, "compatible", "petrel,pseries");
    prop_u32(b, "#address-cells", 2);
    prop_u32(b, "#size-cells", 2);
    /* lparcfg and the service tools report it. */
    prop_string(b, "ibm,partition-name",
                hw->partition_name ? hw->partition_name : PARTITION_NAME_DEFAULT);
    /* XIVE's init fails without it (§2, irq.md §3.5); CAS removes it when
     * the OS picks XICS. */
    if (o->xive)
        prop_cells(b, DEVTREE_PLAT_RES_PRIOS, reserved_prios, 2);
}

static void build_chosen(struct builder *b, const struct hw_facts *hw, const struct cas_offer *o)
{
    char path[NAME_MAX_LEN + 16];
    uint8_t pairs[OFFER_PAIRS_LEN];

    begin_node(b, "chosen");
    prop_string(b, "bootargs", hw->bootargs ? hw->bootargs : "");
    if (hw->initrd_size) {
        /* Two cells each, as prom_init writes them: no 4 GiB limit. */
        uint64_t start = hw->initrd_base, end = hw->initrd_base + hw->initrd_size;
        prop_u64s(b, "linux,initrd-start", &start, 1);
        prop_u64s(b, "linux,initrd-end", &end, 1);
    }
    memcpy(path, "/vdevice/", 9);
    unit_name(path + 9, sizeof(path) - 9, "vty", hw->vterm);
    prop_string(b, "stdout-path", path);
    prop_string(b, "linux,stdout-path", path);
    /* What the OS may ask for at CAS (cas.md §3); offer.c is the policy. */
    offer_pairs(o, pairs);
    prop(b, "ibm,arch-vec-5-platform-support", pairs, sizeof(pairs));
    end_node(b);
}

static void build_cpu(struct builder *b, const struct hw_facts *hw, const struct cpu_plan *plan,
                      const struct cas_offer *o, const struct hw_cpu *threads)
{
    const struct cpu_model *m = plan->model;
    char name[NAME_MAX_LEN];
    uint32_t servers[MAX_THREADS], gservers[2 * MAX_THREADS];

    for (unsigned t = 0; t < hw->threads; t++) {
        servers[t] = threads[t].id;
        gservers[2 * t] = threads[t].id;
        gservers[2 * t + 1] = 0;
    }
    begin_node(b, unit_name(name, sizeof(name), m->name, threads[0].id));
    prop_string(b, "device_type", "cpu");
    prop_u32(b, "reg", threads[0].id);
    /* Hardware thread ids = interrupt servers; the length is the SMT width. */
    prop_cells(b, "ibm,ppc-interrupt-server#s", servers, hw->threads);
    /* XICS reads the boot thread's global distribution server here (§4):
     * server 0, as every thread's. */
    prop_cells(b, "ibm,ppc-interrupt-gserver#s", gservers, 2 * hw->threads);
    prop_u32(b, "cpu-version", plan->cpu_version);
    prop_string(b, "status", "okay");
    prop_empty(b, "64-bit");
    /* Without it Linux guesses 125 MHz and time runs 4x wrong (§4). */
    prop_u32(b, "timebase-frequency", hw->tb_freq);
    prop_u32(b, "clock-frequency", CPU_CLOCK_HZ);
    prop_u32(b, "d-cache-block-size", m->cache_line);
    prop_u32(b, "d-cache-line-size", m->cache_line);
    prop_u32(b, "d-cache-size", m->l1_size);
    prop_u32(b, "i-cache-block-size", m->cache_line);
    prop_u32(b, "i-cache-line-size", m->cache_line);
    prop_u32(b, "i-cache-size", m->l1_size);
    /* Linux reads slb-size first, then ibm,slb-size. */
    prop_u32(b, "slb-size", m->slb_size);
    prop_u32(b, "ibm,slb-size", m->slb_size);
    prop_cells(b, "ibm,processor-segment-sizes", segment_sizes, n_segment_sizes);
    prop_cells(b, "ibm,segment-page-sizes", segment_page_sizes, n_segment_page_sizes);
    if (o->hash) {
        /* The HPT a hash guest gets (petrel allocates it when CAS chooses
         * hash): log2 of its size (§4, hcalls.md §3.4). */
        const uint32_t pft[] = {0, petrel_hpt_shift_for_ram(hw->ram_size)};
        prop_cells(b, "ibm,pft-size", pft, 2);
    }
    if (m->radix_ap) {
        /* Without it Linux assumes 4K and 64K only: no 2M/1G mappings. */
        prop_cells(b, "ibm,processor-radix-AP-encodings", m->radix_ap, m->radix_ap_len);
        prop_u32(b, "ibm,mmu-pid-bits", m->mmu_pid_bits);
    }
    prop(b, "ibm,pa-features", plan->level->pa_features, (int)plan->level->pa_features_len);
    /* 2 = VMX and VSX: Debian's userspace needs both (cpu.md §0). */
    prop_u32(b, "ibm,vmx", 2);
    /* No decimal FP in petrel: 0 keeps PPC_FEATURE_HAS_DFP clear. */
    prop_u32(b, "ibm,dfp", 0);
    /* PURR and SPURR exist (they count with the timebase here). */
    prop_u32(b, "ibm,purr", 1);
    prop_u32(b, "ibm,spurr", 1);
    if (m->dec_bits)
        prop_u32(b, "ibm,dec-bits", m->dec_bits);
    end_node(b);
}

/* One node per core, named and reg'd by thread 0, in ascending order (§4). */
static void build_cpus(struct builder *b, const struct hw_facts *hw, const struct cpu_plan *plan,
                       const struct cas_offer *o)
{
    begin_node(b, "cpus");
    prop_u32(b, "#address-cells", 1);
    prop_u32(b, "#size-cells", 0);
    for (unsigned core = 0; core < hw->ncpus / hw->threads; core++)
        build_cpu(b, hw, plan, o, &hw->cpu[core * hw->threads]);
    end_node(b);
}

static void build_memory_node(struct builder *b, uint64_t base, uint64_t size)
{
    /* NUMA node 0, FORM1 (§5.1).  With no reference points in /rtas Linux
     * runs without NUMA, which is right for one node. */
    static const uint32_t associativity[] = {4, 0, 0, 0, 0};
    uint64_t reg[2] = {base, size};
    char name[NAME_MAX_LEN];

    begin_node(b, unit_name(name, sizeof(name), "memory", base));
    prop_string(b, "device_type", "memory");
    prop_u64s(b, "reg", reg, 2);
    prop_cells(b, "ibm,associativity", associativity, 5);
    end_node(b);
}

/* The VRMA is one 1 TiB segment, so the RMA can never be larger. */
#define RMA_MAX (1ull << 40)

/*
 * memory@0 is exactly the RMA: prom_init and the hash MMU take its size as
 * the real-mode limit (§5.1).  The rest follows in naturally aligned
 * power-of-two blocks, as QEMU lays it out.
 */
static void build_memory(struct builder *b, const struct hw_facts *hw)
{
    uint64_t left = hw->ram_size, base = 0, chunk;

    chunk = left < RMA_MAX ? left : RMA_MAX;
    build_memory_node(b, 0, chunk);
    for (base = chunk, left -= chunk; left; base += chunk, left -= chunk) {
        chunk = 1ull << (63 - __builtin_clzll(left));
        if ((base & -base) < chunk)
            chunk = base & -base;
        build_memory_node(b, base, chunk);
    }
}

/*
 * XICS (§8): the ICP is reached through hcalls and the ICS through RTAS,
 * so the node has no reg; the servers are the vCPU ids.
 */
static void build_xics(struct builder *b, const struct hw_facts *hw)
{
    const uint32_t servers[] = {0, devtree_nr_servers(hw)};

    begin_node(b, "interrupt-controller");
    if (!b->ic_phandle)
        b->ic_phandle = b->phandle;
    prop_string(b, "device_type", "PowerPC-External-Interrupt-Presentation");
    prop_string(b, "compatible", DEVTREE_XICS_COMPATIBLE);
    prop_empty(b, "interrupt-controller");
    prop_u32(b, "#interrupt-cells", 2);
    prop_u32(b, "#address-cells", 0);
    prop_cells(b, "ibm,interrupt-server-ranges", servers, 2);
    end_node(b);
}

/*
 * XIVE exploitation mode (§9), at the addresses of the contract
 * (include/petrel/irq.h): reg is the user TIMA page, then the OS page
 * Linux maps; the IPI numbers are one per server from 0.
 */
static void build_xive(struct builder *b, const struct hw_facts *hw)
{
    const uint64_t reg[] = {PETREL_XIVE_TIMA_USER_PAGE, PETREL_XIVE_TIMA_PAGE_SIZE,
                            PETREL_XIVE_TIMA_OS_PAGE, PETREL_XIVE_TIMA_PAGE_SIZE};
    const uint32_t lisns[] = {PETREL_IRQ_IPI_BASE, devtree_nr_servers(hw)};
    static const uint32_t eq_sizes[] = {PETREL_XIVE_EQ_SHIFT_4K, PETREL_XIVE_EQ_SHIFT_64K};
    char name[NAME_MAX_LEN];

    begin_node(b, unit_name(name, sizeof(name), "interrupt-controller", reg[0]));
    if (!b->ic_phandle)
        b->ic_phandle = b->phandle;
    prop_string(b, "device_type", "power-ivpe");
    prop_string(b, "compatible", DEVTREE_XIVE_COMPATIBLE);
    prop_u64s(b, "reg", reg, 4);
    prop_cells(b, "ibm,xive-eq-sizes", eq_sizes, 2);
    prop_cells(b, "ibm,xive-lisn-ranges", lisns, 2);
    prop_empty(b, "interrupt-controller");
    prop_u32(b, "#interrupt-cells", 2);
    prop_u32(b, "#address-cells", 0);
    end_node(b);
}

/*
 * Both carry #address-cells = 0: an interrupt-map entry holds no parent
 * unit address (Linux reads an absent one as 0; dtc warns without it).
 *
 * Every controller the OS may pick at CAS, XICS first: in dual mode XICS
 * runs from power-on, so its node holds the phandle that interrupt
 * references use, and CAS hands that phandle to the survivor (devtree.h).
 */
static void build_interrupt_controllers(struct builder *b, const struct hw_facts *hw,
                                        const struct cas_offer *o)
{
    if (o->xics)
        build_xics(b, hw);
    if (o->xive)
        build_xive(b, hw);
}

static bool rtas_has(const struct devtree_rtas *rtas, const char *name)
{
    for (unsigned i = 0; i < rtas->ncalls; i++)
        if (!strcmp(rtas->calls[i].name, name))
            return true;
    return false;
}

/*
 * /rtas (§6): ibm,hypertas-functions verbatim from the host, whose hcall
 * table it is, so no hcall is advertised that is not served.  With an
 * RTAS image: its size and version, one token property per call it
 * implements, and the flags that promise behaviour of particular calls --
 * each only when that call is in the table.
 */
static void build_rtas(struct builder *b, const struct hw_facts *hw,
                       const struct devtree_rtas *rtas)
{
    begin_node(b, "rtas");
    if (hw->hypertas)
        prop(b, "ibm,hypertas-functions", hw->hypertas, hw->hypertas_len);
    if (rtas && rtas->size) {
        prop_u32(b, "rtas-size", rtas->size);
        prop_u32(b, "rtas-version", rtas->version);
        /* Linux clamps its error-log buffers to this (§6.1). */
        prop_u32(b, "rtas-error-log-max", RTAS_ERROR_LOG_MAX);
        /* 0 or absent stops Linux's event-scan thread. */
        if (rtas_has(rtas, "event-scan"))
            prop_u32(b, "rtas-event-scan-rate", 1);
        /* ibm,change-msi may be asked for MSI-X (rtas.md §6.1). */
        if (rtas_has(rtas, "ibm,change-msi"))
            prop_empty(b, "ibm,change-msix-capable");
        /* Linux calls ibm,os-term only when this is present. */
        if (rtas_has(rtas, "ibm,os-term"))
            prop_empty(b, "ibm,extended-os-term");
        /* The types ibm,errinjct takes: each name with its NUL, then its
         * token as a cell (what the error injection tools parse). */
        if (rtas_has(rtas, "ibm,errinjct") && rtas->nerrinjct) {
            uint8_t types[256];
            size_t len = 0;
            for (unsigned i = 0; i < rtas->nerrinjct; i++) {
                size_t n = strlen(rtas->errinjct[i].name) + 1;
                uint32_t t = rtas->errinjct[i].token;
                if (len + n + 4 > sizeof(types))
                    break;
                memcpy(types + len, rtas->errinjct[i].name, n);
                len += n;
                types[len++] = (uint8_t)(t >> 24), types[len++] = (uint8_t)(t >> 16);
                types[len++] = (uint8_t)(t >> 8), types[len++] = (uint8_t)t;
            }
            prop(b, "ibm,errinjct-tokens", types, (unsigned)len);
        }
        for (unsigned i = 0; i < rtas->ncalls; i++)
            prop_u32(b, rtas->calls[i].name, rtas->calls[i].token);
    }
    end_node(b);
}

/* A function's generic name from its class (IEEE 1275 PCI binding 2.1,
 * §10.1), or "pci<vendor>,<device>". */
static const char *pci_name(char *buf, size_t len, const struct fw_pci_fn *f)
{
    static const struct {
        uint16_t class;
        const char *name;
    } names[] = {
        {0x0100, "scsi"},    {0x0101, "ide"}, {0x0106, "sata"}, {0x0200, "ethernet"},
        {0x0300, "display"}, {0x0c03, "usb"}, {0x0604, "pci"},
    };
    char base[24];
    int n;

    snprintf(base, sizeof(base), "pci%x,%x", f->vendor, f->device);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].class == f->class_code >> 8)
            snprintf(base, sizeof(base), "%s", names[i].name);
    if (f->devfn & 7)
        n = snprintf(buf, len, "%s@%x,%x", base, f->devfn >> 3, f->devfn & 7);
    else
        n = snprintf(buf, len, "%s@%x", base, f->devfn >> 3);
    return n > 0 && (size_t)n < len ? buf : "";
}

/* One 5-cell PCI address with its size (PCI binding 2.2.1.1). */
static unsigned pci_reg_entry(uint32_t *c, uint32_t hi, uint64_t addr, uint64_t size)
{
    c[0] = hi, c[1] = (uint32_t)(addr >> 32), c[2] = (uint32_t)addr;
    c[3] = (uint32_t)(size >> 32), c[4] = (uint32_t)size;
    return 5;
}

/*
 * A function node (§10.1): reg (config space, then each BAR with its
 * size), assigned-addresses (what pci.c placed, relocatable bit clear),
 * the ids, the pin, and the MSI facts exactly as the capabilities say:
 * ibm,req#msi only with an MSI capability, ibm,req#msi-x only with MSI-X
 * -- the OS picks MSI or MSI-X for ibm,change-msi from these (rtas.md §6).
 */
static void build_pci_function(struct builder *b, const struct fw_pci_fn *f)
{
    uint32_t cfg_hi = (uint32_t)f->devfn << 8, reg[5 * 7], assigned[5 * 6];
    unsigned nreg = 0, nassigned = 0;
    char name[NAME_MAX_LEN], loc[48];

    nreg += pci_reg_entry(reg, cfg_hi, 0, 0);
    for (unsigned i = 0; i < f->nbars; i++) {
        uint32_t space = f->bar[i].mem64 ? 0x03000000u : 0x02000000u;
        nreg += pci_reg_entry(reg + nreg, space | cfg_hi | f->bar[i].reg, 0, f->bar[i].size);
        if (f->bar[i].addr)
            nassigned +=
                pci_reg_entry(assigned + nassigned, 0x80000000u | space | cfg_hi | f->bar[i].reg,
                              f->bar[i].addr, f->bar[i].size);
    }
    begin_node(b, pci_name(name, sizeof(name), f));
    prop_cells(b, "reg", reg, nreg);
    if (nassigned)
        prop_cells(b, "assigned-addresses", assigned, nassigned);
    prop_u32(b, "vendor-id", f->vendor);
    prop_u32(b, "device-id", f->device);
    prop_u32(b, "revision-id", f->revision);
    prop_u32(b, "class-code", f->class_code);
    if (f->subsys_vendor)
        prop_u32(b, "subsystem-vendor-id", f->subsys_vendor);
    if (f->subsys_id)
        prop_u32(b, "subsystem-id", f->subsys_id);
    if (f->pin)
        prop_u32(b, "interrupts", f->pin);
    if (f->msi)
        prop_u32(b, "ibm,req#msi", f->msi);
    if (f->msix)
        prop_u32(b, "ibm,req#msi-x", f->msix);
    prop_u32(b, "ibm,pci-config-space-type", 1);
    /* A network node (IEEE 1275 network binding): its type and MAC,
     * which boot code and the OS read from the tree. */
    if (f->has_mac) {
        prop_string(b, "device_type", "network");
        prop(b, "local-mac-address", f->mac, 6);
        prop(b, "mac-address", f->mac, 6);
    }
    snprintf(loc, sizeof(loc), "petrel-phb%u:%02x.%x", f->phb, f->devfn >> 3, f->devfn & 7);
    prop_string(b, "ibm,loc-code", loc);
    end_node(b);
}

/*
 * PHB n (§10), at the addresses of the contract (include/petrel/pci.h):
 * reg is the BUID RTAS calls name it by, ranges the two memory windows
 * (no I/O space), the DMA window its LIOBN maps, the MSIs it hands out,
 * and INTx of every slot swizzled onto its four LSIs.
 */
static void build_phb(struct builder *b, const struct hw_facts *hw, unsigned n)
{
    const uint64_t buid = PETREL_PHB_BUID_BASE + n;
    const uint64_t reg[] = {buid, 0};
    const uint64_t m32 = PETREL_PHB_MMIO32_BASE + PETREL_PHB_MMIO32_SIZE * n;
    const uint64_t m64 = PETREL_PHB_MMIO64_BASE + PETREL_PHB_MMIO64_SIZE * n;
    const uint32_t ranges[] = {0x02000000,
                               0,
                               (uint32_t)PETREL_PHB_MMIO32_PCI,
                               (uint32_t)(m32 >> 32),
                               (uint32_t)m32,
                               0,
                               (uint32_t)PETREL_PHB_MMIO32_SIZE,
                               0x03000000,
                               (uint32_t)(m64 >> 32),
                               (uint32_t)m64,
                               (uint32_t)(m64 >> 32),
                               (uint32_t)m64,
                               (uint32_t)(PETREL_PHB_MMIO64_SIZE >> 32),
                               (uint32_t)PETREL_PHB_MMIO64_SIZE};
    const uint32_t dma[] = {PETREL_PHB_LIOBN(n), 0, 0, (uint32_t)(PETREL_PHB_DMA_SIZE >> 32),
                            (uint32_t)PETREL_PHB_DMA_SIZE};
    static const uint32_t bus_range[] = {0, 0};
    static const uint32_t map_mask[] = {0xf800, 0, 0, 0xffffffff};
    uint32_t map[32 * 4 * 7];
    char name[NAME_MAX_LEN];
    unsigned k = 0;

    for (uint32_t slot = 0; slot < 32; slot++)
        for (uint32_t pin = 1; pin <= 4; pin++) {
            map[k++] = slot << 11, map[k++] = 0, map[k++] = 0, map[k++] = pin;
            map[k++] = b->ic_phandle;
            map[k++] = PETREL_IRQ_PCI_LSI_BASE + 4 * n + ((slot + pin - 1) & 3);
            map[k++] = 1; /* level */
        }
    begin_node(b, unit_name(name, sizeof(name), "pci", buid));
    prop_string(b, "device_type", "pci");
    prop_string(b, "compatible", "IBM,Logical_PHB");
    prop_u64s(b, "reg", reg, 2);
    prop_u32(b, "#address-cells", 3);
    prop_u32(b, "#size-cells", 2);
    prop_u32(b, "#interrupt-cells", 1);
    prop_cells(b, "bus-range", bus_range, 2);
    prop_cells(b, "ranges", ranges, sizeof(ranges) / sizeof(ranges[0]));
    prop_empty(b, "used-by-rtas");
    prop_u32(b, "ibm,pci-config-space-type", 1);
    prop_u32(b, "ibm,pe-total-#msi", PETREL_PHB_MSI_COUNT);
    prop_cells(b, "ibm,dma-window", dma, 5);
    prop_u32(b, "ibm,#dma-address-cells", 2);
    prop_u32(b, "ibm,#dma-size-cells", 2);
    prop_cells(b, "interrupt-map-mask", map_mask, 4);
    prop_cells(b, "interrupt-map", map, k);
    for (unsigned i = 0; i < hw->npci; i++)
        if (hw->pci[i].phb == n)
            build_pci_function(b, &hw->pci[i]);
    end_node(b);
}

/*
 * /vdevice and the hvterm (§7, §7.1): the vty name prefix and "hvterm1"
 * are what hvc_vio matches; reg is the termno of H_GET/PUT_TERM_CHAR.
 * /vdevice is an interrupt controller in name only: Linux maps its
 * children's interrupts through the global controller (§7).
 */
static void build_vdevice(struct builder *b, const struct hw_facts *hw)
{
    const uint32_t vty_irq[2] = {PETREL_IRQ_VIO_BASE, 0 /* edge */};
    char name[NAME_MAX_LEN];

    begin_node(b, "vdevice");
    prop_string(b, "device_type", "vdevice");
    prop_string(b, "compatible", "IBM,vdevice");
    prop_u32(b, "#address-cells", 1);
    prop_u32(b, "#size-cells", 0);
    prop_u32(b, "#interrupt-cells", 2);
    prop_empty(b, "interrupt-controller");
    begin_node(b, unit_name(name, sizeof(name), "vty", hw->vterm));
    prop_string(b, "device_type", "serial");
    prop_string(b, "compatible", "hvterm1");
    prop_u32(b, "reg", hw->vterm);
    /* Pulsed when console input arrives: hvc_vio then reads at once
     * rather than polling at up to two-second intervals. */
    prop_cells(b, "interrupts", vty_irq, 2);
    end_node(b);
    /* The NVRAM (§7.2): Linux finds it by device_type and sizes it by
     * #bytes; RTAS nvram-fetch/-store reach it. */
    if (hw->nvram_size) {
        begin_node(b, unit_name(name, sizeof(name), "nvram", PAPR_NVRAM_UNIT));
        prop_string(b, "device_type", "nvram");
        prop_string(b, "compatible", "qemu,spapr-nvram");
        prop_u32(b, "reg", PAPR_NVRAM_UNIT);
        prop_u32(b, "#bytes", hw->nvram_size);
        end_node(b);
    }
    end_node(b);
}

/*
 * /event-sources (§11): the EPOW source, on which Linux calls RTAS
 * check-exception and learns of power-down requests.  Like /vdevice an
 * interrupt controller in name only.  No hot-plug source: petrel has no
 * DR connectors.
 */
static void build_event_sources(struct builder *b)
{
    const uint32_t range[2] = {PETREL_IRQ_EPOW, 1}, epow[2] = {PETREL_IRQ_EPOW, 0 /* edge */};

    begin_node(b, "event-sources");
    /* No children have addresses; dtc wants an interrupt provider to say
     * so. */
    prop_u32(b, "#address-cells", 0);
    prop_empty(b, "interrupt-controller");
    prop_u32(b, "#interrupt-cells", 2);
    prop_cells(b, "interrupt-ranges", range, 2);
    begin_node(b, "epow-events");
    prop_cells(b, "interrupts", epow, 2);
    end_node(b);
    end_node(b);
}

/* /aliases (IEEE 1275 3.5): "hvterm" names the console as SLOF's tree
 * does.  Last, so the other nodes keep their phandles. */
static void build_aliases(struct builder *b, const struct hw_facts *hw)
{
    char path[NAME_MAX_LEN + 16];

    memcpy(path, "/vdevice/", 9);
    unit_name(path + 9, sizeof(path) - 9, "vty", hw->vterm);
    begin_node(b, "aliases");
    prop_string(b, "hvterm", path);
    end_node(b);
}

int devtree_build(void *buf, size_t size, const struct hw_facts *hw,
                  const struct devtree_rtas *rtas)
{
    struct builder b = {.fdt = buf};
    struct cpu_plan plan;
    struct cas_offer offer;

    if (devtree_check_facts(hw) || cpu_plan_make(hw, &plan) || offer_make(hw, &offer))
        return -FDT_ERR_BADVALUE;
    note(&b, fdt_create(buf, size > 0x7fffffff ? 0x7fffffff : (int)size));
    if (!b.err)
        note(&b, fdt_finish_reservemap(buf));
    begin_node(&b, "");
    build_root(&b, hw, &offer);
    build_chosen(&b, hw, &offer);
    build_cpus(&b, hw, &plan, &offer);
    build_memory(&b, hw);
    build_interrupt_controllers(&b, hw, &offer);
    build_rtas(&b, hw, rtas);
    build_vdevice(&b, hw);
    build_event_sources(&b);
    for (unsigned n = 0; n < hw->phbs && n < PETREL_PHB_MAX; n++)
        build_phb(&b, hw, n);
    build_aliases(&b, hw);
    end_node(&b);
    if (!b.err)
        note(&b, fdt_finish(buf));
    if (b.err)
        return b.err;
    /* The boot CPU must be one of the interrupt servers listed (§4.4). */
    fdt_set_boot_cpuid_phys(buf, hw->cpu[0].id);
    return (int)fdt_totalsize(buf);
}

int devtree_node_count(const void *fdt)
{
    int n = 0, off;

    for (off = 0; off >= 0; off = fdt_next_node(fdt, off, NULL))
        n++;
    return off == -FDT_ERR_NOTFOUND ? n : off;
}
