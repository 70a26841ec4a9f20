/*
 * The "PowerPC" capabilities note Linux ppc64 kernels carry
 * (arch/powerpc/kernel/note.S, PPC_ELFNOTE_CAPABILITIES, bit 0 =
 * ultravisor capable): the mark by which the firmware boots an image on
 * the Open Firmware path (firmware/main.c choose_of).  Linked into
 * kernel-of.elf, left out of kernel-of-nonote.elf.
 */
    .section .note.PowerPC, "a", @note
    .p2align 2
    .long   8, 4, 1
    .asciz  "PowerPC"
    .long   1

    .section .note.GNU-stack, "", @progbits
