/*
 * Command-line parsing.  QEMU accepts "-opt" and "--opt" alike and takes
 * the value from the next argument; so does petrel.  Every error is one
 * line naming the option and the bad value.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <petrel/hwdesc.h>
#include <petrel/layout.h>

#include "cli.h"
#include "snapshot.h"
#include "trace.h"
#include "monitor/monitor.h"

#define RAM_DEFAULT (512ull << 20)
#define RAM_ALIGN   (256ull << 20) /* PAPR memory blocks (LMBs) are 256 MiB */
#define RAM_MAX     RAM_MAX_SIZE
#define MAX_CPUS    HWDESC_MAX_CPUS

struct cpu_model {
    const char *name;
    uint32_t pvr;
    uint32_t level; /* logical PVR of the newest level it runs (spec/cas.md §2.2) */
};

/* The names QEMU 7.2 gives these models, lower case; matched case-insensitively. */
static const struct cpu_model cpu_models[] = {
    {"power9", PVR_POWER9, PVR_COMPAT_POWER9},       {"power9_v2.0", PVR_POWER9, PVR_COMPAT_POWER9},
    {"power9_v2.2", PVR_POWER9, PVR_COMPAT_POWER9},  {"power8", PVR_POWER8, PVR_COMPAT_POWER8},
    {"power8_v2.0", PVR_POWER8, PVR_COMPAT_POWER8},  {"power8e", PVR_POWER8, PVR_COMPAT_POWER8},
    {"power8e_v2.1", PVR_POWER8, PVR_COMPAT_POWER8},
};

int cli_format_error(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err, errlen, "petrel: ");

    va_start(ap, fmt);
    if (n > 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

#define fail(err, errlen, ...) (cli_format_error((err), (errlen), __VA_ARGS__), CLI_ERROR)

bool cli_parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    unsigned shift = 20;

    if (!s || !isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno)
        return false;
    if (*end) {
        switch (toupper((unsigned char)*end)) {
        case 'B': shift = 0; break;
        case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        case 'T': shift = 40; break;
        default: return false;
        }
        end++;
        if (*end == 'i' || *end == 'I') /* "MiB"-style spellings */
            end++;
        if (*end == 'B' || *end == 'b')
            end++;
        if (*end)
            return false;
    }
    if (v > (~0ull >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v;

    if (!s || !isdigit((unsigned char)s[0]))
        return false;
    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = (unsigned)v;
    return true;
}

static enum cli_action check_file(const char *opt, const char *path, uint64_t max, char *err,
                                  size_t errlen)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return fail(err, errlen, "%s: cannot open '%s': %s", opt, path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(err, errlen, "%s: '%s' is not a regular file", opt, path);
    if (access(path, R_OK) != 0)
        return fail(err, errlen, "%s: cannot read '%s': %s", opt, path, strerror(errno));
    if (st.st_size == 0)
        return fail(err, errlen, "%s: '%s' is empty", opt, path);
    if (max && (uint64_t)st.st_size > max)
        return fail(err, errlen, "%s: '%s' is %lld bytes, more than the %llu allowed", opt, path,
                    (long long)st.st_size, (unsigned long long)max);
    return CLI_RUN;
}

/* A file petrel will create or overwrite: refused now rather than after
 * the guest ran. */
static enum cli_action check_output_file(const char *opt, const char *path, char *err,
                                         size_t errlen)
{
    struct stat st;
    char dir[4096];
    const char *slash = strrchr(path, '/');

    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return fail(err, errlen, "%s: '%s' is a directory", opt, path);
        if (access(path, W_OK) != 0)
            return fail(err, errlen, "%s: cannot write '%s': %s", opt, path, strerror(errno));
        return CLI_RUN;
    }
    if (errno != ENOENT)
        return fail(err, errlen, "%s: cannot write '%s': %s", opt, path, strerror(errno));
    if (!slash)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == path)
        snprintf(dir, sizeof(dir), "/");
    else
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
    if (stat(dir, &st) != 0)
        return fail(err, errlen, "%s: cannot write '%s': %s", opt, path, strerror(errno));
    if (access(dir, W_OK | X_OK) != 0)
        return fail(err, errlen, "%s: cannot write '%s': %s", opt, path, strerror(errno));
    return CLI_RUN;
}

/*
 * Splits "a=b,c=d" style option strings in place.  QEMU escapes a comma
 * in a value by doubling it; petrel's values never need one, so a doubled
 * comma is simply refused as an empty key.
 */
char *cli_next_opt(char **cursor)
{
    char *s = *cursor, *comma;

    if (!s)
        return NULL;
    comma = strchr(s, ',');
    if (comma) {
        *comma = 0;
        *cursor = comma + 1;
    } else {
        *cursor = NULL;
    }
    return s;
}

static bool parse_onoff(const char *v, bool *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")) {
        *out = true;
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")) {
        *out = false;
        return true;
    }
    return false;
}

/* cap-ibs also takes QEMU's fixed-ibs, fixed-ccd and fixed-na. */
static bool parse_cap_level(const char *v, bool ibs, enum cap_level *out)
{
    if (!strcmp(v, "broken"))
        *out = CAP_BROKEN;
    else if (!strcmp(v, "workaround"))
        *out = CAP_WORKAROUND;
    else if (!strcmp(v, "fixed") || (ibs && !strcmp(v, "fixed-na")))
        *out = CAP_FIXED;
    else if (ibs && !strcmp(v, "fixed-ibs"))
        *out = CAP_FIXED_IBS;
    else if (ibs && !strcmp(v, "fixed-ccd"))
        *out = CAP_FIXED_CCD;
    else
        return false;
    return true;
}

static const struct cpu_model *find_cpu(const char *name)
{
    for (size_t i = 0; i < sizeof(cpu_models) / sizeof(cpu_models[0]); i++)
        if (!strcasecmp(cpu_models[i].name, name))
            return &cpu_models[i];
    return NULL;
}

static enum cli_action parse_machine(char *arg, struct machine_config *cfg, char *err,
                                     size_t errlen)
{
    char *cursor = arg, *item;
    bool first = true;

    while ((item = cli_next_opt(&cursor))) {
        char *eq = strchr(item, '=');
        const char *key = item, *val;

        if (first && !eq) {
            first = false;
            /* The machine type: pseries, or a versioned pseries-X.Y. */
            if (!strcmp(item, "help") || !strcmp(item, "?")) {
                printf("Supported machines are:\npseries              pSeries Logical Partition "
                       "(PAPR compliant) (default)\n");
                return CLI_EXIT_OK;
            }
            if (strcmp(item, "pseries") && strncmp(item, "pseries-", 8))
                return fail(err, errlen, "-machine: unsupported machine type '%s' (only pseries)",
                            item);
            continue;
        }
        first = false;
        if (!eq)
            return fail(err, errlen, "-machine: option '%s' needs a value", item);
        *eq = 0;
        val = eq + 1;
        if (!strcmp(key, "type")) {
            if (strcmp(val, "pseries") && strncmp(val, "pseries-", 8))
                return fail(err, errlen, "-machine: unsupported machine type '%s' (only pseries)",
                            val);
        } else if (!strcmp(key, "ic-mode")) {
            if (!strcmp(val, "xics"))
                cfg->ic_mode = IC_MODE_XICS;
            else if (!strcmp(val, "xive"))
                cfg->ic_mode = IC_MODE_XIVE;
            else if (!strcmp(val, "dual"))
                cfg->ic_mode = IC_MODE_DUAL;
            else
                return fail(err, errlen, "-machine: ic-mode must be xics, xive or dual, not '%s'",
                            val);
        } else if (!strcmp(key, "boot-protocol")) {
            /* A petrel option: QEMU has no such choice (SLOF always runs
             * prom_init, -kernel without firmware always the flat tree). */
            if (!strcmp(val, "auto"))
                cfg->boot_protocol = BOOT_PROTOCOL_AUTO;
            else if (!strcmp(val, "of"))
                cfg->boot_protocol = BOOT_PROTOCOL_OF;
            else if (!strcmp(val, "fdt"))
                cfg->boot_protocol = BOOT_PROTOCOL_FDT;
            else
                return fail(err, errlen,
                            "-machine: boot-protocol must be auto, of or fdt, not '%s'", val);
        } else if (!strcmp(key, "max-cpu-compat")) {
            const struct cpu_model *m = find_cpu(val);
            if (!m)
                return fail(err, errlen, "-machine: unknown max-cpu-compat '%s' (power8, power9)",
                            val);
            cfg->max_compat_pvr = m->pvr;
            cfg->max_compat_level = m->level;
        } else if (!strcmp(key, "boot-report")) {
            if (!parse_onoff(val, &cfg->boot_report))
                return fail(err, errlen, "-machine: %s must be on or off, not '%s'", key, val);
        } else if (!strcmp(key, "dumpdtb")) {
            if (!*val)
                return fail(err, errlen, "-machine: dumpdtb needs a file name");
            cfg->dumpdtb = val;
        } else if (!strcmp(key, "nvram")) {
            if (!*val)
                return fail(err, errlen, "-machine: nvram needs a file name");
            cfg->nvram = val;
        } else if (!strcmp(key, "accel")) {
            if (strcmp(val, "tcg"))
                return fail(err, errlen,
                            "-machine: accelerator '%s' is not available here (only tcg: "
                            "petrel's interpreter)",
                            val);
        } else if (!strcmp(key, "cap-cfpc") || !strcmp(key, "cap-sbbc") ||
                   !strcmp(key, "cap-ibs")) {
            enum cap_level *lv = !strcmp(key, "cap-cfpc")   ? &cfg->cap_cfpc
                                 : !strcmp(key, "cap-sbbc") ? &cfg->cap_sbbc
                                                            : &cfg->cap_ibs;
            if (!parse_cap_level(val, lv == &cfg->cap_ibs, lv))
                return fail(err, errlen,
                            "-machine: %s must be broken, workaround or fixed, not '%s'", key, val);
        } else if (!strcmp(key, "cap-ccf-assist")) {
            if (!parse_onoff(val, &cfg->cap_ccf_assist))
                return fail(err, errlen, "-machine: %s must be on or off, not '%s'", key, val);
        } else {
            return fail(err, errlen, "-machine: unknown option '%s'", key);
        }
    }
    return CLI_RUN;
}

static enum cli_action parse_smp(char *arg, struct machine_config *cfg, char *err, size_t errlen)
{
    char *cursor = arg, *item;
    unsigned cpus = 0, maxcpus = 0, sockets = 0, cores = 0, threads = 0;
    bool first = true;

    while ((item = cli_next_opt(&cursor))) {
        char *eq = strchr(item, '=');
        unsigned *dst;
        const char *key, *val;

        if (first && !eq) {
            first = false;
            if (!parse_uint(item, MAX_CPUS, &cpus) || cpus == 0)
                return fail(err, errlen, "-smp: invalid CPU count '%s' (1..%d)", item, MAX_CPUS);
            continue;
        }
        first = false;
        if (!eq)
            return fail(err, errlen, "-smp: option '%s' needs a value", item);
        *eq = 0;
        key = item;
        val = eq + 1;
        if (!strcmp(key, "cpus"))
            dst = &cpus;
        else if (!strcmp(key, "maxcpus"))
            dst = &maxcpus;
        else if (!strcmp(key, "sockets"))
            dst = &sockets;
        else if (!strcmp(key, "cores"))
            dst = &cores;
        else if (!strcmp(key, "threads"))
            dst = &threads;
        else
            return fail(err, errlen, "-smp: unknown option '%s'", key);
        if (!parse_uint(val, MAX_CPUS, dst) || *dst == 0)
            return fail(err, errlen, "-smp: invalid %s '%s' (1..%d)", key, val, MAX_CPUS);
    }
    if (!threads)
        threads = 1;
    if (threads != 1 && threads != 2 && threads != 4 && threads != 8)
        return fail(err, errlen, "-smp: threads must be 1, 2, 4 or 8, not %u", threads);
    if (!sockets)
        sockets = 1;
    if (!cores)
        cores = maxcpus ? (maxcpus + sockets * threads - 1) / (sockets * threads)
                        : (cpus ? (cpus + sockets * threads - 1) / (sockets * threads) : 1);
    if (!maxcpus)
        maxcpus = sockets * cores * threads;
    if (!cpus)
        cpus = maxcpus;
    if (sockets * cores * threads != maxcpus)
        return fail(err, errlen, "-smp: sockets (%u) * cores (%u) * threads (%u) != maxcpus (%u)",
                    sockets, cores, threads, maxcpus);
    if (cpus > maxcpus)
        return fail(err, errlen, "-smp: cpus (%u) exceeds maxcpus (%u)", cpus, maxcpus);
    /* PAPR CPUs come in whole cores (device-tree.md §4.4). */
    if (cpus % threads)
        return fail(err, errlen, "-smp: cpus (%u) must be a multiple of threads (%u)", cpus,
                    threads);
    if (maxcpus > MAX_CPUS)
        return fail(err, errlen, "-smp: at most %d CPUs", MAX_CPUS);
    cfg->cpus = cpus;
    cfg->max_cpus = maxcpus;
    cfg->sockets = sockets;
    cfg->cores = cores;
    cfg->threads = threads;
    return CLI_RUN;
}

static enum cli_action parse_memory(char *arg, struct machine_config *cfg, char *err, size_t errlen)
{
    char *cursor = arg, *item;
    const char *size = NULL;
    bool first = true;
    uint64_t bytes;

    while ((item = cli_next_opt(&cursor))) {
        char *eq = strchr(item, '=');
        if (first && !eq) {
            size = item;
        } else if (eq && !strncmp(item, "size=", 5)) {
            size = eq + 1;
        } else {
            if (eq)
                *eq = 0;
            return fail(err, errlen, "-m: unsupported option '%s' (only a size)", item);
        }
        first = false;
    }
    if (!size || !cli_parse_size(size, &bytes))
        return fail(err, errlen, "-m: invalid size '%s'", size ? size : "");
    if (bytes == 0 || bytes % RAM_ALIGN)
        return fail(err, errlen, "-m: %s is not a non-zero multiple of 256 MiB", size);
    if (bytes > RAM_MAX)
        return fail(err, errlen, "-m: %s is more than the 4 TiB petrel supports", size);
    cfg->ram_size = bytes;
    return CLI_RUN;
}

/* -name NAME or -name guest=NAME (QEMU's spellings): the partition name,
 * which the tree carries as a string. */
static enum cli_action parse_name(char *arg, struct machine_config *cfg, char *err, size_t errlen)
{
    char *cursor = arg, *item;
    bool first = true;

    while ((item = cli_next_opt(&cursor))) {
        char *eq = strchr(item, '=');

        if (first && !eq) {
            cfg->name = item;
        } else if (eq && !strncmp(item, "guest=", 6)) {
            cfg->name = eq + 1;
        } else {
            if (eq)
                *eq = 0;
            return fail(err, errlen, "-name: unsupported option '%s' (only a name)", item);
        }
        first = false;
    }
    if (!cfg->name || !*cfg->name)
        return fail(err, errlen, "-name: empty name");
    if (strlen(cfg->name) > 255)
        return fail(err, errlen, "-name: longer than 255 characters");
    for (const char *c = cfg->name; *c; c++)
        if (!isprint((unsigned char)*c))
            return fail(err, errlen, "-name: only printable characters");
    return CLI_RUN;
}

/* -accel tcg[,jit=on|off]: tcg names petrel's emulator, as QEMU's
 * spelling does; jit=off keeps its block compiler out (debugging). */
static enum cli_action parse_accel(char *arg, struct machine_config *cfg, char *err, size_t errlen)
{
    char *save = NULL, *opt = strtok_r(arg, ",", &save);

    if (!opt || strcmp(opt, "tcg"))
        return fail(err, errlen,
                    "-accel: accelerator '%s' is not available here (only tcg: petrel's "
                    "emulator)",
                    opt ? opt : "");
    while ((opt = strtok_r(NULL, ",", &save))) {
        bool on;

        if (strncmp(opt, "jit=", 4) || !parse_onoff(opt + 4, &on))
            return fail(err, errlen, "-accel: unknown option '%s' (jit=on|off)", opt);
        cfg->no_jit = !on;
    }
    return CLI_RUN;
}

/*
 * -icount [shift=]N[,sleep=off]: a deterministic timebase, 2^N ticks per
 * instruction (N 0..10).  An idle vCPU skips ahead to its next timer
 * expiry, which is QEMU's sleep=off; sleep=on (real-time idling) is not
 * offered, nor shift=auto.
 */
static enum cli_action parse_icount(char *arg, struct machine_config *cfg, char *err, size_t errlen)
{
    char *save = NULL, *opt;

    for (opt = strtok_r(arg, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
        const char *n = !strncmp(opt, "shift=", 6) ? opt + 6 : opt;
        char *end;
        unsigned long v;

        if (!strcmp(opt, "sleep=off"))
            continue;
        v = strtoul(n, &end, 10);
        if (!*n || *end || v > 10 || (n == opt && opt[0] == '-'))
            return fail(err, errlen, "-icount: '%s': petrel takes shift=N (0..10) and sleep=off",
                        opt);
        cfg->icount_shift = (unsigned)v;
        cfg->icount = true;
    }
    if (!cfg->icount)
        return fail(err, errlen, "-icount: shift=N is required");
    return CLI_RUN;
}

/*
 * -gdb DEV, QEMU's spellings for a TCP server: tcp::PORT (every address),
 * tcp:HOST:PORT, or none.  Port 0 lets the system choose (printed at
 * start).  HOST is an address or name; an IPv6 address goes in brackets.
 */
static enum cli_action parse_gdb(char *arg, struct machine_config *cfg, char *err, size_t errlen)
{
    char *host, *colon;
    unsigned port;

    if (!strcmp(arg, "none")) {
        cfg->gdb_port = -1;
        cfg->gdb_host = NULL;
        return CLI_RUN;
    }
    if (strncmp(arg, "tcp:", 4))
        return fail(err, errlen, "-gdb: only tcp:[HOST]:PORT or none are supported, not '%s'", arg);
    host = arg + 4;
    colon = strrchr(host, ':');
    if (!colon || !parse_uint(colon + 1, 65535, &port))
        return fail(err, errlen, "-gdb: '%s' needs a port number (0..65535): tcp:[HOST]:PORT", arg);
    *colon = 0;
    if (host[0] == '[') {
        size_t n = strlen(host);
        if (n < 3 || host[n - 1] != ']')
            return fail(err, errlen, "-gdb: bad host '%s'", host);
        host[n - 1] = 0;
        host++;
    }
    cfg->gdb_host = *host ? host : NULL;
    cfg->gdb_port = (int)port;
    return CLI_RUN;
}

static void print_help(void)
{
    printf(
        "usage: petrel [options]\n"
        "\n"
        "petrel runs IBM POWER pseries (PAPR) guests with its own firmware.\n"
        "Options (a subset of qemu-system-ppc64's, same spelling):\n"
        "  -M, -machine pseries[,opt=val...]\n"
        "                 ic-mode=dual|xics|xive  max-cpu-compat=power8|power9\n"
        "                 accel=tcg  cap-cfpc|cap-sbbc|cap-ibs=broken|workaround|fixed (default)\n"
        "                 cap-ccf-assist=on|off\n"
        "                 boot-protocol=auto|of|fdt  how -kernel is entered: as its ELF notes\n"
        "                 say (auto), Open Firmware client interface, or flattened tree\n"
        "                 boot-report=on  print on exit the time and instructions to\n"
        "                 firmware entry, kernel entry, the first hcall after prom_init\n"
        "                 and power-off (instructions counted: no block compiler)\n"
        "                 dumpdtb=FILE  write the device tree the OS would get (after\n"
        "                 CAS with Linux 6.1's request) to FILE and exit\n"
        "                 nvram=FILE  keep the NVRAM in FILE (created with 64 KiB if\n"
        "                 missing; 8 KiB..1 MiB): it persists across runs\n"
        "  -trace EVENT[,EVENT...]\n"
        "                 trace hcall, rtas, cif, cas, reset, mmu-fault, irq, pci, eeh, net,\n"
        "                 or all; -trace help lists them\n"
        "  -d in_asm,int  log each instruction when first decoded / each interrupt\n"
        "  -D FILE        trace and log lines to FILE instead of stderr\n"
        "  -accel tcg[,jit=on|off]\n"
        "                 the emulator; jit=off runs every instruction in the\n"
        "                 interpreter (no block compiler): slower, for debugging\n"
        "  -m SIZE        guest RAM (default 512M; multiple of 256M; suffix K M G T)\n"
        "  -smp N[,cpus=N,maxcpus=M,sockets=S,cores=C,threads=T]\n"
        "  -cpu MODEL     power9 (default) or power8\n"
        "  -kernel FILE   kernel for the firmware to boot\n"
        "  -initrd FILE   initial ram disk (needs -kernel)\n"
        "  -append ARGS   kernel command line (needs -kernel)\n"
        "  -bios FILE     run FILE instead of the built-in firmware\n"
        "  -name NAME     the partition name (guest=NAME also accepted)\n"
        "  -nographic     console on stdio (always the case: petrel has no display)\n"
        "  -display none  accepted for compatibility\n"
        "  -device petrel-irq-test\n"
        "                 a test device that drives one level and one edge interrupt\n"
        "                 source on request (include/petrel/irqtest.h)\n"
        "  -device spapr-pci-host-bridge,index=N\n"
        "                 PCI host bridges 0 .. N (N < 8; one by default)\n"
        "  -device petrel-pci-test|virtio-blk-pci,drive=ID|virtio-rng-pci[,bus=pci.N][,addr=S]\n"
        "                 a PCI device on PHB N (default 0), device number S (hex)\n"
        "  -device virtio-net-pci,netdev=ID[,mac=52:54:00:XX:XX:XX][,bus=pci.N][,addr=S]\n"
        "                 a virtio network card on -netdev ID (MACs default to\n"
        "                 52:54:00:12:34:56, :57, ... in order)\n"
        "  virtio devices also take iommu_platform=on: offer VIRTIO_F_ACCESS_PLATFORM,\n"
        "                 so a driver accepting it DMAs through the TCE table (off:\n"
        "                 guest physical addresses, what Linux expects)\n"
        "  -netdev user,id=ID[,net=A.B.C.D/N][,host=A][,dns=A][,dhcpstart=A][,tftp=DIR]\n"
        "               [,bootfile=F][,hostname=H][,hostfwd=tcp|udp:[HADDR]:HPORT-[GADDR]:GPORT]\n"
        "               [,ipv6=on|off][,restrict=on|off]\n"
        "                 user-mode networking (libslirp): NAT to the host's network,\n"
        "                 DHCP, DNS and TFTP; defaults net=10.0.2.0/24, host .2, dns .3,\n"
        "                 dhcpstart .15\n"
        "  -netdev tap,id=ID[,ifname=NAME][,script=no][,downscript=no]\n"
        "                 a host tap interface (/dev/net/tun; created if missing, which\n"
        "                 needs CAP_NET_ADMIN)\n"
        "  -nic user|tap[,NETDEV-OPTIONS][,model=virtio-net-pci][,mac=M] | -nic none\n"
        "                 a -netdev and its virtio-net-pci in one\n"
        "  -drive file=F[,if=virtio|none][,id=ID][,format=raw][,readonly=on]\n"
        "                 a raw disk image; if=virtio (the default) adds its virtio-blk-pci\n"
        "  -no-reboot     exit instead of rebooting when the guest reboots\n"
        "  -S             do not start the CPUs (Ctrl-A c, gdb's continue or QMP cont\n"
        "                 starts them)\n"
        "  -gdb tcp:[HOST]:PORT\n"
        "                 wait for gdb connections on PORT (every address without HOST)\n"
        "  -s             -gdb tcp::1234\n"
        "  -qmp unix:PATH,server[,wait=off] | tcp:HOST:PORT,server[,wait=off]\n"
        "                 a QMP monitor socket (repeatable, up to 8)\n"
        "  -icount [shift=]N[,sleep=off]\n"
        "                 timebase from instructions (2^N ticks each): deterministic runs\n"
        "                 (the block compiler is off; idle vCPUs skip ahead in time)\n"
        "  -incoming file:PATH | exec:COMMAND | defer\n"
        "                 start from a snapshot (QMP migrate, petrel-savevm), or wait for\n"
        "                 QMP migrate-incoming; the CPUs run after loading unless -S\n"
        "  -h, --help     this text\n"
        "  -version       version\n"
        "\n"
        "Console keys: Ctrl-A x quits, Ctrl-A c starts stopped CPUs, Ctrl-A h helps,\n"
        "Ctrl-A Ctrl-A sends Ctrl-A.\n");
}

enum cli_action cli_parse(int argc, char **argv, struct machine_config *cfg, char *err,
                          size_t errlen)
{
    const struct cpu_model *model;
    enum cli_action a;

    memset(cfg, 0, sizeof(*cfg));
    cfg->ram_size = RAM_DEFAULT;
    cfg->cpus = cfg->max_cpus = cfg->sockets = cfg->cores = cfg->threads = 1;
    cfg->phbs = 1;
    cfg->pvr = PVR_POWER9;
    cfg->cpu_name = "power9";
    cfg->cpu_level = PVR_COMPAT_POWER9;
    cfg->ic_mode = IC_MODE_DUAL;
    cfg->gdb_port = -1;
    /* An interpreter executes nothing speculatively: safe by construction. */
    cfg->cap_cfpc = cfg->cap_sbbc = cfg->cap_ibs = CAP_FIXED;
    err[0] = 0;

    for (int i = 1; i < argc; i++) {
        const char *opt = argv[i];
        const char *name = opt;
        char *val = NULL;

        if (opt[0] != '-' || opt[1] == 0)
            return fail(err, errlen, "unexpected argument '%s' (options start with -)", opt);
        name = opt + (opt[1] == '-' ? 2 : 1);

#define TAKES_VALUE()                                                                              \
    do {                                                                                           \
        if (i + 1 >= argc)                                                                         \
            return fail(err, errlen, "%s: missing value", opt);                                    \
        val = argv[++i];                                                                           \
    } while (0)

        if (!strcmp(name, "h") || !strcmp(name, "help")) {
            print_help();
            return CLI_EXIT_OK;
        } else if (!strcmp(name, "version")) {
            printf("petrel version %s\n", PETREL_VERSION);
            return CLI_EXIT_OK;
        } else if (!strcmp(name, "M") || !strcmp(name, "machine")) {
            TAKES_VALUE();
            if ((a = parse_machine(val, cfg, err, errlen)) != CLI_RUN)
                return a;
        } else if (!strcmp(name, "trace")) {
            TAKES_VALUE();
            if (!strcmp(val, "help")) {
                trace_list();
                return CLI_EXIT_OK;
            }
            if (trace_parse(val, &cfg->trace_mask, err, errlen))
                return CLI_ERROR;
        } else if (!strcmp(name, "d")) {
            TAKES_VALUE();
            if (log_parse(val, &cfg->log_mask, err, errlen))
                return CLI_ERROR;
        } else if (!strcmp(name, "D")) {
            TAKES_VALUE();
            cfg->log_file = val;
        } else if (!strcmp(name, "accel")) {
            TAKES_VALUE();
            if ((a = parse_accel(val, cfg, err, errlen)) != CLI_RUN)
                return a;
        } else if (!strcmp(name, "m")) {
            TAKES_VALUE();
            if ((a = parse_memory(val, cfg, err, errlen)) != CLI_RUN)
                return a;
        } else if (!strcmp(name, "smp")) {
            TAKES_VALUE();
            if ((a = parse_smp(val, cfg, err, errlen)) != CLI_RUN)
                return a;
        } else if (!strcmp(name, "cpu")) {
            TAKES_VALUE();
            if (!strcmp(val, "help") || !strcmp(val, "?")) {
                for (size_t k = 0; k < sizeof(cpu_models) / sizeof(cpu_models[0]); k++)
                    printf("PowerPC %-16s PVR %08x\n", cpu_models[k].name, cpu_models[k].pvr);
                return CLI_EXIT_OK;
            }
            model = find_cpu(val);
            if (!model)
                return fail(err, errlen, "-cpu: unknown CPU model '%s' (power9, power8)", val);
            cfg->pvr = model->pvr;
            cfg->cpu_name = model->name;
            cfg->cpu_level = model->level;
        } else if (!strcmp(name, "kernel")) {
            TAKES_VALUE();
            cfg->kernel = val;
        } else if (!strcmp(name, "initrd")) {
            TAKES_VALUE();
            cfg->initrd = val;
        } else if (!strcmp(name, "append")) {
            TAKES_VALUE();
            cfg->append = val;
        } else if (!strcmp(name, "bios")) {
            TAKES_VALUE();
            cfg->bios = val;
        } else if (!strcmp(name, "name")) {
            TAKES_VALUE();
            if ((a = parse_name(val, cfg, err, errlen)) != CLI_RUN)
                return a;
        } else if (!strcmp(name, "nographic")) {
            cfg->nographic = true;
        } else if (!strcmp(name, "display")) {
            TAKES_VALUE();
            if (strcmp(val, "none"))
                return fail(err, errlen, "-display: only 'none' is supported, not '%s'", val);
        } else if (!strcmp(name, "device")) {
            TAKES_VALUE();
            if ((a = cli_parse_device(val, cfg, err, errlen)) != CLI_RUN)
                return a;
        } else if (!strcmp(name, "netdev")) {
            TAKES_VALUE();
            if ((a = cli_parse_netdev(val, cfg, err, errlen)) != CLI_RUN)
                return a;
        } else if (!strcmp(name, "nic")) {
            TAKES_VALUE();
            if ((a = cli_parse_nic(val, cfg, err, errlen)) != CLI_RUN)
                return a;
        } else if (!strcmp(name, "drive")) {
            TAKES_VALUE();
            if ((a = cli_parse_drive(val, cfg, err, errlen)) != CLI_RUN)
                return a;
        } else if (!strcmp(name, "no-reboot")) {
            cfg->no_reboot = true;
        } else if (!strcmp(name, "S")) {
            cfg->start_stopped = true;
        } else if (!strcmp(name, "s")) {
            cfg->gdb_host = NULL;
            cfg->gdb_port = 1234;
        } else if (!strcmp(name, "gdb")) {
            TAKES_VALUE();
            if ((a = parse_gdb(val, cfg, err, errlen)) != CLI_RUN)
                return a;
        } else if (!strcmp(name, "icount")) {
            TAKES_VALUE();
            if ((a = parse_icount(val, cfg, err, errlen)) != CLI_RUN)
                return a;
        } else if (!strcmp(name, "incoming")) {
            TAKES_VALUE();
            if (strcmp(val, "defer") && !snap_uri_valid(val))
                return fail(err, errlen,
                            "-incoming: '%s': petrel takes file:PATH, exec:COMMAND or defer", val);
            cfg->incoming = val;
        } else if (!strcmp(name, "qmp")) {
            struct monitor_spec spec;
            TAKES_VALUE();
            if (cfg->n_qmp == sizeof(cfg->qmp) / sizeof(cfg->qmp[0]))
                return fail(err, errlen, "-qmp: at most %zu sockets",
                            sizeof(cfg->qmp) / sizeof(cfg->qmp[0]));
            if (monitor_parse_spec(val, &spec, err, errlen))
                return CLI_ERROR;
            cfg->qmp[cfg->n_qmp++] = val;
        } else {
            return fail(err, errlen, "unknown option '%s' (see petrel --help)", opt);
        }
#undef TAKES_VALUE
    }

    if ((a = cli_devices_finish(cfg, err, errlen)) != CLI_RUN)
        return a;
    if (cfg->initrd && !cfg->kernel)
        return fail(err, errlen, "-initrd only allowed with -kernel option");
    if (cfg->append && !cfg->kernel)
        return fail(err, errlen, "-append only allowed with -kernel option");
    if (cfg->max_compat_pvr == PVR_POWER9 && cfg->pvr == PVR_POWER8)
        return fail(err, errlen, "-machine: max-cpu-compat=power9 is newer than -cpu power8");
    /* XIVE exploitation mode exists from ISA 3.0 (POWER9) on. */
    if (cfg->ic_mode == IC_MODE_XIVE &&
        (cfg->pvr == PVR_POWER8 || cfg->max_compat_pvr == PVR_POWER8))
        return fail(err, errlen, "-machine: ic-mode=xive needs a POWER9 CPU and compat level");
    if (cfg->kernel && (a = check_file("-kernel", cfg->kernel, 0, err, errlen)) != CLI_RUN)
        return a;
    if (cfg->initrd && (a = check_file("-initrd", cfg->initrd, 0, err, errlen)) != CLI_RUN)
        return a;
    if (cfg->bios && (a = check_file("-bios", cfg->bios, FW_MAX_IMAGE, err, errlen)) != CLI_RUN)
        return a;
    if (cfg->log_file && (a = check_output_file("-D", cfg->log_file, err, errlen)) != CLI_RUN)
        return a;
    if (cfg->dumpdtb &&
        (a = check_output_file("-machine dumpdtb", cfg->dumpdtb, err, errlen)) != CLI_RUN)
        return a;
    return CLI_RUN;
}
