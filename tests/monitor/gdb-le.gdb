# Little-endian payload (gdb-le.S): the entry switches to LE; gdb reads
# registers and memory in little-endian order.  Ends with kill.
set pagination off
set confirm off
set endian little
break *le_loop
continue
printf "PC=%lx LOOP=%lx\n", $pc, (long)&le_loop
printf "R3=%lx\n", $r3
printf "MSR=%lx\n", $msr
stepi
printf "STEP_PC=%lx R4=%lx\n", $pc, $r4
stepi
printf "COUNTER=%x\n", *(unsigned int *)0x2000
set {unsigned int}0x2000 = 0x11223344
x/4xb 0x2000
set $r4 = 0x41
delete
stepi
stepi
stepi
printf "R4=%lx COUNTER=%x\n", $r4, *(unsigned int *)0x2000
kill
