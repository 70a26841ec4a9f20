/*
 * The Open Firmware client interface (cif.h): the argument block, the
 * service table, and the services on the device tree, memory and time.
 * Instances and call-method are in cif-instance.c.
 *
 * Calling convention (spec/boot-and-cif.md §3): the client passes the
 * real address of a block of 32-bit big-endian cells -- service name
 * pointer, nargs, nret, args, rets -- and gets r3 = 0 when the service ran
 * (results, -1 for a failed lookup, in rets) or -1 when it could not.
 * Everything in the block is untrusted: the block itself, every pointer in
 * it and every length must lie in client memory (RAM, clear of the
 * firmware: memmap.c) before anything is read or written, handles must
 * name a live node or instance, and a failed call changes nothing.
 *
 * The tree the client sees is a live copy of the OS tree (devtree.c),
 * opened with room to grow.  Package handles are the nodes' phandle
 * properties, so the handles the client stores in property values are
 * the ones the flattened tree carries (§3.4).
 *
 * Implemented: every service Linux 6.1's prom_init calls on pseries (§4),
 * plus release, milliseconds, test, read and seek.  Not implemented:
 * start-cpu (prom_init calls it only when /rtas lacks
 * query-cpu-stopped-state, which needs host CPU control not built yet),
 * interpret, map, boot, enter, and the "name" property, which a flattened
 * tree carries in the node name instead (prom_init skips it, §6.3).
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "cif.h"

struct cif_service_row {
    const char *name;
    uint8_t nargs, nret; /* the exact counts, or the least with variadic */
    bool variadic;
    cif_service *fn;
};

static cif_service svc_finddevice, svc_getprop, svc_getproplen, svc_nextprop, svc_setprop, svc_peer,
    svc_child, svc_parent, svc_package_to_path, svc_claim, svc_release, svc_quiesce,
    svc_milliseconds, svc_test, svc_exit;

/* One row per service (IEEE 1275 6.3.2; spec §4 for the counts Linux uses). */
static const struct cif_service_row cif_services[] = {
    {"finddevice", 1, 1, false, svc_finddevice},
    {"getprop", 4, 1, false, svc_getprop},
    {"getproplen", 2, 1, false, svc_getproplen},
    {"nextprop", 3, 1, false, svc_nextprop},
    {"setprop", 4, 1, false, svc_setprop},
    {"peer", 1, 1, false, svc_peer},
    {"child", 1, 1, false, svc_child},
    {"parent", 1, 1, false, svc_parent},
    {"package-to-path", 3, 1, false, svc_package_to_path},
    {"instance-to-package", 1, 1, false, cif_instance_to_package},
    {"instance-to-path", 3, 1, false, cif_instance_to_path},
    {"open", 1, 1, false, cif_open},
    {"close", 1, 0, false, cif_close},
    {"read", 3, 1, false, cif_read_svc},
    {"write", 3, 1, false, cif_write_svc},
    {"seek", 3, 1, false, cif_seek},
    {"claim", 3, 1, false, svc_claim},
    {"release", 2, 0, false, svc_release},
    {"call-method", 2, 1, true, cif_call_method}, /* method, ihandle -> catch result */
    {"quiesce", 0, 0, false, svc_quiesce},
    {"milliseconds", 0, 1, false, svc_milliseconds},
    {"test", 1, 1, false, svc_test},
    {"exit", 0, 0, false, svc_exit},
};

/* Longest property value setprop takes: far more than any /chosen or
 * /rtas property prom_init writes, and within what the tree has room for. */
#define CIF_SETPROP_MAX 0x10000

static const struct cif_service_row *find_service(const char *name)
{
    for (size_t i = 0; i < sizeof(cif_services) / sizeof(cif_services[0]); i++)
        if (!strcmp(cif_services[i].name, name))
            return &cif_services[i];
    return NULL;
}

/* ------------------------------------------------------ client memory -- */

int cif_read(struct cif *c, void *dst, uint64_t addr, uint64_t len)
{
    if (!memmap_client_ok(&c->mem, addr, len))
        return -1;
    memcpy(dst, (const void *)(c->ram + addr), len);
    return 0;
}

int cif_write(struct cif *c, uint64_t addr, const void *src, uint64_t len)
{
    if (!memmap_client_ok(&c->mem, addr, len))
        return -1;
    memcpy((void *)(c->ram + addr), src, len);
    return 0;
}

int cif_read_string(struct cif *c, char *dst, size_t max, uint64_t addr)
{
    for (size_t i = 0; i < max; i++) {
        if (cif_read(c, &dst[i], addr + i, 1))
            return -1;
        if (!dst[i])
            return (int)i;
    }
    return -1;
}

/* --------------------------------------------------------- dispatch -- */

/* -trace cif: "name(args) -> rets" in hex, status if the call failed. */
static void trace_call(const char *name, const uint32_t *in, unsigned nargs, const uint32_t *out,
                       unsigned nret, int32_t status)
{
    char line[PETREL_TRACE_MAX];
    int n = snprintf(line, sizeof(line), "%s(", name);

    for (unsigned i = 0; i < nargs && n < (int)sizeof(line); i++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, "%s0x%x", i ? ", " : "", in[i]);
    if (n < (int)sizeof(line))
        n += snprintf(line + n, sizeof(line) - (size_t)n, ") ->");
    for (unsigned i = 0; i < nret && n < (int)sizeof(line); i++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, " 0x%x", out[i]);
    if (status && n < (int)sizeof(line))
        snprintf(line + n, sizeof(line) - (size_t)n, " (failed)");
    platform_trace(PETREL_TRACE_CIF, "%s", line);
}

int32_t cif_call(struct cif *c, uint64_t args)
{
    uint32_t hdr[3], in[CIF_MAX_CELLS], out[CIF_MAX_CELLS];
    char name[CIF_NAME_MAX];
    const struct cif_service_row *row;
    unsigned nargs, nret;
    int32_t status;

    if ((args & 3) || cif_read(c, hdr, args, sizeof(hdr)) ||
        cif_read_string(c, name, sizeof(name), fdt32_to_cpu(hdr[0])) < 0)
        return -1;
    row = find_service(name);
    nargs = fdt32_to_cpu(hdr[1]), nret = fdt32_to_cpu(hdr[2]);
    if (!row || nargs > CIF_MAX_CELLS || nret > CIF_MAX_CELLS || nargs + nret > CIF_MAX_CELLS)
        return -1;
    if (row->variadic ? nargs < row->nargs || nret < row->nret
                      : nargs != row->nargs || nret != row->nret)
        return -1;
    /* The whole block is client memory before anything is written; it is
     * read once.  Results a service does not set are written back as
     * they were (a failed call-method sets only its catch result). */
    if (!memmap_client_ok(&c->mem, args, 12 + 4 * (uint64_t)(nargs + nret)) ||
        cif_read(c, in, args + 12, 4 * nargs) || cif_read(c, out, args + 12 + 4 * nargs, 4 * nret))
        return -1;
    for (unsigned i = 0; i < nargs; i++)
        in[i] = fdt32_to_cpu(in[i]);
    for (unsigned i = 0; i < nret; i++)
        out[i] = fdt32_to_cpu(out[i]);
    status = row->fn(c, in, out, nargs, nret);
    if (fw_trace_on(c->hw, PETREL_TRACE_CIF))
        trace_call(name, in, nargs, out, nret, status);
    for (unsigned i = 0; i < nret; i++)
        out[i] = cpu_to_fdt32(out[i]);
    if (cif_write(c, args + 12 + 4 * nargs, out, 4 * nret))
        return -1;
    return status;
}

/* ---------------------------------------------------------- the tree -- */

int cif_node(struct cif *c, uint32_t phandle)
{
    int node = fdt_node_offset_by_phandle(c->fdt, phandle);

    return node >= 0 ? node : -1;
}

static uint32_t node_phandle(struct cif *c, int node)
{
    uint32_t ph = node >= 0 ? fdt_get_phandle(c->fdt, node) : 0;

    return ph ? ph : CIF_ERROR;
}

/* Drops IEEE 1275 device arguments (":args" at the end of a component):
 * no petrel device takes any. */
static void strip_args(char *path)
{
    char *w = path;

    for (const char *r = path; *r;) {
        if (*r == ':') {
            while (*r && *r != '/')
                r++;
            continue;
        }
        *w++ = *r++;
    }
    *w = '\0';
}

int cif_resolve_path(struct cif *c, const char *path)
{
    char buf[CIF_PATH_MAX];
    int node;

    if (strlen(path) >= sizeof(buf))
        return -1;
    strcpy(buf, path);
    strip_args(buf);
    if (buf[0] != '/') {
        /* An alias (IEEE 1275 4.3.1): its value replaces the first
         * component.  Resolved here rather than by libfdt, which would
         * follow an alias to another alias without end and trust its
         * value to be NUL-terminated: the client can setprop /aliases. */
        char full[CIF_PATH_MAX];
        const char *rest = strchr(buf, '/'), *val;
        int aliases = fdt_path_offset(c->fdt, "/aliases"), len;
        size_t n = rest ? (size_t)(rest - buf) : strlen(buf);

        if (!n || aliases < 0)
            return -1;
        val = fdt_getprop_namelen(c->fdt, aliases, buf, (int)n, &len);
        if (!val || len < 2 || val[0] != '/' || memchr(val, '\0', (size_t)len) != val + len - 1)
            return -1;
        if ((size_t)len - 1 + strlen(buf + n) >= sizeof(full))
            return -1;
        memcpy(full, val, (size_t)len - 1);
        strcpy(full + len - 1, buf + n);
        strcpy(buf, full);
        strip_args(buf);
        if (buf[0] != '/')
            return -1;
    }
    node = fdt_path_offset(c->fdt, buf);
    return node >= 0 ? node : -1;
}

int32_t cif_node_path(struct cif *c, int node, uint64_t buf, uint64_t buflen)
{
    char path[CIF_PATH_MAX];
    size_t len;

    if (fdt_get_path(c->fdt, node, path, sizeof(path)) < 0)
        return (int32_t)CIF_ERROR;
    len = strlen(path);
    if (buflen) {
        /* The client said buflen bytes are its to fill: all of them must be. */
        if (!memmap_client_ok(&c->mem, buf, buflen))
            return (int32_t)CIF_ERROR;
        cif_write(c, buf, path, len + 1 < buflen ? len + 1 : buflen);
    }
    return (int32_t)len;
}

int cif_number_nodes(struct cif *c)
{
    uint32_t max = 0;
    int node;

    if (fdt_find_max_phandle(c->fdt, &max))
        return -1;
    for (node = 0; node >= 0; node = fdt_next_node(c->fdt, node, NULL)) {
        if (fdt_get_phandle(c->fdt, node))
            continue;
        /* Adding a property moves later nodes, not this one. */
        if (max >= 0xfffffffeu || fdt_setprop_u32(c->fdt, node, "phandle", ++max))
            return -1;
    }
    return node == -FDT_ERR_NOTFOUND ? 0 : -1;
}

/* finddevice(path) -> phandle (§4: absolute paths with or without unit
 * addresses, aliases; -1 when there is no such node). */
static int32_t svc_finddevice(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                              unsigned nret)
{
    char path[CIF_PATH_MAX];

    (void)nargs, (void)nret;
    rets[0] = CIF_ERROR;
    if (cif_read_string(c, path, sizeof(path), args[0]) >= 0)
        rets[0] = node_phandle(c, cif_resolve_path(c, path));
    return 0;
}

/* The property a (phandle, name pointer) pair names, or NULL. */
static const void *lookup_prop(struct cif *c, uint32_t ph, uint32_t name_addr, int *len)
{
    char name[CIF_NAME_MAX];
    int node = cif_node(c, ph);

    if (node < 0 || cif_read_string(c, name, sizeof(name), name_addr) < 0)
        return NULL;
    return fdt_getprop(c->fdt, node, name, len);
}

/* getprop(phandle, name, buf, buflen) -> the property's full length, of
 * which min(length, buflen) bytes are copied; -1 if absent (§4). */
static int32_t svc_getprop(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                           unsigned nret)
{
    int len;
    const void *val = lookup_prop(c, args[0], args[1], &len);
    uint32_t n;

    (void)nargs, (void)nret;
    rets[0] = CIF_ERROR;
    if (!val)
        return 0;
    /* buflen 0 asks for the length only; otherwise the whole buffer the
     * client names must be its own. */
    n = (uint32_t)len < args[3] ? (uint32_t)len : args[3];
    if (args[3] && (!memmap_client_ok(&c->mem, args[2], args[3]) || cif_write(c, args[2], val, n)))
        return 0;
    rets[0] = (uint32_t)len;
    return 0;
}

/* getproplen(phandle, name) -> length, or -1 if absent. */
static int32_t svc_getproplen(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                              unsigned nret)
{
    int len;

    (void)nargs, (void)nret;
    rets[0] = lookup_prop(c, args[0], args[1], &len) ? (uint32_t)len : CIF_ERROR;
    return 0;
}

/*
 * nextprop(phandle, previous, buf) -> 1 with the name after previous
 * ("" or a null pointer: the first) copied to buf, 0 after the last, -1
 * for a bad handle or buffer or a previous the node does not have (§4).
 * Only strlen + 1 bytes of buf are written: names are shorter than
 * CIF_NAME_MAX, the client's 64-byte buffer (§6.3).
 */
static int32_t svc_nextprop(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                            unsigned nret)
{
    char prev[CIF_NAME_MAX];
    int node = cif_node(c, args[0]), off;
    const char *name = NULL;
    bool take = true;

    (void)nargs, (void)nret;
    rets[0] = CIF_ERROR;
    if (node < 0)
        return 0;
    if (!args[1])
        prev[0] = '\0';
    else if (cif_read_string(c, prev, sizeof(prev), args[1]) < 0)
        return 0;
    take = !prev[0];
    fdt_for_each_property_offset(off, c->fdt, node)
    {
        const char *n;

        fdt_getprop_by_offset(c->fdt, off, &n, NULL);
        if (!n)
            return 0;
        if (take) {
            name = n;
            break;
        }
        take = !strcmp(n, prev);
    }
    if (!name) {
        if (take)
            rets[0] = 0; /* previous was the last (or there are none) */
        return 0;
    }
    if (strlen(name) < CIF_NAME_MAX && !cif_write(c, args[2], name, strlen(name) + 1))
        rets[0] = 1;
    return 0;
}

/*
 * Room for a new property of len bytes named name, counted as if both were
 * new.  A tree opened by fdt_open_into ends with its strings block, so the
 * free space is what follows it.  Checked before libfdt is asked, so a
 * refusal leaves the tree byte for byte as it was (libfdt's own rollback
 * of a half-added name is not in every version).
 */
static bool tree_has_room(const void *fdt, const char *name, uint32_t len)
{
    uint64_t used = (uint64_t)fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt);
    uint64_t need = 12 + (((uint64_t)len + 3) & ~3ull) + strlen(name) + 1;

    return used <= fdt_totalsize(fdt) && need <= fdt_totalsize(fdt) - used;
}

/*
 * setprop(phandle, name, buf, len) -> len, or -1.  Refused: names longer
 * than the client's nextprop buffer holds, "phandle" and "linux,phandle"
 * (package handles must stay what the client was told, §3.4), values the
 * tree has no room for.
 */
static int32_t svc_setprop(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                           unsigned nret)
{
    char name[CIF_NAME_MAX];
    int node = cif_node(c, args[0]);

    (void)nargs, (void)nret;
    rets[0] = CIF_ERROR;
    if (node < 0 || cif_read_string(c, name, sizeof(name), args[1]) <= 0 ||
        !strcmp(name, "phandle") || !strcmp(name, "linux,phandle") || args[3] > CIF_SETPROP_MAX ||
        !memmap_client_ok(&c->mem, args[2], args[3]) || !tree_has_room(c->fdt, name, args[3]))
        return 0;
    if (!fdt_setprop(c->fdt, node, name, (const void *)(c->ram + args[2]), (int)args[3]))
        rets[0] = args[3];
    return 0;
}

/* peer(phandle) -> next sibling or 0; peer(0) is the root (§4). */
static int32_t svc_peer(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                        unsigned nret)
{
    int node;

    (void)nargs, (void)nret;
    if (!args[0]) {
        rets[0] = node_phandle(c, 0);
        return 0;
    }
    node = cif_node(c, args[0]);
    if (node < 0)
        rets[0] = CIF_ERROR;
    else if (node == 0) /* the root has no siblings */
        rets[0] = 0;
    else if ((node = fdt_next_subnode(c->fdt, node)) < 0)
        rets[0] = 0;
    else
        rets[0] = node_phandle(c, node);
    return 0;
}

/* child(phandle) -> first child or 0. */
static int32_t svc_child(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                         unsigned nret)
{
    int node = cif_node(c, args[0]);

    (void)nargs, (void)nret;
    if (node < 0)
        rets[0] = CIF_ERROR;
    else if ((node = fdt_first_subnode(c->fdt, node)) < 0)
        rets[0] = 0;
    else
        rets[0] = node_phandle(c, node);
    return 0;
}

/* parent(phandle) -> parent, or 0 for the root. */
static int32_t svc_parent(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                          unsigned nret)
{
    int node = cif_node(c, args[0]);

    (void)nargs, (void)nret;
    if (node < 0)
        rets[0] = CIF_ERROR;
    else if (node == 0)
        rets[0] = 0;
    else
        rets[0] = node_phandle(c, fdt_parent_offset(c->fdt, node));
    return 0;
}

/* package-to-path(phandle, buf, buflen) -> full length even if truncated
 * (§4); the root is "/". */
static int32_t svc_package_to_path(struct cif *c, const uint32_t *args, uint32_t *rets,
                                   unsigned nargs, unsigned nret)
{
    int node = cif_node(c, args[0]);

    (void)nargs, (void)nret;
    rets[0] = node < 0 ? CIF_ERROR : (uint32_t)cif_node_path(c, node, args[1], args[2]);
    return 0;
}

/* -------------------------------------------------------- memory, misc -- */

/* claim(addr, size, align) -> base or -1 (§5.1, memmap_claim). */
static int32_t svc_claim(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                         unsigned nret)
{
    int64_t base = memmap_claim(&c->mem, args[0], args[1], args[2]);

    (void)nargs, (void)nret;
    rets[0] = base < 0 ? CIF_ERROR : (uint32_t)base;
    return 0;
}

/* release(addr, size): no results, so a refusal is r3 = -1. */
static int32_t svc_release(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                           unsigned nret)
{
    (void)rets, (void)nargs, (void)nret;
    return memmap_release(&c->mem, args[0], args[1]) ? -1 : 0;
}

/*
 * quiesce (§8): the last call before the client takes the machine.  The
 * firmware started no DMA and enabled no interrupt source, so there is
 * nothing to stop; the console is flushed so nothing is left to print
 * later.  write keeps working (prom_init prints once more).
 */
static int32_t svc_quiesce(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                           unsigned nret)
{
    (void)args, (void)rets, (void)nargs, (void)nret;
    console_flush();
    c->quiesced = true;
    return 0;
}

/* milliseconds() -> ms from the timebase (one timebase for all vCPUs). */
static int32_t svc_milliseconds(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                                unsigned nret)
{
    uint64_t per_ms = c->hw->tb_freq / 1000;

    (void)args, (void)nargs, (void)nret;
    rets[0] = (uint32_t)(platform_timebase() / (per_ms ? per_ms : 1));
    return 0;
}

/* test(name) -> 0 if the service exists, -1 if not (IEEE 1275 6.3.2.1). */
static int32_t svc_test(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                        unsigned nret)
{
    char name[CIF_NAME_MAX];

    (void)nargs, (void)nret;
    rets[0] =
        cif_read_string(c, name, sizeof(name), args[0]) >= 0 && find_service(name) ? 0 : CIF_ERROR;
    return 0;
}

/* exit: the client gave up (prom_panic).  Nothing runs after it: the VM
 * stops, with status 1 since no OS took over. */
static int32_t svc_exit(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                        unsigned nret)
{
    (void)c, (void)args, (void)rets, (void)nargs, (void)nret;
    printf("\nfirmware: the client program called exit\n");
    platform_power_off(1);
}

/* ---------------------------------------------------------- setting up -- */

int cif_init(struct cif *c, uintptr_t ram, const struct hw_facts *hw, const void *tree, void *buf,
             size_t size, const struct cif_layout *lay, const struct rtas_image *rtas)
{
    uint64_t stack_end = lay->stack_base + lay->stack_size, fw_end = lay->fw_base + lay->fw_size;
    int err;

    memset(c, 0, sizeof(*c));
    c->ram = ram, c->hw = hw, c->fdt = buf, c->rtas = rtas;
    err = fdt_open_into(tree, buf, size > 0x7fffffff ? 0x7fffffff : (int)size);
    if (err)
        return err;
    memmap_init(&c->mem, hw->ram_size);
    /* The firmware around the client's stack; the stack is the client's. */
    if (lay->stack_base < lay->fw_base || stack_end > fw_end || lay->stack_base >= stack_end ||
        (lay->stack_base > lay->fw_base &&
         memmap_reserve(&c->mem, lay->fw_base, lay->stack_base - lay->fw_base, MEM_FIRMWARE)) ||
        memmap_reserve(&c->mem, lay->stack_base, lay->stack_size, MEM_CLIENT_STACK) ||
        (fw_end > stack_end &&
         memmap_reserve(&c->mem, stack_end, fw_end - stack_end, MEM_FIRMWARE)))
        return -1;
    if (lay->kernel_size && memmap_reserve(&c->mem, lay->kernel_base, lay->kernel_size, MEM_KERNEL))
        return -1;
    if (lay->initrd_size && memmap_reserve(&c->mem, lay->initrd_base, lay->initrd_size, MEM_INITRD))
        return -1;
    if (cif_number_nodes(c))
        return -1;
    cif_instances_init(c);
    return c->stdout_ih ? 0 : -1;
}

/* ------------------------------------------------------ the firmware's -- */

struct cif cif_firmware;

int32_t cif_entry_c(uint64_t args)
{
    int32_t r;

    /* -M boot-report: the host tells the client's hcalls from ours. */
    if (cif_firmware.hw->boot_report)
        platform_boot_mark(PETREL_BOOT_CIF_ENTER, 0);
    r = cif_call(&cif_firmware, args);
    if (cif_firmware.hw->boot_report)
        platform_boot_mark(PETREL_BOOT_CIF_LEAVE, cif_firmware.quiesced);
    return r;
}
