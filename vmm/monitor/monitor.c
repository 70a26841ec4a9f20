/*
 * -qmp sockets: listen, accept one client per socket, move bytes between
 * the sockets and their QMP sessions.  Sockets are non-blocking; output
 * waits in a per-client buffer and is sent when the socket is writable,
 * so a slow client never stalls the main loop (one that stops reading
 * altogether is dropped once MONITOR_OUT_MAX bytes queue up).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../cli.h"
#include "../machine.h"
#include "monitor.h"
#include "qmp.h"

#define MONITOR_OUT_MAX (4u << 20)

struct qmp_socket {
    struct monitor_spec spec;
    int listen_fd, fd; /* fd: the client, -1 if none */
    struct qmp_session *session;
    struct json_buf out;
    size_t sent;
};

struct monitor {
    struct machine *m;
    struct qmp_socket socks[MONITOR_MAX_QMP];
    unsigned n;
};

#define fail cli_format_error

int monitor_parse_spec(const char *text, struct monitor_spec *spec, char *err, size_t errlen)
{
    char buf[256], *opts, *tok, *save = NULL;
    bool server = false;

    memset(spec, 0, sizeof(*spec));
    spec->wait = true;
    if (strlen(text) >= sizeof(buf))
        return fail(err, errlen, "-qmp: '%.40s...' is too long", text);
    strcpy(buf, text);
    opts = strchr(buf, ',');
    if (opts)
        *opts++ = 0;
    if (!strncmp(buf, "unix:", 5)) {
        if (!buf[5])
            return fail(err, errlen, "-qmp: unix: needs a socket path");
        if (strlen(buf + 5) >= sizeof(spec->path))
            return fail(err, errlen, "-qmp: socket path '%s' is too long", buf + 5);
        strcpy(spec->path, buf + 5);
    } else if (!strncmp(buf, "tcp:", 4)) {
        char *host = buf + 4, *port = strrchr(host, ':'), *end;
        long p;
        if (!port)
            return fail(err, errlen, "-qmp: tcp: needs HOST:PORT, not '%s'", host);
        *port++ = 0;
        /* [::1]: an IPv6 address in brackets, as in QEMU's socket syntax. */
        if (host[0] == '[' && port - host >= 3 && port[-2] == ']') {
            port[-2] = 0;
            host++;
        }
        p = strtol(port, &end, 10);
        if (!*port || *end || p < 1 || p > 65535)
            return fail(err, errlen, "-qmp: invalid TCP port '%s'", port);
        if (strlen(host) >= sizeof(spec->host))
            return fail(err, errlen, "-qmp: host name '%s' is too long", host);
        spec->tcp = true;
        strcpy(spec->host, *host ? host : "127.0.0.1");
        snprintf(spec->port, sizeof(spec->port), "%ld", p);
    } else {
        return fail(err, errlen, "-qmp: unsupported device '%s' (unix:PATH or tcp:HOST:PORT)", buf);
    }
    for (tok = opts ? strtok_r(opts, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
        if (!strcmp(tok, "server") || !strcmp(tok, "server=on"))
            server = true;
        else if (!strcmp(tok, "wait=off") || !strcmp(tok, "nowait"))
            spec->wait = false;
        else if (!strcmp(tok, "wait=on"))
            spec->wait = true;
        else
            return fail(err, errlen, "-qmp: unsupported option '%s'", tok);
    }
    if (!server)
        return fail(err, errlen, "-qmp: only server sockets are supported (add ',server')");
    return 0;
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int open_listener(struct qmp_socket *qs, char *err, size_t errlen)
{
    int fd, one = 1;

    if (!qs->spec.tcp) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        strcpy(sa.sun_path, qs->spec.path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return fail(err, errlen, "-qmp: socket: %s", strerror(errno));
        /* A socket file left by an earlier run would make bind fail. */
        unlink(qs->spec.path);
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
            int e = errno;
            close(fd);
            return fail(err, errlen, "-qmp: cannot listen on '%s': %s", qs->spec.path, strerror(e));
        }
    } else {
        struct addrinfo hints = {.ai_family = AF_UNSPEC,
                                 .ai_socktype = SOCK_STREAM,
                                 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
        struct addrinfo *ai;
        int r = getaddrinfo(qs->spec.host, qs->spec.port, &hints, &ai);
        if (r)
            return fail(err, errlen, "-qmp: cannot resolve '%s': %s", qs->spec.host,
                        gai_strerror(r));
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd >= 0)
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 1)) {
            int e = errno;
            if (fd >= 0)
                close(fd);
            freeaddrinfo(ai);
            return fail(err, errlen, "-qmp: cannot listen on %s:%s: %s", qs->spec.host,
                        qs->spec.port, strerror(e));
        }
        freeaddrinfo(ai);
    }
    qs->listen_fd = fd;
    return 0;
}

static void drop_client(struct qmp_socket *qs)
{
    if (qs->fd >= 0)
        close(qs->fd);
    qs->fd = -1;
    qmp_session_free(qs->session);
    qs->session = NULL;
    json_buf_free(&qs->out);
    qs->sent = 0;
}

static void accept_client(struct monitor *mon, struct qmp_socket *qs)
{
    int fd = accept4(qs->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0)
        return;
    qs->fd = fd;
    qs->session = qmp_session_new(mon->m);
    if (!qs->session || qmp_session_greet(qs->session, &qs->out))
        drop_client(qs);
}

/* Sends what the socket takes now; drops the client on error or overflow. */
static void flush_client(struct qmp_socket *qs)
{
    while (qs->fd >= 0 && qs->sent < qs->out.len) {
        ssize_t n = send(qs->fd, qs->out.data + qs->sent, qs->out.len - qs->sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (qs->out.len - qs->sent > MONITOR_OUT_MAX)
                drop_client(qs);
            return;
        }
        if (n <= 0) {
            drop_client(qs);
            return;
        }
        qs->sent += (size_t)n;
    }
    if (qs->fd >= 0) {
        qs->out.len = qs->sent = 0;
    }
}

static void read_client(struct qmp_socket *qs)
{
    char buf[4096];
    ssize_t n = recv(qs->fd, buf, sizeof(buf), 0);

    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (n <= 0) {
        drop_client(qs);
        return;
    }
    if (qmp_session_input(qs->session, buf, (size_t)n, &qs->out))
        drop_client(qs);
}

static unsigned monitor_poll_fds(void *opaque, struct pollfd *fds, unsigned max)
{
    struct monitor *mon = opaque;
    unsigned n = 0;

    for (unsigned k = 0; k < mon->n && n < max; k++) {
        struct qmp_socket *qs = &mon->socks[k];
        if (qs->fd >= 0)
            fds[n] = (struct pollfd){qs->fd, POLLIN | (qs->sent < qs->out.len ? POLLOUT : 0), 0};
        else
            fds[n] = (struct pollfd){qs->listen_fd, POLLIN, 0};
        n++;
    }
    return n;
}

static void monitor_poll_ready(void *opaque, const struct pollfd *fds, unsigned n)
{
    struct monitor *mon = opaque;

    for (unsigned k = 0; k < n && k < mon->n; k++) {
        struct qmp_socket *qs = &mon->socks[k];
        if (!fds[k].revents)
            continue;
        if (fds[k].fd == qs->listen_fd) {
            accept_client(mon, qs);
        } else if (fds[k].fd == qs->fd) {
            if (fds[k].revents & (POLLIN | POLLHUP | POLLERR))
                read_client(qs);
        }
        flush_client(qs);
    }
}

static void monitor_event(void *opaque, const struct machine_event *ev)
{
    struct monitor *mon = opaque;

    for (unsigned k = 0; k < mon->n; k++) {
        struct qmp_socket *qs = &mon->socks[k];
        if (qs->fd < 0)
            continue;
        if (qmp_session_event(qs->session, ev, &qs->out))
            drop_client(qs);
        else
            flush_client(qs);
    }
}

int monitor_create(struct monitor **out, struct machine *m, const char *const *specs, unsigned n,
                   char *err, size_t errlen)
{
    struct monitor *mon;

    *out = NULL;
    if (n > MONITOR_MAX_QMP)
        return fail(err, errlen, "-qmp: at most %u sockets", MONITOR_MAX_QMP);
    mon = calloc(1, sizeof(*mon));
    if (!mon)
        return fail(err, errlen, "out of memory");
    *out = mon;
    mon->m = m;
    for (unsigned k = 0; k < n; k++) {
        struct qmp_socket *qs = &mon->socks[k];
        qs->listen_fd = qs->fd = -1;
        mon->n++;
        if (monitor_parse_spec(specs[k], &qs->spec, err, errlen) || open_listener(qs, err, errlen))
            return -1;
        if (set_nonblock(qs->listen_fd))
            return fail(err, errlen, "-qmp: fcntl: %s", strerror(errno));
    }
    /* QEMU's default for a server socket: start only once a client is there. */
    for (unsigned k = 0; k < n; k++) {
        struct qmp_socket *qs = &mon->socks[k];
        if (!qs->spec.wait)
            continue;
        fprintf(stderr, "petrel: waiting for a QMP connection on %s%s%s%s\n",
                qs->spec.tcp ? "tcp:" : "unix:", qs->spec.tcp ? qs->spec.host : qs->spec.path,
                qs->spec.tcp ? ":" : "", qs->spec.tcp ? qs->spec.port : "");
        while (qs->fd < 0) {
            struct pollfd p = {qs->listen_fd, POLLIN, 0};
            if (poll(&p, 1, -1) < 0 && errno != EINTR)
                return fail(err, errlen, "-qmp: poll: %s", strerror(errno));
            accept_client(mon, qs);
        }
        flush_client(qs);
    }
    machine_attach_client(
        m, &(struct machine_client){monitor_poll_fds, monitor_poll_ready, monitor_event, mon});
    return 0;
}

void monitor_destroy(struct monitor *mon)
{
    if (!mon)
        return;
    for (unsigned k = 0; k < mon->n; k++) {
        struct qmp_socket *qs = &mon->socks[k];
        /* The last replies and events: give a live client a second to take them. */
        for (int tries = 0; qs->fd >= 0 && qs->sent < qs->out.len && tries < 10; tries++) {
            struct pollfd p = {qs->fd, POLLOUT, 0};
            poll(&p, 1, 100);
            flush_client(qs);
        }
        drop_client(qs);
        if (qs->listen_fd >= 0)
            close(qs->listen_fd);
        if (!qs->spec.tcp && qs->spec.path[0] && qs->listen_fd >= 0)
            unlink(qs->spec.path);
    }
    free(mon);
}
