/*
 * nvram-fetch and nvram-store (spec/rtas.md §4.3): offset + length must
 * lie in the NVRAM (#bytes of /vdevice/nvram, the state block's size) and
 * the buffer in RAM outside RTAS, else -3 and nothing moves.  The bytes
 * move between the buffer and the host's store (PETREL_H_NVRAM_READ /
 * _WRITE); rets[1] is how many moved.
 */
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "firmware/hcall.h"
#include "rtas.h"

static int32_t nvram_move(unsigned long opcode, const uint32_t *args, uint32_t *rets)
{
    uint32_t offset = args[0], buf = args[1], len = args[2];

    if (offset > rtas_state.nvram_size || len > rtas_state.nvram_size - offset ||
        !rtas_buffer_ok(buf, len))
        return RTAS_PARAMETER_ERROR;
    if (hcall4(opcode, offset, buf, len, 0, NULL) != H_SUCCESS)
        return RTAS_HARDWARE_ERROR;
    rets[1] = len;
    return RTAS_SUCCESS;
}

/* args: NVRAM offset, buffer, length.  rets: bytes moved. */
int32_t rtas_nvram_fetch(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)nret;
    return nvram_move(PETREL_H_NVRAM_READ, args, rets);
}

int32_t rtas_nvram_store(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)nret;
    return nvram_move(PETREL_H_NVRAM_WRITE, args, rets);
}
