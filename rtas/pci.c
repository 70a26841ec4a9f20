/*
 * read-pci-config, write-pci-config and their ibm, variants (spec/rtas.md
 * §4.5): config cycles through the PHB's configuration window
 * (include/petrel/pci.h), with real-mode byte-reversed loads and stores
 * because PCI registers are little-endian.
 *
 * Config address (LoPAPR 7.3.4): register bits 0-7 in 0-7 and 8-11 in
 * 28-31, devfn in 8-15, bus in 16-23.  The size must be 1, 2 or 4 and the
 * register aligned to it, else -3; a BUID that names no PHB is -3.  A
 * function that is not there answers all ones (and ignores writes), which
 * is how the OS finds out (it then asks EEH whether the slot froze).  The
 * legacy calls, which carry no BUID, address PHB 0.
 */
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/pci.h>

#include "rtas.h"

/* The window address of config address `cfg` on PHB `phb`, or 0 if the
 * access is malformed. */
static uint64_t config_window(uint32_t phb, uint32_t cfg, uint32_t size)
{
    uint32_t reg = (cfg & 0xff) | ((cfg >> 20) & 0xf00);
    uint32_t busdevfn = (cfg >> 8) & 0xffff;

    if ((size != 1 && size != 2 && size != 4) || (reg & (size - 1)))
        return 0;
    return PETREL_PHB_CFG_BASE + ((uint64_t)phb << PETREL_PHB_CFG_SHIFT) +
           ((uint64_t)busdevfn << 12) + reg;
}

int32_t rtas_phb_by_buid(uint32_t hi, uint32_t lo)
{
    uint64_t buid = (uint64_t)hi << 32 | lo;

    if (buid < PETREL_PHB_BUID_BASE || buid - PETREL_PHB_BUID_BASE >= rtas_state.phbs)
        return -1;
    return (int32_t)(buid - PETREL_PHB_BUID_BASE);
}

int32_t rtas_config_read(int32_t phb, uint32_t cfg, uint32_t size, uint32_t *value)
{
    uint64_t a;
    uint32_t v;

    if (phb < 0)
        return RTAS_PARAMETER_ERROR;
    a = config_window((uint32_t)phb, cfg, size);
    if (!a)
        return RTAS_PARAMETER_ERROR;
    switch (size) {
    case 1: __asm__ volatile("lbzx %0, 0, %1; eieio" : "=r"(v) : "r"(a) : "memory"); break;
    case 2: __asm__ volatile("lhbrx %0, 0, %1; eieio" : "=r"(v) : "r"(a) : "memory"); break;
    default: __asm__ volatile("lwbrx %0, 0, %1; eieio" : "=r"(v) : "r"(a) : "memory"); break;
    }
    *value = v;
    return RTAS_SUCCESS;
}

int32_t rtas_config_write(int32_t phb, uint32_t cfg, uint32_t size, uint32_t v)
{
    uint64_t a;

    if (phb < 0)
        return RTAS_PARAMETER_ERROR;
    a = config_window((uint32_t)phb, cfg, size);
    if (!a)
        return RTAS_PARAMETER_ERROR;
    switch (size) {
    case 1: __asm__ volatile("stbx %0, 0, %1; eieio" : : "r"(v), "r"(a) : "memory"); break;
    case 2: __asm__ volatile("sthbrx %0, 0, %1; eieio" : : "r"(v), "r"(a) : "memory"); break;
    default: __asm__ volatile("stwbrx %0, 0, %1; eieio" : : "r"(v), "r"(a) : "memory"); break;
    }
    return RTAS_SUCCESS;
}

static int32_t legacy_phb(void)
{
    return rtas_state.phbs ? 0 : -1;
}

/* args: config address, size.  rets: value. */
int32_t rtas_read_pci_config(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)nret;
    return rtas_config_read(legacy_phb(), args[0], args[1], &rets[1]);
}

/* args: config address, size, value. */
int32_t rtas_write_pci_config(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    return rtas_config_write(legacy_phb(), args[0], args[1], args[2]);
}

/* args: config address, BUID hi, BUID lo, size.  rets: value. */
int32_t rtas_ibm_read_pci_config(const uint32_t *args, uint32_t nargs, uint32_t *rets,
                                 uint32_t nret)
{
    (void)nargs, (void)nret;
    return rtas_config_read(rtas_phb_by_buid(args[1], args[2]), args[0], args[3], &rets[1]);
}

/* args: config address, BUID hi, BUID lo, size, value. */
int32_t rtas_ibm_write_pci_config(const uint32_t *args, uint32_t nargs, uint32_t *rets,
                                  uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    return rtas_config_write(rtas_phb_by_buid(args[1], args[2]), args[0], args[3], args[4]);
}
