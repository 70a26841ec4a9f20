/*
 * The guest console on the host's stdio: output written straight through,
 * input gathered by the main thread into a ring the console hcalls drain.
 * When stdin is a terminal it is put in raw mode (output post-processing
 * kept, as QEMU's stdio does) and restored on close.
 *
 * Ctrl-A is the escape key: Ctrl-A x quits, Ctrl-A c continues stopped
 * CPUs, Ctrl-A h prints help, Ctrl-A Ctrl-A sends one Ctrl-A.
 */
#ifndef PETREL_CONSOLE_H
#define PETREL_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct console;

enum console_event {
    CONSOLE_EV_NONE,
    CONSOLE_EV_QUIT,
    CONSOLE_EV_CONTINUE,
};

struct console *console_open(int in_fd, int out_fd);
void console_close(struct console *con);
/* Writes all of buf to the output (the guest's view of the console). */
void console_write(struct console *con, const uint8_t *buf, size_t len);
/* Moves up to max pending input bytes to buf; never blocks. */
size_t console_read(struct console *con, uint8_t *buf, size_t max);
/* Feeds raw host input through the escape handling into the ring; returns
 * the last escape command seen (main thread). */
enum console_event console_feed(struct console *con, const uint8_t *buf, size_t len);
int console_input_fd(const struct console *con);
/* Restores the terminal (safe from a fatal-signal path). */
void console_restore_tty(struct console *con);

#endif
