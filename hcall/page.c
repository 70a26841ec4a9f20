/*
 * H_PAGE_INIT (LoPAPR 14.5.4.3.4): zero or copy a 4 KiB page of guest
 * memory.  The cache-management flags need no work here: host writes to
 * guest RAM go through guest_ram_write, which keeps decoded code coherent.
 */
#include <string.h>

#include <petrel/papr.h>

#include "../vmm/machine.h"
#include "../vmm/memory.h"
#include "hcall.h"

#define PAGE 4096u

/* r4 = flags, r5 = destination page, r6 = source page. */
int64_t h_page_init(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct guest_mem *mem = machine_mem(env->machine);
    uint64_t flags = args[0], dst = args[1], src = args[2];

    (void)out;
    if (flags & ~(H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE | H_ZERO_PAGE | H_COPY_PAGE))
        return H_PARAMETER;
    if ((dst & (PAGE - 1)) || !guest_ram_contains(mem, dst, PAGE))
        return H_PARAMETER;
    if (flags & H_COPY_PAGE) {
        if ((src & (PAGE - 1)) || !guest_ram_contains(mem, src, PAGE))
            return H_PARAMETER;
        memmove(mem->ram + dst, mem->ram + src, PAGE);
        guest_ram_note_write(mem, dst, PAGE);
    } else if (flags & H_ZERO_PAGE) {
        memset(mem->ram + dst, 0, PAGE);
        guest_ram_note_write(mem, dst, PAGE);
    }
    return H_SUCCESS;
}
