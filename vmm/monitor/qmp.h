/*
 * The QMP protocol for one connection (QEMU's docs/interop/qmp-spec.rst
 * is the reference for the wire format): the greeting, capabilities
 * negotiation, command dispatch with QMP's error classes, and events.
 * Input is a byte stream; output is appended to a buffer the caller
 * sends.  Everything here runs on the main thread.
 */
#ifndef PETREL_MONITOR_QMP_H
#define PETREL_MONITOR_QMP_H

#include <stdbool.h>
#include <stddef.h>

#include "../machine.h"
#include "json.h"

/* The QEMU release whose QMP petrel speaks: clients gate features on it. */
#define QMP_QEMU_MAJOR 7
#define QMP_QEMU_MINOR 2
#define QMP_QEMU_MICRO 0

struct qmp_session;

struct qmp_session *qmp_session_new(struct machine *m);
void qmp_session_free(struct qmp_session *s);
/* Appends the greeting; the session starts in negotiation mode. */
int qmp_session_greet(struct qmp_session *s, struct json_buf *out);
/* Consumes client bytes, appending a reply for every document. */
int qmp_session_input(struct qmp_session *s, const char *data, size_t n, struct json_buf *out);
/* Appends the event if the session receives events (command mode). */
int qmp_session_event(struct qmp_session *s, const struct machine_event *ev, struct json_buf *out);

/* The "version" object of the greeting and of query-version. */
struct json *qmp_version_info(void);

/*
 * Command table rows (qmp_commands.c).  A handler returns the "return"
 * value, or NULL with err_class/err_desc set.
 */
enum qmp_param_type { QMP_PARAM_STRING_LIST, QMP_PARAM_STRING, QMP_PARAM_INT, QMP_PARAM_BOOL };
struct qmp_param {
    const char *name;
    enum qmp_param_type type;
    bool optional;
};
struct qmp_call {
    struct machine *m;
    struct qmp_session *session;
    const struct json *args; /* an object, possibly empty */
    const char *err_class;
    char err_desc[256];
};
struct qmp_command {
    const char *name;
    const struct qmp_param *params; /* terminated by a row with name NULL */
    struct json *(*handler)(struct qmp_call *call);
};
extern const struct qmp_command qmp_commands[];
extern const unsigned qmp_command_count;
const struct qmp_command *qmp_find_command(const char *name);

/* For qmp_capabilities: leaves negotiation mode, with or without OOB. */
bool qmp_session_negotiating(const struct qmp_session *s);
void qmp_session_enter_command_mode(struct qmp_session *s, bool oob);

#endif
