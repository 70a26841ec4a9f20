# The radix MMU payload (tests/guest/mmu-radix.c), attached at the entry
# with -S -smp 2; test_gdb.py sets $watch to s_watch's kernel address,
# where vCPU 1 runs with translation on, and checks the printed lines.
set pagination off
set confirm off
break *$watch
continue
printf "THREAD=%d PC=%lx\n", $_thread, $pc
printf "MSR=%lx\n", $msr
printf "R3=%lx\n", $r3
printf "X=%lx\n", *(unsigned long *)$r3
printf "INSN=%x\n", *(unsigned int *)$pc
printf "M2=%lx\n", *(unsigned long *)0xc000000040211238
delete
printf "UNMAPPED=%lx\n", *(unsigned long *)0xc000000080005000
kill
