/* -netdev user: libslirp's user-mode network stack (net_slirp.c). */
#ifndef PETREL_DEV_NET_SLIRP_H
#define PETREL_DEV_NET_SLIRP_H

#include <stddef.h>

struct net_backend;
struct netdev_config;

/* A stack for the checked configuration (vmm/cli.h), its port forwards
 * bound; NULL with one line in err (a forward that cannot bind).  Its
 * thread starts with net_backend's start. */
struct net_backend *net_slirp_create(const struct netdev_config *cfg, char *err, size_t errlen);

#endif
