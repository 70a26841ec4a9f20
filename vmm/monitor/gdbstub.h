/*
 * The gdb remote stub: a TCP listener serving one gdb at a time
 * (-s, -gdb tcp:[HOST]:PORT).  See gdbstub.c for what it implements.
 */
#ifndef PETREL_GDBSTUB_H
#define PETREL_GDBSTUB_H

#include <stddef.h>

struct machine;
struct gdbstub;

/* Listens on host (NULL or "": every address) and port, then serves from
 * its own thread; NULL with err set (one line) on failure. */
struct gdbstub *gdbstub_start(struct machine *m, const char *host, unsigned port, char *err,
                              size_t errlen);
/* The machine has stopped with exit status: tells a waiting gdb, closes
 * the connection and the listener. */
void gdbstub_stop(struct gdbstub *s, int status);

#endif
