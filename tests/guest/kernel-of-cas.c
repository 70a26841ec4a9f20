/*
 * The CAS step of the Open Firmware test client (kernel-of.c), as Linux
 * 6.1's prom_init takes it (spec/boot-and-cif.md §5 step 6): read /chosen
 * ibm,arch-vec-5-platform-support and the first cpu node's thread count
 * through the client interface, build the architecture vector Linux 6.1
 * sends from them (firmware/linux61_vector.c: the one definition of its
 * bytes), open "/", call-method ibm,client-architecture-support, close.
 *
 * Then, through the client interface only, what spec/cas.md §4 says the
 * client must find: /chosen ibm,architecture-vec-5 holding what was
 * negotiated, exactly one interrupt-controller node -- the one chosen --
 * with the phandle the references used before CAS, every cpu node at the
 * logical PVR with that level's ibm,pa-features (spec/device-tree.md
 * §4.1).  The expected values come from the spec and from the tree as it
 * was before CAS, never from the firmware's code.
 */
#include <string.h>
#include <strings.h>

#include "kernel-of.h"
#include "linux61_vector.h"

/* OV5 bytes (spec/cas.md §2.7) and their bits. */
#define OV5_INTC       23
#define OV5_MMU        24
#define OV5_RADIX_OPTS 26
#define OV5_XIVE       0x40
#define OV5_RADIX      0x40
#define OV5_GTSE       0x40
#define OV5_CHOICE     0xc0 /* the two bits of bytes 23 and 24 */

#define XICS_COMPATIBLE "IBM,ppc-xicp"
#define XIVE_COMPATIBLE "ibm,power-ivpe"

#define LOGICAL_PVR_P8 0x0f000004u /* ISA 2.07 */
#define LOGICAL_PVR_P9 0x0f000005u /* ISA 3.00 */

/* ibm,pa-features per level, header included, as spec/device-tree.md §4.1
 * gives them (no transactional memory, no second DAWR, no CI large
 * pages: petrel has none of them). */
static const uint8_t pa_features_207[] = {
    0x18, 0x00, 0xf6, 0x1f, 0xc7, 0xc0, 0x80, 0xf0, 0x80, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x00, 0x00,
};
static const uint8_t pa_features_300[] = {
    0x42, 0x00, 0xf6, 0x1f, 0xc7, 0xc0, 0x80, 0xf0, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x00, 0x00, 0x80, 0x00,
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0xc0, 0x00, 0x80, 0x00, 0x80, 0x00,
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00,
    0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x80, 0x00, 0x00, 0x00,
};
/* The request, in the client's own memory like Linux's
 * ibm_architecture_vec. */
static uint8_t request[LINUX61_VECTOR_SIZE] __attribute__((aligned(8)));
static uint8_t other[LINUX61_VECTOR_SIZE] __attribute__((aligned(8)));

/* ------------------------------------------------------ tree helpers -- */

/* prom_next_node: depth first, through child, peer and parent; 0 at the
 * end.  Start from the root (peer(0)). */
static uint32_t next_node(uint32_t ph)
{
    uint32_t n = ci("child", 1, 1, ph);

    if (n && n != ERR)
        return n;
    for (;;) {
        n = ci("peer", 1, 1, ph);
        if (n && n != ERR)
            return n;
        ph = ci("parent", 1, 1, ph);
        if (!ph || ph == ERR)
            return 0;
    }
}

static bool is_cpu(uint32_t ph)
{
    char type[64] = "";

    ci("getprop", 4, 1, ph, A("device_type"), A(type), sizeof(type) - 1);
    return !strcmp(type, "cpu");
}

/* Whether the node's compatible list names want (case-insensitively, as
 * Linux compares compatible strings). */
static bool compatible_with(uint32_t ph, const char *want)
{
    static char list[256];
    uint32_t len = ci("getprop", 4, 1, ph, A("compatible"), A(list), sizeof(list));

    if (len == ERR || len == 0 || len > sizeof(list) || list[len - 1])
        return false;
    for (uint32_t at = 0; at < len; at += (uint32_t)strlen(list + at) + 1)
        if (!strcasecmp(list + at, want))
            return true;
    return false;
}

/* A cell of a property read into a buffer (big-endian, as the tree). */
static uint32_t cell_at(const uint8_t *p, uint32_t i)
{
    p += 4 * i;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ------------------------------------------------ what the tree shows -- */

#define MAX_CONTROLLERS 4

struct controllers {
    unsigned n;
    uint32_t ph[MAX_CONTROLLERS];
    bool xive[MAX_CONTROLLERS];
    char path[MAX_CONTROLLERS][64];
};

struct references {
    unsigned n;          /* interrupt-parent values and interrupt-map parents */
    unsigned elsewhere;  /* of those, not the phandle expected */
    unsigned unreadable; /* interrupt-maps that could not be parsed */
};

/* The interrupt-controller nodes (spec/device-tree.md §8, §9). */
static void find_controllers(struct controllers *c)
{
    memset(c, 0, sizeof(*c));
    for (uint32_t ph = ci("peer", 1, 1, 0); ph; ph = next_node(ph)) {
        bool xics = compatible_with(ph, XICS_COMPATIBLE),
             xive = compatible_with(ph, XIVE_COMPATIBLE);

        if (!xics && !xive)
            continue;
        CHECK(!(xics && xive));
        CHECK(ci("getproplen", 2, 1, ph, A("interrupt-controller")) == 0);
        CHECK(c->n < MAX_CONTROLLERS);
        if (c->n == MAX_CONTROLLERS)
            return;
        c->ph[c->n] = ph;
        c->xive[c->n] = xive;
        CHECK(ci("package-to-path", 3, 1, ph, A(c->path[c->n]), sizeof(c->path[0])) <
              sizeof(c->path[0]));
        c->n++;
    }
}

static uint32_t getprop32_or(uint32_t ph, const char *name, uint32_t absent)
{
    uint32_t v = 0, len = ci("getprop", 4, 1, ph, A(name), A(&v), 4);

    return len == ERR ? absent : len == 4 ? v : ERR;
}

/*
 * The phandles interrupt-parent properties and interrupt-map entries name
 * (an entry: child unit address (#address-cells of the node), child
 * specifier (#interrupt-cells), parent phandle, parent unit address and
 * specifier (the parent's #address-cells, absent = 0, and
 * #interrupt-cells)); each counted, and whether it is expect.
 */
static void find_references(uint32_t expect, struct references *r)
{
    static uint8_t map[8192];

    memset(r, 0, sizeof(*r));
    for (uint32_t ph = ci("peer", 1, 1, 0); ph; ph = next_node(ph)) {
        uint32_t parent = getprop32_or(ph, "interrupt-parent", 0), len, cells, at = 0;
        uint32_t addr_cells, intr_cells;

        if (parent) {
            r->n++;
            r->elsewhere += parent != expect;
        }
        len = ci("getprop", 4, 1, ph, A("interrupt-map"), A(map), sizeof(map));
        if (len == ERR)
            continue;
        addr_cells = getprop32_or(ph, "#address-cells", 2);
        intr_cells = getprop32_or(ph, "#interrupt-cells", ERR);
        if (len > sizeof(map) || len % 4 || addr_cells > 4 || intr_cells > 4) {
            r->unreadable++;
            continue;
        }
        cells = len / 4;
        while (at < cells) {
            uint32_t p, p_addr, p_intr;

            at += addr_cells + intr_cells;
            if (at >= cells)
                break;
            p = cell_at(map, at++);
            r->n++;
            r->elsewhere += p != expect;
            p_addr = getprop32_or(p, "#address-cells", 0);
            p_intr = getprop32_or(p, "#interrupt-cells", ERR);
            if (p_addr > 4 || p_intr > 4)
                break;
            at += p_addr + p_intr;
        }
        if (at != cells)
            r->unreadable++;
    }
}

struct cpus {
    unsigned n;
    uint32_t version; /* the first node's cpu-version; ERR if the nodes differ */
    bool pa_ok;       /* every node's ibm,pa-features the spec's for that level */
};

static void read_cpus(struct cpus *c)
{
    static uint8_t pa[128];

    memset(c, 0, sizeof(*c));
    c->pa_ok = true;
    for (uint32_t ph = ci("peer", 1, 1, 0); ph; ph = next_node(ph)) {
        uint32_t v, len;
        const uint8_t *want;
        size_t want_len;

        if (!is_cpu(ph))
            continue;
        v = getprop32(ph, "cpu-version");
        c->version = c->n++ && c->version != v ? ERR : v;
        want = v == LOGICAL_PVR_P9 ? pa_features_300 : pa_features_207;
        want_len = v == LOGICAL_PVR_P9 ? sizeof(pa_features_300) : sizeof(pa_features_207);
        len = ci("getprop", 4, 1, ph, A("ibm,pa-features"), A(pa), sizeof(pa));
        c->pa_ok &= len == want_len && !memcmp(pa, want, want_len);
    }
}

/* The logical PVR CAS must settle on (spec/cas.md §2.2): the newest one
 * Linux lists that the CPU and max-cpu-compat allow -- what the
 * cpu-version before CAS tells: a logical PVR already (max-cpu-compat), or
 * the raw PVR of a POWER9 or POWER8. */
static uint32_t expected_level(uint32_t before)
{
    if (before == LOGICAL_PVR_P8 || before == LOGICAL_PVR_P9)
        return before;
    if (before >> 16 == 0x004e)
        return LOGICAL_PVR_P9;
    if (before >> 16 == 0x004d)
        return LOGICAL_PVR_P8;
    return ERR;
}

/* ------------------------------------------------------ the request -- */

/* prom_count_smt_threads: the first cpu node's server list, in cells. */
static uint32_t threads_per_core(void)
{
    for (uint32_t ph = ci("peer", 1, 1, 0); ph; ph = next_node(ph)) {
        uint32_t len;

        if (!is_cpu(ph))
            continue;
        len = ci("getproplen", 2, 1, ph, A("ibm,ppc-interrupt-server#s"));
        return len == ERR ? 1 : len / 4;
    }
    return 1;
}

struct offer {
    uint8_t pairs[LINUX61_PLATFORM_SUPPORT_MAX];
    int len;          /* bytes read; -1: no property */
    uint32_t threads; /* per core, as prom_init counts them */
};

/* prom_check_platform_support: the property read only if longer than one
 * byte, at most four pairs of it. */
static void read_offer(const struct machine *m, struct offer *o)
{
    uint32_t len = ci("getproplen", 2, 1, m->chosen, A("ibm,arch-vec-5-platform-support"));

    o->len = -1;
    if (len != ERR && len > 1) {
        CHECK(ci("getprop", 4, 1, m->chosen, A("ibm,arch-vec-5-platform-support"), A(o->pairs),
                 sizeof(o->pairs)) == len);
        o->len = len < sizeof(o->pairs) ? (int)len : (int)sizeof(o->pairs);
    }
    o->threads = threads_per_core();
}

/* The offer's value for an OV5 byte; ERR if it says nothing of it. */
static uint32_t offered(const struct offer *o, unsigned byte)
{
    for (int i = 0; i + 1 < o->len; i += 2)
        if (o->pairs[i] == byte)
            return o->pairs[i + 1];
    return ERR;
}

static void build_request(const struct machine *m, struct offer *o)
{
    read_offer(m, o);
    linux61_vector_build(request, o->pairs, o->len, o->threads);
}

/* open("/"), call-method ibm,client-architecture-support, close: the catch
 * result, the method result in *res (Linux only warns if it is not 0). */
static uint32_t send_cas(uint32_t vector, uint32_t *res)
{
    uint32_t root = ci("open", 1, 1, A("/")), catch_;

    CHECK(root && root != ERR);
    *res = 0x5a5a5a5a;
    catch_ = ci_method("ibm,client-architecture-support", root, vector, res);
    CHECK(ci_r3("close", 1, root) == 0);
    return catch_;
}

/* ----------------------------------------------- the negotiated tree -- */

/* OV5 byte n of the request (0 past its 26 bytes). */
static uint8_t asked(unsigned n)
{
    return n >= 1 && n <= 26 ? request[LINUX61_OV5_BYTE(n)] : 0;
}

struct negotiated {
    uint8_t prop[64]; /* /chosen ibm,architecture-vec-5 */
    uint32_t len;
};

/* Byte n of the negotiated vector: 0 past its length (cas.md §4). */
static uint8_t ov5_byte(const struct negotiated *v, unsigned n)
{
    return n >= 1 && n <= v->prop[0] + 1u ? v->prop[n] : 0;
}

/* Whether /rtas ibm,hypertas-functions lists name. */
static bool hypertas_has(const struct machine *m, const char *name)
{
    static char list[1024];
    uint32_t len = ci("getprop", 4, 1, m->rtas, A("ibm,hypertas-functions"), A(list), sizeof(list));

    if (len == ERR || len == 0 || len > sizeof(list) || list[len - 1])
        return false;
    for (uint32_t at = 0; at < len; at += (uint32_t)strlen(list + at) + 1)
        if (!strcmp(list + at, name))
            return true;
    return false;
}

/*
 * cas.md §4: besides bytes 23, 24 and 26 a platform's OV5 holds bits only
 * for what it describes -- memory DR (byte 2 0x20; byte 22 0x80 its v2
 * layout), NUMA forms (byte 5 0x80, 0x20), hot-plug events (byte 6 0x04),
 * HPT resizing (byte 6 0x01) -- so each such bit negotiated must have its
 * part of the tree, and no other bit may be.
 */
static bool backed_by_tree(const struct machine *m, unsigned byte, uint8_t bit)
{
    uint32_t len;

    switch (byte << 8 | bit) {
    case 2 << 8 | 0x20:
    case 22 << 8 | 0x80:
        return ci("finddevice", 1, 1, A("/ibm,dynamic-reconfiguration-memory")) != ERR;
    case 5 << 8 | 0x80:
    case 5 << 8 | 0x20:
        len = ci("getproplen", 2, 1, m->root, A("ibm,associativity-reference-points"));
        return len != ERR && len > 0;
    case 6 << 8 | 0x04: return ci("finddevice", 1, 1, A("/event-sources/hot-plug-events")) != ERR;
    case 6 << 8 | 0x01: return hypertas_has(m, "hcall-hpt-resize");
    }
    return false;
}

/*
 * cas.md §4: [data bytes - 1][OV5 bytes 1..], at least one data byte,
 * trailing zero bytes dropped except that with radix byte 26 is present;
 * platform offer & client request, so nothing the client did not ask for;
 * bytes 23 and 24 exactly the client's choice (the firmware takes it or
 * refuses), byte 26 GTSE as asked (Linux asks for it only when offered).
 */
static void check_vec5(const struct machine *m, struct negotiated *v)
{
    unsigned data;
    bool radix;

    v->len =
        ci("getprop", 4, 1, m->chosen, A("ibm,architecture-vec-5"), A(v->prop), sizeof(v->prop));
    CHECK(v->len != ERR && v->len >= 2 && v->len <= sizeof(v->prop));
    if (v->len == ERR || v->len < 2 || v->len > sizeof(v->prop)) {
        memset(v->prop, 0, sizeof(v->prop));
        return;
    }
    data = v->prop[0] + 1u;
    CHECK(v->len == data + 1);
    for (unsigned n = 1; n <= data && n < v->len; n++) {
        CHECK(!(v->prop[n] & ~asked(n)));
        if (n == OV5_INTC || n == OV5_MMU || n == OV5_RADIX_OPTS)
            continue;
        for (uint8_t bit = 0x80; bit; bit >>= 1)
            if (v->prop[n] & bit)
                check(backed_by_tree(m, n, bit), __FILE__, __LINE__,
                      "a negotiated OV5 bit the tree does not back");
    }
    CHECK((ov5_byte(v, OV5_INTC) & OV5_CHOICE) == asked(OV5_INTC));
    CHECK((ov5_byte(v, OV5_MMU) & OV5_CHOICE) == asked(OV5_MMU));
    radix = ov5_byte(v, OV5_MMU) & OV5_RADIX;
    if (radix)
        CHECK(data >= OV5_RADIX_OPTS);
    else
        CHECK(data == 1 || v->prop[data] != 0);
    CHECK((ov5_byte(v, OV5_RADIX_OPTS) & OV5_GTSE) == (asked(OV5_RADIX_OPTS) & OV5_GTSE));
}

/*
 * One controller left, the one chosen, holding the phandle references used
 * before CAS (devtree.h: the XICS node's when both were on offer, the
 * power-on controller); the other node gone, its phandle no longer
 * resolving; root ibm,plat-res-int-priorities only with XIVE (cas.md §4).
 */
static void check_controllers(const struct controllers *before, uint32_t kept, bool xive)
{
    struct controllers after;
    struct references refs;
    uint32_t ph_prop = 0, root = ci("peer", 1, 1, 0);
    char path[64];

    find_controllers(&after);
    CHECK(after.n == 1);
    if (after.n != 1)
        return;
    CHECK(after.xive[0] == xive);
    CHECK(compatible_with(after.ph[0], xive ? XIVE_COMPATIBLE : XICS_COMPATIBLE));
    CHECK(after.ph[0] == kept);
    CHECK(ci("getprop", 4, 1, after.ph[0], A("phandle"), A(&ph_prop), 4) == 4 && ph_prop == kept);
    CHECK(ci("finddevice", 1, 1, A(after.path[0])) == kept);
    /* The dropped node's handle names nothing now. */
    for (unsigned i = 0; i < before->n; i++)
        if (before->ph[i] != kept)
            CHECK(ci("package-to-path", 3, 1, before->ph[i], A(path), sizeof(path)) == ERR);
    /* Every reference resolves to the survivor. */
    find_references(after.ph[0], &refs);
    CHECK(refs.n >= 1 && refs.elsewhere == 0 && refs.unreadable == 0);
    if (xive)
        CHECK(ci("getproplen", 2, 1, root, A("ibm,plat-res-int-priorities")) == 8);
    else
        CHECK(ci("getproplen", 2, 1, root, A("ibm,plat-res-int-priorities")) == ERR);
}

/* cpu-version and pa-features on every cpu node, at the level expected. */
static void check_cpus(const struct cpus *before, struct cpus *after, const struct negotiated *v)
{
    read_cpus(after);
    CHECK(after->n == before->n && after->n > 0);
    CHECK(after->version == expected_level(before->version));
    CHECK(after->pa_ok);
    /* Radix and XIVE need ISA 3.00 (cas.md §3).  Its pa-features keep the
     * radix bit: Linux claims ISA 3.00 in OV1 byte 3 (§2.3). */
    if ((ov5_byte(v, OV5_MMU) & OV5_RADIX) || (ov5_byte(v, OV5_INTC) & OV5_XIVE))
        CHECK(after->version == LOGICAL_PVR_P9);
}

static void put_hex32(uint32_t v)
{
    char b[11] = "0x";

    for (int i = 0; i < 8; i++)
        b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
    out(b, 10);
}

/* -------------------------------------------------------------- CAS -- */

/* The whole tree unchanged by a CAS call: its catch and method results. */
static void cas_leaves_tree(uint32_t vector, bool accepted, const char *what)
{
    struct walk before = walk_tree(), after;
    uint32_t res, catch_ = send_cas(vector, &res);

    check(catch_ == 0, __FILE__, __LINE__, what);
    check(accepted ? res == 0 : res != 0 && res != 0x5a5a5a5a, __FILE__, __LINE__, what);
    after = walk_tree();
    check(after.nodes == before.nodes && after.props == before.props && after.sum == before.sum,
          __FILE__, __LINE__, what);
}

void of_cas(const struct machine *m)
{
    struct offer o;
    struct controllers ctl;
    struct references refs;
    struct cpus cpus_before, cpus_after;
    struct negotiated v;
    uint32_t kept = 0, intc = 0, res, catch_, cores;
    unsigned nxive = 0;
    bool xive;

    build_request(m, &o);
    cores = cell_at(request + LINUX61_OV5_BYTE(9), 0);
    puts_("of: cas request for ");
    put_dec(o.threads);
    puts_(o.threads == 1 ? " thread per core (" : " threads per core (");
    put_dec(cores);
    puts_(" cores), ic ");
    puts_(asked(OV5_INTC) & OV5_XIVE ? "XIVE" : "XICS");
    puts_(", mmu ");
    puts_(asked(OV5_MMU) & OV5_RADIX ? "radix" : "hash");
    puts_("\n");

    /* Before: the controllers on offer (cas.md §3: byte 23 either = both
     * nodes), the references' phandle, the cpus. */
    find_controllers(&ctl);
    intc = offered(&o, OV5_INTC);
    CHECK(intc != ERR);
    intc &= OV5_CHOICE;
    for (unsigned i = 0; i < ctl.n; i++) {
        nxive += ctl.xive[i];
        if (!kept || !ctl.xive[i])
            kept = ctl.ph[i]; /* XICS's if on offer (devtree.h) */
    }
    CHECK(ctl.n == (intc == 0x80 ? 2u : 1u));
    CHECK(nxive == (intc == 0x80 || intc == OV5_XIVE ? 1u : 0u));
    /* The tree has no interrupt references of its own yet (no PHB
     * interrupt-map, spec/device-tree.md §10): the client adds one, as a
     * device node carries, to see CAS keep it pointing at the survivor. */
    CHECK(ci("setprop", 4, 1, m->vty, A("interrupt-parent"), A(&kept), 4) == 4);
    find_references(kept, &refs);
    CHECK(refs.n >= 1 && refs.elsewhere == 0 && refs.unreadable == 0);
    read_cpus(&cpus_before);

    catch_ = send_cas(A(request), &res);
    CHECK(catch_ == 0);
    CHECK(res == 0);
    if (catch_ || res)
        fatal("CAS with Linux 6.1's request failed");

    check_vec5(m, &v);
    xive = ov5_byte(&v, OV5_INTC) & OV5_XIVE;
    check_controllers(&ctl, kept, xive);
    check_cpus(&cpus_before, &cpus_after, &v);
    puts_("of: cas ok: ic ");
    puts_(xive ? "XIVE" : "XICS");
    puts_(", mmu ");
    puts_(ov5_byte(&v, OV5_MMU) & OV5_RADIX ? "radix" : "hash");
    puts_(", gtse ");
    puts_(ov5_byte(&v, OV5_RADIX_OPTS) & OV5_GTSE ? "on" : "off");
    puts_(", cpu-version ");
    put_hex32(cpus_after.version);
    puts_("\n");
    find_references(kept, &refs);
    puts_("of: cas: interrupt-controller nodes ");
    put_dec(ctl.n);
    puts_(" -> 1, phandle ");
    put_hex(kept);
    puts_(" kept (references to it: ");
    put_dec(refs.n);
    puts_("); cpu nodes: ");
    put_dec(cpus_after.n);
    puts_("; ibm,architecture-vec-5: ");
    put_dec(v.len);
    puts_(" bytes\n");

    /* Again (cas.md §1: a client calls it once; cas.c accepts a repeat
     * and refuses a change of controller, whose node is gone). */
    cas_leaves_tree(A(request), true, "the same request again");
    memcpy(other, request, sizeof(other));
    other[LINUX61_OV5_BYTE(OV5_INTC)] ^= OV5_XIVE;
    cas_leaves_tree(A(other), false, "the other interrupt controller");
    puts_("of: cas again: the same request accepted, the other controller refused, "
          "tree unchanged\n");
}

/* ------------------------------------------------------- refusals -- */

/* A request the firmware must refuse: method result non-zero. */
static void refused(const char *what, uint32_t vector, int line)
{
    uint32_t res, catch_ = send_cas(vector, &res);

    check(catch_ == 0, __FILE__, line, what);
    check(res != 0 && res != 0x5a5a5a5a, __FILE__, line, what);
    puts_("of-bad: cas refused: ");
    puts_(what);
    puts_("\n");
}

/* A vector the client cannot own: call-method throws (catch -1). */
static void thrown(const char *what, uint32_t vector, int line)
{
    uint32_t res, catch_ = send_cas(vector, &res);

    check(catch_ == ERR, __FILE__, line, what);
    puts_("of-bad: cas refused: ");
    puts_(what);
    puts_("\n");
}

/* other = the request with OV5 byte n set to value. */
static uint32_t with_ov5(unsigned n, uint8_t value)
{
    memcpy(other, request, sizeof(other));
    other[LINUX61_OV5_BYTE(n)] = value;
    return A(other);
}

void of_cas_refusals(const struct machine *m)
{
    struct offer o;
    uint32_t intc, mmu, root, end;
    struct {
        uint32_t service, nargs, nret;
        uint32_t cell[8];
    } a;

    build_request(m, &o);
    intc = offered(&o, OV5_INTC);
    mmu = offered(&o, OV5_MMU);
    CHECK(intc != ERR && mmu != ERR);

    /* "Either" and both bits are the platform's words, never a client's
     * (cas.md §2.7, §7 item 4). */
    refused("OV5 byte 24 both MMUs (0xc0)", with_ov5(OV5_MMU, 0xc0), __LINE__);
    refused("OV5 byte 24 either MMU (0x80)", with_ov5(OV5_MMU, 0x80), __LINE__);
    refused("OV5 byte 23 either controller (0x80)", with_ov5(OV5_INTC, 0x80), __LINE__);
    refused("OV5 byte 23 both bits (0xc0)", with_ov5(OV5_INTC, 0xc0), __LINE__);
    /* What this machine does not offer (cas.md §3). */
    if ((intc & OV5_CHOICE) == 0x00)
        refused("XIVE not offered", with_ov5(OV5_INTC, OV5_XIVE), __LINE__);
    if ((intc & OV5_CHOICE) == OV5_XIVE)
        refused("XICS not offered", with_ov5(OV5_INTC, 0x00), __LINE__);
    if ((mmu & OV5_CHOICE) == 0x00)
        refused("radix not offered", with_ov5(OV5_MMU, OV5_RADIX), __LINE__);
    /* Radix from a client not claiming ISA 3.00 in OV1 byte 3 (§2.3). */
    if (mmu & OV5_CHOICE) {
        memcpy(other, request, sizeof(other));
        other[LINUX61_OV5_BYTE(OV5_MMU)] = OV5_RADIX;
        other[LINUX61_OV1_OFFSET + 3] = 0x40;
        refused("radix without ISA 3.00 in OV1", A(other), __LINE__);
    }
    /* No level both sides support: POWER5-7 raw, ISA 2.05/2.06 only. */
    memcpy(other, request, sizeof(other));
    for (unsigned i = 3; i < 11; i++) {
        static const uint8_t p6_compat[8] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x00, 0x02};
        memcpy(other + 8 * i, p6_compat, 8);
    }
    refused("no processor level in common", A(other), __LINE__);
    /* Four option vectors counted: no OV5 (§7 item 3). */
    memcpy(other, request, sizeof(other));
    other[LINUX61_VEC_COUNT_OFFSET] = 3;
    refused("no option vector 5", A(other), __LINE__);
    /* Cut short by the end of RAM, inside OV5: read no further. */
    end = (uint32_t)m->ram - 0x1000;
    CHECK(ci("claim", 3, 1, end, 0x1000, 0) == end);
    memcpy((void *)(uintptr_t)(m->ram - 170), request, 170);
    refused("vector cut short by the end of RAM", (uint32_t)m->ram - 170, __LINE__);
    CHECK(ci_r3("release", 2, end, 0x1000) == 0);
    /* Not the client's memory: the firmware's, past RAM. */
    thrown("vector in the firmware", 0x2000, __LINE__);
    thrown("vector past RAM", (uint32_t)m->ram + 0x1000, __LINE__);
    /* call-method without the vector. */
    root = ci("open", 1, 1, A("/"));
    a.service = A("call-method"), a.nargs = 2, a.nret = 2;
    a.cell[0] = A("ibm,client-architecture-support"), a.cell[1] = root;
    a.cell[2] = a.cell[3] = 0x5a5a5a5a;
    CHECK(ci_block(&a) == 0 && a.cell[2] == ERR && a.cell[3] == 0x5a5a5a5a);
    CHECK(ci_r3("close", 1, root) == 0);
    puts_("of-bad: cas refused: call-method without the vector\n");
}
