/*
 * What the files of the Open Firmware test client share (kernel-of.c,
 * kernel-of-cas.c): console output, the checks, the client-interface
 * calls and the tree walk.  All calls go through the client interface the
 * way Linux's prom_init makes them (fwcall.S).
 */
#ifndef KERNEL_OF_H
#define KERNEL_OF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A client-interface cell holding -1: failure, absent, refused. */
#define ERR 0xffffffffu
/* A client pointer: the payload runs in real mode below 4 GiB. */
#define A(p) ((unsigned)(uintptr_t)(p))

/* ---------------------------------------------------------- output -- */

#include "kernel-io.h" /* out, puts_, put_hex, put_dec, power_off */
void __attribute__((noreturn)) fatal(const char *why);

/* A failed check prints "of FAIL <file>:<line>: <what>"; the run then
 * ends with status 1. */
extern unsigned checks, failures;
void check(bool ok, const char *file, int line, const char *what);
#define CHECK(cond) check((cond), __FILE__, __LINE__, #cond)

/* ----------------------------------------------- the client interface -- */

/* The interface called with an argument block the caller made: r3. */
int64_t ci_block(void *block);
/* Linux's call_prom: rets[0], or ERR when r3 says the call failed. */
uint32_t ci(const char *service, unsigned nargs, unsigned nret, ...);
/* r3 of a call (services without results report failure only there). */
int32_t ci_r3(const char *service, unsigned nargs, ...);
/* call-method with one argument and one result: the catch result, the
 * method's result in *res. */
uint32_t ci_method(const char *method, uint32_t ih, uint32_t arg, uint32_t *res);
/* A 4-byte property, or ERR. */
uint32_t getprop32(uint32_t ph, const char *name);

/* ---------------------------------------------------------- the tree -- */

struct walk {
    unsigned nodes, props;
    uint32_t sum; /* FNV-1a over every path, name and value */
};

/* Every node and property through child/peer/parent/nextprop/getprop,
 * each checked as it goes; two equal sums mean an unchanged tree. */
struct walk walk_tree(void);

/* The packages every mode uses, found at entry. */
struct machine {
    uint32_t root, chosen, rtas, vty, stdout_ih;
    uint64_t ram, rmo, tb_freq;
};

/* ----------------------------------------------- kernel-of-cas.c -- */

/*
 * prom_init's CAS step (spec/boot-and-cif.md §5 step 6) with Linux 6.1's
 * vector, then the negotiated tree checked through the client interface
 * and one line printed: "of: cas ok: ic XIVE|XICS, mmu radix|hash, gtse
 * on|off, cpu-version 0x........".  A second CAS: the same request is
 * accepted and changes nothing, the other interrupt controller is refused
 * and changes nothing.
 */
void of_cas(const struct machine *m);

/*
 * Requests the firmware must refuse (spec/cas.md §7 item 4), each sent
 * through the client interface: a non-zero method result (or a thrown
 * call-method for a vector the client cannot own), one "of-bad: cas
 * refused: ..." line each.  The caller checks the tree is unchanged.
 */
void of_cas_refusals(const struct machine *m);

#endif
