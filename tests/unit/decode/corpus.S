/*
 * Decoder corpus: POWER9 fixed-point, branch, CR, storage and system
 * instructions (no floating point, VMX or VSX), several instances each
 * with varied registers, immediates, Rc/OE variants and negative
 * displacements.  Assembled with powerpc64-linux-gnu-as -mpower9 -a64
 * -mbig and flattened with objcopy -O binary; check_objdump.py decodes
 * every word with petrel's decoder and with objdump and compares.
 * Operands are written the way the assembler wants them; extended
 * mnemonics (mr, li, blr...) are fine, they assemble to the base forms.
 * No C preprocessor: this file is given to `as` directly.
 */
    .text
    .machine power9

/* ---- opcode 2/3: tdi, twi */
    tdi 0,3,0
    tdi 4,5,-1
    tdi 31,31,32767
    twi 0,0,0
    twi 24,3,-32768
    twi 31,7,100

/* ---- opcode 4: ISA 3.0 fixed-point multiply-add (VA form) */
    maddhd 3,4,5,6
    maddhd 31,0,31,1
    maddhdu 3,4,5,6
    maddhdu 0,31,1,31
    maddld 3,4,5,6
    maddld 30,29,28,27

/* ---- opcode 7, 8: mulli, subfic */
    mulli 3,4,5
    mulli 31,0,-1
    mulli 1,2,-32768
    subfic 3,4,0
    subfic 5,6,-7
    subfic 31,31,32767

/* ---- opcode 10, 11: cmpli, cmpi (BF, L) */
    cmpli 0,0,3,0
    cmpli 7,1,31,65535
    cmpli 3,0,4,32768
    cmpi 0,0,3,5
    cmpi 7,1,31,-1
    cmpi 2,1,4,-32768
    cmpi 5,0,0,32767

/* ---- opcode 12-15: addic, addic., addi, addis */
    addic 3,4,-1
    addic 31,0,32767
    addic. 3,4,-32768
    addic. 0,31,1
    addi 3,0,5
    addi 3,4,-4
    addi 31,1,-32768
    addi 1,1,32767
    addis 3,0,-1
    addis 4,5,0x7fff
    addis 31,2,-32768
    addis 6,0,1

/* ---- opcode 16: bc, bca, bcl, bcla (hints in BO) */
    bc 12,2,.+8
    bc 4,10,.-4
    bc 16,0,.-32768
    bc 18,31,.+32764
    bc 20,0,.+4
    bc 14,3,.+12
    bc 15,1,.-8
    bc 8,6,.+16
    bc 0,7,.
    bc 25,4,.+100
    bcl 20,31,.+4
    bcl 12,1,.-100
    bca 20,0,0x100
    bca 12,2,0x7ffc
    bcla 20,0,0x200
    bcla 4,5,-0x8000

/* ---- opcode 17: sc, scv */
    sc
    sc 1
    sc 2
    scv 0
    scv 1
    scv 127

/* ---- opcode 18: b, ba, bl, bla */
    b .+8
    b .-4
    b .
    b .+0x1fffffc
    b .-0x2000000
    ba 0x100
    ba 0x1fffffc
    bl .+4
    bl .-0x100000
    bla 0x700
    bla 0xfe000000

/* ---- opcode 19: CR logical, branches to LR/CTR/TAR, rfi family, addpcis */
    mcrf 0,7
    mcrf 7,0
    mcrf 3,5
    addpcis 3,0
    addpcis 3,5
    addpcis 31,-1
    addpcis 0,32767
    addpcis 7,-32768
    addpcis 8,0x1234
    bclr 20,0
    bclr 12,2,0
    bclr 4,30,1
    bclr 16,0,3
    bclrl 20,0
    bclrl 12,7
    bcctr 20,0
    bcctr 12,2
    bcctr 4,5,3
    .long 0x4e000420  /* bcctr 16,0: CTR-decrementing form (cpu.md §1.4), as refuses it */
    bcctrl 20,0
    bcctrl 4,2
    bctar 20,0
    bctar 12,3,0
    bctarl 20,0
    bctarl 4,1
    rfid
    hrfid
    urfid
    rfscv
    rfebb 0
    rfebb 1
    isync
    stop
    crnor 0,1,2
    crnor 31,31,31
    crandc 3,4,5
    crxor 6,6,6
    crxor 31,0,15
    crnand 7,8,9
    crand 10,11,12
    creqv 13,13,13
    creqv 0,31,16
    crorc 14,15,16
    cror 17,18,19
    cror 2,2,2

/* ---- opcode 20, 21, 23: rlwimi, rlwinm, rlwnm (incl. wrapping masks) */
    rlwimi 3,4,5,6,7
    rlwimi. 31,0,31,31,0
    rlwimi 5,6,0,16,15
    rlwinm 7,6,3,0,28
    rlwinm 3,4,0,0,31
    rlwinm. 3,4,31,1,31
    rlwinm 3,4,5,30,2
    rlwinm 31,31,16,16,15
    rlwinm. 0,0,0,31,31
    rlwnm 3,4,5,0,31
    rlwnm. 3,4,5,8,7
    rlwnm 31,0,31,24,31

/* ---- opcode 24-29: ori, oris, xori, xoris, andi., andis. */
    ori 0,0,0
    ori 31,31,0
    ori 3,4,0xffff
    ori 5,6,0x8000
    oris 3,4,0xffff
    oris 5,0,0x8000
    oris 7,8,1
    xori 3,4,0xffff
    xori 0,31,0x1234
    xoris 3,4,0xffff
    xoris 31,0,0x8000
    andi. 3,4,0xffff
    andi. 0,31,0x8000
    andis. 3,4,0xffff
    andis. 31,0,0x8000

/* ---- opcode 30: rldicl, rldicr, rldic, rldimi, rldcl, rldcr (6-bit sh/mb) */
    rldicl 10,9,62,2
    rldicl 3,4,0,0
    rldicl 3,4,63,63
    rldicl. 3,4,32,31
    rldicl 31,0,1,33
    rldicl 5,6,33,1
    rldicr 3,4,0,63
    rldicr 3,4,63,0
    rldicr. 3,4,32,31
    rldicr 7,8,5,40
    rldic 3,4,5,6
    rldic 3,4,40,20
    rldic. 3,4,63,63
    rldic 9,10,33,33
    rldimi 3,4,5,6
    rldimi 3,4,32,0
    rldimi. 31,0,63,33
    rldcl 3,4,5,0
    rldcl 3,4,5,63
    rldcl. 31,0,31,33
    rldcr 3,4,5,63
    rldcr 3,4,5,0
    rldcr. 31,0,31,32

/* ---- opcode 31: XO-form add/subtract (+Rc, +OE) */
    add 3,4,5
    add. 3,4,5
    addo 3,4,5
    addo. 31,0,31
    subf 3,4,5
    subf. 6,7,8
    subfo 9,10,11
    subfo. 0,31,1
    addc 3,4,5
    addc. 3,4,5
    addco 3,4,5
    addco. 3,4,5
    subfc 3,4,5
    subfc. 3,4,5
    subfco 3,4,5
    subfco. 3,4,5
    adde 3,4,5
    adde. 3,4,5
    addeo 3,4,5
    addeo. 3,4,5
    subfe 3,4,5
    subfe. 3,4,5
    subfeo 3,4,5
    subfeo. 3,4,5
    addme 3,4
    addme. 3,4
    addmeo 3,4
    addmeo. 3,4
    subfme 3,4
    subfme. 3,4
    subfmeo 3,4
    subfmeo. 3,4
    addze 3,4
    addze. 3,4
    addzeo 3,4
    addzeo. 3,4
    subfze 3,4
    subfze. 3,4
    subfzeo 3,4
    subfzeo. 3,4
    neg 3,4
    neg. 3,4
    nego 3,4
    nego. 31,0
    addex 3,4,5,0
    addex 31,0,31,0
    addg6s 3,4,5

/* ---- opcode 31: multiply / divide / modulo */
    mullw 3,4,5
    mullw. 3,4,5
    mullwo 3,4,5
    mullwo. 3,4,5
    mulld 3,4,5
    mulld. 3,4,5
    mulldo 3,4,5
    mulldo. 3,4,5
    mulhw 3,4,5
    mulhw. 3,4,5
    mulhwu 3,4,5
    mulhwu. 3,4,5
    mulhd 3,4,5
    mulhd. 3,4,5
    mulhdu 3,4,5
    mulhdu. 3,4,5
    divw 3,4,5
    divw. 3,4,5
    divwo 3,4,5
    divwo. 3,4,5
    divwu 3,4,5
    divwu. 3,4,5
    divwuo 3,4,5
    divwuo. 3,4,5
    divd 3,4,5
    divd. 3,4,5
    divdo 3,4,5
    divdo. 3,4,5
    divdu 3,4,5
    divdu. 3,4,5
    divduo 3,4,5
    divduo. 3,4,5
    divwe 3,4,5
    divwe. 3,4,5
    divweo 3,4,5
    divweo. 3,4,5
    divweu 3,4,5
    divweu. 3,4,5
    divweuo 3,4,5
    divweuo. 3,4,5
    divde 3,4,5
    divde. 3,4,5
    divdeo 3,4,5
    divdeo. 3,4,5
    divdeu 3,4,5
    divdeu. 3,4,5
    divdeuo 3,4,5
    divdeuo. 3,4,5
    modsw 3,4,5
    moduw 3,4,5
    modsd 3,4,5
    modud 31,0,31

/* ---- opcode 31: logical, sign extension */
    and 3,4,5
    and. 3,4,5
    andc 3,4,5
    andc. 3,4,5
    or 3,4,5
    or. 3,4,5
    or 3,4,4
    or 1,1,1
    or 31,31,31
    orc 3,4,5
    orc. 3,4,5
    xor 3,4,5
    xor. 3,4,5
    nor 3,4,5
    nor. 3,4,4
    nand 3,4,5
    nand. 3,4,5
    eqv 3,4,5
    eqv. 3,4,5
    extsb 3,4
    extsb. 3,4
    extsh 3,4
    extsh. 3,4
    extsw 3,4
    extsw. 31,0

/* ---- opcode 31: count / bit / BCD */
    cntlzw 3,4
    cntlzw. 3,4
    cntlzd 3,4
    cntlzd. 3,4
    cnttzw 3,4
    cnttzw. 3,4
    cnttzd 3,4
    cnttzd. 3,4
    popcntb 3,4
    popcntw 3,4
    popcntd 3,4
    prtyw 3,4
    prtyd 3,4
    cmpb 3,4,5
    bpermd 3,4,5
    cdtbcd 3,4
    cbcdtd 3,4

/* ---- opcode 31: shifts */
    slw 3,4,5
    slw. 3,4,5
    srw 3,4,5
    srw. 3,4,5
    sraw 3,4,5
    sraw. 3,4,5
    srawi 3,4,0
    srawi 3,4,31
    srawi. 31,0,16
    sld 3,4,5
    sld. 3,4,5
    srd 3,4,5
    srd. 3,4,5
    srad 3,4,5
    srad. 3,4,5
    sradi 3,4,0
    sradi 3,4,31
    sradi 3,4,32
    sradi. 3,4,63
    sradi 31,0,33
    extswsli 3,4,0
    extswsli 3,4,32
    extswsli. 3,4,63
    extswsli 31,0,5

/* ---- opcode 31: compare, trap, select, misc ISA 3.0 */
    cmp 0,0,3,4
    cmp 7,1,31,0
    cmp 3,1,5,6
    cmpl 0,0,3,4
    cmpl 7,1,31,0
    cmpl 4,0,5,6
    cmprb 0,0,3,4
    cmprb 7,1,5,6
    cmpeqb 0,3,4
    cmpeqb 7,31,0
    setb 3,0
    setb 31,7
    mcrxrx 0
    mcrxrx 7
    tw 0,0,0
    tw 4,3,4
    tw 31,0,0
    td 0,3,4
    td 12,5,6
    td 31,31,31
    isel 3,4,5,2
    isel 3,0,5,31
    isel 31,30,29,0
    darn 3,0
    darn 3,1
    darn 31,2

/* ---- opcode 31: indexed loads and stores */
    lbzx 3,4,5
    lbzx 3,0,5
    lbzux 3,4,5
    lhzx 3,4,5
    lhzux 3,4,5
    lhax 3,4,5
    lhaux 3,4,5
    lwzx 3,4,5
    lwzx 31,0,31
    lwzux 3,4,5
    lwax 3,4,5
    lwaux 3,4,5
    ldx 3,4,5
    ldx 31,0,1
    ldux 3,4,5
    stbx 3,4,5
    stbux 3,4,5
    sthx 3,4,5
    sthux 3,4,5
    stwx 3,4,5
    stwx 31,0,31
    stwux 3,4,5
    stdx 3,4,5
    stdux 3,4,5
    lhbrx 3,4,5
    lwbrx 3,4,5
    ldbrx 3,4,5
    sthbrx 3,4,5
    stwbrx 3,4,5
    stdbrx 3,0,5

/* ---- opcode 31: cache-inhibited (hypervisor) loads and stores */
    lbzcix 3,4,5
    lhzcix 3,4,5
    lwzcix 3,4,5
    ldcix 3,4,5
    stbcix 3,4,5
    sthcix 3,4,5
    stwcix 3,4,5
    stdcix 3,4,5

/* ---- opcode 31: string (big-endian only) */
    lswi 10,5,0
    lswi 3,5,4
    lswi 5,3,31
    lswx 3,4,5
    stswi 3,4,0
    stswi 3,4,8
    stswx 3,4,5

/* ---- opcode 31: reservations, atomic memory operations */
    lbarx 3,4,5
    lbarx 3,4,5,1
    lharx 3,4,5
    lwarx 3,4,5
    lwarx 3,0,5,1
    ldarx 3,4,5
    ldarx 3,4,5,1
    lqarx 4,5,6
    stbcx. 3,4,5
    sthcx. 3,4,5
    stwcx. 3,4,5
    stdcx. 3,0,5
    stqcx. 4,5,6
    lwat 3,4,0
    lwat 4,5,8
    ldat 4,5,24
    stwat 3,4,0
    stdat 3,4,16

/* ---- opcode 31: cache management, barriers */
    dcbst 3,4
    dcbst 0,4
    dcbf 0,4
    dcbf 3,4,1
    dcbf 3,4,3
    dcbt 0,4
    dcbt 3,4,16
    dcbt 3,4,8
    dcbtst 0,4
    dcbtst 3,4,16
    dcbz 0,4
    dcbz 3,4
    icbi 0,4
    icbi 3,4
    icbt 0,3,4
    sync 0
    sync 1
    sync 2
    eieio
    wait 0

/* ---- opcode 31: MSR, SPR, CR moves */
    mfmsr 3
    mfmsr 31
    mtmsr 3
    mtmsr 3,1
    mtmsrd 3
    mtmsrd 3,1
    mtmsrd 31,0
    mfspr 3,1
    mfspr 3,8
    mfspr 3,9
    mfspr 3,26
    mfspr 3,27
    mfspr 3,268
    mfspr 3,269
    mfspr 3,287
    mfspr 31,1023
    mfspr 0,882
    mtspr 1,3
    mtspr 8,3
    mtspr 9,31
    mtspr 22,4
    mtspr 272,5
    mtspr 882,0
    mtspr 1023,1
    mftb 3
    mftb 3,269
    mfcr 3
    mfcr 31
    mfocrf 3,0x80
    mfocrf 3,0x01
    mtcrf 0xff,3
    mtcrf 0x00,4
    mtcrf 0x81,5
    mtocrf 0x01,3
    mtocrf 0x80,31

/* ---- opcode 31: MMU */
    tlbie 3,4
    tlbie 3,4,2,1,1
    tlbie 31,0,1,0,1
    tlbiel 3
    tlbiel 3,4,2,1,1
    tlbiel 31,0,3,1,0
    tlbsync
    ptesync
    slbie 3
    slbia
    slbia 7
    slbmte 3,4
    slbmfev 3,4
    slbmfee 3,4
    slbfee. 3,4
    slbieg 3,4
    slbiag 3
    slbsync

/* ---- opcode 31: doorbells, copy/paste */
    msgsnd 3
    msgclr 4
    msgsndp 5
    msgclrp 6
    msgsync
    copy 3,4
    paste. 3,4
    cpabort

/* ---- opcode 31: transactional memory */
    tbegin. 0
    tbegin. 1
    tend. 0
    tend. 1
    tsuspend.
    tresume.
    tabort. 3
    tabortwc. 4,5,6
    tabortwci. 4,5,-16
    tabortdc. 4,5,6
    tabortdci. 4,5,15
    tcheck 3
    treclaim. 4
    trechkpt.
    tsr. 0
    tsr. 1

/* ---- opcode 32-47: D-form loads and stores */
    lwz 3,0(4)
    lwz 3,-8(4)
    lwz 31,32767(0)
    lwz 0,-32768(31)
    lwzu 3,4(4)
    lwzu 3,-4(1)
    lbz 3,1(4)
    lbz 3,-1(0)
    lbzu 3,-1(4)
    stw 3,8(1)
    stw 31,-32768(31)
    stwu 1,-112(1)
    stwu 3,4(4)
    stb 3,0(4)
    stb 3,-3(0)
    stbu 3,-3(4)
    lhz 3,2(4)
    lhz 3,-2(4)
    lhzu 3,-2(4)
    lha 3,2(4)
    lha 3,-32768(0)
    lhau 3,2(4)
    sth 3,2(4)
    sth 3,-2(4)
    sthu 3,-2(4)
    lmw 28,-16(1)
    lmw 5,0(4)
    stmw 28,-16(1)
    stmw 30,8(4)

/* ---- opcode 56, 58, 62: lq, ld/ldu/lwa, std/stdu/stq */
    lq 4,0(3)
    lq 6,-16(3)
    lq 30,32752(31)
    ld 3,0(4)
    ld 3,-8(4)
    ld 31,32764(0)
    ld 0,-32768(1)
    ldu 3,8(4)
    ldu 3,-8(1)
    lwa 3,4(4)
    lwa 3,-4(4)
    lwa 31,-32768(31)
    std 3,0(4)
    std 3,-8(1)
    std 31,32764(0)
    stdu 1,-128(1)
    stdu 3,8(4)
    stq 4,0(3)
    stq 6,-16(3)
    stq 30,32752(31)

/* ---- end */
    nop
