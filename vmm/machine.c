/*
 * Machine assembly, the vCPU threads and the main loop.
 *
 * Power-on and every reset follow DESIGN.md "Reset is firmware re-entry":
 * stop every vCPU at an instruction boundary (a vCPU parks only between
 * exits, so no hcall result can land after the reset began), return the
 * interrupt controller to its power-on mode, reset the vCPUs (compat level
 * included), copy the pristine firmware and boot images back, rewrite the
 * hardware description, and start vCPU 0 at the firmware entry with
 * r3 = the hardware description.  Devices are quiesced (step 3) before the
 * interrupt controller is reset (step 4), so none can raise a source into
 * a controller being reset.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <petrel/irq.h>
#include <petrel/layout.h>
#include <petrel/pci.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#include "../hcall/hcall.h"
#include "../irq/irq.h"
#include "dev/irqtest.h"
#include "dev/pcitest.h"
#include "dev/virtio_blk.h"
#include "dev/virtio_rng.h"
#include "dev/net_backend.h"
#include "dev/net_slirp.h"
#include "dev/net_tap.h"
#include "dev/virtio_net.h"
#include "dev/virtio_pci.h"
#include "console.h"
#include "cpu/cpu.h"
#include "hwdesc.h"
#include "machine.h"
#include "machine_snapshot.h"
#include "snapshot.h"
#include "trace.h"
#include "memory.h"
#include "nvram.h"
#include "../pci/phb.h"

extern const uint8_t petrel_firmware[], petrel_firmware_end[];

struct image {
    uint8_t *data;
    uint64_t size;
    uint64_t base; /* guest physical address */
};

struct vcpu {
    struct machine *m;
    struct cpu *cpu;
    unsigned index;
    pthread_t thread;
    bool thread_started;
    bool runnable; /* started by the platform (vCPU 0 at boot) */
    bool busy;     /* inside run() or serving an exit */
    /* The reset generation when the exit being served began (under
     * lock): its result is written back only if no reset began since. */
    uint64_t exit_gen;
    bool prodded; /* H_PROD arrived: the next H_CEDE returns at once */
    /* A debug exit not yet reported to the debugger (under lock). */
    bool debug_pending;
    bool debug_hold;      /* the debugger resumed the others, not this one */
    unsigned debug_order; /* smaller: hit earlier */
    unsigned debug_watch;
    uint64_t debug_addr;
    int tid; /* host thread id, for the monitor */
    struct papr_vcpu papr;
};

/* boot-report milestones, in order (machine_boot_report). */
enum { BOOT_FW_ENTRY, BOOT_KERNEL_ENTRY, BOOT_FIRST_HCALL, BOOT_POWER_OFF, BOOT_NMARKS };

struct machine {
    struct machine_config cfg;
    struct guest_mem mem;
    const struct cpu_backend *be;
    struct console *con;
    struct vcpu *vcpus;
    unsigned n_vcpus;

    struct image fw, kernel, initrd;
    struct nvram nvram;
    bool nvram_open;
    /* The PCI host bridges (one by default, as on every pseries machine)
     * and the devices on them. */
    struct phb phb[PETREL_PHB_MAX];
    unsigned n_phbs;
    struct pcitest *pcitest[CLI_MAX_PCI_DEVICES];
    unsigned n_pcitest;
    struct virtio_blk *vblk[CLI_MAX_PCI_DEVICES];
    unsigned n_vblk;
    struct virtio_rng *vrng[CLI_MAX_PCI_DEVICES];
    unsigned n_vrng;
    /* virtio-net cards and their back ends, pairwise; a back end's
     * thread delivers into its card until the back end is destroyed. */
    struct virtio_net *vnet[CLI_MAX_NETDEVS];
    struct net_backend *netbe[CLI_MAX_NETDEVS];
    unsigned n_vnet;

    /* The interrupt controller (irq/: its own lock) and the compat level
     * negotiated at CAS (machine.h; under lock). */
    struct irq_ctl *irq;
    uint32_t compat_pvr;
    struct irqtest *irqtest; /* -device petrel-irq-test, or NULL */
    /* The partition's MMU (machine.h machine_mmu) and the radix LPCR bits
     * that go with it; under lock. */
    struct cpu_mmu mmu;
    uint64_t mmu_lpcr;
    /* Guest time of day minus the host's (PETREL_H_SET_TIME); resets keep
     * it, as a battery-backed clock would. */
    int64_t rtc_offset_sec, rtc_offset_nsec; /* nsec in [0, 10^9) */
    unsigned events_pending;                 /* PETREL_EVENT_* (machine_event) */

    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stopping;  /* vCPUs must park (reset in progress) */
    bool held;      /* vCPUs do not run: -S (prelaunch) or a monitor stop */
    bool prelaunch; /* held since power-on or a reset while held */
    /* A debugger is attached (gdbstub): debug exits halt every vCPU. */
    bool debug_attached, debug_halted;
    unsigned debug_seq;
    void (*debug_notify)(void *opaque);
    void *debug_opaque;
    bool quit;
    bool reset_pending;
    /*
     * The reset generation (DESIGN.md "Reset is firmware re-entry", step
     * 2): bumped under lock when a reset is requested and when one
     * begins; exits finishing read it atomically.  An exit that began in
     * an older generation drops its result.
     */
    uint64_t reset_gen;
    /* Snapshots (machine.h): an incoming one awaited (-incoming defer),
     * or the machine was saved by migrate and has not run since. */
    bool inmigrate, postmigrate;
    struct machine_migration migration;
    /* -M boot-report (machine_boot_report). */
    struct {
        bool in_cif, quiesced;
        struct {
            bool seen;
            double t;
            uint64_t insns;
        } mark[BOOT_NMARKS];
    } boot;
    enum machine_cause quit_cause, reset_cause;
    struct machine_client client; /* main thread only */
    int exit_status;
    int wake[2]; /* self-pipe: wakes the main loop */
    volatile sig_atomic_t signal_seen;
};

static int add_interrupt_controller(struct machine *m);
static void device_requests_reset(void *opaque);
static int add_pci(struct machine *m, char *err, size_t errlen);

static void wake_main(struct machine *m)
{
    char c = 1;
    /* A full pipe already means "wake up". */
    if (write(m->wake[1], &c, 1) < 0) {
    }
}

void machine_signal(struct machine *m, int signo)
{
    m->signal_seen = signo;
    wake_main(m);
}

#define fail cli_format_error

static int read_file(const char *path, struct image *img, const char *opt, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    uint64_t done = 0;

    if (fd < 0)
        return fail(err, errlen, "%s: cannot open '%s': %s", opt, path, strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
        close(fd);
        return fail(err, errlen, "%s: '%s' is not a non-empty regular file", opt, path);
    }
    img->size = (uint64_t)st.st_size;
    img->data = malloc(img->size);
    if (!img->data) {
        close(fd);
        return fail(err, errlen, "%s: '%s' is too large to load", opt, path);
    }
    while (done < img->size) {
        ssize_t n = read(fd, img->data + done, img->size - done);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            close(fd);
            return fail(err, errlen, "%s: cannot read '%s': %s", opt, path,
                        n < 0 ? strerror(errno) : "file shrank");
        }
        done += (uint64_t)n;
    }
    close(fd);
    return 0;
}

static const char *ic_mode_name(enum ic_mode mode)
{
    switch (mode) {
    case IC_MODE_XICS: return "xics";
    case IC_MODE_XIVE: return "xive";
    default: return "dual";
    }
}

static const char *boot_protocol_name(enum boot_protocol p)
{
    switch (p) {
    case BOOT_PROTOCOL_OF: return "of";
    case BOOT_PROTOCOL_FDT: return "fdt";
    default: return "auto";
    }
}

/* Copies the pristine images and a fresh hardware description into RAM. */
static int load_images(struct machine *m)
{
    struct hwdesc_facts f = {
        .ram_size = m->cfg.ram_size,
        .cpus = m->cfg.cpus,
        .max_cpus = m->cfg.max_cpus,
        .threads = m->cfg.threads,
        .pvr = m->cfg.pvr,
        .max_compat_pvr = m->cfg.max_compat_pvr,
        .ic_mode = ic_mode_name(m->cfg.ic_mode),
        .boot_protocol = boot_protocol_name(m->cfg.boot_protocol),
        .vterm = PAPR_VTERM_UNIT,
        .fw_base = m->fw.base,
        .fw_size = m->fw.size,
        .kernel_base = m->kernel.base,
        .kernel_size = m->kernel.size,
        .initrd_base = m->initrd.base,
        .initrd_size = m->initrd.size,
        .bootargs = m->cfg.append,
        .partition_name = m->cfg.name,
        .dump_tree = m->cfg.dumpdtb != NULL,
        /* Only what the guest itself emits: the host traces the rest. */
        .trace_mask = m->cfg.trace_mask &
                      (1u << PETREL_TRACE_CIF | 1u << PETREL_TRACE_CAS | 1u << PETREL_TRACE_RTAS),
        .boot_report = m->cfg.boot_report,
        .nvram_size = m->nvram.size,
        .phbs = m->n_phbs,
    };
    uint8_t buf[HWDESC_MAX_SIZE];
    char hypertas[512];
    int size;

    /* A reset must not leave the last run's data behind the images. */
    memset(m->mem.ram, 0, FW_REGION_SIZE + HWDESC_MAX_SIZE);
    guest_ram_note_write(&m->mem, 0, FW_REGION_SIZE + HWDESC_MAX_SIZE);
    guest_ram_write(&m->mem, m->fw.base, m->fw.data, m->fw.size);
    if (m->kernel.size)
        guest_ram_write(&m->mem, m->kernel.base, m->kernel.data, m->kernel.size);
    if (m->initrd.size)
        guest_ram_write(&m->mem, m->initrd.base, m->initrd.data, m->initrd.size);
    f.hypertas = hypertas;
    f.hypertas_len = hcall_hypertas_list(hypertas, sizeof(hypertas));
    size = hwdesc_build(buf, sizeof(buf), &f);
    if (size < 0)
        return -1;
    guest_ram_write(&m->mem, HWDESC_ADDR, buf, (uint64_t)size);
    return 0;
}

/* The interrupt controller's power-on mode: XICS unless ic-mode=xive
 * (spec/irq.md §4; dual starts in XICS). */
static unsigned power_on_ic_mode(const struct machine *m)
{
    return m->cfg.ic_mode == IC_MODE_XIVE ? PETREL_IC_XIVE : PETREL_IC_XICS;
}

/* Step 3: every device stops raising interrupts (its sources go low). */
static void quiesce_devices(struct machine *m)
{
    if (m->irqtest)
        irqtest_reset(m->irqtest);
    /* DMA and bus mastering off, MSI/MSI-X disabled, INTx low. */
    for (unsigned i = 0; i < m->n_phbs; i++)
        phb_reset(&m->phb[i]);
}

/* Step 4: power-on mode, every source masked, nothing pending. */
static void reset_interrupt_controller(struct machine *m)
{
    irq_reset(m->irq, power_on_ic_mode(m));
}

static void free_hpt(struct machine *m)
{
    if (m->mmu.hpt)
        munmap(m->mmu.hpt, 1ull << m->mmu.hpt_shift);
    m->mmu.hpt = NULL;
    m->mmu.hpt_shift = 0;
}

/* Power-on state of every vCPU; vCPU 0 enters the firmware.  The compat
 * level is machine state, set for all vCPUs at once (spec/irq.md §7 (b)). */
static void reset_vcpus(struct machine *m)
{
    struct cpu_regs regs;

    m->compat_pvr = m->cfg.max_compat_level;
    /* The vCPUs are stopped: no walk can be reading the HPT.  Their reset
     * below forgets it and the process table. */
    free_hpt(m);
    memset(&m->mmu, 0, sizeof(m->mmu));
    m->mmu_lpcr = 0;

    for (unsigned i = 0; i < m->n_vcpus; i++) {
        m->be->reset(m->vcpus[i].cpu);
        m->vcpus[i].runnable = false;
        m->vcpus[i].prodded = false;
        memset(&m->vcpus[i].papr, 0, sizeof(m->vcpus[i].papr));
    }
    /* Every vCPU dropped its decoded code: no page is code any more, so
     * stores to old code pages go back to the fast path. */
    guest_mem_forget_code(&m->mem);
    m->be->get_regs(m->vcpus[0].cpu, &regs);
    regs.nip = FW_ENTRY;
    regs.msr = 0; /* 32-bit, big-endian, real mode: IEEE 1275 PowerPC binding */
    regs.gpr[3] = HWDESC_ADDR;
    m->be->set_regs(m->vcpus[0].cpu, &regs);
    m->vcpus[0].runnable = true;
}

/* Parks every vCPU between exits.  Called with m->lock held. */
static void stop_vcpus_locked(struct machine *m)
{
    bool busy;

    m->stopping = true;
    pthread_cond_broadcast(&m->cond); /* ceded vCPUs return from H_CEDE */
    do {
        busy = false;
        for (unsigned i = 0; i < m->n_vcpus; i++) {
            if (m->vcpus[i].busy) {
                m->be->kick(m->vcpus[i].cpu);
                busy = true;
            }
        }
        if (busy)
            pthread_cond_wait(&m->cond, &m->lock);
    } while (busy);
}

/* Begins a new reset generation: exits in flight drop their results
 * (vcpu_thread).  Called with m->lock held. */
static void cancel_exits_locked(struct machine *m)
{
    __atomic_store_n(&m->reset_gen, m->reset_gen + 1, __ATOMIC_RELEASE);
}

/* Step 6's state, traced: the registers vCPU 0 enters the firmware with
 * (the power-on values but nip and r3; tests/guest/run_reset_tests.py
 * checks them). */
static void trace_entry_state(struct machine *m)
{
    struct cpu_regs r;
    unsigned nonzero = 0;

    m->be->get_regs(m->vcpus[0].cpu, &r);
    for (unsigned i = 0; i < 32; i++)
        nonzero += i != 3 && r.gpr[i] != 0;
    trace_printf(PETREL_TRACE_RESET, -1,
                 "6 vCPU 0 at the firmware entry: nip=%#" PRIx64 " msr=%#" PRIx64 " r3=%#" PRIx64
                 " lr=%#" PRIx64 " ctr=%#" PRIx64 " cr=%#x, %u other GPRs nonzero",
                 r.nip, r.msr, r.gpr[3], r.lr, r.ctr, r.cr, nonzero);
}

void machine_reset(struct machine *m)
{
    /* The steps of DESIGN.md "Reset is firmware re-entry", each traced. */
    pthread_mutex_lock(&m->lock);
    if (trace_on(PETREL_TRACE_RESET))
        trace_printf(PETREL_TRACE_RESET, -1, "1 stop %u vCPUs", m->n_vcpus);
    /* Steps 1 and 2 together: whatever exit a vCPU is serving now began
     * before the reset and must not write its result back. */
    cancel_exits_locked(m);
    stop_vcpus_locked(m);
    if (trace_on(PETREL_TRACE_RESET))
        trace_printf(PETREL_TRACE_RESET, -1, "2 in-flight exits cancelled (generation %" PRIu64 ")",
                     m->reset_gen);
    pthread_mutex_unlock(&m->lock);
    /*
     * Steps 3 and 4 without the machine lock, which m->stopping makes
     * unnecessary for keeping the vCPUs parked: a network back end's
     * thread raises its interrupts holding its PHB's lock, and the
     * controller's wake-up (irq_wake) takes the machine lock; resetting
     * the PHB under the machine lock would invert that order.
     */
    quiesce_devices(m);
    if (trace_on(PETREL_TRACE_RESET))
        trace_printf(PETREL_TRACE_RESET, -1, "3 devices quiesced and reset");
    reset_interrupt_controller(m);
    if (trace_on(PETREL_TRACE_RESET))
        trace_printf(PETREL_TRACE_RESET, -1, "4 interrupt controller to power-on mode");
    pthread_mutex_lock(&m->lock);
    m->events_pending = 0;
    reset_vcpus(m);
    if (load_images(m) != 0) {
        fprintf(stderr, "petrel: cannot rebuild the hardware description on reset\n");
        m->quit = true;
        m->exit_status = 1;
    }
    if (trace_on(PETREL_TRACE_RESET)) {
        trace_printf(PETREL_TRACE_RESET, -1,
                     "5 vCPUs reset, firmware and hardware description reloaded");
        trace_entry_state(m);
    }
    m->stopping = false;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

void machine_request_shutdown(struct machine *m, int status, enum machine_cause cause)
{
    pthread_mutex_lock(&m->lock);
    if (!m->quit) {
        m->quit = true;
        m->exit_status = status;
        m->quit_cause = cause;
    }
    pthread_mutex_unlock(&m->lock);
    wake_main(m);
}

void machine_power_off(struct machine *m, unsigned status)
{
    machine_request_shutdown(m, (int)status, MACHINE_CAUSE_GUEST_SHUTDOWN);
}

void machine_request_reset(struct machine *m, enum machine_cause cause)
{
    if (m->cfg.no_reboot) {
        machine_request_shutdown(m, 0, cause);
        return;
    }
    /*
     * Park every vCPU now: a guest caller must not run on past its
     * request, whether it made it in an hcall or by an MMIO store (the
     * kick ends its run at its next taken branch).  The reset begins
     * here: exits in flight drop their results.
     */
    pthread_mutex_lock(&m->lock);
    m->reset_pending = true;
    m->reset_cause = cause;
    m->stopping = true;
    cancel_exits_locked(m);
    for (unsigned i = 0; i < m->n_vcpus; i++)
        if (m->vcpus[i].busy)
            m->be->kick(m->vcpus[i].cpu);
    pthread_mutex_unlock(&m->lock);
    wake_main(m);
}

/* A device's reset register (irqtest.h RESET), from the storing vCPU. */
static void device_requests_reset(void *opaque)
{
    machine_request_reset(opaque, MACHINE_CAUSE_GUEST_RESET);
}

void machine_reboot(struct machine *m)
{
    machine_request_reset(m, MACHINE_CAUSE_GUEST_RESET);
}

/*
 * All-stop (gdb manual, "All-Stop Mode"): the first debug event halts
 * every vCPU; the others keep theirs pending.  Without a debugger (it
 * detached and removed its breakpoints) the event is dropped.
 */
static void debug_exit(struct machine *m, struct vcpu *v, const struct cpu_exit *exit)
{
    void (*notify)(void *) = NULL;
    void *opaque = NULL;

    pthread_mutex_lock(&m->lock);
    if (m->debug_attached) {
        v->debug_pending = true;
        v->debug_order = m->debug_seq++;
        v->debug_watch = exit->debug_watch;
        v->debug_addr = exit->debug_addr;
        if (!m->debug_halted) {
            m->debug_halted = true;
            for (unsigned i = 0; i < m->n_vcpus; i++)
                if (m->vcpus[i].busy && &m->vcpus[i] != v)
                    m->be->kick(m->vcpus[i].cpu);
            pthread_cond_broadcast(&m->cond); /* ceded vCPUs return */
        }
        notify = m->debug_notify;
        opaque = m->debug_opaque;
    }
    pthread_mutex_unlock(&m->lock);
    if (notify)
        notify(opaque);
}

void machine_debug_attach(struct machine *m, void (*notify)(void *opaque), void *opaque)
{
    pthread_mutex_lock(&m->lock);
    m->debug_notify = notify;
    m->debug_opaque = opaque;
    m->debug_attached = true;
    for (unsigned i = 0; i < m->n_vcpus; i++)
        m->vcpus[i].debug_pending = false;
    pthread_mutex_unlock(&m->lock);
}

void machine_debug_detach(struct machine *m)
{
    pthread_mutex_lock(&m->lock);
    m->debug_attached = false;
    m->debug_notify = NULL;
    m->debug_opaque = NULL;
    for (unsigned i = 0; i < m->n_vcpus; i++)
        m->vcpus[i].debug_pending = false;
    pthread_mutex_unlock(&m->lock);
}

void machine_debug_halt(struct machine *m)
{
    bool stopping;

    pthread_mutex_lock(&m->lock);
    m->debug_halted = true;
    /* A pending reset keeps its own stop: the main loop clears it. */
    stopping = m->stopping;
    stop_vcpus_locked(m);
    m->stopping = stopping;
    pthread_mutex_unlock(&m->lock);
}

void machine_debug_resume(struct machine *m, const bool *run)
{
    pthread_mutex_lock(&m->lock);
    for (unsigned i = 0; i < m->n_vcpus; i++)
        m->vcpus[i].debug_hold = run && !run[i];
    m->debug_halted = false;
    /* gdb's continue starts a machine held by -S or a monitor stop, as
     * QEMU's does -- not one still waiting for its incoming snapshot. */
    m->held = m->inmigrate;
    m->prelaunch = false;
    m->postmigrate = false;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

bool machine_debug_take_event(struct machine *m, struct machine_debug_event *ev)
{
    struct vcpu *first = NULL;

    pthread_mutex_lock(&m->lock);
    for (unsigned i = 0; i < m->n_vcpus; i++) {
        struct vcpu *v = &m->vcpus[i];
        if (v->debug_pending && (!first || (int)(v->debug_order - first->debug_order) < 0))
            first = v;
    }
    if (first) {
        first->debug_pending = false;
        ev->vcpu = first->index;
        ev->watch = first->debug_watch;
        ev->addr = first->debug_addr;
    }
    pthread_mutex_unlock(&m->lock);
    return first != NULL;
}

bool machine_vcpu_runnable(struct machine *m, unsigned index)
{
    bool r;

    if (index >= m->n_vcpus)
        return false;
    pthread_mutex_lock(&m->lock);
    r = m->vcpus[index].runnable;
    pthread_mutex_unlock(&m->lock);
    return r;
}

static const char *const boot_milestone_names[BOOT_NMARKS] = {
    "firmware entry",
    "kernel entry",
    "first hcall after prom_init",
    "power-off",
};

/* Records a milestone the first time it is reached: time since process
 * start and the instructions all vCPUs have executed. */
static void boot_milestone(struct machine *m, unsigned which)
{
    uint64_t insns = 0;

    pthread_mutex_lock(&m->lock);
    if (!m->boot.mark[which].seen) {
        for (unsigned i = 0; m->be->insn_count && i < m->n_vcpus; i++)
            insns += m->be->insn_count(m->vcpus[i].cpu);
        m->boot.mark[which].seen = true;
        m->boot.mark[which].t = trace_seconds();
        m->boot.mark[which].insns = insns;
    }
    pthread_mutex_unlock(&m->lock);
}

void machine_boot_mark(struct machine *m, unsigned mark, unsigned arg)
{
    switch (mark) {
    case PETREL_BOOT_KERNEL_ENTRY: boot_milestone(m, BOOT_KERNEL_ENTRY); break;
    case PETREL_BOOT_CIF_ENTER: m->boot.in_cif = true; break;
    case PETREL_BOOT_CIF_LEAVE:
        m->boot.in_cif = false;
        m->boot.quiesced = arg != 0;
        break;
    default: break;
    }
}

void machine_boot_report(struct machine *m, FILE *out)
{
    if (!m->cfg.boot_report)
        return;
    boot_milestone(m, BOOT_POWER_OFF);
    fprintf(out, "petrel: boot report (from process start; instructions executed, all vCPUs)\n");
    for (unsigned i = 0; i < BOOT_NMARKS; i++) {
        if (m->boot.mark[i].seen)
            fprintf(out, "  %-28s %10.3f ms %14" PRIu64 " instructions\n", boot_milestone_names[i],
                    m->boot.mark[i].t * 1e3, m->boot.mark[i].insns);
        else
            fprintf(out, "  %-28s not reached\n", boot_milestone_names[i]);
    }
}

static void *vcpu_thread(void *arg)
{
    struct vcpu *v = arg;
    struct machine *m = v->m;
    struct hcall_env env = {.machine = m, .vcpu = v->index};
    struct cpu_exit exit;
    uint64_t out[9];
    int64_t ret;

    pthread_mutex_lock(&m->lock);
    v->tid = (int)gettid();
    pthread_mutex_unlock(&m->lock);
    for (;;) {
        pthread_mutex_lock(&m->lock);
        while (!m->quit &&
               (m->stopping || m->held || m->debug_halted || v->debug_hold || !v->runnable))
            pthread_cond_wait(&m->cond, &m->lock);
        if (m->quit) {
            pthread_mutex_unlock(&m->lock);
            break;
        }
        v->busy = true;
        v->exit_gen = m->reset_gen;
        pthread_mutex_unlock(&m->lock);

        if (m->cfg.boot_report && v->index == 0)
            boot_milestone(m, BOOT_FW_ENTRY);
        m->be->run(v->cpu, &exit);
        switch (exit.reason) {
        case CPU_EXIT_HCALL:
            /* The kernel's first hcall after prom_init: the client has
             * quiesced Open Firmware and this one is not the firmware's. */
            if (m->cfg.boot_report && m->boot.quiesced && !m->boot.in_cif &&
                exit.hcall_nr != PETREL_H_BOOT_MARK)
                boot_milestone(m, BOOT_FIRST_HCALL);
            ret = hcall_dispatch(&env, exit.hcall_nr, exit.hcall_args, out);
            /* A reset that began meanwhile owns the registers now: the
             * result would clobber r3 (the hardware description). */
            if (__atomic_load_n(&m->reset_gen, __ATOMIC_ACQUIRE) == v->exit_gen)
                m->be->complete_hcall(v->cpu, ret, out);
            else if (trace_on(PETREL_TRACE_RESET))
                trace_printf(PETREL_TRACE_RESET, (int)v->index,
                             "hcall %#" PRIx64 " result dropped: a reset began", exit.hcall_nr);
            break;
        case CPU_EXIT_STOPPED: break;
        case CPU_EXIT_DEBUG: debug_exit(m, v, &exit); break;
        case CPU_EXIT_HALTED:
            fprintf(stderr, "petrel: vCPU %u halted\n", v->index);
            machine_request_shutdown(m, 1, MACHINE_CAUSE_HOST_ERROR);
            break;
        }

        pthread_mutex_lock(&m->lock);
        v->busy = false;
        /* Only a stop (the machine's, or this vCPU's stop-self, which a
         * start-cpu may wait on) waits for busy vCPUs; waking everyone
         * after every exit would also wake all ceded vCPUs for nothing. */
        if (m->stopping || !v->runnable)
            pthread_cond_broadcast(&m->cond);
        pthread_mutex_unlock(&m->lock);
    }
    return NULL;
}

int machine_create(struct machine **out, const struct machine_config *cfg, int in_fd, int out_fd,
                   char *err, size_t errlen)
{
    struct machine *m = calloc(1, sizeof(*m));
    uint64_t next;

    *out = NULL;
    if (!m)
        return fail(err, errlen, "out of memory");
    m->cfg = *cfg;
    m->be = &cpu_interp_backend;
    if (cfg->boot_report && m->be->enable_counting)
        m->be->enable_counting();
    if (cfg->icount && m->be->enable_icount)
        m->be->enable_icount(cfg->icount_shift);
    m->wake[0] = m->wake[1] = -1;
    pthread_mutex_init(&m->lock, NULL);
    {
        /* Timed waits (H_CEDE until the decrementer) use the monotonic clock. */
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&m->cond, &attr);
        pthread_condattr_destroy(&attr);
    }
    *out = m;

    if (pipe2(m->wake, O_CLOEXEC | O_NONBLOCK) != 0)
        return fail(err, errlen, "pipe: %s", strerror(errno));
    if (guest_mem_init(&m->mem, cfg->ram_size) != 0)
        return fail(err, errlen, "-m: cannot allocate %llu MiB of guest RAM",
                    (unsigned long long)(cfg->ram_size >> 20));

    /* Firmware: -bios, or the image built into this binary. */
    if (cfg->bios) {
        if (read_file(cfg->bios, &m->fw, "-bios", err, errlen))
            return -1;
        if (m->fw.size > FW_MAX_IMAGE)
            return fail(err, errlen, "-bios: '%s' is larger than %u bytes", cfg->bios,
                        FW_MAX_IMAGE);
    } else {
        m->fw.size = (uint64_t)(petrel_firmware_end - petrel_firmware);
        m->fw.data = malloc(m->fw.size);
        if (!m->fw.data)
            return fail(err, errlen, "out of memory");
        memcpy(m->fw.data, petrel_firmware, m->fw.size);
    }
    m->fw.base = FW_LOAD_ADDR;

    /* Kernel and initrd, raw, one after the other from BOOT_BLOB_ADDR. */
    next = BOOT_BLOB_ADDR;
    if (cfg->kernel) {
        if (read_file(cfg->kernel, &m->kernel, "-kernel", err, errlen))
            return -1;
        m->kernel.base = next;
        next = (next + m->kernel.size + BOOT_BLOB_ALIGN - 1) & ~(uint64_t)(BOOT_BLOB_ALIGN - 1);
    }
    if (cfg->initrd) {
        if (read_file(cfg->initrd, &m->initrd, "-initrd", err, errlen))
            return -1;
        m->initrd.base = next;
        next += m->initrd.size;
    }
    if ((cfg->kernel || cfg->initrd) && next > cfg->ram_size)
        return fail(err, errlen,
                    "-kernel/-initrd: %llu MiB of images do not fit in %llu MiB of guest RAM "
                    "(they load at %u MiB)",
                    (unsigned long long)((next - BOOT_BLOB_ADDR) >> 20),
                    (unsigned long long)(cfg->ram_size >> 20), BOOT_BLOB_ADDR >> 20);

    if (nvram_open(&m->nvram, cfg->nvram, err, errlen) != 0)
        return -1;
    m->nvram_open = true;

    m->con = console_open(in_fd, out_fd);
    if (!m->con)
        return fail(err, errlen, "out of memory");

    m->n_vcpus = cfg->cpus;
    m->vcpus = calloc(m->n_vcpus, sizeof(*m->vcpus));
    if (!m->vcpus)
        return fail(err, errlen, "out of memory");
    for (unsigned i = 0; i < m->n_vcpus; i++) {
        m->vcpus[i].m = m;
        m->vcpus[i].index = i;
        m->vcpus[i].cpu = m->be->create(&m->mem, i, cfg->pvr);
        if (!m->vcpus[i].cpu)
            return fail(err, errlen, "cannot create vCPU %u", i);
        if (cfg->no_jit && m->be->set_block_compiler)
            m->be->set_block_compiler(m->vcpus[i].cpu, false);
    }
    if (add_interrupt_controller(m) != 0)
        return fail(err, errlen, "cannot create the interrupt controller");
    if (cfg->irq_test_device) {
        m->irqtest = irqtest_create(&m->mem, m->irq, device_requests_reset, m);
        if (!m->irqtest)
            return fail(err, errlen, "cannot create the irq test device");
    }
    if (add_pci(m, err, errlen) != 0)
        return -1;
    reset_vcpus(m);
    if (load_images(m) != 0)
        return fail(err, errlen, "the hardware description does not fit in %u bytes",
                    HWDESC_MAX_SIZE);
    m->held = m->prelaunch = cfg->start_stopped;
    return 0;
}

/* A virtio-net card and its back end, whose thread then starts. */
static int add_nic(struct machine *m, struct phb *phb, const struct pci_device_config *d, char *err,
                   size_t errlen)
{
    const struct netdev_config *nd = &m->cfg.netdev[d->netdev];
    struct net_backend *be;
    unsigned i = m->n_vnet;

    if (i == CLI_MAX_NETDEVS)
        return fail(err, errlen, "at most %u network cards", CLI_MAX_NETDEVS);
    be = nd->kind == NETDEV_TAP ? net_tap_create(nd, err, errlen)
                                : net_slirp_create(nd, err, errlen);
    if (!be)
        return -1; /* err says why */
    m->vnet[i] = virtio_net_create(phb, (unsigned)d->slot, d->mac, be);
    if (!m->vnet[i]) {
        be->ops->destroy(be);
        return fail(err, errlen, "cannot create virtio-net-pci");
    }
    m->netbe[i] = be;
    m->n_vnet++;
    if (be->ops->start(be) != 0)
        return fail(err, errlen, "cannot start the network thread: %s", strerror(errno));
    return 0;
}

/* The PHBs and the PCI devices of the command line (cli.h). */
static int add_pci(struct machine *m, char *err, size_t errlen)
{
    for (m->n_phbs = 0; m->n_phbs < m->cfg.phbs; m->n_phbs++)
        if (phb_init(&m->phb[m->n_phbs], &m->mem, m->irq, m->n_phbs) != 0)
            return fail(err, errlen, "cannot map PCI host bridge %u", m->n_phbs);
    for (unsigned i = 0; i < m->cfg.n_pci; i++) {
        const struct pci_device_config *d = &m->cfg.pci[i];
        struct phb *phb = &m->phb[d->phb];

        switch (d->kind) {
        case PCI_DEV_TEST:
            m->pcitest[m->n_pcitest] = pcitest_create(phb, (unsigned)d->slot);
            if (!m->pcitest[m->n_pcitest])
                return fail(err, errlen, "cannot create petrel-pci-test");
            m->n_pcitest++;
            break;
        case PCI_DEV_VIRTIO_BLK: {
            const struct drive_config *dr = &m->cfg.drive[d->drive];
            m->vblk[m->n_vblk] =
                virtio_blk_create(phb, (unsigned)d->slot, dr->file, dr->readonly, dr->id);
            if (!m->vblk[m->n_vblk])
                return fail(err, errlen, "-drive: cannot open '%s': %s", dr->file, strerror(errno));
            m->n_vblk++;
            break;
        }
        case PCI_DEV_VIRTIO_RNG:
            m->vrng[m->n_vrng] = virtio_rng_create(phb, (unsigned)d->slot);
            if (!m->vrng[m->n_vrng])
                return fail(err, errlen, "cannot create virtio-rng-pci");
            m->n_vrng++;
            break;
        case PCI_DEV_VIRTIO_NET:
            if (add_nic(m, phb, d, err, errlen) != 0)
                return -1;
            break;
        }
        if (d->iommu_platform)
            virtio_pci_offer_access_platform(phb->fn[(unsigned)d->slot << 3]);
    }
    return 0;
}

int machine_inject_eeh(struct machine *m, unsigned phb, unsigned slot, unsigned kind)
{
    uint64_t pe;

    if (phb >= m->n_phbs || (kind != PETREL_PE_ERR_MMIO && kind != PETREL_PE_ERR_DMA))
        return -1;
    if (slot >= PETREL_PHB_PES)
        return -2;
    /* PE p is device number p (pci.h); the register block's own lock
     * orders this with the guest's RTAS calls and the device's I/O. */
    pe = PETREL_PHB_PE(slot);
    if (!(phb_regs_read(&m->phb[phb], 0, pe + PETREL_PE_STATE, 4) & PETREL_PE_PRESENT))
        return -2;
    phb_regs_write(&m->phb[phb], 0, pe + PETREL_PE_INJECT, 4, kind);
    return 0;
}

struct phb *machine_phb_by_liobn(struct machine *m, uint64_t liobn)
{
    for (unsigned i = 0; i < m->n_phbs; i++)
        if (m->phb[i].liobn == liobn)
            return &m->phb[i];
    return NULL;
}

static void irq_set_line(void *opaque, unsigned vcpu, bool level)
{
    struct machine *m = opaque;

    /* An atomic store in the backend: safe under the controller's lock. */
    m->be->set_irq(m->vcpus[vcpu].cpu, level);
}

static void irq_wake(void *opaque)
{
    struct machine *m = opaque;

    /* Ceded vCPUs re-check their input (machine_cede). */
    pthread_mutex_lock(&m->lock);
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

/*
 * The controller with its servers = the vCPUs, the IPI numbers the
 * firmware's ibm,xive-lisn-ranges publishes (one per possible vCPU), and
 * its guest-visible windows: the ESB pages, the TIMA and the ICS register
 * block (include/petrel/irq.h), present in every ic-mode (outside their
 * mode they read as ones or zeroes and ignore stores).
 */
static int add_interrupt_controller(struct machine *m)
{
    static const struct mmio_ops esb_ops = {xive_esb_read, xive_esb_write};
    static const struct mmio_ops tima_ops = {xive_tima_read, xive_tima_write};
    static const struct mmio_ops ics_ops = {ics_regs_read, ics_regs_write};
    const struct irq_host host = {irq_set_line, irq_wake, m, &m->mem};
    unsigned n_ipis = m->cfg.max_cpus > m->n_vcpus ? m->cfg.max_cpus : m->n_vcpus;

    m->irq = irq_create(&host, m->n_vcpus, n_ipis, power_on_ic_mode(m));
    if (!m->irq)
        return -1;
    const struct mmio_region regions[] = {
        {PETREL_XIVE_ESB_BASE, PETREL_XIVE_ESB_SIZE, &esb_ops, m->irq, "xive-esb"},
        {PETREL_XIVE_TIMA_BASE, 4 * PETREL_XIVE_TIMA_PAGE_SIZE, &tima_ops, m->irq, "xive-tima"},
        {PETREL_XICS_ICS_REGS, PETREL_XICS_ICS_REGS_SIZE, &ics_ops, m->irq, "xics-ics"},
    };
    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
        if (guest_mem_add_mmio(&m->mem, &regions[i]) != 0)
            return -1;
    return 0;
}

static void emit_event(struct machine *m, enum machine_event_kind kind, enum machine_cause cause)
{
    struct machine_event ev = {kind, cause};

    if (m->client.event)
        m->client.event(m->client.opaque, &ev);
}

void machine_attach_client(struct machine *m, const struct machine_client *client)
{
    m->client = *client;
}

enum machine_runstate machine_runstate(struct machine *m)
{
    enum machine_runstate st;

    pthread_mutex_lock(&m->lock);
    st = !m->held         ? MACHINE_RUNNING
         : m->inmigrate   ? MACHINE_INMIGRATE
         : m->postmigrate ? MACHINE_POSTMIGRATE
         : m->prelaunch   ? MACHINE_PRELAUNCH
                          : MACHINE_PAUSED;
    pthread_mutex_unlock(&m->lock);
    return st;
}

void machine_pause(struct machine *m)
{
    bool was_running;

    pthread_mutex_lock(&m->lock);
    was_running = !m->held;
    if (was_running) {
        m->held = true;
        stop_vcpus_locked(m);
        /* A reboot the guest asked for keeps its vCPU parked until the
         * main loop carries it out. */
        m->stopping = m->reset_pending;
        pthread_cond_broadcast(&m->cond);
    }
    pthread_mutex_unlock(&m->lock);
    if (was_running)
        emit_event(m, MACHINE_EV_STOP, 0);
}

void machine_resume(struct machine *m)
{
    bool was_held;

    pthread_mutex_lock(&m->lock);
    was_held = m->held;
    if (m->inmigrate) {
        /* Nothing to run until the incoming snapshot is loaded. */
        pthread_mutex_unlock(&m->lock);
        return;
    }
    m->held = m->prelaunch = m->postmigrate = false;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
    if (was_held)
        emit_event(m, MACHINE_EV_RESUME, 0);
}

/*
 * LoPAPR delivers a power-button press as an EPOW event (check-exception
 * with an EPOW error log, raised on the "epow-events" interrupt source);
 * RTAS event sources and the interrupt controller models that carry it
 * are not there yet, so the guest does not learn of it.  The event is
 * still reported so that clients see what QEMU reports.
 */
/* The guest learns of a power-down request through an EPOW event
 * (spec/rtas.md §4.7): pending for RTAS, and its source pulsed. */
void machine_powerdown(struct machine *m)
{
    pthread_mutex_lock(&m->lock);
    m->events_pending |= PETREL_EVENT_EPOW;
    pthread_mutex_unlock(&m->lock);
    irq_pulse(m->irq, PETREL_IRQ_EPOW);
    emit_event(m, MACHINE_EV_POWERDOWN, 0);
}

unsigned machine_event(struct machine *m, unsigned mask, bool take, unsigned *left)
{
    unsigned hit;

    pthread_mutex_lock(&m->lock);
    hit = m->events_pending & mask;
    hit &= -hit; /* the lowest */
    if (take)
        m->events_pending &= ~hit;
    *left = m->events_pending;
    pthread_mutex_unlock(&m->lock);
    if (take && hit && (*left & PETREL_EVENT_EPOW))
        irq_pulse(m->irq, PETREL_IRQ_EPOW);
    return hit;
}

int machine_vcpu_thread_id(struct machine *m, unsigned index)
{
    int tid;

    if (index >= m->n_vcpus)
        return 0;
    pthread_mutex_lock(&m->lock);
    tid = m->vcpus[index].tid;
    pthread_mutex_unlock(&m->lock);
    return tid;
}

const char *machine_cause_name(enum machine_cause cause)
{
    static const char *const names[] = {
        [MACHINE_CAUSE_HOST_ERROR] = "host-error",
        [MACHINE_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
        [MACHINE_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
        [MACHINE_CAUSE_HOST_SIGNAL] = "host-signal",
        [MACHINE_CAUSE_HOST_UI] = "host-ui",
        [MACHINE_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
        [MACHINE_CAUSE_GUEST_RESET] = "guest-reset",
    };
    return (unsigned)cause < sizeof(names) / sizeof(names[0]) ? names[cause] : "none";
}

bool machine_cause_is_guest(enum machine_cause cause)
{
    return cause == MACHINE_CAUSE_GUEST_SHUTDOWN || cause == MACHINE_CAUSE_GUEST_RESET;
}

static void handle_input(struct machine *m, bool *input_open)
{
    uint8_t buf[256];
    ssize_t n = read(console_input_fd(m->con), buf, sizeof(buf));

    if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
        *input_open = false; /* EOF: the guest just sees no more input */
        return;
    }
    if (n < 0)
        return;
    /* The vty's interrupt (its node's "interrupts", spec/device-tree.md
     * §7.1): an OS with a handler reads the input now instead of at its
     * next poll. */
    irq_pulse(m->irq, PETREL_IRQ_VIO_BASE);
    switch (console_feed(m->con, buf, (size_t)n)) {
    case CONSOLE_EV_QUIT: machine_request_shutdown(m, 0, MACHINE_CAUSE_HOST_UI); break;
    case CONSOLE_EV_CONTINUE: machine_resume(m); break;
    case CONSOLE_EV_NONE: break;
    }
}

int machine_run(struct machine *m)
{
    bool input_open = console_input_fd(m->con) >= 0;
    int status;

    if (m->held)
        fprintf(stderr, "petrel: CPUs held (-S); press Ctrl-A c to start them\n");
    for (unsigned i = 0; i < m->n_vcpus; i++) {
        if (pthread_create(&m->vcpus[i].thread, NULL, vcpu_thread, &m->vcpus[i]) != 0) {
            fprintf(stderr, "petrel: cannot start the thread of vCPU %u\n", i);
            machine_request_shutdown(m, 1, MACHINE_CAUSE_HOST_ERROR);
            break;
        }
        m->vcpus[i].thread_started = true;
    }

    for (;;) {
        struct pollfd fds[2 + MACHINE_CLIENT_FDS] = {
            {.fd = m->wake[0], .events = POLLIN},
            {.fd = input_open ? console_input_fd(m->con) : -1, .events = POLLIN},
        };
        unsigned n_client = 0;
        enum machine_cause cause;
        bool quit, reset;

        pthread_mutex_lock(&m->lock);
        quit = m->quit;
        reset = m->reset_pending;
        cause = quit ? m->quit_cause : m->reset_cause;
        m->reset_pending = false;
        pthread_mutex_unlock(&m->lock);
        if (quit) {
            emit_event(m, MACHINE_EV_SHUTDOWN, cause);
            break;
        }
        if (reset) {
            machine_reset(m);
            /* A reset of a machine that is not running leaves it waiting
             * for its first start again, as QEMU's run states do. */
            pthread_mutex_lock(&m->lock);
            if (m->held)
                m->prelaunch = true;
            pthread_mutex_unlock(&m->lock);
            emit_event(m, MACHINE_EV_RESET, cause);
            continue;
        }
        if (m->signal_seen) {
            fprintf(stderr, "petrel: terminating on signal %d\n", (int)m->signal_seen);
            machine_request_shutdown(m, 0, MACHINE_CAUSE_HOST_SIGNAL);
            continue;
        }
        if (m->client.poll_fds)
            n_client = m->client.poll_fds(m->client.opaque, fds + 2, MACHINE_CLIENT_FDS);
        if (poll(fds, 2 + n_client, -1) < 0 && errno != EINTR)
            break;
        if (fds[0].revents & POLLIN) {
            char drain[64];
            while (read(m->wake[0], drain, sizeof(drain)) > 0) {
            }
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
            handle_input(m, &input_open);
        if (n_client)
            m->client.poll_ready(m->client.opaque, fds + 2, n_client);
    }

    pthread_mutex_lock(&m->lock);
    m->quit = true;
    for (unsigned i = 0; i < m->n_vcpus; i++)
        m->be->kick(m->vcpus[i].cpu);
    pthread_cond_broadcast(&m->cond);
    status = m->exit_status;
    pthread_mutex_unlock(&m->lock);
    for (unsigned i = 0; i < m->n_vcpus; i++)
        if (m->vcpus[i].thread_started)
            pthread_join(m->vcpus[i].thread, NULL);
    return status;
}

/* ---- what hcall handlers may use (machine.h) ---- */

struct console *machine_console(struct machine *m)
{
    return m->con;
}

struct nvram *machine_nvram(struct machine *m)
{
    return &m->nvram;
}

struct guest_mem *machine_mem(struct machine *m)
{
    return &m->mem;
}

const struct machine_config *machine_config(struct machine *m)
{
    return &m->cfg;
}

unsigned machine_vcpu_count(struct machine *m)
{
    return m->n_vcpus;
}

struct cpu *machine_cpu(struct machine *m, unsigned index)
{
    return index < m->n_vcpus ? m->vcpus[index].cpu : NULL;
}

const struct cpu_backend *machine_backend(struct machine *m)
{
    return m->be;
}

struct papr_vcpu *machine_papr_vcpu(struct machine *m, unsigned index)
{
    return index < m->n_vcpus ? &m->vcpus[index].papr : NULL;
}

/*
 * H_CEDE: wait until an interrupt is pending for the vCPU, it is prodded,
 * or the machine stops or resets.  The decrementer's next expiry bounds
 * the wait (the vCPU's own timer thread only marks the CPU).
 */
void machine_cede(struct machine *m, unsigned index)
{
    struct vcpu *v = &m->vcpus[index];

    pthread_mutex_lock(&m->lock);
    while (!m->quit && !m->stopping && !m->debug_halted && !v->prodded &&
           !m->be->irq_pending(v->cpu)) {
        uint64_t deadline = m->be->timer_deadline_ns(v->cpu);
        if (deadline) {
            struct timespec ts = {.tv_sec = (time_t)(deadline / 1000000000ull),
                                  .tv_nsec = (long)(deadline % 1000000000ull)};
            pthread_cond_timedwait(&m->cond, &m->lock, &ts);
        } else {
            pthread_cond_wait(&m->cond, &m->lock);
        }
    }
    v->prodded = false;
    pthread_mutex_unlock(&m->lock);
}

/* The external interrupt input of a vCPU (for the interrupt controller):
 * raising it also wakes the vCPU if it waits in H_CEDE. */
void machine_set_irq(struct machine *m, unsigned index, bool level)
{
    m->be->set_irq(m->vcpus[index].cpu, level);
    if (level) {
        pthread_mutex_lock(&m->lock);
        pthread_cond_broadcast(&m->cond);
        pthread_mutex_unlock(&m->lock);
    }
}

void machine_prod(struct machine *m, unsigned index)
{
    pthread_mutex_lock(&m->lock);
    m->vcpus[index].prodded = true;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

/* MSR of a vCPU that start-cpu starts: SF | ME (spec/rtas.md §4.4). */
#define START_CPU_MSR (1ull << 63 | 1ull << 12)

int machine_vcpu_start(struct machine *m, unsigned index, uint64_t nip, uint64_t r3)
{
    struct vcpu *v;
    struct cpu_regs regs;

    if (index >= m->n_vcpus)
        return -1;
    v = &m->vcpus[index];
    pthread_mutex_lock(&m->lock);
    /* A vCPU that asked to stop parks as soon as its exit is served. */
    while (!v->runnable && v->busy && !m->quit && !m->stopping)
        pthread_cond_wait(&m->cond, &m->lock);
    if (v->runnable || v->busy) {
        pthread_mutex_unlock(&m->lock);
        return -2;
    }
    m->be->get_regs(v->cpu, &regs);
    memset(regs.gpr, 0, sizeof(regs.gpr));
    regs.gpr[3] = r3;
    regs.nip = nip;
    regs.msr = START_CPU_MSR;
    m->be->set_regs(v->cpu, &regs);
    v->runnable = true;
    v->prodded = false;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
    return 0;
}

void machine_vcpu_stop_self(struct machine *m, unsigned index)
{
    pthread_mutex_lock(&m->lock);
    m->vcpus[index].runnable = false;
    pthread_mutex_unlock(&m->lock);
}

int machine_vcpu_state(struct machine *m, unsigned index)
{
    int state;

    if (index >= m->n_vcpus)
        return -1;
    pthread_mutex_lock(&m->lock);
    if (m->vcpus[index].runnable)
        state = PETREL_CPU_RUNNING;
    else
        state = m->vcpus[index].busy ? PETREL_CPU_STOPPING : PETREL_CPU_STOPPED;
    pthread_mutex_unlock(&m->lock);
    return state;
}

void machine_set_fwnmi(struct machine *m, uint64_t sreset, uint64_t mce, uint64_t area)
{
    for (unsigned i = 0; i < m->n_vcpus; i++)
        m->be->set_fwnmi(m->vcpus[i].cpu, sreset, mce, area);
}

void machine_rtc_offset(struct machine *m, int64_t *sec, int64_t *nsec)
{
    pthread_mutex_lock(&m->lock);
    *sec = m->rtc_offset_sec;
    *nsec = m->rtc_offset_nsec;
    pthread_mutex_unlock(&m->lock);
}

void machine_set_rtc_offset(struct machine *m, int64_t sec, int64_t nsec)
{
    pthread_mutex_lock(&m->lock);
    m->rtc_offset_sec = sec;
    m->rtc_offset_nsec = nsec;
    pthread_mutex_unlock(&m->lock);
}

unsigned machine_ic_mode(struct machine *m)
{
    return irq_mode(m->irq);
}

struct irq_ctl *machine_irq(struct machine *m)
{
    return m->irq;
}

void machine_mmu(struct machine *m, struct cpu_mmu *out, uint64_t *lpcr)
{
    pthread_mutex_lock(&m->lock);
    *out = m->mmu;
    if (lpcr)
        *lpcr = m->mmu_lpcr;
    pthread_mutex_unlock(&m->lock);
}

/* Every vCPU, running or stopped, so that one started later inherits it. */
static void apply_mmu_locked(struct machine *m)
{
    for (unsigned i = 0; i < m->n_vcpus; i++) {
        m->be->set_lpcr(m->vcpus[i].cpu, CPU_LPCR_MMU, m->mmu_lpcr);
        m->be->set_mmu(m->vcpus[i].cpu, &m->mmu);
    }
}

void machine_set_proc_tbl(struct machine *m, uint64_t proc_tbl, uint64_t lpcr)
{
    pthread_mutex_lock(&m->lock);
    m->mmu.proc_tbl = proc_tbl;
    m->mmu_lpcr = lpcr & CPU_LPCR_MMU;
    apply_mmu_locked(m);
    pthread_mutex_unlock(&m->lock);
}

int machine_alloc_hpt(struct machine *m, unsigned shift)
{
    void *p;
    int ret = 0;

    pthread_mutex_lock(&m->lock);
    if (m->mmu.hpt) {
        /* No resizing (hcall-hpt-resize is not offered). */
        ret = m->mmu.hpt_shift == shift ? 0 : -1;
    } else {
        /* Anonymous memory reads as zeroes: every HPTE invalid. */
        p = mmap(NULL, 1ull << shift, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            ret = -1;
        } else {
            m->mmu.hpt = p;
            m->mmu.hpt_shift = shift;
            apply_mmu_locked(m);
        }
    }
    pthread_mutex_unlock(&m->lock);
    return ret;
}

uint32_t machine_compat_pvr(struct machine *m)
{
    uint32_t pvr;

    pthread_mutex_lock(&m->lock);
    pvr = m->compat_pvr;
    pthread_mutex_unlock(&m->lock);
    return pvr;
}

void machine_set_compat_pvr(struct machine *m, uint32_t logical_pvr)
{
    pthread_mutex_lock(&m->lock);
    m->compat_pvr = logical_pvr;
    pthread_mutex_unlock(&m->lock);
}

bool machine_quit_requested(struct machine *m, int *status)
{
    bool quit;
    pthread_mutex_lock(&m->lock);
    quit = m->quit;
    if (status)
        *status = m->exit_status;
    pthread_mutex_unlock(&m->lock);
    return quit;
}

bool machine_reset_requested(struct machine *m)
{
    bool r;
    pthread_mutex_lock(&m->lock);
    r = m->reset_pending;
    pthread_mutex_unlock(&m->lock);
    return r;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    /* Network threads first: they deliver into guest memory. */
    for (unsigned i = 0; i < m->n_vnet; i++)
        m->netbe[i]->ops->destroy(m->netbe[i]);
    for (unsigned i = 0; i < m->n_vnet; i++)
        virtio_net_destroy(m->vnet[i]);
    if (m->vcpus)
        for (unsigned i = 0; i < m->n_vcpus; i++)
            if (m->vcpus[i].cpu)
                m->be->destroy(m->vcpus[i].cpu);
    free_hpt(m);
    free(m->vcpus);
    irqtest_destroy(m->irqtest);
    for (unsigned i = 0; i < m->n_pcitest; i++)
        pcitest_destroy(m->pcitest[i]);
    for (unsigned i = 0; i < m->n_vblk; i++)
        virtio_blk_destroy(m->vblk[i]);
    for (unsigned i = 0; i < m->n_vrng; i++)
        virtio_rng_destroy(m->vrng[i]);
    for (unsigned i = 0; i < m->n_phbs; i++)
        phb_destroy(&m->phb[i]);
    irq_destroy(m->irq);
    console_close(m->con);
    if (m->nvram_open)
        nvram_close(&m->nvram);
    guest_mem_destroy(&m->mem);
    free(m->fw.data);
    free(m->kernel.data);
    free(m->initrd.data);
    if (m->wake[0] >= 0)
        close(m->wake[0]);
    if (m->wake[1] >= 0)
        close(m->wake[1]);
    pthread_cond_destroy(&m->cond);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

/* ---- snapshots (machine.h; machine_snapshot.c) ---- */

/* Pointers to every part a snapshot holds.  0, or -1 out of memory. */
static int snapshot_parts(struct machine *m, struct snap_machine *p)
{
    memset(p, 0, sizeof(*p));
    p->cfg = &m->cfg;
    p->be = m->be;
    p->mem = &m->mem;
    p->n_vcpus = m->n_vcpus;
    p->vcpu = calloc(m->n_vcpus, sizeof(*p->vcpu));
    if (!p->vcpu)
        return -1;
    for (unsigned i = 0; i < m->n_vcpus; i++) {
        p->vcpu[i].cpu = m->vcpus[i].cpu;
        p->vcpu[i].runnable = &m->vcpus[i].runnable;
        p->vcpu[i].prodded = &m->vcpus[i].prodded;
        p->vcpu[i].papr = &m->vcpus[i].papr;
    }
    p->compat_pvr = &m->compat_pvr;
    p->mmu = &m->mmu;
    p->mmu_lpcr = &m->mmu_lpcr;
    p->events_pending = &m->events_pending;
    p->rtc_sec = &m->rtc_offset_sec;
    p->rtc_nsec = &m->rtc_offset_nsec;
    p->nvram = &m->nvram;
    p->irq = m->irq;
    p->phb = m->phb;
    p->n_phbs = m->n_phbs;
    for (unsigned i = 0; i < m->n_vblk; i++) {
        p->virtio[p->n_virtio].vp = virtio_blk_transport(m->vblk[i]);
        p->virtio[p->n_virtio++].sectors = virtio_blk_sectors(m->vblk[i]);
    }
    for (unsigned i = 0; i < m->n_vrng; i++)
        p->virtio[p->n_virtio++].vp = virtio_rng_transport(m->vrng[i]);
    for (unsigned i = 0; i < m->n_vnet; i++)
        p->virtio[p->n_virtio++].vp = virtio_net_transport(m->vnet[i]);
    return 0;
}

/*
 * Parks every vCPU between exits, as a reset does, and keeps them parked
 * (stopping) after the lock is dropped: only this thread (the main loop)
 * clears it again, in unpark_vcpus.  Refused while a reset or shutdown is
 * under way: its requester must not run on past its request.
 */
static int park_vcpus(struct machine *m, char *err, size_t errlen)
{
    pthread_mutex_lock(&m->lock);
    if (m->quit || m->reset_pending) {
        pthread_mutex_unlock(&m->lock);
        return fail(err, errlen, "snapshot: a reset or shutdown is under way");
    }
    stop_vcpus_locked(m);
    pthread_mutex_unlock(&m->lock);
    return 0;
}

static void unpark_vcpus(struct machine *m)
{
    pthread_mutex_lock(&m->lock);
    m->stopping = m->reset_pending;
    pthread_cond_broadcast(&m->cond);
    pthread_mutex_unlock(&m->lock);
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int machine_save_snapshot(struct machine *m, const char *uri, bool stay_paused, char *err,
                          size_t errlen)
{
    struct snap_machine parts;
    uint8_t *buf = NULL;
    size_t len = 0;
    double t0 = seconds_now(), t1;
    uint64_t pages = 0;
    bool was_running;
    int ret;

    if (snapshot_parts(m, &parts) != 0)
        return fail(err, errlen, "snapshot: out of memory");
    was_running = machine_runstate(m) == MACHINE_RUNNING;
    if (stay_paused)
        machine_pause(m);
    if (park_vcpus(m, err, errlen) != 0) {
        free(parts.vcpu);
        if (stay_paused && was_running)
            machine_resume(m);
        return -1;
    }
    ret = snapshot_build(&parts, &buf, &len, &pages, err, errlen);
    unpark_vcpus(m);
    t1 = seconds_now();
    free(parts.vcpu);
    if (ret == 0)
        ret = snap_write_uri(uri, buf, len, err, errlen);
    free(buf);
    pthread_mutex_lock(&m->lock);
    m->migration.status = ret == 0 ? MACHINE_MIGRATION_COMPLETED : MACHINE_MIGRATION_FAILED;
    m->migration.bytes = ret == 0 ? len : 0;
    m->migration.ram_pages = pages;
    m->migration.total_ms = (seconds_now() - t0) * 1e3;
    m->migration.downtime_ms = (t1 - t0) * 1e3;
    snprintf(m->migration.error, sizeof(m->migration.error), "%s", ret == 0 ? "" : err);
    if (ret == 0 && stay_paused && m->held)
        m->postmigrate = true;
    pthread_mutex_unlock(&m->lock);
    /* A failed migration leaves the machine as it was. */
    if (ret != 0 && stay_paused && was_running)
        machine_resume(m);
    return ret;
}

int machine_load_snapshot(struct machine *m, const char *uri, char *err, size_t errlen)
{
    struct snap_machine parts;
    struct snap_staged *staged = NULL;
    uint8_t *buf = NULL;
    size_t len = 0;
    int ret;

    if (snap_read_uri(uri, &buf, &len, err, errlen) != 0)
        return -1;
    if (snapshot_parts(m, &parts) != 0) {
        free(buf);
        return fail(err, errlen, "snapshot: out of memory");
    }
    /* Everything is checked before the machine is touched. */
    ret = snapshot_stage(&parts, buf, len, &staged, err, errlen);
    if (ret == 0)
        ret = park_vcpus(m, err, errlen);
    if (ret == 0) {
        snapshot_apply(&parts, staged);
        staged = NULL;
        pthread_mutex_lock(&m->lock);
        m->inmigrate = false;
        m->prelaunch = false;
        m->postmigrate = false; /* a new state: paused, not "migrated away" */
        pthread_mutex_unlock(&m->lock);
        unpark_vcpus(m);
    }
    snapshot_discard(staged);
    free(parts.vcpu);
    free(buf);
    return ret;
}

void machine_set_inmigrate(struct machine *m)
{
    pthread_mutex_lock(&m->lock);
    m->held = true;
    m->inmigrate = true;
    pthread_mutex_unlock(&m->lock);
}

void machine_migration(struct machine *m, struct machine_migration *out)
{
    pthread_mutex_lock(&m->lock);
    *out = m->migration;
    pthread_mutex_unlock(&m->lock);
}
