/*
 * The command line: a subset of qemu-system-ppc64's, parsed into a
 * machine configuration.  Scripts written for QEMU's pseries machine work
 * by swapping the binary, as far as the options petrel knows go; anything
 * else is refused with one clear line.
 */
#ifndef PETREL_CLI_H
#define PETREL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ic_mode { IC_MODE_DUAL, IC_MODE_XICS, IC_MODE_XIVE };

/* How the firmware enters the kernel (spec/boot-and-cif.md §1): as the
 * image asks, Open Firmware (r5 = client interface), or flattened tree. */
enum boot_protocol { BOOT_PROTOCOL_AUTO, BOOT_PROTOCOL_OF, BOOT_PROTOCOL_FDT };

/* Spectre-class mitigation capabilities (QEMU's cap-cfpc/sbbc/ibs). */
enum cap_level { CAP_BROKEN, CAP_WORKAROUND, CAP_FIXED, CAP_FIXED_IBS, CAP_FIXED_CCD };

/* PCI devices (-device, -drive if=virtio; vmm/cli_device.c). */
enum pci_device_kind {
    PCI_DEV_TEST,       /* petrel-pci-test: MSI, no MSI-X (include/petrel/pcitest.h) */
    PCI_DEV_VIRTIO_BLK, /* virtio-blk-pci */
    PCI_DEV_VIRTIO_RNG, /* virtio-rng-pci */
    PCI_DEV_VIRTIO_NET, /* virtio-net-pci */
};

struct pci_device_config {
    enum pci_device_kind kind;
    unsigned phb; /* bus=pci.N */
    int slot;     /* addr=S (device number); -1: the next free one */
    int drive;    /* virtio-blk: index into machine_config.drive */
    /* virtio-net: netdev=ID (an index into machine_config.netdev once
     * cli_devices_finish resolved it) and its MAC address. */
    const char *netdev_id;
    int netdev;
    uint8_t mac[6];
    bool mac_set;        /* mac= given; else 52:54:00:12:34:56 + n for the nth */
    bool iommu_platform; /* virtio: iommu_platform=on */
};

/* -netdev user|tap (vmm/cli_netdev.c).  Addresses in host byte order. */
enum netdev_kind { NETDEV_USER, NETDEV_TAP };

#define CLI_MAX_NETDEVS 8
#define CLI_MAX_HOSTFWD 8

struct netdev_hostfwd {
    bool udp;
    uint32_t host_addr, guest_addr; /* 0: any host address; the DHCP start */
    uint16_t host_port, guest_port;
};

struct netdev_config {
    enum netdev_kind kind;
    const char *id;
    /* user: the guest's network (net=, default 10.0.2.0/24), the host's
     * address in it (host=, .2), its DNS server (dns=, .3), the first
     * DHCP address (dhcpstart=, .15), the TFTP root and the DHCP boot
     * file, forwarded host ports, IPv6 (ipv6=, on). */
    uint32_t net, mask, host, dns, dhcp_start;
    const char *tftp, *bootfile, *hostname;
    bool ipv6, restrict_;
    struct netdev_hostfwd fwd[CLI_MAX_HOSTFWD];
    unsigned n_fwd;
    /* tap: the interface's name (NULL: the kernel picks one). */
    const char *ifname;
    bool used; /* a device took it */
};

/* -drive file=F[,if=virtio|none][,id=ID][,format=raw][,readonly=on] */
struct drive_config {
    const char *file, *id;
    bool readonly;
    bool used; /* a device took it */
};

#define CLI_MAX_PCI_DEVICES 32
#define CLI_MAX_DRIVES      8

struct machine_config {
    uint64_t ram_size;
    unsigned cpus, max_cpus, sockets, cores, threads;
    uint32_t pvr;
    const char *cpu_name;
    uint32_t cpu_level;        /* logical PVR of the CPU model's own level */
    uint32_t max_compat_pvr;   /* raw PVR of the max-cpu-compat model; 0: no limit */
    uint32_t max_compat_level; /* its logical PVR; 0: no limit */
    enum ic_mode ic_mode;
    enum boot_protocol boot_protocol;
    enum cap_level cap_cfpc, cap_sbbc, cap_ibs;
    bool cap_ccf_assist;
    const char *kernel, *initrd, *append, *bios;
    const char *name;    /* -name: the partition name; NULL if not given */
    const char *dumpdtb; /* -M dumpdtb=FILE: write the OS's tree there, exit */
    const char *nvram;   /* -M nvram=FILE: the NVRAM's backing file; NULL: memory */
    bool nographic, no_reboot, start_stopped;
    bool no_jit;           /* -accel tcg,jit=off: interpret only (no block compiler) */
    bool boot_report;      /* -M boot-report=on: milestones printed on exit */
    bool icount;           /* -icount: timebase from instructions, not the host clock */
    unsigned icount_shift; /* its shift=N: 2^N ticks per instruction */
    bool irq_test_device;  /* -device petrel-irq-test (include/petrel/irqtest.h) */
    unsigned phbs;         /* PCI host bridges: 1, or one more than the largest
                              -device spapr-pci-host-bridge,index=N */
    struct pci_device_config pci[CLI_MAX_PCI_DEVICES];
    unsigned n_pci;
    struct drive_config drive[CLI_MAX_DRIVES];
    unsigned n_drives;
    struct netdev_config netdev[CLI_MAX_NETDEVS];
    unsigned n_netdevs;
    uint32_t trace_mask;  /* -trace: 1 << enum petrel_trace_event */
    uint32_t log_mask;    /* -d: enum log_item (vmm/trace.h) */
    const char *log_file; /* -D: trace and log lines there, not stderr */
    /* -s / -gdb tcp:[HOST]:PORT: the gdbstub's address; gdb_port -1: none.
     * gdb_host NULL listens on every address (as QEMU's tcp::PORT does). */
    const char *gdb_host;
    int gdb_port;
    /* -incoming file:PATH (restore that snapshot before running) or
     * defer (wait for QMP migrate-incoming); NULL: none. */
    const char *incoming;
    const char *qmp[8]; /* -qmp values, checked by monitor_parse_spec */
    unsigned n_qmp;
};

enum cli_action {
    CLI_RUN,     /* cfg is filled: build and run the machine */
    CLI_EXIT_OK, /* help/version/list printed: exit 0 */
    CLI_ERROR,   /* err holds one line: print it, exit 1 */
};

enum cli_action cli_parse(int argc, char **argv, struct machine_config *cfg, char *err,
                          size_t errlen);

/* The next comma-separated item of an option value (NUL-terminated in
 * place); NULL after the last. */
char *cli_next_opt(char **cursor);

/* Writes "petrel: <message>" into err (one line, no newline); returns -1. */
int cli_format_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* vmm/cli_device.c: one -device or -drive value; after the whole line,
 * cli_devices_finish checks references and adds if=virtio drives' devices. */
enum cli_action cli_parse_device(char *arg, struct machine_config *cfg, char *err, size_t errlen);
enum cli_action cli_parse_drive(char *arg, struct machine_config *cfg, char *err, size_t errlen);
/* vmm/cli_netdev.c: one -netdev value, one -nic value (a netdev and its
 * virtio-net-pci). */
enum cli_action cli_parse_netdev(char *arg, struct machine_config *cfg, char *err, size_t errlen);
enum cli_action cli_parse_nic(char *arg, struct machine_config *cfg, char *err, size_t errlen);
/* A MAC address "52:54:00:12:34:56"; false if malformed or multicast. */
bool cli_parse_mac(const char *s, uint8_t mac[6]);
enum cli_action cli_devices_finish(struct machine_config *cfg, char *err, size_t errlen);

/* Parses a QEMU-style size ("512", "512M", "2G"; bare numbers are MiB). */
bool cli_parse_size(const char *s, uint64_t *out);

#endif
