/*
 * What Linux 6.1's prom_init reads from the tree before CAS to steer its
 * architecture vector (spec/cas.md §3, spec/boot-and-cif.md §5 step 6),
 * read from a flattened tree: /chosen ibm,arch-vec-5-platform-support and
 * the threads per core of the first cpu node.  The firmware's own CAS for
 * the flattened-tree boot and dumpdtb, and tests/unit/test_cas.c, use it;
 * the vector itself is linux61_vector.c's.
 */
#include <string.h>

#include <libfdt.h>

#include "linux61_vector.h"

/* prom_count_smt_threads: the first cpu node's server list, in cells (1
 * without one; linux61_vector_build applies the 1 .. 64 check). */
static uint32_t threads_per_core(const void *fdt)
{
    int cpus = fdt_path_offset(fdt, "/cpus"), cpu, len;
    const char *type;

    fdt_for_each_subnode(cpu, fdt, cpus)
    {
        type = fdt_getprop(fdt, cpu, "device_type", &len);
        if (!type || len != 4 || memcmp(type, "cpu", 4))
            continue;
        if (!fdt_getprop(fdt, cpu, "ibm,ppc-interrupt-server#s", &len))
            return 1;
        return (uint32_t)len / 4;
    }
    return 1;
}

void linux61_vector(uint8_t out[LINUX61_VECTOR_SIZE], const void *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen"), len = -1;
    const uint8_t *support = NULL;

    if (chosen >= 0)
        support = fdt_getprop(fdt, chosen, "ibm,arch-vec-5-platform-support", &len);
    linux61_vector_build(out, support, support ? len : -1, threads_per_core(fdt));
}
