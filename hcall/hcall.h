/*
 * The hcall dispatcher: one table row per hcall (opcode, name, handler,
 * the ibm,hypertas-functions group that advertises it), looked up by
 * opcode.  Unknown or misaligned opcodes get H_FUNCTION (LoPAPR 14.5.3).
 * Handlers reach the machine only through vmm/machine.h.
 */
#ifndef PETREL_HCALL_H
#define PETREL_HCALL_H

#include <stddef.h>
#include <stdint.h>

struct machine;

struct hcall_env {
    struct machine *machine;
    unsigned vcpu; /* the calling vCPU */
};

/* Per-vCPU PAPR state kept by the hcalls (H_REGISTER_VPA). */
struct papr_vcpu {
    uint64_t vpa, dtl, slb_shadow; /* guest real addresses, 0 = none */
};

typedef int64_t (*hcall_fn)(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);

struct hcall_def {
    uint32_t opcode;
    const char *name;
    hcall_fn fn;
    const char *hypertas; /* ibm,hypertas-functions group, or NULL */
};

/* Serves one hcall: returns r3; out[] holds r4..r12 (zeroed first). */
int64_t hcall_dispatch(struct hcall_env *env, uint64_t opcode, const uint64_t args[9],
                       uint64_t out[9]);
/* The row for opcode, or NULL. */
const struct hcall_def *hcall_lookup(uint64_t opcode);
/* The hypertas groups of the table as a \0-separated string list (an FDT
 * stringlist); returns its length, or 0 if it does not fit. */
size_t hcall_hypertas_list(char *buf, size_t len);

/* Handlers, by group (hcall/<group>.c). */
int64_t h_put_term_char(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_get_term_char(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_power_off(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_reboot(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_set_ic_mode(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_set_compat(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_dump_tree(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_trace(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_start_cpu(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_stop_self(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_fwnmi(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_query_cpu(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_get_time(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_set_time(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_nvram_read(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_nvram_write(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_event(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_boot_mark(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_set_mode(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_set_sprg0(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_set_dabr(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_set_xdabr(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_get_cpu_characteristics(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_cede(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_prod(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_confer(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_register_vpa(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_page_init(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_random(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_xirr(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_xirr_x(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_eoi(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_cppr(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_ipi(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_ipoll(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_int_get_source_info(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_int_set_source_config(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_int_get_source_config(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_int_get_queue_info(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_int_set_queue_config(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_int_get_queue_config(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_int_os_reporting_line(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_int_esb(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_int_sync(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_int_reset(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_register_proc_tbl(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_enter(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_remove(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_read(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_protect(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_bulk_remove(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_clear_ref(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_clear_mod(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_put_tce(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_get_tce(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_stuff_tce(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_put_tce_indirect(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_alloc_hpt(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);

#endif
