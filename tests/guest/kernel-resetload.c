/*
 * The reset-under-load kernel (run_resetload.py): booted with -kernel on
 * -smp 2 under XICS with one virtio-blk-pci (MSI-X) at PHB 0 slot 0 over a
 * raw image, it writes numbered blocks forever while the host resets the
 * machine at random moments (QMP system_reset) and it sometimes reboots
 * itself (RTAS system-reboot).
 *
 * The image: sector 0 is the acknowledgement log {"PTRLACKL", the last
 * acknowledged write's number, boots}; sectors 1..SLOTS hold write s in
 * sector 1 + s % SLOTS as {"PTRLDATA", s, the boot, bytes (s * 31 + i)}.
 * A write counts as acknowledged when the used ring returned it with
 * VIRTIO_BLK_S_OK and its MSI-X interrupt arrived; the kernel then prints
 * "ack S" and records S in the log (another acknowledged write).  Every
 * completion's interrupt goes to vCPU 0 or vCPU 1 by turns (ibm,set-xive
 * before the request): vCPU 0 takes its own through H_XIRR, vCPU 1 polls
 * H_XIRR and counts what it takes.
 *
 * Every boot first checks what the previous ones left: no interrupt
 * pending at either vCPU, every slot well-formed (none torn), and every
 * write up to the log's number (SLOTS back) on the disk -- a slot holds
 * that write or a later one of the same slot.  Then "resetload: boot B
 * ok, acked writes up to L on disk, next S".  "resetload FAIL ..." and
 * status 1 on any broken rule.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <libfdt.h>
#include <petrel/papr.h>
#include <petrel/pci.h>
#include <petrel/virtio.h>

#include "hcall.h"
#include "kernel-pcilib.h"

#define SLOTS 64u
#define IOBA  0x10000u
#define QSIZE 8u
enum { PG_DESC, PG_AVAIL, PG_USED, PG_HDR, PG_DATA, PAGES };
static uint8_t qmem[PAGES][4096] __attribute__((aligned(4096)));
#define BUS(pg, off) (IOBA + 4096u * (pg) + (off))

static const char data_magic[8] = "PTRLDATA", log_magic[8] = "PTRLACKL";

struct dev {
    struct pci_fn fn;
    uint64_t msix, regs;
    uint32_t msix_cap, src;
};
static struct dev d;
static uint16_t avail_idx;

/* Shared with vCPU 1 (secondary_main). */
static volatile uint64_t taken1; /* completions vCPU 1 took */
static volatile uint32_t src1;   /* the source it expects; 0 until set */
static volatile int v1_failed;

void secondary_entry(void);
void secondary_main(uint64_t r3, uint64_t msr);

static void __attribute__((noreturn)) die(const char *why, uint64_t v)
{
    puts_("resetload FAIL: ");
    puts_(why);
    puts_(" ");
    put_hex(v);
    puts_("\n");
    power_off(1);
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* ---- the device ---- */

static void msi_setup(void)
{
    uint32_t out[3];

    if (change_msi(&d.fn, 1, 2, 4, out) != 0 || out[2] != 2)
        die("ibm,change-msi", out[2]);
    if (query_source(&d.fn, 0, out) != 0)
        die("query-interrupt-source-number", 0);
    d.src = out[0];
    cfg_write(&d.fn, 0x04, 2, 0x0006);
    cfg_write(&d.fn, d.msix_cap + 2, 2, cfg_read(&d.fn, d.msix_cap + 2, 2) | 0x8000);
    for (uint32_t i = 0; i < 2; i++)
        wr32(d.msix + 16 * i + 12, 0);
}

static void virtio_init(void)
{
    uint64_t c = d.regs + PETREL_VIRTIO_COMMON;

    wr8(c + VIRTIO_COMMON_STATUS, 0);
    memset(qmem, 0, sizeof(qmem));
    avail_idx = 0;
    wr8(c + VIRTIO_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    /* VERSION_1 and ACCESS_PLATFORM (the runner gives iommu_platform=on):
     * the rings and buffers are bus addresses the TCE table maps. */
    wr32(c + VIRTIO_COMMON_GFSELECT, 1);
    wr32(c + VIRTIO_COMMON_GF, 1u | 1u << (VIRTIO_F_ACCESS_PLATFORM - 32));
    wr32(c + VIRTIO_COMMON_GFSELECT, 0);
    /* FLUSH accepted (and never used): writes are not synced one by one;
     * the host reads them through the page cache. */
    wr32(c + VIRTIO_COMMON_GF, 1u << VIRTIO_BLK_F_FLUSH);
    wr8(c + VIRTIO_COMMON_STATUS, 0x0b);
    if (rd8(c + VIRTIO_COMMON_STATUS) != 0x0b)
        die("FEATURES_OK refused", 0);
    wr16(c + VIRTIO_COMMON_MSIX, 1);
    wr16(c + VIRTIO_COMMON_Q_SELECT, 0);
    wr16(c + VIRTIO_COMMON_Q_SIZE, QSIZE);
    wr16(c + VIRTIO_COMMON_Q_MSIX, 0);
    wr32(c + VIRTIO_COMMON_Q_DESC, BUS(PG_DESC, 0));
    wr32(c + VIRTIO_COMMON_Q_DESC + 4, 0);
    wr32(c + VIRTIO_COMMON_Q_AVAIL, BUS(PG_AVAIL, 0));
    wr32(c + VIRTIO_COMMON_Q_AVAIL + 4, 0);
    wr32(c + VIRTIO_COMMON_Q_USED, BUS(PG_USED, 0));
    wr32(c + VIRTIO_COMMON_Q_USED + 4, 0);
    wr16(c + VIRTIO_COMMON_Q_ENABLE, 1);
    wr8(c + VIRTIO_COMMON_STATUS, 0x0f);
    if (rd8(c + VIRTIO_COMMON_STATUS) != 0x0f)
        die("DRIVER_OK refused", 0);
}

static void desc(unsigned i, uint32_t bus, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *p = qmem[PG_DESC] + 16 * i;

    put_le(p, 8, bus);
    put_le(p + 8, 4, len);
    put_le(p + 12, 2, flags);
    put_le(p + 14, 2, next);
}

/* Completion interrupts go to vCPU server by turns. */
static void route(uint32_t server)
{
    uint32_t in[3] = {d.src, server, 5};

    if (rtas_call("ibm,set-xive", 3, 1, in, NULL) != 0)
        die("ibm,set-xive", server);
}

static uint64_t mftb(void)
{
    uint64_t tb;
    __asm__ volatile("mftb %0" : "=r"(tb));
    return tb;
}

/* Waits for the completion's MSI-X at server (0: here, 1: vCPU 1), 10 s
 * of timebase at most (512 MHz): the host may be slow (sanitizers) or
 * busy, vCPU 1's thread not scheduled for a while. */
static void await_interrupt(uint32_t server, uint64_t taken_before)
{
    uint64_t t0 = mftb();

    while (mftb() - t0 < 10 * 512000000ull) {
        if (server == 0) {
            uint32_t x = xics_take();
            if (x == d.src)
                return;
            if (x)
                die("unexpected interrupt source at vCPU 0", x);
        } else if (taken1 != taken_before) {
            if (taken1 != taken_before + 1)
                die("vCPU 1 took an extra completion", taken1);
            return;
        }
        if (v1_failed)
            die("vCPU 1 took an unexpected source", (uint64_t)v1_failed);
    }
    die("no completion interrupt at vCPU", server);
}

/* One request, its status and its interrupt at server. */
static void blk_request(uint32_t type, uint64_t sector, uint32_t server)
{
    uint8_t *hdr = qmem[PG_HDR], *st = qmem[PG_HDR] + 64;
    uint16_t used_before = (uint16_t)get_le(qmem[PG_USED] + 2, 2);
    uint64_t t1 = taken1;

    route(server);
    put_le(hdr, 4, type);
    put_le(hdr + 4, 4, 0);
    put_le(hdr + 8, 8, sector);
    *st = 0xee;
    desc(0, BUS(PG_HDR, 0), 16, VIRTQ_DESC_F_NEXT, 1);
    desc(1, BUS(PG_DATA, 0), 512,
         VIRTQ_DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0), 2);
    desc(2, BUS(PG_HDR, 64), 1, VIRTQ_DESC_F_WRITE, 0);
    put_le(qmem[PG_AVAIL] + 4 + 2 * (avail_idx % QSIZE), 2, 0);
    avail_idx++;
    __asm__ volatile("sync" ::: "memory");
    put_le(qmem[PG_AVAIL] + 2, 2, avail_idx);
    wr16(d.regs + PETREL_VIRTIO_NOTIFY, 0);
    __asm__ volatile("sync" ::: "memory");
    if ((uint16_t)get_le(qmem[PG_USED] + 2, 2) == (uint16_t)(used_before + 1) &&
        *st == VIRTIO_BLK_S_OK) {
        await_interrupt(server, t1);
        return;
    }
    die("request not completed, status", *st);
}

/* ---- vCPU 1: polls H_XIRR, takes and counts the completions ---- */

void secondary_main(uint64_t r3, uint64_t msr)
{
    unsigned long out[4];

    (void)r3, (void)msr;
    hcall4(H_CPPR, 0xff, 0, 0, 0, NULL);
    for (;;) {
        uint32_t x;
        hcall4(H_XIRR, 0, 0, 0, 0, out);
        x = (uint32_t)(out[0] & 0xffffff);
        if (!x)
            continue;
        hcall4(H_EOI, out[0], 0, 0, 0, NULL);
        if (x != src1)
            v1_failed = (int)x;
        else
            taken1++;
    }
}

/* ---- the log and the data ---- */

static uint64_t boots;

static void write_log(uint64_t last, bool any, uint32_t server)
{
    uint8_t *b = qmem[PG_DATA];

    memset(b, 0, 512);
    memcpy(b, log_magic, 8);
    put_be64(b + 8, any ? last : ~0ull);
    put_be64(b + 16, boots);
    blk_request(VIRTIO_BLK_T_OUT, 0, server);
}

static void fill_data(uint8_t *b, uint64_t s)
{
    memcpy(b, data_magic, 8);
    put_be64(b + 8, s);
    put_be64(b + 16, boots);
    for (unsigned i = 24; i < 512; i++)
        b[i] = (uint8_t)(s * 31 + i);
}

/* The previous boots' writes: returns the next write's number. */
static uint64_t verify_disk(void)
{
    static uint64_t slot_seq[SLOTS];
    static bool slot_full[SLOTS];
    uint8_t *b = qmem[PG_DATA];
    uint64_t last = ~0ull, next = 0;
    bool any = false;

    blk_request(VIRTIO_BLK_T_IN, 0, 0);
    if (!memcmp(b, log_magic, 8)) {
        last = get_be64(b + 8);
        boots = get_be64(b + 16);
    } else {
        for (unsigned i = 0; i < 512; i++)
            if (b[i])
                die("the log sector is neither empty nor a log", i);
    }
    for (uint32_t slot = 0; slot < SLOTS; slot++) {
        blk_request(VIRTIO_BLK_T_IN, 1 + slot, slot & 1);
        slot_full[slot] = !memcmp(b, data_magic, 8);
        if (!slot_full[slot]) {
            for (unsigned i = 0; i < 512; i++)
                if (b[i])
                    die("a torn slot", slot);
            continue;
        }
        slot_seq[slot] = get_be64(b + 8);
        if (slot_seq[slot] % SLOTS != slot)
            die("a slot holds another slot's write", slot);
        for (unsigned i = 24; i < 512; i++)
            if (b[i] != (uint8_t)(slot_seq[slot] * 31 + i))
                die("a corrupt slot", slot);
        if (slot_seq[slot] + 1 > next)
            next = slot_seq[slot] + 1;
        any = true;
    }
    if (last != ~0ull) {
        /* Every acknowledged write still in its slot's window is there. */
        for (uint64_t s = last >= SLOTS - 1 ? last - (SLOTS - 1) : 0; s <= last; s++)
            if (!slot_full[s % SLOTS] || slot_seq[s % SLOTS] < s)
                die("an acknowledged write is not on the disk", s);
        if (!any || next <= last)
            die("the log is ahead of the disk", last);
    }
    boots++;
    puts_("resetload: boot ");
    put_dec((int64_t)boots);
    puts_(" ok, acked writes up to ");
    if (last == ~0ull)
        puts_("none");
    else
        put_dec((int64_t)last);
    puts_(" on disk, next ");
    put_dec((int64_t)next);
    puts_("\n");
    write_log(last, last != ~0ull, 0);
    return next;
}

static bool find_dev(void)
{
    uint64_t pci, size;

    if (!pci_find("/pci@800000020000000/pci1af4,1042@0", &d.fn))
        return false;
    if (!pci_bar(&d.fn, 0x14, &d.msix, &pci, &size) || !pci_bar(&d.fn, 0x20, &d.regs, &pci, &size))
        return false;
    d.msix_cap = cfg_find_cap(&d.fn, 0x11);
    return d.msix_cap != 0;
}

void kernel_main(uint64_t r3)
{
    uint32_t in[3];
    uint64_t s, n = 0;

    check_prefix = "resetload";
    rtas_init(r3);
    /* Nothing left over from before the reset: no interrupt pending. */
    hcall4(H_CPPR, 0xff, 0, 0, 0, NULL);
    if (xics_take() != 0)
        die("an interrupt pending at boot", 0);
    if (!find_dev())
        die("no virtio-blk in the tree", 0);
    for (unsigned p = 0; p < PAGES; p++)
        if (hcall4(H_PUT_TCE, PETREL_PHB_LIOBN(0), BUS(p, 0),
                   (uintptr_t)qmem[p] | PETREL_TCE_READ | PETREL_TCE_WRITE, 0, NULL) != H_SUCCESS)
            die("H_PUT_TCE", p);
    msi_setup();
    src1 = d.src;
    in[0] = 1;
    in[1] = (uint32_t)(uintptr_t)secondary_entry;
    in[2] = 0;
    if (rtas_call("start-cpu", 3, 1, in, NULL) != 0)
        die("start-cpu", 0);
    virtio_init();
    s = verify_disk();
    for (;; s++, n++) {
        uint32_t server = (uint32_t)(s & 1);
        fill_data(qmem[PG_DATA], s);
        blk_request(VIRTIO_BLK_T_OUT, 1 + s % SLOTS, server);
        puts_("ack ");
        put_dec((int64_t)s);
        puts_("\n");
        write_log(s, true, server ^ 1);
        /* Now and then the guest reboots itself, mid-stream. */
        if (boots % 5 == 2 && n == 10 + boots % 13) {
            puts_("resetload: guest reboot\n");
            rtas_call("system-reboot", 0, 1, NULL, NULL);
            die("system-reboot returned", 0);
        }
    }
}
