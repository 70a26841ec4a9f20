/*
 * A machine's snapshot: its sections and the fixed restore order
 * (machine_snapshot.h; the container is snapshot.c).
 *
 * Sections: MACH (partition: compat level, MMU with the HPT's pages in
 * use, platform events, time-of-day offset, each vCPU's run flags and
 * PAPR registrations), CPU per vCPU (the backend's state), IRQ, PHB per
 * host bridge, VIO per virtio device (its backing image's size, then the
 * transport), RAM (only the pages that are not all zero).
 *
 * The restore order does not depend on the file's order or on how the
 * saving side got where it was: the compat level and MMU before any vCPU
 * register, the interrupt mode before any source, RAM before the PHBs and
 * devices that DMA into it, each device's transport last (spec/irq.md
 * §5, spec/rtas.md "lessons": a reordering here once broke POWER8/POWER9
 * migration in compat mode).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <petrel/service.h>

#include "../irq/irq.h"
#include "../pci/phb.h"
#include "dev/virtio_pci.h"
#include "machine_snapshot.h"
#include "memory.h"
#include "nvram.h"
#include "snapshot.h"

#define PAGE         4096u
#define MACH_VERSION 1u
#define RAM_VERSION  1u
#define VIO_VERSION  1u /* the wrapper: sectors, then the transport's own version */
#define NVRM_VERSION 1u

static const char *ic_mode_text(enum ic_mode m)
{
    return m == IC_MODE_XICS ? "xics" : m == IC_MODE_XIVE ? "xive" : "dual";
}

static const char *pci_kind_text(enum pci_device_kind k)
{
    switch (k) {
    case PCI_DEV_TEST: return "petrel-pci-test";
    case PCI_DEV_VIRTIO_BLK: return "virtio-blk-pci";
    case PCI_DEV_VIRTIO_RNG: return "virtio-rng-pci";
    case PCI_DEV_VIRTIO_NET: return "virtio-net-pci";
    }
    return "?";
}

char *snapshot_fingerprint(const struct machine_config *cfg)
{
    struct snap_writer w = {0};
    char item[1200];

    snprintf(item, sizeof(item),
             "ram=%llu cpus=%u max-cpus=%u threads=%u cpu=%08x max-cpu-compat=%08x ic-mode=%s "
             "phbs=%u irq-test=%d nvram=%.300s",
             (unsigned long long)cfg->ram_size, cfg->cpus, cfg->max_cpus, cfg->threads, cfg->pvr,
             cfg->max_compat_level, ic_mode_text(cfg->ic_mode), cfg->phbs,
             (int)cfg->irq_test_device, cfg->nvram ? cfg->nvram : "memory");
    snap_put_bytes(&w, item, strlen(item));
    for (unsigned i = 0; i < cfg->n_pci; i++) {
        const struct pci_device_config *d = &cfg->pci[i];
        int n = snprintf(item, sizeof(item), " pci%u=%s@%u.%d", i, pci_kind_text(d->kind), d->phb,
                         d->slot);
        if (d->kind == PCI_DEV_VIRTIO_BLK && d->drive >= 0) {
            const struct drive_config *dr = &cfg->drive[d->drive];
            snprintf(item + n, sizeof(item) - (size_t)n, ",file=%.1000s,ro=%d", dr->file,
                     (int)dr->readonly);
        }
        snap_put_bytes(&w, item, strlen(item));
    }
    snap_put_u8(&w, 0);
    if (w.failed) {
        snap_writer_free(&w);
        return NULL;
    }
    return (char *)w.buf;
}

static bool page_zero(const uint8_t *p)
{
    const uint64_t *q = (const uint64_t *)p;
    for (unsigned i = 0; i < PAGE / 8; i++)
        if (q[i])
            return false;
    return true;
}

/* Pages not all zero of [base, base + size): u64 count, (u64 index,
 * bytes).  Returns the count. */
static uint64_t put_pages(struct snap_writer *w, const uint8_t *base, uint64_t size)
{
    size_t at = w->len;
    uint64_t n = 0;

    /* One pass over the region: the count is patched in afterwards. */
    snap_put_u64(w, 0);
    for (uint64_t off = 0; off < size; off += PAGE) {
        if (!page_zero(base + off)) {
            snap_put_u64(w, off / PAGE);
            snap_put_bytes(w, base + off, PAGE);
            n++;
        }
    }
    for (unsigned i = 0; !w->failed && i < 8; i++)
        w->buf[at + i] = (uint8_t)(n >> (8 * i));
    return n;
}

/* Checks a page list for a region of `pages` pages; *list = its start. */
static bool check_pages(struct snap_reader *r, uint64_t pages, const uint8_t **list, uint64_t *n)
{
    uint64_t last = 0;

    *n = snap_get_u64(r);
    *list = r->p + r->pos;
    if (r->bad || *n > pages)
        return false;
    for (uint64_t k = 0; k < *n; k++) {
        uint64_t idx = snap_get_u64(r);
        if (!snap_get_span(r, PAGE) || idx >= pages || (k && idx <= last))
            return false;
        last = idx;
    }
    return true;
}

/* Copies a checked page list over [base, base + size); the pages it
 * does not hold read as zero afterwards.  base is anonymous memory (guest
 * RAM, an HPT): dropping its pages zeroes them without touching -- and so
 * without allocating -- what the snapshot does not fill. */
static void copy_pages(uint8_t *base, uint64_t size, const uint8_t *list, uint64_t n)
{
    struct snap_reader r = {list, (size_t)n * (8 + PAGE), 0, false};

    if (madvise(base, size, MADV_DONTNEED) != 0)
        memset(base, 0, size);
    for (uint64_t k = 0; k < n; k++) {
        uint64_t idx = snap_get_u64(&r);
        memcpy(base + idx * PAGE, snap_get_span(&r, PAGE), PAGE);
    }
}

int snapshot_build(const struct snap_machine *m, uint8_t **buf, size_t *len, uint64_t *ram_pages,
                   char *err, size_t errlen)
{
    struct snap_file_writer f;
    struct snap_writer w = {0};
    char *fp = snapshot_fingerprint(m->cfg);

    *buf = NULL;
    *len = 0;
    if (!fp) {
        snprintf(err, errlen, "snapshot: out of memory");
        return -1;
    }
    snap_file_begin(&f, fp);
    free(fp);

    snap_put_u32(&w, *m->compat_pvr);
    snap_put_u64(&w, *m->mmu_lpcr);
    snap_put_u64(&w, m->mmu->proc_tbl);
    snap_put_u32(&w, m->mmu->hpt ? m->mmu->hpt_shift : 0);
    if (m->mmu->hpt)
        put_pages(&w, m->mmu->hpt, 1ull << m->mmu->hpt_shift);
    snap_put_u32(&w, *m->events_pending);
    snap_put_u64(&w, (uint64_t)*m->rtc_sec);
    snap_put_u64(&w, (uint64_t)*m->rtc_nsec);
    snap_put_u32(&w, m->n_vcpus);
    for (unsigned i = 0; i < m->n_vcpus; i++) {
        snap_put_u8(&w, *m->vcpu[i].runnable);
        snap_put_u8(&w, *m->vcpu[i].prodded);
        snap_put_u64(&w, m->vcpu[i].papr->vpa);
        snap_put_u64(&w, m->vcpu[i].papr->dtl);
        snap_put_u64(&w, m->vcpu[i].papr->slb_shadow);
    }
    snap_file_section(&f, SNAP_SEC_MACHINE, 0, MACH_VERSION, &w);
    snap_writer_free(&w);

    for (unsigned i = 0; i < m->n_vcpus; i++) {
        m->be->save_state(m->vcpu[i].cpu, &w);
        snap_file_section(&f, SNAP_SEC_CPU, i, m->be->state_version, &w);
        snap_writer_free(&w);
    }
    irq_save(m->irq, &w);
    snap_file_section(&f, SNAP_SEC_IRQ, 0, irq_state_version(), &w);
    snap_writer_free(&w);
    for (unsigned i = 0; i < m->n_phbs; i++) {
        phb_save(&m->phb[i], &w);
        snap_file_section(&f, SNAP_SEC_PHB, i, phb_state_version(), &w);
        snap_writer_free(&w);
    }
    for (unsigned i = 0; i < m->n_virtio; i++) {
        snap_put_u64(&w, m->virtio[i].sectors);
        snap_put_u32(&w, virtio_pci_state_version());
        virtio_pci_save(m->virtio[i].vp, &w);
        snap_file_section(&f, SNAP_SEC_VIRTIO, i, VIO_VERSION, &w);
        snap_writer_free(&w);
    }
    /* NVRAM: u32 size, u8 in memory, then its bytes unless a file backs it. */
    pthread_mutex_lock(&m->nvram->lock);
    snap_put_u32(&w, m->nvram->size);
    snap_put_u8(&w, m->nvram->fd < 0);
    if (m->nvram->fd < 0)
        snap_put_bytes(&w, m->nvram->data, m->nvram->size);
    pthread_mutex_unlock(&m->nvram->lock);
    snap_file_section(&f, SNAP_SEC_NVRAM, 0, NVRM_VERSION, &w);
    snap_writer_free(&w);

    snap_put_u64(&w, m->mem->ram_size);
    *ram_pages = put_pages(&w, m->mem->ram, m->mem->ram_size);
    snap_file_section(&f, SNAP_SEC_RAM, 0, RAM_VERSION, &w);
    snap_writer_free(&w);

    if (snap_file_end(&f) != 0) {
        snap_writer_free(&f.w);
        snprintf(err, errlen, "snapshot: out of memory");
        return -1;
    }
    *buf = f.w.buf;
    *len = f.w.len;
    return 0;
}

/* ---- loading ---- */

struct snap_staged {
    struct snap_section *secs;
    unsigned n_secs;
    /* The sections by role (indexes into secs). */
    const struct snap_section *mach, *irq, *ram, *nvram, **cpu, **phb, **vio;
    const uint8_t *nvram_data; /* NULL: a file backs it, nothing to copy */
    /* MACH, decoded. */
    uint32_t compat_pvr, hpt_shift, events;
    uint64_t mmu_lpcr, proc_tbl;
    int64_t rtc_sec, rtc_nsec;
    uint8_t *hpt; /* mmap'd, filled: handed to the machine by apply */
    struct {
        bool runnable, prodded;
        struct papr_vcpu papr;
    } * vcpu;
    /* RAM's page list. */
    const uint8_t *ram_pages;
    uint64_t ram_n;
};

void snapshot_discard(struct snap_staged *s)
{
    if (!s)
        return;
    if (s->hpt)
        munmap(s->hpt, 1ull << s->hpt_shift);
    free(s->secs);
    free(s->cpu);
    free(s->phb);
    free(s->vio);
    free(s->vcpu);
    free(s);
}

static int stage_fail(struct snap_staged *s, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int stage_fail(struct snap_staged *s, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    int n;

    snapshot_discard(s);
    if (!fmt)
        return -1; /* err already says why */
    n = snprintf(err, errlen, "snapshot: ");
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Component errors come without the prefix: add it. */
static int component_fail(struct snap_staged *s, char *err, size_t errlen, const char *msg)
{
    char copy[400];
    snprintf(copy, sizeof(copy), "%s", msg);
    return stage_fail(s, err, errlen, "%s", copy);
}

/* Places section x into its role slot; duplicates and strays are errors. */
static int assign(const struct snap_section **slot, const struct snap_section *x, char *err,
                  size_t errlen)
{
    char name[5];
    if (*slot) {
        snprintf(err, errlen, "snapshot: section '%s' %u appears twice", snap_id_name(x->id, name),
                 x->instance);
        return -1;
    }
    *slot = x;
    return 0;
}

static int stage_mach(const struct snap_machine *m, struct snap_staged *s, char *err, size_t errlen)
{
    const struct snap_section *x = s->mach;
    struct snap_reader r = {x->payload, (size_t)x->len, 0, false};
    const uint8_t *hpt_list = NULL;
    uint64_t hpt_n = 0;

    if (x->version != MACH_VERSION)
        return stage_fail(s, err, errlen, "machine section version %u, this petrel reads %u",
                          x->version, MACH_VERSION);
    s->compat_pvr = snap_get_u32(&r);
    s->mmu_lpcr = snap_get_u64(&r);
    s->proc_tbl = snap_get_u64(&r);
    s->hpt_shift = snap_get_u32(&r);
    if (s->mmu_lpcr & ~CPU_LPCR_MMU)
        return stage_fail(s, err, errlen, "machine: MMU LPCR bits 0x%llx out of range",
                          (unsigned long long)s->mmu_lpcr);
    /* What H_REGISTER_PROC_TBL can register (hcall/radix.c): a 4K-aligned
     * base below 2^60 with log2(size) - 12 <= 24 in the low bits. */
    if ((s->proc_tbl >> 60) || (s->proc_tbl & 0xfff) > 24)
        return stage_fail(s, err, errlen, "machine: process table 0x%llx out of range",
                          (unsigned long long)s->proc_tbl);
    /* PETREL_H_ALLOC_HPT's range for this RAM size (hcall/hpt.c). */
    if (s->hpt_shift && (s->hpt_shift < PETREL_HPT_SHIFT_MIN ||
                         s->hpt_shift > petrel_hpt_shift_for_ram(m->mem->ram_size) + 1))
        return stage_fail(s, err, errlen, "machine: HPT size 2^%u out of range", s->hpt_shift);
    if (s->hpt_shift && !check_pages(&r, (1ull << s->hpt_shift) / PAGE, &hpt_list, &hpt_n))
        return stage_fail(s, err, errlen, "machine: HPT page list malformed");
    s->events = snap_get_u32(&r);
    s->rtc_sec = (int64_t)snap_get_u64(&r);
    s->rtc_nsec = (int64_t)snap_get_u64(&r);
    if (snap_get_u32(&r) != m->n_vcpus || r.bad)
        return stage_fail(s, err, errlen, "machine: saved for another number of vCPUs");
    if (s->rtc_nsec < 0 || s->rtc_nsec >= 1000000000)
        return stage_fail(s, err, errlen, "machine: time-of-day offset out of range");
    s->vcpu = calloc(m->n_vcpus, sizeof(*s->vcpu));
    if (!s->vcpu)
        return stage_fail(s, err, errlen, "out of memory");
    for (unsigned i = 0; i < m->n_vcpus; i++) {
        uint8_t run = snap_get_u8(&r), prod = snap_get_u8(&r);
        if (run > 1 || prod > 1)
            return stage_fail(s, err, errlen, "machine: vCPU %u run flags out of range", i);
        s->vcpu[i].runnable = run;
        s->vcpu[i].prodded = prod;
        s->vcpu[i].papr.vpa = snap_get_u64(&r);
        s->vcpu[i].papr.dtl = snap_get_u64(&r);
        s->vcpu[i].papr.slb_shadow = snap_get_u64(&r);
    }
    if (!snap_reader_done(&r))
        return stage_fail(s, err, errlen, "machine section length does not match version %u",
                          x->version);
    if (s->hpt_shift) {
        void *p = mmap(NULL, 1ull << s->hpt_shift, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return stage_fail(s, err, errlen, "cannot allocate the 2^%u-byte HPT", s->hpt_shift);
        s->hpt = p;
        copy_pages(s->hpt, 1ull << s->hpt_shift, hpt_list, hpt_n);
    }
    return 0;
}

int snapshot_stage(const struct snap_machine *m, const uint8_t *buf, size_t len,
                   struct snap_staged **staged, char *err, size_t errlen)
{
    struct snap_staged *s = calloc(1, sizeof(*s));
    char *fp = snapshot_fingerprint(m->cfg);
    char name[5], cerr[400];

    *staged = NULL;
    if (!s || !fp) {
        free(fp);
        return stage_fail(s, err, errlen, "out of memory");
    }
    if (snap_file_parse(buf, len, fp, &s->secs, &s->n_secs, err, errlen) != 0) {
        free(fp);
        return stage_fail(s, err, errlen, NULL);
    }
    free(fp);
    s->cpu = calloc(m->n_vcpus, sizeof(*s->cpu));
    s->phb = calloc(m->n_phbs ? m->n_phbs : 1, sizeof(*s->phb));
    s->vio = calloc(m->n_virtio ? m->n_virtio : 1, sizeof(*s->vio));
    if (!s->cpu || !s->phb || !s->vio)
        return stage_fail(s, err, errlen, "out of memory");

    for (unsigned k = 0; k < s->n_secs; k++) {
        const struct snap_section *x = &s->secs[k];
        const struct snap_section **slot = NULL;
        if (x->id == SNAP_SEC_MACHINE && x->instance == 0)
            slot = &s->mach;
        else if (x->id == SNAP_SEC_IRQ && x->instance == 0)
            slot = &s->irq;
        else if (x->id == SNAP_SEC_RAM && x->instance == 0)
            slot = &s->ram;
        else if (x->id == SNAP_SEC_NVRAM && x->instance == 0)
            slot = &s->nvram;
        else if (x->id == SNAP_SEC_CPU && x->instance < m->n_vcpus)
            slot = &s->cpu[x->instance];
        else if (x->id == SNAP_SEC_PHB && x->instance < m->n_phbs)
            slot = &s->phb[x->instance];
        else if (x->id == SNAP_SEC_VIRTIO && x->instance < m->n_virtio)
            slot = &s->vio[x->instance];
        if (!slot)
            return stage_fail(s, err, errlen, "unknown section '%s' %u", snap_id_name(x->id, name),
                              x->instance);
        if (assign(slot, x, err, errlen))
            return stage_fail(s, err, errlen, NULL);
    }
    if (!s->mach)
        return stage_fail(s, err, errlen, "no machine section");
    if (!s->irq)
        return stage_fail(s, err, errlen, "no interrupt controller section");
    if (!s->ram)
        return stage_fail(s, err, errlen, "no RAM section");
    if (!s->nvram)
        return stage_fail(s, err, errlen, "no NVRAM section");
    for (unsigned i = 0; i < m->n_vcpus; i++)
        if (!s->cpu[i])
            return stage_fail(s, err, errlen, "no section for vCPU %u", i);
    for (unsigned i = 0; i < m->n_phbs; i++)
        if (!s->phb[i])
            return stage_fail(s, err, errlen, "no section for PHB %u", i);
    for (unsigned i = 0; i < m->n_virtio; i++)
        if (!s->vio[i])
            return stage_fail(s, err, errlen, "no section for virtio device %u", i);

    /* Every component checks its own payload without applying it. */
    if (stage_mach(m, s, err, errlen))
        return -1;
    for (unsigned i = 0; i < m->n_vcpus; i++) {
        struct snap_reader r = {s->cpu[i]->payload, (size_t)s->cpu[i]->len, 0, false};
        if (m->be->load_state(m->vcpu[i].cpu, &r, s->cpu[i]->version, false, cerr, sizeof(cerr)))
            return component_fail(s, err, errlen, cerr);
    }
    {
        struct snap_reader r = {s->irq->payload, (size_t)s->irq->len, 0, false};
        if (irq_load(m->irq, &r, s->irq->version, false, cerr, sizeof(cerr)))
            return component_fail(s, err, errlen, cerr);
    }
    for (unsigned i = 0; i < m->n_phbs; i++) {
        struct snap_reader r = {s->phb[i]->payload, (size_t)s->phb[i]->len, 0, false};
        if (phb_load(&m->phb[i], &r, s->phb[i]->version, false, cerr, sizeof(cerr)))
            return component_fail(s, err, errlen, cerr);
    }
    for (unsigned i = 0; i < m->n_virtio; i++) {
        struct snap_reader r = {s->vio[i]->payload, (size_t)s->vio[i]->len, 0, false};
        uint64_t sectors = snap_get_u64(&r);
        unsigned version = snap_get_u32(&r);
        if (s->vio[i]->version != VIO_VERSION)
            return stage_fail(s, err, errlen,
                              "virtio device %u: section version %u, this "
                              "petrel reads %u",
                              i, s->vio[i]->version, VIO_VERSION);
        if (r.bad || sectors != m->virtio[i].sectors)
            return stage_fail(s, err, errlen,
                              "virtio device %u: the backing image had %llu sectors, it has "
                              "%llu now",
                              i, (unsigned long long)sectors,
                              (unsigned long long)m->virtio[i].sectors);
        if (virtio_pci_load(m->virtio[i].vp, &r, version, false, cerr, sizeof(cerr)))
            return component_fail(s, err, errlen, cerr);
    }
    {
        struct snap_reader r = {s->nvram->payload, (size_t)s->nvram->len, 0, false};
        uint32_t size = snap_get_u32(&r);
        uint8_t in_memory = snap_get_u8(&r);
        if (s->nvram->version != NVRM_VERSION)
            return stage_fail(s, err, errlen, "NVRAM section version %u, this petrel reads %u",
                              s->nvram->version, NVRM_VERSION);
        if (r.bad || size != m->nvram->size || in_memory != (m->nvram->fd < 0))
            return stage_fail(s, err, errlen, "NVRAM saved with another size or store");
        s->nvram_data = in_memory ? snap_get_span(&r, size) : NULL;
        if (!snap_reader_done(&r))
            return stage_fail(s, err, errlen, "NVRAM section length does not match its size");
    }
    {
        struct snap_reader r = {s->ram->payload, (size_t)s->ram->len, 0, false};
        if (s->ram->version != RAM_VERSION)
            return stage_fail(s, err, errlen, "RAM section version %u, this petrel reads %u",
                              s->ram->version, RAM_VERSION);
        if (snap_get_u64(&r) != m->mem->ram_size)
            return stage_fail(s, err, errlen, "RAM size differs");
        if (!check_pages(&r, m->mem->ram_size / PAGE, &s->ram_pages, &s->ram_n) ||
            !snap_reader_done(&r))
            return stage_fail(s, err, errlen, "RAM page list malformed");
    }
    *staged = s;
    return 0;
}

void snapshot_apply(const struct snap_machine *m, struct snap_staged *s)
{
    char cerr[400];

    /* 1. Partition state: the compat level and the MMU before any vCPU
     * register, so no vCPU ever holds state its level does not allow. */
    *m->compat_pvr = s->compat_pvr;
    if (m->mmu->hpt)
        munmap(m->mmu->hpt, 1ull << m->mmu->hpt_shift);
    m->mmu->hpt = s->hpt;
    m->mmu->hpt_shift = s->hpt ? s->hpt_shift : 0;
    m->mmu->proc_tbl = s->proc_tbl;
    s->hpt = NULL; /* the machine's now */
    *m->mmu_lpcr = s->mmu_lpcr;
    *m->events_pending = s->events;
    *m->rtc_sec = s->rtc_sec;
    *m->rtc_nsec = s->rtc_nsec;
    if (s->nvram_data) {
        pthread_mutex_lock(&m->nvram->lock);
        memcpy(m->nvram->data, s->nvram_data, m->nvram->size);
        pthread_mutex_unlock(&m->nvram->lock);
    }

    /* 2. vCPUs: the partition MMU, then each one's own state. */
    guest_mem_forget_code(m->mem);
    for (unsigned i = 0; i < m->n_vcpus; i++) {
        struct snap_reader r = {s->cpu[i]->payload, (size_t)s->cpu[i]->len, 0, false};
        m->be->set_mmu(m->vcpu[i].cpu, m->mmu);
        m->be->load_state(m->vcpu[i].cpu, &r, s->cpu[i]->version, true, cerr, sizeof(cerr));
        m->be->set_lpcr(m->vcpu[i].cpu, CPU_LPCR_MMU, *m->mmu_lpcr);
        *m->vcpu[i].runnable = s->vcpu[i].runnable;
        *m->vcpu[i].prodded = s->vcpu[i].prodded;
        *m->vcpu[i].papr = s->vcpu[i].papr;
    }

    /* 3. The interrupt controller: mode, then sources, then presenters
     * (irq_load keeps that order itself). */
    {
        struct snap_reader r = {s->irq->payload, (size_t)s->irq->len, 0, false};
        irq_load(m->irq, &r, s->irq->version, true, cerr, sizeof(cerr));
    }

    /* 4-6. RAM, then the PHBs and the devices that DMA into it, all under
     * the PHBs' locks so that no back-end thread moves a frame through a
     * half-restored device. */
    for (unsigned i = 0; i < m->n_phbs; i++)
        phb_lock(&m->phb[i]);
    copy_pages(m->mem->ram, m->mem->ram_size, s->ram_pages, s->ram_n);
    guest_ram_note_write(m->mem, 0, m->mem->ram_size);
    for (unsigned i = 0; i < m->n_phbs; i++) {
        struct snap_reader r = {s->phb[i]->payload, (size_t)s->phb[i]->len, 0, false};
        phb_load(&m->phb[i], &r, s->phb[i]->version, true, cerr, sizeof(cerr));
    }
    for (unsigned i = 0; i < m->n_virtio; i++) {
        struct snap_reader r = {s->vio[i]->payload, (size_t)s->vio[i]->len, 0, false};
        unsigned version;
        snap_get_u64(&r);
        version = snap_get_u32(&r);
        virtio_pci_load(m->virtio[i].vp, &r, version, true, cerr, sizeof(cerr));
    }
    for (unsigned i = m->n_phbs; i-- > 0;)
        phb_unlock(&m->phb[i]);
    snapshot_discard(s);
}
