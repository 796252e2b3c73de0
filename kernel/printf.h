/*
 * printf.h - formatted output on the kernel's console.
 *
 * Layer: kernel/. The conversions are lib/fmt.h's (%d %i %u %x %X %p %s
 * %c %%, l ll z, width, '0' and '-'); formatting into a buffer is
 * lib/fmt.h's fmt_snprintf.
 */
#ifndef KERNEL_PRINTF_H
#define KERNEL_PRINTF_H

#include <stdarg.h>

void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

#endif
