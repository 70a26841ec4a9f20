/*
 * The device tree the OS sees (spec/device-tree.md), built from the host's
 * hardware facts.  Platform policy -- names, CPU feature bytes, what the
 * platform offers at CAS -- is decided here, in the firmware.
 *
 * Emitted: / (§2), /chosen (§3), /cpus with one node per core (§4),
 * memory@... (§5.1), /rtas with ibm,hypertas-functions and the RTAS calls
 * the caller publishes (§6), /vdevice with the hvterm (§7.1), /aliases
 * with "hvterm" for it (the alias SLOF's tree has, which finddevice and
 * open resolve, spec/boot-and-cif.md §4).
 *
 * Not emitted, because the machinery behind them does not exist yet and a
 * property without it would be a lie: the interrupt-controller node and
 * every interrupt specifier (§8, §9, /vdevice's interrupt-controller quirk,
 * ibm,ppc-interrupt-gserver#s), /event-sources (§11), PHBs (§10), NVRAM
 * (§7.2), ibm,pft-size (needs an HPT), the CAS result /chosen
 * ibm,architecture-vec-5 (cas.md §4), NUMA and DR connector tables,
 * ibm,chip-id (no socket fact).  /chosen stdout, stdin and cpu are
 * ihandles: the client interface adds them to its own copy (cif.c).
 * rtas-size and the RTAS tokens come from the RTAS image (rtas.c)
 * through the caller.
 *
 * Every node gets a phandle from one counter, so handles are unique and
 * stable for a given machine, and a later node (the interrupt controller)
 * takes the next one rather than a magic number.
 */
#include <stdbool.h>
#include <string.h>

#include <libfdt.h>

#include "devtree.h"

/* ---------------------------------------------------------------- CPUs -- */

/*
 * An architecture level a vCPU can run at: the logical PVR that names it
 * (cas.md §2.2) and its ibm,pa-features (§4.1).  Bytes are the QEMU values
 * of §4.1 with byte 1 = 0x1f: no cache-inhibited large pages promised, and
 * TM (byte 22), DAWR1 (byte 64) off because petrel has neither.
 */
struct arch_level {
    uint32_t logical_pvr;
    const uint8_t *pa_features; /* 2-byte header, then the feature bytes */
    unsigned pa_features_len;
};

#define LOGICAL_PVR_207 0x0f000004u /* ISA 2.07: POWER8 compat */
#define LOGICAL_PVR_300 0x0f000005u /* ISA 3.00: POWER9 compat */

static const uint8_t pa_features_207[] = {
    0x18, 0x00,                         /* 24 feature bytes, descriptor type 0 */
    0xf6, 0x1f, 0xc7, 0xc0, 0x80, 0xf0, /* 0: MMU FPU CTRL NX; 5: true LE */
    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, /* 6 */
    0x00, 0x00, 0x00, 0x00, 0x80, 0x00, /* 12 */
    0x80, 0x00, 0x80, 0x00, 0x00, 0x00, /* 18; 22: TM off */
};

static const uint8_t pa_features_300[] = {
    0x42, 0x00,                         /* 66 feature bytes, descriptor type 0 */
    0xf6, 0x1f, 0xc7, 0xc0, 0x80, 0xf0, /* 0: MMU FPU CTRL NX; 5: true LE */
    0x80, 0x00, 0x00, 0x00, 0x00, 0x00, /* 6 */
    0x00, 0x00, 0x00, 0x00, 0x80, 0x00, /* 12 */
    0x80, 0x00, 0x80, 0x00, 0x00, 0x00, /* 18; 22: TM off */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 24 */
    0x80, 0x00, 0x80, 0x00, 0xc0, 0x00, /* 30 */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 36; 40: radix MMU */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 42 */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 48 */
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 54 */
    0x80, 0x00, 0x80, 0x00, 0x00, 0x00, /* 60; 64: DAWR1 off */
};

/* Oldest first: a level is "at most" another by table position. */
static const struct arch_level arch_levels[] = {
    {LOGICAL_PVR_207, pa_features_207, sizeof(pa_features_207)},
    {LOGICAL_PVR_300, pa_features_300, sizeof(pa_features_300)},
};
#define LEVEL_207 (&arch_levels[0])
#define LEVEL_300 (&arch_levels[1])

/* Radix page sizes with their AP codes (§4.3): 4K/0, 64K/5, 2M/1, 1G/2. */
static const uint32_t radix_ap_power9[] = {0x0000000c, 0xa0000010, 0x20000015, 0x4000001e};

/*
 * Hash MMU (§4.2), the same on POWER8 and POWER9: per base page size
 * (shift, SLB L||LP encoding, count) then count x (actual page shift, PTE
 * LP encoding).  4K, 64K, 16M and 16G base pages, 64K and 16M pages in 4K
 * segments and 16M pages in 64K segments (MPSS).
 */
static const uint32_t segment_page_sizes[] = {
    12, 0x000, 3, 12, 0x0, 16, 0x7, 24, 0x38, /* 4K segments */
    16, 0x110, 2, 16, 0x1, 24, 0x8,           /* 64K */
    24, 0x100, 1, 24, 0x0,                    /* 16M */
    34, 0x120, 1, 34, 0x3,                    /* 16G */
};

/* 256 MiB and 1 TiB segments; -1 ends the list (§4). */
static const uint32_t segment_sizes[] = {28, 40, 0xffffffff, 0xffffffff};

/*
 * The interpreter has no clock of its own; clock-frequency is only
 * reported (/proc/cpuinfo), and Linux warns and assumes 1 GHz without it.
 * 1 GHz is also what QEMU's TCG reports.
 */
#define CPU_CLOCK_HZ 1000000000u

/* One row per CPU model petrel offers, keyed by PVR family (bits 0:15). */
struct cpu_model {
    uint16_t family;
    const char *name;               /* node name; Linux matches device_type, not this */
    const struct arch_level *level; /* newest level the CPU implements */
    const uint32_t *radix_ap;       /* NULL: no radix MMU */
    unsigned radix_ap_len;
    uint32_t mmu_pid_bits; /* radix PID width; 0: not radix */
    uint32_t dec_bits;     /* large decrementer width (cpu.md §1.1); 0: 32-bit only */
    uint32_t cache_line;   /* L1 block = line size: dcbz clears this much */
    uint32_t l1_size;      /* L1 d- and i-cache size */
    uint32_t slb_size;     /* SLB entries (hash) */
};

static const struct cpu_model cpu_models[] = {
    {
        .family = 0x004e,
        .name = "PowerPC,POWER9",
        .level = LEVEL_300,
        .radix_ap = radix_ap_power9,
        .radix_ap_len = sizeof(radix_ap_power9) / sizeof(radix_ap_power9[0]),
        .mmu_pid_bits = 20,
        .dec_bits = 56,
        .cache_line = 128,
        .l1_size = 0x8000,
        .slb_size = 32,
    },
    {
        .family = 0x004d,
        .name = "PowerPC,POWER8",
        .level = LEVEL_207,
        .cache_line = 128,
        .l1_size = 0x8000,
        .slb_size = 32,
    },
};

static const struct cpu_model *find_model(uint32_t pvr)
{
    for (unsigned i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++)
        if (cpu_models[i].family == pvr >> 16)
            return &cpu_models[i];
    return NULL;
}

/* max-cpu-compat names a model (its raw PVR) or a logical PVR. */
static const struct arch_level *find_level(uint32_t pvr)
{
    const struct cpu_model *m = find_model(pvr);

    if (m)
        return m->level;
    for (unsigned i = 0; i < sizeof(arch_levels) / sizeof(arch_levels[0]); i++)
        if (arch_levels[i].logical_pvr == pvr)
            return &arch_levels[i];
    return NULL;
}

/*
 * The CPU as the tree presents it until CAS.  Like QEMU at machine reset
 * (cas.md §2.2 step 4), a max-cpu-compat limit puts the vCPUs in that
 * compat mode from power-on: cpu-version is its logical PVR and the
 * pa-features are that level's; the raw PVR is shown otherwise.
 */
struct cpu_plan {
    const struct cpu_model *model;
    const struct arch_level *level;
    uint32_t cpu_version;
};

static const char *plan_cpus(const struct hw_facts *hw, struct cpu_plan *p)
{
    const struct arch_level *limit;

    p->model = find_model(hw->pvr);
    if (!p->model)
        return "no device-tree facts for this CPU's PVR";
    p->level = p->model->level;
    p->cpu_version = hw->pvr;
    if (hw->max_compat_pvr) {
        limit = find_level(hw->max_compat_pvr);
        if (!limit)
            return "unknown max-cpu-compat level";
        if (limit < p->level)
            p->level = limit;
        p->cpu_version = p->level->logical_pvr;
    }
    return NULL;
}

/* --------------------------------------------------------- validation -- */

#define MAX_THREADS 8

static bool stringlist_has(const char *list, int len, const char *s)
{
    size_t n = strlen(s) + 1;

    for (int at = 0; list && at < len;) {
        size_t l = strnlen(list + at, (size_t)(len - at)) + 1;
        if (l == n && !memcmp(list + at, s, n))
            return true;
        at += (int)l;
    }
    return false;
}

const char *devtree_check_facts(const struct hw_facts *hw)
{
    struct cpu_plan plan;
    const char *why;

    if (hw->ram_base != 0 || hw->ram_size == 0)
        return "RAM must start at 0 (memory@0 is the RMA)";
    why = plan_cpus(hw, &plan);
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
    return NULL;
}

/* ------------------------------------------------------------ builder -- */

struct builder {
    void *fdt;
    int err;          /* first libfdt error; nothing more is written after it */
    uint32_t phandle; /* last one given out */
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

static void build_root(struct builder *b)
{
    /* pseries detection needs device_type "chrp" (§2); compatible names
     * petrel alone: "qemu,pseries" would make lscpu and systemd-detect-virt
     * report a QEMU/KVM guest, and the kernel does not read it. */
    prop_string(b, "device_type", "chrp");
    prop_string(b, "model", "IBM pSeries (emulated by petrel)");
    prop_string(b, "compatible", "petrel,pseries");
    prop_u32(b, "#address-cells", 2);
    prop_u32(b, "#size-cells", 2);
}

/*
 * ibm,arch-vec-5-platform-support (cas.md §3): (OV5 byte, value) pairs
 * that steer what the OS asks for at CAS.  Byte 23 from ic-mode; byte 24
 * radix, plus hash only when the host serves the hash MMU hcalls
 * (hcall-pft); both forced to legacy (XICS, hash) below ISA 3.00; byte 26
 * allows GTSE (the guest's own tlbie).
 */
static void build_platform_support(struct builder *b, const struct hw_facts *hw,
                                   const struct cpu_plan *plan)
{
    bool isa300 = plan->level >= LEVEL_300;
    uint8_t ic = 0x00, mmu = 0x00;
    uint8_t v[8];

    if (isa300) {
        ic = hw->ic_mode == HW_IC_DUAL ? 0x80 : hw->ic_mode == HW_IC_XIVE ? 0x40 : 0x00;
        mmu = stringlist_has(hw->hypertas, hw->hypertas_len, "hcall-pft") ? 0x80 : 0x40;
    }
    v[0] = 23, v[1] = ic;
    v[2] = 24, v[3] = mmu;
    v[4] = 25, v[5] = 0x00;
    v[6] = 26, v[7] = 0x40;
    prop(b, "ibm,arch-vec-5-platform-support", v, sizeof(v));
}

static void build_chosen(struct builder *b, const struct hw_facts *hw, const struct cpu_plan *plan)
{
    char path[NAME_MAX_LEN + 16];

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
    build_platform_support(b, hw, plan);
    end_node(b);
}

static void build_cpu(struct builder *b, const struct hw_facts *hw, const struct cpu_plan *plan,
                      const struct hw_cpu *threads)
{
    const struct cpu_model *m = plan->model;
    char name[NAME_MAX_LEN];
    uint32_t servers[MAX_THREADS];

    for (unsigned t = 0; t < hw->threads; t++)
        servers[t] = threads[t].id;
    begin_node(b, unit_name(name, sizeof(name), m->name, threads[0].id));
    prop_string(b, "device_type", "cpu");
    prop_u32(b, "reg", threads[0].id);
    /* Hardware thread ids = interrupt servers; the length is the SMT width. */
    prop_cells(b, "ibm,ppc-interrupt-server#s", servers, hw->threads);
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
    prop_cells(b, "ibm,processor-segment-sizes", segment_sizes,
               sizeof(segment_sizes) / sizeof(segment_sizes[0]));
    prop_cells(b, "ibm,segment-page-sizes", segment_page_sizes,
               sizeof(segment_page_sizes) / sizeof(segment_page_sizes[0]));
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
static void build_cpus(struct builder *b, const struct hw_facts *hw, const struct cpu_plan *plan)
{
    begin_node(b, "cpus");
    prop_u32(b, "#address-cells", 1);
    prop_u32(b, "#size-cells", 0);
    for (unsigned core = 0; core < hw->ncpus / hw->threads; core++)
        build_cpu(b, hw, plan, &hw->cpu[core * hw->threads]);
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
 * /rtas (§6): ibm,hypertas-functions verbatim from the host, whose hcall
 * table it is, so no hcall is advertised that is not served; then one
 * token property per RTAS call the caller publishes.
 */
static void build_rtas(struct builder *b, const struct hw_facts *hw,
                       const struct devtree_rtas *rtas)
{
    begin_node(b, "rtas");
    if (hw->hypertas)
        prop(b, "ibm,hypertas-functions", hw->hypertas, hw->hypertas_len);
    /* rtas-size is the image's whole region: prom_init claims that much
     * for instantiate-rtas (spec/boot-and-cif.md §7). */
    if (rtas && rtas->size)
        prop_u32(b, "rtas-size", rtas->size);
    for (unsigned i = 0; rtas && i < rtas->ncalls; i++)
        prop_u32(b, rtas->calls[i].name, rtas->calls[i].token);
    end_node(b);
}

/* /vdevice and the hvterm (§7, §7.1): the vty name prefix and "hvterm1"
 * are what hvc_vio matches; reg is the termno of H_GET/PUT_TERM_CHAR. */
static void build_vdevice(struct builder *b, const struct hw_facts *hw)
{
    char name[NAME_MAX_LEN];

    begin_node(b, "vdevice");
    prop_string(b, "device_type", "vdevice");
    prop_string(b, "compatible", "IBM,vdevice");
    prop_u32(b, "#address-cells", 1);
    prop_u32(b, "#size-cells", 0);
    begin_node(b, unit_name(name, sizeof(name), "vty", hw->vterm));
    prop_string(b, "device_type", "serial");
    prop_string(b, "compatible", "hvterm1");
    prop_u32(b, "reg", hw->vterm);
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

    if (devtree_check_facts(hw) || plan_cpus(hw, &plan))
        return -FDT_ERR_BADVALUE;
    note(&b, fdt_create(buf, size > 0x7fffffff ? 0x7fffffff : (int)size));
    if (!b.err)
        note(&b, fdt_finish_reservemap(buf));
    begin_node(&b, "");
    build_root(&b);
    build_chosen(&b, hw, &plan);
    build_cpus(&b, hw, &plan);
    build_memory(&b, hw);
    build_rtas(&b, hw, rtas);
    build_vdevice(&b, hw);
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
