/*
 * What a machine's snapshot holds and the fixed order it is restored in
 * (machine_snapshot.c over the container of snapshot.h).  machine.c
 * describes its parts with pointers into its own state; the vCPUs must be
 * parked (between exits) and stay parked while these run, and no other
 * thread may change the partition state meanwhile.
 */
#ifndef PETREL_MACHINE_SNAPSHOT_H
#define PETREL_MACHINE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../hcall/hcall.h"
#include "cli.h"
#include "cpu/cpu.h"

struct guest_mem;
struct irq_ctl;
struct nvram;
struct phb;
struct virtio_pci;

struct snap_vcpu {
    struct cpu *cpu;
    bool *runnable, *prodded;
    struct papr_vcpu *papr;
};

#define SNAP_MAX_VIRTIO 64

struct snap_machine {
    const struct machine_config *cfg;
    const struct cpu_backend *be;
    struct guest_mem *mem;
    unsigned n_vcpus;
    struct snap_vcpu *vcpu;
    /* Partition state (machine.h): the compat level, the MMU, platform
     * events, the time-of-day offset. */
    uint32_t *compat_pvr;
    struct cpu_mmu *mmu;
    uint64_t *mmu_lpcr;
    unsigned *events_pending;
    int64_t *rtc_sec, *rtc_nsec;
    /* The NVRAM: its bytes are saved when it lives in memory only; a
     * backing file (-M nvram=FILE) stays on the host, as a disk does. */
    struct nvram *nvram;
    struct irq_ctl *irq;
    struct phb *phb;
    unsigned n_phbs;
    /* The virtio devices in creation order; sectors = the backing
     * image's size for virtio-blk, 0 for the others. */
    struct {
        struct virtio_pci *vp;
        uint64_t sectors;
    } virtio[SNAP_MAX_VIRTIO];
    unsigned n_virtio;
};

/* The configuration fingerprint a snapshot records and is checked
 * against (snapshot.h): malloc'd, NULL when out of memory. */
char *snapshot_fingerprint(const struct machine_config *cfg);

/* The whole machine as one snapshot file image (malloc'd into *buf);
 * *ram_pages = the RAM pages it holds (the others are all zero). */
int snapshot_build(const struct snap_machine *m, uint8_t **buf, size_t *len, uint64_t *ram_pages,
                   char *err, size_t errlen);

/*
 * Loading in two steps: snapshot_stage parses and checks the whole file
 * image against the machine without changing it (0, or -1 with one line
 * in err; *staged is then NULL); snapshot_apply makes it the machine's
 * state in the fixed order (partition: compat level and MMU; vCPU
 * registers; the interrupt controller, mode before sources; RAM; PHBs;
 * devices) and cannot fail.  snapshot_discard frees a staged image
 * (apply does too).
 */
struct snap_staged;
int snapshot_stage(const struct snap_machine *m, const uint8_t *buf, size_t len,
                   struct snap_staged **staged, char *err, size_t errlen);
void snapshot_apply(const struct snap_machine *m, struct snap_staged *staged);
void snapshot_discard(struct snap_staged *staged);

#endif
