/*
 * The reference side of the differential ISA tests: a freestanding static
 * ppc64 Linux program (no libc; raw syscalls) run under qemu-ppc64 and
 * qemu-ppc64le.  It reads struct isa_vec records from stdin and, for each,
 * runs the instruction sequence with the vector's registers and memory
 * block and writes a struct isa_res to stdout (README.md).
 *
 * A sequence that raises a signal (trap, illegal instruction, alignment)
 * ends there: the handler records the signal, the instruction address
 * and the registers from the signal context, then returns to the main
 * loop through isa_recover (the handler never returns, as in risu).
 */
#include <stddef.h>
#include <stdint.h>

#include "isa.h"

/* powerpc64 Linux system call numbers and flags. */
#define NR_exit         1
#define NR_read         3
#define NR_write        4
#define NR_mmap         90
#define NR_rt_sigaction 173
#define NR_exit_group   234
#define PROT_RWX        7
#define PROT_RW         3
#define MAP_FIXED_ANON  0x32 /* MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS */
#define SA_SIGINFO      0x4
#define SA_NODEFER      0x40000000

void isa_run(struct isa_ctx *ctx);
void isa_recover(struct isa_ctx *ctx) __attribute__((noreturn));
extern const char isa_epilogue[];

static long syscall6(long nr, long a, long b, long c, long d, long e, long f)
{
    register long r0 __asm__("r0") = nr;
    register long r3 __asm__("r3") = a;
    register long r4 __asm__("r4") = b;
    register long r5 __asm__("r5") = c;
    register long r6 __asm__("r6") = d;
    register long r7 __asm__("r7") = e;
    register long r8 __asm__("r8") = f;

    __asm__ volatile("sc\n\t"
                     "bns+ 1f\n\t"
                     "neg %1, %1\n"
                     "1:"
                     : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8)
                     :
                     : "r9", "r10", "r11", "r12", "cr0", "cr1", "cr5", "cr6", "cr7", "ctr", "xer",
                       "memory");
    return r3;
}

static __attribute__((noreturn)) void die(const char *msg)
{
    size_t n = 0;
    while (msg[n])
        n++;
    syscall6(NR_write, 2, (long)msg, (long)n, 0, 0, 0);
    syscall6(NR_exit_group, 2, 0, 0, 0, 0, 0);
    for (;;)
        ;
}

/* The compiler may call these for struct copies even when freestanding. */
void *memcpy(void *d, const void *s, size_t n)
{
    uint8_t *dp = d;
    const uint8_t *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memset(void *d, int c, size_t n)
{
    uint8_t *dp = d;
    while (n--)
        *dp++ = (uint8_t)c;
    return d;
}

static void copy64(void *d, const void *s, size_t n)
{
    uint64_t *dp = d;
    const uint64_t *sp = s;
    for (n /= 8; n; n--)
        *dp++ = *sp++;
}

static void map_fixed(unsigned long addr, unsigned long len, int prot)
{
    long r = syscall6(NR_mmap, (long)addr, (long)len, prot, MAP_FIXED_ANON, -1, 0);
    if (r != (long)addr)
        die("isa-harness: mmap failed\n");
}

/* Linux's struct sigaction on powerpc. */
struct kernel_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    uint64_t mask;
};

/*
 * ucontext on ppc64 (the kernel's and qemu-user's layout): uc_flags,
 * uc_link, uc_stack (24), uc_sigmask (8), 15 more sigsets, then the
 * sigcontext: _unused[4], signal, pad, handler, oldmask, regs (a pointer
 * to gp_regs, which follow): offset 224.
 */
#define UC_REGS_PTR 224
#define PT_NIP      32
#define PT_CTR      35
#define PT_LNK      36
#define PT_XER      37
#define PT_CCR      38

static void on_signal(int sig, void *info, void *uc)
{
    struct isa_ctx *ctx = (struct isa_ctx *)ISA_CTXP;
    const uint64_t *regs = *(uint64_t *const *)((char *)uc + UC_REGS_PTR);
    uint64_t v;

    (void)info;
    if ((const char *)regs != (char *)uc + UC_REGS_PTR + 8)
        die("isa-harness: unexpected signal frame layout\n");
    for (int i = 0; i < 32; i++)
        ctx->out.gpr[i] = regs[i];
    ctx->out.nip = regs[PT_NIP];
    ctx->out.ctr = regs[PT_CTR];
    ctx->out.lr = regs[PT_LNK];
    ctx->out.xer = regs[PT_XER];
    ctx->out.cr = regs[PT_CCR];
    __asm__ volatile("mfspr %0, 815" : "=r"(v));
    ctx->out.tar = v;
    __asm__ volatile("mfspr %0, 256" : "=r"(v));
    ctx->out.vrsave = v;
    ctx->out.signo = (uint64_t)sig;
    isa_recover(ctx);
}

static void catch_signal(int sig)
{
    struct kernel_sigaction sa = {
        .handler = (void *)on_signal,
        .flags = SA_SIGINFO | SA_NODEFER,
    };
    if (syscall6(NR_rt_sigaction, sig, (long)&sa, 0, 8, 0, 0) != 0)
        die("isa-harness: rt_sigaction failed\n");
}

/* Buffered stdin/stdout. */
static uint8_t inbuf[1 << 16];
static size_t in_len, in_pos;
static uint8_t outbuf[1 << 16];
static size_t out_len;

static void flush_out(void)
{
    size_t done = 0;
    while (done < out_len) {
        long r = syscall6(NR_write, 1, (long)(outbuf + done), (long)(out_len - done), 0, 0, 0);
        if (r <= 0)
            die("isa-harness: write failed\n");
        done += (size_t)r;
    }
    out_len = 0;
}

/* Fills *v; 0 at a clean end of input. */
static int read_vec(struct isa_vec *v)
{
    uint8_t *d = (uint8_t *)v;
    size_t got = 0;

    while (got < sizeof(*v)) {
        if (in_pos == in_len) {
            long r = syscall6(NR_read, 0, (long)inbuf, sizeof(inbuf), 0, 0, 0);
            if (r < 0)
                die("isa-harness: read failed\n");
            if (r == 0) {
                if (got)
                    die("isa-harness: truncated vector\n");
                return 0;
            }
            in_len = (size_t)r;
            in_pos = 0;
        }
        size_t n = in_len - in_pos;
        if (n > sizeof(*v) - got)
            n = sizeof(*v) - got;
        memcpy(d + got, inbuf + in_pos, n);
        got += n;
        in_pos += n;
    }
    return 1;
}

static void put_res(const struct isa_res *r)
{
    if (out_len + sizeof(*r) > sizeof(outbuf))
        flush_out();
    copy64(outbuf + out_len, r, sizeof(*r));
    out_len += sizeof(*r);
}

static void sync_icache(uintptr_t start, size_t len)
{
    for (uintptr_t a = start & ~127ul; a < start + len; a += 128)
        __asm__ volatile("dcbst 0, %0" ::"r"(a) : "memory");
    __asm__ volatile("sync" ::: "memory");
    for (uintptr_t a = start & ~127ul; a < start + len; a += 128)
        __asm__ volatile("icbi 0, %0" ::"r"(a) : "memory");
    __asm__ volatile("isync" ::: "memory");
}

void harness_main(void) __attribute__((noreturn));
void harness_main(void)
{
    static struct isa_vec v;
    static struct isa_res res;
    struct isa_ctx *ctx = (struct isa_ctx *)ISA_CTXP;
    uint32_t *seq = (uint32_t *)ISA_SEQ;
    /* ELFv1: isa_epilogue is a code label, not a descriptor. */
    uintptr_t epi = (uintptr_t)isa_epilogue;

    map_fixed(ISA_SEQ, ISA_SEQ_MAP, PROT_RWX);
    map_fixed(ISA_MEM_MAP, 0x10000, PROT_RW);
    map_fixed(ISA_CTX, ISA_CTX_SIZE, PROT_RW);
    catch_signal(4);  /* SIGILL */
    catch_signal(5);  /* SIGTRAP */
    catch_signal(7);  /* SIGBUS */
    catch_signal(8);  /* SIGFPE */
    catch_signal(11); /* SIGSEGV */

    while (read_vec(&v)) {
        unsigned n = (unsigned)v.n;
        uint32_t *at = (uint32_t *)v.at;
        size_t span = (size_t)(v.at - ISA_SEQ) + 4 * (2 * ISA_MAX_INSN + 2);
        if (n > ISA_MAX_INSN || (v.at != ISA_SEQ && v.at < ISA_SEQ + 8) || (v.at & 3) ||
            span > ISA_SEQ_MAP)
            die("isa-harness: bad vector\n");
        /* b at */
        if (v.at != ISA_SEQ)
            seq[0] = 0x48000000u | (uint32_t)((v.at - ISA_SEQ) & 0x03fffffc);
        for (unsigned i = 0; i < n; i++)
            at[i] = v.insn[i];
        /* b isa_epilogue, then illegal words in case of a wild branch */
        at[n] = 0x48000000u | (uint32_t)((epi - (uintptr_t)&at[n]) & 0x03fffffc);
        for (unsigned i = n + 1; i < 2 * ISA_MAX_INSN + 2; i++)
            at[i] = 0;
        sync_icache(ISA_SEQ, span);
        copy64(&ctx->in, &v.in, sizeof(v.in));
        copy64((void *)ISA_MEM, v.mem, ISA_MEM_SIZE);
        isa_run(ctx);
        copy64(&res.out, &ctx->out, sizeof(res.out));
        copy64(res.mem, (void *)ISA_MEM, ISA_MEM_SIZE);
        put_res(&res);
    }
    flush_out();
    syscall6(NR_exit_group, 0, 0, 0, 0, 0, 0);
    for (;;)
        ;
}
