/*
 * The monitor: the -qmp server sockets and their connections, served on
 * machine_run's main loop.  Like QEMU, each -qmp socket serves one client
 * at a time and accepts the next after a disconnect.
 */
#ifndef PETREL_MONITOR_H
#define PETREL_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

#define MONITOR_MAX_QMP 8

struct machine;

/* A parsed -qmp value: unix:PATH,server[,wait=off] or tcp:HOST:PORT,server[,wait=off]. */
struct monitor_spec {
    bool tcp;
    char path[108]; /* sun_path */
    char host[64], port[8];
    bool wait; /* block at start-up until a client connects (QEMU's default) */
};
/* Returns 0, or -1 with one "petrel: -qmp: ..." line in err. */
int monitor_parse_spec(const char *text, struct monitor_spec *spec, char *err, size_t errlen);

struct monitor;
/* Opens every listener (and waits for clients where wait is on). */
int monitor_create(struct monitor **out, struct machine *m, const char *const *specs, unsigned n,
                   char *err, size_t errlen);
/* Sends what is still queued (the reply to quit, SHUTDOWN), then closes. */
void monitor_destroy(struct monitor *mon);

#endif
