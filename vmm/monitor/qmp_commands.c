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
        [MACHINE_PRELAUNCH] = "prelaunch",
        [MACHINE_RUNNING] = "running",
        [MACHINE_PAUSED] = "paused",
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
};
const unsigned qmp_command_count = sizeof(qmp_commands) / sizeof(qmp_commands[0]);

const struct qmp_command *qmp_find_command(const char *name)
{
    for (unsigned k = 0; k < qmp_command_count; k++)
        if (!strcmp(qmp_commands[k].name, name))
            return &qmp_commands[k];
    return NULL;
}
