/*
 * Code the MMU payloads run with translation on (mmu-lib.h run()): one
 * 64 KiB-aligned page of its own (mmu-payload.lds), which the payloads
 * map at the virtual addresses they test, so nothing here refers to an
 * absolute address.  Each snippet takes r3..r5 and ends with sc 0 (its
 * r3..r6 are the results); the instruction an interrupt is expected at
 * is the snippet's first unless said otherwise.
 */
    .machine power9
    .section .snip, "ax"
    .balign 0x10000
    .globl  snip_start
snip_start:

/* r3 = *(r3) */
    .globl  s_load
s_load:
    ld      r3, 0(r3)
    sc      0

/* *(r3) = r4 */
    .globl  s_store
s_store:
    std     r4, 0(r3)
    li      r3, 0
    sc      0

/* dcbz r3: a store to the whole block */
    .globl  s_dcbz
s_dcbz:
    dcbz    0, r3
    li      r3, 0
    sc      0

/* Goes to r3 with r3 = r4: the code there ends the run. */
    .globl  s_jump
s_jump:
    mtctr   r3
    mr      r3, r4
    bctr

/* Privileged instructions, for problem state. */
    .globl  s_mfmsr
s_mfmsr:
    mfmsr   r3
    sc      0
    .globl  s_mfsprg0
s_mfsprg0:
    mfsprg0 r3
    sc      0

/* tlbie RB = r3, RS = r4, RIC 0, PRS 1, R 1, in the global sequence
 * (spec/cpu.md §3.1.6); the tlbie is the second instruction. */
    .globl  s_tlbie
s_tlbie:
    ptesync
    tlbie   r3, r4, 0, 1, 1
    eieio
    tlbsync
    ptesync
    li      r3, 0
    sc      0

/* tlbiel RB = r3, RS = r4, RIC 0, PRS 1, R 1: the local sequence. */
    .globl  s_tlbiel
s_tlbiel:
    ptesync
    tlbiel  r3, r4, 0, 1, 1
    ptesync
    li      r3, 0
    sc      0

/* Partition-scoped (PRS 0) tlbiel: the hypervisor's under radix. */
    .globl  s_tlbiel_prs0
s_tlbiel_prs0:
    tlbiel  r3, r4, 0, 0, 1
    li      r3, 0
    sc      0

/* RIC 3: an invalid form. */
    .globl  s_tlbie_ric3
s_tlbie_ric3:
    tlbie   r3, r4, 3, 1, 1
    li      r3, 0
    sc      0

/* r3 = *(X) before and r4 = *(X) after PIDR = r4 (X = r3), and no
 * interrupt between: quadrant 0 follows the new PID at once. */
    .globl  s_pidr
s_pidr:
    ld      r5, 0(r3)
    mtspr   48, r4
    isync
    ld      r4, 0(r3)
    mr      r3, r5
    sc      0

/*
 * The watcher of the two-vCPU tests: r3 = address X, r4 = the mailbox
 * (mmu-lib.h struct mailbox).  Loads X, publishes the value, then bumps
 * the count, until the mailbox says stop; r3 = 0 then.
 */
    .globl  s_watch
s_watch:
1:  ld      r5, 0(r3)
    std     r5, 8(r4)
    lwsync
    ld      r6, 0(r4)
    addi    r6, r6, 1
    std     r6, 0(r4)
    ld      r7, 16(r4)
    cmpdi   r7, 0
    beq     1b
    li      r3, 0
    sc      0

/*
 * Code changed through an alias: r3 = the code's executable address
 * (a function returning a value in r3), r4 = a writable alias of its
 * first word, r5 = the new word, r6 = calls before the change (enough to
 * have it compiled).  Stores the word, then dcbst, sync, icbi, sync,
 * isync (Book II 1.9 "Instruction storage"), and calls it again.
 * r3 = the new result, r4 = the sum of the results before.
 */
    .globl  s_smc
s_smc:
    mr      r14, r3
    mr      r15, r4
    mr      r16, r5
    mr      r17, r6
    li      r18, 0
1:  mtctr   r14
    bctrl
    add     r18, r18, r3
    addi    r17, r17, -1
    cmpdi   r17, 0
    bne     1b
    stw     r16, 0(r15)
    dcbst   0, r15
    sync
    icbi    0, r14
    sync
    isync
    mtctr   r14
    bctrl
    mr      r4, r18
    sc      0

/*
 * A stale translation: r3 = address X (a 4K page of PID 0), r4 = the
 * address of X's PTE, r5 = a new PTE, r6 = RB of a tlbiel (by address,
 * PID or all; RS = PID 0).  Loads X, stores the PTE, loads X again (the
 * translation the first load cached may still be used), then the tlbiel
 * and loads X a third time (it must not be).  r3, r4, r5 = the three
 * values.
 */
    .globl  s_stale
s_stale:
    mr      r8, r6
    ld      r6, 0(r3)
    std     r5, 0(r4)
    ptesync
    ld      r7, 0(r3)
    li      r9, 0
    tlbiel  r8, r9, 0, 1, 1
    ptesync
    ld      r5, 0(r3)
    mr      r3, r6
    mr      r4, r7
    sc      0

    .balign 0x10000
    .globl  snip_end
snip_end:
