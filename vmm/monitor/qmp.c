/*
 * QMP sessions: framing, negotiation, input validation and replies.
 *
 * Facts from QEMU's qmp-spec.rst and qapi/control.json: the server
 * greets with {"QMP": {"version", "capabilities"}}; until the client runs
 * qmp_capabilities only that command is accepted (CommandNotFound
 * otherwise) and no events are sent; a command is an object with
 * "execute" (or "exec-oob" once OOB is enabled), optional "arguments"
 * (an object) and optional "id" (any value, echoed in the reply).  Bad
 * JSON and bad messages get GenericError; an unknown command gets
 * CommandNotFound.  The error descriptions follow QEMU's wording so
 * that logs read the same.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "json_stream.h"
#include "qmp.h"

struct qmp_session {
    struct machine *m;
    struct json_stream in;
    bool command_mode, oob;
    struct json_buf *out; /* during qmp_session_input */
    int status;           /* allocation failures while emitting */
};

struct qmp_session *qmp_session_new(struct machine *m)
{
    struct qmp_session *s = calloc(1, sizeof(*s));
    if (s)
        s->m = m;
    return s;
}

void qmp_session_free(struct qmp_session *s)
{
    if (!s)
        return;
    json_stream_free(&s->in);
    free(s);
}

bool qmp_session_negotiating(const struct qmp_session *s)
{
    return !s->command_mode;
}

void qmp_session_enter_command_mode(struct qmp_session *s, bool oob)
{
    s->command_mode = true;
    s->oob = oob;
}

/* Sends v as one line and frees it. */
static int send_value(struct json_buf *out, struct json *v)
{
    int r = v ? json_print(out, v) : -1;

    if (!r)
        r = json_buf_append(out, "\r\n", 2);
    json_free(v);
    return r;
}

struct json *qmp_version_info(void)
{
    struct json *v = json_object(), *q = json_object();

    json_object_add(q, "micro", json_int(QMP_QEMU_MICRO));
    json_object_add(q, "minor", json_int(QMP_QEMU_MINOR));
    json_object_add(q, "major", json_int(QMP_QEMU_MAJOR));
    if (json_object_add(v, "qemu", q) ||
        json_object_add(v, "package", json_string("petrel " PETREL_VERSION))) {
        json_free(v);
        return NULL;
    }
    return v;
}

int qmp_session_greet(struct qmp_session *s, struct json_buf *out)
{
    struct json *g = json_object(), *qmp = json_object(), *caps = json_array();

    (void)s;
    json_array_add(caps, json_string("oob"));
    json_object_add(qmp, "version", qmp_version_info());
    json_object_add(qmp, "capabilities", caps);
    if (json_object_add(g, "QMP", qmp)) {
        json_free(g);
        return -1;
    }
    return send_value(out, g);
}

static int send_error(struct json_buf *out, const struct json *id, const char *cls,
                      const char *desc)
{
    struct json *r = json_object(), *e = json_object();

    json_object_add(e, "class", json_string(cls));
    json_object_add(e, "desc", json_string(desc));
    json_object_add(r, "error", e);
    if (id)
        json_object_add(r, "id", json_copy(id));
    return send_value(out, r);
}

/* Checks arguments against the command's parameter rows. */
static bool check_args(const struct qmp_command *cmd, struct qmp_call *call)
{
    const struct json *args = call->args;

    for (size_t k = 0; k < args->u.c.n; k++) {
        const struct qmp_param *p = cmd->params;
        while (p && p->name && strcmp(p->name, args->u.c.keys[k]))
            p++;
        if (!p || !p->name) {
            call->err_class = "GenericError";
            snprintf(call->err_desc, sizeof(call->err_desc), "Parameter '%.200s' is unexpected",
                     args->u.c.keys[k]);
            return false;
        }
        const struct json *v = args->u.c.items[k];
        static const char *const expected[] = {
            [QMP_PARAM_STRING_LIST] = "array of strings",
            [QMP_PARAM_STRING] = "string",
            [QMP_PARAM_INT] = "integer",
            [QMP_PARAM_BOOL] = "boolean",
        };
        bool ok;
        switch (p->type) {
        case QMP_PARAM_STRING: ok = v->type == JSON_STRING; break;
        case QMP_PARAM_INT: ok = v->type == JSON_INT; break;
        case QMP_PARAM_BOOL: ok = v->type == JSON_BOOL; break;
        case QMP_PARAM_STRING_LIST:
            ok = v->type == JSON_ARRAY;
            for (size_t i = 0; ok && i < v->u.c.n; i++)
                ok = v->u.c.items[i]->type == JSON_STRING;
            break;
        default: ok = false; break;
        }
        if (!ok) {
            call->err_class = "GenericError";
            snprintf(call->err_desc, sizeof(call->err_desc),
                     "Invalid parameter type for '%s', expected: %s", p->name, expected[p->type]);
            return false;
        }
    }
    for (const struct qmp_param *p = cmd->params; p && p->name; p++)
        if (!p->optional && !json_get(args, p->name)) {
            call->err_class = "GenericError";
            snprintf(call->err_desc, sizeof(call->err_desc), "Parameter '%s' is missing", p->name);
            return false;
        }
    return true;
}

static int dispatch(struct qmp_session *s, const struct json *msg, struct json_buf *out)
{
    static const struct json no_args = {.type = JSON_OBJECT};
    const struct json *id = json_get(msg, "id");
    const struct json *exec = NULL, *args = &no_args;
    const struct qmp_command *cmd;
    bool oob = false;
    char desc[320];
    struct json *ret, *reply;

    for (size_t k = 0; k < msg->u.c.n; k++) {
        const char *key = msg->u.c.keys[k];
        const struct json *v = msg->u.c.items[k];
        if (!strcmp(key, "execute") || (s->oob && !strcmp(key, "exec-oob"))) {
            if (v->type != JSON_STRING) {
                snprintf(desc, sizeof(desc), "QMP input member '%s' must be a string", key);
                return send_error(out, id, "GenericError", desc);
            }
            if (exec)
                return send_error(out, id, "GenericError",
                                  "QMP input must not contain both 'execute' and 'exec-oob'");
            exec = v;
            oob = key[4] == '-';
        } else if (!strcmp(key, "arguments")) {
            if (v->type != JSON_OBJECT)
                return send_error(out, id, "GenericError",
                                  "QMP input member 'arguments' must be an object");
            args = v;
        } else if (strcmp(key, "id")) {
            snprintf(desc, sizeof(desc), "QMP input member '%.200s' is unexpected", key);
            return send_error(out, id, "GenericError", desc);
        }
    }
    if (!exec)
        return send_error(out, id, "GenericError", "QMP input lacks member 'execute'");

    cmd = qmp_find_command(exec->u.s);
    if (!s->command_mode && (!cmd || strcmp(cmd->name, "qmp_capabilities")))
        return send_error(out, id, "CommandNotFound",
                          "Expecting capabilities negotiation with 'qmp_capabilities'");
    if (!cmd) {
        snprintf(desc, sizeof(desc), "The command %.200s has not been found", exec->u.s);
        return send_error(out, id, "CommandNotFound", desc);
    }
    /* No petrel command may run out of band (none bypasses the queue). */
    if (oob) {
        snprintf(desc, sizeof(desc), "The command %s does not support OOB", cmd->name);
        return send_error(out, id, "GenericError", desc);
    }

    struct qmp_call call = {.m = s->m, .session = s, .args = args};
    if (!check_args(cmd, &call))
        return send_error(out, id, call.err_class, call.err_desc);
    ret = cmd->handler(&call);
    if (!ret)
        return send_error(out, id, call.err_class ? call.err_class : "GenericError",
                          call.err_class ? call.err_desc : "out of memory");
    reply = json_object();
    json_object_add(reply, "return", ret);
    if (id)
        json_object_add(reply, "id", json_copy(id));
    return send_value(out, reply);
}

static void on_document(void *opaque, const char *doc, size_t len, bool too_long)
{
    struct qmp_session *s = opaque;
    char err[160], desc[200];
    struct json *msg;

    if (too_long) {
        s->status |= send_error(s->out, NULL, "GenericError", "JSON parse error, message too long");
        return;
    }
    msg = json_parse(doc, len, err, sizeof(err));
    if (!msg) {
        snprintf(desc, sizeof(desc), "JSON parse error, %s", err);
        s->status |= send_error(s->out, NULL, "GenericError", desc);
        return;
    }
    if (msg->type != JSON_OBJECT)
        s->status |= send_error(s->out, NULL, "GenericError", "QMP input must be a JSON object");
    else
        s->status |= dispatch(s, msg, s->out);
    json_free(msg);
}

int qmp_session_input(struct qmp_session *s, const char *data, size_t n, struct json_buf *out)
{
    s->out = out;
    s->status = 0;
    if (json_stream_feed(&s->in, data, n, on_document, s))
        s->status = -1;
    s->out = NULL;
    return s->status;
}

static const char *const event_names[] = {
    [MACHINE_EV_RESET] = "RESET",         [MACHINE_EV_SHUTDOWN] = "SHUTDOWN",
    [MACHINE_EV_STOP] = "STOP",           [MACHINE_EV_RESUME] = "RESUME",
    [MACHINE_EV_POWERDOWN] = "POWERDOWN",
};

int qmp_session_event(struct qmp_session *s, const struct machine_event *ev, struct json_buf *out)
{
    struct json *e, *ts;
    struct timeval tv;

    if (!s->command_mode)
        return 0;
    gettimeofday(&tv, NULL);
    e = json_object();
    ts = json_object();
    json_object_add(ts, "seconds", json_int(tv.tv_sec));
    json_object_add(ts, "microseconds", json_int(tv.tv_usec));
    json_object_add(e, "timestamp", ts);
    json_object_add(e, "event", json_string(event_names[ev->kind]));
    /* qapi/run-state.json: SHUTDOWN and RESET say who asked and why. */
    if (ev->kind == MACHINE_EV_RESET || ev->kind == MACHINE_EV_SHUTDOWN) {
        struct json *data = json_object();
        json_object_add(data, "guest", json_bool(machine_cause_is_guest(ev->cause)));
        json_object_add(data, "reason", json_string(machine_cause_name(ev->cause)));
        json_object_add(e, "data", data);
    }
    return send_value(out, e);
}
