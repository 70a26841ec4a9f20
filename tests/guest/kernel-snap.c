/*
 * The snapshot kernel (tests/guest/run_snapshot_tests.py): booted with
 * -kernel on the flattened-tree path with one virtio-blk-pci over a
 * zeroed raw image.  It runs a long, fully deterministic loop of polled
 * virtio-blk I/O (no interrupts, no timebase): each step writes a sector
 * with a pattern drawn from a running hash, reads another back and folds
 * it into the hash, so every line it prints depends on the disk, the
 * rings and the CPU state all being right; every 8 steps it also puts an
 * entry in the hashed page table and reads an older one back (under
 * radix, refused alike each run).  Every 64 steps it also
 * prints two probes of partition state a snapshot must keep:
 *   xics  H_IPOLL's status: H_SUCCESS under XICS, H_FUNCTION under XIVE
 *         (spec/hcalls.md §7), so a restore that loses the interrupt
 *         mode CAS chose changes the line;
 *   radix H_REGISTER_PROC_TBL asking for radix with a misaligned table:
 *         H_P2 at the POWER9 level, H_PARAMETER at POWER8 compat (no
 *         radix), so a restore that loses the compat level changes it.
 * Each completion also comes as an MSI-X interrupt (EE stays off: it is
 * found pending) -- under XICS accepted with H_XIRR and EOI'd, under XIVE
 * acknowledged at the TIMA, read from the event queue in guest RAM and
 * EOI'd at its ESB page -- so the presenter, the source's route, the
 * event queue and the PHB's MSI table must all come back too.
 * A test saves it at a random step (QMP migrate), restores the file into
 * a new petrel and checks that the two outputs put together are the
 * straight run's, byte for byte.  Ends with "snap: done" and powers off 0.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <petrel/irq.h>
#include <petrel/papr.h>
#include <petrel/virtio.h>

#include "hcall.h"
#include "kernel-virtiolib.h"

#ifndef STEPS
#define STEPS 3000u
#endif
#define QSIZE   8u
#define SECTORS 128u /* the part of the image the loop uses, from sector 8 */

static uint8_t ring[VQ_BYTES] __attribute__((aligned(4096)));
/* Request header (16 bytes), status byte, data: one page each. */
static uint8_t hdr[4096] __attribute__((aligned(4096)));
static uint8_t status[4096] __attribute__((aligned(4096)));
static uint8_t data[4096] __attribute__((aligned(4096)));

/* The queue's MSI-X source and the interrupts taken; under XIVE the
 * event queue (4 KiB: 1024 entries) and where the next entry is read. */
static uint32_t irq_src;
static unsigned irqs;
static bool xive;
static uint32_t eq[1024] __attribute__((aligned(4096)));
static unsigned eq_index, eq_toggle;

#define XIVE_PRIO 5
#define TIMA_OS   PETREL_XIVE_TIMA_OS_PAGE

static long hcall6(unsigned long opcode, unsigned long a0, unsigned long a1, unsigned long a2,
                   unsigned long a3, unsigned long a4)
{
    register unsigned long r3 __asm__("r3") = opcode;
    register unsigned long r4 __asm__("r4") = a0;
    register unsigned long r5 __asm__("r5") = a1;
    register unsigned long r6 __asm__("r6") = a2;
    register unsigned long r7 __asm__("r7") = a3;
    register unsigned long r8 __asm__("r8") = a4;

    __asm__ volatile("sc 1"
                     : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7), "+r"(r8)
                     :
                     : "r0", "r9", "r10", "r11", "r12", "ctr", "xer", "cr0", "cr1", "cr5", "cr6",
                       "cr7", "memory");
    return (long)r3;
}

/* A source's ESB management page (spec/irq.md §3.2): loads at +0xc00 set
 * PQ to 00, which enables an MSI and is its EOI. */
static void esb_pq00(uint32_t lisn)
{
    (void)*(volatile uint64_t *)(PETREL_XIVE_ESB_BASE + ((uint64_t)lisn << PETREL_XIVE_ESB_SHIFT) +
                                 0x10000 + 0xc00);
}

/* XIVE's way (irq.md §3.5): ACK at the TIMA, the next queue entry (its
 * generation bit differs from the toggle), EOI at the ESB, CPPR back
 * open.  Returns the EISN, 0 if the queue held nothing. */
static uint32_t xive_take(void)
{
    uint16_t ack = *(volatile uint16_t *)(TIMA_OS + 0x810);
    uint32_t e = eq[eq_index];

    (void)ack;
    if ((e >> 31) == eq_toggle)
        return 0;
    if (++eq_index == 1024) {
        eq_index = 0;
        eq_toggle ^= 1;
    }
    e &= 0x7fffffff;
    esb_pq00(e);
    *(volatile uint8_t *)(TIMA_OS + 0x11) = 0xff;
    return e;
}

static uint64_t fnv(uint64_t h, const uint8_t *p, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

static void le_store(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_hex64(uint64_t v)
{
    char s[17];
    for (int i = 15; i >= 0; i--, v >>= 4)
        s[i] = "0123456789abcdef"[v & 15];
    s[16] = 0;
    puts_(s);
}

/* One request of type t on sector s over data[0..511]; fails the kernel
 * when the device does not complete it with VIRTIO_BLK_S_OK. */
static void request(struct vdev *v, uint32_t t, uint64_t s)
{
    struct vq *vq = &v->vq[0];
    uint16_t head;
    uint32_t len;

    le_store(hdr, t, 4);
    le_store(hdr + 4, 0, 4);
    le_store(hdr + 8, s, 8);
    status[0] = 0xff;
    vq_desc(vq, 0, (uintptr_t)hdr, 16, VIRTQ_DESC_F_NEXT, 1);
    vq_desc(vq, 1, (uintptr_t)data, VIRTIO_BLK_SECTOR,
            VIRTQ_DESC_F_NEXT | (t == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0), 2);
    vq_desc(vq, 2, (uintptr_t)status, 1, VIRTQ_DESC_F_WRITE, 0);
    vq_post(vq, 0);
    vq_kick(v, 0);
    for (unsigned i = 0; !vq_take(vq, &head, &len); i++)
        if (i > 1000000)
            fail("no completion");
    if (head != 0 || status[0] != VIRTIO_BLK_S_OK)
        fail("request failed");
    /* The completion's MSI-X is pending at the presenter (EE is off):
     * accept and EOI it.  A snapshot between the two keeps it pending. */
    if (irq_src) {
        uint32_t x = xive ? xive_take() : xics_take();
        if (x != irq_src)
            fail("no completion interrupt");
        irqs++;
    }
}

/*
 * The way Linux sets up MSI-X -- ibm,change-msi for one vector, its source
 * from ibm,query-interrupt-source-number, MSI-X enabled and the vector
 * unmasked -- and the queue's vector set to 0.  The source is routed to
 * this CPU with ibm,set-xive and CPPR opened under XICS (H_IPOLL works);
 * under XIVE an event queue at priority 5, the source's EAS with its
 * number as EISN, its PQ set to 00 and the TIMA's CPPR opened.
 */
static void msix_setup(struct vdev *v)
{
    unsigned long o4[4];
    uint32_t out[3], cap, table;
    uint64_t cpu, pci, size;

    xive = hcall4(H_IPOLL, 0, 0, 0, 0, o4) != H_SUCCESS;
    cap = cfg_find_cap(&v->fn, 0x11);
    table = cfg_read(&v->fn, cap + 4, 4);
    if (!cap || !pci_bar(&v->fn, 0x10 + 4 * (table & 7), &cpu, &pci, &size))
        fail("no MSI-X table");
    if (change_msi(&v->fn, 1, 1, 4, out) != 0 || out[0] != 1 || out[2] != 2 ||
        query_source(&v->fn, 0, out) != 0)
        fail("ibm,change-msi");
    irq_src = out[0];
    cfg_write(&v->fn, cap + 2, 2, cfg_read(&v->fn, cap + 2, 2) | 0x8000);
    wr32(cpu + (table & ~7u) + 12, 0);
    if (xive) {
        if (hcall6(H_INT_SET_QUEUE_CONFIG, 0, 0, XIVE_PRIO, (uintptr_t)eq, 12) != H_SUCCESS ||
            hcall6(H_INT_SET_SOURCE_CONFIG, 2 /* SET_EISN */, irq_src, 0, XIVE_PRIO, irq_src) !=
                H_SUCCESS)
            fail("XIVE routing");
        esb_pq00(irq_src);
        *(volatile uint8_t *)(TIMA_OS + 0x11) = 0xff;
    } else {
        xics_route(irq_src, 5);
        hcall4(H_CPPR, 0xff, 0, 0, 0, o4);
    }
    wr16(v->common + VIRTIO_COMMON_Q_SELECT, 0);
    wr16(v->common + VIRTIO_COMMON_Q_MSIX, 0);
    if (rd16(v->common + VIRTIO_COMMON_Q_MSIX) != 0)
        fail("queue vector refused");
}

/*
 * The hashed page table (POWER8 compat: CAS chose hash, and the table
 * lives in the host, outside guest RAM): every 8 steps an entry goes in
 * with H_ENTER at a group that moves with the step, after H_REMOVE of
 * whatever held that group's first slot, and an entry entered 40 steps
 * earlier is read back with H_READ; both fold into the hash.  Under radix
 * every call is refused the same way each run.
 */
static uint64_t hpt_step(uint64_t h, unsigned i)
{
    unsigned long out[4];
    unsigned k = i / 8;
    unsigned long ptex = (k * 37u % 256u) * 8u, old = ((k + 251u) * 37u % 256u) * 8u;
    unsigned long v = (unsigned long)(k + 1) << 7 | 1;              /* AVPN, valid, 4K */
    unsigned long r = (0x100000ul + (k % 64u) * 0x1000ul) | 0x10ul; /* RAM, M */
    long rc;

    hcall4(H_REMOVE, 0, ptex, 0, 0, out);
    rc = hcall4(H_ENTER, 0, ptex, v, r, out);
    h = (h ^ (uint64_t)rc ^ (rc == 0 ? out[0] << 8 : 0)) * 0x100000001b3ull;
    rc = hcall4(H_READ, 0, old, 0, 0, out);
    h = (h ^ (uint64_t)rc ^ (rc == 0 ? out[0] ^ out[1] << 1 : 0)) * 0x100000001b3ull;
    return h;
}

static void probes(void)
{
    unsigned long out[4];
    long xics = hcall4(H_IPOLL, 0, 0, 0, 0, out);
    /* MODIFY | REGISTER | RADIX, base not 4K-aligned. */
    long radix = hcall4(H_REGISTER_PROC_TBL, 0x1c, 0x123, 0, 0, out);

    puts_("probe xics ");
    put_dec(xics);
    puts_(" radix ");
    put_dec(radix);
    puts_("\n");
}

void kernel_main(uint64_t r3)
{
    struct vdev v;
    uint64_t h = 0xcbf29ce484222325ull;

    check_prefix = "snap";
    rtas_init(r3);
    if (!virtio_find(PETREL_VIRTIO_DEVICE(PETREL_VIRTIO_ID_BLK), &v))
        fail("no virtio-blk in the tree");
    if (!dma_map(&v.fn, hdr, sizeof(hdr)) || !dma_map(&v.fn, status, sizeof(status)) ||
        !dma_map(&v.fn, data, sizeof(data)))
        fail("cannot map the buffers");
    if (!(virtio_start(&v, 0) & VIRTIO_STATUS_FEATURES_OK) || !virtio_queue(&v, 0, QSIZE, ring))
        fail("cannot start virtio-blk");
    msix_setup(&v);
    virtio_ready(&v);
    puts_("snap: start\n");
    probes();
    {
        unsigned long out[4];
        puts_("hpt: H_READ ");
        put_dec(hcall4(H_READ, 0, 0, 0, 0, out));
        puts_("\n");
    }
    for (unsigned i = 0; i < STEPS; i++) {
        uint64_t ws = 8 + (i * 7u) % SECTORS, rs = 8 + (i * 3u + 5) % SECTORS;
        uint64_t x = h ^ i;

        for (unsigned k = 0; k < VIRTIO_BLK_SECTOR; k += 8) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            le_store(data + k, x, 8);
        }
        request(&v, VIRTIO_BLK_T_OUT, ws);
        memset(data, 0, VIRTIO_BLK_SECTOR);
        request(&v, VIRTIO_BLK_T_IN, rs);
        h = fnv(h, data, VIRTIO_BLK_SECTOR);
        if (i % 8 == 7) {
            h = hpt_step(h, i);
            puts_("step ");
            put_dec(i + 1);
            puts_(" hash ");
            put_hex64(h);
            puts_("\n");
        }
        if (i % 64 == 63)
            probes();
    }
    puts_("snap: done ");
    put_hex64(h);
    puts_(", ");
    put_dec(irqs);
    puts_(" completion interrupts\n");
    power_off(0);
}
