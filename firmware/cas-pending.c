/*
 * Stand-in for firmware/cas.c, which is written on another branch and
 * replaces this file when the two are merged (this file is then deleted).
 * Until then every architecture vector is refused: the method result is
 * non-zero, which Linux reports and boots on without CAS (cas.md §1).
 */
#include "cas.h"

int cas_call(void *fdt, const struct hw_facts *hw, uint64_t vec_addr)
{
    (void)fdt, (void)hw, (void)vec_addr;
    return -1;
}
