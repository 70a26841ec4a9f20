/*
 * What this machine offers an OS at CAS (spec/cas.md §3): interrupt
 * controllers, MMU modes, guest translation shootdown and the newest
 * architecture level.  One computation, used twice: the tree advertises
 * it in /chosen ibm,arch-vec-5-platform-support (devtree.c) and CAS
 * accepts exactly what it offers (cas.c), so the two cannot disagree.
 * Derived from the host's facts, never read back from the tree, which
 * the client may have edited.  Pure.
 */
#ifndef FW_OFFER_H
#define FW_OFFER_H

#include <stdbool.h>
#include <stdint.h>

#include "cpufacts.h"
#include "firmware.h"

struct cas_offer {
    const struct arch_level *level; /* newest level: CPU model and max-cpu-compat */
    bool xics, xive;                /* interrupt controllers the OS may choose */
    bool hash, radix;               /* MMU modes the OS may choose */
    bool gtse;                      /* with radix: the guest may use tlbie itself */
};

/* NULL, or why the facts name no CPU the firmware knows. */
const char *offer_make(const struct hw_facts *hw, struct cas_offer *o);

/* OV5 bytes of the offer (cas.md §2.7, §3). */
#define OV5_INTC       23   /* interrupt controller: */
#define OV5_INTC_MASK  0xc0 /*   0x00 XICS, 0x40 XIVE, 0x80 either (offer only) */
#define OV5_INTC_XIVE  0x40
#define OV5_INTC_BOTH  0x80
#define OV5_MMU        24   /* MMU: */
#define OV5_MMU_MASK   0xc0 /*   0x00 hash, 0x40 radix, 0x80 either (offer only) */
#define OV5_MMU_RADIX  0x40
#define OV5_MMU_BOTH   0x80
#define OV5_HASH_OPTS  25
#define OV5_RADIX_OPTS 26
#define OV5_RADIX_GTSE 0x40

/* ibm,arch-vec-5-platform-support: four (OV5 byte, value) pairs. */
#define OFFER_PAIRS_LEN 8
void offer_pairs(const struct cas_offer *o, uint8_t pairs[OFFER_PAIRS_LEN]);

#endif
