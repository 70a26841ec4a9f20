/*
 * A petrel machine: guest memory, vCPUs on their threads, the console,
 * and the boot images.  machine_run() owns the main thread: it serves the
 * console and carries out power-off and reset requests.
 */
#ifndef PETREL_MACHINE_H
#define PETREL_MACHINE_H

#include <stddef.h>

#include "cli.h"

struct machine;

int machine_create(struct machine **out, const struct machine_config *cfg, int in_fd, int out_fd,
                   char *err, size_t errlen);
/* Runs until the guest powers off or the user quits; returns the exit status. */
int machine_run(struct machine *m);
void machine_destroy(struct machine *m);
/* Asks the machine to stop (from a signal handler: async-signal-safe). */
void machine_signal(struct machine *m, int signo);

#endif
