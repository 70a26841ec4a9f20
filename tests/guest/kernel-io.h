/* Console output and exits shared by the test kernels (kernel-io.c). */
#ifndef KERNEL_IO_H
#define KERNEL_IO_H

#include <stddef.h>
#include <stdint.h>

void out(const char *s, size_t n);
void puts_(const char *s);
void put_hex(uint64_t v);
void put_dec(int64_t v);
/* Power off through the host service with this status. */
void __attribute__((noreturn)) power_off(unsigned status);
/* "kernel FAIL: why", then power off with status 1. */
void __attribute__((noreturn)) fail(const char *why);

#endif
