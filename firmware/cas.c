/*
 * ibm,client-architecture-support (spec/cas.md §2-§7): the OS's
 * architecture vector against this machine's offer.
 *
 * Done: PVR negotiation (compat level), OV1 (the client's ISA level) and
 * OV5 bytes 23/24/26 (interrupt controller, MMU, GTSE), the negotiated
 * OV5 in /chosen, the interrupt-controller switch and the compat level on
 * the host, cpu nodes and the interrupt-controller node updated.
 * A hash client gets its HPT here (cas.md §7 item 7), of the size the
 * cpu nodes' ibm,pft-size already give; a radix one registers its
 * process table later itself (H_REGISTER_PROC_TBL).
 * Not done: NUMA and memory DR bytes (petrel offers neither), and a second CAS changing
 * controller (the first one drops the other node; it is refused).
 *
 * Parsing and deciding are pure; the guest memory read and the host calls
 * are in cas_call only, behind firmware.h's platform functions.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/irq.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#include "cas.h"
#include "devtree.h"
#include "offer.h"

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ------------------------------------------------------------ parsing -- */

const char *cas_parse(const uint8_t *vec, size_t len, struct cas_request *req)
{
    size_t at = 0;
    unsigned nvec;

    memset(req, 0, sizeof(*req));
    for (;;) {
        uint32_t mask, value;

        if (len - at < 8)
            return "the PVR list runs past the end of the vector";
        mask = be32(vec + at);
        value = be32(vec + at + 4);
        at += 8;
        /* The terminator: value bits outside the mask (cas.md §2.2). */
        if (value & ~mask)
            break;
        if (req->npvrs == CAS_MAX_PVRS)
            return "no PVR list terminator within 512 entries";
        req->pvr_mask[req->npvrs] = mask;
        req->pvr_value[req->npvrs++] = value;
    }
    if (at == len)
        return "no option vectors";
    nvec = vec[at++] + 1u;
    for (unsigned n = 1; n <= nvec && n <= 5; n++) {
        size_t bytes;

        if (at == len)
            return "an option vector starts past the end of the vector";
        bytes = vec[at++] + 1u;
        if (bytes > len - at)
            return "an option vector runs past the end of the vector";
        if (n == 1)
            memcpy(req->ov1 + 1, vec + at, bytes);
        if (n == 5) {
            memcpy(req->ov5 + 1, vec + at, bytes);
            req->ov5_len = (unsigned)bytes;
        }
        at += bytes;
    }
    if (nvec < 5)
        return "no option vector 5";
    return NULL;
}

/* ----------------------------------------------------------- deciding -- */

/* OV1 byte 3: the client implements ISA 3.00 (cas.md §2.3). */
#define OV1_ISA300_BYTE 3
#define OV1_ISA300      0x80

/*
 * cas.md §2.2, as QEMU's cas_check_pvr: a pair matching the real PVR
 * allows raw mode; any other pair naming a logical PVR the CPU and
 * max-cpu-compat allow is a candidate, the newest wins.
 */
static const char *decide_level(const struct cas_request *req, const struct hw_facts *hw,
                                const struct cas_offer *o, struct cas_result *res)
{
    const struct arch_level *best = NULL;
    bool raw = false;

    for (unsigned i = 0; i < req->npvrs; i++) {
        const struct arch_level *l;

        if ((hw->pvr & req->pvr_mask[i]) == (req->pvr_value[i] & req->pvr_mask[i])) {
            raw = true;
            continue;
        }
        l = arch_level_find(req->pvr_value[i]);
        if (l && l <= o->level && (!best || l > best))
            best = l;
    }
    if (best) {
        res->compat_pvr = best->logical_pvr;
        res->cpu_version = best->logical_pvr;
        res->level = best;
    } else if (raw && !hw->max_compat_pvr) {
        res->compat_pvr = 0;
        res->cpu_version = hw->pvr;
        res->level = o->level;
    } else {
        return "no processor level both the client and this machine support";
    }
    return NULL;
}

/* ibm,architecture-vec-5: length byte (bytes - 1), then OV5 bytes 1..n
 * with trailing zeroes dropped but at least one byte; with radix up to
 * byte 26, which Linux reads without a length check (cas.md §4). */
static void encode_ov5(const uint8_t ov5[CAS_OV5_PROP_MAX], bool radix, struct cas_result *res)
{
    unsigned n = 1;

    for (unsigned i = 1; i < CAS_OV5_PROP_MAX; i++)
        if (ov5[i])
            n = i;
    if (radix)
        n = OV5_RADIX_OPTS;
    res->ov5_prop[0] = (uint8_t)(n - 1);
    memcpy(res->ov5_prop + 1, ov5 + 1, n);
    res->ov5_prop_len = n + 1;
}

const char *cas_decide(const struct cas_request *req, const struct hw_facts *hw,
                       struct cas_result *res)
{
    struct cas_offer o;
    uint8_t supported[CAS_OV5_PROP_MAX] = {0}, ov5[CAS_OV5_PROP_MAX] = {0};
    uint8_t intc = req->ov5[OV5_INTC], mmu = req->ov5[OV5_MMU];
    bool isa300, hash_ok;
    const char *why;

    memset(res, 0, sizeof(*res));
    why = offer_make(hw, &o);
    if (!why)
        why = decide_level(req, hw, &o, res);
    if (why)
        return why;
    isa300 = res->level >= LEVEL_300;

    /* "Either" is the platform's word in ibm,arch-vec-5-platform-support;
     * a client must choose (cas.md §2.7, QEMU exits on it). */
    if (intc & OV5_INTC_BOTH)
        return "OV5 byte 23 asks for both interrupt controllers";
    if (mmu & OV5_MMU_BOTH)
        return "OV5 byte 24 asks for both MMUs";
    res->xive = intc & OV5_INTC_XIVE;
    res->radix = mmu & OV5_MMU_RADIX;
    if (res->xive && !(o.xive && isa300))
        return "XIVE asked for, which this machine does not offer at the negotiated level";
    if (!res->xive && !o.xics)
        return "XICS asked for on a machine with ic-mode=xive";
    if (res->radix && !(o.radix && isa300))
        return "the radix MMU asked for, which this machine does not offer at that level";
    if (res->radix && !(req->ov1[OV1_ISA300_BYTE] & OV1_ISA300))
        return "the radix MMU asked for by a client not claiming ISA 3.00 in OV1";
    /* Below ISA 3.00 hash is the only MMU, always accepted, as a POWER8
     * machine's tree advertises it. */
    hash_ok = o.hash || !isa300;
    if (!res->radix && !hash_ok)
        return "the hash MMU asked for, which this machine does not offer";

    /* Negotiated = offered & asked (cas.md §4): only what petrel
     * implements is offered -- no NUMA, DR, hot-plug or HPT-resize bits. */
    supported[OV5_INTC] = o.xive && isa300 ? OV5_INTC_XIVE : 0;
    supported[OV5_MMU] = o.radix && isa300 ? OV5_MMU_RADIX : 0;
    supported[OV5_RADIX_OPTS] = o.gtse && res->radix ? OV5_RADIX_GTSE : 0;
    for (unsigned i = 1; i < CAS_OV5_PROP_MAX; i++)
        ov5[i] = req->ov5[i] & supported[i];
    res->gtse = ov5[OV5_RADIX_OPTS] & OV5_RADIX_GTSE;
    /* QEMU hides radix from a client that does not claim ISA 3.00: old
     * kernels tried it when they saw the bit (cas.md §2.3). */
    res->hide_radix = !(req->ov1[OV1_ISA300_BYTE] & OV1_ISA300);
    encode_ov5(ov5, res->radix, res);
    return NULL;
}

/* ------------------------------------------------------ tree updating -- */

static int update_interrupt_controller(void *fdt, bool xive)
{
    int xics_node = fdt_node_offset_by_compatible(fdt, -1, DEVTREE_XICS_COMPATIBLE);
    int xive_node = fdt_node_offset_by_compatible(fdt, -1, DEVTREE_XIVE_COMPATIBLE);
    int keep = xive ? xive_node : xics_node, drop = xive ? xics_node : xive_node, err;
    static const uint32_t prios[] = {PETREL_XIVE_PRIO_RESERVED_BASE,
                                     PETREL_XIVE_PRIO_RESERVED_COUNT};
    fdt32_t cells[2] = {cpu_to_fdt32(prios[0]), cpu_to_fdt32(prios[1])};
    uint32_t phandle;

    if (keep < 0)
        return -FDT_ERR_NOTFOUND;
    if (drop >= 0) {
        /* Both on offer: the XICS node holds the references' phandle. */
        phandle = fdt_get_phandle(fdt, xics_node);
        err = fdt_del_node(fdt, drop);
        if (err)
            return err;
        keep = fdt_node_offset_by_compatible(
            fdt, -1, xive ? DEVTREE_XIVE_COMPATIBLE : DEVTREE_XICS_COMPATIBLE);
        if (keep < 0)
            return keep;
        err = fdt_setprop_u32(fdt, keep, "phandle", phandle);
        if (err)
            return err;
    }
    if (xive)
        return fdt_setprop(fdt, 0, DEVTREE_PLAT_RES_PRIOS, cells, sizeof(cells));
    err = fdt_delprop(fdt, 0, DEVTREE_PLAT_RES_PRIOS);
    return err == -FDT_ERR_NOTFOUND ? 0 : err;
}

static int update_cpus(void *fdt, const struct cas_result *res)
{
    uint8_t pa[128];
    unsigned pa_len = res->level->pa_features_len;
    int cpus = fdt_path_offset(fdt, "/cpus"), cpu, err, len;

    if (cpus < 0)
        return cpus;
    if (pa_len > sizeof(pa))
        return -FDT_ERR_INTERNAL;
    memcpy(pa, res->level->pa_features, pa_len);
    if (res->hide_radix && pa_len > PA_FEATURES_RADIX_OFFSET)
        pa[PA_FEATURES_RADIX_OFFSET] &= (uint8_t)~PA_FEATURES_RADIX_BIT;
    fdt_for_each_subnode(cpu, fdt, cpus)
    {
        const char *type = fdt_getprop(fdt, cpu, "device_type", &len);

        if (!type || len != 4 || memcmp(type, "cpu", 4))
            continue;
        err = fdt_setprop_u32(fdt, cpu, "cpu-version", res->cpu_version);
        if (!err)
            err = fdt_setprop(fdt, cpu, "ibm,pa-features", pa, (int)pa_len);
        if (err)
            return err;
    }
    return 0;
}

int cas_update_tree(void *fdt, const struct cas_result *res)
{
    int err = update_interrupt_controller(fdt, res->xive), chosen;

    if (err)
        return err;
    chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0)
        return chosen;
    err = fdt_setprop(fdt, chosen, "ibm,architecture-vec-5", res->ov5_prop, (int)res->ov5_prop_len);
    if (err)
        return err;
    return update_cpus(fdt, res);
}

/* ------------------------------------------------------------- the call -- */

/* The tree is edited in a copy and committed only once the host agreed;
 * the copy has room for anything the client interface's tree can hold. */
#define CAS_SCRATCH_SIZE DEVTREE_LIVE_SIZE
static uint8_t scratch[CAS_SCRATCH_SIZE] __attribute__((aligned(8)));
static struct cas_request request;

/* The compat level the host has in force: the power-on one (the tree's
 * cpu-version before any CAS) until a CAS succeeds. */
static struct {
    bool known;
    uint32_t compat_pvr;
} in_force;

static uint32_t power_on_compat(const struct hw_facts *hw)
{
    struct cpu_plan plan;

    return hw->max_compat_pvr && !cpu_plan_make(hw, &plan) ? plan.level->logical_pvr : 0;
}

/*
 * fdt into buf[0, bufsize) with the rest free, as fdt_open_into -- which
 * refuses a tree whose totalsize, free space included, exceeds bufsize.
 * A caller's tree may have more free room than the scratch, so only its
 * used bytes are copied when they are in libfdt's order (header, reserve
 * map, structure, strings), which every tree libfdt has opened or edited
 * is in.
 */
static int copy_tree(const void *fdt, void *buf, int bufsize)
{
    uint32_t strings = fdt_off_dt_strings(fdt), used = strings + fdt_size_dt_strings(fdt);
    int err = fdt_check_header(fdt);

    if (err)
        return err;
    if (used < strings || used > fdt_totalsize(fdt) ||
        fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt) > strings ||
        fdt_off_mem_rsvmap(fdt) > fdt_off_dt_struct(fdt))
        return fdt_open_into(fdt, buf, bufsize);
    if (used > (uint32_t)bufsize)
        return -FDT_ERR_NOSPACE;
    memcpy(buf, fdt, used);
    fdt_set_totalsize(buf, used);
    return fdt_open_into(buf, buf, bufsize);
}

/* The call being served (for -trace cas). */
static const struct hw_facts *cas_hw;

static int refuse(const char *why, const char *detail)
{
    printf("firmware: CAS refused: %s%s\n", why, detail ? detail : "");
    if (cas_hw && fw_trace_on(cas_hw, PETREL_TRACE_CAS))
        platform_trace(PETREL_TRACE_CAS, "refused: %s%s", why, detail ? detail : "");
    return -1;
}

int cas_call(void *fdt, const struct hw_facts *hw, uint64_t vec_addr)
{
    static struct cas_result res;
    uint64_t len;
    const char *why;
    int err, room = (int)fdt_totalsize(fdt);
    long rc;

    cas_hw = hw;
    if (!in_force.known) {
        in_force.compat_pvr = power_on_compat(hw);
        in_force.known = true;
    }
    /* The vector is the client's: read only inside RAM. */
    if (vec_addr >= hw->ram_size)
        return refuse("the vector is not in RAM", NULL);
    len = hw->ram_size - vec_addr;
    if (len > CAS_VECTOR_MAX)
        len = CAS_VECTOR_MAX;
    why = cas_parse(guest_real(vec_addr), (size_t)len, &request);
    if (!why)
        why = cas_decide(&request, hw, &res);
    if (why)
        return refuse(why, NULL);

    err = copy_tree(fdt, scratch, sizeof(scratch));
    if (!err)
        err = cas_update_tree(scratch, &res);
    if (!err)
        err = fdt_pack(scratch);
    if (!err && fdt_totalsize(scratch) > (uint32_t)room)
        err = -FDT_ERR_NOSPACE;
    if (err)
        return refuse("cannot update the device tree: ", fdt_strerror(err));

    /* The HPT first: it changes nothing a refusal would have to undo (it
     * is unused until the client enters hash entries, and stays until
     * reset).  Then the compat level: if the controller switch is
     * refused, it is the one to undo. */
    if (!res.radix && platform_alloc_hpt(petrel_hpt_shift_for_ram(hw->ram_size)) != H_SUCCESS)
        return refuse("the host has no memory for the hash page table", NULL);
    rc = platform_set_compat(res.compat_pvr);
    if (rc != H_SUCCESS)
        return refuse("the host refused the compat level", NULL);
    rc = platform_set_ic_mode(res.xive ? PETREL_IC_XIVE : PETREL_IC_XICS);
    if (rc != H_SUCCESS) {
        platform_set_compat(in_force.compat_pvr);
        return refuse("the host refused the interrupt controller switch", NULL);
    }
    in_force.compat_pvr = res.compat_pvr;
    /* Fits: checked above. */
    err = fdt_open_into(scratch, fdt, room);
    if (err)
        return refuse("cannot update the device tree: ", fdt_strerror(err));
    if (fw_trace_on(hw, PETREL_TRACE_CAS))
        platform_trace(PETREL_TRACE_CAS,
                       "vector at 0x%lx: %s, %s%s, compat 0x%08x, cpu-version 0x%08x, OV5 %u bytes",
                       (unsigned long)vec_addr, res.xive ? "XIVE" : "XICS",
                       res.radix ? "radix" : "hash", res.gtse ? " with GTSE" : "",
                       (unsigned)res.compat_pvr, (unsigned)res.cpu_version, res.ov5_prop_len);
    return 0;
}
