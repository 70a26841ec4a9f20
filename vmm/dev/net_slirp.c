/*
 * -netdev user through libslirp (4.x, SlirpConfig version 4): the
 * guest's network is NAT to the host's sockets, with libslirp's DHCP,
 * DNS forwarder and TFTP server, and host port forwards.
 *
 * libslirp is not thread safe: every call into it holds the back end's
 * lock.  Its thread polls the descriptors libslirp asks for plus a wake
 * pipe (written when the guest sent a frame -- it may have opened a
 * socket -- when a timer moved, and to stop), runs libslirp's timers,
 * and flushes received frames to the NIC with the lock dropped
 * (net_backend.h's order: PHB lock, back-end lock, NIC receive queue).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include "net_slirp.h"

#include "../cli.h"
#include "../trace.h"
#include "net_backend.h"

struct slirp_timer {
    struct slirp_timer *next;
    SlirpTimerCb cb; /* NULL: an id timer (slirp_handle_timer) */
    SlirpTimerId id;
    void *cb_opaque;
    int64_t expire_ms; /* -1: not armed */
};

struct net_slirp {
    struct net_backend be;
    Slirp *slirp;
    pthread_mutex_t lock; /* libslirp, the timers, the poll set, quit */
    struct slirp_timer *timers;
    struct pollfd *fds;
    unsigned n_fds, cap_fds;
    bool received; /* frames went to the NIC since the last flush */
    bool quit;
    bool started;
    pthread_t thread;
    int wake[2];
};

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void wake(struct net_slirp *s)
{
    char c = 1;

    /* A full pipe already means "wake up". */
    if (write(s->wake[1], &c, 1) < 0) {
    }
}

/* ---- libslirp's callbacks (the lock held: they run inside its calls) ---- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
    struct net_slirp *s = opaque;

    net_backend_deliver(&s->be, buf, len);
    s->received = true;
    return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    if (trace_on(PETREL_TRACE_NET))
        trace_printf(PETREL_TRACE_NET, -1, "slirp: guest error: %s", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
    (void)opaque;
    return now_ns();
}

static struct slirp_timer *add_timer(struct net_slirp *s, SlirpTimerCb cb, SlirpTimerId id,
                                     void *cb_opaque)
{
    struct slirp_timer *t = calloc(1, sizeof(*t));

    if (!t)
        abort(); /* libslirp has no way to hear of a failure here */
    t->cb = cb;
    t->id = id;
    t->cb_opaque = cb_opaque;
    t->expire_ms = -1;
    t->next = s->timers;
    s->timers = t;
    return t;
}

static void *cb_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    return add_timer(opaque, cb, 0, cb_opaque);
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    return add_timer(opaque, NULL, id, cb_opaque);
}

static void cb_timer_free(void *timer, void *opaque)
{
    struct net_slirp *s = opaque;

    for (struct slirp_timer **p = &s->timers; *p; p = &(*p)->next)
        if (*p == timer) {
            *p = ((struct slirp_timer *)timer)->next;
            free(timer);
            return;
        }
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    ((struct slirp_timer *)timer)->expire_ms = expire_ms < 0 ? 0 : expire_ms;
    wake(opaque);
}

static void cb_register_poll_fd(int fd, void *opaque)
{
    (void)fd, (void)opaque; /* the poll set is rebuilt every round */
}

static void cb_notify(void *opaque)
{
    wake(opaque);
}

static const SlirpCb callbacks = {
    .send_packet = cb_send_packet,
    .guest_error = cb_guest_error,
    .clock_get_ns = cb_clock_get_ns,
    .timer_new = cb_timer_new,
    .timer_free = cb_timer_free,
    .timer_mod = cb_timer_mod,
    .register_poll_fd = cb_register_poll_fd,
    .unregister_poll_fd = cb_register_poll_fd,
    .notify = cb_notify,
    .timer_new_opaque = cb_timer_new_opaque,
};

static int cb_add_poll(int fd, int events, void *opaque)
{
    struct net_slirp *s = opaque;
    struct pollfd *p;

    if (s->n_fds == s->cap_fds) {
        unsigned cap = s->cap_fds ? 2 * s->cap_fds : 16;
        struct pollfd *fds = realloc(s->fds, cap * sizeof(*fds));
        if (!fds)
            return -1; /* this round does not watch it */
        s->fds = fds;
        s->cap_fds = cap;
    }
    p = &s->fds[s->n_fds];
    p->fd = fd;
    p->events = (short)(((events & SLIRP_POLL_IN) ? POLLIN : 0) |
                        ((events & SLIRP_POLL_OUT) ? POLLOUT : 0) |
                        ((events & SLIRP_POLL_PRI) ? POLLPRI : 0));
    p->revents = 0;
    return (int)s->n_fds++;
}

static int cb_get_revents(int idx, void *opaque)
{
    struct net_slirp *s = opaque;
    short r;

    if (idx < 1 || (unsigned)idx >= s->n_fds) /* 0 is the wake pipe */
        return 0;
    r = s->fds[idx].revents;
    return ((r & POLLIN) ? SLIRP_POLL_IN : 0) | ((r & POLLOUT) ? SLIRP_POLL_OUT : 0) |
           ((r & POLLPRI) ? SLIRP_POLL_PRI : 0) | ((r & POLLERR) ? SLIRP_POLL_ERR : 0) |
           ((r & POLLHUP) ? SLIRP_POLL_HUP : 0);
}

/* Fires the timers that are due, one at a time: a callback may arm, add
 * or free timers. */
static void run_timers(struct net_slirp *s)
{
    for (;;) {
        int64_t now = now_ns() / 1000000;
        struct slirp_timer *t;

        for (t = s->timers; t; t = t->next)
            if (t->expire_ms >= 0 && t->expire_ms <= now)
                break;
        if (!t)
            return;
        t->expire_ms = -1;
        if (t->cb)
            t->cb(t->cb_opaque);
        else
            slirp_handle_timer(s->slirp, t->id, t->cb_opaque);
    }
}

static void *slirp_thread(void *arg)
{
    struct net_slirp *s = arg;

    pthread_mutex_lock(&s->lock);
    while (!s->quit) {
        uint32_t timeout = UINT32_MAX;
        int64_t now = now_ns() / 1000000;
        int r;

        s->n_fds = 0;
        cb_add_poll(s->wake[0], SLIRP_POLL_IN, s);
        slirp_pollfds_fill(s->slirp, &timeout, cb_add_poll, s);
        for (struct slirp_timer *t = s->timers; t; t = t->next)
            if (t->expire_ms >= 0)
                timeout = t->expire_ms <= now ? 0
                          : (uint64_t)(t->expire_ms - now) < timeout
                              ? (uint32_t)(t->expire_ms - now)
                              : timeout;
        pthread_mutex_unlock(&s->lock);
        r = poll(s->fds, s->n_fds, timeout == UINT32_MAX ? -1 : (int)timeout);
        if (r > 0 && (s->fds[0].revents & POLLIN)) {
            char drain[64];
            while (read(s->wake[0], drain, sizeof(drain)) > 0) {
            }
        }
        pthread_mutex_lock(&s->lock);
        if (s->quit)
            break;
        slirp_pollfds_poll(s->slirp, r < 0, cb_get_revents, s);
        run_timers(s);
        if (s->received) {
            s->received = false;
            pthread_mutex_unlock(&s->lock);
            net_backend_flush(&s->be);
            pthread_mutex_lock(&s->lock);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* ---- the back end ---- */

static void slirp_send(struct net_backend *be, const uint8_t *frame, size_t len)
{
    struct net_slirp *s = (struct net_slirp *)be;

    pthread_mutex_lock(&s->lock);
    slirp_input(s->slirp, frame, (int)len);
    pthread_mutex_unlock(&s->lock);
    wake(s);
}

static int slirp_start(struct net_backend *be)
{
    struct net_slirp *s = (struct net_slirp *)be;
    int e = pthread_create(&s->thread, NULL, slirp_thread, s);

    if (e) {
        errno = e;
        return -1;
    }
    s->started = true;
    return 0;
}

static void slirp_destroy(struct net_backend *be)
{
    struct net_slirp *s = (struct net_slirp *)be;

    if (s->started) {
        pthread_mutex_lock(&s->lock);
        s->quit = true;
        pthread_mutex_unlock(&s->lock);
        wake(s);
        pthread_join(s->thread, NULL);
    }
    if (s->slirp)
        slirp_cleanup(s->slirp);
    while (s->timers) {
        struct slirp_timer *t = s->timers;
        s->timers = t->next;
        free(t);
    }
    free(s->fds);
    close(s->wake[0]);
    close(s->wake[1]);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static const struct net_backend_ops slirp_ops = {slirp_send, slirp_start, slirp_destroy};

static struct in_addr in4(uint32_t host_order)
{
    return (struct in_addr){htonl(host_order)};
}

struct net_backend *net_slirp_create(const struct netdev_config *cfg, char *err, size_t errlen)
{
    struct net_slirp *s = calloc(1, sizeof(*s));
    SlirpConfig sc = {0};

    if (!s || pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        free(s);
        snprintf(err, errlen, "petrel: -netdev user: %s", strerror(errno));
        return NULL;
    }
    s->be.ops = &slirp_ops;
    pthread_mutex_init(&s->lock, NULL);
    sc.version = 4;
    sc.restricted = cfg->restrict_;
    sc.in_enabled = true;
    sc.vnetwork = in4(cfg->net);
    sc.vnetmask = in4(cfg->mask);
    sc.vhost = in4(cfg->host);
    sc.vdhcp_start = in4(cfg->dhcp_start);
    sc.vnameserver = in4(cfg->dns);
    /* IPv6: the site-local prefix fec0::/64, host ::2, DNS ::3. */
    sc.in6_enabled = cfg->ipv6;
    inet_pton(AF_INET6, "fec0::", &sc.vprefix_addr6);
    sc.vprefix_len = 64;
    inet_pton(AF_INET6, "fec0::2", &sc.vhost6);
    inet_pton(AF_INET6, "fec0::3", &sc.vnameserver6);
    sc.vhostname = cfg->hostname;
    sc.tftp_path = cfg->tftp;
    sc.bootfile = cfg->bootfile;
    sc.if_mtu = 1500;
    sc.if_mru = 1500;
    s->slirp = slirp_new(&sc, &callbacks, s);
    if (!s->slirp) {
        snprintf(err, errlen, "petrel: %s%s: libslirp refused the configuration",
                 cfg->id ? "-netdev user,id=" : "-nic user", cfg->id ? cfg->id : "");
        slirp_destroy(&s->be);
        return NULL;
    }
    for (unsigned i = 0; i < cfg->n_fwd; i++) {
        const struct netdev_hostfwd *f = &cfg->fwd[i];
        if (slirp_add_hostfwd(s->slirp, f->udp, in4(f->host_addr), f->host_port, in4(f->guest_addr),
                              f->guest_port) < 0) {
            snprintf(err, errlen, "petrel: %s%s: cannot forward host %s port %u: %s",
                     cfg->id ? "-netdev user,id=" : "-nic user", cfg->id ? cfg->id : "",
                     f->udp ? "UDP" : "TCP", f->host_port, strerror(errno));
            slirp_destroy(&s->be);
            return NULL;
        }
    }
    return &s->be;
}
