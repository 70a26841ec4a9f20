# The reset payload (reset-payload.c) under gdb: stop at the firmware
# entry after each of three resets and print vCPU 0's registers there
# (run_reset_tests.py checks them against the power-on state).
set pagination off
set confirm off
break *0x100
define entry_regs
  printf "ENTRY pc=%lx msr=%lx lr=%lx ctr=%lx cr=%lx xer=%lx\n", $pc, $msr, $lr, $ctr, $cr, $xer
  printf "GPRS %lx %lx %lx %lx %lx %lx %lx %lx", $r0, $r1, $r2, $r3, $r4, $r5, $r6, $r7
  printf " %lx %lx %lx %lx %lx %lx %lx %lx", $r8, $r9, $r10, $r11, $r12, $r13, $r14, $r15
  printf " %lx %lx %lx %lx %lx %lx %lx %lx", $r16, $r17, $r18, $r19, $r20, $r21, $r22, $r23
  printf " %lx %lx %lx %lx %lx %lx %lx %lx\n", $r24, $r25, $r26, $r27, $r28, $r29, $r30, $r31
end
continue
entry_regs
continue
entry_regs
continue
entry_regs
delete
detach
