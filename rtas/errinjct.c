/*
 * Error injection (LoPAPR 7.3.15 ibm,open-errinjct, ibm,errinjct,
 * ibm,close-errinjct; spec/rtas.md §7.4) over the PHB's armed-error
 * registers (include/petrel/pci.h TRAP_*).
 *
 * One session at a time: ibm,open-errinjct hands out a token (its first
 * output; the status is the second, the reverse of every other call) and
 * is -4 while a session is open; ibm,errinjct and ibm,close-errinjct with
 * any other token, or with none open, are -4.  A session outlives nothing
 * but the image: a reboot re-instantiates RTAS and forgets it.
 *
 * The types are errinjct.def's: ioa-bus-error and ioa-bus-error-64 arm an
 * error on the PE that owns config_addr: the PE's next access of the kind
 * the function names, at an address that matches under the mask, fails
 * and freezes the PE when EEH is on -- what the hardware does when the
 * faulty transaction comes (the error is not raised by the call itself).
 * Injected errors stay armed after close, as on hardware; a slot reset
 * disarms them.
 */
#include <stdbool.h>
#include <stdint.h>

#include <petrel/papr.h>
#include <petrel/pci.h>

#include "rtas.h"

/* LoPAPR: the session is open or in use by someone else; or the caller's
 * token is not the open session's. */
#define ERRINJCT_NOT_YOURS -4

#define ERRINJCT_BUF_SIZE 1024

static const struct {
    uint32_t token, bits;
} types[] = {
#define RTAS_ERRINJCT(name, token, bits) {token, bits},
#include "errinjct.def"
#undef RTAS_ERRINJCT
};

/*
 * The ioa-bus-error functions (LoPAPR table "ioa-bus-error function
 * values"): what kind of transaction fails.  I/O space ones are refused:
 * petrel's PHBs decode memory space only (pci.h), so no such transaction
 * could ever come.
 */
static const uint8_t function_traps[] = {
    PETREL_PE_TRAP_LOAD_MEM,  /* 0 load, memory, address parity */
    PETREL_PE_TRAP_LOAD_MEM,  /* 1 load, memory, data parity */
    PETREL_PE_TRAP_NONE,      /* 2 load, I/O, address */
    PETREL_PE_TRAP_NONE,      /* 3 load, I/O, data */
    PETREL_PE_TRAP_LOAD_CFG,  /* 4 load, config, address */
    PETREL_PE_TRAP_LOAD_CFG,  /* 5 load, config, data */
    PETREL_PE_TRAP_STORE_MEM, /* 6 store, memory, address */
    PETREL_PE_TRAP_STORE_MEM, /* 7 store, memory, data */
    PETREL_PE_TRAP_NONE,      /* 8 store, I/O, address */
    PETREL_PE_TRAP_NONE,      /* 9 store, I/O, data */
    PETREL_PE_TRAP_STORE_CFG, /* 10 store, config, address */
    PETREL_PE_TRAP_STORE_CFG, /* 11 store, config, data */
    PETREL_PE_TRAP_DMA_READ,  /* 12 DMA read, address */
    PETREL_PE_TRAP_DMA_READ,  /* 13 DMA read, data */
    PETREL_PE_TRAP_DMA_READ,  /* 14 DMA read, master abort */
    PETREL_PE_TRAP_DMA_READ,  /* 15 DMA read, target abort */
    PETREL_PE_TRAP_DMA_WRITE, /* 16 DMA write, address */
    PETREL_PE_TRAP_DMA_WRITE, /* 17 DMA write, data */
    PETREL_PE_TRAP_DMA_WRITE, /* 18 DMA write, master abort */
    PETREL_PE_TRAP_DMA_WRITE, /* 19 DMA write, target abort */
};

/* The session: open or not, and its token (never 0, a new one each
 * open so a stale token from an earlier session is refused). */
static bool session_open;
static uint32_t session_token;

/* No args.  rets[0]: the token, rets[1]: the status (LoPAPR's order). */
int32_t rtas_open_errinjct(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)args, (void)nargs, (void)nret;
    if (session_open) {
        rets[1] = (uint32_t)ERRINJCT_NOT_YOURS;
        return 0;
    }
    session_open = true;
    if (++session_token == 0)
        session_token = 1;
    rets[1] = RTAS_SUCCESS;
    return (int32_t)session_token;
}

/* args: the open token. */
int32_t rtas_close_errinjct(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    if (!session_open || args[0] != session_token)
        return ERRINJCT_NOT_YOURS;
    session_open = false;
    return RTAS_SUCCESS;
}

static uint32_t be32_at(const volatile uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * ioa-bus-error(-64)'s work buffer, big-endian cells: address, mask (one
 * cell each, or two for -64), config_addr, BUID hi, BUID lo, function.
 * The address is a PCI memory address for the memory functions, the
 * register offset for the config functions, a bus (DMA) address for the
 * DMA ones.
 */
static int32_t ioa_bus_error(const volatile uint8_t *buf, uint32_t bits)
{
    uint64_t addr, mask;
    uint32_t cfg, fn, pe, trap;
    int32_t phb;
    unsigned at = 0;

    if (bits == 64) {
        addr = (uint64_t)be32_at(buf) << 32 | be32_at(buf + 4);
        mask = (uint64_t)be32_at(buf + 8) << 32 | be32_at(buf + 12);
        at = 16;
    } else {
        addr = be32_at(buf);
        mask = be32_at(buf + 4);
        at = 8;
    }
    cfg = be32_at(buf + at);
    phb = rtas_phb_by_buid(be32_at(buf + at + 4), be32_at(buf + at + 8));
    fn = be32_at(buf + at + 12);
    pe = (cfg >> 11) & 0x1f;
    if (phb < 0 || (cfg >> 16) & 0xff)
        return RTAS_PARAMETER_ERROR;
    if (!(rtas_phb_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_STATE) & PETREL_PE_PRESENT))
        return RTAS_PARAMETER_ERROR;
    if (fn >= sizeof(function_traps) || function_traps[fn] == PETREL_PE_TRAP_NONE)
        return RTAS_PARAMETER_ERROR;
    trap = function_traps[fn];
    rtas_phb_set_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_TRAP_ADDR_HI, (uint32_t)(addr >> 32));
    rtas_phb_set_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_TRAP_ADDR_LO, (uint32_t)addr);
    rtas_phb_set_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_TRAP_MASK_HI, (uint32_t)(mask >> 32));
    rtas_phb_set_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_TRAP_MASK_LO, (uint32_t)mask);
    rtas_phb_set_reg(phb, PETREL_PHB_PE(pe) + PETREL_PE_TRAP_OP, trap);
    return RTAS_SUCCESS;
}

/* args: error type token, open token, work buffer (1 KiB, real). */
int32_t rtas_errinjct(const uint32_t *args, uint32_t nargs, uint32_t *rets, uint32_t nret)
{
    (void)nargs, (void)rets, (void)nret;
    if (!session_open || args[1] != session_token)
        return ERRINJCT_NOT_YOURS;
    if (!rtas_buffer_ok(args[2], ERRINJCT_BUF_SIZE))
        return RTAS_PARAMETER_ERROR;
    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (types[i].token == args[0])
            return ioa_bus_error((const volatile uint8_t *)(uintptr_t)args[2], types[i].bits);
    return RTAS_PARAMETER_ERROR;
}
