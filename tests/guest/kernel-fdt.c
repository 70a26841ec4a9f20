/*
 * A tiny kernel for -kernel: checks what the firmware's flattened-tree
 * hand-off promises (spec/boot-and-cif.md §9): r3 = a valid FDT, r4 = the
 * kernel base, r5 = 0, big-endian real mode with EE off, /chosen bootargs
 * and the initrd where linux,initrd-start/-end say (the runner's file has
 * byte i = i * 7 + 3), the initrd in the reserve map, ibm,architecture-vec-5,
 * exactly one interrupt-controller node, a zeroed .bss, and RTAS already
 * instantiated (§9.2): linux,rtas-base and -entry in /rtas, the region in
 * the reserve map, below 4 MiB and above 0x3000 (DESIGN.md), answering
 * display-character through the entry.  Prints what it found, then
 * "kernel ok" and powers off 0 through RTAS power-off; "kernel FAIL: ..."
 * and status 1 otherwise.  Built with -DBIG_BSS its
 * .bss reaches past 64 MiB, over where the host put the kernel file and
 * the initrd, so the firmware must move both first.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#include "hcall.h"
#include "kernel-io.h"

#ifdef BIG_BSS
/* volatile: the compiler may not assume the loader zeroed them. */
static volatile uint8_t big[72u << 20];
#endif
static volatile uint64_t zeroes[64];

static uint64_t be64(const void *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v; /* the kernel is big-endian, like the tree */
}

/* fwcall.S: enter_rtas as Linux does it. */
void rtas_enter(void *args, uint64_t entry, uint64_t base);

static struct {
    uint32_t token, nargs, nret;
    uint32_t cell[16];
} rtas_args;

static int32_t rtas_call(uint64_t base, uint64_t entry, uint32_t token, uint32_t nargs,
                         uint32_t nret, uint32_t a0, uint32_t a1)
{
    rtas_args.token = token, rtas_args.nargs = nargs, rtas_args.nret = nret;
    rtas_args.cell[0] = a0, rtas_args.cell[1] = a1;
    rtas_args.cell[nargs] = 0x5a5a5a5a;
    rtas_enter(&rtas_args, entry, base);
    return (int32_t)rtas_args.cell[nargs];
}

static uint32_t rtas_u32(const void *fdt, int node, const char *name)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

    if (!p || len != 4)
        fail("a /rtas property is missing or not one cell");
    return fdt32_to_cpu(*p);
}

/* RTAS as the flattened-tree path leaves it; powers off through it. */
static void __attribute__((noreturn)) check_rtas(const void *fdt)
{
    static const char msg[] = "[rtas]\n";
    int node = fdt_path_offset(fdt, "/rtas");
    uint64_t base, entry, size, addr, len;
    bool reserved = false;

    if (node < 0)
        fail("no /rtas");
    base = rtas_u32(fdt, node, "linux,rtas-base");
    entry = rtas_u32(fdt, node, "linux,rtas-entry");
    size = rtas_u32(fdt, node, "rtas-size");
    if (base < 0x3000 || base + size > 0x400000 || entry < base || entry >= base + size)
        fail("RTAS is not where the flat-tree path puts it");
    for (int i = 0; i < fdt_num_mem_rsv(fdt); i++)
        if (!fdt_get_mem_rsv(fdt, i, &addr, &len) && addr == base && len == size)
            reserved = true;
    if (!reserved)
        fail("the RTAS region is not in the reserve map");
    puts_("kernel: rtas at ");
    put_hex(base);
    puts_(" says ");
    for (const char *p = msg; *p; p++)
        if (rtas_call(base, entry, rtas_u32(fdt, node, "display-character"), 1, 1, (uint8_t)*p,
                      0) != RTAS_SUCCESS)
            fail("display-character");
    if (rtas_call(base, entry, 0x7777, 1, 1, 0, 0) != RTAS_HARDWARE_ERROR)
        fail("an unknown token is not -1");
    if (rtas_call(base, entry, rtas_u32(fdt, node, "power-off"), 1, 1, 0, 0) !=
        RTAS_PARAMETER_ERROR)
        fail("power-off with one argument is not -3");
    puts_("kernel ok\n");
    rtas_call(base, entry, rtas_u32(fdt, node, "power-off"), 2, 1, 0xffffffff, 0xffffffff);
    fail("RTAS power-off returned");
}

static void check_initrd(const void *fdt, int chosen)
{
    const void *s = fdt_getprop(fdt, chosen, "linux,initrd-start", NULL);
    const void *e = fdt_getprop(fdt, chosen, "linux,initrd-end", NULL);
    uint64_t start, end, addr, size;
    bool reserved = false;

    if (!s && !e) {
        puts_("kernel: no initrd\n");
        return;
    }
    if (!s || !e)
        fail("half an initrd in /chosen");
    start = be64(s), end = be64(e);
    if (end < start)
        fail("initrd end before start");
    for (uint64_t i = 0; i < end - start; i++)
        if (((const uint8_t *)(uintptr_t)start)[i] != (uint8_t)(i * 7 + 3))
            fail("initrd bytes differ");
    for (int i = 0; i < fdt_num_mem_rsv(fdt); i++)
        if (!fdt_get_mem_rsv(fdt, i, &addr, &size) && addr == start && size == end - start)
            reserved = true;
    if (!reserved)
        fail("initrd not in the reserve map");
    puts_("kernel: initrd ");
    put_hex(end - start);
    puts_(" bytes ok\n");
}

/* Exactly the controller the host runs (§9.2), and the CPU level CAS set. */
static void check_interrupt_controller(const void *fdt)
{
    int xics = fdt_node_offset_by_compatible(fdt, -1, "IBM,ppc-xicp");
    int xive = fdt_node_offset_by_compatible(fdt, -1, "ibm,power-ivpe");
    int cpus = fdt_path_offset(fdt, "/cpus"), cpu, len;
    const void *version;

    if ((xics >= 0) == (xive >= 0))
        fail("not exactly one interrupt-controller node");
    puts_(xive >= 0 ? "kernel: interrupt controller XIVE" : "kernel: interrupt controller XICS");
    puts_(", cpu-version ");
    cpu = cpus >= 0 ? fdt_first_subnode(fdt, cpus) : -1;
    version = cpu >= 0 ? fdt_getprop(fdt, cpu, "cpu-version", &len) : NULL;
    if (!version || len != 4)
        fail("no cpu-version");
    put_hex(fdt32_ld(version));
    puts_("\n");
}

void kernel_main(uint64_t r3, uint64_t r4, uint64_t r5, uint64_t msr)
{
    const void *fdt = (const void *)(uintptr_t)r3;
    const uint8_t *v5;
    const char *args;
    int chosen, len;

    puts_("kernel: entered, tree at ");
    put_hex(r3);
    puts_("\n");
    if (r5 != 0)
        fail("r5 is not 0");
    if (r4 != 0x400000)
        fail("r4 is not the kernel base");
    if (msr & (1 | 0x10 | 0x20 | 0x8000)) /* LE, DR, IR, EE */
        fail("not entered big-endian real mode with EE off");
    if (fdt_magic(fdt) != FDT_MAGIC)
        fail("r3 is not a flattened tree");
    if (fdt_totalsize(fdt) > 0x100000 || fdt_check_header(fdt))
        fail("bad tree header");
    for (unsigned i = 0; i < 64; i++)
        if (zeroes[i])
            fail(".bss not zero");
#ifdef BIG_BSS
    for (uint64_t i = 0; i < sizeof(big); i += 0x10000)
        if (big[i] || big[i + 0xffff])
            fail("big .bss not zero");
    puts_("kernel: big .bss zero\n");
#endif
    chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0)
        fail("no /chosen");
    args = fdt_getprop(fdt, chosen, "bootargs", &len);
    if (!args || len < 1 || args[len - 1])
        fail("bad /chosen bootargs");
    puts_("kernel: bootargs [");
    puts_(args);
    puts_("]\n");
    v5 = fdt_getprop(fdt, chosen, "ibm,architecture-vec-5", &len);
    if (!v5 || len < 2 || v5[0] != len - 2)
        fail("bad /chosen ibm,architecture-vec-5");
    puts_("kernel: arch-vec-5 ");
    put_hex((uint64_t)len);
    puts_(" bytes, byte 23 ");
    put_hex(len > 23 ? v5[23] : 0);
    puts_(" byte 24 ");
    put_hex(len > 24 ? v5[24] : 0);
    puts_("\n");
    check_interrupt_controller(fdt);
    check_initrd(fdt, chosen);
    check_rtas(fdt);
}
