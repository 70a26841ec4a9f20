/*
 * MMU benchmark workload: one bare payload runnable as -bios under petrel
 * and under qemu-system-ppc64 -M pseries (-m 512M).  It registers a radix
 * process table (H_REGISTER_PROC_TBL, GTSE), turns translation on and
 * runs a page-table-heavy loop the way a kernel allocates and frees
 * memory: per iteration, pick a page of a 128 MiB range (xorshift), map
 * it with a 4K PTE, touch it (stores and loads: a TLB miss, a walk, the
 * reference and change bits), unmap it and invalidate it with the
 * global sequence ptesync; tlbie; eieio; tlbsync; ptesync.  The
 * iteration count is at 0x1008 (run.py patches it).  Then power-off as
 * bench/cpu/kernels.S does.
 *
 * Tables (big-endian, built in real mode): process table 0x100000 (4K,
 * PIDs 0 and 1 share one tree), root 0x110000 (13 bits), upper directory
 * 0x120000: [0] a 1G privileged RWX leaf mapping 0..1G (code, tables),
 * [1] -> middle directory 0x121000 whose 64 entries -> PTE pages at
 * 0x200000 + 4K*i (9 bits each) for EA 1G..1G+128M; the data pages are at
 * 256M + 4K*p.
 */
#define PRTB  0x100000
#define ROOT  0x110000
#define PUD   0x120000
#define PMD   0x121000
#define PTES  0x200000
#define NPMD  64

    .section .text.vectors, "ax"
    .globl _start
    .org 0x100
_start:
    mfmsr   %r11
    li      %r12, 1
    rldicr  %r12, %r12, 63, 0
    or      %r11, %r11, %r12
    mtmsrd  %r11
    isync
    /* r30 = V (1<<63), r31 = V|L (3<<62) */
    li      %r30, 1
    rldicr  %r30, %r30, 63, 0
    li      %r31, 3
    rldicr  %r31, %r31, 62, 1
    /* Process table entries 0 and 1: RTS 52 (2<<61 | 5<<5), root, 13. */
    lis     %r3, PRTB@h
    li      %r4, 2
    rldicr  %r4, %r4, 61, 2
    oris    %r4, %r4, ROOT@h
    ori     %r4, %r4, (5 << 5) | 13
    std     %r4, 0(%r3)
    std     %r4, 16(%r3)
    /* root[0] -> PUD (9 bits) */
    lis     %r3, ROOT@h
    oris    %r4, %r30, PUD@h
    ori     %r4, %r4, 9
    std     %r4, 0(%r3)
    /* PUD[0] = 1G leaf at 0, PRIV | R | RW | X; PUD[1] -> PMD */
    lis     %r3, PUD@h
    ori     %r4, %r31, 0xf
    std     %r4, 0(%r3)
    lis     %r5, PMD@h
    ori     %r5, %r5, PMD@l
    or      %r4, %r30, %r5
    ori     %r4, %r4, 9
    std     %r4, 8(%r3)
    /* PMD[i] -> PTES + 4K*i */
    li      %r6, NPMD
    mtctr   %r6
    lis     %r7, PTES@h
1:  or      %r4, %r30, %r7
    ori     %r4, %r4, 9
    std     %r4, 0(%r5)
    addi    %r5, %r5, 8
    addi    %r7, %r7, 0x1000
    bdnz    1b
    /* H_REGISTER_PROC_TBL(NEW | RADIX | GTSE, PRTB, 0, 0: 4K) */
    li      %r3, 0x37c
    li      %r4, 0x1d
    lis     %r5, PRTB@h
    li      %r6, 0
    li      %r7, 0
    sc      1
    cmpdi   %r3, 0
    bne     done
    /* PIDR = 1; translation on (the 1G leaf maps this code 1:1). */
    li      %r3, 1
    mtspr   48, %r3
    isync
    mfmsr   %r11
    ori     %r11, %r11, 0x30
    mtmsrd  %r11
    isync

    lis     %r9, params@ha
    addi    %r9, %r9, params@l
    ld      %r8, 8(%r9)             /* iterations */
    mtctr   %r8
    li      %r20, 0x2545            /* xorshift state */
    li      %r26, 0                 /* checksum */
    li      %r27, 1
    sldi    %r27, %r27, 32          /* RS: PID 1 */
    ori     %r23, %r31, 0xe         /* V|L|PRIV|R|RW */
    lis     %r28, PTES@h
    lis     %r29, 0x1000            /* data pages at 256M */
    lis     %r25, 0x4000            /* region EA 1G */
2:  sldi    %r7, %r20, 13
    xor     %r20, %r20, %r7
    srdi    %r7, %r20, 7
    xor     %r20, %r20, %r7
    sldi    %r7, %r20, 17
    xor     %r20, %r20, %r7
    rldicl  %r10, %r20, 0, 49       /* p = state & 0x7fff */
    sldi    %r12, %r10, 3
    add     %r21, %r28, %r12        /* &PTE: PTES + 8p (tables are contiguous) */
    sldi    %r12, %r10, 12
    add     %r22, %r29, %r12        /* real page */
    or      %r22, %r22, %r23
    add     %r24, %r25, %r12        /* EA */
    std     %r22, 0(%r21)           /* map */
    ptesync
    std     %r20, 0(%r24)           /* touch */
    std     %r26, 8(%r24)
    ld      %r6, 0(%r24)
    add     %r26, %r26, %r6
    stw     %r20, 0x800(%r24)
    lwz     %r6, 0xffc(%r24)
    add     %r26, %r26, %r6
    li      %r0, 0
    std     %r0, 0(%r21)            /* unmap */
    ptesync
    .long   0x7c000264 | (27 << 21) | (1 << 17) | (1 << 16) | (24 << 11) /* tlbie r24,r27,0,1,1 */
    eieio
    tlbsync
    ptesync
    bdnz    2b

done:
    li      %r3, 0
    ori     %r3, %r3, 0xf100        /* PETREL_H_POWER_OFF */
    li      %r4, 0
    sc      1
    lis     %r4, rtas_args@ha
    addi    %r4, %r4, rtas_args@l
    li      %r3, 0
    ori     %r3, %r3, 0xf000        /* KVMPPC_H_RTAS */
    sc      1
5:  b       5b

    .org 0x1000
params:
    .quad   0
    .quad   1000                    /* iterations */
rtas_args:
    .long   0x2003, 2, 1, 0, 0, 0
