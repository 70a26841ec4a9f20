/*
 * The EEH calls (spec/rtas.md §7, LoPAPR 7.3.15 and 7.3.16) over the PHB's
 * per-PE registers (include/petrel/pci.h).  A PE is a device number on bus
 * 0; its PE configuration address -- what ibm,get-config-addr-info2
 * function 0 returns and every other call accepts, as does the address of
 * any function of the device (rtas.md §7.3) -- is bus << 16 | device << 11.
 * A BUID that names no PHB, a bus other than 0 or a device that is not
 * there is -3.
 *
 * Recovery (§7.2): set-slot-reset asserts reset -- the PHB returns the
 * PE's functions to power-on state and frees their MSIs, so the OS's next
 * ibm,change-msi rebuilds every route -- and deasserting it thaws the PE;
 * configure-pe has nothing to configure below a device on bus 0.
 */
#include <stdbool.h>
#include <stddef.h>

#include <petrel/papr.h>
#include <petrel/pci.h>

#include "rtas.h"

/* read-slot-reset-state2 states (LoPAPR table 7.3.15.x). */
enum {
    STATE_NORMAL = 0,
    STATE_RESET = 1,
    STATE_STOPPED = 2,
    STATE_DMA_STOPPED = 4,
};

/* The PHB and PE an EEH call names; -3 if none. */
static int32_t find_pe(const uint32_t *args, int32_t *phb, uint32_t *pe)
{
    *phb = rtas_phb_by_buid(args[1], args[2]);
    *pe = (args[0] >> 11) & 0x1f;
    if (*phb < 0 || (args[0] >> 16) & 0xff)
        return RTAS_PARAMETER_ERROR;
    if (!(rtas_phb_reg(*phb, PETREL_PHB_PE(*pe) + PETREL_PE_STATE) & PETREL_PE_PRESENT))
        return RTAS_PARAMETER_ERROR;
    return RTAS_SUCCESS;
}

static void pe_control(int32_t phb, uint32_t pe, uint32_t cmd)
{
    rtas_phb_set_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_CONTROL, cmd);
}

/* args: PE address, BUID hi, lo, option (0 disable, 1 enable, 2 thaw
 * MMIO, 3 thaw DMA). */
int32_t rtas_set_eeh_option(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    static const uint32_t cmds[] = {PETREL_PE_CTL_DISABLE, PETREL_PE_CTL_ENABLE,
                                    PETREL_PE_CTL_THAW_MMIO, PETREL_PE_CTL_THAW_DMA};
    int32_t phb, st;
    uint32_t pe;

    (void)nargs, (void)rets, (void)nret;
    if ((st = find_pe(args, &phb, &pe)) != RTAS_SUCCESS)
        return st;
    if (args[3] >= sizeof(cmds) / sizeof(cmds[0]))
        return RTAS_PARAMETER_ERROR;
    pe_control(phb, pe, cmds[args[3]]);
    return RTAS_SUCCESS;
}

/* args: config address, BUID hi, lo, function (0: the PE address, 1: the
 * PE mode, 1 = a PE of its own).  rets: the answer. */
int32_t rtas_get_config_addr_info2(const uint32_t *args, uint32_t nargs, uint32_t *rets,
                                   uint32_t nret)
{
    int32_t phb, st;
    uint32_t pe, id;

    (void)nargs, (void)nret;
    if ((st = find_pe(args, &phb, &pe)) != RTAS_SUCCESS)
        return st;
    if (rtas_config_read(phb, args[0] & 0x00ffff00, 2, &id) != RTAS_SUCCESS || id == 0xffff)
        return RTAS_PARAMETER_ERROR; /* no such function */
    switch (args[3]) {
    case 0: rets[1] = pe << 11; return RTAS_SUCCESS;
    case 1: rets[1] = 1; return RTAS_SUCCESS;
    default: return RTAS_PARAMETER_ERROR;
    }
}

/* args: PE address, BUID hi, lo.  rets: state, EEH supported (1), the
 * wait for an unavailable PE in ms (petrel's PEs never are). */
int32_t rtas_read_slot_reset_state2(const uint32_t *args, uint32_t nargs, uint32_t *rets,
                                    uint32_t nret)
{
    int32_t phb, st;
    uint32_t pe, s;

    (void)nargs;
    if ((st = find_pe(args, &phb, &pe)) != RTAS_SUCCESS)
        return st;
    s = rtas_phb_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_STATE);
    if (s & PETREL_PE_RESET)
        rets[1] = STATE_RESET;
    else if (s & PETREL_PE_MMIO_FROZEN)
        rets[1] = STATE_STOPPED;
    else if (s & PETREL_PE_DMA_FROZEN)
        rets[1] = STATE_DMA_STOPPED;
    else
        rets[1] = STATE_NORMAL;
    rets[2] = 1;
    if (nret > 3)
        rets[3] = 0;
    return RTAS_SUCCESS;
}

/* args: PE address, BUID hi, lo, option (0 deassert, 1 hot reset, 3
 * fundamental reset). */
int32_t rtas_set_slot_reset(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    int32_t phb, st;
    uint32_t pe;

    (void)nargs, (void)rets, (void)nret;
    if ((st = find_pe(args, &phb, &pe)) != RTAS_SUCCESS)
        return st;
    switch (args[3]) {
    case 0: pe_control(phb, pe, PETREL_PE_CTL_UNRESET); return RTAS_SUCCESS;
    case 1:
    case 3: pe_control(phb, pe, PETREL_PE_CTL_RESET); return RTAS_SUCCESS;
    default: return RTAS_PARAMETER_ERROR;
    }
}

/* args: PE address, BUID hi, lo.  No bridges below a device on bus 0:
 * done at once (never -2: Linux 6.1 gives up on it, rtas.md §7.1). */
int32_t rtas_configure_pe(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    int32_t phb;
    uint32_t pe;

    (void)nargs, (void)rets, (void)nret;
    return find_pe(args, &phb, &pe);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* The log slot-error-detail returns: an RTAS error log, version 6 fixed
 * part (LoPAPR 10.3.2.1: version, severity, disposition, initiator and
 * target, type, extended length), then 16 bytes of petrel's own: "PEEH",
 * the error kind (pci.h PETREL_PE_ERR_*), the count, the address. */
#define LOG_SIZE         (8 + 20)
#define LOG_SEVERITY_ERR 0x40 /* severity 2 (error) in bits 0-2 */
#define LOG_PCI          0x44 /* initiator and target: PCI */
#define LOG_TYPE_PCI     0x04 /* PCI bus error */

/* args: PE address, BUID hi, lo, driver log, its length, return buffer,
 * its length, severity (1 temporary, 2 permanent).  0 and a log when the
 * PE recorded an error, 1 when it has none. */
int32_t rtas_slot_error_detail(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    int32_t phb, st;
    uint32_t pe, kind;
    uint8_t *log;

    (void)nargs, (void)rets, (void)nret;
    if ((st = find_pe(args, &phb, &pe)) != RTAS_SUCCESS)
        return st;
    if ((args[7] != 1 && args[7] != 2) || (args[4] && !rtas_buffer_ok(args[3], args[4])) ||
        args[6] < LOG_SIZE || !rtas_buffer_ok(args[5], args[6]))
        return RTAS_PARAMETER_ERROR;
    kind = rtas_phb_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_ERROR);
    if (kind == PETREL_PE_ERR_NONE)
        return RTAS_NO_ERRORS;
    log = (uint8_t *)(uintptr_t)args[5];
    for (uint32_t i = 0; i < LOG_SIZE; i++)
        log[i] = 0;
    log[0] = 6;
    log[1] = LOG_SEVERITY_ERR;
    log[2] = LOG_PCI;
    log[3] = LOG_TYPE_PCI;
    put_be32(log + 4, LOG_SIZE - 8);
    log[8] = 'P', log[9] = 'E', log[10] = 'E', log[11] = 'H';
    put_be32(log + 12, kind);
    put_be32(log + 16, rtas_phb_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_ERRORS));
    put_be32(log + 20, rtas_phb_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_ERR_ADDR_HI));
    put_be32(log + 24, rtas_phb_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_ERR_ADDR_LO));
    /* A permanent failure ends the PE's story; a temporary one stays
     * until the OS recovers (the next report starts afresh). */
    pe_control(phb, pe, PETREL_PE_CTL_CLEAR_ERROR);
    return RTAS_SUCCESS;
}
