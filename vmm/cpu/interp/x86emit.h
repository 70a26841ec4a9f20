/*
 * A small x86-64 machine-code emitter for the block compiler (jit.c):
 * just the instructions it uses, encoded by hand from the Intel SDM
 * (vol. 2, ch. 2: REX, ModRM, SIB).  Every emit_* appends to a buffer
 * that refuses to overflow: on overflow `failed` is set and nothing more
 * is written, so the caller checks once at the end.
 */
#ifndef PETREL_INTERP_X86EMIT_H
#define PETREL_INTERP_X86EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum x86_reg {
    RAX,
    RCX,
    RDX,
    RBX,
    RSP,
    RBP,
    RSI,
    RDI,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
    X86_NOREG = -1,
};

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
enum x86_cc {
    CC_O = 0,
    CC_NO,
    CC_B,
    CC_AE,
    CC_E,
    CC_NE,
    CC_BE,
    CC_A,
    CC_S,
    CC_NS,
    CC_P,
    CC_NP,
    CC_L,
    CC_GE,
    CC_LE,
    CC_G,
};

/* ALU group-1 operations: the /digit of 0x81/0x83 and the 0x01-style opcode >> 3. */
enum x86_alu {
    ALU_ADD = 0,
    ALU_OR = 1,
    ALU_ADC = 2,
    ALU_AND = 4,
    ALU_SUB = 5,
    ALU_XOR = 6,
    ALU_CMP = 7
};

/* Shift/rotate group-2 operations: the /digit of 0xc1/0xd3. */
enum x86_shift { SH_ROL = 0, SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

struct x86_buf {
    uint8_t *p, *end;
    bool failed;
};

static inline void x86_byte(struct x86_buf *b, uint8_t v)
{
    if (b->p < b->end)
        *b->p++ = v;
    else
        b->failed = true;
}

static inline void x86_u32(struct x86_buf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        x86_byte(b, (uint8_t)(v >> (8 * i)));
}

static inline void x86_u64(struct x86_buf *b, uint64_t v)
{
    x86_u32(b, (uint32_t)v);
    x86_u32(b, (uint32_t)(v >> 32));
}

/* REX prefix: W = 64-bit operand, R = ModRM.reg high bit, X = SIB.index
 * high bit, B = ModRM.rm / SIB.base high bit.  `force` emits a bare REX
 * (needed to reach SIL/DIL and r8b-r15b as byte registers). */
static inline void x86_rex(struct x86_buf *b, int w, int reg, int index, int base, int force)
{
    uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((index & 8) ? 2 : 0) |
                            ((base & 8) ? 1 : 0));
    if (rex != 0x40 || force)
        x86_byte(b, rex);
}

/* ModRM (+ SIB + displacement) for a register operand. */
static inline void x86_modrm_reg(struct x86_buf *b, int reg, int rm)
{
    x86_byte(b, (uint8_t)(0xc0 | ((reg & 7) << 3) | (rm & 7)));
}

/* ModRM for [base + index*scale + disp]; index may be X86_NOREG. */
static inline void x86_modrm_mem(struct x86_buf *b, int reg, int base, int index, int scale,
                                 int32_t disp)
{
    int mod = disp == 0 && (base & 7) != RBP ? 0 : (disp >= -128 && disp <= 127) ? 1 : 2;
    int ss = scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0;

    if (index == X86_NOREG && (base & 7) != RSP) {
        x86_byte(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | (base & 7)));
    } else {
        x86_byte(b, (uint8_t)((mod << 6) | ((reg & 7) << 3) | 4));
        x86_byte(
            b, (uint8_t)((ss << 6) | (((index == X86_NOREG ? RSP : index) & 7) << 3) | (base & 7)));
    }
    if (mod == 1)
        x86_byte(b, (uint8_t)disp);
    else if (mod == 2)
        x86_u32(b, (uint32_t)disp);
}

/* op r/m64-or-32, reg (or reg, r/m) with a register r/m. */
static inline void x86_rr(struct x86_buf *b, int w, uint8_t opc, int reg, int rm)
{
    x86_rex(b, w, reg, 0, rm, 0);
    x86_byte(b, opc);
    x86_modrm_reg(b, reg, rm);
}

/* op with a memory r/m: [base + index*scale + disp]. */
static inline void x86_rm(struct x86_buf *b, int w, const uint8_t *opc, int nopc, int reg, int base,
                          int index, int scale, int32_t disp, int force_rex)
{
    x86_rex(b, w, reg, index == X86_NOREG ? 0 : index, base, force_rex);
    for (int i = 0; i < nopc; i++)
        x86_byte(b, opc[i]);
    x86_modrm_mem(b, reg, base, index, scale, disp);
}

/* ---- moves ---- */

static inline void emit_mov_rr(struct x86_buf *b, int w, int dst, int src)
{
    if (dst != src || !w)
        x86_rr(b, w, 0x89, src, dst);
}

/* dst = imm: the shortest of mov r32, imm32 (zero-extends), mov r64,
 * simm32 (sign-extends) and movabs. */
static inline void emit_mov_ri(struct x86_buf *b, int dst, uint64_t imm)
{
    if (imm == 0) {
        x86_rr(b, 0, 0x31, dst, dst); /* xor r32, r32 */
    } else if (imm <= 0xffffffffull) {
        x86_rex(b, 0, 0, 0, dst, 0);
        x86_byte(b, (uint8_t)(0xb8 + (dst & 7)));
        x86_u32(b, (uint32_t)imm);
    } else if ((int64_t)imm >= INT32_MIN && (int64_t)imm <= INT32_MAX) {
        x86_rex(b, 1, 0, 0, dst, 0);
        x86_byte(b, 0xc7);
        x86_modrm_reg(b, 0, dst);
        x86_u32(b, (uint32_t)imm);
    } else {
        x86_rex(b, 1, 0, 0, dst, 0);
        x86_byte(b, (uint8_t)(0xb8 + (dst & 7)));
        x86_u64(b, imm);
    }
}

/* dst = [base + disp], 64 or 32 bits (32 zero-extends). */
static inline void emit_load(struct x86_buf *b, int w, int dst, int base, int index, int32_t disp)
{
    static const uint8_t op = 0x8b;
    x86_rm(b, w, &op, 1, dst, base, index, 1, disp, 0);
}

/* [base + index + disp] = src, size 1, 2, 4 or 8 bytes. */
static inline void emit_store(struct x86_buf *b, unsigned size, int src, int base, int index,
                              int32_t disp)
{
    static const uint8_t op8 = 0x88, op = 0x89;
    if (size == 2)
        x86_byte(b, 0x66);
    x86_rm(b, size == 8, size == 1 ? &op8 : &op, 1, src, base, index, 1, disp,
           size == 1 && src >= RSP);
}

/* dst = zero-extended byte/halfword at [base + index + disp]. */
static inline void emit_load_zx(struct x86_buf *b, unsigned size, int dst, int base, int index,
                                int32_t disp)
{
    const uint8_t op[2] = {0x0f, size == 1 ? 0xb6 : 0xb7};
    x86_rm(b, 0, op, 2, dst, base, index, 1, disp, 0);
}

/* [base + disp] = imm32 (sign-extended to 64 bits when w). */
static inline void emit_store_imm(struct x86_buf *b, int w, int base, int32_t disp, uint32_t imm)
{
    static const uint8_t op = 0xc7;
    x86_rm(b, w, &op, 1, 0, base, X86_NOREG, 1, disp, 0);
    x86_u32(b, imm);
}

/* [base + disp] = imm8 */
static inline void emit_store_imm8(struct x86_buf *b, int base, int32_t disp, uint8_t imm)
{
    static const uint8_t op = 0xc6;
    x86_rm(b, 0, &op, 1, 0, base, X86_NOREG, 1, disp, 0);
    x86_byte(b, imm);
}

/* movzx dst32, src8 / movsx dst64, src8|16 / movsxd dst64, src32. */
static inline void emit_movzx8_rr(struct x86_buf *b, int dst, int src)
{
    x86_rex(b, 0, dst, 0, src, src >= RSP);
    x86_byte(b, 0x0f);
    x86_byte(b, 0xb6);
    x86_modrm_reg(b, dst, src);
}

static inline void emit_movzx16_rr(struct x86_buf *b, int dst, int src)
{
    x86_rex(b, 0, dst, 0, src, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, 0xb7);
    x86_modrm_reg(b, dst, src);
}

static inline void emit_movsx_rr(struct x86_buf *b, unsigned size, int dst, int src)
{
    if (size == 4) {
        x86_rr(b, 1, 0x63, dst, src);
        return;
    }
    x86_rex(b, 1, dst, 0, src, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, size == 1 ? 0xbe : 0xbf);
    x86_modrm_reg(b, dst, src);
}

/* ---- arithmetic ---- */

/* dst OP= src (register). */
static inline void emit_alu_rr(struct x86_buf *b, int w, enum x86_alu op, int dst, int src)
{
    x86_rr(b, w, (uint8_t)((op << 3) | 1), src, dst);
}

/* dst OP= [base + index + disp]. */
static inline void emit_alu_rm(struct x86_buf *b, int w, enum x86_alu op, int dst, int base,
                               int index, int32_t disp)
{
    const uint8_t opc = (uint8_t)((op << 3) | 3);
    x86_rm(b, w, &opc, 1, dst, base, index, 1, disp, 0);
}

/* dst OP= simm32 (sign-extended).  Callers pass values that fit. */
static inline void emit_alu_ri(struct x86_buf *b, int w, enum x86_alu op, int dst, int32_t imm)
{
    x86_rex(b, w, 0, 0, dst, 0);
    if (imm >= -128 && imm <= 127) {
        x86_byte(b, 0x83);
        x86_modrm_reg(b, op, dst);
        x86_byte(b, (uint8_t)imm);
    } else {
        x86_byte(b, 0x81);
        x86_modrm_reg(b, op, dst);
        x86_u32(b, (uint32_t)imm);
    }
}

/* qword/dword [base + disp] OP= simm32. */
static inline void emit_alu_mi(struct x86_buf *b, int w, enum x86_alu op, int base, int32_t disp,
                               int32_t imm)
{
    const uint8_t opc = imm >= -128 && imm <= 127 ? 0x83 : 0x81;
    x86_rm(b, w, &opc, 1, op, base, X86_NOREG, 1, disp, 0);
    if (opc == 0x83)
        x86_byte(b, (uint8_t)imm);
    else
        x86_u32(b, (uint32_t)imm);
}

/* cmp byte [base + disp], imm8 / test byte [base + disp], imm8 */
static inline void emit_cmp_m8i(struct x86_buf *b, int base, int32_t disp, uint8_t imm)
{
    static const uint8_t op = 0x80;
    x86_rm(b, 0, &op, 1, ALU_CMP, base, X86_NOREG, 1, disp, 0);
    x86_byte(b, imm);
}

static inline void emit_test_m8i(struct x86_buf *b, int base, int32_t disp, uint8_t imm)
{
    static const uint8_t op = 0xf6;
    x86_rm(b, 0, &op, 1, 0, base, X86_NOREG, 1, disp, 0);
    x86_byte(b, imm);
}

/* cmp dword [base + disp], imm8 */
static inline void emit_cmp_m32i8(struct x86_buf *b, int base, int32_t disp, int8_t imm)
{
    static const uint8_t op = 0x83;
    x86_rm(b, 0, &op, 1, ALU_CMP, base, X86_NOREG, 1, disp, 0);
    x86_byte(b, (uint8_t)imm);
}

static inline void emit_test_rr(struct x86_buf *b, int w, int a, int c)
{
    x86_rr(b, w, 0x85, c, a);
}

/* dst = src1 + src2*scale + disp (lea). */
static inline void emit_lea(struct x86_buf *b, int w, int dst, int base, int index, int scale,
                            int32_t disp)
{
    static const uint8_t op = 0x8d;
    x86_rm(b, w, &op, 1, dst, base, index, scale, disp, 0);
}

/* dst = dst * src (signed, low 64 bits = the unsigned low product too). */
static inline void emit_imul_rr(struct x86_buf *b, int w, int dst, int src)
{
    x86_rex(b, w, dst, 0, src, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, 0xaf);
    x86_modrm_reg(b, dst, src);
}

/* dst = src * simm32 */
static inline void emit_imul_rri(struct x86_buf *b, int w, int dst, int src, int32_t imm)
{
    x86_rr(b, w, 0x69, dst, src);
    x86_u32(b, (uint32_t)imm);
}

/* not/neg r */
static inline void emit_not(struct x86_buf *b, int w, int r)
{
    x86_rex(b, w, 0, 0, r, 0);
    x86_byte(b, 0xf7);
    x86_modrm_reg(b, 2, r);
}

static inline void emit_neg(struct x86_buf *b, int w, int r)
{
    x86_rex(b, w, 0, 0, r, 0);
    x86_byte(b, 0xf7);
    x86_modrm_reg(b, 3, r);
}

/* Shift/rotate r by an immediate count (n & 63, or & 31 for 32-bit). */
static inline void emit_shift_ri(struct x86_buf *b, int w, enum x86_shift op, int r, unsigned n)
{
    if (n == 0)
        return;
    x86_rex(b, w, 0, 0, r, 0);
    x86_byte(b, 0xc1);
    x86_modrm_reg(b, op, r);
    x86_byte(b, (uint8_t)n);
}

/* Shift/rotate r by CL. */
static inline void emit_shift_cl(struct x86_buf *b, int w, enum x86_shift op, int r)
{
    x86_rex(b, w, 0, 0, r, 0);
    x86_byte(b, 0xd3);
    x86_modrm_reg(b, op, r);
}

static inline void emit_bswap(struct x86_buf *b, int w, int r)
{
    x86_rex(b, w, 0, 0, r, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, (uint8_t)(0xc8 + (r & 7)));
}

/* rol r16, 8: swaps the two low bytes (the rest of r is kept). */
static inline void emit_bswap16(struct x86_buf *b, int r)
{
    x86_byte(b, 0x66);
    x86_rex(b, 0, 0, 0, r, 0);
    x86_byte(b, 0xc1);
    x86_modrm_reg(b, SH_ROL, r);
    x86_byte(b, 8);
}

/* bsr dst, src (ZF = src == 0, dst then undefined). */
static inline void emit_bsr(struct x86_buf *b, int w, int dst, int src)
{
    x86_rex(b, w, dst, 0, src, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, 0xbd);
    x86_modrm_reg(b, dst, src);
}

static inline void emit_setcc(struct x86_buf *b, enum x86_cc cc, int r)
{
    x86_rex(b, 0, 0, 0, r, r >= RSP);
    x86_byte(b, 0x0f);
    x86_byte(b, (uint8_t)(0x90 | cc));
    x86_modrm_reg(b, 0, r);
}

static inline void emit_cmov(struct x86_buf *b, int w, enum x86_cc cc, int dst, int src)
{
    x86_rex(b, w, dst, 0, src, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, (uint8_t)(0x40 | cc));
    x86_modrm_reg(b, dst, src);
}

/* or r8, [base + disp] */
static inline void emit_or_r8m(struct x86_buf *b, int r, int base, int32_t disp)
{
    static const uint8_t op = 0x0a;
    x86_rm(b, 0, &op, 1, r, base, X86_NOREG, 1, disp, r >= RSP);
}

/* ---- control flow ---- */

static inline void emit_push(struct x86_buf *b, int r)
{
    x86_rex(b, 0, 0, 0, r, 0);
    x86_byte(b, (uint8_t)(0x50 + (r & 7)));
}

static inline void emit_pop(struct x86_buf *b, int r)
{
    x86_rex(b, 0, 0, 0, r, 0);
    x86_byte(b, (uint8_t)(0x58 + (r & 7)));
}

/* stc: CF = 1 */
static inline void emit_stc(struct x86_buf *b)
{
    x86_byte(b, 0xf9);
}

static inline void emit_ret(struct x86_buf *b)
{
    x86_byte(b, 0xc3);
}

/* jcc/jmp rel32 to a known address or, with target NULL, a placeholder:
 * returns the address of the rel32 field for x86_patch. */
static inline uint8_t *emit_jcc(struct x86_buf *b, enum x86_cc cc, const uint8_t *target)
{
    uint8_t *field;
    x86_byte(b, 0x0f);
    x86_byte(b, (uint8_t)(0x80 | cc));
    field = b->p;
    x86_u32(b, target ? (uint32_t)(target - (b->p + 4)) : 0);
    return field;
}

static inline uint8_t *emit_jmp(struct x86_buf *b, const uint8_t *target)
{
    uint8_t *field;
    x86_byte(b, 0xe9);
    field = b->p;
    x86_u32(b, target ? (uint32_t)(target - (b->p + 4)) : 0);
    return field;
}

/* jmp r64 */
static inline void emit_jmp_reg(struct x86_buf *b, int r)
{
    x86_rex(b, 0, 0, 0, r, 0);
    x86_byte(b, 0xff);
    x86_modrm_reg(b, 4, r);
}

/* call r64 */
static inline void emit_call_reg(struct x86_buf *b, int r)
{
    x86_rex(b, 0, 0, 0, r, 0);
    x86_byte(b, 0xff);
    x86_modrm_reg(b, 2, r);
}

/* ---- SSE2 and FMA3 on xmm0-xmm7 (Intel SDM vol. 2: mandatory prefix,
 * 0F opcode; VEX.128.66.0F38.W1 for the FMA forms) ---- */

/* [pfx] 0F op xmm, xmm */
static inline void emit_sse_rr(struct x86_buf *b, uint8_t pfx, uint8_t op, int reg, int rm)
{
    if (pfx)
        x86_byte(b, pfx);
    x86_byte(b, 0x0f);
    x86_byte(b, op);
    x86_modrm_reg(b, reg, rm);
}

/* [pfx] 0F op xmm, [base + disp] (or the store direction, by op) */
static inline void emit_sse_rm(struct x86_buf *b, uint8_t pfx, uint8_t op, int reg, int base,
                               int32_t disp)
{
    const uint8_t opc[2] = {0x0f, op};
    if (pfx)
        x86_byte(b, pfx);
    x86_rm(b, 0, opc, 2, reg, base, X86_NOREG, 1, disp, 0);
}

/* movq r64, xmm */
static inline void emit_movq_rx(struct x86_buf *b, int r, int x)
{
    x86_byte(b, 0x66);
    x86_rex(b, 1, x, 0, r, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, 0x7e);
    x86_modrm_reg(b, x, r);
}

/* movq xmm, r64 */
static inline void emit_movq_xr(struct x86_buf *b, int x, int r)
{
    x86_byte(b, 0x66);
    x86_rex(b, 1, x, 0, r, 0);
    x86_byte(b, 0x0f);
    x86_byte(b, 0x6e);
    x86_modrm_reg(b, x, r);
}

/* The 231 FMA forms: dst = +-(s1 * s2) +- dst, rounded once (0xb9
 * vfmadd231sd, 0xbb vfmsub231sd, 0xbd vfnmadd231sd; 0xb8 vfmadd231pd). */
static inline void emit_fma231(struct x86_buf *b, uint8_t op, int dst, int s1, int s2)
{
    x86_byte(b, 0xc4);
    x86_byte(b, 0xe2);                                       /* R X B clear (inverted), map 0F38 */
    x86_byte(b, (uint8_t)(0x80 | ((~s1 & 15) << 3) | 0x01)); /* W1, vvvv = s1, L0, 66 */
    x86_byte(b, op);
    x86_modrm_reg(b, dst, s2);
}

/* Points a rel32 field at `target`. */
static inline void x86_patch(struct x86_buf *b, uint8_t *field, const uint8_t *target)
{
    uint32_t rel;
    if (b->failed || !field)
        return;
    rel = (uint32_t)(target - (field + 4));
    memcpy(field, &rel, 4);
}

#endif
