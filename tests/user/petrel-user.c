/*
 * petrel-user: runs a static ppc64le Linux program on petrel's CPU core,
 * with the Linux system calls it needs answered on the host -- a test
 * tool for the core's FP/VMX/VSX against qemu-ppc64le before a distro
 * kernel boots (tests/user/README).
 *
 * The program runs in 64-bit little-endian real mode in 1 GiB of guest
 * memory: the ELF's segments at their addresses, the heap (brk) after
 * them, an mmap area and the stack above.  Every interrupt vector holds
 * `sc 1`, so each interrupt comes back to this loop as an hcall exit;
 * at the system call vector (0xc00) the call is answered as Linux's
 * ppc64 ABI has it (number in r0, arguments r3-r8, result in r3, an
 * error as a positive errno with CR0[SO] set) and the program resumes
 * at SRR0 with SRR1's MSR; any other interrupt ends the run with the
 * signal Linux would deliver.
 *
 *   petrel-user [--jit-hot N] PROGRAM [ARGS...]
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vmm/cpu/interp/ppc.h"
#include "vmm/memory.h"

#define RAM_SIZE   (1ull << 30)
#define PAGE       0x10000ull /* Debian's ppc64el kernels use 64 KiB pages */
#define VEC_END    0x10000ull /* the vectors' page */
#define BRK_LIMIT  0x20000000ull
#define MMAP_BASE  0x20000000ull
#define MMAP_LIMIT 0x38000000ull
#define STACK_TOP  0x3fff0000ull
#define SC1        0x44000022u /* sc 1 */

/* Linux ppc64 system call numbers (asm/unistd_64.h). */
enum {
    NR_exit = 1,
    NR_read = 3,
    NR_write = 4,
    NR_close = 6,
    NR_getpid = 20,
    NR_getuid = 24,
    NR_brk = 45,
    NR_getgid = 47,
    NR_geteuid = 49,
    NR_getegid = 50,
    NR_ioctl = 54,
    NR_mmap = 90,
    NR_munmap = 91,
    NR_fstat = 108,
    NR_uname = 122,
    NR_mprotect = 125,
    NR_writev = 146,
    NR_mremap = 163,
    NR_rt_sigaction = 173,
    NR_rt_sigprocmask = 174,
    NR_madvise = 205,
    NR_gettid = 207,
    NR_futex = 221,
    NR_set_tid_address = 232,
    NR_exit_group = 234,
    NR_clock_gettime = 246,
    NR_tgkill = 250,
    NR_openat = 286,
    NR_newfstatat = 291,
    NR_readlinkat = 296,
    NR_set_robust_list = 300,
    NR_prlimit64 = 325,
    NR_getrandom = 359,
    NR_statx = 383,
    NR_rseq = 387,
};

/* The hardware capabilities of a POWER9 as Linux reports them (asm/cputable.h):
 * 32/64-bit, AltiVec, FPU, MMU, ISA 2.05 and 2.06, VSX, true LE, icache
 * snoop; ISA 2.07, isel, TAR, vector crypto, ISA 3.00, IEEE128.  Not SCV:
 * glibc then makes system calls with sc. */
#define HWCAP  0xdc002182ull
#define HWCAP2 0x8ec00000ull

struct user {
    struct guest_mem mem;
    struct ppc_cpu *cpu;
    uint64_t brk_start, brk, mmap_next;
    int exited, status;
};

static void die(const char *msg)
{
    fprintf(stderr, "petrel-user: %s\n", msg);
    exit(127);
}

static int range_ok(uint64_t a, uint64_t n)
{
    return a >= VEC_END && a <= RAM_SIZE && n <= RAM_SIZE - a;
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Loads the program's PT_LOAD segments; returns the entry point. */
static uint64_t load_elf(struct user *u, const char *path, uint64_t *phdr, unsigned *phnum)
{
    FILE *f = fopen(path, "rb");
    Elf64_Ehdr eh;
    uint64_t end = 0, first_vaddr = ~0ull, first_off = 0;

    if (!f || fread(&eh, sizeof(eh), 1, f) != 1)
        die("cannot read the program");
    if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_PPC64 || eh.e_type != ET_EXEC ||
        eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 64)
        die("not a static little-endian ppc64 ELF executable");
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        if (fseek(f, (long)(eh.e_phoff + i * sizeof(ph)), SEEK_SET) ||
            fread(&ph, sizeof(ph), 1, f) != 1)
            die("cannot read a program header");
        if (ph.p_type == PT_INTERP)
            die("a dynamically linked program (link it with -static)");
        if (ph.p_type != PT_LOAD)
            continue;
        if (!range_ok(ph.p_vaddr, ph.p_memsz) || ph.p_filesz > ph.p_memsz ||
            ph.p_vaddr + ph.p_memsz > BRK_LIMIT)
            die("a segment outside the program's area");
        uint8_t *buf = malloc(ph.p_filesz ? ph.p_filesz : 1);
        if (!buf || fseek(f, (long)ph.p_offset, SEEK_SET) ||
            fread(buf, 1, ph.p_filesz, f) != ph.p_filesz)
            die("cannot read a segment");
        guest_ram_write(&u->mem, ph.p_vaddr, buf, ph.p_filesz);
        free(buf);
        if (ph.p_vaddr < first_vaddr)
            first_vaddr = ph.p_vaddr, first_off = ph.p_offset;
        if (ph.p_vaddr + ph.p_memsz > end)
            end = ph.p_vaddr + ph.p_memsz;
    }
    fclose(f);
    if (!end)
        die("no loadable segment");
    /* The headers are in the first segment's page (Linux's AT_PHDR). */
    *phdr = first_vaddr - first_off + eh.e_phoff;
    *phnum = eh.e_phnum;
    u->brk_start = u->brk = (end + PAGE - 1) & ~(PAGE - 1);
    return eh.e_entry;
}

/* The initial stack as Linux's ELF loader builds it: argc, argv, envp,
 * auxv, with the strings and AT_RANDOM's bytes above. */
static uint64_t build_stack(struct user *u, int argc, char **argv, uint64_t entry, uint64_t phdr,
                            unsigned phnum)
{
    static const char *const envp[] = {"LANG=C", "PATH=/usr/bin:/bin"};
    const unsigned nenv = sizeof(envp) / sizeof(envp[0]);
    uint64_t sp = STACK_TOP, str_argv[64], str_env[2], plat, rnd, execfn;
    uint8_t random_bytes[16];

    if (argc > 64)
        die("too many arguments");
#define PUSH_STR(s, var)                                                                           \
    do {                                                                                           \
        size_t n_ = strlen(s) + 1;                                                                 \
        sp -= n_;                                                                                  \
        guest_ram_write(&u->mem, sp, (s), n_);                                                     \
        (var) = sp;                                                                                \
    } while (0)
    for (int i = argc - 1; i >= 0; i--)
        PUSH_STR(argv[i], str_argv[i]);
    for (int i = (int)nenv - 1; i >= 0; i--)
        PUSH_STR(envp[i], str_env[i]);
    PUSH_STR("power9", plat);
    execfn = str_argv[0];
    if (getrandom(random_bytes, sizeof(random_bytes), 0) != sizeof(random_bytes))
        memset(random_bytes, 0x5a, sizeof(random_bytes));
    sp = (sp - 16) & ~15ull;
    guest_ram_write(&u->mem, sp, random_bytes, 16);
    rnd = sp;
#undef PUSH_STR
    uint64_t aux[][2] = {
        {AT_PHDR, phdr},
        {AT_PHENT, sizeof(Elf64_Phdr)},
        {AT_PHNUM, phnum},
        {AT_PAGESZ, PAGE},
        {AT_BASE, 0},
        {AT_FLAGS, 0},
        {AT_ENTRY, entry},
        {AT_UID, 0},
        {AT_EUID, 0},
        {AT_GID, 0},
        {AT_EGID, 0},
        {AT_HWCAP, HWCAP},
        {AT_HWCAP2, HWCAP2},
        {AT_PLATFORM, plat},
        {AT_BASE_PLATFORM, plat},
        {AT_CLKTCK, 100},
        {AT_SECURE, 0},
        {AT_RANDOM, rnd},
        {AT_DCACHEBSIZE, 128},
        {AT_ICACHEBSIZE, 128},
        {AT_UCACHEBSIZE, 0},
        {AT_EXECFN, execfn},
        {AT_NULL, 0},
    };
    unsigned naux = sizeof(aux) / sizeof(aux[0]);
    uint64_t words = 1 + (uint64_t)argc + 1 + nenv + 1 + 2 * naux;
    sp = (sp - 8 * words) & ~15ull;
    uint8_t *blk = calloc(words, 8), *p = blk;
    if (!blk)
        die("out of memory");
    put64(p, (uint64_t)argc), p += 8;
    for (int i = 0; i < argc; i++)
        put64(p, str_argv[i]), p += 8;
    p += 8;
    for (unsigned i = 0; i < nenv; i++)
        put64(p, str_env[i]), p += 8;
    p += 8;
    for (unsigned i = 0; i < naux; i++)
        put64(p, aux[i][0]), put64(p + 8, aux[i][1]), p += 16;
    guest_ram_write(&u->mem, sp, blk, 8 * words);
    free(blk);
    return sp;
}

static int64_t sys_write(struct user *u, uint64_t fd, uint64_t buf, uint64_t len)
{
    if (fd != 1 && fd != 2)
        return -EBADF;
    if (!range_ok(buf, len))
        return -EFAULT;
    FILE *f = fd == 1 ? stdout : stderr;
    return (int64_t)fwrite(u->mem.ram + buf, 1, len, f);
}

static int64_t sys_writev(struct user *u, uint64_t fd, uint64_t iov, uint64_t cnt)
{
    int64_t total = 0;
    if (cnt > 1024 || !range_ok(iov, 16 * cnt))
        return -EINVAL;
    for (uint64_t i = 0; i < cnt; i++) {
        int64_t r = sys_write(u, fd, get64(u->mem.ram + iov + 16 * i),
                              get64(u->mem.ram + iov + 16 * i + 8));
        if (r < 0)
            return total ? total : r;
        total += r;
    }
    return total;
}

static int64_t sys_mmap(struct user *u, uint64_t addr, uint64_t len, uint64_t flags, int64_t fd)
{
    (void)addr;
    /* Anonymous private memory only, placed by a bump allocator (the
     * test programs free little). */
    if (fd != -1 || !(flags & 0x20 /* MAP_ANONYMOUS */) || len == 0)
        return -ENODEV;
    len = (len + PAGE - 1) & ~(PAGE - 1);
    if (len > MMAP_LIMIT - u->mmap_next)
        return -ENOMEM;
    uint64_t a = u->mmap_next;
    u->mmap_next += len;
    memset(u->mem.ram + a, 0, len);
    guest_ram_note_write(&u->mem, a, len);
    return (int64_t)a;
}

static int64_t sys_clock_gettime(struct user *u, uint64_t clk, uint64_t tp)
{
    struct timespec ts;
    uint8_t b[16];
    if (clk > 7 || clock_gettime((clockid_t)clk, &ts))
        return -EINVAL;
    if (!range_ok(tp, 16))
        return -EFAULT;
    put64(b, (uint64_t)ts.tv_sec);
    put64(b + 8, (uint64_t)ts.tv_nsec);
    guest_ram_write(&u->mem, tp, b, 16);
    return 0;
}

static int64_t sys_uname(struct user *u, uint64_t buf)
{
    static const char *const f[] = {"Linux", "petrel", "6.1.0", "#1 SMP", "ppc64le", "(none)"};
    uint8_t b[6 * 65] = {0};
    if (!range_ok(buf, sizeof(b)))
        return -EFAULT;
    for (unsigned i = 0; i < 6; i++)
        memcpy(b + 65 * i, f[i], strlen(f[i]));
    guest_ram_write(&u->mem, buf, b, sizeof(b));
    return 0;
}

static int64_t sys_getrandom(struct user *u, uint64_t buf, uint64_t len)
{
    if (!range_ok(buf, len) || len > (1u << 20))
        return -EFAULT;
    uint8_t *tmp = malloc(len ? len : 1);
    if (!tmp)
        return -ENOMEM;
    ssize_t n = getrandom(tmp, len, 0);
    if (n > 0)
        guest_ram_write(&u->mem, buf, tmp, (uint64_t)n);
    free(tmp);
    return n < 0 ? -errno : n;
}

/* One system call: a0..a5 are r3..r8. */
static int64_t syscall_one(struct user *u, uint64_t nr, const uint64_t *a)
{
    switch (nr) {
    case NR_exit:
    case NR_exit_group:
        u->exited = 1;
        u->status = (int)(a[0] & 0xff);
        return 0;
    case NR_write: return sys_write(u, a[0], a[1], a[2]);
    case NR_writev: return sys_writev(u, a[0], a[1], a[2]);
    case NR_read: return a[0] == 0 ? 0 : -EBADF; /* stdin is empty */
    case NR_close: return 0;
    case NR_brk:
        if (a[0] >= u->brk_start && a[0] <= BRK_LIMIT) {
            if (a[0] > u->brk) {
                memset(u->mem.ram + u->brk, 0, a[0] - u->brk);
                guest_ram_note_write(&u->mem, u->brk, a[0] - u->brk);
            }
            u->brk = a[0];
        }
        return (int64_t)u->brk;
    case NR_mmap: return sys_mmap(u, a[0], a[1], a[3], (int64_t)a[4]);
    case NR_munmap:
    case NR_mprotect:
    case NR_madvise: return range_ok(a[0], a[1]) ? 0 : -EINVAL;
    case NR_mremap: return -ENOMEM;
    case NR_clock_gettime: return sys_clock_gettime(u, a[0], a[1]);
    case NR_uname: return sys_uname(u, a[0]);
    case NR_getrandom: return sys_getrandom(u, a[0], a[1]);
    case NR_getpid:
    case NR_gettid:
    case NR_set_tid_address: return 1000;
    case NR_getuid:
    case NR_geteuid:
    case NR_getgid:
    case NR_getegid:
    case NR_rt_sigaction:
    case NR_rt_sigprocmask:
    case NR_set_robust_list: return 0;
    case NR_ioctl: return -ENOTTY; /* not a terminal: stdio buffers fully */
    case NR_fstat:
    case NR_newfstatat:
    case NR_statx:
    case NR_openat:
    case NR_readlinkat: return -ENOENT;
    case NR_prlimit64: return -EPERM;
    case NR_futex:
    case NR_tgkill:
    case NR_rseq:
    default: return -ENOSYS;
    }
}

/* The signal Linux delivers for an interrupt (arch/powerpc/kernel/traps.c). */
static int signal_of(uint64_t vector, uint64_t srr1)
{
    if (vector == VEC_PROGRAM)
        return (srr1 & SRR1_PROG_TRAP) ? 5 : (srr1 & SRR1_PROG_FP) ? 8 : 4;
    if (vector == 0x600)
        return 7;
    return 11;
}

int main(int argc, char **argv)
{
    struct user u = {0};
    struct cpu_exit ex;
    unsigned jit_hot = 16;
    int first = 1;
    uint64_t phdr, entry;
    unsigned phnum;
    uint8_t sc1[4];

    if (argc > 2 && !strcmp(argv[1], "--jit-hot")) {
        char *end;
        unsigned long v = strtoul(argv[2], &end, 0);
        if (*end || v > 255)
            die("--jit-hot takes 0..255");
        jit_hot = (unsigned)v;
        first = 3;
    }
    if (argc <= first) {
        fprintf(stderr, "usage: petrel-user [--jit-hot N] PROGRAM [ARGS...]\n");
        return 127;
    }
    if (guest_mem_init(&u.mem, RAM_SIZE))
        die("cannot allocate guest memory");
    u.cpu = (struct ppc_cpu *)cpu_interp_backend.create(&u.mem, 0, 0x004e1202);
    if (!u.cpu)
        die("cannot create the CPU");
    u.cpu->jit_hot = (uint8_t)jit_hot;
    cpu_interp_backend.set_lpcr((struct cpu *)u.cpu, LPCR_ILE, LPCR_ILE);
    for (int i = 0; i < 4; i++)
        sc1[i] = (uint8_t)(SC1 >> (8 * i)); /* little-endian, as LPCR[ILE] fetches */
    for (uint64_t v = 0x100; v < VEC_END; v += 0x20)
        guest_ram_write(&u.mem, v, sc1, 4);
    entry = load_elf(&u, argv[first], &phdr, &phnum);
    u.mmap_next = MMAP_BASE;
    u.cpu->gpr[1] = build_stack(&u, argc - first, argv + first, entry, phdr, phnum);
    ppc_store_msr(u.cpu, MSR_SF | MSR_FP | MSR_VEC | MSR_VSX | MSR_LE);
    u.cpu->nip = entry;

    while (!u.exited) {
        cpu_interp_backend.run((struct cpu *)u.cpu, &ex);
        if (ex.reason == CPU_EXIT_STOPPED)
            continue;
        if (ex.reason != CPU_EXIT_HCALL) {
            fprintf(stderr, "petrel-user: the CPU stopped (exit %d) at 0x%llx\n", (int)ex.reason,
                    (unsigned long long)u.cpu->nip);
            return 128 + 6;
        }
        uint64_t vector = u.cpu->nip - 4;
        if (vector < 0x100 || vector >= VEC_END || (vector & 0x1f)) {
            fprintf(stderr, "petrel-user: the program made an hcall at 0x%llx\n",
                    (unsigned long long)vector);
            return 128 + 4;
        }
        if (vector != VEC_SYSCALL) {
            int sig = signal_of(vector, u.cpu->srr1);
            fflush(stdout);
            fprintf(stderr, "petrel-user: signal %d: interrupt 0x%llx at 0x%llx (SRR1 0x%llx)\n",
                    sig, (unsigned long long)vector, (unsigned long long)u.cpu->srr0,
                    (unsigned long long)u.cpu->srr1);
            return 128 + sig;
        }
        int64_t r = syscall_one(&u, u.cpu->gpr[0], &u.cpu->gpr[3]);
        uint32_t cr = ppc_get_cr(u.cpu) & ~0x10000000u; /* CR0[SO] */
        if (r < 0 && r > -4096) {
            cr |= 0x10000000u;
            r = -r;
        }
        ppc_set_cr(u.cpu, cr);
        u.cpu->gpr[3] = (uint64_t)r;
        u.cpu->nip = u.cpu->srr0;
        ppc_store_msr(u.cpu, u.cpu->srr1 & ~0x783f0000ull); /* SRR1's MSR bits */
    }
    fflush(stdout);
    cpu_interp_backend.destroy((struct cpu *)u.cpu);
    guest_mem_destroy(&u.mem);
    return u.status;
}
