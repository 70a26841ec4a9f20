/*
 * Replays test vectors on petrel's interpreter (isa-petrel.c): the same
 * guest addresses as the ppc64 harness, 64-bit supervisor state, MSR[LE]
 * and LPCR[ILE] for little-endian runs.
 */
#ifndef PETREL_ISA_PETREL_H
#define PETREL_ISA_PETREL_H

#include "isa.h"

struct petrel_replay;
struct ppc_cpu;

struct petrel_replay *petrel_replay_new(int le);
void petrel_replay_free(struct petrel_replay *p);
/*
 * Runs one vector; fills *res as the harness would (an interrupt becomes
 * the signal Linux would deliver, nip = SRR0).  Returns NULL, or a
 * message when petrel stopped in a way no harness result can describe.
 */
const char *petrel_replay_run(struct petrel_replay *p, const struct isa_vec *v,
                              struct isa_res *res);
/* For directed tests: the vCPU and guest memory; the vector of the
 * interrupt that ended the last run (0 if none); the address of the sc 1
 * it stopped at; resuming after an sc 1 inside the sequence (the host may
 * change memory in between, as another agent would). */
struct ppc_cpu *petrel_replay_cpu(struct petrel_replay *p);
struct guest_mem *petrel_replay_mem(struct petrel_replay *p);
uint64_t petrel_replay_vector(struct petrel_replay *p);
uint64_t petrel_replay_stop(struct petrel_replay *p);
const char *petrel_replay_resume(struct petrel_replay *p, struct isa_res *res);

#endif
