/*
 * Builds the hardware description (include/petrel/hwdesc.h) the firmware
 * reads at r3: raw facts about this machine, nothing the OS sees.
 */
#ifndef PETREL_VMM_HWDESC_H
#define PETREL_VMM_HWDESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hwdesc_facts {
    uint64_t ram_size;
    unsigned cpus, max_cpus, threads;
    uint32_t pvr;
    uint32_t max_compat_pvr;
    const char *ic_mode;
    const char *boot_protocol; /* "auto", "of" or "fdt" */
    uint32_t vterm;
    uint64_t fw_base, fw_size;
    uint64_t kernel_base, kernel_size;
    uint64_t initrd_base, initrd_size;
    const char *bootargs;
    /* ibm,hypertas-functions groups the host serves (FDT stringlist). */
    const char *hypertas;
    size_t hypertas_len;
    const char *partition_name; /* NULL: none given */
    bool dump_tree;
    uint32_t trace_mask; /* guest-side -trace events (PETREL_H_TRACE) */
    bool boot_report;    /* -M boot-report=on: the firmware marks milestones */
    uint32_t nvram_size; /* bytes of NVRAM (0: none) */
    unsigned phbs;       /* PCI host bridges 0 .. phbs - 1 (include/petrel/pci.h) */
};

/* Writes the flattened tree into buf; returns its size, or -1 if it does
 * not fit. */
int hwdesc_build(void *buf, size_t size, const struct hwdesc_facts *f);

#endif
