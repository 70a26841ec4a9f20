/*
 * petrel: parse the command line, build the machine, run it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "trace.h"
#include "machine.h"
#include "monitor/gdbstub.h"
#include "monitor/monitor.h"

static struct machine *running;

static void on_signal(int signo)
{
    if (running)
        machine_signal(running, signo);
}

int main(int argc, char **argv)
{
    struct machine_config cfg;
    struct monitor *mon = NULL;
    struct sigaction sa;
    struct gdbstub *gdb = NULL;
    char err[512];
    int status;

    switch (cli_parse(argc, argv, &cfg, err, sizeof(err))) {
    case CLI_EXIT_OK: return 0;
    case CLI_ERROR: fprintf(stderr, "%s\n", err); return 1;
    case CLI_RUN: break;
    }
    if (cfg.log_file && trace_open(cfg.log_file) != 0) {
        fprintf(stderr, "petrel: -D: cannot open '%s': %s\n", cfg.log_file, strerror(errno));
        return 1;
    }
    trace_mask = cfg.trace_mask;
    log_mask = cfg.log_mask;
    if (machine_create(&running, &cfg, STDIN_FILENO, STDOUT_FILENO, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        machine_destroy(running);
        return 1;
    }
    /* -incoming: the snapshot replaces the power-on state before anything
     * runs; the machine then runs unless -S (as after a migration). */
    if (cfg.incoming && !strcmp(cfg.incoming, "defer")) {
        machine_set_inmigrate(running);
    } else if (cfg.incoming &&
               machine_load_snapshot(running, cfg.incoming, err, sizeof(err)) != 0) {
        fprintf(stderr, "petrel: -incoming: %s\n", err);
        machine_destroy(running);
        return 1;
    }
    if (cfg.gdb_port >= 0) {
        gdb = gdbstub_start(running, cfg.gdb_host, (unsigned)cfg.gdb_port, err, sizeof(err));
        if (!gdb) {
            fprintf(stderr, "%s\n", err);
            machine_destroy(running);
            return 1;
        }
    }
    /* Before the signal handlers: a signal while waiting for a client ends petrel. */
    if (monitor_create(&mon, running, cfg.qmp, cfg.n_qmp, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        gdbstub_stop(gdb, 1);
        monitor_destroy(mon);
        machine_destroy(running);
        return 1;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    status = machine_run(running);
    machine_boot_report(running, stderr);
    gdbstub_stop(gdb, status);
    monitor_destroy(mon);
    machine_destroy(running);
    return status;
}
