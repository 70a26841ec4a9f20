/*
 * ibm,os-term (spec/rtas.md §3; device-tree.md §6 ibm,extended-os-term):
 * the OS says it is terminating abnormally (Linux: from panic()) and
 * passes its message.  With ibm,extended-os-term the call returns, and
 * the OS then reboots or halts as it is configured to.  petrel shows the
 * message on -trace rtas; the OS has already printed it on its console.
 */
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/service.h>

#include "rtas.h"

/* args: the message's real address (NUL-terminated).  An address outside
 * RAM or inside RTAS is -3; the message is cut at the trace line's
 * length or where RAM ends. */
int32_t rtas_os_term(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    const volatile char *msg = (const volatile char *)(uintptr_t)args[0];
    char text[PETREL_TRACE_MAX - 16];
    uint32_t n = 0;

    (void)nargs, (void)rets, (void)nret;
    if (!rtas_buffer_ok(args[0], 1))
        return RTAS_PARAMETER_ERROR;
    if (!rtas_tracing())
        return RTAS_SUCCESS;
    while (n < sizeof(text) && rtas_buffer_ok(args[0] + n, 1) && msg[n])
        text[n] = msg[n], n++;
    rtas_trace_text("ibm,os-term: ", text, n);
    return RTAS_SUCCESS;
}
