/*
 * ibm,client-architecture-support (spec/cas.md): the firmware's side of the
 * negotiation between the OS's architecture vector and this machine.
 */
#ifndef FW_CAS_H
#define FW_CAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpufacts.h"
#include "firmware.h"

/*
 * Runs CAS for the vector at guest real address vec_addr, as the client
 * interface's call-method "ibm,client-architecture-support" receives it:
 * parses it (never reading outside RAM), decides MMU, interrupt
 * controller and compat level, asks the host to switch (service.h), and
 * updates the live tree fdt in place (/chosen ibm,architecture-vec-5, the
 * interrupt-controller node, cpu nodes).  fdt must have free space for the
 * new properties.  Returns the method result: 0 on success, non-zero when
 * the request is refused or the host refuses the switch (the tree is then
 * left as it was).
 */
int cas_call(void *fdt, const struct hw_facts *hw, uint64_t vec_addr);

/*
 * The steps of cas_call, pure (no host calls, no guest addresses) so the
 * host unit test runs them.
 */

/* QEMU stops after 512 PVR pairs; so does petrel (cas.md §2.2). */
#define CAS_MAX_PVRS 512
/* An option vector has at most 256 data bytes (length byte 255). */
#define CAS_OV_MAX 256
/* The most of a vector ever read: PVR pairs, count, five vectors. */
#define CAS_VECTOR_MAX (CAS_MAX_PVRS * 8 + 1 + 5 * (1 + CAS_OV_MAX))

/* What the client asked for. */
struct cas_request {
    unsigned npvrs; /* pairs before the terminator */
    uint32_t pvr_mask[CAS_MAX_PVRS], pvr_value[CAS_MAX_PVRS];
    uint8_t ov1[1 + CAS_OV_MAX]; /* ov1[n] = OV1 byte n; 0 past its length */
    uint8_t ov5[1 + CAS_OV_MAX]; /* ov5[n] = OV5 byte n; 0 past its length */
    unsigned ov5_len;            /* OV5 data bytes */
};

/*
 * Walks vec[0, len): the PVR list to its terminator, then the option
 * vectors by their length bytes, as far as OV5 (later ones are not
 * needed).  The count byte bounds the walk: a vector it does not declare
 * is missing, whatever bytes follow (Linux declares one fewer than it
 * sends, but the uncounted one is OV7).  Returns NULL, or why the vector
 * is refused: no terminator, a vector running past len, OV1 or OV5
 * missing.
 */
const char *cas_parse(const uint8_t *vec, size_t len, struct cas_request *req);

/* The negotiated OV5 as /chosen ibm,architecture-vec-5 holds it: a length
 * byte, then bytes 1 .. 26 at most (the platform sets nothing later). */
#define CAS_OV5_PROP_MAX 27

/* What CAS settles on. */
struct cas_result {
    uint32_t compat_pvr;            /* PETREL_H_SET_COMPAT: logical PVR, 0 = raw */
    uint32_t cpu_version;           /* what cpu nodes say: compat_pvr, or the raw PVR */
    const struct arch_level *level; /* pa-features of the cpu nodes */
    bool hide_radix;                /* a pre-3.00 client: pa-features byte 40 cleared */
    bool xive, radix, gtse;
    uint8_t ov5_prop[CAS_OV5_PROP_MAX];
    unsigned ov5_prop_len;
};

/*
 * Decides against this machine's offer (offer.h), QEMU's rules of cas.md
 * §2.2 and §4.1: the newest logical PVR listed that the CPU and
 * max-cpu-compat allow, else raw mode if the CPU's PVR is listed and no
 * max-cpu-compat is set; then the interrupt controller (byte 23) and MMU
 * (byte 24) asked for, which must be offered at that level ("either" bits
 * are refused: only a platform may say that); GTSE (byte 26) if offered.
 * Returns NULL, or why the request is refused.
 */
const char *cas_decide(const struct cas_request *req, const struct hw_facts *hw,
                       struct cas_result *res);

/*
 * Applies res to a tree with room (libfdt read-write API): /chosen
 * ibm,architecture-vec-5; only the chosen interrupt-controller node, with
 * the phandle references use (devtree.h); root XIVE priorities only with
 * XIVE; every cpu node's cpu-version and ibm,pa-features.  Returns 0 or a
 * libfdt error (-FDT_ERR_NOTFOUND: the tree lacks the chosen node).
 */
int cas_update_tree(void *fdt, const struct cas_result *res);

#endif
