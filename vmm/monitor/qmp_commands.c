/*
 * The QMP commands petrel serves, one row each: name, parameters,
 * handler.  Reply shapes follow QEMU's schema (qapi/control.json,
 * qapi/run-state.json, qapi/machine.json) so that QEMU's clients work
 * unchanged; tests/monitor compares them with qemu-system-ppc64's.
 */
#include <stdio.h>
#include <string.h>

#include <petrel/pci.h>

#include "../cli.h"
#include "../snapshot.h"
#include "qmp.h"

static struct json *empty(void)
{
    return json_object();
}

/* qapi/control.json: enable is a list of QMPCapability; petrel offers "oob". */
static struct json *cmd_qmp_capabilities(struct qmp_call *call)
{
    const struct json *enable = json_get(call->args, "enable");
    bool oob = false;

    if (!qmp_session_negotiating(call->session)) {
        call->err_class = "CommandNotFound";
        snprintf(call->err_desc, sizeof(call->err_desc),
                 "Capabilities negotiation is already complete, command ignored");
        return NULL;
    }
    for (size_t k = 0; enable && k < enable->u.c.n; k++) {
        if (strcmp(enable->u.c.items[k]->u.s, "oob")) {
            call->err_class = "GenericError";
            snprintf(call->err_desc, sizeof(call->err_desc),
                     "Parameter 'enable' does not accept value '%.100s'",
                     enable->u.c.items[k]->u.s);
            return NULL;
        }
        oob = true;
    }
    qmp_session_enter_command_mode(call->session, oob);
    return empty();
}

static struct json *cmd_query_version(struct qmp_call *call)
{
    (void)call;
    return qmp_version_info();
}

static struct json *cmd_query_commands(struct qmp_call *call)
{
    struct json *list = json_array();

    (void)call;
    for (unsigned k = 0; k < qmp_command_count; k++) {
        struct json *info = json_object();
        json_object_add(info, "name", json_string(qmp_commands[k].name));
        if (json_array_add(list, info)) {
            json_free(list);
            return NULL;
        }
    }
    return list;
}

/* qapi/run-state.json StatusInfo; singlestep is always false here. */
static struct json *cmd_query_status(struct qmp_call *call)
{
    static const char *const names[] = {
        [MACHINE_PRELAUNCH] = "prelaunch",     [MACHINE_RUNNING] = "running",
        [MACHINE_PAUSED] = "paused",           [MACHINE_INMIGRATE] = "inmigrate",
        [MACHINE_POSTMIGRATE] = "postmigrate",
    };
    enum machine_runstate st = machine_runstate(call->m);
    struct json *r = json_object();

    json_object_add(r, "status", json_string(names[st]));
    json_object_add(r, "singlestep", json_bool(false));
    if (json_object_add(r, "running", json_bool(st == MACHINE_RUNNING))) {
        json_free(r);
        return NULL;
    }
    return r;
}

/*
 * qapi/machine.json CpuInfoFast.  The sPAPR machine models a vCPU as a
 * thread of a core device: props name the core (core-id = index of its
 * first thread) and NUMA node (petrel has one node), and qom-path
 * follows the same core/thread layout QEMU's pseries machine shows.
 */
static struct json *cmd_query_cpus_fast(struct qmp_call *call)
{
    const struct machine_config *cfg = machine_config(call->m);
    unsigned threads = cfg->threads ? cfg->threads : 1;
    struct json *list = json_array();

    for (unsigned i = 0; i < machine_vcpu_count(call->m); i++) {
        struct json *cpu = json_object(), *props = json_object();
        char path[96];

        snprintf(path, sizeof(path), "/machine/unattached/device[%u]/thread[%u]", i / threads + 1,
                 i % threads);
        json_object_add(props, "core-id", json_int(i / threads * threads));
        json_object_add(props, "node-id", json_int(0));
        json_object_add(cpu, "thread-id", json_int(machine_vcpu_thread_id(call->m, i)));
        json_object_add(cpu, "props", props);
        json_object_add(cpu, "qom-path", json_string(path));
        json_object_add(cpu, "cpu-index", json_int(i));
        json_object_add(cpu, "target", json_string("ppc64"));
        if (json_array_add(list, cpu)) {
            json_free(list);
            return NULL;
        }
    }
    return list;
}

static struct json *cmd_stop(struct qmp_call *call)
{
    machine_pause(call->m);
    return empty();
}

static struct json *cmd_cont(struct qmp_call *call)
{
    machine_resume(call->m);
    return empty();
}

static struct json *cmd_system_reset(struct qmp_call *call)
{
    machine_request_reset(call->m, MACHINE_CAUSE_HOST_QMP_SYSTEM_RESET);
    return empty();
}

/* The guest is told through an EPOW event (machine_powerdown). */
static struct json *cmd_system_powerdown(struct qmp_call *call)
{
    machine_powerdown(call->m);
    return empty();
}

/* The reply goes out first; the main loop then reports SHUTDOWN and exits 0. */
static struct json *cmd_quit(struct qmp_call *call)
{
    machine_request_shutdown(call->m, 0, MACHINE_CAUSE_HOST_QMP_QUIT);
    return empty();
}

/*
 * petrel-inject-eeh: an EEH error on the PE of the device at addr (its
 * device number) on bus (pci.N, default pci.0), kind "mmio" or "dma"; the
 * PE freezes as ibm,errinjct's does (machine_inject_eeh).  README has
 * the shapes.
 */
static struct json *cmd_petrel_inject_eeh(struct qmp_call *call)
{
    const struct json *bus = json_get(call->args, "bus");
    const struct json *kind = json_get(call->args, "kind");
    int64_t addr = json_get(call->args, "addr")->u.i;
    unsigned phb = 0, k;
    int n = 0;

    if (bus && (sscanf(bus->u.s, "pci.%u%n", &phb, &n) != 1 || bus->u.s[n])) {
        call->err_class = "GenericError";
        snprintf(call->err_desc, sizeof(call->err_desc),
                 "Parameter 'bus' expects a PCI bus name (pci.N)");
        return NULL;
    }
    if (!strcmp(kind->u.s, "mmio")) {
        k = PETREL_PE_ERR_MMIO;
    } else if (!strcmp(kind->u.s, "dma")) {
        k = PETREL_PE_ERR_DMA;
    } else {
        call->err_class = "GenericError";
        snprintf(call->err_desc, sizeof(call->err_desc),
                 "Parameter 'kind' does not accept value '%.100s'", kind->u.s);
        return NULL;
    }
    switch (addr < 0 || addr > 255 ? -2 : machine_inject_eeh(call->m, phb, (unsigned)addr, k)) {
    case 0: return empty();
    case -1:
        call->err_class = "DeviceNotFound";
        snprintf(call->err_desc, sizeof(call->err_desc), "Bus 'pci.%u' not found", phb);
        return NULL;
    default:
        call->err_class = "DeviceNotFound";
        snprintf(call->err_desc, sizeof(call->err_desc), "No device at pci.%u addr %lld", phb,
                 (long long)addr);
        return NULL;
    }
}

static const struct qmp_param petrel_inject_eeh_params[] = {
    {"bus", QMP_PARAM_STRING, true},
    {"addr", QMP_PARAM_INT, false},
    {"kind", QMP_PARAM_STRING, false},
    {NULL, 0, false},
};

/* ---- snapshots (qapi/migration.json; vmm/snapshot.h) ---- */

static const char *arg_string(const struct qmp_call *call, const char *name)
{
    const struct json *v = json_get(call->args, name);
    return v && v->type == JSON_STRING ? v->u.s : NULL;
}

static bool arg_true(const struct qmp_call *call, const char *name)
{
    const struct json *v = json_get(call->args, name);
    return v && v->type == JSON_BOOL && v->u.b;
}

static struct json *generic_error(struct qmp_call *call, const char *msg)
{
    call->err_class = "GenericError";
    snprintf(call->err_desc, sizeof(call->err_desc), "%.250s", msg);
    return NULL;
}

/* A URI petrel can migrate through (file:PATH, exec:COMMAND), or NULL:
 * QEMU's own transports petrel lacks are named, anything else gets
 * QEMU's error for an unknown protocol. */
static const char *migration_uri(struct qmp_call *call, const char *uri)
{
    static const char *const qemu_only[] = {"tcp:", "unix:", "fd:", "rdma:", "vsock:"};
    char msg[300];

    if (snap_uri_valid(uri))
        return uri;
    for (size_t k = 0; k < sizeof(qemu_only) / sizeof(qemu_only[0]); k++) {
        if (!strncmp(uri, qemu_only[k], strlen(qemu_only[k]))) {
            snprintf(msg, sizeof(msg),
                     "Parameter 'uri': petrel migrates through file:PATH and exec:COMMAND, "
                     "not %.*s",
                     (int)strlen(qemu_only[k]) - 1, qemu_only[k]);
            generic_error(call, msg);
            return NULL;
        }
    }
    generic_error(call, "Parameter 'uri' expects a valid migration protocol");
    return NULL;
}

/* migrate: pause, save, stay paused ("postmigrate"); cont resumes. */
static struct json *cmd_migrate(struct qmp_call *call)
{
    const char *uri = migration_uri(call, arg_string(call, "uri"));
    char err[256];

    if (!uri)
        return NULL;
    if (arg_true(call, "blk") || arg_true(call, "inc") || arg_true(call, "resume"))
        return generic_error(call, "blk, inc and resume are not supported: block devices stay "
                                   "on the host");
    if (machine_runstate(call->m) == MACHINE_INMIGRATE)
        return generic_error(call, "Guest is waiting for an incoming migration");
    if (machine_save_snapshot(call->m, uri, true, err, sizeof(err)) != 0)
        return generic_error(call, err);
    return empty();
}

/* migrate-incoming: only while -incoming defer waits; runs unless -S. */
static struct json *cmd_migrate_incoming(struct qmp_call *call)
{
    const char *uri;
    char err[256];

    if (machine_runstate(call->m) != MACHINE_INMIGRATE)
        return generic_error(call, "'-incoming' was not specified on the command line");
    uri = migration_uri(call, arg_string(call, "uri"));
    if (!uri)
        return NULL;
    if (machine_load_snapshot(call->m, uri, err, sizeof(err)) != 0)
        return generic_error(call, err);
    if (!machine_config(call->m)->start_stopped)
        machine_resume(call->m);
    return empty();
}

/*
 * MigrationInfo (qapi/migration.json): empty before any migration, then
 * the last one's outcome with every member QEMU 7.2 reports for a
 * completed one.  A snapshot is taken in one stop-and-copy pass: no setup
 * phase, nothing dirtied or re-sent, downtime = the time vCPUs were parked.
 */
static struct json *cmd_query_migrate(struct qmp_call *call)
{
    struct machine_migration mi;
    uint64_t total = machine_config(call->m)->ram_size, pages = total / 4096;
    struct json *r = json_object(), *ram;

    machine_migration(call->m, &mi);
    if (mi.status == MACHINE_MIGRATION_NONE)
        return r;
    json_object_add(r, "status",
                    json_string(mi.status == MACHINE_MIGRATION_COMPLETED ? "completed" : "failed"));
    if (mi.status == MACHINE_MIGRATION_FAILED) {
        json_object_add(r, "error-desc", json_string(mi.error));
        return r;
    }
    json_object_add(r, "setup-time", json_int(0));
    json_object_add(r, "downtime", json_int((int64_t)mi.downtime_ms));
    json_object_add(r, "total-time", json_int((int64_t)mi.total_ms));
    ram = json_object();
    json_object_add(ram, "total", json_int((int64_t)total));
    json_object_add(ram, "postcopy-requests", json_int(0));
    json_object_add(ram, "dirty-sync-count", json_int(1));
    json_object_add(ram, "multifd-bytes", json_int(0));
    json_object_add(ram, "pages-per-second", json_int(0));
    json_object_add(ram, "downtime-bytes", json_int((int64_t)mi.bytes));
    json_object_add(ram, "page-size", json_int(4096));
    json_object_add(ram, "remaining", json_int(0));
    json_object_add(ram, "postcopy-bytes", json_int(0));
    json_object_add(ram, "mbps",
                    json_double(mi.total_ms > 0 ? (double)mi.bytes * 8e-3 / mi.total_ms : 0.0));
    json_object_add(ram, "transferred", json_int((int64_t)mi.bytes));
    json_object_add(ram, "dirty-sync-missed-zero-copy", json_int(0));
    json_object_add(ram, "precopy-bytes", json_int(0));
    json_object_add(ram, "duplicate", json_int((int64_t)(pages - mi.ram_pages)));
    json_object_add(ram, "dirty-pages-rate", json_int(0));
    json_object_add(ram, "skipped", json_int(0));
    json_object_add(ram, "normal-bytes", json_int((int64_t)(mi.ram_pages * 4096)));
    json_object_add(ram, "normal", json_int((int64_t)mi.ram_pages));
    json_object_add(r, "ram", ram);
    return r;
}

/* "file:" + the file argument, for machine_save/load_snapshot. */
static int file_target(struct qmp_call *call, char *uri, size_t len)
{
    const char *file = arg_string(call, "file");

    if (!*file) {
        generic_error(call, "Parameter 'file' is empty");
        return -1;
    }
    if ((size_t)snprintf(uri, len, "file:%s", file) >= len) {
        generic_error(call, "Parameter 'file' is too long");
        return -1;
    }
    return 0;
}

/* petrel-savevm: a snapshot of the running machine, which runs on. */
static struct json *cmd_petrel_savevm(struct qmp_call *call)
{
    char err[256], uri[4096 + 8];

    if (machine_runstate(call->m) == MACHINE_INMIGRATE)
        return generic_error(call, "Guest is waiting for an incoming migration");
    if (file_target(call, uri, sizeof(uri)) ||
        machine_save_snapshot(call->m, uri, false, err, sizeof(err)) != 0)
        return generic_error(call, err);
    return empty();
}

/* petrel-loadvm: into this process; the run state stays what it was (a
 * bad file changes nothing at all). */
static struct json *cmd_petrel_loadvm(struct qmp_call *call)
{
    bool inmigrate = machine_runstate(call->m) == MACHINE_INMIGRATE;
    char err[256], uri[4096 + 8];

    if (file_target(call, uri, sizeof(uri)) ||
        machine_load_snapshot(call->m, uri, err, sizeof(err)) != 0)
        return generic_error(call, err);
    if (inmigrate && !machine_config(call->m)->start_stopped)
        machine_resume(call->m);
    return empty();
}

static const struct qmp_param migrate_params[] = {
    {"uri", QMP_PARAM_STRING, false}, {"blk", QMP_PARAM_BOOL, true},
    {"inc", QMP_PARAM_BOOL, true},    {"detach", QMP_PARAM_BOOL, true},
    {"resume", QMP_PARAM_BOOL, true}, {NULL, 0, false},
};

static const struct qmp_param uri_params[] = {
    {"uri", QMP_PARAM_STRING, false},
    {NULL, 0, false},
};

static const struct qmp_param file_params[] = {
    {"file", QMP_PARAM_STRING, false},
    {NULL, 0, false},
};

static const struct qmp_param qmp_capabilities_params[] = {
    {"enable", QMP_PARAM_STRING_LIST, true},
    {NULL, 0, false},
};

const struct qmp_command qmp_commands[] = {
    {"qmp_capabilities", qmp_capabilities_params, cmd_qmp_capabilities},
    {"query-commands", NULL, cmd_query_commands},
    {"query-version", NULL, cmd_query_version},
    {"query-status", NULL, cmd_query_status},
    {"query-cpus-fast", NULL, cmd_query_cpus_fast},
    {"stop", NULL, cmd_stop},
    {"cont", NULL, cmd_cont},
    {"system_reset", NULL, cmd_system_reset},
    {"system_powerdown", NULL, cmd_system_powerdown},
    {"quit", NULL, cmd_quit},
    {"petrel-inject-eeh", petrel_inject_eeh_params, cmd_petrel_inject_eeh},
    {"migrate", migrate_params, cmd_migrate},
    {"migrate-incoming", uri_params, cmd_migrate_incoming},
    {"query-migrate", NULL, cmd_query_migrate},
    {"petrel-savevm", file_params, cmd_petrel_savevm},
    {"petrel-loadvm", file_params, cmd_petrel_loadvm},
};
const unsigned qmp_command_count = sizeof(qmp_commands) / sizeof(qmp_commands[0]);

const struct qmp_command *qmp_find_command(const char *name)
{
    for (unsigned k = 0; k < qmp_command_count; k++)
        if (!strcmp(qmp_commands[k].name, name))
            return &qmp_commands[k];
    return NULL;
}
