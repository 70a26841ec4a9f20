/*
 * The platform-private firmware services (include/petrel/service.h): what
 * the firmware cannot do inside the guest.  Every argument comes from the
 * guest and is checked; a bad one is H_PARAMETER and changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>
#include <petrel/layout.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#include "../irq/irq.h"
#include "../vmm/machine.h"
#include "../vmm/trace.h"
#include "../vmm/memory.h"
#include "hcall.h"

/* r4 = exit status for the petrel process (0..255). */
int64_t h_petrel_power_off(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)out;
    if (args[0] > 255)
        return H_PARAMETER;
    machine_power_off(env->machine, (unsigned)args[0]);
    return H_SUCCESS;
}

/* No arguments.  The machine resets (or exits with -no-reboot). */
int64_t h_petrel_reboot(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)args;
    (void)out;
    machine_reboot(env->machine);
    return H_SUCCESS;
}

/*
 * r4 = PETREL_IC_XICS or PETREL_IC_XIVE, one the ic-mode option offers
 * (dual: both).  The controller switches itself, atomically for every
 * vCPU, or refuses with H_BUSY while a source is live or a vCPU has an
 * interrupt presented or in service (irq/irq.h irq_switch_mode,
 * spec/irq.md §5).
 */
int64_t h_petrel_set_ic_mode(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    const struct machine_config *cfg = machine_config(env->machine);
    uint64_t mode = args[0];

    (void)out;
    if (mode != PETREL_IC_XICS && mode != PETREL_IC_XIVE)
        return H_PARAMETER;
    if ((mode == PETREL_IC_XIVE && cfg->ic_mode == IC_MODE_XICS) ||
        (mode == PETREL_IC_XICS && cfg->ic_mode == IC_MODE_XIVE))
        return H_PARAMETER;
    if (irq_switch_mode(machine_irq(env->machine), (unsigned)mode) != IRQ_SWITCH_OK)
        return H_BUSY;
    return H_SUCCESS;
}

/*
 * r4 = a logical PVR no newer than the CPU's own level nor than
 * max-cpu-compat, or 0 (raw) when no max-cpu-compat is set -- the rules
 * the firmware's CAS applies (spec/cas.md §2.2).  Stored for all vCPUs.
 */
int64_t h_petrel_set_compat(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    const struct machine_config *cfg = machine_config(env->machine);
    uint64_t pvr = args[0];

    (void)out;
    if (pvr == 0) {
        if (cfg->max_compat_level)
            return H_PARAMETER;
    } else if (pvr != PVR_COMPAT_POWER8 && pvr != PVR_COMPAT_POWER9) {
        return H_PARAMETER;
    } else if (pvr > cfg->cpu_level || (cfg->max_compat_level && pvr > cfg->max_compat_level)) {
        return H_PARAMETER;
    }
    machine_set_compat_pvr(env->machine, (uint32_t)pvr);
    return H_SUCCESS;
}

/* Far more than the firmware's tree ever needs (DEVTREE_MAX_SIZE). */
#define DUMP_TREE_MAX (16u << 20)

static int write_all(const char *path, const void *buf, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    size_t done = 0;

    if (fd < 0)
        return -1;
    while (done < len) {
        ssize_t n = write(fd, (const char *)buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(fd);
            errno = e;
            return -1;
        }
        done += (size_t)n;
    }
    return close(fd);
}

/*
 * r4 = guest real address, r5 = size of a whole flattened tree.  The
 * bytes are copied out of guest RAM once and checked there (libfdt's
 * fdt_check_full): the guest cannot change them between check and write.
 * Then FILE is written and the machine powers off with status 0 -- or 1
 * with one line on stderr if the host cannot write it.
 */
int64_t h_petrel_dump_tree(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    const struct machine_config *cfg = machine_config(env->machine);
    struct guest_mem *mem = machine_mem(env->machine);
    uint64_t addr = args[0], size = args[1];
    void *copy;

    (void)out;
    if (!cfg->dumpdtb)
        return H_FUNCTION;
    if (size < sizeof(struct fdt_header) || size > DUMP_TREE_MAX ||
        !guest_ram_contains(mem, addr, size))
        return H_PARAMETER;
    copy = malloc(size);
    if (!copy)
        return H_HARDWARE;
    memcpy(copy, mem->ram + addr, size);
    if (fdt_check_full(copy, size) != 0 || fdt_totalsize(copy) != size) {
        free(copy);
        return H_PARAMETER;
    }
    if (write_all(cfg->dumpdtb, copy, size) != 0) {
        fprintf(stderr, "petrel: -machine dumpdtb: cannot write '%s': %s\n", cfg->dumpdtb,
                strerror(errno));
        free(copy);
        machine_power_off(env->machine, 1);
        return H_HARDWARE;
    }
    free(copy);
    machine_power_off(env->machine, 0);
    return H_SUCCESS;
}

/*
 * r4 = event (PETREL_TRACE_CIF, _CAS, _RTAS), r5 = text, r6 = length: one
 * -trace line from the guest's platform code.  The text is copied once and
 * anything unprintable is shown as '.', so a guest cannot write control
 * sequences to the host's terminal or split a line.
 */
int64_t h_petrel_trace(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    struct guest_mem *mem = machine_mem(env->machine);
    uint64_t ev = args[0], addr = args[1], len = args[2];
    char text[PETREL_TRACE_MAX + 1];

    (void)out;
    if ((ev != PETREL_TRACE_CIF && ev != PETREL_TRACE_CAS && ev != PETREL_TRACE_RTAS) ||
        len > PETREL_TRACE_MAX || !guest_ram_contains(mem, addr, len))
        return H_PARAMETER;
    if (!trace_on((enum petrel_trace_event)ev))
        return H_SUCCESS;
    memcpy(text, mem->ram + addr, len);
    for (uint64_t i = 0; i < len; i++)
        if (text[i] < 0x20 || text[i] > 0x7e)
            text[i] = '.';
    text[len] = '\0';
    trace_printf((enum petrel_trace_event)ev, (int)env->vcpu, "%s", text);
    return H_SUCCESS;
}

/* r4 = event classes, r5 = 1 to take one: what RTAS reports (service.h). */
int64_t h_petrel_event(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    unsigned left;

    if (!args[0] || (args[0] & ~(uint64_t)PETREL_EVENT_CLASSES) || args[1] > 1)
        return H_PARAMETER;
    out[0] = machine_event(env->machine, (unsigned)args[0], args[1] != 0, &left);
    out[1] = left;
    return H_SUCCESS;
}

/* r4 = PETREL_BOOT_*, r5 = its argument: a milestone for boot-report. */
int64_t h_petrel_boot_mark(struct hcall_env *env, const uint64_t args[9], uint64_t out[9])
{
    (void)out;
    if (!machine_config(env->machine)->boot_report)
        return H_FUNCTION;
    if (args[0] < PETREL_BOOT_KERNEL_ENTRY || args[0] > PETREL_BOOT_CIF_LEAVE || args[1] > 1)
        return H_PARAMETER;
    machine_boot_mark(env->machine, (unsigned)args[0], (unsigned)args[1]);
    return H_SUCCESS;
}
