/*
 * Client interface instances (IEEE 1275 ihandles): what can be opened,
 * the services on an open instance (read, write, seek, close,
 * instance-to-*), and call-method with its methods (spec/boot-and-cif.md
 * §4, §4.1).
 *
 * Openable packages, one row each: the root (its method is CAS), /rtas
 * (instantiate-rtas), the hvterm console (read, write), cpu nodes (/chosen
 * cpu).  An ihandle is 0x49 in its top byte, a generation and a slot, so
 * a phandle, a closed instance or a made-up number is refused.
 *
 * /chosen gets stdout and stdin (the console, §5 step 2; prom_init panics
 * without stdout) and cpu (the boot CPU, §5 step 9).  Not provided:
 * /chosen memory and mmu, which Linux 6.1 uses only on 32-bit Open
 * Firmware workarounds (prom_find_mmu), and the display and vTPM methods
 * (no such devices).
 */
#include <string.h>

#include <libfdt.h>

#include "cas.h"
#include "cif.h"

struct cif_method {
    const char *name;
    uint8_t nargs, nret; /* the method's own, without name, ihandle and catch result */
    int32_t (*fn)(struct cif *c, struct cif_instance *in, const uint32_t *args, uint32_t *rets);
};

struct cif_package {
    const char *what;
    bool (*match)(struct cif *c, int node);
    /* Bytes moved, or -1; NULL: the package has no such operation. */
    int32_t (*read)(struct cif *c, uint64_t buf, uint32_t len);
    int32_t (*write)(struct cif *c, uint64_t buf, uint32_t len);
    const struct cif_method *methods;
    unsigned nmethods;
};

#define IHANDLE_TAG  0x49000000u
#define IHANDLE_MASK 0xff000000u

/* ------------------------------------------------------------ methods -- */

/*
 * ibm,client-architecture-support (cas.md §1) on the root: the vector is
 * the client's; cas.c reads it within RAM.  The method result is CAS's.
 * CAS may add nodes: they get phandles like every other node.
 */
static int32_t method_cas(struct cif *c, struct cif_instance *in, const uint32_t *args,
                          uint32_t *rets)
{
    (void)in;
    if (!memmap_client_ok(&c->mem, args[0], 1))
        return -1;
    rets[0] = (uint32_t)cas_call(c->fdt, c->hw, args[0]);
    return cif_number_nodes(c) ? -1 : 0;
}

/*
 * instantiate-rtas(base) -> entry (§7) on /rtas: base must be the start of
 * rtas-size bytes the client claimed (prom_init claims them first), so the
 * copy can land on nothing else; rtas.c checks alignment and RAM again.
 */
static int32_t method_instantiate_rtas(struct cif *c, struct cif_instance *in, const uint32_t *args,
                                       uint32_t *rets)
{
    uint64_t entry;
    uint32_t size;

    (void)in;
    if (!c->rtas)
        return -1;
    size = rtas_region_size(c->rtas, c->hw->max_cpus);
    if (!memmap_claimed(&c->mem, args[0], size))
        return -1;
    entry = rtas_instantiate(c->rtas, c->ram, args[0], c->hw);
    if (!entry)
        return -1;
    sync_icache(args[0], size);
    rets[0] = (uint32_t)entry;
    return 0;
}

static const struct cif_method root_methods[] = {
    {"ibm,client-architecture-support", 1, 1, method_cas},
};

static const struct cif_method rtas_methods[] = {
    {"instantiate-rtas", 1, 1, method_instantiate_rtas},
};

/* ----------------------------------------------------------- packages -- */

static bool match_root(struct cif *c, int node)
{
    (void)c;
    return node == 0;
}

static bool match_rtas(struct cif *c, int node)
{
    return node > 0 && node == fdt_path_offset(c->fdt, "/rtas");
}

static bool match_cpu(struct cif *c, int node)
{
    int len;
    const char *t = fdt_getprop(c->fdt, node, "device_type", &len);

    return t && len == 4 && !memcmp(t, "cpu", 4);
}

/* The hvterm vty the firmware's console is: hvterm1, reg = its vterm. */
static bool match_hvterm(struct cif *c, int node)
{
    int len;
    const fdt32_t *reg = fdt_getprop(c->fdt, node, "reg", &len);

    return !fdt_node_check_compatible(c->fdt, node, "hvterm1") && reg && len == 4 &&
           fdt32_to_cpu(*reg) == c->hw->vterm;
}

/* Console bytes pass through a small bounce buffer: client memory is only
 * touched through cif_read/cif_write. */
static int32_t hvterm_write(struct cif *c, uint64_t buf, uint32_t len)
{
    char chunk[128];

    if (!memmap_client_ok(&c->mem, buf, len))
        return -1;
    for (uint32_t done = 0; done < len;) {
        uint32_t n = len - done < sizeof(chunk) ? len - done : (uint32_t)sizeof(chunk);
        cif_read(c, chunk, buf + done, n);
        console_write_raw(chunk, n);
        done += n;
    }
    return (int32_t)len;
}

/* Whatever input is waiting, up to len bytes; 0 if none (never blocks). */
static int32_t hvterm_read(struct cif *c, uint64_t buf, uint32_t len)
{
    char chunk[16];
    uint32_t done = 0;

    if (!memmap_client_ok(&c->mem, buf, len))
        return -1;
    while (done < len) {
        size_t want = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        size_t n = console_read_raw(chunk, want);
        if (!n)
            break;
        cif_write(c, buf + done, chunk, n);
        done += (uint32_t)n;
    }
    return (int32_t)done;
}

static const struct cif_package cif_packages[] = {
    {"root", match_root, NULL, NULL, root_methods, sizeof(root_methods) / sizeof(root_methods[0])},
    {"rtas", match_rtas, NULL, NULL, rtas_methods, sizeof(rtas_methods) / sizeof(rtas_methods[0])},
    {"hvterm", match_hvterm, hvterm_read, hvterm_write, NULL, 0},
    {"cpu", match_cpu, NULL, NULL, NULL, 0},
};

/* ---------------------------------------------------------- instances -- */

struct cif_instance *cif_instance(struct cif *c, uint32_t ih)
{
    unsigned slot = ih & 0xff;
    struct cif_instance *in;

    if ((ih & IHANDLE_MASK) != IHANDLE_TAG || slot >= CIF_MAX_INSTANCES)
        return NULL;
    in = &c->inst[slot];
    if (!in->pkg || in->generation != ((ih >> 8) & 0xff))
        return NULL;
    return in;
}

uint32_t cif_open_node(struct cif *c, int node)
{
    const struct cif_package *pkg = NULL;
    uint32_t ph;

    if (node < 0 || !(ph = fdt_get_phandle(c->fdt, node)))
        return 0;
    for (size_t i = 0; !pkg && i < sizeof(cif_packages) / sizeof(cif_packages[0]); i++)
        if (cif_packages[i].match(c, node))
            pkg = &cif_packages[i];
    if (!pkg)
        return 0;
    for (unsigned slot = 0; slot < CIF_MAX_INSTANCES; slot++) {
        struct cif_instance *in = &c->inst[slot];
        if (in->pkg)
            continue;
        in->pkg = pkg;
        in->phandle = ph;
        in->generation = (uint8_t)(in->generation + 1);
        return IHANDLE_TAG | (uint32_t)in->generation << 8 | slot;
    }
    return 0;
}

static int set_chosen_ihandle(struct cif *c, const char *name, uint32_t ih)
{
    int chosen = fdt_path_offset(c->fdt, "/chosen");

    return chosen < 0 || !ih ? -1 : fdt_setprop_u32(c->fdt, chosen, name, ih);
}

/* The boot CPU's node: the cpu node whose reg is cpu[0]'s id. */
static int boot_cpu_node(struct cif *c)
{
    int cpus = fdt_path_offset(c->fdt, "/cpus"), node, len;

    fdt_for_each_subnode(node, c->fdt, cpus)
    {
        const fdt32_t *reg = fdt_getprop(c->fdt, node, "reg", &len);
        if (match_cpu(c, node) && reg && len == 4 && fdt32_to_cpu(*reg) == c->hw->cpu[0].id)
            return node;
    }
    return -1;
}

void cif_instances_init(struct cif *c)
{
    int chosen = fdt_path_offset(c->fdt, "/chosen"), len;
    const char *out = chosen >= 0 ? fdt_getprop(c->fdt, chosen, "stdout-path", &len) : NULL;
    uint32_t in;

    memset(c->inst, 0, sizeof(c->inst));
    c->stdout_ih = 0;
    if (!out || len < 1 || out[len - 1])
        return;
    c->stdout_ih = cif_open_node(c, cif_resolve_path(c, out));
    in = cif_open_node(c, cif_resolve_path(c, out));
    if (set_chosen_ihandle(c, "stdout", c->stdout_ih) || set_chosen_ihandle(c, "stdin", in))
        c->stdout_ih = 0;
    /* Without /chosen cpu prom_init takes CPU 0, which is right anyway. */
    set_chosen_ihandle(c, "cpu", cif_open_node(c, boot_cpu_node(c)));
}

/* ----------------------------------------------------------- services -- */

/* open(path) -> ihandle, or 0 (IEEE 1275: open fails with 0). */
int32_t cif_open(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs, unsigned nret)
{
    char path[CIF_PATH_MAX];

    (void)nargs, (void)nret;
    rets[0] = 0;
    if (cif_read_string(c, path, sizeof(path), args[0]) >= 0)
        rets[0] = cif_open_node(c, cif_resolve_path(c, path));
    return 0;
}

/* close(ihandle): no results, so a bad handle is r3 = -1. */
int32_t cif_close(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                  unsigned nret)
{
    struct cif_instance *in = cif_instance(c, args[0]);

    (void)rets, (void)nargs, (void)nret;
    if (!in)
        return -1;
    in->pkg = NULL;
    if (args[0] == c->stdout_ih)
        c->stdout_ih = 0;
    return 0;
}

/* read/write(ihandle, buf, len) -> bytes moved, or -1. */
int32_t cif_read_svc(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                     unsigned nret)
{
    struct cif_instance *in = cif_instance(c, args[0]);

    (void)nargs, (void)nret;
    rets[0] = in && in->pkg->read ? (uint32_t)in->pkg->read(c, args[1], args[2]) : CIF_ERROR;
    return 0;
}

int32_t cif_write_svc(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                      unsigned nret)
{
    struct cif_instance *in = cif_instance(c, args[0]);

    (void)nargs, (void)nret;
    rets[0] = in && in->pkg->write ? (uint32_t)in->pkg->write(c, args[1], args[2]) : CIF_ERROR;
    return 0;
}

/* seek(ihandle, pos hi, pos lo): no petrel package is seekable. */
int32_t cif_seek(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs, unsigned nret)
{
    (void)c, (void)args, (void)nargs, (void)nret;
    rets[0] = CIF_ERROR;
    return 0;
}

int32_t cif_instance_to_package(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                                unsigned nret)
{
    struct cif_instance *in = cif_instance(c, args[0]);

    (void)nargs, (void)nret;
    rets[0] = in ? in->phandle : CIF_ERROR;
    return 0;
}

/* instance-to-path(ihandle, buf, buflen) -> its package's path length. */
int32_t cif_instance_to_path(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                             unsigned nret)
{
    struct cif_instance *in = cif_instance(c, args[0]);
    int node = in ? cif_node(c, in->phandle) : -1;

    (void)nargs, (void)nret;
    rets[0] = node < 0 ? CIF_ERROR : (uint32_t)cif_node_path(c, node, args[1], args[2]);
    return 0;
}

/*
 * call-method(method, ihandle, args...) -> catch result, results...
 * (§4.1).  A method that does not exist on the instance, a bad ihandle,
 * the wrong number of arguments or results, or a method that fails
 * "throws": the catch result is -1 and no result is set.
 */
int32_t cif_call_method(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                        unsigned nret)
{
    char name[CIF_NAME_MAX];
    struct cif_instance *in;
    const struct cif_method *m = NULL;
    uint32_t results[CIF_MAX_CELLS] = {0};

    /* The dispatcher saw to nargs >= 2 and nret >= 1. */
    rets[0] = CIF_ERROR;
    in = cif_instance(c, args[1]);
    if (!in || cif_read_string(c, name, sizeof(name), args[0]) < 0)
        return 0;
    for (unsigned i = 0; !m && i < in->pkg->nmethods; i++)
        if (!strcmp(in->pkg->methods[i].name, name))
            m = &in->pkg->methods[i];
    if (!m || nargs - 2 != m->nargs || nret - 1 != m->nret || m->fn(c, in, args + 2, results))
        return 0;
    rets[0] = 0;
    memcpy(rets + 1, results, 4 * m->nret);
    return 0;
}
