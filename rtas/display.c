/*
 * display-character (spec/rtas.md §3): one byte to the console, the
 * hvterm vty the firmware named in the state block (H_PUT_TERM_CHAR,
 * LoPAPR 14.6.4.2: bytes packed big-endian in r6).
 */
#include <stddef.h>

#include <petrel/papr.h>

#include "firmware/hcall.h"
#include "rtas.h"

int32_t rtas_display_character(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    if (hcall4(H_PUT_TERM_CHAR, rtas_state.vterm, 1, (unsigned long)(args[0] & 0xff) << 56, 0,
               NULL) != H_SUCCESS)
        return RTAS_HARDWARE_ERROR;
    return RTAS_SUCCESS;
}
