/*
 * ibm,set-xive, ibm,get-xive, ibm,int-off and ibm,int-on (spec/rtas.md §5,
 * irq.md §2.1): the XICS source controller's routing and masking, through
 * its register block (include/petrel/irq.h, big-endian 32-bit registers).
 *
 * A number that is not one of the machine's sources, a server that does
 * not exist or a priority above 0xff is -3.  Outside XICS mode (XIVE in
 * force) every call is -1, hardware error: the OS uses H_INT_* there.
 */
#include <stddef.h>

#include <petrel/irq.h>
#include <petrel/papr.h>
#include <petrel/service.h>

#include "rtas.h"

static uint32_t ics_load(uint32_t off)
{
    uint32_t v = *(volatile uint32_t *)(uintptr_t)(PETREL_XICS_ICS_REGS + off);

    __asm__ volatile("eieio" ::: "memory");
    return v;
}

static void ics_store(uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)(uintptr_t)(PETREL_XICS_ICS_REGS + off) = v;
    __asm__ volatile("eieio" ::: "memory");
}

/* RTAS_SUCCESS with the source's register offset, or the call's status. */
static int32_t ics_source(uint32_t irq, uint32_t *regs)
{
    uint32_t first, count;

    if (ics_load(PETREL_ICS_MODE) != PETREL_IC_XICS)
        return RTAS_HARDWARE_ERROR;
    first = ics_load(PETREL_ICS_FIRST), count = ics_load(PETREL_ICS_COUNT);
    if (irq < first || irq - first >= count)
        return RTAS_PARAMETER_ERROR;
    *regs = PETREL_XICS_ICS_SRC(irq);
    if (!(ics_load(*regs + PETREL_ICS_STATUS) & PETREL_ICS_STATUS_VALID))
        return RTAS_PARAMETER_ERROR;
    return RTAS_SUCCESS;
}

/* args: interrupt number, server, priority.  Current and saved priority
 * both take the new value; the priority goes last, as it may deliver. */
int32_t rtas_set_xive(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    uint32_t regs;
    int32_t st = ics_source(args[0], &regs);

    (void)nargs, (void)rets, (void)nret;
    if (st != RTAS_SUCCESS)
        return st;
    if (args[1] >= ics_load(PETREL_ICS_SERVERS) || args[2] > 0xff)
        return RTAS_PARAMETER_ERROR;
    ics_store(regs + PETREL_ICS_SERVER, args[1]);
    ics_store(regs + PETREL_ICS_SAVED, args[2]);
    ics_store(regs + PETREL_ICS_PRIORITY, args[2]);
    return RTAS_SUCCESS;
}

/* args: interrupt number.  rets: server, priority. */
int32_t rtas_get_xive(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    uint32_t regs;
    int32_t st = ics_source(args[0], &regs);

    (void)nargs, (void)nret;
    if (st != RTAS_SUCCESS)
        return st;
    rets[1] = ics_load(regs + PETREL_ICS_SERVER);
    rets[2] = ics_load(regs + PETREL_ICS_PRIORITY);
    return RTAS_SUCCESS;
}

static int32_t ics_control(uint32_t irq, uint32_t ctl)
{
    uint32_t regs;
    int32_t st = ics_source(irq, &regs);

    if (st == RTAS_SUCCESS)
        ics_store(regs + PETREL_ICS_CONTROL, ctl);
    return st;
}

/* args: interrupt number.  Masks it, keeping the priority to restore. */
int32_t rtas_int_off(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    return ics_control(args[0], PETREL_ICS_CTL_INT_OFF);
}

/* args: interrupt number.  Restores the saved priority. */
int32_t rtas_int_on(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    return ics_control(args[0], PETREL_ICS_CTL_INT_ON);
}
