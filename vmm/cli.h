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
    bool no_jit;          /* -accel tcg,jit=off: interpret only (no block compiler) */
    bool boot_report;     /* -M boot-report=on: milestones printed on exit */
    uint32_t trace_mask;  /* -trace: 1 << enum petrel_trace_event */
    uint32_t log_mask;    /* -d: enum log_item (vmm/trace.h) */
    const char *log_file; /* -D: trace and log lines there, not stderr */
    /* -s / -gdb tcp:[HOST]:PORT: the gdbstub's address; gdb_port -1: none.
     * gdb_host NULL listens on every address (as QEMU's tcp::PORT does). */
    const char *gdb_host;
    int gdb_port;
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

/* Writes "petrel: <message>" into err (one line, no newline); returns -1. */
int cli_format_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses a QEMU-style size ("512", "512M", "2G"; bare numbers are MiB). */
bool cli_parse_size(const char *s, uint64_t *out);

#endif
