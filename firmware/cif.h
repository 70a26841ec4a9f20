/*
 * The Open Firmware client interface (spec/boot-and-cif.md §3-§5): what
 * the client (Linux's prom_init) calls through r5.  cif.c dispatches and
 * serves the device tree, memory and misc services; cif-instance.c the
 * instances (ihandles) and call-method; memmap.c the memory map;
 * cif-entry.S is the entry from the client.  Pure code apart from a few
 * named platform functions (firmware.h), so tests/unit/test_cif.c runs it
 * on the host with RAM as a buffer.
 */
#ifndef FW_CIF_H
#define FW_CIF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "firmware.h"
#include "memmap.h"
#include "rtas.h"

/* The error value of most services, and the invalid handles (§3.4). */
#define CIF_ERROR 0xffffffffu

/* Longest argument block (header excluded): Linux has room for 10 cells. */
#define CIF_MAX_CELLS 16
/* Longest name the client interface takes (property, service, method):
 * the client's nextprop buffer is 64 bytes (§6.3). */
#define CIF_NAME_MAX 64
/* Longest path (finddevice, open) and device path it returns. */
#define CIF_PATH_MAX 256
/* Instances open at once: stdout, stdin, the boot CPU, what the client
 * opens ("/" for CAS, /rtas, ...). */
#define CIF_MAX_INSTANCES 32

struct cif_package;

struct cif_instance {
    const struct cif_package *pkg; /* NULL: the slot is free */
    uint32_t phandle;
    uint8_t generation; /* part of the ihandle, so a stale one is refused */
};

/* Where things are, as the firmware laid them out for the hand-off. */
struct cif_layout {
    uint64_t fw_base, fw_size;       /* the firmware's own memory, client stack included */
    uint64_t stack_base, stack_size; /* the client's stack, inside the firmware's */
    uint64_t kernel_base, kernel_size;
    uint64_t initrd_base, initrd_size;
};

struct cif {
    uintptr_t ram; /* host address of guest real address 0 (0 in the firmware) */
    const struct hw_facts *hw;
    void *fdt; /* the live tree the client sees and changes */
    struct memmap mem;
    struct cif_instance inst[CIF_MAX_INSTANCES];
    const struct rtas_image *rtas;
    uint32_t stdout_ih;
    bool quiesced;
};

/*
 * Sets up the client interface: the live tree is tree opened into
 * buf[0, size) (room to grow for setprop and CAS), /chosen gets its
 * stdout, stdin and cpu instances, the memory map the layout's ranges.
 * Returns 0, or a negative libfdt error / -1.
 */
int cif_init(struct cif *c, uintptr_t ram, const struct hw_facts *hw, const void *tree, void *buf,
             size_t size, const struct cif_layout *lay, const struct rtas_image *rtas);

/*
 * One client interface call: args is the guest real address of the
 * argument block (§3.3).  Returns the value for r3: 0 when the service
 * ran (its results, -1 for most failures, are in the block), -1 when it
 * could not: unknown service, wrong nargs/nret, a block outside client
 * memory, or a failed service without results.
 */
int32_t cif_call(struct cif *c, uint64_t args);

/* The firmware's client interface, entered from cif-entry.S. */
extern struct cif cif_firmware;
int32_t cif_entry_c(uint64_t args);
/* The client's entry point (cif-entry.S): the r5 the kernel gets. */
extern char cif_entry[];

/* ---- shared by cif.c and cif-instance.c ---- */

/* Client memory (memmap_client_ok) copied in or out; -1 if not allowed. */
int cif_read(struct cif *c, void *dst, uint64_t addr, uint64_t len);
int cif_write(struct cif *c, uint64_t addr, const void *src, uint64_t len);
/* A NUL-terminated client string of at most max - 1 characters into
 * dst[max]; its length, or -1. */
int cif_read_string(struct cif *c, char *dst, size_t max, uint64_t addr);

/* Node offset of a phandle, or -1 (0 and 0xffffffff are never valid). */
int cif_node(struct cif *c, uint32_t phandle);
/* A device path (aliases and ":args" allowed) -> node offset, or -1. */
int cif_resolve_path(struct cif *c, const char *path);
/* package-to-path for a node: full length (excluding the NUL), copying
 * what fits of the path and its NUL into buf[0, buflen); -1 if bad. */
int32_t cif_node_path(struct cif *c, int node, uint64_t buf, uint64_t buflen);
/* Gives every node a phandle (nodes CAS adds may lack one): 0 or -1. */
int cif_number_nodes(struct cif *c);

/* cif-instance.c */
void cif_instances_init(struct cif *c);
/* Opens the node's package; the new ihandle or 0 if it cannot be opened. */
uint32_t cif_open_node(struct cif *c, int node);
/* The instance an ihandle names, or NULL. */
struct cif_instance *cif_instance(struct cif *c, uint32_t ihandle);

/* Services, one handler per row of the table in cif.c.  args/rets are the
 * block's cells (copied in and out by the dispatcher); the return value is
 * r3 (see cif_call). */
typedef int32_t cif_service(struct cif *c, const uint32_t *args, uint32_t *rets, unsigned nargs,
                            unsigned nret);
cif_service cif_open, cif_close, cif_read_svc, cif_write_svc, cif_seek, cif_instance_to_package,
    cif_instance_to_path, cif_call_method;

#endif
