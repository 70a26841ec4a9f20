# Floating-point and vector registers, big-endian payload (gdb-fp.S):
# read what the code set, step an fadd, write values the code checks.
# test_gdb.py checks the printed lines and the payload's verdict.
set pagination off
set confirm off
break *fp_add
continue
printf "PC=%lx\n", $pc
info registers f1
p $f1
p/x $vs33.uint128
p $v2.v8_int16
printf "FPSCR=%lx VSCR=%x VRSAVE=%x\n", $fpscr, $vscr, $vrsave
stepi
printf "STEP_PC=%lx\n", $pc
p $f5
printf "FPSCR2=%lx\n", $fpscr
set $f3 = -2.25
# vs3h is no name gdb shows: doubleword 1 of vs3 is words 2, 3 of $vs3.
set $vs3.v4_int32[2] = 0x11223344
set $vs3.v4_int32[3] = 0x55667788
set $vs4.v4_int32[0] = 0xa0a1a2a3
set $vs4.v4_int32[1] = 0xb0b1b2b3
set $vs4.v4_int32[2] = 0xc0c1c2c3
set $vs4.v4_int32[3] = 0xd0d1d2d3
set $v5.v4_int32[0] = 0x10111213
set $v5.v4_int32[1] = 0x14151617
set $v5.v4_int32[2] = 0x18191a1b
set $v5.v4_int32[3] = 0x1c1d1e1f
set $fpscr = 0x0000000300000006
set $vscr = 0x10000
set $vrsave = 0x12345678
p/x $vs3.uint128
p/x $vs4.uint128
p/x $vs37.uint128
info registers float
delete
detach
