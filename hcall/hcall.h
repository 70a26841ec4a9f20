/*
 * The hcall dispatcher: one table row per hcall (opcode, name, handler,
 * the ibm,hypertas-functions group that advertises it), looked up by
 * opcode.  Unknown or misaligned opcodes get H_FUNCTION (LoPAPR 14.5.3).
 */
#ifndef PETREL_HCALL_H
#define PETREL_HCALL_H

#include <stdint.h>

struct console;

/* What an hcall handler may touch: the console, and the machine through
 * callbacks (so the table can be tested without a whole machine). */
struct hcall_env {
    struct console *console;
    void *machine;
    void (*power_off)(void *machine, unsigned status);
    void (*reboot)(void *machine);
    unsigned vcpu;
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

/* Handlers, by group (hcall/<group>.c). */
int64_t h_put_term_char(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_get_term_char(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_power_off(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);
int64_t h_petrel_reboot(struct hcall_env *env, const uint64_t args[9], uint64_t out[9]);

#endif
