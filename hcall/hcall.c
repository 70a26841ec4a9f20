/*
 * The hcall table and its dispatcher.  PAPR opcodes are multiples of 4 in
 * 0x4..0x4fc, platform-private ones in 0xf000..0xfffc (spec/hcalls.md §1);
 * both ranges are indexed directly, everything else is H_FUNCTION.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "../vmm/trace.h"
#include "hcall.h"

/* Groups as LoPAPR names them in ibm,hypertas-functions (spec/hcalls.md §2). */
static const struct hcall_def hcall_table[] = {
    {H_REMOVE, "H_REMOVE", h_remove, "hcall-pft"},
    {H_ENTER, "H_ENTER", h_enter, "hcall-pft"},
    {H_READ, "H_READ", h_read, "hcall-pft"},
    {H_CLEAR_MOD, "H_CLEAR_MOD", h_clear_mod, "hcall-pft"},
    {H_CLEAR_REF, "H_CLEAR_REF", h_clear_ref, "hcall-pft"},
    {H_PROTECT, "H_PROTECT", h_protect, "hcall-pft"},
    {H_GET_TCE, "H_GET_TCE", h_get_tce, "hcall-tce"},
    {H_PUT_TCE, "H_PUT_TCE", h_put_tce, "hcall-tce"},
    {H_SET_SPRG0, "H_SET_SPRG0", h_set_sprg0, "hcall-sprg0"},
    {H_SET_DABR, "H_SET_DABR", h_set_dabr, "hcall-dabr"},
    {H_PAGE_INIT, "H_PAGE_INIT", h_page_init, "hcall-copy"},
    {H_GET_TERM_CHAR, "H_GET_TERM_CHAR", h_get_term_char, "hcall-term"},
    {H_PUT_TERM_CHAR, "H_PUT_TERM_CHAR", h_put_term_char, "hcall-term"},
    {H_EOI, "H_EOI", h_eoi, "hcall-interrupt"},
    {H_CPPR, "H_CPPR", h_cppr, "hcall-interrupt"},
    {H_IPI, "H_IPI", h_ipi, "hcall-interrupt"},
    {H_IPOLL, "H_IPOLL", h_ipoll, "hcall-interrupt"},
    {H_XIRR, "H_XIRR", h_xirr, "hcall-interrupt"},
    {H_REGISTER_VPA, "H_REGISTER_VPA", h_register_vpa, "hcall-splpar"},
    {H_CEDE, "H_CEDE", h_cede, "hcall-splpar"},
    {H_CONFER, "H_CONFER", h_confer, "hcall-splpar"},
    {H_PROD, "H_PROD", h_prod, "hcall-splpar"},
    {H_BULK_REMOVE, "H_BULK_REMOVE", h_bulk_remove, "hcall-bulk"},
    {H_SET_XDABR, "H_SET_XDABR", h_set_xdabr, "hcall-xdabr"},
    {H_STUFF_TCE, "H_STUFF_TCE", h_stuff_tce, "hcall-multi-tce"},
    {H_PUT_TCE_INDIRECT, "H_PUT_TCE_INDIRECT", h_put_tce_indirect, "hcall-multi-tce"},
    {H_GET_CPU_CHARACTERISTICS, "H_GET_CPU_CHARACTERISTICS", h_get_cpu_characteristics, NULL},
    {H_XIRR_X, "H_XIRR_X", h_xirr_x, "hcall-interrupt"},
    {H_RANDOM, "H_RANDOM", h_random, NULL},
    {H_SET_MODE, "H_SET_MODE", h_set_mode, "hcall-set-mode"},
    /* XIVE: not gated by a group, by the ibm,power-ivpe node (§2). */
    {H_INT_GET_SOURCE_INFO, "H_INT_GET_SOURCE_INFO", h_int_get_source_info, NULL},
    {H_INT_SET_SOURCE_CONFIG, "H_INT_SET_SOURCE_CONFIG", h_int_set_source_config, NULL},
    {H_INT_GET_SOURCE_CONFIG, "H_INT_GET_SOURCE_CONFIG", h_int_get_source_config, NULL},
    {H_INT_GET_QUEUE_INFO, "H_INT_GET_QUEUE_INFO", h_int_get_queue_info, NULL},
    {H_INT_SET_QUEUE_CONFIG, "H_INT_SET_QUEUE_CONFIG", h_int_set_queue_config, NULL},
    {H_INT_GET_QUEUE_CONFIG, "H_INT_GET_QUEUE_CONFIG", h_int_get_queue_config, NULL},
    {H_INT_SET_OS_REPORTING_LINE, "H_INT_SET_OS_REPORTING_LINE", h_int_os_reporting_line, NULL},
    {H_INT_GET_OS_REPORTING_LINE, "H_INT_GET_OS_REPORTING_LINE", h_int_os_reporting_line, NULL},
    {H_INT_ESB, "H_INT_ESB", h_int_esb, NULL},
    {H_INT_SYNC, "H_INT_SYNC", h_int_sync, NULL},
    {H_INT_RESET, "H_INT_RESET", h_int_reset, NULL},
    /* ISA 3.00 guests call it unconditionally: no group. */
    {H_REGISTER_PROC_TBL, "H_REGISTER_PROC_TBL", h_register_proc_tbl, NULL},
    {PETREL_H_POWER_OFF, "PETREL_H_POWER_OFF", h_petrel_power_off, NULL},
    {PETREL_H_REBOOT, "PETREL_H_REBOOT", h_petrel_reboot, NULL},
    {PETREL_H_SET_IC_MODE, "PETREL_H_SET_IC_MODE", h_petrel_set_ic_mode, NULL},
    {PETREL_H_SET_COMPAT, "PETREL_H_SET_COMPAT", h_petrel_set_compat, NULL},
    {PETREL_H_DUMP_TREE, "PETREL_H_DUMP_TREE", h_petrel_dump_tree, NULL},
    {PETREL_H_TRACE, "PETREL_H_TRACE", h_petrel_trace, NULL},
    {PETREL_H_BOOT_MARK, "PETREL_H_BOOT_MARK", h_petrel_boot_mark, NULL},
    {PETREL_H_START_CPU, "PETREL_H_START_CPU", h_petrel_start_cpu, NULL},
    {PETREL_H_STOP_SELF, "PETREL_H_STOP_SELF", h_petrel_stop_self, NULL},
    {PETREL_H_QUERY_CPU, "PETREL_H_QUERY_CPU", h_petrel_query_cpu, NULL},
    {PETREL_H_FWNMI, "PETREL_H_FWNMI", h_petrel_fwnmi, NULL},
    {PETREL_H_EVENT, "PETREL_H_EVENT", h_petrel_event, NULL},
    {PETREL_H_GET_TIME, "PETREL_H_GET_TIME", h_petrel_get_time, NULL},
    {PETREL_H_SET_TIME, "PETREL_H_SET_TIME", h_petrel_set_time, NULL},
    {PETREL_H_NVRAM_READ, "PETREL_H_NVRAM_READ", h_petrel_nvram_read, NULL},
    {PETREL_H_NVRAM_WRITE, "PETREL_H_NVRAM_WRITE", h_petrel_nvram_write, NULL},
    {PETREL_H_ALLOC_HPT, "PETREL_H_ALLOC_HPT", h_petrel_alloc_hpt, NULL},
};

size_t hcall_hypertas_list(char *buf, size_t len)
{
    size_t used = 0;

    for (size_t i = 0; i < sizeof(hcall_table) / sizeof(hcall_table[0]); i++) {
        const char *g = hcall_table[i].hypertas;
        size_t n;
        bool seen = false;

        if (!g)
            continue;
        for (size_t j = 0; j < i; j++)
            if (hcall_table[j].hypertas && !strcmp(hcall_table[j].hypertas, g))
                seen = true;
        if (seen)
            continue;
        n = strlen(g) + 1;
        if (used + n > len)
            return 0;
        memcpy(buf + used, g, n);
        used += n;
    }
    return used;
}

#define N_PAPR     (H_PAPR_MAX / 4)
#define N_PLATFORM ((H_PLATFORM_LAST - H_PLATFORM_FIRST) / 4 + 1)

static const struct hcall_def *papr_index[N_PAPR];
static const struct hcall_def *platform_index[N_PLATFORM];

static void build_index(void)
{
    for (size_t i = 0; i < sizeof(hcall_table) / sizeof(hcall_table[0]); i++) {
        uint32_t op = hcall_table[i].opcode;
        if (op < H_PAPR_MAX)
            papr_index[op / 4] = &hcall_table[i];
        else
            platform_index[(op - H_PLATFORM_FIRST) / 4] = &hcall_table[i];
    }
}

const struct hcall_def *hcall_lookup(uint64_t opcode)
{
    static int built;

    if (!__atomic_load_n(&built, __ATOMIC_ACQUIRE)) {
        build_index(); /* idempotent: racing builders write the same values */
        __atomic_store_n(&built, 1, __ATOMIC_RELEASE);
    }
    if (opcode & 3)
        return NULL;
    if (opcode < H_PAPR_MAX)
        return papr_index[opcode / 4];
    if (opcode >= H_PLATFORM_FIRST && opcode <= H_PLATFORM_LAST)
        return platform_index[(opcode - H_PLATFORM_FIRST) / 4];
    return NULL;
}

int64_t hcall_dispatch(struct hcall_env *env, uint64_t opcode, const uint64_t args[9],
                       uint64_t out[9])
{
    const struct hcall_def *def = hcall_lookup(opcode);
    bool tracing = trace_on(PETREL_TRACE_HCALL) && opcode != PETREL_H_TRACE;
    double start = tracing ? trace_seconds() : 0;
    int64_t ret;

    memset(out, 0, 9 * sizeof(out[0]));
    if (!def) {
        if (trace_on(PETREL_TRACE_HCALL))
            trace_printf(PETREL_TRACE_HCALL, (int)env->vcpu,
                         "0x%" PRIx64 " (unknown) -> H_FUNCTION", opcode);
        return H_FUNCTION;
    }
    ret = def->fn(env, args, out);
    /* The guest's own trace lines are not hcalls worth a line each.  The
     * duration is the host's time serving the call. */
    if (tracing)
        trace_printf(PETREL_TRACE_HCALL, (int)env->vcpu,
                     "%s(0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ") -> %" PRId64
                     " (0x%" PRIx64 ") in %.3f us",
                     def->name, args[0], args[1], args[2], args[3], ret, out[0],
                     (trace_seconds() - start) * 1e6);
    return ret;
}
