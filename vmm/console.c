/*
 * stdio console back end for the hvterm vty (see console.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "console.h"

#define RING_SIZE 4096 /* power of two */
#define ESC_KEY   0x01 /* Ctrl-A */

struct console {
    int in_fd, out_fd;
    bool tty_saved;
    struct termios saved;
    bool escape_pending;
    pthread_mutex_t lock;
    uint8_t ring[RING_SIZE];
    unsigned head, tail; /* head - tail bytes pending */
};

struct console *console_open(int in_fd, int out_fd)
{
    struct console *con = calloc(1, sizeof(*con));

    if (!con)
        return NULL;
    con->in_fd = in_fd;
    con->out_fd = out_fd;
    pthread_mutex_init(&con->lock, NULL);
    if (in_fd >= 0 && isatty(in_fd) && tcgetattr(in_fd, &con->saved) == 0) {
        struct termios raw = con->saved;
        cfmakeraw(&raw);
        /* Keep \n -> \r\n.  Ctrl-C, Ctrl-Z and Ctrl-\ are the guest's (its
         * shell interrupts a command, petrel lives on), as under QEMU's
         * -nographic console; Ctrl-A x quits. */
        raw.c_oflag |= OPOST;
        if (tcsetattr(in_fd, TCSANOW, &raw) == 0)
            con->tty_saved = true;
    }
    return con;
}

void console_restore_tty(struct console *con)
{
    if (con && con->tty_saved)
        tcsetattr(con->in_fd, TCSANOW, &con->saved);
}

void console_close(struct console *con)
{
    if (!con)
        return;
    console_restore_tty(con);
    pthread_mutex_destroy(&con->lock);
    free(con);
}

void console_write(struct console *con, const uint8_t *buf, size_t len)
{
    while (len) {
        ssize_t n = write(con->out_fd, buf, len);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return; /* output gone (closed pipe): the guest cannot tell */
        }
        buf += n;
        len -= (size_t)n;
    }
}

size_t console_read(struct console *con, uint8_t *buf, size_t max)
{
    size_t n = 0;

    pthread_mutex_lock(&con->lock);
    while (n < max && con->head != con->tail)
        buf[n++] = con->ring[con->tail++ % RING_SIZE];
    pthread_mutex_unlock(&con->lock);
    return n;
}

static void ring_put(struct console *con, uint8_t c)
{
    /* A full ring drops input, like a UART overrun. */
    if (con->head - con->tail < RING_SIZE)
        con->ring[con->head++ % RING_SIZE] = c;
}

static void print_escape_help(struct console *con)
{
    static const char help[] = "\r\n"
                               "C-a h    print this help\r\n"
                               "C-a x    exit petrel\r\n"
                               "C-a c    start CPUs held by -S\r\n"
                               "C-a C-a  send C-a\r\n";
    console_write(con, (const uint8_t *)help, sizeof(help) - 1);
}

enum console_event console_feed(struct console *con, const uint8_t *buf, size_t len)
{
    enum console_event ev = CONSOLE_EV_NONE;

    pthread_mutex_lock(&con->lock);
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (con->escape_pending) {
            con->escape_pending = false;
            switch (c) {
            case 'x':
            case 'X': ev = CONSOLE_EV_QUIT; break;
            case 'c':
            case 'C':
                if (ev != CONSOLE_EV_QUIT)
                    ev = CONSOLE_EV_CONTINUE;
                break;
            case 'h':
            case 'H':
            case '?': print_escape_help(con); break;
            case ESC_KEY: ring_put(con, c); break;
            default: break; /* unknown escapes are swallowed */
            }
        } else if (c == ESC_KEY) {
            con->escape_pending = true;
        } else {
            ring_put(con, c);
        }
    }
    pthread_mutex_unlock(&con->lock);
    return ev;
}

int console_input_fd(const struct console *con)
{
    return con->in_fd;
}
