# A write watchpoint on the big-endian payload's counter (gdb-be.S).
set pagination off
set confirm off
watch *(unsigned int *)&counter
continue
printf "WATCH1 PC=%lx COUNTER=%x\n", $pc, *(unsigned int *)&counter
continue
printf "WATCH2 PC=%lx COUNTER=%x\n", $pc, *(unsigned int *)&counter
delete
detach
