/* -netdev tap: a host tap interface through /dev/net/tun (net_tap.c). */
#ifndef PETREL_DEV_NET_TAP_H
#define PETREL_DEV_NET_TAP_H

#include <stddef.h>

struct net_backend;
struct netdev_config;

/* Opens (creating it if it does not exist) the tap interface
 * cfg->ifname, or one the kernel names when NULL; NULL with one line in
 * err when /dev/net/tun is missing or the interface cannot be had (no
 * CAP_NET_ADMIN, busy). */
struct net_backend *net_tap_create(const struct netdev_config *cfg, char *err, size_t errlen);

#endif
