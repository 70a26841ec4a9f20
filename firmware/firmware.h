/* Firmware-internal interfaces (guest side). */
#ifndef FW_FIRMWARE_H
#define FW_FIRMWARE_H

#include <stdint.h>

/* console.c: the hvterm console behind picolibc's stdout. */
void console_init(uint32_t vterm);
void console_flush(void);

/* hwdesc.c: facts from the host's hardware description. */
struct hw_facts {
    uint64_t ram_base, ram_size;
    uint32_t ncpus;
    uint32_t pvr;
    uint32_t vterm;
    uint64_t kernel_base, kernel_size;
    uint64_t initrd_base, initrd_size;
    const char *bootargs;
};
int hwdesc_read(const void *fdt, struct hw_facts *hw);

/* platform.c: host services. */
void __attribute__((noreturn)) platform_power_off(unsigned status);

#endif
