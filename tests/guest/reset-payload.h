/*
 * What reset-start.S and reset-payload.c share: where the entry
 * registers are saved (a doubleword each: r0..r31, then LR, CTR, CR, XER,
 * MSR) and where the state that survives resets lives -- RAM above the
 * firmware region and the hardware description, which a reset does not
 * clear (DESIGN.md "Reset is firmware re-entry").
 */
#ifndef RESET_PAYLOAD_H
#define RESET_PAYLOAD_H

#include <petrel/service.h>

#define RESET_PERSIST    0x2000000 /* 32 MiB: struct persist */
#define RESET_ENTRY_SAVE 0x2001000
#define RESET_SAVE_LR    32
#define RESET_SAVE_CTR   33
#define RESET_SAVE_CR    34
#define RESET_SAVE_XER   35
#define RESET_SAVE_MSR   36
#define RESET_SAVE_WORDS 37

#endif
