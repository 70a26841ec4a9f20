/*
 * NVRAM block I/O for RTAS nvram-fetch / nvram-store (service.h
 * PETREL_H_NVRAM_READ / _WRITE, spec/rtas.md §4.3).  Both ranges, in the
 * NVRAM and in guest RAM, are checked before a byte moves.
 */
#include <petrel/papr.h>
#include <petrel/service.h>

#include "../vmm/machine.h"
#include "../vmm/memory.h"
#include "../vmm/nvram.h"
#include "hcall.h"

/* r4 = NVRAM offset, r5 = guest real address, r6 = length. */
static struct nvram *nvram_range(struct hcall_env *env, const uint64_t args[9])
{
    struct nvram *nv = machine_nvram(env->machine);
    uint64_t offset = args[0], len = args[2];

    if (offset > nv->size || len > nv->size - offset ||
        !guest_ram_contains(machine_mem(env->machine), args[1], len))
        return NULL;
    return nv;
}

int64_t h_petrel_nvram_read(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct nvram *nv = nvram_range(env, args);
    struct guest_mem *mem = machine_mem(env->machine);
    uint8_t buf[4096];

    (void)out;
    if (!nv)
        return H_PARAMETER;
    /* Through a bounce buffer: guest RAM is written with the
     * self-modifying-code bookkeeping (guest_ram_write). */
    for (uint64_t done = 0; done < args[2];) {
        uint32_t n = (uint32_t)(args[2] - done < sizeof(buf) ? args[2] - done : sizeof(buf));
        nvram_read(nv, (uint32_t)(args[0] + done), buf, n);
        guest_ram_write(mem, args[1] + done, buf, n);
        done += n;
    }
    return H_SUCCESS;
}

int64_t h_petrel_nvram_write(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct nvram *nv = nvram_range(env, args);
    struct guest_mem *mem = machine_mem(env->machine);

    (void)out;
    if (!nv)
        return H_PARAMETER;
    return nvram_write(nv, (uint32_t)args[0], mem->ram + args[1], (uint32_t)args[2]) == 0
               ? H_SUCCESS
               : H_HARDWARE;
}
