/*
 * -netdev tap: a host tap interface (Linux's /dev/net/tun with IFF_TAP |
 * IFF_NO_PI: each read or write is one Ethernet frame, no extra header).
 * The guest's frames are written from the transmitting vCPU's thread (a
 * full queue drops the frame, as a wire would); the back end's thread
 * reads what the host sends and flushes it to the NIC.  petrel runs no
 * up/down scripts: the interface is configured by whoever owns it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "net_tap.h"

#include "../cli.h"
#include "../trace.h"
#include "net_backend.h"

struct net_tap {
    struct net_backend be;
    int fd;
    int wake[2];
    bool started;
    pthread_t thread;
    char ifname[IFNAMSIZ];
    uint8_t buf[NET_FRAME_MAX];
};

static void tap_send(struct net_backend *be, const uint8_t *frame, size_t len)
{
    struct net_tap *t = (struct net_tap *)be;

    if (write(t->fd, frame, len) != (ssize_t)len && trace_on(PETREL_TRACE_NET))
        trace_printf(PETREL_TRACE_NET, -1, "tap %s: frame of %zu bytes dropped", t->ifname, len);
}

static void *tap_thread(void *arg)
{
    struct net_tap *t = arg;

    for (;;) {
        struct pollfd fds[2] = {{.fd = t->wake[0], .events = POLLIN},
                                {.fd = t->fd, .events = POLLIN}};
        bool got = false;

        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            break;
        if (fds[0].revents)
            break; /* destroy */
        if (fds[1].revents & (POLLERR | POLLNVAL))
            break;
        /* A batch, then one flush: the NIC delivers them under one lock. */
        for (unsigned n = 0; n < 64; n++) {
            ssize_t r = read(t->fd, t->buf, sizeof(t->buf));
            if (r <= 0)
                break;
            net_backend_deliver(&t->be, t->buf, (size_t)r);
            got = true;
        }
        if (got)
            net_backend_flush(&t->be);
    }
    return NULL;
}

static int tap_start(struct net_backend *be)
{
    struct net_tap *t = (struct net_tap *)be;
    int e = pthread_create(&t->thread, NULL, tap_thread, t);

    if (e) {
        errno = e;
        return -1;
    }
    t->started = true;
    return 0;
}

static void tap_destroy(struct net_backend *be)
{
    struct net_tap *t = (struct net_tap *)be;
    char c = 1;

    if (t->started) {
        if (write(t->wake[1], &c, 1) < 0) {
        }
        pthread_join(t->thread, NULL);
    }
    close(t->fd);
    close(t->wake[0]);
    close(t->wake[1]);
    free(t);
}

static const struct net_backend_ops tap_ops = {tap_send, tap_start, tap_destroy};

struct net_backend *net_tap_create(const struct netdev_config *cfg, char *err, size_t errlen)
{
    struct net_tap *t = calloc(1, sizeof(*t));
    struct ifreq ifr = {0};
    /* How the user named it: -netdev tap,id=ID or -nic tap. */
    char id[48];

    snprintf(id, sizeof(id), "%s%s", cfg->id ? "-netdev tap,id=" : "-nic tap",
             cfg->id ? cfg->id : "");
    if (!t) {
        snprintf(err, errlen, "petrel: %s: out of memory", id);
        return NULL;
    }
    t->wake[0] = t->wake[1] = -1;
    t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (t->fd < 0) {
        snprintf(err, errlen, "petrel: %s: cannot open /dev/net/tun: %s", id, strerror(errno));
        free(t);
        return NULL;
    }
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (cfg->ifname)
        snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", cfg->ifname);
    if (ioctl(t->fd, TUNSETIFF, &ifr) != 0) {
        snprintf(err, errlen, "petrel: %s: cannot attach to tap '%s': %s", id,
                 cfg->ifname ? cfg->ifname : "", strerror(errno));
        close(t->fd);
        free(t);
        return NULL;
    }
    snprintf(t->ifname, sizeof(t->ifname), "%s", ifr.ifr_name);
    if (pipe2(t->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        snprintf(err, errlen, "petrel: %s: %s", id, strerror(errno));
        close(t->fd);
        free(t);
        return NULL;
    }
    t->be.ops = &tap_ops;
    return &t->be;
}
