/*
 * -device and -drive, qemu-system-ppc64's spellings (vmm/cli.h): PCI host
 * bridges, the PCI devices petrel models and the disk images behind
 * virtio-blk.  Every value is checked here, so the machine gets a
 * configuration it can build; anything else is one clear error line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <petrel/pci.h>

#include "cli.h"

#define fail(err, errlen, ...) (cli_format_error((err), (errlen), __VA_ARGS__), CLI_ERROR)

/* A number in base `base` that fits below `limit`. */
static bool parse_uint(const char *s, int base, unsigned long limit, unsigned *out)
{
    char *end;
    unsigned long v;

    if (!*s)
        return false;
    v = strtoul(s, &end, base);
    if (*end || v >= limit)
        return false;
    *out = (unsigned)v;
    return true;
}

static const struct {
    const char *name;
    enum pci_device_kind kind;
} pci_models[] = {
    {"petrel-pci-test", PCI_DEV_TEST},  {"virtio-blk-pci", PCI_DEV_VIRTIO_BLK},
    {"virtio-blk", PCI_DEV_VIRTIO_BLK}, {"virtio-rng-pci", PCI_DEV_VIRTIO_RNG},
    {"virtio-rng", PCI_DEV_VIRTIO_RNG}, {"virtio-net-pci", PCI_DEV_VIRTIO_NET},
    {"virtio-net", PCI_DEV_VIRTIO_NET},
};

static int find_drive(const struct machine_config *cfg, const char *id)
{
    for (unsigned i = 0; i < cfg->n_drives; i++)
        if (cfg->drive[i].id && !strcmp(cfg->drive[i].id, id))
            return (int)i;
    return -1;
}

/* -device spapr-pci-host-bridge,index=N */
static enum cli_action parse_phb(char *opts, struct machine_config *cfg, char *err, size_t errlen)
{
    char *item;
    unsigned index = 0;
    bool have = false;

    while ((item = cli_next_opt(&opts))) {
        if (!strncmp(item, "index=", 6) && parse_uint(item + 6, 10, PETREL_PHB_MAX, &index))
            have = true;
        else
            return fail(err, errlen, "-device spapr-pci-host-bridge: bad option '%s' (index=0..%u)",
                        item, PETREL_PHB_MAX - 1);
    }
    if (!have)
        return fail(err, errlen, "-device spapr-pci-host-bridge: needs index=N");
    if (index + 1 > cfg->phbs)
        cfg->phbs = index + 1;
    return CLI_RUN;
}

enum cli_action cli_parse_device(char *arg, struct machine_config *cfg, char *err, size_t errlen)
{
    char *opts = arg, *model = cli_next_opt(&opts), *item;
    struct pci_device_config d = {.slot = -1, .drive = -1, .netdev = -1};
    const char *drive = NULL;
    bool known = false;

    if (!strcmp(model, "petrel-irq-test")) {
        if (opts)
            return fail(err, errlen, "-device petrel-irq-test: takes no options");
        cfg->irq_test_device = true;
        return CLI_RUN;
    }
    if (!strcmp(model, "spapr-pci-host-bridge"))
        return parse_phb(opts, cfg, err, errlen);
    for (size_t i = 0; i < sizeof(pci_models) / sizeof(pci_models[0]); i++)
        if (!strcmp(model, pci_models[i].name)) {
            d.kind = pci_models[i].kind;
            known = true;
        }
    if (!known)
        return fail(err, errlen,
                    "-device: unknown device '%s' (petrel-irq-test, spapr-pci-host-bridge, "
                    "petrel-pci-test, virtio-blk-pci, virtio-rng-pci, virtio-net-pci)",
                    model);
    while ((item = cli_next_opt(&opts))) {
        unsigned v;
        if (!strncmp(item, "bus=pci.", 8) && parse_uint(item + 8, 10, PETREL_PHB_MAX, &v)) {
            d.phb = v;
        } else if (!strncmp(item, "addr=", 5)) {
            /* QEMU's slot[.function], hex; petrel has function 0 only. */
            char *dot = strchr(item + 5, '.');
            if (dot && strcmp(dot, ".0"))
                return fail(err, errlen, "-device %s: only function 0 ('%s')", model, item);
            if (dot)
                *dot = 0;
            if (!parse_uint(item + 5 + (!strncmp(item + 5, "0x", 2) ? 2 : 0), 16, 32, &v))
                return fail(err, errlen, "-device %s: bad slot '%s' (0..1f)", model, item + 5);
            d.slot = (int)v;
        } else if (!strncmp(item, "drive=", 6) && d.kind == PCI_DEV_VIRTIO_BLK) {
            drive = item + 6;
        } else if (!strncmp(item, "netdev=", 7) && item[7] && d.kind == PCI_DEV_VIRTIO_NET) {
            d.netdev_id = item + 7;
        } else if (!strncmp(item, "mac=", 4) && d.kind == PCI_DEV_VIRTIO_NET) {
            if (!cli_parse_mac(item + 4, d.mac))
                return fail(err, errlen,
                            "-device %s: bad mac '%s' (52:54:00:xx:xx:xx; not multicast)", model,
                            item + 4);
            d.mac_set = true;
        } else if (!strncmp(item, "iommu_platform=", 15) && d.kind != PCI_DEV_TEST) {
            if (strcmp(item + 15, "on") && strcmp(item + 15, "off"))
                return fail(err, errlen, "-device %s: iommu_platform= takes on or off", model);
            d.iommu_platform = !strcmp(item + 15, "on");
        } else {
            return fail(err, errlen, "-device %s: unknown option '%s'", model, item);
        }
    }
    if (d.kind == PCI_DEV_VIRTIO_BLK) {
        if (!drive)
            return fail(err, errlen, "-device %s: needs drive=ID", model);
        d.drive = find_drive(cfg, drive);
        if (d.drive < 0)
            return fail(err, errlen, "-device %s: no -drive with id=%s (give -drive first)", model,
                        drive);
        if (cfg->drive[d.drive].used)
            return fail(err, errlen, "-device %s: drive %s is already in use", model, drive);
        cfg->drive[d.drive].used = true;
    }
    if (d.kind == PCI_DEV_VIRTIO_NET && !d.netdev_id)
        return fail(err, errlen, "-device %s: needs netdev=ID", model);
    if (cfg->n_pci == CLI_MAX_PCI_DEVICES)
        return fail(err, errlen, "-device: at most %u PCI devices", CLI_MAX_PCI_DEVICES);
    cfg->pci[cfg->n_pci++] = d;
    return CLI_RUN;
}

/* virtio-net's netdev= (any order on the line, as QEMU takes it) and
 * the MACs of NICs without mac=. */
static enum cli_action finish_nics(struct machine_config *cfg, char *err, size_t errlen)
{
    unsigned nth = 0;

    for (unsigned i = 0; i < cfg->n_pci; i++) {
        struct pci_device_config *d = &cfg->pci[i];
        if (d->kind != PCI_DEV_VIRTIO_NET)
            continue;
        if (d->netdev_id) {
            d->netdev = -1;
            for (unsigned k = 0; k < cfg->n_netdevs; k++)
                if (cfg->netdev[k].id && !strcmp(cfg->netdev[k].id, d->netdev_id))
                    d->netdev = (int)k;
            if (d->netdev < 0)
                return fail(err, errlen, "-device virtio-net-pci: no -netdev with id=%s",
                            d->netdev_id);
            if (cfg->netdev[d->netdev].used)
                return fail(err, errlen, "-device virtio-net-pci: netdev %s is already in use",
                            d->netdev_id);
            cfg->netdev[d->netdev].used = true;
        }
        if (!d->mac_set)
            memcpy(d->mac, (const uint8_t[6]){0x52, 0x54, 0x00, 0x12, 0x34, (uint8_t)(0x56 + nth)},
                   6);
        nth++;
    }
    for (unsigned k = 0; k < cfg->n_netdevs; k++)
        if (!cfg->netdev[k].used)
            return fail(err, errlen,
                        "-netdev %s: no device uses it (add -device virtio-net-pci,netdev=%s)",
                        cfg->netdev[k].id, cfg->netdev[k].id);
    return CLI_RUN;
}

enum cli_action cli_parse_drive(char *arg, struct machine_config *cfg, char *err, size_t errlen)
{
    char *opts = arg, *item;
    struct drive_config dr = {0};
    bool virtio = true;

    while ((item = cli_next_opt(&opts))) {
        if (!strncmp(item, "file=", 5) && item[5]) {
            dr.file = item + 5;
        } else if (!strncmp(item, "id=", 3) && item[3]) {
            dr.id = item + 3;
        } else if (!strcmp(item, "if=virtio")) {
            virtio = true;
        } else if (!strcmp(item, "if=none")) {
            virtio = false;
        } else if (!strcmp(item, "format=raw")) {
        } else if (!strcmp(item, "readonly=on") || !strcmp(item, "readonly")) {
            dr.readonly = true;
        } else if (!strcmp(item, "readonly=off")) {
            dr.readonly = false;
        } else {
            return fail(err, errlen,
                        "-drive: unsupported option '%s' (file=, if=virtio|none, id=, "
                        "format=raw, readonly=on)",
                        item);
        }
    }
    if (!dr.file)
        return fail(err, errlen, "-drive: needs file=");
    if (dr.id && find_drive(cfg, dr.id) >= 0)
        return fail(err, errlen, "-drive: duplicate id '%s'", dr.id);
    if (cfg->n_drives == CLI_MAX_DRIVES)
        return fail(err, errlen, "-drive: at most %u drives", CLI_MAX_DRIVES);
    /* if=virtio: the drive brings its own device (QEMU's default for
     * pseries is if=scsi; petrel has virtio only, so it is the default). */
    if (virtio) {
        if (cfg->n_pci == CLI_MAX_PCI_DEVICES)
            return fail(err, errlen, "-device: at most %u PCI devices", CLI_MAX_PCI_DEVICES);
        dr.used = true;
        cfg->pci[cfg->n_pci++] = (struct pci_device_config){
            .kind = PCI_DEV_VIRTIO_BLK, .slot = -1, .drive = (int)cfg->n_drives};
    }
    cfg->drive[cfg->n_drives++] = dr;
    return CLI_RUN;
}

enum cli_action cli_devices_finish(struct machine_config *cfg, char *err, size_t errlen)
{
    bool taken[PETREL_PHB_MAX][32] = {{false}};

    if (finish_nics(cfg, err, errlen) != CLI_RUN)
        return CLI_ERROR;

    for (unsigned i = 0; i < cfg->n_pci; i++) {
        const struct pci_device_config *d = &cfg->pci[i];
        if (d->phb >= cfg->phbs)
            return fail(err, errlen,
                        "-device: bus pci.%u does not exist (add -device "
                        "spapr-pci-host-bridge,index=%u)",
                        d->phb, d->phb);
        if (d->slot >= 0) {
            if (taken[d->phb][d->slot])
                return fail(err, errlen, "-device: slot %x of pci.%u is taken twice", d->slot,
                            d->phb);
            taken[d->phb][d->slot] = true;
        }
    }
    /* Devices without addr= take the lowest free slots, in order. */
    for (unsigned i = 0; i < cfg->n_pci; i++) {
        struct pci_device_config *d = &cfg->pci[i];
        if (d->slot >= 0)
            continue;
        for (unsigned s = 0; s < 32 && d->slot < 0; s++)
            if (!taken[d->phb][s]) {
                taken[d->phb][s] = true;
                d->slot = (int)s;
            }
        if (d->slot < 0)
            return fail(err, errlen, "-device: pci.%u has no free slot", d->phb);
    }
    for (unsigned i = 0; i < cfg->n_drives; i++)
        if (!cfg->drive[i].used)
            return fail(err, errlen,
                        "-drive %s: no device uses it (add -device virtio-blk-pci,drive=%s)",
                        cfg->drive[i].id ? cfg->drive[i].id : cfg->drive[i].file,
                        cfg->drive[i].id ? cfg->drive[i].id : "ID");
    return CLI_RUN;
}
