/* Firmware-internal interfaces (guest side). */
#ifndef FW_FIRMWARE_H
#define FW_FIRMWARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <petrel/hwdesc.h>
#include <petrel/service.h>

/* console.c: the hvterm console behind picolibc's stdout. */
void console_init(uint32_t vterm);
void console_flush(void);
/* Bytes as they are, after anything stdio buffered (the client's write). */
void console_write_raw(const void *buf, size_t len);
/* Input waiting now, up to len bytes; 0 if none (never waits). */
size_t console_read_raw(void *buf, size_t len);

/* hwdesc.c: facts from the host's hardware description. */
struct hw_cpu {
    uint32_t id;  /* hardware id (the hwdesc cpu node's reg): interrupt server number */
    uint32_t pvr; /* raw processor version register */
};

enum hw_ic_mode {
    HW_IC_DUAL, /* XICS at power-on, XIVE when the OS asks at CAS */
    HW_IC_XICS,
    HW_IC_XIVE,
};

/* How the OS is entered (spec/boot-and-cif.md §1): the -M boot-protocol
 * option; auto lets the kernel image decide. */
enum hw_boot_protocol {
    HW_BOOT_AUTO,
    HW_BOOT_OF,  /* Open Firmware: r5 = client interface */
    HW_BOOT_FDT, /* flattened tree: r3 = tree, r5 = 0 */
};

/* pci.c: a PCI function the firmware found and set up (devtree.c
 * describes it, spec/device-tree.md §10.1). */
#define FW_PCI_MAX 64
struct fw_pci_bar {
    uint8_t reg; /* its config offset, 0x10 .. 0x24 */
    bool mem64;
    uint64_t addr, size; /* PCI address assigned (0: none fitted), size */
};

struct fw_pci_fn {
    uint8_t phb, devfn;
    uint16_t vendor, device, subsys_vendor, subsys_id;
    uint32_t class_code; /* 24 bits */
    uint8_t revision, pin;
    uint32_t msi, msix; /* vectors the MSI / MSI-X capability offers; 0: none */
    unsigned nbars;
    struct fw_pci_bar bar[6];
    bool has_mac; /* a network function whose MAC pci.c read */
    uint8_t mac[6];
};

struct hw_facts {
    uint64_t ram_base, ram_size;
    uint32_t ncpus;    /* present vCPUs, in description order; cpu[0] boots */
    uint32_t max_cpus; /* vCPUs the machine may ever have (>= ncpus) */
    uint32_t threads;  /* threads per core */
    uint32_t pvr;      /* cpu[0].pvr: every vCPU has the same */
    uint32_t tb_freq;  /* timebase frequency (Hz): one timebase for all vCPUs */
    struct hw_cpu cpu[HWDESC_MAX_CPUS];
    uint32_t vterm;
    uint32_t nvram_size; /* bytes (PETREL_H_NVRAM_READ/_WRITE); 0: no NVRAM */
    uint32_t phbs;       /* PCI host bridges 0 .. phbs - 1 (petrel/pci.h) */
    uint64_t kernel_base, kernel_size;
    uint64_t initrd_base, initrd_size;
    const char *bootargs;
    enum hw_ic_mode ic_mode;
    enum hw_boot_protocol boot_protocol;
    uint32_t max_compat_pvr; /* raw PVR of the newest CPU level allowed; 0: no limit */
    /* ibm,hypertas-functions groups the host serves: a NUL-terminated string
     * list inside the description, or NULL/0 if it names none. */
    const char *hypertas;
    int hypertas_len;
    const char *partition_name; /* -name, or NULL */
    bool dump_tree;             /* -M dumpdtb=: hand the final tree to the host */
    uint32_t trace_mask;        /* -trace events the firmware emits (PETREL_TRACE_*) */
    bool boot_report;           /* -M boot-report=on: mark milestones (PETREL_H_BOOT_MARK) */
    /* Filled by pci_probe, not by the description. */
    uint32_t npci;
    struct fw_pci_fn pci[FW_PCI_MAX];
};
int hwdesc_read(const void *fdt, struct hw_facts *hw);

/* pci.c: finds the functions on PHBs 0 .. hw->phbs - 1, sizes and assigns
 * their BARs in the PHB's windows (include/petrel/pci.h), enables memory
 * decoding, and records each in hw->pci. */
void pci_probe(struct hw_facts *hw);

/* nvram.c: formats the NVRAM as CHRP partitions unless it already is
 * (called once per boot, before the OS runs). */
void nvram_prepare(const struct hw_facts *hw);

/* cache.c: makes code copied to [addr, addr + len) fetchable. */
void sync_icache(uint64_t addr, uint64_t len);

/* platform.c: host services (include/petrel/service.h); each returns the
 * host's H_* status. */
void __attribute__((noreturn)) platform_power_off(unsigned status);
long platform_set_ic_mode(unsigned mode);
long platform_set_compat(uint32_t logical_pvr);
/* The hash guest's HPT, 2^shift bytes (PETREL_H_ALLOC_HPT). */
long platform_alloc_hpt(unsigned shift);
long platform_dump_tree(const void *fdt, uint64_t size);
/* The timebase (hw_facts.tb_freq ticks a second). */
uint64_t platform_timebase(void);
/* A boot milestone (PETREL_H_BOOT_MARK); callers test hw->boot_report. */
void platform_boot_mark(unsigned mark, unsigned arg);
/* One -trace line (PETREL_H_TRACE); callers test fw_trace_on first. */
void platform_trace(unsigned event, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline bool fw_trace_on(const struct hw_facts *hw, unsigned event)
{
    return (hw->trace_mask >> event) & 1;
}

/* platform.c: a guest real address as the firmware reaches it (real mode,
 * RAM identity-mapped).  Callers check the range against RAM first. */
const void *guest_real(uint64_t addr);

#endif
