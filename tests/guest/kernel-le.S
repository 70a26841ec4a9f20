/*
 * A little-endian test kernel for -kernel, shaped like Debian's ppc64le
 * vmlinux (ELFv2 ET_DYN at physical 0, kernel-le.lds, with a "PowerPC"
 * capabilities note as arch/powerpc/kernel/note.S emits).  The firmware
 * enters it big-endian; it starts with Linux's FIXUP_ENDIAN
 * (arch/powerpc/include/asm/ppc_asm.h, spec/cpu.md §4.1), then checks in
 * little-endian mode: MSR[LE] = 1, r5 = 0, r4 = the 4 MiB it was moved to,
 * r3 = an FDT.  Prints "le kernel ok" and powers off 0, or powers off
 * with 10 + the failed check.  Position independent: no absolute
 * addresses.
 */
#include "payload.inc"

    .section .text.entry, "ax"
    .globl  _start
_start:
    tdi     0, 0, 0x48          /* b .+8 when fetched in the other order */
    b       191f
    .long   0xa600607d          /* mfmsr r11 */
    .long   0x01006b69          /* xori r11,r11,1 */
    .long   0x00004039          /* li r10,0 */
    .long   0x6401417d          /* mtmsrd r10,1 */
    .long   0x05009f42          /* bcl 20,31,$+4 */
    .long   0xa602487d          /* mflr r10 */
    .long   0x14004a39          /* addi r10,r10,20 */
    .long   0xa6035a7d          /* mtsrr0 r10 */
    .long   0xa6037b7d          /* mtsrr1 r11 */
    .long   0x2400004c          /* rfid */
191:
    mfmsr   %r9
    andi.   %r9, %r9, 1
    beq     bad_le
    cmpdi   %r5, 0
    bne     bad_r5
    LOAD32(%r9, 0x400000)
    cmpld   %r4, %r9
    bne     bad_r4
    lwbrx   %r9, 0, %r3         /* the tree is big-endian */
    LOAD32(%r10, 0xd00dfeed)
    cmplw   %r9, %r10
    bne     bad_r3
    PUTS(13, C8('l','e',' ','k','e','r','n','e'), C8('l',' ','o','k','\n',0,0,0))
    POWER_OFF(0)
bad_le: POWER_OFF(11)
bad_r5: POWER_OFF(12)
bad_r4: POWER_OFF(13)
bad_r3: POWER_OFF(14)

    /* PPC_ELFNOTE_CAPABILITIES: bit 0 = ultravisor capable. */
    .section .note.PowerPC, "a", @note
    .p2align 2
    .long   8, 4, 1
    .asciz  "PowerPC"
    .long   1
