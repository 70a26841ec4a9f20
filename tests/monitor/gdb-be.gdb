# Big-endian payload (gdb-be.S), attached at the entry with -S -smp 2.
# test_gdb.py connects first and checks the printed lines.
set pagination off
set confirm off
info threads
break loop
continue
printf "PC=%lx LOOP=%lx\n", $pc, (long)&loop
printf "R3=%lx\n", $r3
stepi
printf "STEP_PC=%lx R4=%lx\n", $pc, $r4
printf "MSR=%lx\n", $msr
printf "PATTERN=%x\n", *(unsigned int *)&pattern
set {unsigned int}&pattern = 0x0badf00d
printf "PATTERN2=%x\n", *(unsigned int *)&pattern
x/4xb &pattern
set $r20 = 0xfeedface12345678
printf "R20=%lx\n", $r20
set $ctr = 3
printf "CTR=%lx\n", $ctr
printf "F0=%g\n", $f0
delete
thread 2
printf "T2PC=%lx\n", $pc
thread 1
break done
continue
printf "DONE_PC=%lx R4=%lx COUNTER=%x\n", $pc, $r4, *(unsigned int *)&counter
detach
