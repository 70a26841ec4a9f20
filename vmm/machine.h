/*
 * A petrel machine: guest memory, vCPUs on their threads, the console,
 * and the boot images.  machine_run() owns the main thread: it serves the
 * console and carries out power-off and reset requests.
 */
#ifndef PETREL_MACHINE_H
#define PETREL_MACHINE_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

struct machine;

int machine_create(struct machine **out, const struct machine_config *cfg, int in_fd, int out_fd,
                   char *err, size_t errlen);
/* Runs until the guest powers off or the user quits; returns the exit status. */
int machine_run(struct machine *m);
void machine_destroy(struct machine *m);
/* Asks the machine to stop (from a signal handler: async-signal-safe). */
void machine_signal(struct machine *m, int signo);

/*
 * What hcall handlers use (any vCPU thread).  power_off and reboot park the
 * calling vCPU: it must not run on past its request.
 */
struct console;
struct guest_mem;
struct cpu;
struct cpu_backend;
struct papr_vcpu;
void machine_power_off(struct machine *m, unsigned status);
void machine_reboot(struct machine *m);
struct console *machine_console(struct machine *m);
struct guest_mem *machine_mem(struct machine *m);
struct nvram *machine_nvram(struct machine *m);
const struct machine_config *machine_config(struct machine *m);
unsigned machine_vcpu_count(struct machine *m);
struct cpu *machine_cpu(struct machine *m, unsigned index);
const struct cpu_backend *machine_backend(struct machine *m);
struct papr_vcpu *machine_papr_vcpu(struct machine *m, unsigned index);
void machine_cede(struct machine *m, unsigned index);
void machine_prod(struct machine *m, unsigned index);
void machine_set_irq(struct machine *m, unsigned index, bool level);
/*
 * Partition-wide state CAS negotiates (service.h): the interrupt
 * controller (irq/irq.h; machine_ic_mode is the mode in force,
 * PETREL_IC_XICS or PETREL_IC_XIVE, which the controller switches itself)
 * and the processor compatibility level of every vCPU, present and future
 * (a logical PVR, 0 = raw; the CPU backend applies it as PCR).  Both
 * return to their power-on values at every reset: the controller to the
 * mode ic-mode starts in (XIVE for ic-mode=xive, else XICS), the level to
 * max-cpu-compat's.  Setters do not validate: the services do
 * (hcall/service.c).
 */
struct irq_ctl;
struct irq_ctl *machine_irq(struct machine *m);
/* The PHB whose DMA window LIOBN is liobn (include/petrel/pci.h), or NULL. */
struct phb;
struct phb *machine_phb_by_liobn(struct machine *m, uint64_t liobn);
unsigned machine_ic_mode(struct machine *m);
uint32_t machine_compat_pvr(struct machine *m);
void machine_set_compat_pvr(struct machine *m, uint32_t logical_pvr);

/*
 * The partition's MMU (spec/cpu.md §3, cas.md §4): the process table
 * H_REGISTER_PROC_TBL registered with the LPCR radix bits it implies
 * (CPU_LPCR_UPRT, _HR, _GTSE), and the HPT petrel allocates for a hash
 * guest.  Both are handed to every vCPU, stopped ones included, through
 * the backend's set_lpcr and set_mmu, so a vCPU started later inherits
 * them.  The HPT is never resized or freed before reset: alloc with the
 * size already allocated succeeds, another size fails (-1), as does a
 * failed allocation.  Reset returns to no process table, no HPT, hash
 * (LPCR bits clear).  Setters do not validate: the hcalls do.
 */
struct cpu_mmu;
void machine_mmu(struct machine *m, struct cpu_mmu *out, uint64_t *lpcr);
void machine_set_proc_tbl(struct machine *m, uint64_t proc_tbl, uint64_t lpcr);
int machine_alloc_hpt(struct machine *m, unsigned shift);

/*
 * vCPU power states for RTAS start-cpu / stop-self / query-cpu-stopped-
 * state (service.h PETREL_H_START_CPU...).  vcpu_start starts a stopped
 * vCPU at nip in real mode (MSR = SF | ME, GPRs zero but r3), waiting
 * for one that is stopping to park; it returns 0, -1 for a bad index, -2
 * if the vCPU runs.  vcpu_stop_self is called from the vCPU's own hcall:
 * it parks when the hcall is done.  vcpu_state returns PETREL_CPU_*, or
 * -1 for a bad index.
 */
int machine_vcpu_start(struct machine *m, unsigned index, uint64_t nip, uint64_t r3);
void machine_vcpu_stop_self(struct machine *m, unsigned index);
int machine_vcpu_state(struct machine *m, unsigned index);

/* Platform events (service.h PETREL_H_EVENT): the lowest pending class
 * in mask, taken if take; *left = the classes pending afterwards. */
unsigned machine_event(struct machine *m, unsigned mask, bool take, unsigned *left);

/* FWNMI registration (service.h PETREL_H_FWNMI) for every vCPU. */
void machine_set_fwnmi(struct machine *m, uint64_t sreset, uint64_t mce, uint64_t area);

/* The guest's time of day as an offset from the host's realtime clock
 * (seconds, and nanoseconds in [0, 10^9)): kept across resets, for the
 * process's life. */
void machine_rtc_offset(struct machine *m, int64_t *sec, int64_t *nsec);
void machine_set_rtc_offset(struct machine *m, int64_t sec, int64_t nsec);

/*
 * The one reset every path takes (DESIGN.md "Reset is firmware re-entry"):
 * stops the vCPUs, cancels their in-flight exits (a reset generation: an
 * hcall that began before the reset was requested or began drops its
 * result), quiesces and resets the devices, returns the interrupt
 * controller and the compat level to power-on, resets the vCPUs and
 * reloads the images.  The main loop runs it for every request
 * (machine_request_reset: RTAS system-reboot through PETREL_H_REBOOT,
 * QMP system_reset, a device's reset register); unit tests call it
 * directly.  -trace reset prints each step and vCPU 0's entry registers.
 */
void machine_reset(struct machine *m);

/*
 * The debugger's control of the vCPUs (vmm/monitor/gdbstub.c), all-stop:
 * while a debugger is attached, a vCPU's CPU_EXIT_DEBUG (breakpoint,
 * watchpoint, single step) halts every vCPU and calls notify(opaque) from
 * that vCPU's thread.  debug_halt parks every vCPU between exits and
 * returns when none runs; debug_resume lets them (and -S held ones) run
 * again: those with run[index] set, or all when run is NULL.  The backend's debugging hooks and
 * register accessors may be used between the two.  A vCPU's debug event stays pending until taken;
 * the first to hit is taken first.
 */
struct machine_debug_event {
    unsigned vcpu;
    unsigned watch; /* CPU_WATCH_* for a watchpoint, 0 otherwise */
    uint64_t addr;  /* the watched access's effective address */
};
void machine_debug_attach(struct machine *m, void (*notify)(void *opaque), void *opaque);
void machine_debug_detach(struct machine *m);
void machine_debug_halt(struct machine *m);
void machine_debug_resume(struct machine *m, const bool *run);
bool machine_debug_take_event(struct machine *m, struct machine_debug_event *ev);
/* The vCPU runs when resumed (started by the platform: vCPU 0 at boot,
 * the others by start-cpu). */
bool machine_vcpu_runnable(struct machine *m, unsigned index);

/*
 * Run state and lifecycle for the monitor.  Names follow QMP (QEMU's
 * qapi/run-state.json): a machine started with -S is "prelaunch" until
 * the first start; "paused" after a stop.
 */
enum machine_runstate {
    MACHINE_PRELAUNCH,
    MACHINE_RUNNING,
    MACHINE_PAUSED,
    MACHINE_INMIGRATE,   /* -incoming defer: waiting for migrate-incoming */
    MACHINE_POSTMIGRATE, /* paused by a completed migrate, not run since */
};
/* Why a shutdown or reset happened: the ShutdownCause values QMP events carry. */
enum machine_cause {
    MACHINE_CAUSE_HOST_ERROR,
    MACHINE_CAUSE_HOST_QMP_QUIT,
    MACHINE_CAUSE_HOST_QMP_SYSTEM_RESET,
    MACHINE_CAUSE_HOST_SIGNAL,
    MACHINE_CAUSE_HOST_UI,
    MACHINE_CAUSE_GUEST_SHUTDOWN,
    MACHINE_CAUSE_GUEST_RESET,
};
const char *machine_cause_name(enum machine_cause cause);
bool machine_cause_is_guest(enum machine_cause cause);

enum machine_event_kind {
    MACHINE_EV_RESET,
    MACHINE_EV_SHUTDOWN,
    MACHINE_EV_STOP,
    MACHINE_EV_RESUME,
    MACHINE_EV_POWERDOWN,
};
struct machine_event {
    enum machine_event_kind kind;
    enum machine_cause cause; /* RESET and SHUTDOWN */
};

/*
 * One client of the main loop (the monitor): machine_run polls the
 * descriptors it names and reports every lifecycle event to it, all on
 * the main thread.
 */
struct pollfd;
struct machine_client {
    unsigned (*poll_fds)(void *opaque, struct pollfd *fds, unsigned max);
    void (*poll_ready)(void *opaque, const struct pollfd *fds, unsigned n);
    void (*event)(void *opaque, const struct machine_event *ev);
    void *opaque;
};
#define MACHINE_CLIENT_FDS 32
void machine_attach_client(struct machine *m, const struct machine_client *client);

/*
 * Main-thread controls (the monitor, the console keys).  pause returns
 * once every vCPU is parked; pausing a machine that is not running and
 * resuming a running one change nothing and report no event.  Reset and
 * shutdown requests are carried out by the main loop (reset honours
 * -no-reboot as a guest reboot does).  powerdown reports the event and
 * tells the guest through an EPOW event (machine_event, RTAS
 * check-exception and event-scan).
 */
/*
 * -M boot-report: the firmware's milestones (PETREL_H_BOOT_MARK), and the
 * report printed when the machine has stopped: time since process start
 * and instructions executed (all vCPUs) at firmware entry, kernel entry,
 * the kernel's first hcall after prom_init, and power-off.
 */
void machine_boot_mark(struct machine *m, unsigned mark, unsigned arg);
void machine_boot_report(struct machine *m, FILE *out);

enum machine_runstate machine_runstate(struct machine *m);
void machine_pause(struct machine *m);
void machine_resume(struct machine *m);
void machine_request_reset(struct machine *m, enum machine_cause cause);
void machine_request_shutdown(struct machine *m, int status, enum machine_cause cause);
void machine_powerdown(struct machine *m);
/* The host thread id of a vCPU's thread (0 before machine_run starts it). */
int machine_vcpu_thread_id(struct machine *m, unsigned index);

/*
 * An EEH error injected from the host (QMP petrel-inject-eeh): the PE of
 * device number slot on PHB phb records an error of kind
 * PETREL_PE_ERR_MMIO or _DMA (include/petrel/pci.h) and freezes if the
 * OS enabled EEH on it -- what the PE's INJECT register does for RTAS
 * ibm,errinjct.  Returns 0, -1 for no such PHB or a bad kind, -2 when no
 * device is plugged in at slot.
 */
int machine_inject_eeh(struct machine *m, unsigned phb, unsigned slot, unsigned kind);

/* For tests and the monitor: has power-off been requested, with what status. */
bool machine_quit_requested(struct machine *m, int *status);
bool machine_reset_requested(struct machine *m);

/*
 * Snapshots (vmm/snapshot.h, machine_snapshot.h).  save parks the vCPUs
 * (between exits, as a reset does), captures the whole machine and writes
 * it to uri -- file:PATH (through a temporary file and rename) or
 * exec:COMMAND (its stdin) --; with stay_paused the
 * machine is paused first and stays paused ("postmigrate", the migrate
 * command), else it runs on as before once captured (petrel-savevm).
 * load reads and checks the whole file before touching anything -- a
 * bad file leaves the machine as it was, running or not -- then parks
 * the vCPUs and restores it in the fixed order; the run state is the
 * caller's to choose.  Both return 0, or -1 with one line in err.  From
 * the main thread (the monitor, main.c), never from a vCPU.
 */
int machine_save_snapshot(struct machine *m, const char *uri, bool stay_paused, char *err,
                          size_t errlen);
int machine_load_snapshot(struct machine *m, const char *uri, char *err, size_t errlen);
/* -incoming defer: held in "inmigrate" until a snapshot loads (resume
 * does nothing meanwhile). */
void machine_set_inmigrate(struct machine *m);

/* The last outgoing snapshot, for query-migrate. */
enum machine_migration_status {
    MACHINE_MIGRATION_NONE,
    MACHINE_MIGRATION_COMPLETED,
    MACHINE_MIGRATION_FAILED,
};
struct machine_migration {
    enum machine_migration_status status;
    uint64_t bytes, ram_pages;    /* the file's size; RAM pages not all zero */
    double total_ms, downtime_ms; /* downtime: vCPUs parked */
    char error[256];
};
void machine_migration(struct machine *m, struct machine_migration *out);

#endif
