/*
 * The device tree the OS sees, built by the firmware from the host's
 * hardware facts (spec/device-tree.md).  Pure: no hardware access, so the
 * same file compiles into the firmware and into the host unit test
 * (tests/unit/test_devtree.c).
 */
#ifndef FW_DEVTREE_H
#define FW_DEVTREE_H

#include <stddef.h>
#include <stdint.h>

#include "firmware.h"

/* Room for the largest machine the host describes (HWDESC_MAX_CPUS cores
 * of one thread); the unit test proves it fits. */
#define DEVTREE_MAX_SIZE 0x40000
/* The live tree the client interface serves: the OS tree with room for
 * what the client (setprop) and CAS add.  CAS works on a copy of that
 * size, so it is the largest tree cas_call takes. */
#define DEVTREE_LIVE_SIZE (DEVTREE_MAX_SIZE + 0x20000)

/* One RTAS function as /rtas advertises it: property <name> = <token>
 * (spec/device-tree.md §6.1, spec/rtas.md §3).  The RTAS image owns the
 * table; the tree only publishes it, so the two cannot disagree. */
struct devtree_rtas_call {
    const char *name;
    uint32_t token;
};

struct devtree_rtas {
    const struct devtree_rtas_call *calls;
    unsigned ncalls;
    uint32_t size;    /* rtas-size: the image's whole region; 0 = no image */
    uint32_t version; /* rtas-version of the image */
    /* ibm,errinjct's error types (rtas/errinjct.def): name and token. */
    const struct devtree_rtas_call *errinjct;
    unsigned nerrinjct;
};

/*
 * The interrupt-controller nodes (§8, §9).  Before CAS the tree has one
 * node per controller the machine offers (offer.h): in dual mode both, the
 * XICS one -- the controller in force from power-on -- holding the phandle
 * that interrupt references use.  CAS keeps the node the OS chose and gives
 * it that phandle (cas.c), so no reference changes.  Root
 * ibm,plat-res-int-priorities goes with the XIVE node.
 */
#define DEVTREE_XICS_COMPATIBLE "IBM,ppc-xicp"
#define DEVTREE_XIVE_COMPATIBLE "ibm,power-ivpe"
#define DEVTREE_PLAT_RES_PRIOS  "ibm,plat-res-int-priorities"

/* Why these facts cannot make a tree Linux runs on, or NULL if they can. */
const char *devtree_check_facts(const struct hw_facts *hw);

/* Interrupt servers (= vCPU ids) the controllers cover: 0 .. n - 1. */
uint32_t devtree_nr_servers(const struct hw_facts *hw);

/*
 * Builds the tree into buf[0, size) with libfdt's sequential-write API.
 * rtas may be NULL (no RTAS calls to publish).  Returns the tree size, or
 * a negative libfdt error: -FDT_ERR_NOSPACE if it does not fit,
 * -FDT_ERR_BADVALUE if devtree_check_facts() objects.  Never writes
 * outside buf.
 */
int devtree_build(void *buf, size_t size, const struct hw_facts *hw,
                  const struct devtree_rtas *rtas);

/* Number of nodes in a tree, the root included. */
int devtree_node_count(const void *fdt);

#endif
