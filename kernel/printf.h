/*
 * printf.h - formatted output for the kernel.
 *
 * Layer: kernel/. Supports %d %i %u %x %X %p %s %c %%, the length
 * modifiers l, ll and z, a field width, and the '0' and '-' flags: enough
 * for tables of registers and counters, and nothing that needs floats.
 */
#ifndef KERNEL_PRINTF_H
#define KERNEL_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
/* Format into buf (always NUL-terminated when size > 0); returns the
 * length the full output would have had. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
